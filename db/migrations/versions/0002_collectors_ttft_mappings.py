"""Time to first token in rollups; API collectors' imports and sync state; saved CSV column mappings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("usage") as batch:
        batch.add_column(sa.Column("ttft_count", sa.BigInteger, nullable=False, server_default="0"))
        batch.add_column(sa.Column("ttft_sum_ms", sa.Float, nullable=False, server_default="0"))
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("collector", sa.String(80), nullable=True))
    op.create_table(
        "collector_state",
        sa.Column("collector", sa.String(80), primary_key=True),
        sa.Column("synced_until", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "column_mappings",
        sa.Column("header_key", sa.String(64), primary_key=True),
        sa.Column("header", sa.Text, nullable=False),
        sa.Column("mapping", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("column_mappings")
    op.drop_table("collector_state")
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("collector")
    with op.batch_alter_table("usage") as batch:
        batch.drop_column("ttft_sum_ms")
        batch.drop_column("ttft_count")
