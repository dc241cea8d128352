"""Rows skipped as not usage, counted per kind with each import; token measures a source does not report
kept as unknown (null) instead of 0.

Imports made before this revision counted their skipped rows only implicitly (read − accepted − rejected):
``rows_skipped`` is filled with that difference, with no kinds, since which kinds they were was not kept.
Their token measures were stored as 0 wherever the source had none and stay so: nothing tells an unknown 0
from a real one any more.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
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


def upgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("rows_skipped", sa.BigInteger, nullable=False, server_default="0"))
    op.execute("UPDATE imports SET rows_skipped = rows_read - rows_accepted - rows_rejected")
    op.create_table(
        "skipped_rows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(200), nullable=False),
        sa.Column("rows", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("import_id", "kind", name="uq_skipped_rows_import_kind"),
    )
    with op.batch_alter_table("usage") as batch:
        for name in TOKEN_MEASURES:
            batch.alter_column(name, existing_type=sa.BigInteger, nullable=True)


def downgrade() -> None:
    # The older revision has no unknown: an unknown measure reads as 0 there, as it was stored before.
    for name in TOKEN_MEASURES:
        op.execute(f"UPDATE usage SET {name} = 0 WHERE {name} IS NULL")
    with op.batch_alter_table("usage") as batch:
        for name in TOKEN_MEASURES:
            batch.alter_column(name, existing_type=sa.BigInteger, nullable=False)
    op.drop_table("skipped_rows")
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("rows_skipped")
