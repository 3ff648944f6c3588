"""The letters as readers get them: web pages, feeds, the email's two parts, the poster.

Web pages and feeds are written by the network stage; the email is made by
``lettre envoyer`` from the same composed letter, so the web version its link
points to says the same thing.  The email's CSS is inlined (css-inline) and its
``<style>`` removed: several mail clients strip it.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import css_inline
from babel.dates import format_date
from feedgen.feed import FeedGenerator
from jinja2 import Environment, Template

from citoyens_ssg.config.load import NetworkConfig
from citoyens_ssg.network.letter.compose import EVENT_DAYS, FOLDER, Letter

logger = logging.getLogger(__name__)
_INLINER = css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)


def letter_globals(network: NetworkConfig) -> dict[str, str]:
    """What the network pages need to link to the letters (the portal's subscription link)."""
    if network.letter is None:
        return {"LETTER_SUBSCRIBE": "", "LETTER_INDEX_URL": ""}
    base = f"{network.url}/{FOLDER}"
    return {
        "LETTER_TITLE": network.letter.title,
        "LETTER_SUBSCRIBE": network.letter.subscribe,
        "LETTER_INDEX_URL": f"{base}/",
        "LETTER_ATOM_URL": f"{base}/atom.xml",
        "LETTER_RSS_URL": f"{base}/rss.xml",
    }


def _last_day(letter: Letter) -> date:
    return (letter.published - timedelta(days=1)).date()


def web_pages(network: NetworkConfig, letters: list[Letter], env: Environment) -> dict[str, str | bytes]:
    """``lettre/AAAA-sSS.html`` for each letter, the index, the feeds and the newest letter's poster."""
    pages: dict[str, str | bytes] = {}
    newest = letters[-1] if letters else None
    poster = poster_pdf(network, newest, env) if newest else None
    if poster is not None:
        pages[f"{FOLDER}/{newest.week.label}.pdf"] = poster
    page = env.get_template("lettre.html")
    for index, letter in enumerate(letters):
        relative = f"{FOLDER}/{letter.week.label}.html"
        pages[relative] = page.render(
            letter=letter,
            last_day=_last_day(letter),
            previous=letters[index - 1] if index else None,
            following=letters[index + 1] if index + 1 < len(letters) else None,
            page_name="letter",
            output_file=relative,
            pdf_url=f"{network.url}/{FOLDER}/{letter.week.label}.pdf"
            if poster is not None and letter is newest
            else "",
        )
    pages[f"{FOLDER}/index.html"] = env.get_template("lettre_index.html").render(
        letters=letters[::-1], page_name="letter", output_file=f"{FOLDER}/index.html"
    )
    pages.update(letter_feeds(network, letters, env))
    return pages


def letter_feeds(network: NetworkConfig, letters: list[Letter], env: Environment) -> dict[str, bytes]:
    """Atom and RSS of the letters, newest first, dated by their publication (reproducible)."""
    template = env.get_template("lettre_contenu.html")
    contents = {letter.week: template.render(letter=letter) for letter in letters}  # once for both feeds
    words = _week_words(network, env)  # compiled once: it was most of the feeds' time
    titles = {letter.week: subject(network, letter, env, words) for letter in letters}
    feeds = {}
    for kind in ("atom", "rss"):
        feed = FeedGenerator()
        self_url = f"{network.url}/{FOLDER}/{kind}.xml"
        feed.id(f"{network.url}/{FOLDER}/")
        feed.link(href=self_url, rel="self")  # feedgen takes the RSS <link> from the last link: self first
        feed.title(network.letter.title)
        feed.subtitle(network.description or network.letter.title)
        feed.link(href=f"{network.url}/{FOLDER}/", rel="alternate")
        feed.language(network.language)
        feed.generator("citoyens", uri="https://pypi.org/project/citoyens/")
        feed.author({"name": network.name})
        if letters:
            feed.updated(letters[-1].published)
            feed.lastBuildDate(letters[-1].published)
        for letter in reversed(letters):
            entry = feed.add_entry(order="append")
            entry.id(letter.url)
            entry.guid(letter.url, permalink=True)  # the address of the letter's page
            entry.title(titles[letter.week])
            entry.link(href=letter.url, rel="alternate")
            entry.published(letter.published)
            entry.updated(letter.published)
            entry.content(contents[letter.week], type="html")
        feeds[f"{FOLDER}/{kind}.xml"] = (
            feed.atom_str(pretty=True) if kind == "atom" else feed.rss_str(pretty=True)
        )
    return feeds


# "semaine 49, du 27 novembre au 3 décembre 2026", in the theme's words (translated like its templates)
_WEEK_WORDS = (
    '{{ _("semaine") }} {{ letter.week.number }}, {{ _("du") }} {{ letter.since | format_day_month }} '
    '{{ _("au") }} {{ last_day | long_date }}'
)


def _week_words(network: NetworkConfig, env: Environment) -> Template:
    return _email_env(env, network.language).overlay(autoescape=False).from_string(_WEEK_WORDS)


def subject(network: NetworkConfig, letter: Letter, env: Environment, words: Template | None = None) -> str:
    """The letter's title and week; ``words``, ``_week_words`` compiled once for many letters."""
    words = words or _week_words(network, env)
    return f"{letter.title} — {words.render(letter=letter, last_day=_last_day(letter))}"


def _email_env(env: Environment, language: str) -> Environment:
    email_env = env.overlay()
    locale = language.replace("-", "_")
    email_env.filters["format_day"] = lambda day: format_date(day, format="EEE d MMM", locale=locale)
    email_env.filters["format_day_month"] = lambda day: format_date(day, format="d MMMM", locale=locale)
    return email_env


def email_html(network: NetworkConfig, letter: Letter, env: Environment) -> str:
    """The HTML part: the theme's ``lettre_courriel.html`` with its stylesheet inlined and removed."""
    html = (
        _email_env(env, network.language)
        .get_template("lettre_courriel.html")
        .render(letter=letter, last_day=_last_day(letter), subject=subject(network, letter, env))
    )
    return _INLINER.inline(html)


def email_text(network: NetworkConfig, letter: Letter, env: Environment) -> str:
    """The plain-text part, written for reading (``lettre_courriel.txt``), not the HTML stripped."""
    text_env = _email_env(env, network.language).overlay(autoescape=False)
    text = text_env.get_template("lettre_courriel.txt").render(letter=letter, last_day=_last_day(letter))
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip("\n") + "\n"


def poster_pdf(network: NetworkConfig, letter: Letter, env: Environment) -> bytes | None:
    """The coming events on A4 in large type, or None (said once) when WeasyPrint cannot run here."""
    try:
        import weasyprint  # its system libraries (Pango) may be missing: only the poster is lost
    except (ImportError, OSError) as error:
        logger.warning("lettre: no PDF poster, WeasyPrint cannot run here (%s)", error)
        return None
    html = env.get_template("lettre_affiche.html").render(
        letter=letter, events_until=(letter.published + timedelta(days=EVENT_DAYS - 1)).date()
    )
    if _last_poster[0] != html:  # the dev server rebuilds the network pages at each save
        _last_poster[:] = [html, weasyprint.HTML(string=html, base_url=None).write_pdf()]
    return _last_poster[1]


# The last poster made in this process, as [its HTML, its PDF]: WeasyPrint gives the same bytes for
# the same HTML, and was a tenth of a second of each rebuild under ``serve``.
_last_poster: list = [None, None]
