"""stockroom: suppliers, purchase orders, goods receipts, transfers, stocktakes, bins

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

Documents that move stock, numbered per kind (document_counters); bins say where a
product sits in a location; products get an "order up to" level for reorder suggestions.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('document_counters',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_document_counters'))
    )
    op.create_table('suppliers',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppliers')),
    sa.UniqueConstraint('code', name=op.f('uq_suppliers_code'))
    )
    op.create_table('purchase_orders',
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('supplier_id', sa.String(length=36), nullable=False),
    sa.Column('location_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("status IN ('open','received','cancelled')", name=op.f('ck_purchase_orders_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_purchase_orders_created_by_id_users')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_purchase_orders_location_id_locations')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_purchase_orders_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_purchase_orders_number'))
    )
    with op.batch_alter_table('purchase_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_orders_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('stock_transfers',
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('from_location_id', sa.String(length=36), nullable=False),
    sa.Column('to_location_id', sa.String(length=36), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['from_location_id'], ['locations.id'], name=op.f('fk_stock_transfers_from_location_id_locations')),
    sa.ForeignKeyConstraint(['to_location_id'], ['locations.id'], name=op.f('fk_stock_transfers_to_location_id_locations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_stock_transfers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_transfers')),
    sa.UniqueConstraint('number', name=op.f('uq_stock_transfers_number'))
    )
    op.create_table('stocktakes',
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('location_id', sa.String(length=36), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('category_id', sa.String(length=36), nullable=True),
    sa.Column('bin_prefix', sa.String(length=32), nullable=False),
    sa.Column('not_counted_days', sa.Integer(), nullable=True),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('snapshot_at', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.String(length=36), nullable=False),
    sa.Column('posted_by_id', sa.String(length=36), nullable=True),
    sa.Column('posted_at', sa.String(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("scope IN ('full','cycle')", name=op.f('ck_stocktakes_scope')),
    sa.CheckConstraint("status IN ('counting','posted','cancelled')", name=op.f('ck_stocktakes_status')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_stocktakes_category_id_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_stocktakes_created_by_id_users')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_stocktakes_location_id_locations')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['users.id'], name=op.f('fk_stocktakes_posted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktakes')),
    sa.UniqueConstraint('number', name=op.f('uq_stocktakes_number'))
    )
    with op.batch_alter_table('stocktakes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktakes_location_id'), ['location_id'], unique=False)
        batch_op.create_index('uq_stocktakes_full_count_per_location', ['location_id'], unique=True, sqlite_where=sa.text("status = 'counting' AND scope = 'full'"), postgresql_where=sa.text("status = 'counting' AND scope = 'full'"))

    op.create_table('goods_receipts',
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('supplier_id', sa.String(length=36), nullable=True),
    sa.Column('purchase_order_id', sa.String(length=36), nullable=True),
    sa.Column('location_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('supplier_reference', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.String(length=36), nullable=False),
    sa.Column('posted_by_id', sa.String(length=36), nullable=True),
    sa.Column('posted_at', sa.String(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("status IN ('draft','posted','cancelled')", name=op.f('ck_goods_receipts_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_goods_receipts_created_by_id_users')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_goods_receipts_location_id_locations')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['users.id'], name=op.f('fk_goods_receipts_posted_by_id_users')),
    sa.ForeignKeyConstraint(['purchase_order_id'], ['purchase_orders.id'], name=op.f('fk_goods_receipts_purchase_order_id_purchase_orders')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_goods_receipts_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goods_receipts')),
    sa.UniqueConstraint('number', name=op.f('uq_goods_receipts_number'))
    )
    with op.batch_alter_table('goods_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goods_receipts_purchase_order_id'), ['purchase_order_id'], unique=False)

    op.create_table('purchase_order_lines',
    sa.Column('purchase_order_id', sa.String(length=36), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_cost', sa.BigInteger(), nullable=False),
    sa.Column('received', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_purchase_order_lines_quantity_positive')),
    sa.CheckConstraint('unit_cost >= 0', name=op.f('ck_purchase_order_lines_unit_cost_not_negative')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_purchase_order_lines_product_id_products')),
    sa.ForeignKeyConstraint(['purchase_order_id'], ['purchase_orders.id'], name=op.f('fk_purchase_order_lines_purchase_order_id_purchase_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order_lines')),
    sa.UniqueConstraint('purchase_order_id', 'product_id', name='uq_purchase_order_lines_order_product')
    )
    with op.batch_alter_table('purchase_order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_order_lines_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_order_lines_purchase_order_id'), ['purchase_order_id'], unique=False)

    op.create_table('stock_bins',
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('location_id', sa.String(length=36), nullable=False),
    sa.Column('bin', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_stock_bins_location_id_locations')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_stock_bins_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'location_id', name=op.f('pk_stock_bins'))
    )
    with op.batch_alter_table('stock_bins', schema=None) as batch_op:
        batch_op.create_index('ix_stock_bins_location_bin', ['location_id', 'bin'], unique=False)

    op.create_table('stocktake_lines',
    sa.Column('stocktake_id', sa.String(length=36), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('snapshot', sa.BigInteger(), nullable=False),
    sa.Column('counted', sa.BigInteger(), nullable=True),
    sa.Column('expected_at_count', sa.BigInteger(), nullable=True),
    sa.Column('counted_at', sa.String(length=32), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('found_during_count', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_stocktake_lines_product_id_products')),
    sa.ForeignKeyConstraint(['stocktake_id'], ['stocktakes.id'], name=op.f('fk_stocktake_lines_stocktake_id_stocktakes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktake_lines')),
    sa.UniqueConstraint('stocktake_id', 'product_id', name='uq_stocktake_lines_stocktake_product')
    )
    with op.batch_alter_table('stocktake_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktake_lines_product_id'), ['product_id'], unique=False)

    op.create_table('stocktake_unknown_codes',
    sa.Column('stocktake_id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('zone', sa.String(length=32), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('device', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('resolved_product_id', sa.String(length=36), nullable=True),
    sa.Column('resolved_at', sa.String(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['resolved_product_id'], ['products.id'], name=op.f('fk_stocktake_unknown_codes_resolved_product_id_products')),
    sa.ForeignKeyConstraint(['stocktake_id'], ['stocktakes.id'], name=op.f('fk_stocktake_unknown_codes_stocktake_id_stocktakes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_stocktake_unknown_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktake_unknown_codes'))
    )
    with op.batch_alter_table('stocktake_unknown_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktake_unknown_codes_stocktake_id'), ['stocktake_id'], unique=False)

    op.create_table('goods_receipt_lines',
    sa.Column('receipt_id', sa.String(length=36), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_cost', sa.BigInteger(), nullable=False),
    sa.Column('purchase_order_line_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_goods_receipt_lines_quantity_not_negative')),
    sa.CheckConstraint('unit_cost >= 0', name=op.f('ck_goods_receipt_lines_unit_cost_not_negative')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_goods_receipt_lines_product_id_products')),
    sa.ForeignKeyConstraint(['purchase_order_line_id'], ['purchase_order_lines.id'], name=op.f('fk_goods_receipt_lines_purchase_order_line_id_purchase_order_lines')),
    sa.ForeignKeyConstraint(['receipt_id'], ['goods_receipts.id'], name=op.f('fk_goods_receipt_lines_receipt_id_goods_receipts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goods_receipt_lines')),
    sa.UniqueConstraint('receipt_id', 'product_id', name='uq_goods_receipt_lines_receipt_product')
    )
    with op.batch_alter_table('goods_receipt_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goods_receipt_lines_receipt_id'), ['receipt_id'], unique=False)

    op.create_table('stocktake_entries',
    sa.Column('stocktake_id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('zone', sa.String(length=32), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('device', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['stocktake_lines.id'], name=op.f('fk_stocktake_entries_line_id_stocktake_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stocktake_id'], ['stocktakes.id'], name=op.f('fk_stocktake_entries_stocktake_id_stocktakes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_stocktake_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stocktake_entries'))
    )
    with op.batch_alter_table('stocktake_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stocktake_entries_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stocktake_entries_stocktake_id'), ['stocktake_id'], unique=False)

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_stock', sa.BigInteger(), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('max_stock')

    with op.batch_alter_table('stocktake_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stocktake_entries_stocktake_id'))
        batch_op.drop_index(batch_op.f('ix_stocktake_entries_line_id'))

    op.drop_table('stocktake_entries')
    with op.batch_alter_table('goods_receipt_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goods_receipt_lines_receipt_id'))

    op.drop_table('goods_receipt_lines')
    with op.batch_alter_table('stocktake_unknown_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stocktake_unknown_codes_stocktake_id'))

    op.drop_table('stocktake_unknown_codes')
    with op.batch_alter_table('stocktake_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stocktake_lines_product_id'))

    op.drop_table('stocktake_lines')
    with op.batch_alter_table('stock_bins', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_bins_location_bin')

    op.drop_table('stock_bins')
    with op.batch_alter_table('purchase_order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_order_lines_purchase_order_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_order_lines_product_id'))

    op.drop_table('purchase_order_lines')
    with op.batch_alter_table('goods_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goods_receipts_purchase_order_id'))

    op.drop_table('goods_receipts')
    with op.batch_alter_table('stocktakes', schema=None) as batch_op:
        batch_op.drop_index('uq_stocktakes_full_count_per_location', sqlite_where=sa.text("status = 'counting' AND scope = 'full'"), postgresql_where=sa.text("status = 'counting' AND scope = 'full'"))
        batch_op.drop_index(batch_op.f('ix_stocktakes_location_id'))

    op.drop_table('stocktakes')
    op.drop_table('stock_transfers')
    with op.batch_alter_table('purchase_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_orders_supplier_id'))

    op.drop_table('purchase_orders')
    op.drop_table('suppliers')
    op.drop_table('document_counters')

