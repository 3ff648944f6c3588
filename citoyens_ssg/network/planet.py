"""The planet: every association's newest entries, merged into one river.

Entries come from the sites' manifests; the planet is written as RSS 2.0 and
Atom 1.0 with feedgen and as an HTML page by the network stage.  Nothing here
depends on the build time, so two builds of the same content give the same
feeds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

from feedgen.feed import FeedGenerator

from citoyens_ssg.config.load import (
    PLANET_FEED_ATOM,
    PLANET_FEED_RSS,
    SITE_FEED_ATOM,
    NetworkConfig,
    SiteConfig,
    Subscription,
)
from citoyens_ssg.content.sanitize import clean_html
from citoyens_ssg.network.feed_rules import ABSOLUTE_IRI
from citoyens_ssg.site.manifest import Entry, Manifest

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Source:
    """Who published an entry, as readers see it."""

    slug: str
    name: str
    url: str
    feed_url: str
    external: bool = False  # a blog hosted elsewhere: its links get rel="nofollow"


@dataclass(frozen=True)
class PlanetEntry:
    entry: Entry
    source: Source


def site_source(network: NetworkConfig, site: SiteConfig) -> Source:
    url = f"{network.site_url(site.slug)}/"
    return Source(site.slug, site.name, url, f"{url}{SITE_FEED_ATOM}")


def subscription_source(network: NetworkConfig, subscription: Subscription) -> Source:
    """An external feed, attributed to its association when network.yaml names one."""
    name = subscription.name
    if subscription.site:
        association = network.site(subscription.site).name
        name = name if name.startswith(association) else f"{association} — {name}"
    return Source(
        subscription.key, name, subscription.home or subscription.url, subscription.url, external=True
    )


def sources(network: NetworkConfig) -> list[Source]:
    """Everything the planet follows: the network's sites, then the subscriptions."""
    return [site_source(network, site) for site in network.sites] + [
        subscription_source(network, s) for s in network.planet.feeds
    ]


def merge_entries(
    network: NetworkConfig, manifests: dict[str, Manifest], external: dict[str, list[Entry]] | None = None
) -> list[PlanetEntry]:
    """All entries, each once, newest first, cut to the planet's size."""
    merged = unique_entries(network, manifests, external)
    merged.sort(key=lambda item: (item.entry.date, item.entry.id), reverse=True)
    return [sanitised(item) for item in merged[: network.planet.size]]


def unique_entries(
    network: NetworkConfig, manifests: dict[str, Manifest], external: dict[str, list[Entry]] | None = None
) -> list[PlanetEntry]:
    """Every entry of the network and of the feeds it follows, each once, unsorted and unsanitised."""
    seen: set[str] = set()
    merged: list[PlanetEntry] = []
    entries_by_source = {
        site.slug: manifests[site.slug].entries for site in network.sites if site.slug in manifests
    }
    entries_by_source.update(external or {})
    for source in sources(network):
        for entry in entries_by_source.get(source.slug, ()):
            if entry.id in seen or entry.url in seen:
                continue
            seen.update((entry.id, entry.url))
            merged.append(PlanetEntry(entry, source))
    return merged


def sanitised(item: PlanetEntry) -> PlanetEntry:
    """Sanitised again here: the planet republishes HTML, whatever its origin."""
    rel = "nofollow noopener" if item.source.external else "noopener"
    entry = replace(item.entry, summary=clean_html(item.entry.summary, base_url=item.entry.url, link_rel=rel))
    return PlanetEntry(entry, item.source)


def _feed(network: NetworkConfig, entries: list[PlanetEntry], self_url: str) -> FeedGenerator:
    planet_url = f"{network.url}/planet/"
    feed = FeedGenerator()
    feed.id(planet_url)
    # feedgen takes the RSS <link> from the last link given: self first.
    feed.link(href=self_url, rel="self")
    feed.title(network.planet.title)
    feed.subtitle(network.planet.description)
    feed.description(network.planet.description)
    feed.link(href=planet_url, rel="alternate")
    feed.language(network.language)
    feed.generator("citoyens", uri="https://pypi.org/project/citoyens/")
    feed.author({"name": network.name})
    newest = max((e.entry.updated or e.entry.date for e in entries), default=EPOCH)
    feed.updated(newest)
    feed.lastBuildDate(newest)  # not the build time: builds stay reproducible
    for item in entries:
        _add_entry(feed, item, urlsplit(network.url).hostname or "localhost")
    return feed


