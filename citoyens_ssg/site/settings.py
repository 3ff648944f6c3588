"""The one module that knows Pelican's setting names.

A site's settings are layered: citoyens' defaults for every site, then what the
network and the site's ``site.yaml`` say, then the ``pelican:`` passthrough.
Settings that decide where files are read and written stay citoyens' alone.
In ``site.yaml`` the passthrough is an allowlist of plain, checked values
(``SITE_PASSTHROUGH``); ``network.yaml``, the administrators', may pass any
setting but those citoyens manages.
"""

from __future__ import annotations

import difflib
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from pelican.settings import DEFAULT_CONFIG

from citoyens_ssg.config import schema
from citoyens_ssg.content import static_files
from citoyens_ssg.site import reading, templating
from citoyens_ssg.i18n import N_, _
from citoyens_ssg.config.themes import ThemeChain, assets_dir

if TYPE_CHECKING:
    from citoyens_ssg.config.load import NetworkConfig, SiteConfig
    from citoyens_ssg.site.incremental import RenderPaths

# citoyens_guard checks and sanitises what is read, citoyens_i18n translates
# the theme's strings into the site's language, citoyens_images publishes
# clean responsive images, citoyens_media adds players and the podcast feed,
# citoyens_manifest hands the published entries to the network stage,
# citoyens_incremental renders only the pages whose inputs changed.
PROJECT_PLUGINS = ["citoyens_guard", "citoyens_i18n", "citoyens_images", "citoyens_media", "citoyens_agenda", "citoyens_manifest",
                   "citoyens_incremental"]
AGENDA_FOLDER = "agenda"

# Paths, themes and plugins are decided by citoyens: a site that could set them
# could read or write outside its own folder.
MANAGED = frozenset(
    {
        "PATH", "OUTPUT_PATH", "SITEURL", "SITENAME", "THEME", "THEME_TEMPLATES_OVERRIDES",
        "THEME_STATIC_PATHS", "THEME_STATIC_DIR", "PLUGIN_PATHS", "PLUGINS", "CACHE_PATH",
        "DELETE_OUTPUT_DIRECTORY", "OUTPUT_RETENTION", "FEED_DOMAIN", "JINJA_ENVIRONMENT",
        "JINJA_FILTERS", "JINJA_GLOBALS", "JINJA_TESTS", "READERS", "LOAD_CONTENT_CACHE",
        "CACHE_CONTENT", "WRITE_SELECTED", "EXTRA_PATH_METADATA", "STATIC_CHECK_IF_MODIFIED",
        "OUTPUT_SOURCES", "PAGE_PATHS", "ARTICLE_PATHS", "STATIC_PATHS", "IGNORE_FILES",
        "TIMEZONE", "DEFAULT_LANG",
    }
)
_PATH_SUFFIXES = ("_SAVE_AS", "_URL", "_FEED_ATOM", "_FEED_RSS")


