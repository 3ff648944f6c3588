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
SPACES = " \u00a0"  # what the volunteer typed before a mark: spaces and no-break spaces, any number
BEFORE_PUNCTUATION = re.compile(r"([;!?])")
COLON = re.compile(r"(:)")
OPENING = re.compile(r"«[ \u00a0]*")


def french_text(text: str) -> str:
    """The spaces of French punctuation, in this order:
    "Vraiment ?" -> "Vraiment\u202f?" (and before ; and !); "Horaires :" -> "Horaires\u00a0:" when
    a white space or the end follows, never "https://"; "« " -> "«\u202f"; " »" or "»" -> "\u202f»".
    The spaces before a mark are found from the marks (split, then stripped): a pattern tried from
    every space was quadratic (40,000 spaces before a "»" took 16 s of a site's build) and, made
    linear, still took most of a cold build's typography."""
    if ";" in text or "!" in text or "?" in text:
        text = _spaces_before(text, BEFORE_PUNCTUATION, NARROW)
    if ":" in text:
        text = _spaces_before(text, COLON, NO_BREAK, before_space=True)
    if "«" in text:
        text = OPENING.sub("«" + NARROW, text)
    if "»" in text:  # every "»", its spaces (if any) replaced by one narrow space
        pieces = text.split("»")
        text = (NARROW + "»").join([piece.rstrip(SPACES) for piece in pieces[:-1]] + pieces[-1:])
    return text


def _spaces_before(text: str, marks: re.Pattern, space: str, before_space: bool = False) -> str:
    """Each run of spaces just before a mark replaced by ``space`` (with ``before_space``, only when a
    white space or the end follows the mark); a run starts after the previous mark or at the start."""
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
