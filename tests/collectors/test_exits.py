"""An import always ends: stopped early (a duplicate, Ctrl-C, a kill), beside another import, in any encoding.

Each hang is proved in a subprocess with a generous timeout: a hang shows as the timeout, never as a slow
test. The one comparison of speeds (UTF-16 against UTF-8) is a ratio measured within one run.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from analysis.spend import summary
from collectors import ingest, source_from_bytes, source_from_path
from db import open_ledger
from db.errors import LedgerBusy
from db.schema import imports

EXITPLAN = str(Path(sys.executable).with_name("exitplan"))
HEADER = "date,provider,model,input_tokens,output_tokens\n"
# Generous: each subprocess needs a second or two to start; a hang is forever.
EXITS_WITHIN_S = 120


def _usage_csv(path: Path, hours: int, models: int, *, tokens: int = 1000) -> Path:
    """``hours`` × ``models`` rows of usage (hours of September 2025, at most 720): ``tokens`` input and 10
    output each. Each row is a ledger row of its own, so an import under way soon writes to the ledger."""
    with path.open("w") as out:
        out.write(HEADER)
        for hour in range(hours):
            stamp = f"2025-09-{1 + hour // 24:02d}T{hour % 24:02d}:00:00"
            out.write("".join(f"{stamp},openai,model-{model},{tokens},10\n" for model in range(models)))
    return path


def _sqlite_only(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        pytest.skip("reads the ledger's file directly")
    return Path(url.removeprefix("sqlite:///"))


# A source that hands out its bytes slowly: the CSV reader is still reading (its own thread in the middle of a
# read) when the import stops, as with a file of hundreds of megabytes.
SLOW_SOURCE = textwrap.dedent(
    """
    import io, sys, time
    import collectors.csvfile as csvfile
    from collectors.source import Source

    csvfile.READ_BLOCK_BYTES = csvfile.BLOCK_BYTES = 1 << 16

    class Slow(io.RawIOBase):
        def __init__(self, raw): self._raw = raw
        def readable(self): return True
        def seekable(self): return True
        def seek(self, *args): return self._raw.seek(*args)
        def tell(self): return self._raw.tell()
        def readinto(self, buffer):
            time.sleep(0.5)
            data = self._raw.read(len(buffer))
            buffer[: len(data)] = data
            return len(data)
        def close(self): self._raw.close(); super().close()

    def slow(path):
        return Source(path, lambda: io.BufferedReader(Slow(open(path, "rb"))))
    """
)


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SLOW_SOURCE + textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=EXITS_WITHIN_S,
    )


def test_a_reader_stopped_mid_file_lets_the_process_exit(tmp_path: Path) -> None:
    # Before the fix, the reader was dropped with Arrow's read-ahead thread inside a read of the file: the
    # interpreter then hung (or aborted) at exit, in Arrow's thread pool.
    big = _usage_csv(tmp_path / "big.csv", 600, 100)
    done = _run(
        """
        chunks = csvfile.read_csv(slow(sys.argv[1]))
        next(chunks)
        chunks.close()
        print("stopped")
        """,
        str(big),
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "stopped\n", "")


def test_a_duplicate_of_a_file_still_being_read_exits(tmp_path: Path, ledger_url: str) -> None:
    # `exitplan ingest`, its file read slowly: the duplicate is found while Arrow is still reading the file.
    big = _usage_csv(tmp_path / "big.csv", 600, 100)
    ingest(open_ledger(ledger_url), source_from_path(big))
    done = _run(
        """
        import collectors.files
        collectors.files.sources_from_path = lambda path: [slow(str(path))]
        from app.cli import main
        sys.argv = ["exitplan", "ingest", sys.argv[1], "--db", sys.argv[2]]
        main()
        """,
        str(big),
        ledger_url,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{big}: duplicate of import 1; nothing changed\n", "")


def _started(process: subprocess.Popen[str], wal: Path) -> None:
    """Wait (at most a minute) until the import has written to the ledger: its rows sit in the WAL file,
    uncommitted, once they pass SQLite's page cache."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > 1 << 20:
            return
        time.sleep(0.05)
    pytest.fail("the import never started writing")


