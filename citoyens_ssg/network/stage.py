"""The network stage: pages that span every site, built from the manifests.

Runs after the sites, in the parent process, and reads only what the sites
wrote to disk: the portal (``index.html``), the planet and its feeds, the agenda,
the directory and its map, the network search, the 404 page, the weekly letters,
``_headers`` and ``_redirects``, the sitemaps' index, the redirect pages, the web
editor's pages, and the theme's static files for them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from jinja2 import Environment

from citoyens_ssg import clock, output
from citoyens_ssg.config.load import SITE_FEED_ATOM, NetworkConfig, SiteConfig
from citoyens_ssg.config.sites import NOT_FOUND
from citoyens_ssg.config.themes import ThemeChain, assets_dir, resolve_theme
from citoyens_ssg.editor.pages import write_editor
from citoyens_ssg.errors import Problem
from citoyens_ssg.i18n import _
from citoyens_ssg.network import agenda, directory, planet
from citoyens_ssg.network.headers import headers_file, redirect_pages, redirects_file
from citoyens_ssg.network.letter.compose import compose_letters
from citoyens_ssg.network.letter.render import letter_globals
from citoyens_ssg.network.letter.render import web_pages as letter_pages
from citoyens_ssg.network.subscriptions import FeedState, external_entries
from citoyens_ssg.network.subscriptions import health as subscription_health
from citoyens_ssg.report import FEED_HEALTH_PAGE
from citoyens_ssg.site import addresses, feedstyle, search, sitemaps
from citoyens_ssg.site.manifest import Entry, Manifest, read_manifest
from citoyens_ssg.site.templating import (
    accent_css,
    filters,
    install_translations,
    network_environment,
    network_globals,
    theme_translations,
)
from citoyens_ssg.workpaths import WorkPaths

logger = logging.getLogger(__name__)
PORTAL_LATEST = 10
PORTAL_EVENTS = 5
DEFAULT_THEME = "citoyen"


@dataclass(frozen=True)
class SiteCard:
    """One association as the portal shows it."""

    site: SiteConfig
    url: str
    logo_url: str
    feed_url: str
    newest: Entry | None
    count: int


def load_manifests(
    network: NetworkConfig, paths: dict[str, Path]
) -> tuple[dict[str, Manifest], list[Problem]]:
    """Each site's manifest, from ``paths`` (slug to file); a site never built has none."""
    manifests: dict[str, Manifest] = {}
    problems: list[Problem] = []
    for site in network.sites:
        path = paths.get(site.slug)
        if path is None or not path.is_file():
            continue
        try:
            manifests[site.slug] = read_manifest(path)
        except (ValueError, KeyError, OverflowError) as error:
            problems.append(
                Problem(str(path), _("unreadable manifest, rebuild the site: {reason}", reason=error))
            )
    return manifests, problems


def network_theme(network: NetworkConfig) -> ThemeChain:
    """The network's theme if it has network pages, else the default theme."""
    chain = resolve_theme(network.themes_dir, network.theme)
    if any((folder / "templates" / "portal.html").is_file() for folder in chain.folders):
        return chain
    return resolve_theme(network.themes_dir, DEFAULT_THEME)


def pages_environment(network: NetworkConfig) -> Environment:
    """The Jinja environment of the network's pages (and of the letter's email)."""
    theme = network_theme(network)
    return _environment(network, theme, network_assets(network, theme)[1])


def _environment(network: NetworkConfig, theme: ThemeChain, assets: str) -> Environment:
    env = network_environment(theme, WorkPaths.of(network.root).jinja("network"))
    install_translations(env, theme_translations(theme, network.language))
    env.filters.update(filters(network.language, network.timezone))
    env.globals.update(network_globals(network))
    env.globals.update(letter_globals(network))
    env.globals.update(
        SITENAME=network.name,
        SITEURL=network.url,
        DEFAULT_LANG=network.language,
        THEME_STATIC_DIR=assets,
        ACCENT_COLOR=network.accent_color,
    )
    return env


def network_assets(network: NetworkConfig, theme: ThemeChain) -> tuple[str, str]:
    """The accent colours' stylesheet and the folder named after the assets' content, where
    the network's pages find their styles and scripts (cached a year: a change, a new name)."""
    accents = accent_css(network.accent_color, {site.slug: site.accent_color for site in network.sites})
    return accents, assets_dir([*theme.static_folders, directory.map_library()], accents)


