"""Workloads (versioned), the user's evaluation results, self-hosting options.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workloads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workload_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("task_category", sa.String(40), nullable=False),
        sa.Column("criticality", sa.String(10), nullable=False),
        sa.Column("quality_floor_pct", sa.Float, nullable=False),
        sa.Column("latency_slo_p95_s", sa.Float, nullable=True),
        sa.Column("needs_tools", sa.Boolean, nullable=False),
        sa.Column("needs_vision", sa.Boolean, nullable=False),
        sa.Column("needs_json_schema", sa.Boolean, nullable=False),
        sa.Column("needs_caching", sa.Boolean, nullable=False),
        sa.Column("batch_tolerant", sa.Boolean, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("saved_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_workloads_workload_id", "workloads", ["workload_id"])
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workload", sa.String(200), nullable=True),
        sa.Column("task_category", sa.String(40), nullable=True),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("n", sa.Integer, nullable=True),
        sa.Column("source", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "self_hosted_options",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("gpu_type", sa.String(100), nullable=False),
        sa.Column("usd_per_gpu_hour", sa.Float, nullable=False),
        sa.Column("gpus_per_replica", sa.Integer, nullable=False),
        sa.Column("tokens_per_second", sa.Float, nullable=False),
        sa.Column("utilisation", sa.Float, nullable=False),
        sa.Column("fixed_monthly_usd", sa.Float, nullable=False),
        sa.Column("context_window", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("self_hosted_options")
    op.drop_table("evaluations")
    op.drop_index("ix_workloads_workload_id", "workloads")
    op.drop_table("workloads")