# What an association may pass to Pelican from its site.yaml: plain values, each
# checked, with what it does.  Nothing here names a module, a class, a path, a
# regular expression, a template or markup (MARKDOWN imports any class,
# FILENAME_METADATA is a regex, TEMPLATE_PAGES reads any file, SUMMARY_END_SUFFIX
# is printed raw...): a key joins this table only if it cannot.
_ORDERS = ("reversed-date", "date", "title", "reversed-title")
SITE_PASSTHROUGH: dict[str, tuple[schema.Field, str]] = {
    "DEFAULT_PAGINATION": (schema.Integer(minimum=1, maximum=100), N_("articles per page of a listing")),
    "SUMMARY_MAX_LENGTH": (schema.Integer(minimum=0, maximum=1000, nullable=True),
                           N_("words of an article shown in listings, null for all")),
    "SUMMARY_MAX_PARAGRAPHS": (schema.Integer(minimum=1, maximum=50, nullable=True),
                               N_("paragraphs of an article shown in listings, null for all")),
    "FEED_MAX_ITEMS": (schema.Integer(minimum=1, maximum=100), N_("articles in each feed")),
    "ARTICLE_ORDER_BY": (schema.Choice(choices=_ORDERS), N_("order of articles in listings")),
    "PAGE_ORDER_BY": (schema.Choice(choices=("basename", "title", "reversed-basename", "reversed-title")),
                      N_("order of pages in the menu")),
    "NEWEST_FIRST_ARCHIVES": (schema.Boolean(), N_("newest articles first in the archives")),
    "REVERSE_CATEGORY_ORDER": (schema.Boolean(), N_("categories listed from Z to A")),
    "DISPLAY_PAGES_ON_MENU": (schema.Boolean(), N_("pages shown in the menu")),
    "DISPLAY_CATEGORIES_ON_MENU": (schema.Boolean(), N_("categories shown in the menu")),
    "DEFAULT_CATEGORY": (schema.Text(pattern=r"\S", pattern_help=N_("a category name")),
                         N_("category of articles that name none")),
    "USE_FOLDER_AS_CATEGORY": (schema.Boolean(), N_("an article's folder is its category")),
    "SLUGIFY_SOURCE": (schema.Choice(choices=("title", "basename")),
                       N_("addresses made from the title or from the file name")),
    "MENUITEMS": (schema.LinkList(), N_("extra menu entries, [text, address] (Pelican's themes)")),
    "LINKS": (schema.LinkList(), N_("links in the sidebar, [text, address] (Pelican's themes)")),
    "SOCIAL": (schema.LinkList(), N_("social network links, [text, address] (Pelican's themes)")),
}
SITE_PASSTHROUGH_SECTION = schema.Allowlist(
    fields={key: field for key, (field, _help) in SITE_PASSTHROUGH.items()},
    help={key: help for key, (_field, help) in SITE_PASSTHROUGH.items()},
    refusal=N_("'{key}' is not among the settings a site may pass to Pelican"),
)


def check_passthrough(key: str, value: Any) -> str | None:
    """Why ``key: value`` may not go to Pelican, or None when it may."""
    if key in MANAGED:
        return _("'{key}' is set by citoyens; use the keys of site.yaml instead", key=key)
    if key not in DEFAULT_CONFIG:
        close = difflib.get_close_matches(key.upper(), list(DEFAULT_CONFIG), n=1, cutoff=0.7)
        if close:
            return _("unknown Pelican setting '{key}' — did you mean '{suggestion}'?", key=key, suggestion=close[0])
        return _("unknown Pelican setting '{key}' (Pelican's settings are written in capitals)", key=key)
    if key.endswith(_PATH_SUFFIXES) or key.startswith("FEED_"):
        if isinstance(value, str) and _escapes(value):
            return _("'{value}' would leave the site's folder; use a relative path without '..'", value=value)
    return None


def _escapes(path: str) -> bool:
    pure = PurePosixPath(path.replace("\\", "/"))
    return pure.is_absolute() or ".." in pure.parts


