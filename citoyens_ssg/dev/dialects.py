"""``citoyens check --dialect commonmark SITE``: what a site would change by switching Markdown.

Each document of the site is converted both ways, sanitised as a build does,
and its HTML compared with white space normalised.  For each document that
differs, the first source line that makes the difference is found by halving
(the body cut after line k reads the same both ways, cut after line k+1 it
does not), and the first fragment of HTML that differs is shown beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from citoyens_ssg.config.load import DIALECTS, NetworkConfig, SiteConfig
from citoyens_ssg.content.checks import decode_source
from citoyens_ssg.content.sanitize import clean_html
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.i18n import _
from citoyens_ssg.site import commonmark, reading

_AROUND_TAGS = re.compile(r"\s*(<[^>]*>)\s*")  # "<li>un\n<ul>" and "<li>un<ul>" look the same
_SPACES = re.compile(r"\s+")
# A tag as the sanitiser writes it: its name, then attributes with double-quoted values.
_TAG = re.compile(r'<([a-z0-9]+)((?:\s+[^\s=>]+(?:="[^"]*")?)+)>')
_ATTRIBUTE = re.compile(r'[^\s=>]+(?:="[^"]*")?')
SHOWN = 70  # characters of HTML shown on each side: one line in a terminal


@dataclass(frozen=True)
class Difference:
    file: str  # relative to the network's folder
    line: int  # in the source file
    now: str  # the first differing HTML, as the site reads it today
    then: str  # the same place, as the other dialect reads it


def other_dialect(site: SiteConfig, dialect: str) -> str:
    """The dialect compared with ``dialect``: the site's own, or the other one when it is the same."""
    if site.markdown != dialect:
        return site.markdown
    return next(name for name in DIALECTS if name != dialect)


def compare_site(network: NetworkConfig, slug: str, dialect: str) -> list[Difference]:
    """The documents of site ``slug`` that read differently in ``dialect``, in file order."""
    site = next((site for site in network.sites if site.slug == slug), None)
    if site is None:
        raise CitoyensError(_("no site named '{slug}' in sites/", slug=slug))
    current = other_dialect(site, dialect)
    found = []
    for path in sorted(site.content_dir.rglob("*")):
        if path.suffix.lower() in {f".{extension}" for extension in reading.EXTENSIONS} and path.is_file():
            difference = _compare_file(path, current, dialect)
            if difference is not None:
                line, now, then = difference
                found.append(Difference(str(path.relative_to(network.root)), line, now, then))
    return found


def _compare_file(path: Path, current: str, dialect: str) -> tuple[int, str, str] | None:
    try:
        text = decode_source(path.read_bytes())
    except (OSError, CitoyensError):
        return None  # `citoyens check` without --dialect names what is wrong with the file
    _meta, body, before = commonmark.split_header(text)
    if _rendered(text, current) == _rendered(text, dialect):
        return None
    header = text.replace("\r\n", "\n").split("\n")[:before]
    same, differs = 0, len(body)  # lines of the body kept: the same both ways with `same`, not with `differs`
    while differs - same > 1:
        middle = (same + differs) // 2
        cut = "\n".join(header + body[:middle])
        if _rendered(cut, current) == _rendered(cut, dialect):
            same = middle
        else:
            differs = middle
    now, then = _first_difference(_rendered(text, current), _rendered(text, dialect))
    return before + differs, now, then


def _rendered(text: str, dialect: str) -> str:
    """What readers get of the body, white space aside."""
    cleaned = clean_html(reading.body_html(text, dialect))
    cleaned = _TAG.sub(_sorted_attributes, cleaned)  # the dialects write them in different orders
    return _SPACES.sub(" ", _AROUND_TAGS.sub(r"\1", cleaned)).strip()


def _sorted_attributes(tag: re.Match) -> str:
    return f"<{tag.group(1)} {' '.join(sorted(_ATTRIBUTE.findall(tag.group(2))))}>"


def _first_difference(now: str, then: str) -> tuple[str, str]:
    """Both HTMLs from the tag where they start to differ, cut to one line each."""
    index = next((i for i, (a, b) in enumerate(zip(now, then)) if a != b), min(len(now), len(then)))
    start = now.rfind("<", 0, index)  # from the last tag both share
    if start > now.rfind(">", 0, index):  # the difference is inside a tag: the one before it too
        start = now.rfind("<", 0, start)
    start = max(start, 0)
    return now[start : start + SHOWN], then[start : start + SHOWN]
