"""Run a command as a whole process and measure it: wall time, and peak resident memory from the kernel.

Peak RSS is the child's ``ru_maxrss`` as ``os.wait4`` reports it (KiB on Linux): exact, with no sampling
gap. The command is not forked from the benchmark itself but from a small launcher process: Linux counts
into a child's peak the memory of the process it was forked from (exec records the forked copy's high-water
mark), so a command forked from the benchmark — hundreds of MB with pandas, DuckDB and a generated chunk
loaded — would never report less than that. The launcher, a bare Python, forks the command, times it, waits
for it with ``wait4`` and writes what it measured to a file.

A watcher thread polls the machine's free memory meanwhile and stops the command (its process group)
before it can take the machine down with it — the naive baseline holds a whole multi-gigabyte file in
memory, and the machine is shared.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

__all__ = ["Measured", "measure"]

# Stop a child when the machine has less than this much memory left.
MIN_AVAILABLE_BYTES = 1_500 << 20
_POLL_S = 0.25
_LAUNCHER = """
import json, os, sys, time
report, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(report, "w") as stream:
    json.dump({"wall_s": wall, "maxrss_kib": usage.ru_maxrss, "exit_code": os.waitstatus_to_exitcode(status)}, stream)
sys.exit(0)
"""


@dataclass(frozen=True)
class Measured:
    """How one process went: its wall time, peak RSS, exit status and output."""

    wall_s: float
    peak_rss_mb: float
    exit_code: int
    stdout: str
    stderr: str
    stopped: str | None = None  # why the benchmark stopped it, if it did

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.stopped is None


def _watch(group: int, done: threading.Event, stopped: list[str]) -> None:
    while not done.wait(_POLL_S):
        available = psutil.virtual_memory().available
        if available < MIN_AVAILABLE_BYTES:
            stopped.append(f"stopped: the machine was down to {available >> 20:,} MB of free memory")
            # The command runs in its own session, so its group is the launcher's and the command's only.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            return


def measure(command: Sequence[str], *, log_dir: Path, name: str, env: dict[str, str] | None = None) -> Measured:
    """Run ``command`` to completion (output to files in ``log_dir``) and measure it."""
    out_path, err_path, report = (log_dir / f"{name}.{suffix}" for suffix in ("out", "err", "measured.json"))
    report.unlink(missing_ok=True)
    launcher = [sys.executable, "-c", _LAUNCHER, str(report), *command]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            launcher, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, start_new_session=True
        )
        done, stopped = threading.Event(), list[str]()
        watcher = threading.Thread(target=_watch, args=(process.pid, done, stopped), daemon=True)
        watcher.start()
        returncode = process.wait()
        wall = time.perf_counter() - start
        done.set()
        watcher.join()
    # Without a report the launcher itself was stopped: keep the outside view of the wall time.
    found = json.loads(report.read_text()) if report.exists() else {}
    return Measured(
        wall_s=found.get("wall_s", wall),
        peak_rss_mb=found.get("maxrss_kib", 0) / 1024,
        exit_code=int(found.get("exit_code", returncode)),
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
        stopped=stopped[0] if stopped else None,
    )
