"""What the pelican: sections may pass to Pelican.

network.yaml (administrators) may pass any Pelican setting that citoyens does not decide
itself; a site.yaml only the plain, checked values of ``SITE_PASSTHROUGH``.  Kept here,
beside the schema, so that loading the configuration needs nothing of the site stage.
"""

from __future__ import annotations

import difflib
from pathlib import PurePosixPath
from typing import Any

from pelican.settings import DEFAULT_CONFIG

from citoyens_ssg.config import schema
from citoyens_ssg.i18n import N_, _

# Paths, themes and plugins are decided by citoyens: a site that could set them
# could read or write outside its own folder.
MANAGED = frozenset(
    {
        "PATH",
        "OUTPUT_PATH",
        "SITEURL",
        "SITENAME",
        "THEME",
        "THEME_TEMPLATES_OVERRIDES",
        "THEME_STATIC_PATHS",
        "THEME_STATIC_DIR",
        "PLUGIN_PATHS",
        "PLUGINS",
        "CACHE_PATH",
        "DELETE_OUTPUT_DIRECTORY",
        "OUTPUT_RETENTION",
        "FEED_DOMAIN",
        "JINJA_ENVIRONMENT",
        "JINJA_FILTERS",
        "JINJA_GLOBALS",
        "JINJA_TESTS",
        "READERS",
        "LOAD_CONTENT_CACHE",
        "CACHE_CONTENT",
        "WRITE_SELECTED",
        "EXTRA_PATH_METADATA",
        "STATIC_CHECK_IF_MODIFIED",
        "OUTPUT_SOURCES",
        "PAGE_PATHS",
        "ARTICLE_PATHS",
        "STATIC_PATHS",
        "IGNORE_FILES",
        "TIMEZONE",
        "DEFAULT_LANG",
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
    "SUMMARY_MAX_LENGTH": (
        schema.Integer(minimum=0, maximum=1000, nullable=True),
        N_("words of an article shown in listings, null for all"),
    ),
    "SUMMARY_MAX_PARAGRAPHS": (
        schema.Integer(minimum=1, maximum=50, nullable=True),
        N_("paragraphs of an article shown in listings, null for all"),
    ),
    "FEED_MAX_ITEMS": (schema.Integer(minimum=1, maximum=100), N_("articles in each feed")),
    "ARTICLE_ORDER_BY": (schema.Choice(choices=_ORDERS), N_("order of articles in listings")),
    "PAGE_ORDER_BY": (
        schema.Choice(choices=("basename", "title", "reversed-basename", "reversed-title")),
        N_("order of pages in the menu"),
    ),
    "NEWEST_FIRST_ARCHIVES": (schema.Boolean(), N_("newest articles first in the archives")),
    "REVERSE_CATEGORY_ORDER": (schema.Boolean(), N_("categories listed from Z to A")),
    "DISPLAY_PAGES_ON_MENU": (schema.Boolean(), N_("pages shown in the menu")),
    "DISPLAY_CATEGORIES_ON_MENU": (schema.Boolean(), N_("categories shown in the menu")),
    "DEFAULT_CATEGORY": (
        schema.Text(pattern=r"\S", pattern_help=N_("a category name")),
        N_("category of articles that name none"),
    ),
    "USE_FOLDER_AS_CATEGORY": (schema.Boolean(), N_("an article's folder is its category")),
    "SLUGIFY_SOURCE": (
        schema.Choice(choices=("title", "basename")),
        N_("addresses made from the title or from the file name"),
    ),
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
            return _(
                "unknown Pelican setting '{key}' — did you mean '{suggestion}'?", key=key, suggestion=close[0]
            )
        return _("unknown Pelican setting '{key}' (Pelican's settings are written in capitals)", key=key)
    if key.endswith(_PATH_SUFFIXES) or key.startswith("FEED_"):
        if isinstance(value, str) and _escapes(value):
            return _("'{value}' would leave the site's folder; use a relative path without '..'", value=value)
    return None


def _escapes(path: str) -> bool:
    pure = PurePosixPath(path.replace("\\", "/"))
    return pure.is_absolute() or ".." in pure.parts
