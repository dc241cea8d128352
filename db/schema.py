"""The ledger's tables (SQLAlchemy Core). Alembic migrations in ``db/migrations`` create them.

Money is stored as integer nano-dollars: exact, summable in SQL on every database, and fine enough that
per-row rounding of per-token costs cannot add up to a cent over billions of rows.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from db.measures import LATENCY_BIN_COLUMNS, TOKEN_MEASURES

__all__ = [
    "collector_state",
    "column_mappings",
    "evaluations",
    "imports",
    "incidents",
    "latency_measurements",
    "metadata",
    "model_aliases",
    "price_overrides",
    "price_snapshots",
    "prompt_samples",
    "rejected_rows",
    "replay_results",
    "risk_weights",
    "scenarios",
    "self_hosted_options",
    "skipped_rows",
    "usage",
    "workloads",
]

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
    # Rows that are not usage by the source's own definition (a SPAN observation, a tax line of a cloud
    # bill, an empty bucket): neither accepted nor rejected. Read = accepted + rejected + skipped.
    Column("rows_skipped", BigInteger, nullable=False, default=0),
    Column("period_start", DateTime, nullable=True),
    Column("period_end", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    # The API collector that pulled it (openai_admin, anthropic_admin); null for files.
    Column("collector", String(80), nullable=True),
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
    # Null where the source does not report the measure (a cost report has no tokens, most sources no 1-hour
    # cache split): unknown, never 0. A rollup row sums records that all know a measure or all lack it.
    *(Column(name, BigInteger, nullable=True) for name in TOKEN_MEASURES),
    Column("reported_cost_nano_usd", BigInteger, nullable=True),
    Column("latency_count", BigInteger, nullable=False, default=0),
    Column("latency_sum_ms", Float, nullable=False, default=0.0),
    *(Column(name, BigInteger, nullable=False, default=0) for name in LATENCY_BIN_COLUMNS),
    # Time to first token, where the source measures it: how many requests, and their sum.
    Column("ttft_count", BigInteger, nullable=False, default=0),
    Column("ttft_sum_ms", Float, nullable=False, default=0.0),
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

# How many rows of an import were skipped as not usage, per kind ("SPAN observation", "not AI: Storage"), so
# the user sees what was left out and why, apart from the rows rejected for being unreadable.
skipped_rows = Table(
    "skipped_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(200), nullable=False),
    Column("rows", BigInteger, nullable=False),
    UniqueConstraint("import_id", "kind", name="uq_skipped_rows_import_kind"),
)

# Where each API collector's last successful sync ended, so the next one starts there.
collector_state = Table(
    "collector_state",
    metadata,
    Column("collector", String(80), primary_key=True),
    Column("synced_until", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# Column mappings a user confirmed for a CSV of an unknown layout, reused for the next file with the same
# header. ``header_key`` is a digest of the normalised header.
column_mappings = Table(
    "column_mappings",
    metadata,
    Column("header_key", String(64), primary_key=True),
    Column("header", Text, nullable=False),
    Column("mapping", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# Price registries fetched by `exitplan prices refresh` (LiteLLM, OpenRouter), kept whole and dated so
# price history accumulates: the body is the source's JSON, gzip-compressed.
price_snapshots = Table(
    "price_snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(40), nullable=False),
    Column("fetched_at", DateTime, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Index("ix_price_snapshots_source_fetched", "source", "fetched_at"),
)

# What a user says an unresolved model id is (an Azure deployment name, a gateway alias): the id to
# price and compare it as.
model_aliases = Table(
    "model_aliases",
    metadata,
    Column("provider", String(80), primary_key=True),
    Column("model", String(300), primary_key=True),
    Column("target_provider", String(80), nullable=False),
    Column("target_model", String(300), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# The user's own prices: a discount on a provider or model, a negotiated or custom price, a self-hosted
# model. They take precedence over every registry. Prices are USD per million tokens (per thousand
# requests for requests_kcount); a null price falls through to the registries.
price_overrides = Table(
    "price_overrides",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider", String(80), nullable=False),
    # Null: every model of the provider.
    Column("model", String(300), nullable=True),
    Column("discount_pct", Float, nullable=True),
    Column("input_mtok", Float, nullable=True),
    Column("cache_read_mtok", Float, nullable=True),
    Column("cache_write_mtok", Float, nullable=True),
    Column("output_mtok", Float, nullable=True),
    Column("requests_kcount", Float, nullable=True),
    Column("valid_from", Date, nullable=True),
    Column("note", String(500), nullable=True),
    Column("created_at", DateTime, nullable=False),
)

# Workloads: named slices of usage, each saved as a new version on every edit (the newest version of a
# workload_id is the current one; a deleted workload's newest version says so).
workloads = Table(
    "workloads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workload_id", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    # Order in which workloads claim usage: the first whose rules match a rollup wins.
    Column("position", Integer, nullable=False),
    # JSON list of rules; a rule matches on any of project, feature, api_key, model (all given must match).
    Column("rules", Text, nullable=False),
    Column("task_category", String(40), nullable=False),
    Column("criticality", String(10), nullable=False),
    # The lowest quality accepted, as a % drop from today's model (5 = a candidate may be up to 5% worse).
    Column("quality_floor_pct", Float, nullable=False),
    Column("latency_slo_p95_s", Float, nullable=True),
    Column("needs_tools", Boolean, nullable=False),
    Column("needs_vision", Boolean, nullable=False),
    Column("needs_json_schema", Boolean, nullable=False),
    Column("needs_caching", Boolean, nullable=False),
    Column("batch_tolerant", Boolean, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("saved_at", DateTime, nullable=False),
    Index("ix_workloads_workload_id", "workload_id"),
)

# The user's own evaluation results: a score for a model on a workload (or a task category), from n
# cases. They override the public reference wherever they exist.
evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workload", String(200), nullable=True),
    Column("task_category", String(40), nullable=True),
    Column("model", String(300), nullable=False),
    Column("score", Float, nullable=False),
    Column("n", Integer, nullable=True),
    Column("source", String(300), nullable=True),
    Column("created_at", DateTime, nullable=False),
)

# The user's own latency measurements of a model on a host (e.g. from replaying sample prompts): median
# time to first token, its p95 where measured, decode speed. They replace the published reference.
latency_measurements = Table(
    "latency_measurements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("host", String(100), nullable=False),
    Column("model", String(300), nullable=False),
    Column("ttft_s", Float, nullable=False),
    Column("ttft_p95_s", Float, nullable=True),
    Column("tokens_per_s", Float, nullable=False),
    Column("n", Integer, nullable=True),
    Column("measured_on", Date, nullable=True),
    Column("source", String(300), nullable=True),
    Column("created_at", DateTime, nullable=False),
)

# Self-hosting options the user defines: an open model on GPUs they would rent or own.
self_hosted_options = Table(
    "self_hosted_options",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("model", String(300), nullable=False),
    Column("gpu_type", String(100), nullable=False),
    Column("usd_per_gpu_hour", Float, nullable=False),
    Column("gpus_per_replica", Integer, nullable=False),
    Column("tokens_per_second", Float, nullable=False),
    Column("utilisation", Float, nullable=False),
    Column("fixed_monthly_usd", Float, nullable=False),
    Column("context_window", Integer, nullable=True),
    Column("created_at", DateTime, nullable=False),
)

# A vendor's incident history, from its status page (Statuspage's incidents.json, fetched or uploaded):
# one row per incident, kept by the page URL or file (``source``) it came from, so importing that source
# again replaces its rows. Times are naive UTC; ``resolved_at`` is null while the incident is ongoing.
incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True),
    # The vendor as a genai-prices provider id (openai, anthropic, …), as usage.provider.
    Column("provider", String(80), nullable=False),
    Column("source", String(500), nullable=False),
    # The status page's own id of the incident.
    Column("incident_id", String(100), nullable=False),
    Column("name", Text, nullable=False),
    # none, minor, major or critical, as the page rated it.
    Column("impact", String(20), nullable=False),
    Column("status", String(40), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("resolved_at", DateTime, nullable=True),
    # JSON list of the affected components' names (a name may hold a comma).
    Column("components", Text, nullable=False),
    Column("imported_at", DateTime, nullable=False),
    UniqueConstraint("source", "incident_id", name="uq_incidents_source_incident_id"),
)

# The user's weights for the dependency-risk score's factors; a factor without a row takes its default.
risk_weights = Table(
    "risk_weights",
    metadata,
    Column("factor", String(80), primary_key=True),
    Column("weight", Float, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# A migration scenario the user keeps: its JSON (analysis.scenarios.model documents it), by name.
scenarios = Table(
    "scenarios",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# Prompts kept from the company's own traffic, only when the user asks (``exitplan ingest --keep-prompts N``,
# ``exitplan samples add``): a seeded sample of at most N per group, to replay on candidates. Prompts are
# sensitive, so nothing else stores content, and deleting an import deletes the prompts kept from it.
prompt_samples = Table(
    "prompt_samples",
    metadata,
    Column("id", Integer, primary_key=True),
    # The import the prompt was kept from; null for a file of samples added by hand.
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=True),
    # The workload the user named for it; null: the workload whose rules claim its dimensions.
    Column("workload", String(200), nullable=True),
    # The reservoir's group (at most N samples each) and the sample's priority in it: the N smallest keys
    # of a group are its sample, so samples kept from several files merge into one uniform sample.
    Column("group_key", String(1000), nullable=False),
    Column("sample_key", String(64), nullable=False),
    # The dimensions a workload's rules match on, as the ledger spells them.
    Column("provider", String(80), nullable=True),
    Column("model", String(300), nullable=True),
    Column("project", String(300), nullable=True),
    Column("feature", String(300), nullable=True),
    Column("api_key", String(300), nullable=True),
    # JSON list of {"role", "content"} messages, and today's answer where the source logged it.
    Column("messages", Text, nullable=False),
    Column("response", Text, nullable=True),
    # Whether e-mail addresses, phone numbers and key-like strings were removed before storage.
    Column("redacted", Boolean, nullable=False),
    Column("source", String(500), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_prompt_samples_group_key", "group_key"),
    Index("ix_prompt_samples_import_id", "import_id"),
)

# What replaying a workload's sample prompts on a candidate found (``exitplan evaluate``): the judged
# wins, ties and losses against today's answers with the win rate's 95% interval, the measured latency and
# the answers' length against today's. One row per workload and candidate: an evaluation run again
# replaces it. Its latency is also stored as a latency measurement; the rest is read from here.
replay_results = Table(
    "replay_results",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workload", String(200), nullable=False),
    Column("incumbent_host", String(100), nullable=True),
    Column("incumbent_model", String(300), nullable=True),
    Column("host", String(100), nullable=False),
    Column("model", String(300), nullable=False),
    # Prompts answered by the candidate.
    Column("n", Integer, nullable=False),
    # Who judged: "host/model" of a judge model, "exact match" or "JSON structure"; null when not judged.
    Column("judge", String(400), nullable=True),
    Column("wins", Integer, nullable=True),
    Column("ties", Integer, nullable=True),
    Column("losses", Integer, nullable=True),
    Column("win_rate", Float, nullable=True),
    Column("win_rate_low", Float, nullable=True),
    Column("win_rate_high", Float, nullable=True),
    Column("ttft_p50_s", Float, nullable=True),
    Column("ttft_p95_s", Float, nullable=True),
    Column("tokens_per_s", Float, nullable=True),
    # The candidate's answers' length in characters against today's answers' (1.1: a tenth longer), with
    # its 95% interval: it replaces the assumed answer-length range in this candidate's cost.
    Column("output_ratio", Float, nullable=True),
    Column("output_ratio_low", Float, nullable=True),
    Column("output_ratio_high", Float, nullable=True),
    # What the run spent on this candidate (its calls and their judging); null when unpriced.
    Column("cost_nano_usd", BigInteger, nullable=True),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("workload", "host", "model", name="uq_replay_results_workload_host_model"),
)
