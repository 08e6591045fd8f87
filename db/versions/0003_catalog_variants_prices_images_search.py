"""catalog: brands, attributes, variants, price history, images, search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Products get brand, attributes, reorder point, variants (parent + options) and a stable
integer ``seq`` (search rowid, paging tie-break; back-filled from rowid). Price history,
images stored once by content hash, and the FTS5 search tables (filled at start-up by
shopdesk.store.search_index.rebuild, which needs Python for pinyin).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('app_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_meta'))
    )
    op.create_table('images',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('mime', sa.String(length=32), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('thumbnail', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_images')),
    sa.UniqueConstraint('sha256', name=op.f('uq_images_sha256'))
    )
    op.create_table('price_changes',
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('old_price', sa.BigInteger(), nullable=True),
    sa.Column('new_price', sa.BigInteger(), nullable=False),
    sa.Column('old_cost', sa.BigInteger(), nullable=True),
    sa.Column('new_cost', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_price_changes_product_id_products')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_price_changes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_changes'))
    )
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_changes_product_id'), ['product_id'], unique=False)

    op.create_table('product_images',
    sa.Column('product_id', sa.String(length=36), nullable=False),
    sa.Column('image_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['image_id'], ['images.id'], name=op.f('fk_product_images_image_id_images')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_images_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'image_id', name=op.f('pk_product_images'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('brand', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('attributes', sa.Text(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('reorder_point', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('parent_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('options', sa.Text(), nullable=False, server_default='{}'))
    op.execute("UPDATE products SET seq = rowid")
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_index(batch_op.f('ix_products_brand'), ['brand'], unique=False)
        batch_op.create_index('ix_products_name_seq', ['name', 'seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_products_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_products_price_seq', ['price', 'seq'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_products_seq'), ['seq'])
        batch_op.create_foreign_key(batch_op.f('fk_products_parent_id_products'), 'products', ['parent_id'], ['id'])

    # Written out here rather than imported: a migration must not change when the app does.
    op.execute("CREATE VIRTUAL TABLE product_search USING fts5("
               "name, sku, codes, brand, category, pinyin, tokenize = 'trigram')")
    op.execute("CREATE VIRTUAL TABLE product_words USING fts5("
               "words, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2')")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS product_words")
    op.execute("DROP TABLE IF EXISTS product_search")
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_products_parent_id_products'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_products_seq'), type_='unique')
        batch_op.drop_index('ix_products_price_seq')
        batch_op.drop_index(batch_op.f('ix_products_parent_id'))
        batch_op.drop_index('ix_products_name_seq')
        batch_op.drop_index(batch_op.f('ix_products_brand'))
        batch_op.drop_column('options')
        batch_op.drop_column('parent_id')
        batch_op.drop_column('reorder_point')
        batch_op.drop_column('attributes')
        batch_op.drop_column('brand')
        batch_op.drop_column('seq')

    op.drop_table('product_images')
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_changes_product_id'))

    op.drop_table('price_changes')
    op.drop_table('images')
    op.drop_table('app_meta')
