"""CommonMark with GitHub's extensions, the network's Markdown, through cmark-gfm.

A document is its ``Key: value`` header, read the way Python-Markdown's ``meta``
extension reads it (so both dialects give Pelican the same metadata), then a
body that cmark-gfm converts with tables, strikethrough, autolinks, task lists
and footnotes.  Raw HTML is let through here on purpose: the guard plugin runs
the network's one sanitiser on what every reader returns, whatever the dialect.

Headings get ids made from their text (``titre``, then ``titre-1``) in both
dialects, for links into a page and for a table of contents.
"""

from __future__ import annotations

import html
import re

from cmarkgfm import cmark

from citoyens_ssg.config.sites import slugify

_EXTENSIONS = ["table", "strikethrough", "autolink", "tasklist"]
# UNSAFE: raw HTML kept for the sanitiser to judge by the one allowlist (cmark's own
# filter would show a <script> as text where Python-Markdown's path removes it).
_OPTIONS = cmark.Options.CMARK_OPT_UNSAFE | cmark.Options.CMARK_OPT_FOOTNOTES

# The header as Python-Markdown's meta extension reads it: an optional '---'
# first line, 'Key: value' lines, values continued on lines indented by 4 spaces.
_KEY_LINE = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*)")
_MORE_LINE = re.compile(r"^[ ]{4,}(.*)")
_FIRST_LINE = re.compile(r"^-{3}(\s.*)?")
_LAST_LINE = re.compile(r"^(-{3}|\.{3})(\s.*)?")

# A heading's text never holds another heading's start: 8,000 unclosed <h2> were each searched to
# the end of the page (quadratic, 9 s of the site's build).
_HEADING = re.compile(r"<h([1-6])(\s[^>]*)?>((?:(?!<h[1-6][\s>]).)*?)</h\1>", re.DOTALL)
# "id" not preceded by a word character (what \b said), written "id" first and looked behind after:
# a pattern starting with \b is tried at every character of a page, this one only where "id" is.
_ID = re.compile(r"""id(?<!\wid)\s*=\s*["']([^"']*)["']""")
_TAG = re.compile(r"<[^>]*>")
# cmark-gfm's task boxes are form inputs, which the sanitiser removes: a box character stays.
# Pelican's links to the site's own files: cmark-gfm escapes their braces, Pelican looks for braces.
_INTRASITE = re.compile(r'((?:href|src)=")%7B(\w+)%7D')
_KEPT_BRACE = "citoyenspercent7B"  # letters only: cmark-gfm leaves them as they are, in text and links
_TASK_BOX = re.compile(r'<input type="checkbox"( checked="")? disabled="" />')


def split_header(text: str) -> tuple[dict[str, list[str]], list[str], int]:
    """The header's fields (lowercased keys, every value), the body's lines and
    the number of lines before the body (its first line is that number plus one)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta: dict[str, list[str]] = {}
    start = 1 if lines and _FIRST_LINE.match(lines[0]) else 0
    key = None
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.strip() or _LAST_LINE.match(line):
            return meta, lines[index + 1 :], index + 1  # the closing line is not the body's
        field = _KEY_LINE.match(line)
        more = _MORE_LINE.match(line)
        if field:
            key = field.group(1).lower()
            meta.setdefault(key, []).append(field.group(2).strip())
        elif more and key:
            meta[key].append(more.group(1).strip())
        else:
            return meta, lines[index:], index
    return meta, [], len(lines)


def to_html(markdown: str) -> str:
    """The body's HTML, headings given ids, task boxes as characters."""
    # Only a brace the text holds is Pelican's: a '%7B' written as such (the importer writes
    # {attach} that way, to be shown and never resolved) stays '%7B', as in Python-Markdown.
    kept = _KEPT_BRACE
    while kept in markdown:
        kept += "x"
    converted = cmark.markdown_to_html_with_extensions(markdown.replace("%7B", kept), _OPTIONS, _EXTENSIONS)
    converted = _INTRASITE.sub(r"\1{\2}", converted).replace(kept, "%7B")
    converted = _TASK_BOX.sub(lambda box: "☑" if box.group(1) else "☐", converted)
    return heading_ids(converted).rstrip("\n")  # as Python-Markdown ends it: pages keep their bytes


def convert(text: str) -> list:
    """A whole document: [its HTML, its metadata as lists of values], as reading's memo keeps them."""
    meta, body, _start = split_header(text)
    return [to_html("\n".join(body)), meta]


def heading_ids(converted: str) -> str:
    """Each heading without an id gets the slug of its text, made unique in the document."""
    taken = set(_ID.findall(converted))

    def named(match: re.Match) -> str:
        level, attributes, inner = match.group(1), match.group(2) or "", match.group(3)
        if _ID.search(attributes):
            return match.group(0)
        base = slugify(html.unescape(_TAG.sub("", inner)))
        name, number = base, 0
        while name in taken:
            number += 1
            name = f"{base}-{number}"
        taken.add(name)
        return f'<h{level} id="{name}"{attributes}>{inner}</h{level}>'

    return _HEADING.sub(named, converted)
