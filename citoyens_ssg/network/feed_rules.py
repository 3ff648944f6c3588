"""The rules of RSS 2.0 and of Atom (RFC 4287) that feed readers rely on, checked on a feed's bytes.

feedparser reads nearly anything and says nothing of what the specifications require; a guid
without ``isPermaLink="false"`` that is not an address, a feed without ``updated`` or without an
author, parse fine and break readers.  This module is the strict reading: ``feed_problems``
lists what a feed breaks, one line each.  Used by the tests and by ``make check-output``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from xml.etree import ElementTree

ATOM = "{http://www.w3.org/2005/Atom}"
# RFC 822 as RSS 2.0 amends it (four-digit years allowed), seconds optional.
RFC822 = re.compile(
    r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2,4} "
    r"\d{2}:\d{2}(?::\d{2})? (?:UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[A-IK-Z]|[+-]\d{4})$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\S*$")


def feed_problems(data: bytes) -> list[str]:
    """What an RSS 2.0 or Atom document breaks of its specification (empty: nothing)."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag == "rss":
        return _rss(root)
    if root.tag == f"{ATOM}feed":
        return _atom(root)
    return [f"neither RSS 2.0 nor Atom: the root element is <{root.tag}>"]


# ---------------------------------------------------------------- RSS 2.0


def _rss(root: ElementTree.Element) -> list[str]:
    if root.get("version") != "2.0":
        return [f'<rss version="{root.get("version")}">: expected version="2.0"']
    channels = root.findall("channel")
    if len(channels) != 1:
        return [f"{len(channels)} <channel> elements: RSS 2.0 has exactly one"]
    channel = channels[0]
    problems = [
        f"channel: no <{name}>, which RSS 2.0 requires"
        for name in ("title", "link", "description")
        if channel.find(name) is None
    ]
    problems += _web_address(channel.findtext("link"), "channel <link>")
    problems += _rfc822(channel, "channel")
    items = channel.findall("item")
    for number, item in enumerate(items, start=1):
        problems += [f"item {number}: {problem}" for problem in _rss_item(item)]
    guids = Counter((item.findtext("guid") or "").strip() for item in items if item.find("guid") is not None)
    problems += [f"guid {guid!r} is used by {count} items" for guid, count in guids.items() if count > 1]
    return problems


def _rss_item(item: ElementTree.Element) -> list[str]:
    problems = (
        []
        if item.find("title") is not None or item.find("description") is not None
        else ["neither <title> nor <description>: RSS 2.0 requires one of them"]
    )
    if item.find("link") is not None:
        problems += _web_address(item.findtext("link"), "<link>")
    guid = item.find("guid")
    if guid is not None:
        permalink = guid.get("isPermaLink", "true")
        if permalink not in ("true", "false"):
            problems.append(f'<guid isPermaLink="{permalink}">: write "true" or "false"')
        elif permalink == "true" and not WEB_ADDRESS.match((guid.text or "").strip()):
            problems.append(
                f'<guid> {guid.text!r} is read as a permalink: it is not an address; add isPermaLink="false"'
            )
    for enclosure in item.findall("enclosure"):
        missing = [name for name in ("url", "length", "type") if not enclosure.get(name)]
        if missing:
            problems.append(f"<enclosure> without {', '.join(missing)}")
        elif not enclosure.get("length", "").isdigit():
            problems.append(f'<enclosure length="{enclosure.get("length")}">: a number of bytes')
    return problems + _rfc822(item, "<pubDate>")


def _rfc822(element: ElementTree.Element, where: str) -> list[str]:
    return [
        f"{where}: date {date.text!r} is not RFC 822 (like 'Tue, 01 Dec 2026 10:00:00 +0100')"
        for name in ("pubDate", "lastBuildDate")
        for date in element.findall(name)
        if not RFC822.match((date.text or "").strip())
    ]


def _web_address(value: str | None, where: str) -> list[str]:
    if value and WEB_ADDRESS.match(value.strip()):
        return []
    return [f"{where} {value!r} is not an absolute address"]


# ---------------------------------------------------------------- Atom, RFC 4287


def _atom(feed: ElementTree.Element) -> list[str]:
    problems = [f"feed: {problem}" for problem in _atom_common(feed)]
    if not any(link.get("rel") == "self" for link in feed.findall(f"{ATOM}link")):
        problems.append('feed: no <link rel="self"> (the feed\'s own address)')
    entries = feed.findall(f"{ATOM}entry")
    authored = feed.find(f"{ATOM}author") is not None
    for number, entry in enumerate(entries, start=1):
        found = _atom_common(entry)
        own = entry.find(f"{ATOM}author") is not None or entry.find(f"{ATOM}source/{ATOM}author") is not None
        if not authored and not own:
            found.append("no <author>, and the feed has none either")
        if entry.find(f"{ATOM}content") is None and not _links(entry, "alternate"):
            found.append('neither <content> nor <link rel="alternate">')
        problems += [f"entry {number}: {problem}" for problem in found]
    ids = Counter((entry.findtext(f"{ATOM}id") or "").strip() for entry in entries)
    problems += [
        f"id {identifier!r} is used by {count} entries" for identifier, count in ids.items() if count > 1
    ]
    return problems


def _atom_common(element: ElementTree.Element) -> list[str]:
    """What RFC 4287 requires of a feed and of an entry alike."""
    problems = []
    for name in ("id", "title", "updated"):
        count = len(element.findall(f"{ATOM}{name}"))
        if count != 1:
            problems.append(f"{count} <{name}> elements; exactly one is required")
    identifier = (element.findtext(f"{ATOM}id") or "").strip()
    if identifier and not ABSOLUTE_IRI.match(identifier):
        problems.append(f"<id> {identifier!r} is not an absolute IRI")
    for name in ("updated", "published"):
        for date in element.findall(f"{ATOM}{name}"):
            if not RFC3339.match((date.text or "").strip()):
                problems.append(f"<{name}> {date.text!r} is not an RFC 3339 date")
    for author in element.findall(f"{ATOM}author"):
        if not (author.findtext(f"{ATOM}name") or "").strip():
            problems.append("<author> without a <name>")
    for link in element.findall(f"{ATOM}link"):
        if not link.get("href"):
            problems.append("<link> without href")
    alternates = Counter((link.get("type"), link.get("hreflang")) for link in _links(element, "alternate"))
    problems += [
        f'{count} <link rel="alternate"> of type {kind!r}; at most one per type and language'
        for (kind, _lang), count in alternates.items()
        if count > 1
    ]
    return problems


def _links(element: ElementTree.Element, rel: str) -> Iterable[ElementTree.Element]:
    return [link for link in element.findall(f"{ATOM}link") if link.get("rel", "alternate") == rel]
