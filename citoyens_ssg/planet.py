"""The planet: every association's newest entries, merged into one river.

Entries come from the sites' manifests; the planet is written as RSS 2.0 and
Atom 1.0 with feedgen and as an HTML page by the network stage.  Nothing here
depends on the build time, so two builds of the same content give the same
feeds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from feedgen.feed import FeedGenerator

from citoyens_ssg.config import NetworkConfig, SiteConfig
from citoyens_ssg.manifest import Entry, Manifest
from citoyens_ssg.sanitize import clean_html

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Source:
    """Who published an entry, as readers see it."""

    slug: str
    name: str
    url: str
    feed_url: str


@dataclass(frozen=True)
class PlanetEntry:
    entry: Entry
    source: Source


def site_source(network: NetworkConfig, site: SiteConfig) -> Source:
    url = f"{network.url}/{site.slug}/"
    return Source(site.slug, site.name, url, f"{url}feeds/all.atom.xml")


def merge_entries(network: NetworkConfig, manifests: dict[str, Manifest]) -> list[PlanetEntry]:
    """All entries, each once, newest first, cut to the planet's size."""
    seen: set[str] = set()
    merged: list[PlanetEntry] = []
    for site in network.sites:
        manifest = manifests.get(site.slug)
        if manifest is None:
            continue
        source = site_source(network, site)
        for entry in manifest.entries:
            if entry.id in seen or entry.url in seen:
                continue
            seen.update((entry.id, entry.url))
            # Sanitised again here: the planet republishes HTML whatever its origin.
            entry = replace(entry, summary=clean_html(entry.summary, base_url=entry.url))
            merged.append(PlanetEntry(entry, source))
    merged.sort(key=lambda item: (item.entry.date, item.entry.id), reverse=True)
    return merged[: network.planet.size]


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
        _add_entry(feed, item)
    return feed


def _add_entry(feed: FeedGenerator, item: PlanetEntry) -> None:
    entry, source = item.entry, item.source
    added = feed.add_entry(order="append")
    added.id(entry.id)
    added.guid(entry.id, permalink=entry.id == entry.url and entry.id.startswith(("http://", "https://")))
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


def planet_feeds(network: NetworkConfig, entries: list[PlanetEntry]) -> dict[str, bytes]:
    """The planet's feed files, by path relative to the output folder."""
    rss = _feed(network, entries, f"{network.url}/planet/rss.xml")
    atom = _feed(network, entries, f"{network.url}/planet/atom.xml")
    return {"planet/rss.xml": rss.rss_str(pretty=True), "planet/atom.xml": atom.atom_str(pretty=True)}
