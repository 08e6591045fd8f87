"""counter: till sessions, tenders, customers, store credit, quick keys, in-store barcodes,
discounts, returns

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('barcode_layouts',
    sa.Column('prefix', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('item_digits', sa.Integer(), nullable=False),
    sa.Column('value_digits', sa.Integer(), nullable=False),
    sa.Column('value_decimals', sa.Integer(), nullable=False),
    sa.Column('price_check_digit', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('weight','price','count')", name=op.f('ck_barcode_layouts_kind')),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_barcode_layouts'))
    )
    op.create_table('customers',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_phone'), ['phone'], unique=False)

    op.create_table('discount_limits',
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('line_percent', sa.String(length=20), nullable=False),
    sa.Column('cart_percent', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('role', name=op.f('pk_discount_limits'))
    )
    op.create_table('tender_types',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('opens_drawer', sa.Boolean(), nullable=False),
    sa.Column('needs_reference', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('cash','card','store_credit','other')", name=op.f('ck_tender_types_kind')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_tender_types'))
    )
    op.create_table('quick_keys',
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_quick_keys_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quick_keys')),
    sa.UniqueConstraint('position', name=op.f('uq_quick_keys_position'))
    )
    op.create_table('till_sessions',
    sa.Column('till_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_by_id', sa.String(length=36), nullable=False),
    sa.Column('opened_at', sa.String(length=32), nullable=False),
    sa.Column('opening_float', sa.BigInteger(), nullable=False),
    sa.Column('float_detail', sa.Text(), nullable=False),
    sa.Column('closed_by_id', sa.String(length=36), nullable=True),
    sa.Column('closed_at', sa.String(length=32), nullable=True),
    sa.Column('expected_cash', sa.BigInteger(), nullable=True),
    sa.Column('counted_cash', sa.BigInteger(), nullable=True),
    sa.Column('count_detail', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.CheckConstraint("status IN ('open','closed')", name=op.f('ck_till_sessions_status')),
    sa.CheckConstraint('opening_float >= 0', name=op.f('ck_till_sessions_float_not_negative')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_till_sessions_closed_by_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_till_sessions_opened_by_id_users')),
    sa.ForeignKeyConstraint(['till_id'], ['tills.id'], name=op.f('fk_till_sessions_till_id_tills')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_till_sessions')),
    sa.UniqueConstraint('number', name=op.f('uq_till_sessions_number'))
    )
    with op.batch_alter_table('till_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_till_sessions_till_id'), ['till_id'], unique=False)
        batch_op.create_index('uq_till_sessions_open_per_till', ['till_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('cash_movements',
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('approved_by_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.CheckConstraint("kind IN ('paid_in','paid_out','no_sale')", name=op.f('ck_cash_movements_kind')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_cash_movements_amount_not_negative')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_cash_movements_approved_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['till_sessions.id'], name=op.f('fk_cash_movements_session_id_till_sessions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cash_movements_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_movements'))
    )
    with op.batch_alter_table('cash_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_movements_session_id'), ['session_id'], unique=False)

    op.create_table('store_credit_entries',
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('sale_id', sa.String(length=36), nullable=True),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_store_credit_entries_customer_id_customers')),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_store_credit_entries_sale_id_sales')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_store_credit_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store_credit_entries'))
    )
    with op.batch_alter_table('store_credit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_store_credit_entries_customer_id'), ['customer_id'], unique=False)

    # New columns go in with ALTER TABLE ... ADD COLUMN (no table copy: sales and sale_lines
    # may hold tens of millions of rows); SQLite accepts a REFERENCES clause there.
    sqlite = op.get_bind().dialect.name == "sqlite"

    def add(table: str, column: sa.Column | str) -> None:
        if isinstance(column, str):  # a reference column, spelled out for SQLite's ALTER TABLE
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
        else:
            op.add_column(table, column)

    def fk(name: str, table: str, target: str) -> sa.Column | str:
        constraint = f"fk_{table}_{name}_{target}"
        if sqlite:
            return f"{name} VARCHAR(36) CONSTRAINT {constraint} REFERENCES {target} (id)"
        return sa.Column(name, sa.String(length=36), sa.ForeignKey(f"{target}.id", name=constraint), nullable=True)

    add("cart_draft_lines", sa.Column("discount_kind", sa.String(length=8), nullable=False, server_default=""))
    add("cart_draft_lines", sa.Column("discount_value", sa.String(length=20), nullable=True))
    add("cart_draft_lines", fk("original_line_id", "cart_draft_lines", "sale_lines"))
    add("cart_draft_lines", sa.Column("return_location_code", sa.String(length=32), nullable=False, server_default=""))

    add("cart_drafts", sa.Column("note", sa.Text(), nullable=False, server_default=""))
    add("cart_drafts", sa.Column("parked_at", sa.String(length=32), nullable=True))
    add("cart_drafts", fk("customer_id", "cart_drafts", "customers"))
    add("cart_drafts", sa.Column("discount_kind", sa.String(length=8), nullable=False, server_default=""))
    add("cart_drafts", sa.Column("discount_value", sa.String(length=20), nullable=True))
    add("cart_drafts", fk("original_sale_id", "cart_drafts", "sales"))

    add("products", sa.Column("plu", sa.String(length=16), nullable=True))
    op.create_index("ix_products_plu", "products", ["plu"], unique=True)

    add("sale_lines", fk("original_line_id", "sale_lines", "sale_lines"))
    add("sale_lines", fk("return_location_id", "sale_lines", "locations"))
    op.create_index("ix_sale_lines_original_line_id", "sale_lines", ["original_line_id"], unique=False)

    add("sale_payments", sa.Column("card_type", sa.String(length=32), nullable=False, server_default=""))
    add("sale_payments", sa.Column("reference", sa.String(length=64), nullable=False, server_default=""))

    add("sales", sa.Column("kind", sa.String(length=16), nullable=False, server_default="sale"))
    add("sales", fk("session_id", "sales", "till_sessions"))
    add("sales", fk("customer_id", "sales", "customers"))
    add("sales", fk("original_sale_id", "sales", "sales"))
    add("sales", sa.Column("cart_discount", sa.BigInteger(), nullable=False, server_default="0"))
    add("sales", sa.Column("rounding", sa.BigInteger(), nullable=False, server_default="0"))
    op.create_index("ix_sales_customer_id", "sales", ["customer_id"], unique=False)
    op.create_index("ix_sales_original_sale_id", "sales", ["original_sale_id"], unique=False)
    op.create_index("ix_sales_session_id", "sales", ["session_id"], unique=False)

    add("store_settings", sa.Column("cash_rounding_step", sa.Integer(), nullable=False, server_default="0"))

    # What every store starts with; owners change them in the settings.
    op.bulk_insert(sa.table(
        "tender_types", sa.column("code"), sa.column("name"), sa.column("kind"), sa.column("active"),
        sa.column("opens_drawer"), sa.column("needs_reference"), sa.column("position")), [
        {"code": "cash", "name": "Cash", "kind": "cash", "active": True, "opens_drawer": True,
         "needs_reference": False, "position": 1},
        {"code": "card", "name": "Card", "kind": "card", "active": True, "opens_drawer": False,
         "needs_reference": True, "position": 2},
        {"code": "voucher", "name": "Voucher", "kind": "other", "active": True, "opens_drawer": True,
         "needs_reference": True, "position": 3},
        {"code": "transfer", "name": "Bank transfer", "kind": "other", "active": True, "opens_drawer": False,
         "needs_reference": True, "position": 4},
        {"code": "store_credit", "name": "Store credit", "kind": "store_credit", "active": True,
         "opens_drawer": False, "needs_reference": False, "position": 5},
    ])
    op.bulk_insert(sa.table("discount_limits", sa.column("role"), sa.column("line_percent"),
                            sa.column("cart_percent")), [
        {"role": "cashier", "line_percent": "10", "cart_percent": "5"},
        {"role": "clerk", "line_percent": "0", "cart_percent": "0"},
        {"role": "manager", "line_percent": "50", "cart_percent": "30"},
        {"role": "owner", "line_percent": "100", "cart_percent": "100"},
    ])
    # GS1 in-store prefixes as most scale vendors ship them: 21–23 weight in grams (kg
    # to 3 decimals), 24–26 price (2 decimals), 27 count; PLU in the 5 digits after the prefix.
    op.bulk_insert(sa.table("barcode_layouts", sa.column("prefix"), sa.column("kind"), sa.column("item_digits"),
                            sa.column("value_digits"), sa.column("value_decimals"),
                            sa.column("price_check_digit")), [
        {"prefix": p, "kind": "weight", "item_digits": 5, "value_digits": 5, "value_decimals": 3,
         "price_check_digit": False} for p in ("21", "22", "23")
    ] + [
        {"prefix": p, "kind": "price", "item_digits": 5, "value_digits": 5, "value_decimals": 2,
         "price_check_digit": False} for p in ("24", "25", "26")
    ] + [
        {"prefix": "27", "kind": "count", "item_digits": 5, "value_digits": 5, "value_decimals": 0,
         "price_check_digit": False},
    ])


def downgrade() -> None:

    with op.batch_alter_table('store_settings', schema=None) as batch_op:
        batch_op.drop_column('cash_rounding_step')

    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sales_customer_id_customers'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_sales_original_sale_id_sales'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_sales_session_id_till_sessions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sales_session_id'))
        batch_op.drop_index(batch_op.f('ix_sales_original_sale_id'))
        batch_op.drop_index(batch_op.f('ix_sales_customer_id'))
        batch_op.drop_column('rounding')
        batch_op.drop_column('cart_discount')
        batch_op.drop_column('original_sale_id')
        batch_op.drop_column('customer_id')
        batch_op.drop_column('session_id')
        batch_op.drop_column('kind')

    with op.batch_alter_table('sale_payments', schema=None) as batch_op:
        batch_op.drop_column('reference')
        batch_op.drop_column('card_type')

    with op.batch_alter_table('sale_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sale_lines_return_location_id_locations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_sale_lines_original_line_id_sale_lines'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sale_lines_original_line_id'))
        batch_op.drop_column('return_location_id')
        batch_op.drop_column('original_line_id')

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_plu')
        batch_op.drop_column('plu')

    with op.batch_alter_table('cart_drafts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cart_drafts_customer_id_customers'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_cart_drafts_original_sale_id_sales'), type_='foreignkey')
        batch_op.drop_column('original_sale_id')
        batch_op.drop_column('discount_value')
        batch_op.drop_column('discount_kind')
        batch_op.drop_column('customer_id')
        batch_op.drop_column('parked_at')
        batch_op.drop_column('note')

    with op.batch_alter_table('cart_draft_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cart_draft_lines_original_line_id_sale_lines'), type_='foreignkey')
        batch_op.drop_column('return_location_code')
        batch_op.drop_column('original_line_id')
        batch_op.drop_column('discount_value')
        batch_op.drop_column('discount_kind')

    with op.batch_alter_table('store_credit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_store_credit_entries_customer_id'))

    op.drop_table('store_credit_entries')
    with op.batch_alter_table('cash_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cash_movements_session_id'))

    op.drop_table('cash_movements')
    with op.batch_alter_table('till_sessions', schema=None) as batch_op:
        batch_op.drop_index('uq_till_sessions_open_per_till', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_till_sessions_till_id'))

    op.drop_table('till_sessions')
    op.drop_table('quick_keys')
    op.drop_table('tender_types')
    op.drop_table('discount_limits')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_phone'))
        batch_op.drop_index(batch_op.f('ix_customers_name'))
        batch_op.drop_index(batch_op.f('ix_customers_email'))

    op.drop_table('customers')
    op.drop_table('barcode_layouts')

