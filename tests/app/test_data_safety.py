"""The Data page's safety: it states and enforces the upload limit (bigger files go to the CLI), and its
rejected-rows download neutralises cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from collectors.files import ingest_files
from db import list_imports, open_ledger
from tests.app.apptest import open_page, shown

HEADER = "date,provider,model,input_tokens,output_tokens\n"
GOOD = "2026-10-30,openai,gpt-4o,1000,100\n"
# Rows a spreadsheet would run: each is rejected (not a date, a negative count) and kept as it was.
FORMULAS = [
    "=1+1,openai,gpt-4o,1,1",
    "+1+1,openai,gpt-4o,1,1",
    "-1+1,openai,gpt-4o,1,1",
    "@SUM(1),openai,gpt-4o,1,1",
    "\t=1+1,openai,gpt-4o,1,1",
]


def test_the_page_states_the_limit_and_where_bigger_files_go(app_ledger: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXITPLAN_MAX_UPLOAD_MB", "3")
    at = open_page("app/pages/data.py")
    said = [c.value for c in at.caption if "MB" in c.value]
    assert said == [
        "Files up to **3 MB** each here (`EXITPLAN_MAX_UPLOAD_MB` sets it); import bigger ones with "
        "`exitplan ingest FILE`, which streams them."
    ]
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == 3


def test_a_file_over_the_limit_is_refused_and_the_rest_imported(
    app_ledger: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXITPLAN_MAX_UPLOAD_MB", "1")
    big = (HEADER + GOOD * 40_000).encode()
    assert len(big) > 1024 * 1024
    at = open_page("app/pages/data.py")
    at.file_uploader(key="data-upload").set_value(
        [("big.csv", big, "text/csv"), ("small.csv", (HEADER + GOOD).encode(), "text/csv")]
    ).run()
    assert [shown(e.value) for e in at.error] == [
        "Over the 1 MB limit, not imported: big.csv. Import them with exitplan ingest FILE."
    ]
    at.button(key="data-import").click().run()
    assert not at.exception
    assert list(list_imports(open_ledger(app_ledger))["source_name"]) == ["small.csv"]


def test_a_wrong_limit_is_one_line_on_the_page(app_ledger: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXITPLAN_MAX_UPLOAD_MB", "0")
    at = open_page("app/pages/data.py")
    assert [shown(e.value) for e in at.error] == [
        "EXITPLAN_MAX_UPLOAD_MB must be a whole number of MB from 1 to 10,000, got '0'"
    ]
    assert not at.get("file_uploader")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """Each download button's file, by file name, as the page hands it to Streamlit."""
    files: dict[str, bytes] = {}
    keep = MemoryMediaFileStorage.load_and_get_id

    def spy(
        self: MemoryMediaFileStorage, data: str | bytes, mimetype: str, kind: object, filename: str | None = None
    ) -> str:
        if filename:
            files[filename] = data.encode() if isinstance(data, str) else data
        return keep(self, data, mimetype, kind, filename)  # type: ignore[arg-type]

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    yield files


def test_the_rejected_rows_download_runs_no_formula(app_ledger: str, downloads: dict[str, bytes]) -> None:
    content = (HEADER + GOOD + "\n".join(FORMULAS) + "\n").encode()
    [outcome] = ingest_files(open_ledger(app_ledger), [("formulas.csv", content)])
    assert outcome.result is not None and outcome.result.rows_rejected == len(FORMULAS)
    at = open_page("app/pages/data.py")
    assert at.download_button(key="data-history-download").label == "Download its 5 rejected rows"
    rows = list(csv.DictReader(io.StringIO(downloads["rejected_rows_import_1.csv"].decode())))
    assert [row["raw"] for row in rows] == [f"'{line}" for line in FORMULAS]
    # A reason quotes the bad value, so it may start with one as well; none starts a formula.
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
