"""What templates need beyond Pelican: French dates and the network's identity.

The same filters and globals serve the sites (through Pelican's JINJA_FILTERS
and JINJA_GLOBALS) and the network pages (portal, planet), so a theme's
templates use one vocabulary everywhere.  A site's pages render in Jinja's
sandbox (``SiteEnvironment``): an association may override templates, and its
folder is data, never code.
"""

from __future__ import annotations

import functools
import gettext
import re
from datetime import date, datetime
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, ModuleType
from typing import TYPE_CHECKING, Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PrefixLoader,
    TemplateError,
    pass_context,
    select_autoescape,
)
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Cycler, Joiner, Namespace
from markupsafe import Markup
from pelican import generators as pelican_generators
from pelican.contents import Content

from citoyens_ssg.config.load import PLANET_FEED_ATOM, PLANET_FEED_RSS
from citoyens_ssg.config.themes import ThemeChain
from citoyens_ssg.content import dates
from citoyens_ssg.content.events import schema_org
from citoyens_ssg.french import de
from citoyens_ssg.i18n import fallback_languages, file_stamp, translations
from citoyens_ssg.site import feedstyle

if TYPE_CHECKING:
    from citoyens_ssg.config.load import NetworkConfig, SiteConfig


THEME_SOURCE_LANGUAGE = "fr"  # the templates are written in French


def _babel_locale(language: str) -> str:
    return language.replace("-", "_")


_BABEL_FORMATS = {
    "long_date": (format_date, "long"),
    "short_date": (format_date, "short"),
    "date_time": (format_datetime, "medium"),
    "hour": (format_time, "short"),
    "weekday_date": (format_date, "full"),
}


_MONTH_NAMED = {"long_date", "weekday_date"}  # « 1er décembre 2026 »; « 01/12/2026 » keeps its figures


def _language_code(locale: str) -> str:
    return locale.split("_")[0]


def _first_of_month(width: str, value: date, locale: str) -> str:
    """Babel's pattern of that width with the day as the language writes it (« 1er » in French):
    Babel itself writes « 1 décembre »."""
    number = dates.day_number(value, _language_code(locale))
    if number == str(value.day):
        return width
    pattern = Locale.parse(locale).date_formats[width].pattern
    return re.sub(r"(?<![A-Za-z'])d(?![A-Za-z])", f"'{number}'", pattern)


