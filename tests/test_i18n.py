"""The French catalogue covers every message the code can show."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from babel.messages.extract import extract_from_dir

from citoyens_ssg import i18n
from citoyens_ssg.network.headers import redirect_page
from citoyens_ssg.site.templating import ThemeTranslations, install_translations

PROJECT = Path(__file__).resolve().parent.parent


def messages_in(folder: Path) -> set[str]:
    keywords = {"_": None, "N_": None}
    found = extract_from_dir(str(folder), method_map=[("**.py", "python")], keywords=keywords)
    return {message for _file, _line, message, _comments, _context in found if isinstance(message, str)}


def test_every_message_has_a_french_translation():
    french = i18n._catalogue("fr")
    used = messages_in(PROJECT / "citoyens_ssg") | messages_in(PROJECT / "plugins")
    assert used, "no message found: the extraction itself is broken"
    assert sorted(used - french.keys()) == []


def test_translations_keep_their_placeholders():
    import string

    for message, translation in i18n._catalogue("fr").items():
        fields = {f for _t, f, _s, _c in string.Formatter().parse(message) if f}
        assert {f for _t, f, _s, _c in string.Formatter().parse(translation) if f} == fields, message


def theme_messages(theme: str) -> set[str]:
    patterns = ("**.html", "**.txt")  # the letter's plain-text email is a template too
    found = extract_from_dir(
        str(PROJECT / "themes" / theme / "templates"),
        method_map=[(p, "jinja2") for p in patterns],
        options_map={p: {"extensions": "jinja2.ext.i18n"} for p in patterns},
    )
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in found
    }


def test_every_theme_string_has_an_english_translation():
    from babel.messages.pofile import read_po

    for theme in ("citoyen", "onde"):
        used = theme_messages(theme)
        assert used, theme
        catalogues = [
            PROJECT / "themes" / name / "locale/en/LC_MESSAGES/theme.po" for name in (theme, "citoyen")
        ]
        translated = set()
        for catalogue in catalogues:
            with catalogue.open("rb") as handle:
                translated |= {m.id for m in read_po(handle) if m.id and m.string}
        assert sorted(used - translated) == [], theme


def test_a_site_in_english_gets_the_theme_in_english(network):
    network.write("network.yaml", "name: Network\nurl: https://n.example.org\nlanguage: en\n")
    network.site("radio", "name: Radio\ntheme: onde\n")
    network.article("radio", "the-show", "The show", "2026-01-01", Category="Shows")
    network.site("epn", "name: EPN\nlanguage: fr\n")
    network.article("epn", "atelier", "Atelier", "2026-01-01")
    assert network.build().ok
    english = network.read("radio/the-show.html")
    assert "Skip to content" in english and "Published on" in english
    assert "Aller au contenu" not in english and "January 1, 2026" in english
    french = network.read("epn/atelier.html")
    assert "Aller au contenu" in french and "Publié le" in french and "1er janvier 2026" in french
    portal = network.read("index.html")
    assert "The associations of the network" in portal and "Skip to content" in portal


THEME_STRINGS = [
    '{{ _("Aller au contenu") }} {{ _("Aller au contenu") }}',
    '{{ _("il y a %(days)s jour(s)", days=n) }} / {{ _("il y a %(days)s jour(s)", days="<b>") }}',
    '{{ _("100 %% bénévole") }} {{ _(titre) }} {{ gettext("Aller au contenu") }}',
    "{% trans %}Aller au contenu{% endtrans %} {% trans count=n %}{{ count }} article{% pluralize %}{{ "
    "count }} articles{% endtrans %}",
]


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("source", THEME_STRINGS)
def test_theme_strings_read_as_with_jinjas_own_i18n(source, autoescape):
    """The remembered ``_()`` gives what Jinja's newstyle gettext gives: translations, escaped
    arguments, ``%%``."""
    english = ThemeTranslations(
        {
            "Aller au contenu": "Skip to content",
            "il y a %(days)s jour(s)": "%(days)s day(s) ago",
            "100 %% bénévole": "100 %% volunteer",
            "<i>Titre</i>": "<i>Title</i>",
        }
    )
    ours, jinjas = (
        jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape) for _ in range(2)
    )
    install_translations(ours, english)
    jinjas.install_gettext_translations(english, newstyle=True)
    for n in (1, 3):
        context = {"n": n, "titre": "<i>Titre</i>"}
        expected = jinjas.from_string(source).render(context)
        assert ours.from_string(source).render(context) == expected
        assert ours.from_string(source).render(context) == expected  # and again, from what it remembered


def test_a_redirect_page_follows_the_public_pages_fallback_rule():
    """A public page: a Breton network's redirect page says French (the catalogue's last resort,
    as its other pages), not English; an English one, English."""
    breton = redirect_page("/nevez/", "br", "https://reseau.example.org/nevez/")
    assert '<html lang="br">' in breton and "déménagé" in breton
    assert "has moved" in redirect_page("/new/", "en", "https://reseau.example.org/new/")
