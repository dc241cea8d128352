"""The first ledger: imports, usage rollups, rejected rows.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TOKEN_MEASURES = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
)
LATENCY_BINS = 32


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_name", sa.String(500), nullable=False),
        sa.Column("format", sa.String(80), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("rows_read", sa.BigInteger, nullable=False),
        sa.Column("rows_accepted", sa.BigInteger, nullable=False),
        sa.Column("rows_rejected", sa.BigInteger, nullable=False),
        sa.Column("period_start", sa.DateTime, nullable=True),
        sa.Column("period_end", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "usage",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("bucket_start", sa.DateTime, nullable=False),
        sa.Column("provider", sa.String(80), nullable=False),
        sa.Column("host", sa.String(200), nullable=True),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("canonical_model", sa.String(200), nullable=True),
        sa.Column("project", sa.String(300), nullable=True),
        sa.Column("api_key", sa.String(300), nullable=True),
        sa.Column("user", sa.String(300), nullable=True),
        sa.Column("feature", sa.String(300), nullable=True),
        sa.Column("service_tier", sa.String(40), nullable=True),
        sa.Column("batch", sa.Boolean, nullable=True),
        sa.Column("prompt_band", sa.Integer, nullable=True),
        sa.Column("requests", sa.BigInteger, nullable=True),
        *(sa.Column(name, sa.BigInteger, nullable=False) for name in TOKEN_MEASURES),
        sa.Column("reported_cost_nano_usd", sa.BigInteger, nullable=True),
        sa.Column("latency_count", sa.BigInteger, nullable=False),
        sa.Column("latency_sum_ms", sa.Float, nullable=False),
        *(sa.Column(f"latency_bin_{i:02d}", sa.BigInteger, nullable=False) for i in range(LATENCY_BINS)),
    )
    op.create_index("ix_usage_bucket_start", "usage", ["bucket_start"])
    op.create_index("ix_usage_import_id", "usage", ["import_id"])
    op.create_index("ix_usage_provider_model", "usage", ["provider", "model"])
    op.create_table(
        "rejected_rows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
    )
    op.create_index("ix_rejected_rows_import_id", "rejected_rows", ["import_id"])


def downgrade() -> None:
    op.drop_table("rejected_rows")
    op.drop_table("usage")
    op.drop_table("imports")
