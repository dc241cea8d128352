"""Price snapshots, model aliases and the user's price overrides.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("fetched_at", sa.DateTime, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_price_snapshots_source_fetched", "price_snapshots", ["source", "fetched_at"])
    op.create_table(
        "model_aliases",
        sa.Column("provider", sa.String(80), primary_key=True),
        sa.Column("model", sa.String(300), primary_key=True),
        sa.Column("target_provider", sa.String(80), nullable=False),
        sa.Column("target_model", sa.String(300), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "price_overrides",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("provider", sa.String(80), nullable=False),
        sa.Column("model", sa.String(300), nullable=True),
        sa.Column("discount_pct", sa.Float, nullable=True),
        sa.Column("input_mtok", sa.Float, nullable=True),
        sa.Column("cache_read_mtok", sa.Float, nullable=True),
        sa.Column("cache_write_mtok", sa.Float, nullable=True),
        sa.Column("output_mtok", sa.Float, nullable=True),
        sa.Column("requests_kcount", sa.Float, nullable=True),
        sa.Column("valid_from", sa.Date, nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("price_overrides")
    op.drop_table("model_aliases")
    op.drop_index("ix_price_snapshots_source_fetched", "price_snapshots")
    op.drop_table("price_snapshots")