def _import_count(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM imports").fetchone()[0])


def _ctrl_c_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_during_an_import_exits_within_5_s_and_saves_nothing(tmp_path: Path, ledger_url: str) -> None:
    path = _sqlite_only(ledger_url)
    open_ledger(ledger_url).dispose()
    big = _usage_csv(tmp_path / "big.csv", 600, 1000)
    process = subprocess.Popen(
        [EXITPLAN, "ingest", str(big), "--db", ledger_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell starts background jobs with Ctrl-C ignored, and the child would inherit that: as at a
        # terminal, Ctrl-C must reach it.
        preexec_fn=_ctrl_c_default,
    )
    _started(process, path.with_name(path.name + "-wal"))
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("Ctrl-C did not end the import within 5 s")
    assert process.returncode == 130
    assert stderr.strip().splitlines() == [
        "interrupted: what was under way was not saved; what was reported done is kept"
    ]
    assert _import_count(path) == 0


def test_a_kill_mid_import_leaves_nothing_and_a_rerun_counts_exactly(tmp_path: Path, ledger_url: str) -> None:
    path = _sqlite_only(ledger_url)
    open_ledger(ledger_url).dispose()
    big = _usage_csv(tmp_path / "big.csv", 600, 1000, tokens=7)
    process = subprocess.Popen([EXITPLAN, "ingest", str(big), "--db", ledger_url])
    _started(process, path.with_name(path.name + "-wal"))
    process.kill()
    process.wait(timeout=EXITS_WITHIN_S)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM usage").fetchone()[0] == 0
    ledger = open_ledger(ledger_url)
    result = ingest(ledger, source_from_path(big))
    assert (result.duplicate, result.rows_accepted) == (False, 600_000)
    totals = summary(ledger).as_dict()
    assert (totals["requests"], totals["input_tokens"], totals["output_tokens"]) == (600_000, 4_200_000, 6_000_000)
    ledger.dispose()


def test_two_large_imports_at_once_both_land_or_one_says_the_ledger_is_busy(tmp_path: Path, ledger_url: str) -> None:
    open_ledger(ledger_url).dispose()
    files = [_usage_csv(tmp_path / f"big{n}.csv", 600, 1000, tokens=n) for n in (1, 2)]
    processes = [
        subprocess.Popen(
            [EXITPLAN, "ingest", str(file), "--db", ledger_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for file in files
    ]
    landed = 0
    for process, tokens in zip(processes, (1, 2), strict=True):
        stdout, stderr = process.communicate(timeout=EXITS_WITHIN_S * 2)
        if process.returncode == 0:
            assert "600,000 accepted" in stdout
            landed += tokens
        else:
            assert process.returncode == 2
            assert stderr.count("\n") == 1 and "the ledger is busy" in stderr
    assert landed, "at least one import lands"
    ledger = open_ledger(ledger_url)
    assert summary(ledger).as_dict()["input_tokens"] == 600_000 * landed
    ledger.dispose()


def test_the_dashboard_reads_the_ledger_while_an_import_writes(ledger: Engine, ledger_url: str) -> None:
    ingest(ledger, source_from_bytes("first.csv", (HEADER + "2025-09-01,openai,gpt-4o,5,1\n").encode()))
    reader = open_ledger(ledger_url)
    seen: list[int] = []

    def read_meanwhile(_rows: int) -> None:
        # Called inside the import's transaction, after its first rows are written.
        if not seen:
            seen.append(summary(reader).as_dict()["input_tokens"])

    second = HEADER + "".join(f"2025-09-02T{hour:02d}:00:00,openai,gpt-4o,100,1\n" for hour in range(24))
    ingest(ledger, source_from_bytes("second.csv", second.encode()), on_progress=read_meanwhile)
    assert seen == [5]  # the committed ledger, not the import's rows in flight
    assert summary(reader).as_dict()["input_tokens"] == 5 + 2400
    with reader.connect() as conn:
        assert len(conn.execute(select(imports.c.id)).all()) == 2
    reader.dispose()


def test_utf16_imports_within_twice_the_time_of_utf8(tmp_path: Path, new_ledger_url) -> None:  # type: ignore[no-untyped-def]
    # Before, Arrow's own transcoding read UTF-16 in pieces the reader's pacing could not count as blocks, and
    # every block waited out its 30 s patience: 10 rows took 31 s.
    text = _usage_csv(tmp_path / "usage.csv", 600, 200).read_text()
    seconds = {}
    for encoding in ("utf-8", "utf-16"):
        ledger = open_ledger(new_ledger_url())
        source = source_from_bytes(f"{encoding}.csv", text.encode(encoding))
        start = time.perf_counter()
        result = ingest(ledger, source)
        seconds[encoding] = time.perf_counter() - start
        assert result.rows_accepted == 120_000
        assert summary(ledger).as_dict()["input_tokens"] == 120_000 * 1000
        ledger.dispose()
    assert seconds["utf-16"] < 2 * seconds["utf-8"], seconds


def test_an_import_that_waits_out_the_busy_timeout_says_so_in_one_line(
    ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sqlite_only(ledger_url)
    monkeypatch.setattr("db.engine._BUSY_TIMEOUT_S", 1)
    holder, waiter = open_ledger(ledger_url), open_ledger(ledger_url)
    first = HEADER + "2025-09-01,openai,gpt-4o,5,1\n"
    with holder.begin() as conn:
        # An import under way: it holds the write lock until it commits.
        ingest(holder, source_from_bytes("first.csv", first.encode()), connection=conn)
        with pytest.raises(LedgerBusy, match=r"^the ledger is busy: .*run this again when it is done$"):
            ingest(waiter, source_from_bytes("second.csv", (first + first[len(HEADER) :]).encode()))
    assert summary(waiter).as_dict()["input_tokens"] == 5
    holder.dispose()
    waiter.dispose()
