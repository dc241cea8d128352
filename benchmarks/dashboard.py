"""Dashboard benchmark: the Overview and Alternatives reads on the demo ledger at 1× and 10× its volume.

Pages read the ledger's rollups (hour × dimensions), never raw requests, so ten times the traffic should
cost them little more. The demo company's files are written with :func:`collectors.demo.write_demo_files`
(fixed end date) and imported through the one ingest pipeline. The 10× ledger is the same company with
ten times the requests and tokens:

- OpenAI's Usage API export is already daily buckets: its counts (requests, every token field) are ×10,
  as the API would report them for a company ten times the size — the same number of rows;
- the gateway's request log gets ten rows for each of its rows, each with the row's requests and tokens,
  at other hours of the same day (so the traffic spreads over the day as more traffic does) and with
  the latency jittered — ten times the rows, which the ledger rolls up by hour.

Timed in-process, best of 5 after a warm-up (the machine is shared and noisy, and each read is cheap):
what the Overview page computes (``priced_usage`` by project over the whole span, then ``kpis``,
``spend_over_time`` and ``by_project_and_model``), and ``alternatives`` for the top workload by spend
(workloads proposed and saved by ``ensure_workloads``, the price book loaded once per ledger as the
dashboard caches it).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from analysis.alternatives import alternatives
from analysis.overview import by_project_and_model, kpis, spend_over_time
from analysis.spend import priced_usage
from analysis.workloads import Workload, ensure_workloads, workload_costs
from benchmarks.timing import best_of
from collectors.demo import SOURCE_PREFIX, write_demo_files
from collectors.pipeline import ingest
from collectors.source import source_from_path
from db import open_ledger, usage_span
from db.usage import usage_counts
from pricing.sources import load_book

__all__ = ["DashboardResult", "Scale", "run_dashboard", "table"]

END = date(2025, 10, 31)  # a fixed end: the same demo files on every run
FACTOR = 10
REPEATS = 5
_SEED = 10


def _scaled_json(source: Path, target: Path, factor: int) -> None:
    """An OpenAI Usage API export with every count multiplied (the bucket times and ids kept)."""
    pages = json.loads(source.read_text())
    for page in pages:
        for bucket in page["data"]:
            for result in bucket["results"]:
                for name, value in result.items():
                    if isinstance(value, int) and not isinstance(value, bool):
                        result[name] = value * factor
    target.write_text(json.dumps(pages, indent=1))


def _scaled_gateway(source: Path, target: Path, factor: int) -> int:
    """The gateway log with ``factor`` rows per row: the same measures at other hours of the day, with
    jittered latency. Returns the rows written."""
    rng = np.random.default_rng(_SEED)
    with source.open(newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        rows = list(reader)
    at, latency = header.index("timestamp"), header.index("latency_ms")
    out: list[list[str]] = []
    for row in rows:
        day, hour = row[at][:10], int(row[at][11:13])
        for copy in range(factor):
            scaled = list(row)
            # The demo's gateway works 07:00–22:59 UTC; copies step through those hours.
            scaled[at] = f"{day}T{7 + (hour - 7 + 5 * copy) % 16:02d}:{rng.integers(0, 60):02d}:00Z"
            scaled[latency] = f"{float(row[latency]) * rng.lognormal(0.0, 0.25):.1f}"
            out.append(scaled)
    out.sort(key=lambda r: r[at])
    with target.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(out)
    return len(out)


def _files(folder: Path, factor: int, base: list[Path]) -> list[Path]:
    if factor == 1:
        return base
    folder.mkdir(parents=True, exist_ok=True)
    scaled = []
    for path in base:
        target = folder / path.name
        if path.suffix == ".json":
            _scaled_json(path, target, factor)
        else:
            _scaled_gateway(path, target, factor)
        scaled.append(target)
    return scaled


def _best(job: Callable[[], object]) -> float:
    job()  # warm-up: imports, first reads of the catalogues, SQLite's page cache
    return best_of(job, REPEATS)


def _overview(engine: Engine) -> None:
    span = usage_span(engine)
    assert span is not None
    priced = priced_usage(engine, ("project",), since=span[0], until=span[1])
    kpis(priced)
    spend_over_time(priced, "provider", "W")
    by_project_and_model(priced)


def _top_workload(engine: Engine, workloads: list[Workload], name: str | None) -> Workload:
    if name is not None:
        named = [w for w in workloads if w.name == name]
        if named:
            return named[0]
    costs = workload_costs(engine, workloads)
    costs = costs[costs["workload_id"].notna()].sort_values("spend_usd", ascending=False)
    top = int(costs["workload_id"].iloc[0])
    return next(w for w in workloads if w.id == top)


@dataclass(frozen=True)
class Scale:
    """One ledger: its volume, what its import made, and the best times of the page reads."""

    factor: int
    file_rows: int
    requests: int
    ledger_rows: int
    ingest_s: float
    workload: str
    overview_s: float
    alternatives_s: float

    @property
    def pages_s(self) -> float:
        return self.overview_s + self.alternatives_s


def _measure(folder: Path, factor: int, base: list[Path], workload: str | None) -> Scale:
    files = _files(folder / f"files_{factor}x", factor, base)
    db = folder / f"ledger_{factor}x.db"
    for leftover in folder.glob(f"{db.name}*"):
        leftover.unlink()
    engine = open_ledger(f"sqlite:///{db}")
    start = time.perf_counter()
    results = [ingest(engine, source_from_path(p, name=SOURCE_PREFIX + p.name)) for p in files]
    ingest_s = time.perf_counter() - start
    ledger_rows, requests = usage_counts(engine)
    workloads = ensure_workloads(engine)
    top = _top_workload(engine, workloads, workload)
    book = load_book(engine)
    today = END + timedelta(days=1)
    overview_s = _best(lambda: _overview(engine))
    alternatives_s = _best(lambda: alternatives(engine, top, workloads, book=book, today=today))
    engine.dispose()
    rows_read = sum(r.rows_read for r in results)
    return Scale(factor, rows_read, int(requests), int(ledger_rows), ingest_s, top.name, overview_s, alternatives_s)


@dataclass(frozen=True)
class DashboardResult:
    one: Scale
    many: Scale

    @property
    def ratio(self) -> float:
        return self.many.pages_s / self.one.pages_s

    def summary(self) -> str:
        return f"dashboard_{self.many.factor}x_vs_1x={self.ratio:.2f}"


def run_dashboard(work: Path, *, log: Callable[[str], None] = print) -> DashboardResult:
    """Build both demo ledgers in ``work`` and time the page reads on each."""
    log(f"writing the demo files (end {END}) …")
    base = write_demo_files(work / "files_1x", END)
    log("demo ledger at 1× …")
    one = _measure(work, 1, base, None)
    log(f"demo ledger at {FACTOR}× …")
    many = _measure(work, FACTOR, base, one.workload)
    return DashboardResult(one, many)


def table(result: DashboardResult) -> str:
    lines = [
        f"{'volume':<7} {'file rows':>10} {'requests':>14} {'ledger rows':>12} {'ingest s':>9} {'overview s':>11} "
        f"{'alternatives s':>15} {'pages s':>8}"
    ]
    for s in (result.one, result.many):
        lines.append(
            f"{f'{s.factor}×':<7} {s.file_rows:>10,} {s.requests:>14,} {s.ledger_rows:>12,} {s.ingest_s:>9.2f} "
            f"{s.overview_s:>11.3f} {s.alternatives_s:>15.3f} {s.pages_s:>8.3f}"
        )
    lines.append(
        f"top workload: {result.one.workload}; overview {result.many.overview_s / result.one.overview_s:.2f}×, "
        f"alternatives {result.many.alternatives_s / result.one.alternatives_s:.2f}× at {result.many.factor}× volume"
    )
    return "\n".join(lines)