def site_settings(
    network: NetworkConfig,
    site: SiteConfig,
    theme: ThemeChain,
    output_dir: Path,
    manifest_path: Path,
    renders: RenderPaths | None = None,
) -> dict[str, Any]:
    """The settings Pelican gets for ``site``, passthrough applied last."""
    site_url = f"{network.url}/{site.slug}"
    settings: dict[str, Any] = {
        "PATH": str(site.content_dir),
        "OUTPUT_PATH": str(output_dir),
        "SITENAME": site.name,
        "SITESUBTITLE": site.description,
        "SITEURL": site_url,
        "FEED_DOMAIN": site_url,
        "AUTHOR": site.author or site.name,
        "TIMEZONE": site.timezone,
        "DEFAULT_LANG": site.language,
        "LOCALE": ["C.UTF-8", "C"],  # dates are formatted by Babel, not the C library
        "THEME": str(theme.root),
        "THEME_TEMPLATES_OVERRIDES": _template_overrides(site, theme),
        "THEME_STATIC_PATHS": [str(p) for p in _static_folders(site, theme)],
        # theme/<digest of these files>/: a new address whenever one changes (cached a year)
        "THEME_STATIC_DIR": assets_dir(_static_folders(site, theme),
                                       templating.accent_css(site.accent_color)),
        "PLUGIN_PATHS": [str(network.plugins_dir)],
        "PLUGINS": list(PROJECT_PLUGINS),
        "CITOYENS_MANIFEST_PATH": str(manifest_path),
        "CITOYENS_RENDERS": renders.as_setting() if renders else None,
        "CITOYENS_SITE_SLUG": site.slug,
        "CITOYENS_THEME": theme,
        "CITOYENS_TRUSTED": site.slug in network.trusted_sites,
        "CITOYENS_PREVIEW": network.preview,
        "CITOYENS_IMAGE_CACHE": str(network.root / ".citoyens" / "images"),
        "CITOYENS_IMAGE_WIDTHS": list(network.image_widths),
        "DELETE_OUTPUT_DIRECTORY": False,
        "READERS": reading.readers_setting(site.markdown),
        "IGNORE_FILES": [*DEFAULT_CONFIG["IGNORE_FILES"], *reading.ignored_files()],
        "CITOYENS_MEMO": str(network.root / ".citoyens" / "memo" / f"{site.slug}.json.gz"),
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "WITH_FUTURE_DATES": True,  # citoyens_guard holds future posts back, by citoyens' clock
        "STATIC_PATHS": list(static_files.FOLDERS),
        # The podcast's owner: its own e-mail, else the association's contact.
        "CITOYENS_PODCAST": {"email": site.contact.email, **site.podcast},
        "CITOYENS_AGENDA_PATH": AGENDA_FOLDER,
        "CITOYENS_NETWORK_ID": network.identifier,
        "ARTICLE_EXCLUDES": [AGENDA_FOLDER],
        "AGENDAEVENT_URL": AGENDA_FOLDER + "/{slug}.html",
        "AGENDAEVENT_SAVE_AS": AGENDA_FOLDER + "/{slug}.html",
        "AGENDAEVENT_LANG_URL": AGENDA_FOLDER + "/{slug}-{lang}.html",
        "AGENDAEVENT_LANG_SAVE_AS": AGENDA_FOLDER + "/{slug}-{lang}.html",
        # An article's address comes from its file's name, not its title: associations repeat
        # titles every year ("Assemblée générale"), and a corrected title keeps its address.
        "SLUGIFY_SOURCE": "basename",
        "SITE_LOGO_PATH": site.logo,
        "DEFAULT_PAGINATION": 10,
        "SUMMARY_MAX_LENGTH": 50,
        # What feed readers fetch at every poll: the last twenty posts, in full in Atom
        # (Pelican's hundred weigh 860 KB for a blog of 850-word posts); the rest is in the archives.
        "FEED_MAX_ITEMS": 20,
        "FEED_ALL_ATOM": "feeds/all.atom.xml",
        "FEED_ALL_RSS": "feeds/all.rss.xml",
        "CATEGORY_FEED_ATOM": "feeds/{slug}.atom.xml",
        "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None,
        "TRANSLATION_FEED_ATOM": None,
        "DISPLAY_PAGES_ON_MENU": True,
        # Our themes add a search page (Pagefind); Pelican's own themes have no template for it.
        # and a 404 page in the site's language and look, served for its missing pages (headers.redirects_file).
        "DIRECT_TEMPLATES": ["index", "tags", "categories", "authors", "archives"]
        + ([] if theme.from_pelican else ["search", "404"]),
        "SEARCH_SAVE_AS": "recherche.html",
        # Rendered by templating.SiteEnvironment (sandboxed); autoescape for every theme, Pelican's too:
        # site.yaml's values and metadata reach pages as text, bodies are sanitised Markup.
        "JINJA_ENVIRONMENT": {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True,
                              "extensions": [] if theme.from_pelican else ["jinja2.ext.i18n"],
                              # compiled templates shared by every site's worker and every build;
                              # the network's pages, compiled with other options, have their own;
                              # not "sites", which holds templates compiled outside the sandbox
                              "bytecode_cache": templating.bytecode_cache(network.root / ".citoyens" / "jinja"
                                                                          / "sandboxed")},
        "JINJA_FILTERS": templating.filters(site.language),
        "JINJA_GLOBALS": templating.site_globals(network, site),
    }
    settings.update(site.pelican)
    return settings


def _template_overrides(site: SiteConfig, theme: ThemeChain) -> list[str]:
    own = site.theme_override_dir / "templates"
    folders = ([own] if own.is_dir() else []) + theme.template_overrides
    return [str(folder) for folder in folders]


def _static_folders(site: SiteConfig, theme: ThemeChain) -> list[Path]:
    own = site.theme_override_dir / "static"
    usable = own.is_dir() and not static_files.theme_refusals(own)  # a refused file leaves it out whole
    return theme.static_folders + ([own] if usable else [])
