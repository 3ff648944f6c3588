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
    value_start = re.compile(re.escape(public_origin) + r"(?=[/?#]|$)")
    # Inside srcset, after its separating commas: every candidate, not only the first.
    in_srcset = re.compile(r"(^|,\s*)" + re.escape(public_origin) + r"(?=[/?#\s]|$)")

    def attribute(match: re.Match) -> str:
        name, value = match.group("name").lower(), match.group("value")
        if name == "srcset":
            value = in_srcset.sub(lambda m: m.group(1), value)
        elif (name in FOLLOWED or name.startswith("data-")) and value.startswith(public_origin):
            value = value_start.sub("", value, count=1) or "/"
        return match.group("lead") + value + '"'

    def tag(match: re.Match) -> str:
        text = match.group(0)
        if public_origin not in text or (text[:5].lower() == "<link" and NAMING.search(text)):
            return text
        return ATTRIBUTE.sub(attribute, text)

    return TAG.sub(tag, html)
