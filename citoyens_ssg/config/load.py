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
from citoyens_ssg.config.editor import SECTION as EDITOR_SECTION
from citoyens_ssg.config.editor import Backend, backend_from
from citoyens_ssg.config.sites import SiteFolder, discover_sites, slugify
from citoyens_ssg.config.themes import available_themes
from citoyens_ssg.config.yamlfile import load_yaml
from citoyens_ssg.content import abbreviations
from citoyens_ssg.errors import ConfigError, Problem
from citoyens_ssg.i18n import N_, _, in_language

NETWORK_FILE = "network.yaml"
SITE_FILE = "site.yaml"
# The Markdown a site is read in: CommonMark with GitHub's extensions (cmarkgfm), or
# Python-Markdown with Pelican's extensions, for a site moved from a Pelican blog.
DIALECTS = ("commonmark", "python-markdown")
DEFAULT_DIALECT = "commonmark"
_LANGUAGE = r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$"


@dataclass(frozen=True)
class Contact:
    email: str = ""
    phone: str = ""
    website: str = ""


@dataclass(frozen=True)
class Subscription:
    """A feed the planet follows on another host (an association's WordPress, a podcast)."""

    key: str  # stable name of its cache file
    name: str
    url: str
    home: str = ""
    site: str = ""  # the association it belongs to, if any
    include: tuple[str, ...] = ()  # keep only entries with one of these categories or words
    exclude: tuple[str, ...] = ()
    max_entries: int = 50


@dataclass(frozen=True)
class PlanetConfig:
    title: str
    description: str
    size: int = 50
    feeds: tuple[Subscription, ...] = ()
    stale_after_days: int = 90
    allow_private_addresses: bool = False  # follow feeds on the network's own intranet


WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class LetterConfig:
    """The weekly letter (``lettre:`` in network.yaml); the list manager keeps the subscribers."""

    title: str
    day: int = 4  # publication day, 0 = Monday: Friday's letter covers the seven days before it
    items: int = 30  # articles in one letter, the most recent kept
    subscribe: str = ""  # the list's subscription page (https://…) or address (mailto:…)
    to: str = ""  # the list's posting address
    sender: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"  # "tls": implicit TLS (port 465); "none": a relay on this machine only


@dataclass(frozen=True)
class MapConfig:
    """The open map of the directory: OpenStreetMap tiles unless network.yaml names others."""

    tiles: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    attribution: str = "© les contributeurs d’OpenStreetMap"
    attribution_url: str = "https://www.openstreetmap.org/copyright"
    latitude: float | None = None  # the view when there is nothing to show yet
    longitude: float | None = None
    zoom: int = 13


@dataclass(frozen=True)
class LimitsConfig:
    """What one site's build may use before it is stopped (administrators set it, never a site)."""

    site_seconds: float = 120.0
    site_memory_mb: int = 1024


@dataclass(frozen=True, kw_only=True)
class SharedSettings:
    """What the network sets for every site and a site may set for itself."""

    description: str = ""
    language: str = "fr"
    timezone: str = "Europe/Paris"
    theme: str = "citoyen"
    accent_color: str = "#1a5fb4"
    licence: str = ""
    pelican: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SiteConfig(SharedSettings):
    slug: str
    folder: Path
    name: str
    logo: str = ""
    author: str = ""
    contact: Contact = Contact()
    address: str = ""
    postal_code: str = ""
    city: str = ""
    neighbourhood: str = ""
    categories: tuple[str, ...] = ()
    opening_hours: tuple[str, ...] = ()
    maintainers: tuple[str, ...] = ()
    podcast: dict[str, Any] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    markdown: str = DEFAULT_DIALECT  # 'python-markdown' for a site moved from a Pelican blog
    abbreviations: dict[str, str] = field(default_factory=dict)  # acronym: expansion, shown at first use

    @property
    def content_dir(self) -> Path:
        return self.folder / "content"

    @property
    def theme_override_dir(self) -> Path:
        return self.folder / "theme"


