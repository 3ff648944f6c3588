"""The one module that knows Pelican's setting names.

A site's settings are layered: citoyens' defaults for every site, then what the
network and the site's ``site.yaml`` say, then the ``pelican:`` passthrough.
Settings that decide where files are read and written stay citoyens' alone.
In ``site.yaml`` the passthrough is an allowlist of plain, checked values
(``SITE_PASSTHROUGH``); ``network.yaml``, the administrators', may pass any
setting but those citoyens manages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pelican.settings import DEFAULT_CONFIG

from citoyens_ssg.config.load import SITE_FEED_ATOM, SITE_FEED_RSS
from citoyens_ssg.config.themes import ThemeChain, assets_dir
from citoyens_ssg.content import static_files
from citoyens_ssg.site import reading, templating
from citoyens_ssg.site.context import SETTING, SiteContext
from citoyens_ssg.workpaths import WorkPaths

if TYPE_CHECKING:
    from citoyens_ssg.config.load import NetworkConfig, SiteConfig
    from citoyens_ssg.site.incremental import RenderPaths

# citoyens_guard checks and sanitises what is read, citoyens_i18n translates
# the theme's strings into the site's language, citoyens_images publishes
# clean responsive images, citoyens_media adds players and the podcast feed,
# citoyens_feeds names the feeds' style sheet, citoyens_agenda makes the events' pages,
# citoyens_manifest hands the published entries to the network stage,
# citoyens_incremental renders only the pages whose inputs changed.
PROJECT_PLUGINS = [
    "citoyens_guard",
    "citoyens_i18n",
    "citoyens_images",
    "citoyens_media",
    "citoyens_feeds",
    "citoyens_agenda",
    "citoyens_manifest",
    "citoyens_incremental",
]
AGENDA_FOLDER = "agenda"
DEFAULT_CATEGORY = "Divers"  # an article naming no category: Pelican's "misc" is not French


def site_settings(
    network: NetworkConfig,
    site: SiteConfig,
    theme: ThemeChain,
    output_dir: Path,
    manifest_path: Path,
    renders: RenderPaths | None = None,
    work: WorkPaths | None = None,
) -> dict[str, Any]:
    """The settings Pelican gets for ``site``, passthrough applied last; ``work``: where its caches are."""
    work = work or WorkPaths.of(network.root)
    site_url = network.site_url(site.slug)
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
        "DEFAULT_CATEGORY": DEFAULT_CATEGORY,
        "THEME": str(theme.root),
        "THEME_TEMPLATES_OVERRIDES": _template_overrides(site, theme),
        "THEME_STATIC_PATHS": [str(p) for p in _static_folders(site, theme)],
        # theme/<digest of these files>/: a new address whenever one changes (cached a year)
        "THEME_STATIC_DIR": assets_dir(
            _static_folders(site, theme), templating.accent_css(site.accent_color)
        ),
        "PLUGIN_PATHS": [str(network.plugins_dir)],
        "PLUGINS": list(PROJECT_PLUGINS),
        SETTING: SiteContext(
            slug=site.slug,
            network_id=network.identifier,
            network_language=network.language,
            theme=theme,
            trusted=site.slug in network.trusted_sites,
            preview=network.preview,
            manifest_path=manifest_path,
            memo_path=work.memo(site.slug),
            image_cache=work.images,
            image_widths=network.image_widths,
            agenda_folder=AGENDA_FOLDER,
            # The podcast's owner: its own e-mail, else the association's contact.
            podcast={"email": site.contact.email, **site.podcast},
            abbreviations=site.abbreviations,
            renders=renders.as_setting() if renders else None,
        ),
        "DELETE_OUTPUT_DIRECTORY": False,
        "READERS": reading.readers_setting(site.markdown),
        "IGNORE_FILES": [*DEFAULT_CONFIG["IGNORE_FILES"], *reading.ignored_files()],
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "WITH_FUTURE_DATES": True,  # citoyens_guard holds future posts back, by citoyens' clock
        "STATIC_PATHS": list(static_files.FOLDERS),
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
        "FEED_ALL_ATOM": SITE_FEED_ATOM,
        "FEED_ALL_RSS": SITE_FEED_RSS,
        "CATEGORY_FEED_ATOM": "feeds/{slug}.atom.xml",
        "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None,
        "TRANSLATION_FEED_ATOM": None,
        "DISPLAY_PAGES_ON_MENU": True,
        # Our themes add a search page (Pagefind); Pelican's own themes have no template for it.
        # and a 404 page in the site's language and look, served for its missing pages
        # (headers.redirects_file).
        "DIRECT_TEMPLATES": ["index", "tags", "categories", "authors", "archives"]
        + ([] if theme.from_pelican else ["search", "404"]),
        "SEARCH_SAVE_AS": "recherche.html",
        # Rendered by templating.SiteEnvironment (sandboxed); autoescape for every theme, Pelican's too:
        # site.yaml's values and metadata reach pages as text, bodies are sanitised Markup.
        "JINJA_ENVIRONMENT": {
            "trim_blocks": True,
            "lstrip_blocks": True,
            "autoescape": True,
            "extensions": [] if theme.from_pelican else ["jinja2.ext.i18n"],
            # compiled templates shared by every site's worker and every build;
            # the network's pages, compiled with other options, have their own;
            # not "sites", which holds templates compiled outside the sandbox
            "bytecode_cache": templating.bytecode_cache(work.jinja("sandboxed")),
        },
        "JINJA_FILTERS": templating.filters(site.language, site.timezone, network.language),
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