def build_network_pages(
    network: NetworkConfig,
    manifests: dict[str, Manifest],
    out: Path,
    feeds: dict[str, FeedState] | None = None,
) -> list[Problem]:
    """Write the network's pages into ``out``; the problems of the editors' files (letter editorials)."""
    feeds = feeds or {}
    theme = network_theme(network)
    accents, assets = network_assets(network, theme)
    env = _environment(network, theme, assets)
    entries = planet.merge_entries(network, manifests, external_entries(feeds, network.language))
    cards = [_card(network, site, manifests.get(site.slug)) for site in network.sites]
    health = [
        subscription_health(s, feeds[s.key], network.planet.stale_after_days, network.language)
        for s in network.planet.feeds
        if s.key in feeds
    ]
    upcoming, _past = agenda.split_by_time(agenda.all_events(network, manifests), clock.now())
    pages = {
        "index.html": env.get_template("portal.html").render(
            sites=cards,
            entries=entries[:PORTAL_LATEST],
            events=upcoming[:PORTAL_EVENTS],
            page_name="portal",
            output_file="index.html",
        ),
        "planet/index.html": env.get_template("planet.html").render(
            entries=entries, sites=cards, page_name="planet", output_file="planet/index.html"
        ),
        FEED_HEALTH_PAGE: env.get_template("planet_health.html").render(
            feeds=health,
            allow_private_addresses=network.planet.allow_private_addresses,
            page_name="health",
            output_file=FEED_HEALTH_PAGE,
        ),
        "planet/sante.json": json.dumps([asdict(h) for h in health], ensure_ascii=False, indent=1) + "\n",
        NOT_FOUND: env.get_template("network_404.html").render(page_name="not_found", output_file=NOT_FOUND),
        "recherche/index.html": env.get_template("network_search.html").render(
            sites=[card for card in cards if (out / card.site.slug / search.BUNDLE).is_dir()],
            page_name="search",
            output_file="recherche/index.html",
        ),
        **agenda.agenda_pages(network, manifests, env, clock.now()),
        **directory.directory_pages(network, env, upcoming),
    }
    letters, problems = compose_letters(
        network, manifests, external_entries(feeds, network.language), clock.now()
    )
    if network.letter is not None:
        pages.update(letter_pages(network, letters, env))
    pages[feedstyle.FOLLOW_PAGE] = env.get_template("network_follow.html").render(
        sites=cards, page_name="follow", output_file=feedstyle.FOLLOW_PAGE
    )
    pages[feedstyle.STYLESHEET] = env.get_template("network_feeds.xsl").render(
        root=feedstyle.network_path(network.url), follow_path=feedstyle.FOLLOW
    )
    stylesheet = feedstyle.stylesheet_href(network.url)
    for relative, text in pages.items():
        if relative.endswith(".html"):
            text = addresses.root_relative(text, addresses.origin(network.url))
        output.write_file(out, relative, feedstyle.styled_if_feed(relative, text, stylesheet))
    directory.copy_map_library(out / assets)
    for relative, data in planet.planet_feeds(network, entries).items():
        output.write_file(out, relative, feedstyle.styled_if_feed(relative, data, stylesheet))
    for folder in theme.static_folders:
        output.copy_tree(folder, out / assets)
    output.write_file(out, "_headers", headers_file())
    output.write_file(out, "_redirects", redirects_file([site.slug for site in network.sites]))
    for relative, data in sitemaps.sitemap_files(network, out).items():  # every page is in place
        output.write_file(out, relative, data)
    for relative, text in redirect_pages(out, network.language, network.url).items():  # not in the sitemap
        output.write_file(out, relative, text)
    output.write_file(out, f"{assets}/css/accent.css", accents)
    write_editor(network, out)  # not in the sitemaps; after the sites, whose pages name the preview's styles
    return problems


def _card(network: NetworkConfig, site: SiteConfig, manifest: Manifest | None) -> SiteCard:
    url = f"{network.site_url(site.slug)}/"
    return SiteCard(
        site=site,
        url=url,
        logo_url=f"{url}{site.logo}" if site.logo else "",
        feed_url=f"{url}{SITE_FEED_ATOM}",
        newest=manifest.newest() if manifest else None,
        count=len(manifest.entries) if manifest else 0,
    )
