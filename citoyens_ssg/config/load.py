"""The network's configuration: ``network.yaml`` and every ``sites/<slug>/site.yaml``.

Everything is checked before anything is built, and every problem of every file
is reported at once, each naming the file, the line, the key, what was expected
and what was found.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citoyens_ssg.config import passthrough, schema
from citoyens_ssg.config.editor import Backend
from citoyens_ssg.config.sites import SiteFolder, discover_sites, slugify
from citoyens_ssg.config.themes import available_themes
from citoyens_ssg.config.yamlfile import load_yaml
from citoyens_ssg.content import abbreviations, images
from citoyens_ssg.errors import ConfigError, Problem
from citoyens_ssg.i18n import N_, _, in_language

NETWORK_FILE = "network.yaml"
SITE_FILE = "site.yaml"
# The Markdown a site is read in: CommonMark with GitHub's extensions (cmarkgfm), or
# Python-Markdown with Pelican's extensions, for a site moved from a Pelican blog.
DIALECTS = ("commonmark", "python-markdown")
DEFAULT_DIALECT = "commonmark"
MAX_CATEGORIES = 12  # the themes one association may give itself in the directory
_LANGUAGE = r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$"
# Each site's feeds, under its address (Pelican's FEED_ALL_*; the portal, planet and directory link them).
SITE_FEED_ATOM = "feeds/all.atom.xml"
SITE_FEED_RSS = "feeds/all.rss.xml"
# The planet's feeds, under the network's address (written by network.planet, linked by every page).
PLANET_FEED_ATOM = "planet/atom.xml"
PLANET_FEED_RSS = "planet/rss.xml"


# The bounds of a place on the map (the network map's view, an association's place).
_LATITUDE, _LONGITUDE = {"minimum": -90, "maximum": 90}, {"minimum": -180, "maximum": 180}
key = schema.key


@dataclass(frozen=True)
class Contact:
    email: str = key(schema.Email(), "", N_("the association's e-mail address"))
    phone: str = key(schema.Text(), "", N_("its telephone number"))
    website: str = key(schema.Url(), "", N_("its own website, if it has one elsewhere"))


@dataclass(frozen=True)
class Subscription:
    """A feed the planet follows on another host (an association's WordPress, a podcast)."""

    key: str  # stable name of its cache file
    name: str = key(schema.Text(required=True), help=N_("the name the planet shows"))
    url: str = key(schema.Url(required=True), help=N_("the feed's address"))
    home: str = key(schema.Url(), "", N_("the blog's home page"))
    site: str = key(schema.Text(), "", N_("the association it belongs to (its folder in sites/)"))
    include: tuple[str, ...] = key(
        schema.TextList(), (), N_("keep only entries with one of these categories or words")
    )
    exclude: tuple[str, ...] = key(
        schema.TextList(), (), N_("leave out entries with one of these categories or words")
    )
    max_entries: int = key(schema.Integer(minimum=1, maximum=1000), 50, N_("the most entries kept from it"))


@dataclass(frozen=True)
class PlanetConfig:
    title: str = key(schema.Text(), help=N_("the planet's title"))
    description: str = key(schema.Text(), help=N_("what the planet is, in one sentence"))
    size: int = key(schema.Integer(minimum=1, maximum=5000), 50, N_("how many entries the planet shows"))
    feeds: tuple[Subscription, ...] = key(
        schema.SectionList(item=schema.section_of(Subscription)),
        (),
        N_("the feeds it follows on other hosts"),
    )
    stale_after_days: int = key(
        schema.Integer(minimum=1, maximum=3650), 90, N_("days without news before a feed is called silent")
    )
    allow_private_addresses: bool = key(
        schema.Boolean(), False, N_("follow feeds on the network's own intranet")
    )


WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class LetterConfig:
    """The weekly letter (``lettre:`` in network.yaml); the list manager keeps the subscribers."""

    title: str = key(schema.Text(), help=N_("the letter's title"))
    # Friday's letter covers the seven days before it.
    day: int = key(
        schema.Text(
            pattern="^(" + "|".join(WEEKDAYS) + ")$",
            pattern_help=N_("a day of the week in French, such as 'vendredi'"),
        ),
        4,
        N_("its publication day (0 = Monday once read)"),
    )
    items: int = key(
        schema.Integer(minimum=1, maximum=500), 30, N_("articles in one letter, the most recent kept")
    )
    subscribe: str = key(
        schema.Text(
            pattern=r"^(https?://|mailto:)[^\s\"<>]+$",
            pattern_help=N_("an address starting with https:// or mailto:"),
        ),
        "",
        N_("the list's subscription page or address"),
    )
    to: str = key(schema.Email(), "", N_("the list's posting address"))
    sender: str = key(schema.Email(), "", N_("the letter's sender"), yaml="from")
    smtp_host: str = key(
        schema.Text(pattern=r"^[A-Za-z0-9.-]+$", pattern_help=N_("a server name such as 'smtp.example.org'")),
        "",
        N_("the mail server"),
        yaml="host",
        within="smtp",
    )
    smtp_port: int = key(
        schema.Integer(minimum=1, maximum=65535),
        587,
        N_("its port (465 with tls)"),
        yaml="port",
        within="smtp",
    )
    # "tls": implicit TLS (port 465); "none": a relay on this machine only
    smtp_security: str = key(
        schema.Text(
            pattern="^(starttls|tls|none)$",
            pattern_help=N_("'starttls', 'tls' or 'none' (a relay on this machine)"),
        ),
        "starttls",
        N_("how the connection is protected"),
        yaml="security",
        within="smtp",
    )


@dataclass(frozen=True)
class MapConfig:
    """The open map of the directory: OpenStreetMap tiles unless network.yaml names others."""

    tiles: str = key(
        schema.Text(
            pattern=r"^https://\S*\{z\}\S*\{x\}\S*\{y\}",
            pattern_help=N_("a tile address like https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        ),
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        N_("where the map's tiles come from"),
    )
    attribution: str = key(schema.Text(), "© les contributeurs d’OpenStreetMap", N_("whom the tiles credit"))
    attribution_url: str = key(
        schema.Url(), "https://www.openstreetmap.org/copyright", N_("the credit's link")
    )
    latitude: float | None = key(
        schema.Number(**_LATITUDE), None, N_("the view when there is nothing to show yet")
    )
    longitude: float | None = key(
        schema.Number(**_LONGITUDE), None, N_("the view when there is nothing to show yet")
    )
    zoom: int = key(schema.Integer(minimum=1, maximum=19), 13, N_("the zoom of that view"))


@dataclass(frozen=True)
class LimitsConfig:
    """What one site's build may use before it is stopped (administrators set it, never a site)."""

    site_seconds: float = key(
        schema.Number(minimum=1, maximum=86400), 120.0, N_("seconds one site's build may take")
    )
    site_memory_mb: int = key(
        schema.Integer(minimum=256, maximum=1_048_576), 1024, N_("memory one site's build may use, in MB")
    )


@dataclass(frozen=True, kw_only=True)
class SharedSettings:
    """What the network sets for every site and a site may set for itself."""

    description: str = key(schema.Text(), "", N_("one sentence saying what it is"))
    language: str = key(
        schema.Text(pattern=_LANGUAGE, pattern_help=N_("a language code such as 'fr' or 'br'")),
        "fr",
        N_("the language of its pages"),
    )
    timezone: str = key(schema.Text(), "Europe/Paris", N_("the time zone of its dates"))
    theme: str = key(schema.Text(), "citoyen", N_("the theme of its pages"))
    accent_color: str = key(schema.Color(), "#1a5fb4", N_("its colour"))
    licence: str = key(schema.Text(), "", N_("the licence of what it publishes"))
    # Pelican's settings: each file's own rules (see NETWORK_SCHEMA, SITE_SCHEMA).
    pelican: dict[str, Any] = field(default_factory=dict)


_PODCAST = schema.Section(
    fields={
        "title": schema.Text(),
        "description": schema.Text(),
        "category": schema.Text(),
        "subcategory": schema.Text(),
        "image": schema.Text(),
        "explicit": schema.Boolean(),
        "email": schema.Email(),
    }
)


@dataclass(frozen=True, kw_only=True)
class SiteConfig(SharedSettings):
    slug: str
    folder: Path
    name: str = key(schema.Text(required=True), help=N_("the association's name"))
    logo: str = key(schema.Text(), "", N_("its logo, a file of its content/ folder"))
    author: str = key(schema.Text(), "", N_("who signs its articles"))
    contact: Contact = key(schema.section_of(Contact), Contact(), N_("how to reach it"))
    address: str = key(schema.Text(), "", N_("its street address"))
    postal_code: str = key(
        schema.Text(pattern=r"^\d{5}$", pattern_help=N_("a five-digit postal code in quotes, like '29200'")),
        "",
        N_("its postal code"),
    )
    city: str = key(schema.Text(), "", N_("its town"))
    neighbourhood: str = key(schema.Text(), "", N_("its neighbourhood, for the directory"))
    # Each theme is a page of the directory listing every theme: a site's count is bounded.
    categories: tuple[str, ...] = key(
        schema.TextList(max_items=MAX_CATEGORIES), (), N_("what it does, for the directory")
    )
    opening_hours: tuple[str, ...] = key(schema.TextList(), (), N_("when it is open"))
    maintainers: tuple[str, ...] = key(
        schema.TextList(item=schema.Handle()), (), N_("who reviews changes to its folder (CODEOWNERS)")
    )
    podcast: dict[str, Any] = key(_PODCAST, {}, N_("its podcast's title, category, cover and owner"))
    latitude: float | None = key(schema.Number(**_LATITUDE), None, N_("where it is, for the map"))
    longitude: float | None = key(schema.Number(**_LONGITUDE), None, N_("where it is, for the map"))
    # 'python-markdown' for a site moved from a Pelican blog
    markdown: str = key(
        schema.Choice(choices=DIALECTS), DEFAULT_DIALECT, N_("the Markdown its texts are written in")
    )
    # acronym: expansion, marked <abbr title> at its first use in each text
    abbreviations: dict[str, str] = key(
        schema.FreeMapping(check=abbreviations.acronym_problem),
        {},
        N_("acronyms its texts use, and what they stand for"),
    )

    @property
    def content_dir(self) -> Path:
        return self.folder / "content"

    @property
    def theme_override_dir(self) -> Path:
        return self.folder / "theme"


@dataclass(frozen=True, kw_only=True)
class NetworkConfig(SharedSettings):
    root: Path
    name: str = key(schema.Text(required=True), help=N_("the network's name"))
    url: str = key(schema.Url(required=True), help=N_("the network's public address"))
    planet: PlanetConfig = key(
        schema.section_of(PlanetConfig),
        PlanetConfig("Planète", ""),
        N_("the planet: what every association publishes"),
    )
    trusted_sites: frozenset[str] = key(
        schema.TextList(), frozenset(), N_("sites that may embed frames (only network.yaml says so)")
    )
    maintainers: tuple[str, ...] = key(
        schema.TextList(item=schema.Handle()), (), N_("who reviews changes to the shared files (CODEOWNERS)")
    )
    image_widths: tuple[int, ...] = key(
        schema.IntegerList(minimum=64, maximum=4096),
        images.DEFAULT_WIDTHS,
        N_("the widths images are published in"),
    )
    map: MapConfig = key(schema.section_of(MapConfig), MapConfig(), N_("the directory's map"))
    letter: LetterConfig | None = key(
        schema.section_of(LetterConfig),
        None,
        N_("the weekly letter (none without this section)"),
        yaml="lettre",
    )
    limits: LimitsConfig = key(
        schema.section_of(LimitsConfig), LimitsConfig(), N_("what one site's build may use")
    )
    editor: Backend | None = key(
        schema.section_of(Backend), None, N_("the web editor (none without this section)"), yaml="editeur"
    )
    sites: tuple[SiteConfig, ...] = ()
    preview: bool = False  # citoyens serve: drafts and future posts are built too, marked as such

    @property
    def themes_dir(self) -> Path:
        return self.root / "themes"

    @property
    def plugins_dir(self) -> Path:
        return self.root / "plugins"

    def site(self, slug: str) -> SiteConfig:
        return next(site for site in self.sites if site.slug == slug)

    def site_url(self, slug: str) -> str:
        """A site's address, without the final slash (Pelican's SITEURL)."""
        return f"{self.url}/{slug}"

    @property
    def identifier(self) -> str:
        """A stable name for the network (calendar UIDs), whatever host serves it."""
        return slugify(self.name)


# Keys a site inherits from network.yaml when its own site.yaml is silent.
INHERITED_KEYS = ("language", "timezone", "theme", "accent_color", "licence")
# network.yaml's pelican: section is the administrators' (trusted), a site's an allowlist.
NETWORK_SCHEMA = schema.section_of(
    NetworkConfig, pelican=schema.FreeMapping(check=passthrough.check_passthrough)
)
SITE_SCHEMA = schema.section_of(SiteConfig, pelican=passthrough.SITE_PASSTHROUGH_SECTION)


@dataclass(frozen=True)
class LoadedNetwork:
    """The network as a build takes it: a site whose site.yaml has problems does not stop the
    others; it is shown as its last good version (``held``) or, never built, left out."""

    network: NetworkConfig | None  # None when network.yaml has problems: then nothing builds
    site_problems: dict[str, list[Problem]]  # by site (or folder): why it is not rebuilt
    held: frozenset[str]  # sites configured by their last good site.yaml, not rebuilt
    good_values: dict[str, dict]  # each good site.yaml's checked values, kept for next time


def load_network(root: Path, base_url: str | None = None) -> NetworkConfig:
    """Load and check the whole network; raise ConfigError listing every problem."""
    loaded, network_problems = _load(root, base_url, {})
    problems = network_problems + [problem for found in loaded.site_problems.values() for problem in found]
    if problems:
        raise ConfigError(problems)
    return loaded.network


def load_network_for_build(root: Path, base_url: str | None, last_good: dict[str, dict]) -> LoadedNetwork:
    """Only network.yaml's problems stop a build (ConfigError); a site whose site.yaml has
    problems is configured from ``last_good`` (its values at its last good build) if any."""
    loaded, network_problems = _load(root, base_url, last_good)
    if network_problems:
        raise ConfigError(network_problems)
    return loaded


def load_network_for_site(root: Path, slug: str) -> NetworkConfig:
    """The network as a tool for one association needs it (new-post, import): network.yaml and
    that site's site.yaml must be right; another site's problems are that site's."""
    loaded = load_network_for_build(root, None, {})
    if slug in loaded.site_problems:
        raise ConfigError(loaded.site_problems[slug])
    return loaded.network


def _load(
    root: Path, base_url: str | None, last_good: dict[str, dict]
) -> tuple[LoadedNetwork, list[Problem]]:
    root = root.resolve()
    problems: list[Problem] = []
    values = _load_file(root / NETWORK_FILE, NETWORK_FILE, NETWORK_SCHEMA, problems)
    if values is None:
        raise ConfigError(problems)
    themes = available_themes(root / "themes")
    _check_shared_values(values, NETWORK_FILE, themes, problems)
    folders, folder_problems = discover_sites(root)
    site_problems: dict[str, list[Problem]] = {}
    for problem in folder_problems:
        site_problems.setdefault(problem.file, []).append(problem)
    sites, held, good = [], set(), {}
    for folder in folders:
        found: list[Problem] = []
        site_values = _site_values(folder, themes, found)
        if found:
            site_problems[folder.slug] = found
            site_values = last_good.get(folder.slug)
            if site_values is None:
                continue
            held.add(folder.slug)
        else:
            good[folder.slug] = site_values
        sites.append(_site_from(folder, site_values, values))
    slugs = {folder.slug for folder in folders}  # a site held back is still a site of the network
    _check_subscriptions(values, slugs, problems)
    unknown = sorted(set(values.get("trusted_sites", ())) - slugs)
    if unknown and folders:
        problems.append(
            Problem(
                NETWORK_FILE,
                _("key 'trusted_sites': no site named {names} in sites/", names=", ".join(unknown)),
            )
        )
    network = None if problems else _network_from(root, values, tuple(sites), base_url)  # reported, not used
    return LoadedNetwork(network, site_problems, frozenset(held), good), problems


def _load_file(path: Path, display: str, section: schema.Section, problems: list[Problem]) -> dict | None:
    if not path.is_file():
        problems.append(Problem(display, _("file not found; every network needs one (see README.md)")))
        return None
    document, found = load_yaml(path, display)
    problems.extend(found)
    if document is None:
        return None
    values, found = schema.validate(document, section)
    problems.extend(found)
    return values


def _check_shared_values(values: dict, display: str, themes: list[str], problems: list[Problem]) -> None:
    """Checks that need more than the value's type: themes, time zones, logo files."""
    theme = values.get("theme")
    if theme and theme not in themes:
        problems.append(
            Problem(
                display,
                _(
                    "key 'theme': unknown theme '{theme}' — available: {themes}",
                    theme=theme,
                    themes=", ".join(themes),
                ),
            )
        )
    timezone = values.get("timezone")
    if timezone:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(
                Problem(
                    display,
                    _(
                        "key 'timezone': unknown time zone '{zone}' (for example 'Europe/Paris')",
                        zone=timezone,
                    ),
                )
            )


def _site_values(folder: SiteFolder, themes: list[str], problems: list[Problem]) -> dict | None:
    """The checked values of a site.yaml; its problems added to ``problems``."""
    display = f"sites/{folder.slug}/{SITE_FILE}"
    values = _load_file(folder.path / SITE_FILE, display, SITE_SCHEMA, problems)
    if values is None:
        return None
    _check_shared_values(values, display, themes, problems)
    logo = values.get("logo", "")
    if logo and not _inside(folder.path / "content", logo):
        problems.append(
            Problem(display, _("key 'logo': '{logo}' is not a file in the site's content/ folder", logo=logo))
        )
    if ("latitude" in values) != ("longitude" in values):
        problems.append(Problem(display, _("give both 'latitude' and 'longitude', or neither")))
    cover = values.get("podcast", {}).get("image", "")
    if cover and not _inside(folder.path / "content", cover):
        problems.append(
            Problem(
                display,
                _("key 'podcast.image': '{image}' is not a file in the site's content/ folder", image=cover),
            )
        )
    return values


def _site_from(folder: SiteFolder, values: dict, network: dict) -> SiteConfig:
    inherited = {
        name: values.get(name) or network.get(name)
        for name in INHERITED_KEYS
        if values.get(name) or network.get(name)
    }
    return schema.built(
        SiteConfig,
        values,
        slug=folder.slug,
        folder=folder.path,
        name=values.get("name", folder.slug),
        contact=schema.built(Contact, values.get("contact", {})),
        pelican={**network.get("pelican", {}), **values.get("pelican", {})},
        abbreviations={
            acronym: expansion.strip() for acronym, expansion in values.get("abbreviations", {}).items()
        },
        **inherited,
    )


def _subscription(values: dict) -> Subscription:
    return schema.built(Subscription, values, key=slugify(values["name"]))


def _check_subscriptions(values: dict, slugs: set[str], problems: list[Problem]) -> None:
    seen: set[str] = set()
    for index, feed in enumerate(values.get("planet", {}).get("feeds", ()), start=1):
        if "name" not in feed:
            continue
        key = slugify(feed["name"])
        if key in seen:
            problems.append(
                Problem(
                    NETWORK_FILE,
                    _(
                        "key 'planet.feeds[{index}].name': '{name}' is used twice; give each feed its own "
                        "name",
                        index=index,
                        name=feed["name"],
                    ),
                )
            )
        seen.add(key)
        if feed.get("site") and feed["site"] not in slugs:
            problems.append(
                Problem(
                    NETWORK_FILE,
                    _(
                        "key 'planet.feeds[{index}].site': no site named '{site}' in sites/",
                        index=index,
                        site=feed["site"],
                    ),
                )
            )


def _inside(base: Path, relative: str) -> bool:
    """True when ``relative`` names an existing file under ``base`` (no escaping it)."""
    candidate = (base / relative).resolve()
    return candidate.is_file() and candidate.is_relative_to(base.resolve())


def _network_from(
    root: Path, values: dict, sites: tuple[SiteConfig, ...], base_url: str | None
) -> NetworkConfig:
    planet = values.get("planet", {})
    name = values["name"]
    language = values.get("language", SharedSettings.language)
    return schema.built(
        NetworkConfig,
        values,
        root=root,
        url=(base_url or values["url"]).rstrip("/"),
        sites=sites,
        pelican=values.get("pelican", {}),
        planet=schema.built(
            PlanetConfig,
            planet,
            # Public texts: in the network's language, not the build machine's.
            title=planet.get("title") or in_language(language, N_("Planet — {name}"), name=name),
            description=planet.get("description")
            or in_language(language, N_("Everything the associations of {name} publish"), name=name),
            feeds=tuple(_subscription(feed) for feed in planet.get("feeds", ())),
        ),
        trusted_sites=frozenset(values.get("trusted_sites", ())),
        image_widths=tuple(sorted(set(values.get("image_widths", NetworkConfig.image_widths)))),
        map=schema.built(MapConfig, values.get("map", {})),
        letter=_letter(values["lettre"], name, language) if "lettre" in values else None,
        limits=schema.built(LimitsConfig, values.get("limits", {})),
        editor=schema.built(Backend, values["editeur"]) if "editeur" in values else None,
    )


def _letter(values: dict, network_name: str, language: str) -> LetterConfig:
    smtp = values.get("smtp", {})
    return schema.built(
        LetterConfig,
        values,
        # A public text, as the planet's: in the network's language, not the build machine's.
        title=values.get("title") or in_language(language, N_("The letter of {name}"), name=network_name),
        day=WEEKDAYS.index(values.get("day", "vendredi")),
        smtp_port=smtp.get("port", 465 if smtp.get("security") == "tls" else 587),
    )