def filters(
    language: str, timezone: str = "Europe/Paris", network_language: str | None = None
) -> dict[str, Any]:
    """Jinja filters bound to a language (and the time zone stored moments are shown in):
    ``{{ article.date|long_date }}``, ``{{ event|event_when(when) }}``; the words around dates
    fall back to the network's language, then French (i18n.fallback_languages)."""
    locale = _babel_locale(language)
    words = (language, network_language) if network_language else language
    known: dict[tuple[str, object], str] = {}  # the same dates come back on every listing page

    def formatted(kind: str, value: date | datetime | None) -> str:
        if not value:
            return ""
        if (kind, value) not in known:
            format_, width = _BABEL_FORMATS[kind]
            if kind in _MONTH_NAMED:
                width = _first_of_month(width, value, locale)
            known[kind, value] = format_(value, format=width, locale=locale)
        return known[kind, value]

    def long_date(value: date | datetime | None) -> str:
        return formatted("long_date", value)

    def short_date(value: date | datetime | None) -> str:
        return formatted("short_date", value)

    def date_time(value: datetime | None) -> str:
        return formatted("date_time", value)

    def iso_date(value: date | datetime | None) -> str:
        return value.isoformat() if value else ""

    def hour(value: datetime | None) -> str:
        return formatted("hour", value)

    def weekday_date(value: date | datetime | None) -> str:
        return formatted("weekday_date", value)

    def recurrence(event) -> str:
        return dates.recurrence(event, words)

    def event_when(event, when: datetime | None = None) -> Markup:
        return dates.event_when(event, when, words)

    def opening_hours(text: str) -> str:
        return dates.opening_hours(text, words)

    def moment(value: str | datetime | None) -> str:
        return dates.moment(value, words, timezone)

    def capitalize_first(text: str) -> str:
        """« inclusion numérique » as a heading: « Inclusion numérique » (the rest kept: « AMAP »)."""
        text = str(text)
        return text[:1].upper() + text[1:]

    def day_parts(value: date | datetime) -> dict[str, str]:
        """A day as a date block shows it: « 1er », « déc. », « mar. », and the whole
        « mardi 1er décembre » a day's heading reads (French writes the first of a month « 1er »)."""
        day = value.date() if isinstance(value, datetime) else value
        number = dates.day_number(day, _language_code(locale))
        month, weekday, short_month, short_weekday = (
            format_date(day, pattern, locale=locale) for pattern in ("MMMM", "EEEE", "MMM", "EEE")
        )
        return {
            "day": number,
            "month": short_month,
            "weekday": short_weekday,
            "label": f"{weekday} {number} {month}",
            "iso": day.isoformat(),
        }

    def language_name(code: str) -> str:
        """A language named in itself ('brezhoneg', 'English'), as a reader looks for it."""
        try:
            return Locale.parse(code.replace("-", "_")).get_display_name() or code
        except (ValueError, UnknownLocaleError):
            return code

    return {
        "schema_article": schema_article,
        "long_date": long_date,
        "short_date": short_date,
        "date_time": date_time,
        "iso_date": iso_date,
        "hour": hour,
        "weekday_date": weekday_date,
        "recurrence": recurrence,
        "schema_org": schema_org,
        "language_name": language_name,
        "event_when": event_when,
        "opening_hours": opening_hours,
        "moment": moment,
        "day_parts": day_parts,
        "capitalize_first": capitalize_first,
    }


def of_name(name: object) -> str:
    """« de l’AMAP », « des Jardins »: the ``de`` filter where the theme's text is French."""
    return de(str(name))


def schema_article(article, site_url: str, site_name: str) -> dict:
    """The article as schema.org/Article (JSON-LD)."""
    url = f"{site_url}/{article.url}"
    title = str(article.title.unescape() if hasattr(article.title, "unescape") else article.title)
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.date.isoformat(),
        "author": [{"@type": "Person", "name": author.name} for author in getattr(article, "authors", ())],
        "publisher": {"@type": "Organization", "name": site_name, "url": f"{site_url}/"},
        "inLanguage": getattr(article, "lang", "") or "fr",
    }
    modified = getattr(article, "modified", None)
    if modified:
        data["dateModified"] = modified.isoformat()
    image = getattr(article, "citoyens_image", None)
    if image:
        data["image"] = {
            "@type": "ImageObject",
            "url": image["url"],
            "width": image["width"],
            "height": image["height"],
        }
    return data


LISTED_ARTICLE = "article_summary.html"
_LISTED: dict[tuple[int, int], tuple[object, object, Markup]] = {}


@pass_context
def listed_article(context: Context, article: object) -> Markup:
    """An article's entry in a listing (the theme's ``article_summary.html``), rendered
    once per build however many listings show it.

    The home page, its category, each of its tags and its author all list the same
    entry: Pelican would render it on every one of those pages.  The entry may use
    the article and what is the same on every page of a site (SITEURL, the
    language's strings, filters), not what a single listing is given.
    """
    environment = context.environment
    known = _LISTED.get((id(environment), id(article)))
    if known is None or known[0] is not environment or known[1] is not article:
        html = Markup(environment.get_template(LISTED_ARTICLE).render(context.get_all(), article=article))
        known = _LISTED[id(environment), id(article)] = (environment, article, html)
    return known[2]