@dataclass(frozen=True, kw_only=True)
class NetworkConfig(SharedSettings):
    root: Path
    name: str
    url: str
    planet: PlanetConfig = PlanetConfig("Planète", "")
    trusted_sites: frozenset[str] = frozenset()  # may embed frames; only network.yaml says so
    maintainers: tuple[str, ...] = ()
    image_widths: tuple[int, ...] = (480, 960, 1600)
    map: MapConfig = MapConfig()
    letter: LetterConfig | None = None  # no ``lettre:`` section, no letter
    limits: LimitsConfig = LimitsConfig()
    editor: Backend | None = None  # no ``editeur:`` section, no web editor
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

    @property
    def identifier(self) -> str:
        """A stable name for the network (calendar UIDs), whatever host serves it."""
        return slugify(self.name)


# Keys a site inherits from network.yaml when its own site.yaml is silent.
INHERITED_KEYS = ("language", "timezone", "theme", "accent_color", "licence")


def _common_fields() -> dict[str, schema.Field]:
    """Keys a site may set and the network sets as the default for all sites."""
    return {
        "description": schema.Text(),
        "language": schema.Text(pattern=_LANGUAGE, pattern_help=N_("a language code such as 'fr' or 'br'")),
        "timezone": schema.Text(),
        "theme": schema.Text(),
        "accent_color": schema.Color(),
        "licence": schema.Text(),
    }


NETWORK_SCHEMA = schema.Section(
    fields={
        "name": schema.Text(required=True),
        "url": schema.Url(required=True),
        **_common_fields(),
        "pelican": schema.FreeMapping(check=passthrough.check_passthrough),  # administrators: trusted
        "trusted_sites": schema.TextList(),
        "maintainers": schema.TextList(item=schema.Handle()),
        "image_widths": schema.IntegerList(minimum=64, maximum=4096),
        "map": schema.Section(fields={
            "tiles": schema.Text(pattern=r"^https://\S*\{z\}\S*\{x\}\S*\{y\}", pattern_help=N_("a tile address like https://tile.openstreetmap.org/{z}/{x}/{y}.png")),
            "attribution": schema.Text(),
            "attribution_url": schema.Url(),
            "latitude": schema.Number(minimum=-90, maximum=90),
            "longitude": schema.Number(minimum=-180, maximum=180),
            "zoom": schema.Integer(minimum=1, maximum=19),
        }),
        "editeur": EDITOR_SECTION,
        "lettre": schema.Section(fields={
            "title": schema.Text(),
            "day": schema.Text(pattern="^(" + "|".join(WEEKDAYS) + ")$",
                               pattern_help=N_("a day of the week in French, such as 'vendredi'")),
            "items": schema.Integer(minimum=1, maximum=500),
            "subscribe": schema.Text(pattern=r"^(https?://|mailto:)[^\s\"<>]+$",
                                     pattern_help=N_("an address starting with https:// or mailto:")),
            "to": schema.Email(),
            "from": schema.Email(),
            "smtp": schema.Section(fields={
                "host": schema.Text(pattern=r"^[A-Za-z0-9.-]+$",
                                    pattern_help=N_("a server name such as 'smtp.example.org'")),
                "port": schema.Integer(minimum=1, maximum=65535),
                "security": schema.Text(
                    pattern="^(starttls|tls|none)$",
                    pattern_help=N_("'starttls', 'tls' or 'none' (a relay on this machine)")),
            }),
        }),
        "limits": schema.Section(fields={
            "site_seconds": schema.Number(minimum=1, maximum=86400),
            "site_memory_mb": schema.Integer(minimum=256, maximum=1_048_576),
        }),
        "planet": schema.Section(
            fields={
                "title": schema.Text(),
                "description": schema.Text(),
                "size": schema.Integer(minimum=1, maximum=5000),
                "stale_after_days": schema.Integer(minimum=1, maximum=3650),
                "allow_private_addresses": schema.Boolean(),
                "feeds": schema.SectionList(item=schema.Section(fields={
                    "name": schema.Text(required=True),
                    "url": schema.Url(required=True),
                    "home": schema.Url(),
                    "site": schema.Text(),
                    "include": schema.TextList(),
                    "exclude": schema.TextList(),
                    "max_entries": schema.Integer(minimum=1, maximum=1000),
                })),
            }
        ),
    }
)

