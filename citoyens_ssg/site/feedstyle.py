"""Feeds a browser shows as news, and the one page that explains them.

A reader who clicks a feed link gets XML; every Atom and RSS feed the network writes (each
site's, the podcast, the planet, the letter) therefore names the network's XSL style sheet,
with which the browser shows the feed as a page of news that says what a feed is for.  The
sheet is same-origin and named root-relative (the CSP's ``'self'``; a deploy preview or
a copy served elsewhere keeps it).  The help page "Suivre le réseau" is the one place that
names the formats (Atom, RSS, JSON Feed, OPML, iCalendar).
"""

from __future__ import annotations

from urllib.parse import urlsplit

FOLLOW = "suivre/"  # the help page's address, a stable one: the themes link to it (FOLLOW_URL)
FOLLOW_PAGE = f"{FOLLOW}index.html"
STYLESHEET = f"{FOLLOW}flux.xsl"
FEED_ENDINGS = ("atom.xml", "rss.xml", "podcast.xml")


def network_path(network_url: str) -> str:
    """The path the network is published under: ``""`` at a domain's root, ``/reseau`` under one."""
    return urlsplit(network_url).path.rstrip("/")


def stylesheet_href(network_url: str) -> str:
    """``/suivre/flux.xsl``, under the network's own path when it is published under one."""
    return f"{network_path(network_url)}/{STYLESHEET}"


def styled_if_feed(relative: str, document: bytes | str, href: str) -> bytes | str:
    """``document`` styled when ``relative`` names an Atom or RSS feed, else as it is."""
    return styled(document, href) if relative.endswith(FEED_ENDINGS) else document


def styled(document: bytes | str, href: str) -> bytes:
    """``document`` (an XML feed) with the processing instruction naming the style sheet, after
    the XML declaration; a document that has one already is left as it is."""
    data = document.encode("utf-8") if isinstance(document, str) else document
    if b"<?xml-stylesheet" in data[:500]:
        return data
    instruction = f'<?xml-stylesheet type="text/xsl" href="{href}"?>\n'.encode()
    if data.startswith(b"<?xml"):
        end = data.index(b"?>") + 2
        return data[:end] + b"\n" + instruction + data[end:].lstrip(b"\r\n")
    return instruction + data
