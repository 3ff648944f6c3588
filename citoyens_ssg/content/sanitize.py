"""One HTML sanitiser for everything a reader's browser will run into.

Association Markdown (Pelican does not sanitise it) and entries of external
feeds go through the same allowlist: text structure, tables, figures, media,
links and images, with http, https and mailto URLs only.  Scripts, event
handlers, styles, forms, frames and foreign XML (SVG, MathML) are removed,
their text kept where it is text.  Relative URLs are made absolute against a
base when one is given (feed entries), because once the HTML is moved to the
planet a relative link would point at the wrong host.
"""

from __future__ import annotations

import html
import re
from functools import partial
from urllib.parse import urljoin, urlsplit

import nh3

# What XML 1.0 and iCalendar cannot carry (C0 controls but TAB, LF and CR; lone surrogates;
# U+FFFE, U+FFFF), with DEL and the C1 controls that no text needs: one control character
# in a site's name would otherwise make the network's feeds, OPML and calendars unreadable.
_UNCARRIABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# From a run's first blank only ((?<!…)): tried from each of them, 40,000 spaces in a site.yaml
# value took 8 s of loading the network's configuration (quadratic), before any site's limit.
_BREAKS = re.compile(r"(?<![ \t])[ \t]*[\n\t][ \t\n]*")
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# HTML's void elements: they hold nothing and have no end tag (the excerpt's and the import's
# walks over the tags must not wait for one).
VOID_ELEMENTS = frozenset(
    {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "cite"})

TAGS = frozenset(
    {
        "a",
        "abbr",
        "address",
        "article",
        "aside",
        "audio",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "picture",
        "pre",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "section",
        "small",
        "source",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "track",
        "u",
        "ul",
        "var",
        "video",
        "wbr",
    }
)
ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes", "decoding"},
    "source": {"src", "type", "srcset", "sizes", "media"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "audio": {"src", "controls", "preload"},
    "video": {"src", "controls", "preload", "poster", "width", "height"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "data": {"value"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}
# A site marked trusted in network.yaml (never by itself) may also embed frames.
TRUSTED_TAGS = frozenset({"iframe"})
TRUSTED_ATTRIBUTES = {
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy"}
}


def _absolute(base: str, tag: str, attribute: str, value: str) -> str | None:
    if attribute in URL_ATTRIBUTES:
        return urljoin(base, value.strip())
    if attribute == "srcset":
        return ", ".join(_absolute_candidate(base, part) for part in value.split(",") if part.strip())
    return value


def _absolute_candidate(base: str, candidate: str) -> str:
    url, _, descriptor = candidate.strip().partition(" ")
    return f"{urljoin(base, url)} {descriptor}".strip()


def clean_text(value: str, *, one_line: bool = False) -> str:
    """``value`` without the characters XML 1.0 and iCalendar cannot carry, line ends as LF
    (``one_line``: line breaks and tabs as one space, for names, titles, places).

    Every text that comes from a site or a feed goes through it where it comes in
    (site.yaml values, metadata, sanitised HTML, plain text), so the network stage
    never meets one."""
    text = _UNCARRIABLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return _BREAKS.sub(" ", text) if one_line else text


def clean_html(
    fragment: str, *, base_url: str | None = None, trusted: bool = False, link_rel: str | None = "noopener"
) -> str:
    """The safe subset of ``fragment``; with ``base_url``, every URL made absolute."""
    tags = TAGS | TRUSTED_TAGS if trusted else TAGS
    attributes = {**ATTRIBUTES, **TRUSTED_ATTRIBUTES} if trusted else ATTRIBUTES
    return clean_text(
        nh3.clean(
            fragment,
            tags=set(tags),
            attributes={tag: set(names) for tag, names in attributes.items()},
            attribute_filter=partial(_absolute, base_url) if base_url else None,
            url_schemes=set(URL_SCHEMES),
            link_rel=link_rel,
            strip_comments=True,
        )
    )


def plain_text(value: str) -> str:
    """A text field (a title, an author) with any markup removed, ready to be escaped on output."""
    return clean_text(html.unescape(nh3.clean(value, tags=set()))).strip()


def safe_link(url: str | None, base_url: str | None = None) -> str | None:
    """An http(s) URL, absolute, or None: ``javascript:``, ``data:`` and the like are dropped."""
    if not url:
        return None
    candidate = urljoin(base_url, url.strip()) if base_url else url.strip()
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate
