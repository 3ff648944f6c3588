"""One translation mechanism (#17 item 5): the package's messages, the theme's, the players' words
and the recurrences all follow one rule: the page's language, then the site's and the network's,
then French.  Read on the built pages of an English site and of Breton articles."""

from __future__ import annotations

import pytest

# What each of the four sources says on a page, in each language a page can end up in.
WORDS = {
    "en": ["Skip to content", "Published on", "Download the recording", "every week on Tuesday"],
    "fr": ["Aller au contenu", "Publié le", "Télécharger l’enregistrement", "chaque semaine le mardi"],
}


def recorded(network, slug: str, name: str, lang: str = "") -> None:
    """An article with a recording, in ``lang`` when given, and a weekly event beside it."""
    (network.root / f"sites/{slug}/content/audio").mkdir(parents=True, exist_ok=True)
    (network.root / f"sites/{slug}/content/audio/{name}.mp3").write_bytes(b"ID3" + bytes(2_000))
    extra = {"lang": lang} if lang else {}
    network.article(slug, name, "Emission", "2026-03-01 10:00", audio=f"{{static}}/audio/{name}.mp3", **extra)
    network.write(
        f"sites/{slug}/content/agenda/{name}.md",
        "Title: Permanence\nStart: 2026-12-01 14:00\nEnd: 2026-12-01 18:00\n"
        "Recurrence: chaque semaine\n"
        f"Days: mardi\nCount: 4\n{f'Lang: {lang}' + chr(10) if lang else ''}\nTexte.\n",
    )


def page_of(network, slug: str, name: str) -> str:
    found = sorted((network.output / slug).glob(f"{name}*.html"))
    assert len(found) == 1, found
    return found[0].read_text(encoding="utf-8")


def event_of(network, slug: str, name: str) -> str:
    found = sorted((network.output / slug / "agenda").glob(f"{name}*.html"))
    assert len(found) == 1, found
    return found[0].read_text(encoding="utf-8")


def says_only(text: str, language: str) -> None:
    other = "fr" if language == "en" else "en"
    missing = [words for words in WORDS[language] if words not in text]
    wrong = [words for words in WORDS[other] if words in text]
    assert not missing and not wrong, (missing, wrong)


@pytest.mark.parametrize("network_language", ["fr", "en"])
def test_every_source_of_words_falls_back_the_same_way(network, network_language):
    network.write(
        "network.yaml", f"name: Réseau\nurl: https://reseau.example.org\nlanguage: {network_language}\n"
    )
    network.site("radio", "name: Radio\n")  # in the network's language
    recorded(network, "radio", "breton", lang="br")
    network.site("english", "name: English site\nlanguage: en\n")
    recorded(network, "english", "show")
    recorded(network, "english", "breton-en", lang="br")
    assert network.build().ok
    # An English site: English everywhere, whatever the network's language.
    says_only(page_of(network, "english", "show") + event_of(network, "english", "show"), "en")
    # A Breton article (no Breton catalogue): its site's language, else the network's, else French.
    says_only(page_of(network, "english", "breton-en") + event_of(network, "english", "breton-en"), "en")
    breton = page_of(network, "radio", "breton")
    assert '<html lang="br">' in breton
    says_only(breton + event_of(network, "radio", "breton"), network_language)