def network_globals(network: NetworkConfig) -> dict[str, Any]:
    return {
        "NETWORK_NAME": network.name,
        "NETWORK_URL": network.url,
        "NETWORK_DESCRIPTION": network.description,
        "NETWORK_LICENCE": network.licence,
        "PLANET_URL": f"{network.url}/planet/",
        "PLANET_RSS_URL": f"{network.url}/{PLANET_FEED_RSS}",
        "PLANET_ATOM_URL": f"{network.url}/{PLANET_FEED_ATOM}",
        "FOLLOW_URL": f"{network.url}/{feedstyle.FOLLOW}",
        "FEED_STYLESHEET": feedstyle.stylesheet_href(network.url),
    }


def site_globals(network: NetworkConfig, site: SiteConfig) -> dict[str, Any]:
    return {
        **network_globals(network),
        "listed_article": listed_article,
        "SITE_SLUG": site.slug,
        "ACCENT_COLOR": site.accent_color,
        "SITE_LOGO": site.logo,
        "SITE_LICENCE": site.licence,
        "SITE_CONTACT": site.contact,
        "SITE_ADDRESS": ", ".join(p for p in (site.address, f"{site.postal_code} {site.city}".strip()) if p),
    }


PAGE_BACKGROUND = "#fdfdfc"
MINIMUM_CONTRAST = 4.5  # WCAG 2.1 AA for text: the accent colours links and buttons


def _luminance(color: str) -> float:
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(six_digits(first)), _luminance(six_digits(second))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def six_digits(color: str) -> str:
    return "#" + "".join(c * 2 for c in color[1:]) if len(color) == 4 else color


def readable_accent(color: str, background: str = PAGE_BACKGROUND) -> str:
    """The association's colour, darkened just enough to be read as text on the page."""
    color = six_digits(color.lower())
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    step = 0
    candidate = color
    while contrast(candidate, background) < MINIMUM_CONTRAST and step < 100:
        step += 5
        factor = 1 - step / 100
        candidate = "#{:02x}{:02x}{:02x}".format(
            round(red * factor), round(green * factor), round(blue * factor)
        )
    return candidate


def accent_css(accent: str, cards: dict[str, str] | None = None) -> str:
    """The colours chosen in the YAML files, as a stylesheet: no inline style,
    so the Content-Security-Policy needs no 'unsafe-inline'.  A colour too
    light to read is darkened until it reaches a 4.5:1 contrast."""
    lines = [f":root {{ --accent: {readable_accent(accent)}; }}"]
    lines += [
        f".site-card--{slug} {{ --card-accent: {readable_accent(color)}; }}"
        for slug, color in sorted((cards or {}).items())
    ]
    return "\n".join(lines) + "\n"


class ThemeTranslations(gettext.NullTranslations):
    """A theme's strings in one language, read from the ``.po`` files of its chain.

    Templates are written in French, the network's language: French needs no
    catalogue; ``locale/<lang>/LC_MESSAGES/theme.po`` in a theme (and in the
    themes it extends) translates them for a site in another language.
    """

    def __init__(self, messages: dict[str, str], language: str = "fr"):
        super().__init__()
        self.messages = messages
        self.language = language  # what the interface text is written in: French without a catalogue

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.gettext(singular if count == 1 else plural)


def install_translations(env: Environment, translations: ThemeTranslations) -> None:
    """Jinja's i18n with ``newstyle`` semantics (``_("… %(n)s", n=…)``, escaped
    arguments), each message without arguments translated and formatted once.

    Jinja's own ``_()`` resolves ``gettext`` in the context and goes through two
    context calls and a ``%`` on every use: ~10 µs, some thirty times a page.
    """
    env.install_gettext_translations(translations, newstyle=True)
    env.globals["_"] = env.globals["gettext"] = _remembered_gettext(translations.gettext)
    # A page in another language marks the theme's text with this one (WCAG 3.1.2).
    env.globals["INTERFACE_LANG"] = translations.language
    # « de l’AMAP » in French; in a translation the text before the name carries its word (« Events of »).
    env.filters["de"] = of_name if translations.language == "fr" else str


