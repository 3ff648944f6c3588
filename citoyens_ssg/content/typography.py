"""French typography in rendered text: the spaces a French reader expects.

A narrow no-break space (U+202F) goes before « ; ! ? » and inside « guillemets »,
a no-break space (U+00A0) before « : », so that a line never starts with a
question mark.  Only text is touched: never tags, attributes, nor what is
inside ``code``, ``pre``, ``kbd``, ``samp`` or ``script``.
"""

from __future__ import annotations

import re

NARROW = "\u202f"
NO_BREAK = "\u00a0"
TAG = re.compile(r"(<[^>]*>)")
VERBATIM = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}
TAG_NAME = re.compile(r"<\s*(/)?\s*([a-zA-Z0-9]+)")  # group 1: the slash of a closing tag
# Only text holding one of these can change: most text between two tags holds none.
MAY_CHANGE = re.compile(r"[;!?:«»]")
# A run of spaces is matched from its first space only ((?<!…)): tried from each of its spaces,
# 40,000 spaces before a "»" took 16 s of one site's build (quadratic).
_RUN = r"(?<![ \u00a0])[ \u00a0]"
RULES = (
    (re.compile(_RUN + r"+([;!?])"), NARROW + r"\1"),  # "Vraiment ?" -> "Vraiment\u202f?"
    (re.compile(_RUN + r"+:(?=\s|$)"), NO_BREAK + ":"),  # "Horaires :" but never "https://"
    (re.compile(r"«[ \u00a0]*"), "«" + NARROW),
    (re.compile(_RUN + r"*»"), NARROW + "»"),
)


def french_text(text: str) -> str:
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


def french_html(html: str) -> str:
    """Apply the French spaces to the text of ``html``, skipping verbatim elements."""
    parts = TAG.split(html)
    depth = 0
    for index, part in enumerate(parts):
        if part.startswith("<"):
            tag = TAG_NAME.match(part)
            if tag is None or tag.group(2).lower() not in VERBATIM:
                continue
            if tag.group(1):
                depth = max(0, depth - 1)
            elif not part.endswith("/>"):
                depth += 1
        elif depth == 0 and MAY_CHANGE.search(part):
            parts[index] = french_text(part)
    return "".join(parts)


def is_french(language: str | None) -> bool:
    return (language or "").lower().split("-")[0].split("_")[0] == "fr"
