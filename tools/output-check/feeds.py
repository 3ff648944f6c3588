"""Every feed of a built network, checked as feed readers and podcast directories read it."""

from __future__ import annotations

import json
import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from xml.etree import ElementTree

import feedparser

from citoyens_ssg.network.feed_rules import feed_problems

RELATIVE = re.compile(r"""\b(?:href|src)\s*=\s*["'](?!https?:|mailto:|tel:|#|data:)([^"']+)""", re.IGNORECASE)


def _absolute(url: str | None) -> bool:
    return bool(url) and url.startswith(("http://", "https://"))


def check_xml_feed(path: Path, shown: str) -> list[str]:
    problems = [f"{shown}: {problem}" for problem in feed_problems(path.read_bytes())]  # RSS 2.0, RFC 4287
    ElementTree.parse(path)
    feed = feedparser.parse(path.read_bytes())
    if feed.bozo:
        return problems + [f"{shown}: {feed.bozo_exception}"]
    ids = [entry.get("id") for entry in feed.entries]
    if len(ids) != len(set(ids)):
        problems.append(f"{shown}: duplicate ids")
    for entry in feed.entries:
        if not _absolute(entry.get("link")) or not entry.get("id"):
            problems.append(f"{shown}: entry {entry.get('title')!r} without an absolute link or an id")
        if not (entry.get("published_parsed") or entry.get("updated_parsed")):
            problems.append(f"{shown}: entry {entry.get('title')!r} without a readable date")
        for part in [entry.get("summary", "")] + [c.value for c in entry.get("content", [])]:
            problems += [
                f"{shown}: relative link {m} in {entry.get('title')!r}" for m in RELATIVE.findall(part)
            ]
        problems += [
            f"{shown}: enclosure without length or type"
            for e in entry.get("enclosures", [])
            if not (e.get("length") and e.get("type"))
        ]
    text = path.read_text(encoding="utf-8")
    for date in re.findall(r"<(?:pubDate|lastBuildDate)>([^<]+)</", text):
        try:
            parsedate_to_datetime(date)
        except (TypeError, ValueError):
            problems.append(f"{shown}: date {date!r} is not RFC 822")
    return problems


def check_json_feed(path: Path, shown: str) -> list[str]:
    feed = json.loads(path.read_text(encoding="utf-8"))
    problems = (
        [] if feed.get("version") == "https://jsonfeed.org/version/1.1" else [f"{shown}: not JSON Feed 1.1"]
    )
    ids = [item["id"] for item in feed["items"]]
    if len(ids) != len(set(ids)):
        problems.append(f"{shown}: duplicate ids")
    for item in feed["items"]:
        if not _absolute(item.get("url")):
            problems.append(f"{shown}: item {item.get('title')!r} without an absolute url")
        problems += [f"{shown}: relative link {m}" for m in RELATIVE.findall(item.get("content_html", ""))]
    return problems


def check_feeds(output: Path, base: str) -> list[str]:
    problems = []
    feeds = (
        sorted(output.glob("*/feeds/*.xml"))
        + sorted(output.glob("*/podcast.xml"))
        + [output / "planet/rss.xml", output / "planet/atom.xml"]
    )
    for path in feeds:
        problems += check_xml_feed(path, str(path.relative_to(output)))
    problems += check_json_feed(output / "planet/feed.json", "planet/feed.json")
    print(f"ok  {len(feeds) + 1} feeds parsed and checked")
    return problems
