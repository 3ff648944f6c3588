"""Pages that work at any address the same files are served from.

Templates, plugins and Pelican itself write the network's public address
(``SITEURL``), which feeds, sitemaps, canonical links, social cards and JSON-LD
need absolute.  In a page, the same address in a link or an asset makes the
page depend on it: a deploy permalink, a domain alias or a local copy would get
pages without style or script, and the Content-Security-Policy's ``'self'``
would block them.  So before Pelican's writer writes a page (``incremental.FeedWriter``),
the public origin (scheme and host, the path kept: a network published under ``/reseau/``
stays there) is taken off every address a browser follows or loads; the addresses that name the
page for others stay absolute: the canonical link, the language alternates,
``<meta content>`` (social cards) and JSON-LD (not an attribute).  Feeds and
sitemaps are XML and are never touched.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

# Attributes a browser follows or loads (allowlist); data-* carry addresses to the theme's scripts.
FOLLOWED = frozenset({"href", "src", "srcset", "poster", "action", "formaction", "cite", "data"})
TAG = re.compile(r"<[a-zA-Z][^<>]*>")
ATTRIBUTE = re.compile(r'(?P<lead>\s(?P<name>[a-zA-Z][\w:.-]*)=")(?P<value>[^"]*)"')
NAMING = re.compile(r'\srel="(?:[^"]*\s)?(?:canonical|alternate)(?:\s[^"]*)?"')


def origin(url: str) -> str:
    """``https://reseau.example.org`` of ``https://reseau.example.org/reseau``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def root_relative(html: str, public_origin: str) -> str:
    """``html`` with ``public_origin`` taken off the addresses a browser follows or loads."""
    if public_origin not in html:
        return html
    if "<" in public_origin or ">" in public_origin:  # never from network.yaml's url; kept exact
        return TAG.sub(lambda match: _tag(match.group(0), public_origin), html)
    html = _plain_links(public_origin).sub(_plain_link, html)
    # The other tags holding the origin, found from where it is written: a TAG match is a "<" and a
    # letter with no "<" nor ">" before its ">", so the one holding ``found`` starts at the last "<".
    pieces, done = [], 0
    found = html.find(public_origin)
    while found >= 0:
        start, end = html.rfind("<", done, found), html.find(">", found)
        if (
            start >= 0
            and end >= 0
            and html.find(">", start, found) < 0
            and html.find("<", found, end) < 0
            and TAG.match(html, start)
        ):
            pieces += (html[done:start], _tag(html[start : end + 1], public_origin))
            done = end + 1
            found = html.find(public_origin, done)
            continue
        # Not in a tag: nor is any copy before the next "<" (the same last "<" before it, the same
        # ">" or none after): searching on from there keeps a page of text with many copies linear.
        following = html.find("<", found)
        found = html.find(public_origin, following) if following >= 0 else -1
    return "".join(pieces) + html[done:]


def _tag(text: str, public_origin: str) -> str:
    """One tag with ``public_origin`` taken off the addresses of its attributes."""
    if public_origin not in text or (text[:5].lower() == "<link" and NAMING.search(text)):
        return text
    value_start = _value_start(public_origin)
    in_srcset = _in_srcset(public_origin)

    def attribute(match: re.Match) -> str:
        name, value = match.group("name").lower(), match.group("value")
        if name == "srcset":
            value = in_srcset.sub(lambda m: m.group(1), value)
        elif (name in FOLLOWED or name.startswith("data-")) and value.startswith(public_origin):
            value = value_start.sub("", value, count=1) or "/"
        return match.group("lead") + value + '"'

    return ATTRIBUTE.sub(attribute, text)


@functools.lru_cache(maxsize=16)
def _value_start(public_origin: str) -> re.Pattern:
    return re.compile(re.escape(public_origin) + r"(?=[/?#]|$)")


@functools.lru_cache(maxsize=16)
def _in_srcset(public_origin: str) -> re.Pattern:
    # Inside srcset, after its separating commas: every candidate, not only the first.
    return re.compile(r"(^|,\s*)" + re.escape(public_origin) + r"(?=[/?#\s]|$)")


@functools.lru_cache(maxsize=16)
def _plain_links(public_origin: str) -> re.Pattern:
    """Two thirds of the tags that hold the origin, in one pass of the regex engine: not a ``<link``,
    the tag's name, one space, ``href`` or ``src`` whose value is the origin alone or followed by a
    path, query or fragment, and the origin nowhere else in the tag.  ``_tag`` would take the origin
    off that first attribute and leave the rest as it is: ``_plain_link`` writes the same."""
    origin = re.escape(public_origin)
    return re.compile(
        r'<(?![lL][iI][nN][kK])([a-zA-Z][a-zA-Z0-9]*) (href|src)="'
        + origin
        + r'((?:[/?#][^"<>]*)?)"((?:(?!'
        + origin
        + r")[^<>])*)>"
    )


def _plain_link(match: re.Match) -> str:
    name, attribute, rest, tail = match.groups()
    return f'<{name} {attribute}="{rest or "/"}"{tail}>'
