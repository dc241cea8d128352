"""Files as they arrive in real life: other encodings, odd CSV dialects, archives, damage."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine

from analysis.spend import summary
from collectors import IngestError, ingest, source_from_bytes, sources_from_bytes, sources_from_path
from db import rejected_rows_of
from tests.conftest import FIXTURES

OPENAI_CSV = FIXTURES / "openai_dashboard_completions_usage.csv"
OPENAI_INPUT = 43_108_511


def test_excel_unicode_text_utf16_tab_delimited(ledger: Engine) -> None:
    text = OPENAI_CSV.read_text().replace(",", "\t").replace("\n", "\r\n")
    result = ingest(ledger, source_from_bytes("usage.txt", text.encode("utf-16")))
    assert result.format == "openai_usage_csv" and result.rows_accepted == 42
    assert summary(ledger).as_dict()["input_tokens"] == OPENAI_INPUT


def test_reordered_and_extra_columns(ledger: Engine) -> None:
    rows = list(csv.reader(OPENAI_CSV.read_text().splitlines()))
    order = list(reversed(range(len(rows[0]))))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([rows[0][i] for i in order] + ["Notes"])
    for row in rows[1:]:
        writer.writerow([row[i] for i in order] + ["some; text"])
    result = ingest(ledger, source_from_bytes("reordered.csv", out.getvalue().encode("utf-8-sig")))
    assert result.rows_accepted == 42
    assert summary(ledger).as_dict()["input_tokens"] == OPENAI_INPUT


def test_quoted_fields_with_newlines(ledger: Engine) -> None:
    content = (
        b"date,provider,model,input_tokens,output_tokens,feature\r\n"
        b'2025-09-01,openai,gpt-4o,10,1,"support\r\nchat"\r\n'
        b"2025-09-01,openai,gpt-4o,5,1,search\r\n"
    )
    assert ingest(ledger, source_from_bytes("q.csv", content)).rows_accepted == 2
    assert summary(ledger).as_dict()["input_tokens"] == 15


def test_oversized_field_is_rejected_not_truncated(ledger: Engine) -> None:
    blob = "x" * 5000
    content = (
        f"date,provider,model,input_tokens,output_tokens\n2025-09-01,openai,{blob},10,1\n2025-09-01,openai,gpt-4o,5,1\n"
    )
    result = ingest(ledger, source_from_bytes("big.csv", content.encode()))
    assert (result.rows_accepted, result.rows_rejected) == (1, 1)
    assert rejected_rows_of(ledger, result.import_id)["reason"].tolist() == ["model is too long (over 300 characters)"]


def test_zip_with_several_exports(ledger: Engine, tmp_path: Path) -> None:
    archive = tmp_path / "exports.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.write(OPENAI_CSV, "september/completions.csv")
        z.write(FIXTURES / "openai_legacy_v1_usage.json", "legacy.json")
        z.writestr("__MACOSX/._legacy.json", b"junk")
    sources = sources_from_path(archive)
    assert [s.name for s in sources] == [f"{archive}!september/completions.csv", f"{archive}!legacy.json"]
    results = [ingest(ledger, s) for s in sources]
    assert [r.format for r in results] == ["openai_usage_csv", "openai_legacy_usage"]
    assert summary(ledger).as_dict()["input_tokens"] == OPENAI_INPUT + 104_149


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04 this is not really a zip archive",
        zipfile.ZipFile.__name__.encode(),
    ],
)
def test_corrupt_archives_and_junk_fail_whole(ledger: Engine, content: bytes) -> None:
    with pytest.raises(IngestError):
        for source in sources_from_bytes("broken.zip", content):
            ingest(ledger, source)
    assert summary(ledger).as_dict()["input_tokens"] is None


def test_truncated_csv_imports_the_complete_rows_and_rejects_the_cut_one(ledger: Engine) -> None:
    text = OPENAI_CSV.read_text()
    cut = text[: text.rindex("\n", 0, len(text) - 1) + 60]
    result = ingest(ledger, source_from_bytes("cut.csv", cut.encode()))
    assert result.rows_rejected == 1
    assert result.rows_accepted == 41


def test_arrow_reads_at_most_a_few_blocks_ahead_of_the_rows_consumed() -> None:
    import io
    import threading

    from collectors.csvfile import _Paced

    paced = _Paced(io.BytesIO(b"abcdef"), ahead=2)
    assert (paced.read(1), paced.read(1)) == (b"a", b"b")
    third: list[bytes] = []
    reader = threading.Thread(target=lambda: third.append(paced.read(1)))
    reader.start()
    reader.join(timeout=0.3)
    assert reader.is_alive() and third == []  # waiting: two blocks read, none consumed
    paced.consumed()
    reader.join(timeout=10)
    assert third == [b"c"]
    paced.close()
    assert paced.read(1) == b""  # an import that stopped early never leaves the reader waiting


def test_a_row_longer_than_a_read_block_is_refused_with_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from collectors import IngestError, source_from_bytes
    from collectors.formats import canonical_csv

    monkeypatch.setattr("collectors.csvfile.READ_BLOCK_BYTES", 1 << 20)
    huge = "x" * (3 << 20)
    content = f'date,provider,model,input_tokens,output_tokens,feature\n2025-09-01,openai,gpt-4o,1,1,"{huge}"\n'
    with pytest.raises(IngestError, match="longer than 1 MB"):
        list(canonical_csv.FORMAT.read(source_from_bytes("big.csv", content.encode())))
