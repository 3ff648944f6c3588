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


SPACES = " \u00a0"
BEFORE_PUNCTUATION = re.compile(r"([;!?])")
COLON = re.compile(r"(:)")


def french_text(text: str) -> str:
    """RULES, applied in their order; the three that look for spaces before a mark work from the
    marks (a regex tried from every space or every character took most of a cold build's typography)."""
    if ";" in text or "!" in text or "?" in text:
        text = _spaces_before(text, BEFORE_PUNCTUATION, NARROW)
    if ":" in text:
        text = _spaces_before(text, COLON, NO_BREAK, before_space=True)
    if "«" in text:
        text = RULES[2][0].sub(RULES[2][1], text)
    if "»" in text:  # every "»", its spaces (if any) replaced by one narrow space
        pieces = text.split("»")
        text = (NARROW + "»").join([piece.rstrip(SPACES) for piece in pieces[:-1]] + pieces[-1:])
    return text


def _spaces_before(text: str, marks: re.Pattern, space: str, before_space: bool = False) -> str:
    """Each run of spaces just before a mark (and, ``before_space``, the mark before a white space or
    the end) replaced by ``space``: RULES' first two, whose runs start after a mark or the text's start."""
    parts = marks.split(text)  # text, mark, text, mark, ..., text
    last = len(parts) - 1
    for index in range(1, last, 2):
        kept = parts[index - 1].rstrip(SPACES)
        if len(kept) == len(parts[index - 1]):
            continue
        after = parts[index + 1]
        if before_space and not (after[:1].isspace() or (index + 1 == last and after == "")):
            continue
        parts[index - 1], parts[index] = kept, space + parts[index]
    return "".join(parts)


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