def _add_entry(feed: FeedGenerator, item: PlanetEntry, authority: str) -> None:
    entry, source = item.entry, item.source
    added = feed.add_entry(order="append")
    identifier = _atom_id(entry.id, source.slug, authority)  # also the RSS guid: one identity in both
    permalink = identifier == entry.url and identifier.startswith(("http://", "https://"))
    added.guid(identifier, permalink=permalink)
    added.title(entry.title)
    added.link(href=entry.url, rel="alternate")
    added.published(entry.date)
    added.updated(entry.updated or entry.date)
    for name in entry.authors or (source.name,):
        added.author({"name": name})
    if entry.summary:
        added.summary(entry.summary, type="html")
    added.category(term=source.slug, label=source.name)
    added.source(url=source.feed_url, title=source.name)


def _atom_id(identifier: str, source: str, authority: str) -> str:
    """An entry's id as Atom wants it, an absolute IRI: another blog's ``<guid>billet-1</guid>``
    becomes a tag URI naming the network, the source and that guid, the same at every build."""
    if ABSOLUTE_IRI.match(identifier):
        return identifier
    return f"tag:{authority},2026:planet/{source}/{quote(identifier, safe='')}"


def planet_feeds(network: NetworkConfig, entries: list[PlanetEntry]) -> dict[str, bytes]:
    """The planet's feed files, by path relative to the output folder."""
    rss = _feed(network, entries, f"{network.url}/{PLANET_FEED_RSS}")
    for added, item in zip(rss.entry(), entries):
        for enclosure in item.entry.enclosures[:1]:  # RSS allows one enclosure per item
            added.enclosure(enclosure.url, str(enclosure.length), enclosure.type)
    atom = _feed(network, entries, f"{network.url}/{PLANET_FEED_ATOM}")
    return {
        PLANET_FEED_RSS: rss.rss_str(pretty=True),
        PLANET_FEED_ATOM: _with_atom_enclosures(atom.atom_str(pretty=True), entries),
        "planet/feed.json": json_feed(network, entries),
        "planet/opml.xml": opml(network),
    }


def _with_atom_enclosures(document: bytes, entries: list[PlanetEntry]) -> bytes:
    """Add rel="enclosure" links: feedgen 1.0 writes Atom links without their
    rel, type and length, which would turn a sound file into the entry's link."""
    namespace = "http://www.w3.org/2005/Atom"
    ElementTree.register_namespace("", namespace)
    root = ElementTree.fromstring(document)
    for element, item in zip(root.findall(f"{{{namespace}}}entry"), entries):
        for enclosure in item.entry.enclosures:
            ElementTree.SubElement(
                element,
                f"{{{namespace}}}link",
                rel="enclosure",
                href=enclosure.url,
                type=enclosure.type,
                length=str(enclosure.length),
            )
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def json_feed(network: NetworkConfig, entries: list[PlanetEntry]) -> bytes:
    """JSON Feed 1.1 (jsonfeed.org), with each item's source as an extension."""
    items = []
    for item in entries:
        entry = item.entry
        data = {
            "id": entry.id,
            "url": entry.url,
            "title": entry.title,
            "content_html": entry.summary,
            "date_published": entry.date.isoformat(),
            "authors": [{"name": name} for name in entry.authors or (item.source.name,)],
            "_citoyens": {
                "source": item.source.name,
                "source_url": item.source.url,
                "source_feed": item.source.feed_url,
            },
        }
        if entry.updated:
            data["date_modified"] = entry.updated.isoformat()
        if entry.tags:
            data["tags"] = list(entry.tags)
        if entry.enclosures:
            data["attachments"] = [
                {"url": e.url, "mime_type": e.type, "size_in_bytes": e.length} for e in entry.enclosures
            ]
        items.append(data)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": network.planet.title,
        "description": network.planet.description,
        "home_page_url": f"{network.url}/planet/",
        "feed_url": f"{network.url}/planet/feed.json",
        "language": network.language,
        "authors": [{"name": network.name, "url": f"{network.url}/"}],
        "items": items,
    }
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def opml(network: NetworkConfig) -> bytes:
    """OPML 2.0 listing every feed the planet follows: one click to follow the whole network."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = network.planet.title
    ElementTree.SubElement(head, "ownerName").text = network.name
    body = ElementTree.SubElement(root, "body")
    for source in sources(network):
        ElementTree.SubElement(
            body,
            "outline",
            text=source.name,
            title=source.name,
            type="rss",
            xmlUrl=source.feed_url,
            htmlUrl=source.url,
        )
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
