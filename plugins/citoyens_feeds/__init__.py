"""Pelican plugin: a site's Atom and RSS feeds name the network's XSL style sheet.

A reader who clicks "all.atom.xml" then sees the site's news in the browser, with a word on
what a feed is for, instead of XML (``citoyens_ssg.site.feedstyle``).  Feeds stay what
feed readers expect: the style sheet is a processing instruction they ignore.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from citoyens_ssg import output
from citoyens_ssg.site import feedstyle


def style_feed(path, context, feed=None) -> None:  # noqa: ARG001 - signal signature
    written = Path(path)
    href = (context.get("JINJA_GLOBALS") or {}).get("FEED_STYLESHEET")
    if href and written.is_file():
        output.write_file(written.parent, written.name, feedstyle.styled(written.read_bytes(), href))


def register() -> None:
    signals.feed_written.connect(style_feed)
