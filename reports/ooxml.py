"""Office files (XLSX, PPTX) are zip packages that carry the moment they were written — in each member's zip
header and in ``docProps/core.xml`` — and a PowerPoint chart carries a workbook of its own. The same report
must be the same bytes, so a package is rewritten with one fixed moment: the report's ``generated_at``."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

__all__ = ["fixed_package"]

_CORE = "docProps/core.xml"
_STAMPS = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _w3c(moment: datetime) -> bytes:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()


def fixed_package(data: bytes, moment: datetime) -> bytes:
    """``data`` (an Office package) with every member dated ``moment``, its core properties' created and
    modified set to it, and every embedded package (a chart's workbook) fixed the same way. Members keep
    their order and contents otherwise."""
    # Zip headers hold local time to the even second, from 1980 on.
    stamp = moment.astimezone(UTC).replace(tzinfo=None)
    when = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second // 2 * 2)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == _CORE:
                body = _STAMPS.sub(lambda m: m.group(1) + _w3c(moment) + m.group(2), body)
            elif info.filename.endswith((".xlsx", ".pptx", ".docx")):
                body = fixed_package(body, moment)
            member = zipfile.ZipInfo(info.filename, date_time=when)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, body)
    return out.getvalue()
