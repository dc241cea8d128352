"""User-named text shown as typed where Streamlit renders Markdown.

Streamlit reads Markdown in ``st.markdown`` and ``st.write``, in captions, alerts and toasts, and in every
label — of metrics, expanders, buttons, progress bars — and every ``help`` tooltip. Workloads, projects,
features, models, hosts, file names and scenario names are typed by users or come from their files, so a
model named ``![t](http://host/beacon.png)`` would be an image the browser fetches, ``[x](http://host)`` a
link, ``:red[x]`` a colour and ``$x$`` LaTeX. Streamlit has no switch to turn Markdown off for one string, so
:func:`md` backslash-escapes each character that can start markup — CommonMark reads an escaped ASCII
punctuation character as the character itself, so the page shows the name unchanged. That is brackets
(links, images, directives), emphasis and code marks, ``<``/``>``/``&`` (HTML, autolinks, entities), ``#``,
``|``, ``$`` (LaTeX) and ``:`` (directives, emoji). GFM's bare links (``http://…``, ``www.…``, ``a@b.io``) are
found in the text after escapes are read, so no escape stops them: an invisible word joiner (U+2060) goes
inside ``://``, before the dot of ``www.`` and before ``@`` instead — the name reads the same, and is no
link. Commas, dots, dashes and parentheses inside a name cannot start markup on one line and are left as
they are, so the messages stay readable in tests and logs. It escapes more than
:func:`reports.markdown.escape_markdown`, which writes Markdown files that people also read raw.

Where no markup is wanted around user data at all, ``st.text`` and dataframes show it as it is, unescaped.
"""

from __future__ import annotations

import re

__all__ = ["JOINER", "md"]

# CommonMark: "any ASCII punctuation character may be backslash-escaped"; the escaped character is literal.
_MARKUP = re.compile(r"([\\`*_{}\[\]<>#|~$:@&])")
# What starts a list only at the start of a line: -, + or 1. (a quote's > is escaped anywhere).
_LIST_MARK = re.compile(r"^([-+])")
_LIST_NUMBER = re.compile(r"^(\d+)([.)])")
# Where GFM's bare-link patterns are broken with a word joiner (see the module's docstring).
JOINER = "\u2060"
_PROTOCOL = re.compile(r"(?i)(https?:)(//)")
_WWW = re.compile(r"(?i)\b(www)\.")


def md(text: object) -> str:
    """``text`` as literal text inside Streamlit Markdown, on one line (a line break in a name could start a
    heading or a list).

    >>> md("![t](http://host/beacon.png)")
    '!\\\\[t\\\\](http\\\\:\\u2060//host/beacon.png)'
    >>> md("gpt-4o  at\\nazure, www.x.io, a@b.io")
    'gpt-4o at azure, www\\u2060.x.io, a\\u2060\\\\@b.io'
    >>> print(md("- 1. <b>"), md("1. first"))
    \\- 1. \\<b\\> 1\\. first
    """
    text = " ".join(str(text).split())
    text = _WWW.sub(rf"\1{JOINER}.", _PROTOCOL.sub(rf"\1{JOINER}\2", text)).replace("@", f"{JOINER}@")
    text = _MARKUP.sub(r"\\\1", text)
    text = _LIST_NUMBER.sub(r"\1\\\2", text)
    return _LIST_MARK.sub(r"\\\1", text)
