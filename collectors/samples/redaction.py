"""Redaction of the personal data and secrets most often pasted into prompts, before a prompt is stored.

Three kinds, each replaced by a placeholder a model can still read around (``[EMAIL]``, ``[PHONE]``,
``[KEY]``), so a redacted prompt still replays:

- **e-mail addresses**: ``local@domain.tld``;
- **phone numbers**: an international number (``+`` and 7 to 15 digits) or a national one written in groups
  (``(555) 010-4477``, ``020 7946 0958``, ``555.010.4477``: 9 to 15 digits in two or more groups; or a local
  ``555-0100``), and not a date (``2025-09-01``) or a time;
- **API-key-like strings**: the prefixed keys of the common vendors (``sk-…``, ``sk-ant-…``, ``AKIA…``,
  ``ghp_…``, ``github_pat_…``, ``xox?-…``, ``AIza…``, ``hf_…``, ``gsk_…``, ``pk_/rk_live…``), bearer tokens,
  JSON web tokens, and any unbroken run of 32 or more letters, digits, ``_`` or ``-`` that mixes letters
  and digits (a hex digest or a vendor's unprefixed key).

It errs toward removing: a long order number written in groups reads as a phone number and goes too. That
costs a replay little, and a prompt kept for testing must not leak what a customer typed.
"""

from __future__ import annotations

import re

__all__ = ["EMAIL", "KEY", "PHONE", "redact"]

EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
KEY = "[KEY]"

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_PREFIXED_KEYS = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"sk-(?:ant-|proj-|or-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}"
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|github_pat_[A-Za-z0-9_]{30,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|AIza[0-9A-Za-z_\-]{30,}"
    r"|hf_[A-Za-z0-9]{30,}"
    r"|gsk_[A-Za-z0-9]{30,}"
    r"|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"
    r")"
)
_BEARER = re.compile(r"(?i)\b(bearer|token|api[_-]?key|secret|password)(\s*[:=]?\s*)([A-Za-z0-9._~+/\-]{16,}=*)")
# A run that mixes letters and digits and is long enough to be a credential rather than a word.
_LONG_TOKEN = re.compile(r"(?<![A-Za-z0-9_\-])(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{32,}")
# Digits with the separators numbers are written with, on one line.
_PHONE = re.compile(r"(?<![\w+])(\+?\(?\d[\d \t().\-/]{5,}\d)(?!\w)")
# A local number without its area code: 555-0100.
_LOCAL = re.compile(r"\d{3}[-.]\d{4}")
# A date inside such a run (2025-09-01, 01/09/2025) makes it a date, whatever follows.
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")


def _phone(match: re.Match[str]) -> str:
    text = match.group(1)
    digits = sum(c.isdigit() for c in text)
    groups = [g for g in re.split(r"[\s().\-/]+", text.lstrip("+")) if g]
    if _DATE.search(text):
        return text
    if text.startswith("+"):
        return PHONE if 7 <= digits <= 15 else text
    # A national number is written in groups of digits; one run of digits is a quantity or an id.
    if len(groups) >= 2 and 9 <= digits <= 15 and all(len(g) <= 5 for g in groups):
        return PHONE
    return PHONE if _LOCAL.fullmatch(text) else text


def redact(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers and API-key-like strings replaced by placeholders.

    >>> redact("Mail jane.doe@example.com or call +44 20 7946 0958 with key sk-TESTSECRET0123456789abcd")
    'Mail [EMAIL] or call [PHONE] with key [KEY]'
    >>> redact("Order 12345 shipped on 2025-09-01 at 10:30 for $1,299.00")
    'Order 12345 shipped on 2025-09-01 at 10:30 for $1,299.00'
    """
    text = _EMAIL.sub(EMAIL, text)
    text = _PREFIXED_KEYS.sub(KEY, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}{KEY}", text)
    text = _LONG_TOKEN.sub(KEY, text)
    return _PHONE.sub(_phone, text)
