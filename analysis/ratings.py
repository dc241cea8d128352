"""Public quality references: LMArena ratings for text generation, and benchmark scores for embeddings.

Two tables ship in ``analysis/data`` (sources, licences and attribution in ``analysis/data/README.md``):

- ``arena_ratings.csv`` — every model on three LMArena boards of one release (arena-catalog, 2025-12-11):
  the overall board with style control, the coding board and the hard-prompts board, with each rating's
  95% interval. Ratings are re-anchored between releases and differ between boards, so a comparison reads
  one board of one release: :data:`QUALITY_COLUMNS` picks the board per task category.
- ``embedding_quality.csv`` — embedding models' scores on one benchmark (MTEB), each with its source and date.

A model's rating is found by its name, whoever serves it: the same weights rate the same on any host
(:func:`rating_key` spells a name alike across hosts, snapshots and packagings). Thinking modes and
reasoning-effort levels are rated apart on the boards; a model is read at its default setting where the
board has it, and the evidence names the row it stands on.

| category | LMArena board (2025-12-11) |
|---|---|
| chat, summarisation | overall, style-controlled (``arena_text_sc``) |
| rag, classification (and extraction), reasoning | hard prompts (``arena_hard``) |
| code | coding (``arena_coding``) |
| embeddings | none: Arena rates generation; MTEB scores embeddings |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import pandas as pd

from analysis.reference import reference_key

__all__ = [
    "ARENA_RELEASE",
    "BOARDS",
    "QUALITY_COLUMNS",
    "BenchmarkScore",
    "QualityRef",
    "embedding_score",
    "quality_reference",
    "rating_key",
]

# One board per category, all from LMArena's 2025-12-11 release, so two models are always compared on the
# same board of the same release. Why each:
# - chat, summarisation: the overall board with style control, which regresses out answer length and
#   markdown; a longer or prettier answer is not a better summary or a better support reply.
# - rag, classification, reasoning: "hard prompts" (specific, multi-constraint, problem-solving prompts),
#   the closest public board to grounded answering, following a label scheme exactly and multi-step logic.
# - code: the coding board.
# - embeddings: none. Arena rates generation; an embedding model is read on MTEB instead.
QUALITY_COLUMNS: dict[str, str] = {
    "chat": "arena_text_sc",
    "rag": "arena_hard",
    "summarisation": "arena_text_sc",
    "classification": "arena_hard",
    "code": "arena_coding",
    "reasoning": "arena_hard",
}
ARENA_RELEASE = "2025-12-11"
BOARDS: dict[str, str] = {
    "arena_text_sc": "LMArena overall board (style-controlled)",
    "arena_hard": "LMArena hard-prompts board",
    "arena_coding": "LMArena coding board",
}

# How a board spells a setting of one model: a thinking mode, a reasoning effort, a precision.
_SETTING = re.compile(r"-(thinking(?:-\d+k)?|no-thinking|non-reasoning|reasoning|think|bf16|fp8|fp16)$")
# Reasoning-effort levels are settings only of the models that take one (OpenAI's, xAI's); elsewhere
# "medium" is a model ("mistral-medium").
_EFFORT = re.compile(r"^(gpt|o\d|grok).*-(high|medium|low|minimal)$")
_SNAPSHOT = re.compile(r"-(\d{4}|\d{6}|\d{8}|\d{2}-\d{4}|\d{2}-\d{2}|\d{4}-\d{2}-\d{2})$")
# Packagings of one model: a maturity, a host's alias or serving variant, an instruction-tuned build.
_PACKAGING = re.compile(r"-(preview|exp|latest|instruct|it|chat|turbo|maas|versatile|instant|hf|basic)$")
# Names one model goes by on different hosts that no rule above brings together: Cohere's embedding models
# on Bedrock ("cohere.embed-english-v3") and Azure ("Cohere-embed-v3-english").
_SPELLINGS = (
    (re.compile(r"^cohere\.embed-(english|multilingual)(-light)?-v(\d)(?::\d+)?$"), r"embed-\1\2-v\3.0"),
    (re.compile(r"^cohere-embed-v(\d)-(english|multilingual)(-light)?$"), r"embed-\2\3-v\1.0"),
)


@lru_cache(maxsize=16384)
def rating_key(model: str) -> tuple[str, str | None, str | None]:
    """(key, snapshot, setting) of a model name, spelled alike for the boards and for every host's ids.

    >>> rating_key("claude-opus-4-5-20251101-thinking-32k"), rating_key("us.anthropic.claude-opus-4-5-20251101-v1:0")
    (('claude-opus-4-5', '20251101', 'thinking-32k'), ('claude-opus-4-5', '20251101', None))
    >>> rating_key("accounts/fireworks/models/deepseek-v3p1"), rating_key("gemini-2.5-flash-preview-09-2025")
    (('deepseek-v3.1', None, None), ('gemini-2.5-flash', '09-2025', None))
    >>> rating_key("moonshotai/Kimi-K2-Instruct-0905"), rating_key("o3-mini-high"), rating_key("mistral-medium-2508")
    (('kimi-k2', '0905', None), ('o3-mini', None, 'high'), ('mistral-medium', '2508', None))
    """
    text = re.sub(r"\s*\([^)]*\)", "", model).strip().lower().rsplit("/", 1)[-1]
    text = re.sub(r"(?<=\d)p(?=\d)", ".", text)  # Fireworks spells 3.1 as "3p1"
    for pattern, spelling in _SPELLINGS:
        text = pattern.sub(spelling, text)
    setting = version = None
    while True:
        effort = re.search(r"-(high|medium|low|minimal)$", text) if _EFFORT.match(text) else None
        if match := _SETTING.search(text) or effort:
            setting = setting or match[1]
        elif match := _SNAPSHOT.search(text):
            version = version or match[1]
        elif (match := _PACKAGING.search(text)) is None or (match[1] in ("chat", "turbo") and text.startswith("gpt")):
            break  # "gpt-5-chat" and "gpt-4-turbo" are models of their own, not packagings
        text = text[: match.start()]
    text = re.sub(r"^grok-(\d)-(\d)(?=-|$)", r"grok-\1.\2", text)  # xAI's API spells 4.1 as "4-1"
    key, own_version = reference_key(text)
    return key, version or own_version, setting


@dataclass(frozen=True)
class QualityRef:
    """A public rating of a model: the value and its 95% interval, which board and release, and which row
    of the board it is (``reference_model``)."""

    rating: float
    column: str
    reference_model: str
    snapshot: str
    low: float | None = None
    high: float | None = None

    @property
    def board(self) -> str:
        return BOARDS.get(self.column, self.column)


def _data(name: str) -> pd.DataFrame:
    return pd.read_csv(files("analysis").joinpath("data", name).open("rb"))


@dataclass(frozen=True)
class _Row:
    """A row of a reference table, with the name key of its model."""

    model: str
    version: str  # "" when undated: sorted, an undated row is its family's first
    setting: str
    values: dict[str, Any]  # the table's row, as read


def _rows(frame: pd.DataFrame, group: str | None) -> dict[tuple[str, str], list[_Row]]:
    """A table's rows by (group column's value, model key), so a look-up reads a handful of rows, not the table."""
    index: dict[tuple[str, str], list[_Row]] = {}
    for record in frame.to_dict("records"):
        key, version, setting = rating_key(str(record["model"]))
        row = _Row(str(record["model"]), version or "", setting or "", {str(k): v for k, v in record.items()})
        index.setdefault((str(record[group]) if group else "", key), []).append(row)
    return index


@lru_cache(maxsize=1)
def _arena() -> dict[tuple[str, str], list[_Row]]:
    return _rows(_data("arena_ratings.csv"), "board")


def _pick(rows: list[_Row], version: str | None, setting: str | None) -> _Row:
    """The row a model stands on: its own setting (the default one when it names none), its own snapshot
    where rated, else the newest; a row of another setting only where the board has no other."""
    pool = [r for r in rows if r.setting == (setting or "")] or [r for r in rows if not r.setting] or rows
    exact = [r for r in pool if version and r.version == version]
    return max(exact or pool, key=lambda r: r.version)


@lru_cache(maxsize=16384)
def quality_reference(provider: str, model: str, task_category: str) -> QualityRef | None:
    """The LMArena rating of ``model`` on the board used for ``task_category``, or None.

    The host does not enter: the same weights rate the same anywhere.

    >>> ref = quality_reference("openai", "gpt-4o-2024-08-06", "code")
    >>> ref.rating, ref.board, ref.reference_model, ref.snapshot
    (1283.1, 'LMArena coding board', 'gpt-4o-2024-08-06', '2025-12-11')
    """
    del provider
    column = QUALITY_COLUMNS.get(task_category)
    if column is None:
        return None
    key, version, setting = rating_key(model)
    rows = _arena().get((column, key))
    if not rows:
        return None
    row = _pick(rows, version, setting).values

    def bound(name: str) -> float | None:
        value = row[name]
        return None if value is None or pd.isna(value) else float(value)

    return QualityRef(
        float(row["rating"]),
        column,
        str(row["model"]),
        str(row["snapshot"]),
        bound("rating_q025"),
        bound("rating_q975"),
    )


@dataclass(frozen=True)
class BenchmarkScore:
    """A model's score on a public benchmark, with the row it stands on and where the figure comes from."""

    score: float
    benchmark: str
    reference_model: str
    as_of: str
    source: str


@lru_cache(maxsize=1)
def _embedding_scores() -> dict[tuple[str, str], list[_Row]]:
    return _rows(_data("embedding_quality.csv"), "benchmark")


@lru_cache(maxsize=4096)
def embedding_score(model: str, benchmark: str | None = None) -> BenchmarkScore | None:
    """The benchmark score of an embedding model (on ``benchmark``, or the first benchmark that rates it)."""
    key, version, setting = rating_key(model)
    scores = _embedding_scores()
    benchmarks = [benchmark] if benchmark is not None else list(dict.fromkeys(b for b, _ in scores))
    rows = next((scores[(b, key)] for b in benchmarks if (b, key) in scores), None)
    if not rows:
        return None
    row = _pick(rows, version, setting).values
    return BenchmarkScore(
        float(row["score"]),
        str(row["benchmark"]),
        str(row["model"]),
        str(row["as_of"]),
        str(row["source"]),
    )
