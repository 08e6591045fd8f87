"""reviews and recommendations: reviews (moderated, verified by sale or order line), what the
recommendation panel showed and sold (events; cart and sale lines marked "suggested")

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('recommendation_events',
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('till_id', sa.String(length=36), nullable=True),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.CheckConstraint("kind IN ('impression','accepted')", name=op.f('ck_recommendation_events_kind')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_recommendation_events_product_id_products')),
    sa.ForeignKeyConstraint(['till_id'], ['tills.id'], name=op.f('fk_recommendation_events_till_id_tills')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recommendation_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_events'))
    )
    with op.batch_alter_table('recommendation_events', schema=None) as batch_op:
        batch_op.create_index('ix_recommendation_events_at', ['at', 'kind'], unique=False)

    op.create_table('reviews',
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('reviewer_name', sa.String(length=200), nullable=False),
    sa.Column('sale_line_id', sa.String(length=36), nullable=True),
    sa.Column('order_line_id', sa.String(length=36), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reject_reason', sa.Text(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('replied_by', sa.String(length=36), nullable=True),
    sa.Column('replied_at', sa.String(length=32), nullable=True),
    sa.Column('entered_by', sa.String(length=36), nullable=True),
    sa.Column('moderated_by', sa.String(length=36), nullable=True),
    sa.Column('moderated_at', sa.String(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.CheckConstraint("status IN ('pending','published','rejected')", name=op.f('ck_reviews_status')),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_reviews_rating_1_to_5')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_reviews_customer_id_customers')),
    sa.ForeignKeyConstraint(['entered_by'], ['users.id'], name=op.f('fk_reviews_entered_by_users')),
    sa.ForeignKeyConstraint(['moderated_by'], ['users.id'], name=op.f('fk_reviews_moderated_by_users')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_reviews_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_reviews_product_id_products')),
    sa.ForeignKeyConstraint(['replied_by'], ['users.id'], name=op.f('fk_reviews_replied_by_users')),
    sa.ForeignKeyConstraint(['sale_line_id'], ['sale_lines.id'], name=op.f('fk_reviews_sale_line_id_sale_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('order_line_id', name=op.f('uq_reviews_order_line_id')),
    sa.UniqueConstraint('sale_line_id', name=op.f('uq_reviews_sale_line_id')),
    sa.UniqueConstraint('source', 'external_id', name='uq_reviews_source_external_id')
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index('ix_reviews_customer', ['customer_id'], unique=False)
        batch_op.create_index('ix_reviews_product_status', ['product_id', 'status'], unique=False)
        batch_op.create_index('ix_reviews_status_created', ['status', 'created_at'], unique=False)

    # ADD COLUMN in place: ten million sale lines are not copied.
    for table in ('cart_draft_lines', 'sale_lines'):
        op.add_column(table, sa.Column('suggested', sa.Boolean(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('sale_lines', schema=None) as batch_op:
        batch_op.drop_column('suggested')

    with op.batch_alter_table('cart_draft_lines', schema=None) as batch_op:
        batch_op.drop_column('suggested')

    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_reviews_status_created')
        batch_op.drop_index('ix_reviews_product_status')
        batch_op.drop_index('ix_reviews_customer')

    op.drop_table('reviews')
    with op.batch_alter_table('recommendation_events', schema=None) as batch_op:
        batch_op.drop_index('ix_recommendation_events_at')

    op.drop_table('recommendation_events')