SITE_SCHEMA = schema.Section(
    fields={
        "name": schema.Text(required=True),
        **_common_fields(),
        "pelican": passthrough.SITE_PASSTHROUGH_SECTION,
        "logo": schema.Text(),
        "author": schema.Text(),
        "contact": schema.Section(
            fields={"email": schema.Email(), "phone": schema.Text(), "website": schema.Url()}
        ),
        "address": schema.Text(),
        "postal_code": schema.Text(pattern=r"^\d{5}$", pattern_help=N_("a five-digit postal code in quotes, like '29200'")),
        "city": schema.Text(),
        "neighbourhood": schema.Text(),
        "latitude": schema.Number(minimum=-90, maximum=90),
        "longitude": schema.Number(minimum=-180, maximum=180),
        "categories": schema.TextList(),
        "opening_hours": schema.TextList(),
        "maintainers": schema.TextList(item=schema.Handle()),
        "podcast": schema.Section(fields={
            "title": schema.Text(), "description": schema.Text(), "category": schema.Text(),
            "subcategory": schema.Text(), "image": schema.Text(), "explicit": schema.Boolean(), "email": schema.Email(),
        }),
        "markdown": schema.Choice(choices=DIALECTS),
        "abbreviations": schema.FreeMapping(check=abbreviations.acronym_problem),
    }
)


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


def _load(root: Path, base_url: str | None,
          last_good: dict[str, dict]) -> tuple[LoadedNetwork, list[Problem]]:
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
        problems.append(Problem(NETWORK_FILE, _("key 'trusted_sites': no site named {names} in sites/", names=", ".join(unknown))))
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
        problems.append(Problem(display, _("key 'theme': unknown theme '{theme}' — available: {themes}", theme=theme, themes=", ".join(themes))))
    timezone = values.get("timezone")
    if timezone:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(Problem(display, _("key 'timezone': unknown time zone '{zone}' (for example 'Europe/Paris')", zone=timezone)))


def _site_values(folder: SiteFolder, themes: list[str], problems: list[Problem]) -> dict | None:
    """The checked values of a site.yaml; its problems added to ``problems``."""
    display = f"sites/{folder.slug}/{SITE_FILE}"
    values = _load_file(folder.path / SITE_FILE, display, SITE_SCHEMA, problems)
    if values is None:
        return None
    _check_shared_values(values, display, themes, problems)
    logo = values.get("logo", "")
    if logo and not _inside(folder.path / "content", logo):
        problems.append(Problem(display, _("key 'logo': '{logo}' is not a file in the site's content/ folder", logo=logo)))
    if ("latitude" in values) != ("longitude" in values):
        problems.append(Problem(display, _("give both 'latitude' and 'longitude', or neither")))
    cover = values.get("podcast", {}).get("image", "")
    if cover and not _inside(folder.path / "content", cover):
        problems.append(Problem(display, _("key 'podcast.image': '{image}' is not a file in the site's content/ folder", image=cover)))
    return values


def _site_from(folder: SiteFolder, values: dict, network: dict) -> SiteConfig:
    logo = values.get("logo", "")
    shared = {key: values.get(key) or network.get(key) for key in INHERITED_KEYS if values.get(key) or network.get(key)}
    shared["description"] = values.get("description", "")
    shared["pelican"] = {**network.get("pelican", {}), **values.get("pelican", {})}
    return SiteConfig(
        slug=folder.slug,
        folder=folder.path,
        name=values.get("name", folder.slug),
        logo=logo,
        author=values.get("author", ""),
        contact=Contact(**values.get("contact", {})),
        address=values.get("address", ""),
        postal_code=values.get("postal_code", ""),
        city=values.get("city", ""),
        neighbourhood=values.get("neighbourhood", ""),
        categories=tuple(values.get("categories", ())),
        opening_hours=tuple(values.get("opening_hours", ())),
        maintainers=tuple(values.get("maintainers", ())),
        podcast=values.get("podcast", {}),
        latitude=values.get("latitude"),
        longitude=values.get("longitude"),
        markdown=values.get("markdown", DEFAULT_DIALECT),
        abbreviations={key: value.strip() for key, value in values.get("abbreviations", {}).items()},
        **shared,
    )


