"""orders to ship: orders, lines, timeline, payments, stock reservations, carrier profiles,
parcel types (a few of each seeded)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('carrier_profiles',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('services', sa.Text(), nullable=False),
    sa.Column('tracking_pattern', sa.String(length=200), nullable=False),
    sa.Column('tracking_url_template', sa.String(length=300), nullable=False),
    sa.Column('s10', sa.Boolean(), nullable=False),
    sa.Column('s10_service', sa.String(length=2), nullable=False),
    sa.Column('s10_country', sa.String(length=2), nullable=False),
    sa.Column('next_serial', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carrier_profiles')),
    sa.UniqueConstraint('code', name=op.f('uq_carrier_profiles_code'))
    )
    op.create_table('parcel_types',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('length_mm', sa.Integer(), nullable=False),
    sa.Column('width_mm', sa.Integer(), nullable=False),
    sa.Column('height_mm', sa.Integer(), nullable=False),
    sa.Column('tare_g', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parcel_types')),
    sa.UniqueConstraint('code', name=op.f('uq_parcel_types_code'))
    )
    op.create_table('orders',
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('ship_name', sa.String(length=200), nullable=False),
    sa.Column('ship_company', sa.String(length=200), nullable=False),
    sa.Column('ship_lines', sa.Text(), nullable=False),
    sa.Column('ship_city', sa.String(length=120), nullable=False),
    sa.Column('ship_postcode', sa.String(length=20), nullable=False),
    sa.Column('ship_region', sa.String(length=120), nullable=False),
    sa.Column('ship_country', sa.String(length=2), nullable=False),
    sa.Column('ship_phone', sa.String(length=40), nullable=False),
    sa.Column('ship_email', sa.String(length=200), nullable=False),
    sa.Column('shipping_method', sa.String(length=80), nullable=False),
    sa.Column('shipping_charge', sa.BigInteger(), nullable=False),
    sa.Column('cash_on_delivery', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('subtotal', sa.BigInteger(), nullable=False),
    sa.Column('tax_total', sa.BigInteger(), nullable=False),
    sa.Column('grand_total', sa.BigInteger(), nullable=False),
    sa.Column('paid_total', sa.BigInteger(), nullable=False),
    sa.Column('location_id', sa.String(length=36), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.Column('pick_batch', sa.String(length=20), nullable=False),
    sa.Column('carrier_id', sa.String(length=36), nullable=True),
    sa.Column('service', sa.String(length=80), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=False),
    sa.Column('parcel_type_id', sa.String(length=36), nullable=True),
    sa.Column('weight_g', sa.Integer(), nullable=False),
    sa.Column('length_mm', sa.Integer(), nullable=False),
    sa.Column('width_mm', sa.Integer(), nullable=False),
    sa.Column('height_mm', sa.Integer(), nullable=False),
    sa.Column('shipped_at', sa.String(length=32), nullable=True),
    sa.Column('delivered_at', sa.String(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['carrier_id'], ['carrier_profiles.id'], name=op.f('fk_orders_carrier_id_carrier_profiles')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_orders_created_by_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_orders_customer_id_customers')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_orders_location_id_locations')),
    sa.ForeignKeyConstraint(['parcel_type_id'], ['parcel_types.id'], name=op.f('fk_orders_parcel_type_id_parcel_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_orders_number')),
    sa.UniqueConstraint('source', 'external_id', name='uq_orders_source_external_id')
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_customer', ['customer_id'], unique=False)
        batch_op.create_index('ix_orders_state_created', ['state', 'created_at'], unique=False)
        batch_op.create_index('ix_orders_tracking_number', ['tracking_number'], unique=False)

    op.create_table('order_events',
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_events_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_order_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_events'))
    )
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.create_index('ix_order_events_order', ['order_id', 'at'], unique=False)

    op.create_table('order_lines',
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('discount', sa.BigInteger(), nullable=False),
    sa.Column('tax_code', sa.String(length=16), nullable=False),
    sa.Column('tax_percent', sa.String(length=20), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.Column('tax', sa.BigInteger(), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.Column('picked', sa.BigInteger(), nullable=False),
    sa.Column('packed', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_order_lines_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index('ix_order_lines_order', ['order_id', 'position'], unique=False)
        batch_op.create_index('ix_order_lines_product', ['product_id'], unique=False)

    op.create_table('order_payments',
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_payments_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_order_payments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_payments'))
    )
    with op.batch_alter_table('order_payments', schema=None) as batch_op:
        batch_op.create_index('ix_order_payments_order', ['order_id'], unique=False)

    op.create_table('stock_reservations',
    sa.Column('order_line_id', sa.String(length=36), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('location_id', sa.String(length=36), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_stock_reservations_location_id_locations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_stock_reservations_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_stock_reservations_order_line_id_order_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_stock_reservations_product_id_products')),
    sa.PrimaryKeyConstraint('order_line_id', name=op.f('pk_stock_reservations'))
    )
    with op.batch_alter_table('stock_reservations', schema=None) as batch_op:
        batch_op.create_index('ix_stock_reservations_order', ['order_id'], unique=False)
        batch_op.create_index('ix_stock_reservations_product', ['product_id', 'location_id'], unique=False)

    _seed()


# Examples to edit in the settings: the post's S10 numbers (country from the store's
# locale when there is a store), two couriers' formats and tracking pages, local delivery.
CARRIERS = (
    ("POST", "Post (S10)", "Standard\nTracked\nSigned for", "", "", True, "RR"),
    ("UPS", "UPS", "Standard\nExpress", r"1Z[0-9A-Z]{16}", "https://www.ups.com/track?tracknum={tracking}", False, ""),
    ("DHL", "DHL Express", "Express worldwide", r"\d{10}",
     "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={tracking}", False, ""),
    ("LOCAL", "Own van / collection", "Local delivery\nClick & collect", "", "", False, ""),
)
PARCELS = (
    ("LETTER", "Large letter", 353, 250, 25, 20),
    ("SMALL", "Small box", 300, 200, 100, 150),
    ("MEDIUM", "Medium box", 450, 350, 160, 300),
    ("LARGE", "Large box", 610, 460, 460, 600),
)


def _seed() -> None:
    import uuid
    from datetime import UTC, datetime

    bind = op.get_bind()
    now = datetime.now(UTC).isoformat()
    locale = bind.execute(sa.text("SELECT locale FROM store_settings LIMIT 1")).scalar()
    country = locale.split("_")[1][:2].upper() if locale and "_" in locale else ""
    for code, name, services, pattern, url, s10, indicator in CARRIERS:
        bind.execute(sa.text(
            "INSERT INTO carrier_profiles (id, code, name, services, tracking_pattern, tracking_url_template,"
            " s10, s10_service, s10_country, next_serial, active, created_at, updated_at)"
            " VALUES (:id, :code, :name, :services, :pattern, :url, :s10, :indicator, :country, 1, :active,"
            " :now, :now)"),
            {"id": str(uuid.uuid4()), "code": code, "name": name, "services": services, "pattern": pattern,
             "url": url, "s10": s10, "indicator": indicator, "country": country if s10 else "", "active": True,
             "now": now})
    for code, name, length, width, height, tare in PARCELS:
        bind.execute(sa.text(
            "INSERT INTO parcel_types (id, code, name, length_mm, width_mm, height_mm, tare_g, active)"
            " VALUES (:id, :code, :name, :l, :w, :h, :tare, :active)"),
            {"id": str(uuid.uuid4()), "code": code, "name": name, "l": length, "w": width, "h": height,
             "tare": tare, "active": True})


def downgrade() -> None:
    with op.batch_alter_table('stock_reservations', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_reservations_product')
        batch_op.drop_index('ix_stock_reservations_order')

    op.drop_table('stock_reservations')
    with op.batch_alter_table('order_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_order_payments_order')

    op.drop_table('order_payments')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_order_lines_product')
        batch_op.drop_index('ix_order_lines_order')

    op.drop_table('order_lines')
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_index('ix_order_events_order')

    op.drop_table('order_events')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_tracking_number')
        batch_op.drop_index('ix_orders_state_created')
        batch_op.drop_index('ix_orders_customer')

    op.drop_table('orders')
    op.drop_table('parcel_types')
    op.drop_table('carrier_profiles')
