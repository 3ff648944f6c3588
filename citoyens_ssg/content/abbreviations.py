"""Acronyms an association declares (``abbreviations:`` in site.yaml), expanded at first use.

AMAP, EPN or CC BY-NC-SA mean nothing to a reader who has never met them: the first use in
each text becomes ``<abbr title="…">AMAP</abbr>`` (WCAG 3.1.4), later ones stay as written.
It runs on sanitised HTML and touches only the text between tags, never a tag's attributes
nor what ``code``, ``pre`` or an existing ``abbr`` hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

from citoyens_ssg.i18n import _

LEFT_ALONE = frozenset({"code", "pre", "kbd", "samp", "abbr", "a"})  # a link's words are its name: kept
TAG = re.compile(r"(<[^>]*>)")
TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
ACRONYM = re.compile(r"^[A-ZÀ-Ý0-9][A-Za-zÀ-ÿ0-9.\- ]{0,30}[A-Za-zÀ-ÿ0-9.]$")


def acronym_problem(key: str, value: object) -> str | None:
    """Why ``key: value`` cannot be an entry of ``abbreviations:``, or None when it can."""
    if not ACRONYM.match(key):
        return _("an acronym starts with a capital letter or a digit and has 2 to 32 characters, like AMAP")
    if not isinstance(value, str) or not value.strip() or "\n" in value:
        return _(
            "write what it stands for on one line, "
            "like AMAP: Association pour le maintien d'une agriculture paysanne"
        )
    return None


def expand_first(html: str, abbreviations: Mapping[str, str]) -> str:
    """``html`` with the first use of each declared acronym marked with its expansion."""
    if not abbreviations or not html:
        return html
    words = sorted(abbreviations, key=len, reverse=True)  # "CC BY-NC-SA" before "CC"
    # Escaped as the HTML's text has them ("R&amp;D").
    alternatives = "|".join(re.escape(escape(word, quote=False)) for word in words)
    pattern = re.compile(r"(?<![\w-])(" + alternatives + r")(?![\w-])")
    seen: set[str] = set()
    inside: list[str] = []  # open elements whose text is left alone

    def first_use(match: re.Match) -> str:
        written = match.group(1)
        if written in seen:
            return written
        seen.add(written)
        expansion = abbreviations.get(written) or abbreviations.get(_unescaped(written), "")
        return f'<abbr title="{escape(expansion)}">{written}</abbr>'

    pieces = []
    for piece in TAG.split(html):
        if piece.startswith("<"):
            _follow(piece, inside)
            pieces.append(piece)
        else:
            pieces.append(piece if inside else pattern.sub(first_use, piece))
    return "".join(pieces)


def _follow(tag: str, inside: list[str]) -> None:
    match = TAG_NAME.match(tag)
    if not match or match.group(2).lower() not in LEFT_ALONE:
        return
    if match.group(1):
        if inside and inside[-1] == match.group(2).lower():
            inside.pop()
    elif not tag.endswith("/>"):
        inside.append(match.group(2).lower())


def _unescaped(text: str) -> str:
    return text.replace("&amp;", "&")
