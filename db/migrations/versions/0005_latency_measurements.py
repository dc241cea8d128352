"""The user's own latency measurements of a candidate model on a host.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "latency_measurements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("host", sa.String(100), nullable=False),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("ttft_s", sa.Float, nullable=False),
        sa.Column("ttft_p95_s", sa.Float, nullable=True),
        sa.Column("tokens_per_s", sa.Float, nullable=False),
        sa.Column("n", sa.Integer, nullable=True),
        sa.Column("measured_on", sa.Date, nullable=True),
        sa.Column("source", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("latency_measurements")