def _remembered_gettext(translate) -> Any:
    known: dict[tuple[str, bool], str] = {}

    @pass_context
    def gettext(context: Context, message: str, **variables: Any) -> str:
        autoescape = context.eval_ctx.autoescape
        if variables or type(message) is not str:
            return _formatted(translate(message), autoescape, variables)
        if (message, autoescape) not in known:
            known[message, autoescape] = _formatted(translate(message), autoescape, {})
        return known[message, autoescape]

    return gettext


def _formatted(translated: str, autoescape: bool, variables: dict) -> str:
    # As Jinja's newstyle gettext: always a format string, so "%%" is "%" with or without arguments.
    return (Markup(translated) if autoescape else translated) % variables


def theme_translations(theme: ThemeChain, *languages: str | None) -> ThemeTranslations:
    """The theme chain's messages for a page in ``languages`` (the page's, the site's, the
    network's; then French, the templates' own): i18n's one loader and fallback rule. Its language
    is the first of the chain the theme speaks: what the page's interface text is marked with."""
    chain = fallback_languages(*languages)
    catalogues = functools.partial(_theme_catalogues, theme)
    spoken = next(
        code
        for code in (*chain, THEME_SOURCE_LANGUAGE)
        if code == THEME_SOURCE_LANGUAGE or any(path.is_file() for path in catalogues(code))
    )
    return ThemeTranslations(translations(chain, THEME_SOURCE_LANGUAGE, catalogues), spoken)


def _theme_catalogues(theme: ThemeChain, code: str) -> list[Path]:
    # The root first: a child theme's translation wins.
    return [folder / "locale" / code / "LC_MESSAGES" / "theme.po" for folder in reversed(theme.folders)]


# The bodies of Pelican's content objects: HTML the guard plugin has sanitised.
SANITISED_BODIES = frozenset({"content", "summary"})
# Where what a site's template may call is defined: Jinja's helpers and macros, the
# vocabulary of citoyens' templates, Pelican's content objects and listings, and the
# methods of plain values (text, numbers, dates, lists).  The rest of what the context
# reaches (the reader classes of READERS, the bytecode cache of JINJA_ENVIRONMENT...)
# is refused: a reader made by a template reads any file it is given.
CALLABLE_MODULES = frozenset(
    {
        "jinja2.runtime",
        "jinja2.utils",
        "jinja2.sandbox",
        "jinja2.ext",
        "markupsafe",
        "citoyens_ssg.site.templating",
        "citoyens_ssg.content.events",
        "pelican.contents",
        "pelican.urlwrappers",
        "pelican.paginator",
        "pelican.utils",
        "builtins",
        "datetime",
    }
)
# Classes a template may call: Jinja's dict(), cycler(), joiner() and namespace().
CALLABLE_CLASSES = frozenset({dict, Cycler, Joiner, Namespace})


class SiteEnvironment(ImmutableSandboxedEnvironment):
    """The Jinja environment of every site's pages.

    Sandboxed because a site's folder may hold template overrides
    (``sites/<slug>/theme/templates``) and an association's folder is data: a
    template must not reach Python's internals (``__globals__``, ``os``), change
    the lists and dicts it is shown (Pelican's settings among them), nor call
    anything but what templates are made of (``CALLABLE_MODULES``).  Autoescape
    is on for every theme (see site.settings, JINJA_ENVIRONMENT), so each value a template prints
    is escaped unless it is Markup: the bodies of articles and pages, already
    sanitised, are marked so here, where templates read them, and stay plain text
    for Python code (Pelican truncates summaries with string operations, which
    Markup would escape).
    """

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        # Jinja's sandbox prints an unsafe attribute as an empty value; a template that
        # tries one is refused instead, so the site's build names the template and its line.
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe")

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if isinstance(obj, type):
            return obj in CALLABLE_CLASSES
        return _defined_in(obj) in CALLABLE_MODULES

    def getattr(self, obj: Any, attribute: str) -> Any:
        value = super().getattr(obj, attribute)
        if attribute in SANITISED_BODIES and type(value) is str and isinstance(obj, Content):
            return Markup(value)
        return value


