"""Prompt samples kept on request, and the results of replaying them on candidates.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prompt_samples",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id", ondelete="CASCADE"), nullable=True),
        sa.Column("workload", sa.String(200), nullable=True),
        sa.Column("group_key", sa.String(1000), nullable=False),
        sa.Column("sample_key", sa.String(64), nullable=False),
        sa.Column("provider", sa.String(80), nullable=True),
        sa.Column("model", sa.String(300), nullable=True),
        sa.Column("project", sa.String(300), nullable=True),
        sa.Column("feature", sa.String(300), nullable=True),
        sa.Column("api_key", sa.String(300), nullable=True),
        sa.Column("messages", sa.Text, nullable=False),
        sa.Column("response", sa.Text, nullable=True),
        sa.Column("redacted", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_prompt_samples_group_key", "prompt_samples", ["group_key"])
    op.create_index("ix_prompt_samples_import_id", "prompt_samples", ["import_id"])
    op.create_table(
        "replay_results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workload", sa.String(200), nullable=False),
        sa.Column("incumbent_host", sa.String(100), nullable=True),
        sa.Column("incumbent_model", sa.String(300), nullable=True),
        sa.Column("host", sa.String(100), nullable=False),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("judge", sa.String(400), nullable=True),
        sa.Column("wins", sa.Integer, nullable=True),
        sa.Column("ties", sa.Integer, nullable=True),
        sa.Column("losses", sa.Integer, nullable=True),
        sa.Column("win_rate", sa.Float, nullable=True),
        sa.Column("win_rate_low", sa.Float, nullable=True),
        sa.Column("win_rate_high", sa.Float, nullable=True),
        sa.Column("ttft_p50_s", sa.Float, nullable=True),
        sa.Column("ttft_p95_s", sa.Float, nullable=True),
        sa.Column("tokens_per_s", sa.Float, nullable=True),
        sa.Column("output_ratio", sa.Float, nullable=True),
        sa.Column("output_ratio_low", sa.Float, nullable=True),
        sa.Column("output_ratio_high", sa.Float, nullable=True),
        sa.Column("cost_nano_usd", sa.BigInteger, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("workload", "host", "model", name="uq_replay_results_workload_host_model"),
    )


def downgrade() -> None:
    op.drop_table("replay_results")
    op.drop_index("ix_prompt_samples_import_id", table_name="prompt_samples")
    op.drop_index("ix_prompt_samples_group_key", table_name="prompt_samples")
    op.drop_table("prompt_samples")
