"""The ledger's tables (SQLAlchemy Core). Alembic migrations in ``db/migrations`` create them.

Money is stored as integer nano-dollars: exact, summable in SQL on every database, and fine enough that
per-row rounding of per-token costs cannot add up to a cent over billions of rows.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from db.measures import LATENCY_BIN_COLUMNS, TOKEN_MEASURES

__all__ = ["imports", "metadata", "rejected_rows", "usage"]

metadata = MetaData()

# One row per file (or API pull) brought into the ledger.
imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_name", String(500), nullable=False),
    Column("format", String(80), nullable=False),
    # Identical content is recognised and not imported twice.
    Column("sha256", String(64), nullable=False, unique=True),
    Column("rows_read", BigInteger, nullable=False, default=0),
    Column("rows_accepted", BigInteger, nullable=False, default=0),
    Column("rows_rejected", BigInteger, nullable=False, default=0),
    Column("period_start", DateTime, nullable=True),
    Column("period_end", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
)

# The fact table: usage rolled up on ingest to (hour, dimensions). All times are naive UTC.
usage = Table(
    "usage",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    Column("bucket_start", DateTime, nullable=False),
    # The API that served and billed the traffic, as a genai-prices provider id (openai, anthropic, aws, …).
    Column("provider", String(80), nullable=False),
    # Where within that provider it ran, when the source says: a region, an Azure resource, the upstream
    # host behind a router.
    Column("host", String(200), nullable=True),
    Column("model", String(300), nullable=False),
    Column("canonical_model", String(200), nullable=True),
    Column("project", String(300), nullable=True),
    Column("api_key", String(300), nullable=True),
    Column("user", String(300), nullable=True),
    Column("feature", String(300), nullable=True),
    Column("service_tier", String(40), nullable=True),
    Column("batch", Boolean, nullable=True),
    # Lower bound (exclusive) of the prompt-size band, see db.measures.PROMPT_BANDS; null when unknown.
    Column("prompt_band", Integer, nullable=True),
    # Null where the source has no request count (Anthropic usage reports).
    Column("requests", BigInteger, nullable=True),
    *(Column(name, BigInteger, nullable=False, default=0) for name in TOKEN_MEASURES),
    Column("reported_cost_nano_usd", BigInteger, nullable=True),
    Column("latency_count", BigInteger, nullable=False, default=0),
    Column("latency_sum_ms", Float, nullable=False, default=0.0),
    *(Column(name, BigInteger, nullable=False, default=0) for name in LATENCY_BIN_COLUMNS),
    Index("ix_usage_bucket_start", "bucket_start"),
    Index("ix_usage_import_id", "import_id"),
    Index("ix_usage_provider_model", "provider", "model"),
)

# Rows an import could not accept, kept with the reason so nothing is dropped silently.
rejected_rows = Table(
    "rejected_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    Column("location", String(200), nullable=False),
    Column("raw", Text, nullable=False),
    Column("reason", String(500), nullable=False),
    Index("ix_rejected_rows_import_id", "import_id"),
)
