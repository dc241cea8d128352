"""``python -m benchmarks``: run the benchmarks, print a table for each and their figures as last lines.

Progress goes to stderr; stdout holds the machine, the tables, and then one ``key=value`` line per
benchmark, in the order ingest, dashboard, cost. Nothing here asserts a target: these are measurements
for people to read (benchmarks/README.md says what each figure means and what it is aimed at).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import psutil

from benchmarks import cost_engine, dashboard, ingest

BENCHMARKS = ("ingest", "dashboard", "cost")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _git() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' + uncommitted changes' if dirty else ''}"


def machine() -> str:
    """The machine and software the figures were measured on."""
    memory = psutil.virtual_memory()
    packages = ", ".join(f"{name} {version(name)}" for name in ("pandas", "pyarrow", "duckdb", "genai-prices"))
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.platform()} · {os.cpu_count()} CPUs · "
        f"{memory.total >> 20:,} MB RAM ({memory.available >> 20:,} MB free) · Python {platform.python_version()} · "
        f"{packages} · exitplan {_git()}"
    )


@contextmanager
def _work_dir(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="exitplan-bench-") as tmp:
        yield Path(tmp)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows of the spend log (default 5,000,000)")
    parser.add_argument(
        "--small",
        type=int,
        default=1_000_000,
        help="rows of the smaller spend log, for the peak-RSS comparison (default 1,000,000; 0: none)",
    )
    parser.add_argument("--only", choices=BENCHMARKS, help="run one benchmark")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="work in DIR and keep its files (generated spend logs are reused)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    chosen = [args.only] if args.only else list(BENCHMARKS)
    print(machine(), flush=True)
    summaries: list[str] = []
    with _work_dir(args.keep) as work:
        if "ingest" in chosen:
            folder = work / "ingest"
            folder.mkdir(exist_ok=True)
            result = ingest.run_ingest(folder, args.rows, args.small or None, log=_log)
            print(f"\nIngest: a LiteLLM spend log of {args.rows:,} rows\n{ingest.table(result)}", flush=True)
            summaries.append(result.summary())
        if "dashboard" in chosen:
            folder = work / "dashboard"
            folder.mkdir(exist_ok=True)
            board = dashboard.run_dashboard(folder, log=_log)
            print(
                f"\nDashboard: Overview and Alternatives reads, best of {dashboard.REPEATS}\n{dashboard.table(board)}",
                flush=True,
            )
            summaries.append(board.summary())
        if "cost" in chosen:
            cost = cost_engine.run_cost_engine(log=_log)
            print(f"\nCost engine: {cost.rows:,} rollups\n{cost_engine.table(cost)}", flush=True)
            summaries.append(cost.summary())
    print()
    print("\n".join(summaries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