def _subscription(values: dict) -> Subscription:
    return Subscription(
        key=slugify(values["name"]),
        name=values["name"],
        url=values["url"],
        home=values.get("home", ""),
        site=values.get("site", ""),
        include=tuple(values.get("include", ())),
        exclude=tuple(values.get("exclude", ())),
        max_entries=values.get("max_entries", 50),
    )


def _check_subscriptions(values: dict, slugs: set[str], problems: list[Problem]) -> None:
    seen: set[str] = set()
    for index, feed in enumerate(values.get("planet", {}).get("feeds", ()), start=1):
        if "name" not in feed:
            continue
        key = slugify(feed["name"])
        if key in seen:
            problems.append(Problem(NETWORK_FILE, _("key 'planet.feeds[{index}].name': '{name}' is used twice; give each feed its own name", index=index, name=feed["name"])))
        seen.add(key)
        if feed.get("site") and feed["site"] not in slugs:
            problems.append(Problem(NETWORK_FILE, _("key 'planet.feeds[{index}].site': no site named '{site}' in sites/", index=index, site=feed["site"])))


def _inside(base: Path, relative: str) -> bool:
    """True when ``relative`` names an existing file under ``base`` (no escaping it)."""
    candidate = (base / relative).resolve()
    return candidate.is_file() and candidate.is_relative_to(base.resolve())


def _network_from(root: Path, values: dict, sites: tuple[SiteConfig, ...], base_url: str | None) -> NetworkConfig:
    planet = values.get("planet", {})
    name = values["name"]
    language = values.get("language", SharedSettings.language)
    shared = {key: values[key] for key in (*INHERITED_KEYS, "description", "pelican") if key in values}
    return NetworkConfig(
        root=root,
        name=name,
        url=(base_url or values["url"]).rstrip("/"),
        planet=PlanetConfig(
            # Public texts: in the network's language, not the build machine's.
            title=planet.get("title") or in_language(language, N_("Planet — {name}"), name=name),
            description=planet.get("description")
            or in_language(language, N_("Everything the associations of {name} publish"), name=name),
            size=planet.get("size", 50),
            feeds=tuple(_subscription(feed) for feed in planet.get("feeds", ())),
            stale_after_days=planet.get("stale_after_days", 90),
            allow_private_addresses=planet.get("allow_private_addresses", False),
        ),
        trusted_sites=frozenset(values.get("trusted_sites", ())),
        maintainers=tuple(values.get("maintainers", ())),
        image_widths=tuple(sorted(set(values.get("image_widths", (480, 960, 1600))))),
        map=MapConfig(**values.get("map", {})),
        letter=_letter(values["lettre"], name) if "lettre" in values else None,
        limits=LimitsConfig(**values.get("limits", {})),
        editor=backend_from(values["editeur"]) if "editeur" in values else None,
        sites=sites,
        **shared,
    )


def _letter(values: dict, network_name: str) -> LetterConfig:
    smtp = values.get("smtp", {})
    return LetterConfig(
        title=values.get("title") or _("The letter of {name}", name=network_name),
        day=WEEKDAYS.index(values.get("day", "vendredi")),
        items=values.get("items", 30),
        subscribe=values.get("subscribe", ""),
        to=values.get("to", ""),
        sender=values.get("from", ""),
        smtp_host=smtp.get("host", ""),
        smtp_port=smtp.get("port", 465 if smtp.get("security") == "tls" else 587),
        smtp_security=smtp.get("security", "starttls"),
    )
