"""low-stock index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

A partial index over the products that have a reorder point, so the catalog's low-stock
filter reads those few rows instead of walking a million-product name index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(
            "ix_products_reorder_name_seq", ["name", "seq"], unique=False,
            sqlite_where=sa.text("reorder_point IS NOT NULL"),
            postgresql_where=sa.text("reorder_point IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_reorder_name_seq")
