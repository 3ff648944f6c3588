"""An article's excerpt, cut where its writer ended a block, never inside a list.

Pelican cuts a summary after a number of words, wherever they fall: "2. On ne …" ends
a listing's excerpt in the middle of a list item.  Here the excerpt is made of the
body's first whole blocks (paragraphs, lists, quotes) that fit the word budget.  When
the very first block is longer than the budget, a list keeps its first whole items
and a paragraph is cut after a word, as Pelican would.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from pelican.utils import truncate_html_words

from citoyens_ssg.content.sanitize import VOID_ELEMENTS

_HEADING = re.compile(r"<h[1-6][\s>]", re.IGNORECASE)
_LIST = re.compile(r"<(ul|ol)[\s>]", re.IGNORECASE)
_WORD = re.compile(r"\w[\w'’-]*")
_TAG = re.compile(r"<[^>]*>")


class _Blocks(HTMLParser):
    """Where each element of one level of an HTML fragment starts and ends (offsets)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.html = html
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", html)]
        self.depth = 0
        self.start = 0
        self.spans: list[tuple[int, int]] = []
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs) -> None:
        if self.depth == 0:
            self.start = self._offset()
        if tag in VOID_ELEMENTS:
            if self.depth == 0:
                self.spans.append((self.start, self._offset() + len(self.get_starttag_text() or "")))
            return
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS or self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0:
            end = self.html.find(">", self._offset()) + 1
            self.spans.append((self.start, end))


def blocks(html: str) -> list[str]:
    """The top-level elements of ``html``, each as written (text between them left out)."""
    return [html[start:end] for start, end in _Blocks(html).spans]


def words(html: str) -> int:
    return len(_WORD.findall(_TAG.sub(" ", html)))


def excerpt(html: str, budget: int, suffix: str = "…") -> str:
    """The first whole blocks of ``html`` holding at most ``budget`` words, a heading never
    last; when the first block alone is longer, its first items or words."""
    parts = blocks(html)
    if not parts:
        return truncate_html_words(html, budget, suffix)
    kept: list[str] = []
    used = 0
    for part in parts:
        used += words(part)
        if used > budget:
            break
        kept.append(part)
    while kept and _HEADING.match(kept[-1]):  # a title announcing what the excerpt leaves out
        kept.pop()
    if kept:
        return "\n".join(kept)
    return _first_block(parts[0], budget, suffix)


def _first_block(block: str, budget: int, suffix: str) -> str:
    """A first block longer than the budget: a list's first whole items, else cut after a word."""
    opening = _LIST.match(block)
    if not opening:
        return truncate_html_words(block, budget, suffix)
    start = block.index(">") + 1
    end = block.rindex("<")
    items = blocks(block[start:end])
    kept = items[:1]
    used = words(kept[0]) if kept else 0
    for item in items[1:]:
        # Counted as it comes (an item is whole tags, so words add up), an empty item as one word:
        # 8,000 empty items made joining the kept ones again for each 10 s of one site's build.
        used += max(words(item), 1)
        if used > budget:
            break
        kept.append(item)
    return block[:start] + "\n" + "\n".join(kept) + "\n" + block[end:]
