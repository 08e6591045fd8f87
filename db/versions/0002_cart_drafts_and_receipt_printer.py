"""cart drafts and receipt printer

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

The cart in progress is written on every change so a crash or kill loses nothing; the
store gets a configurable ESC/POS receipt printer.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("store_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("receipt_printer", sa.String(length=200), nullable=False, server_default="none")
        )
    op.create_table('cart_drafts',
    sa.Column('till_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['till_id'], ['tills.id'], name=op.f('fk_cart_drafts_till_id_tills')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cart_drafts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cart_drafts'))
    )
    with op.batch_alter_table('cart_drafts', schema=None) as batch_op:
        batch_op.create_index('uq_cart_drafts_open_per_till', ['till_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('cart_draft_lines',
    sa.Column('cart_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('scanned_code', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['cart_id'], ['cart_drafts.id'], name=op.f('fk_cart_draft_lines_cart_id_cart_drafts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_cart_draft_lines_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cart_draft_lines'))
    )
    with op.batch_alter_table('cart_draft_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cart_draft_lines_cart_id'), ['cart_id'], unique=False)



def downgrade() -> None:
    op.drop_table("cart_draft_lines")
    op.drop_table("cart_drafts")
    with op.batch_alter_table("store_settings", schema=None) as batch_op:
        batch_op.drop_column("receipt_printer")
