"""What templates need beyond Pelican: French dates and the network's identity.

The same filters and globals serve the sites (through Pelican's JINJA_FILTERS
and JINJA_GLOBALS) and the network pages (portal, planet), so a theme's
templates use one vocabulary everywhere.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.dates import format_date, format_datetime, format_time
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PrefixLoader,
    select_autoescape,
)

from citoyens_ssg.events import describe_recurrence, schema_org
from citoyens_ssg.themes import ThemeChain

if TYPE_CHECKING:
    from citoyens_ssg.config import NetworkConfig, SiteConfig


def _babel_locale(language: str) -> str:
    return language.replace("-", "_")


def filters(language: str) -> dict[str, Any]:
    """Jinja filters bound to a language: ``{{ article.date|long_date }}``."""
    locale = _babel_locale(language)

    def long_date(value: date | datetime | None) -> str:
        return format_date(value, format="long", locale=locale) if value else ""

    def short_date(value: date | datetime | None) -> str:
        return format_date(value, format="short", locale=locale) if value else ""

    def date_time(value: datetime | None) -> str:
        return format_datetime(value, format="medium", locale=locale) if value else ""

    def iso_date(value: date | datetime | None) -> str:
        return value.isoformat() if value else ""

    def hour(value: datetime | None) -> str:
        return format_time(value, format="short", locale=locale) if value else ""

    def weekday_date(value: date | datetime | None) -> str:
        return format_date(value, format="full", locale=locale) if value else ""

    def recurrence(event) -> str:
        return describe_recurrence(event, language)

    return {"long_date": long_date, "short_date": short_date, "date_time": date_time, "iso_date": iso_date,
            "hour": hour, "weekday_date": weekday_date, "recurrence": recurrence, "schema_org": schema_org}


def network_globals(network: NetworkConfig) -> dict[str, Any]:
    return {
        "NETWORK_NAME": network.name,
        "NETWORK_URL": network.url,
        "NETWORK_DESCRIPTION": network.description,
        "NETWORK_LICENCE": network.licence,
        "PLANET_URL": f"{network.url}/planet/",
        "PLANET_RSS_URL": f"{network.url}/planet/rss.xml",
        "PLANET_ATOM_URL": f"{network.url}/planet/atom.xml",
    }


def site_globals(network: NetworkConfig, site: SiteConfig) -> dict[str, Any]:
    return {
        **network_globals(network),
        "SITE_SLUG": site.slug,
        "ACCENT_COLOR": site.accent_color,
        "SITE_LOGO": site.logo,
        "SITE_LICENCE": site.licence,
        "SITE_CONTACT": site.contact,
        "SITE_ADDRESS": ", ".join(p for p in (site.address, f"{site.postal_code} {site.city}".strip()) if p),
    }


def accent_css(accent: str, cards: dict[str, str] | None = None) -> str:
    """The colours chosen in the YAML files, as a stylesheet: no inline style,
    so the Content-Security-Policy needs no 'unsafe-inline'."""
    lines = [f":root {{ --accent: {accent}; }}"]
    lines += [f".site-card--{slug} {{ --card-accent: {color}; }}" for slug, color in sorted((cards or {}).items())]
    return "\n".join(lines) + "\n"


def bytecode_cache(folder: Path) -> FileSystemBytecodeCache:
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


@functools.lru_cache(maxsize=8)
def network_environment(theme: ThemeChain, cache_dir: Path | None = None) -> Environment:
    """A Jinja environment over a theme chain, laid out like Pelican's.

    Kept for the life of the process (the dev server rebuilds often) and its
    compiled templates kept on disk: compiling the templates was most of the
    network stage's time.  Jinja still checks each template's date.
    """
    folders = [str(p / "templates") for p in theme.folders]
    return Environment(
        bytecode_cache=bytecode_cache(cache_dir) if cache_dir is not None else None,
        loader=ChoiceLoader([FileSystemLoader(folders), PrefixLoader({"!theme": FileSystemLoader(str(Path(theme.root) / "templates"))})]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
