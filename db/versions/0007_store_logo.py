"""store logo: store_settings.logo_image_id, a picture in the images table

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = "fk_store_settings_logo_image_id_images"


def upgrade() -> None:
    # ALTER TABLE ... ADD COLUMN, no table copy; SQLite accepts a REFERENCES clause there.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE store_settings ADD COLUMN logo_image_id VARCHAR(36)"
                   f" CONSTRAINT {CONSTRAINT} REFERENCES images (id)")
    else:
        op.add_column("store_settings", sa.Column(
            "logo_image_id", sa.String(length=36), sa.ForeignKey("images.id", name=CONSTRAINT), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite does not report the name of a column's inline REFERENCES clause: the batch
        # copy of the table drops the reference with the column.
        with op.batch_alter_table('store_settings', schema=None) as batch_op:
            batch_op.drop_column('logo_image_id')
    else:
        op.drop_constraint(CONSTRAINT, 'store_settings', type_='foreignkey')
        op.drop_column('store_settings', 'logo_image_id')
