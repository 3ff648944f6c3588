"""Pelican plugin: write the site's published articles to a citoyens manifest.

The network stage (portal, planet) reads this file instead of Pelican's memory,
because every site is built in a process of its own.  Hooks ``article_writer_finalized``: it reads
the site's published articles (and the events citoyens_agenda left in the context) and writes the
manifest at the site context's manifest path; it refuses to run without one.
"""

from __future__ import annotations

from markupsafe import Markup
from pelican import signals

from citoyens_ssg import clock
from citoyens_ssg.site.context import site_context
from citoyens_ssg.site.manifest import Enclosure, Entry, Manifest, write_manifest


class ManifestSettingError(ValueError):
    pass


def _absolute(site_url: str, url: str) -> str:
    return f"{site_url.rstrip('/')}/{url.lstrip('/')}"


def _text(value) -> str:
    """Titles are Markup (escaped text) once citoyens_guard ran; the manifest keeps plain text."""
    return value.unescape() if isinstance(value, Markup) else str(value)


def _entry(article, site_url: str) -> Entry:
    url = _absolute(site_url, article.url)
    modified = getattr(article, "modified", None)
    return Entry(
        id=url,
        title=_text(article.title),
        url=url,
        date=article.date,
        summary=article.get_summary(site_url),
        updated=modified if modified and modified != article.date else None,
        authors=tuple(author.name for author in getattr(article, "authors", ())),
        category=article.category.name if getattr(article, "category", None) else "",
        tags=tuple(tag.name for tag in getattr(article, "tags", ())),
        language=getattr(article, "lang", ""),
        enclosures=_enclosures(article),
        thumbnail=_thumbnail(article),
    )


def _thumbnail(article) -> tuple[str, int, int] | tuple[()]:
    image = getattr(article, "citoyens_image", None)
    if not image:
        return ()
    return (image["thumbnail"], image["thumbnail_width"], image["thumbnail_height"])


def _enclosures(article) -> tuple[Enclosure, ...]:
    enclosure = getattr(article, "citoyens_enclosure", None)
    if not enclosure or not enclosure.get("length"):
        return ()
    return (Enclosure(enclosure["url"], enclosure["length"], enclosure["type"]),)


def write_site_manifest(generator, writer=None) -> None:  # noqa: ARG001 - signal signature
    settings = generator.settings
    site = site_context(settings)
    if site.manifest_path is None:
        raise ManifestSettingError("citoyens_manifest needs the site context's manifest_path")
    now = clock.now()
    published = [a for a in generator.articles if a.status == "published" and a.date <= now]
    entries = tuple(_entry(article, settings["SITEURL"]) for article in published)
    site_events = tuple(generator.context.get("citoyens_events", ()))  # put there by citoyens_agenda
    write_manifest(site.manifest_path, Manifest(site=site.slug, entries=entries, events=site_events))


def register() -> None:
    signals.article_writer_finalized.connect(write_site_manifest)