def _defined_in(obj: Any) -> str | None:
    """The module that defines a callable: a function's own globals (wrappers copy
    ``__module__``: the sandbox's safe ``str.format`` says it is ``str``'s), the class
    of a method's object, or the class of a callable object (a macro).  None for a
    free built-in function (``open``, ``eval``): no template calls one."""
    if isinstance(obj, FunctionType):
        return obj.__globals__.get("__name__")
    owner = getattr(obj, "__self__", None)
    if isinstance(owner, type):  # a class method: where its class is defined
        return owner.__module__
    if owner is not None and not isinstance(owner, ModuleType):
        return type(owner).__module__
    if isinstance(obj, BuiltinFunctionType):
        return None
    return type(obj).__module__


def sandbox_pelican() -> None:
    """Make every generator's environment a SiteEnvironment, in this process.

    Pelican builds its environments in ``Generator.__init__`` by calling the name
    ``Environment`` of its generators module with JINJA_ENVIRONMENT's options,
    which cannot choose the class; its ``generator_init`` signal comes after the
    environment is made and used (filters, plugins' translations).  Pointing that
    name at the sandbox is the one place where every generator, Pelican's and
    plugins', gets it.  Site builds run in their own worker processes.
    """
    pelican_generators.Environment = SiteEnvironment


def bytecode_cache(folder: Path) -> FileSystemBytecodeCache:
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


def compile_templates(
    folders: list[str], options: dict[str, Any], filter_names: list[str], test_names: list[str]
) -> int:
    """Compile every template of ``folders`` into the bytecode cache of ``options``; how many.

    Done once in the parent before the site workers start, with the sites'
    environment class and options (the cache does not tell them apart; the
    sandbox compiles calls differently, and outside it the compiler would look up
    a template's attributes of constants unchecked, here): each worker then loads
    compiled templates instead of compiling them again.  Only the names of
    filters and tests matter to the compiler.
    """
    env = SiteEnvironment(loader=FileSystemLoader(folders), **options)
    env.filters.update(dict.fromkeys(filter_names, _names_only))
    env.tests.update(dict.fromkeys(test_names, _names_only))
    compiled = 0
    for name in env.list_templates():
        try:
            env.get_template(name)
            compiled += 1
        except TemplateError:
            continue  # the site's worker reports it, with its file and line
    return compiled


def _names_only(*_args: Any) -> None:
    raise AssertionError("a template compiled ahead of time is never rendered with this environment")


def network_environment(theme: ThemeChain, cache_dir: Path | None = None) -> Environment:
    """A Jinja environment over a theme chain, laid out like Pelican's.

    Kept while the templates it reads are the same files (by time and size: the dev
    server rebuilds often) and its compiled templates kept on disk: compiling the
    templates was most of the network stage's time.  Its globals start afresh at
    each call: the caller sets what the network says now, nothing of a previous
    configuration stays (a letter removed from network.yaml leaves no link).
    """
    env = _network_environment(theme, cache_dir, _templates_stamp(theme))
    env.globals.clear()
    env.globals.update(DEFAULT_NAMESPACE)
    return env


def _templates_stamp(theme: ThemeChain) -> tuple[tuple[str, tuple[int, int] | None], ...]:
    files = (path for folder in theme.folders for path in (folder / "templates").rglob("*") if path.is_file())
    return tuple(sorted((str(path), file_stamp(path)) for path in files))


@functools.lru_cache(maxsize=8)
def _network_environment(theme: ThemeChain, cache_dir: Path | None, _templates: tuple) -> Environment:
    folders = [str(p / "templates") for p in theme.folders]
    return Environment(
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=bytecode_cache(cache_dir) if cache_dir is not None else None,
        loader=ChoiceLoader(
            [
                FileSystemLoader(folders),
                PrefixLoader({"!theme": FileSystemLoader(str(Path(theme.root) / "templates"))}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
