"""User-named text shown as typed where Streamlit renders Markdown.

Streamlit reads Markdown in ``st.markdown`` and ``st.write``, in captions, alerts and toasts, and in every
label — of metrics, expanders, buttons, progress bars — and every ``help`` tooltip. Workloads, projects,
features, models, hosts, file names and scenario names are typed by users or come from their files, so a
model named ``![t](http://host/beacon.png)`` would be an image the browser fetches, ``[x](http://host)`` a
link, ``:red[x]`` a colour and ``$x$`` LaTeX. Streamlit has no switch to turn Markdown off for one string, so
:func:`md` backslash-escapes every ASCII punctuation character, which CommonMark always reads as the
character itself: nothing a user names becomes markup, and the page shows it unchanged. It escapes more
than :func:`reports.markdown.escape_markdown`, whose output people also read raw: here only a browser reads
it, and Streamlit's extensions (directives, LaTeX, GFM's bare-URL links) start at ``:``, ``$`` and ``.``.

Where no markup is wanted around user data at all, ``st.text`` and dataframes show it as it is, unescaped.
"""

from __future__ import annotations

import re

__all__ = ["md"]

# CommonMark: "any ASCII punctuation character may be backslash-escaped"; the escaped character is literal.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md(text: object) -> str:
    """``text`` as literal text inside Streamlit Markdown, on one line (a line break in a name could start a
    heading or a list).

    >>> print(md("![t](http://host/beacon.png)"))
    \\!\\[t\\]\\(http\\:\\/\\/host\\/beacon\\.png\\)
    >>> print(md("gpt-4o  at\\nazure"))
    gpt\\-4o at azure
    """
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
