"""What the automated checker cannot see (issue 22), read in a real Chromium on the built example
network: the accessibility tree, keyboard events, computed styles, response headers."""

from __future__ import annotations

import re
import time
import urllib.request

import pytest
from conftest import EXAMPLE_PUBLIC

from citoyens_ssg.config.load import load_network
from citoyens_ssg.errors import ConfigError

PUBLIC = EXAMPLE_PUBLIC
KEYS = {"Enter": (13, "Enter", "\r"), " ": (32, "Space", " "), "Escape": (27, "Escape", "")}


def accessible(page, role: str) -> list[str]:
    """The names of the nodes of ``role`` in the page's accessibility tree (as a screen reader has it)."""
    nodes = page.call("Accessibility.getFullAXTree")["nodes"]
    return [
        node.get("name", {}).get("value", "")
        for node in nodes
        if not node.get("ignored") and node.get("role", {}).get("value") == role
    ]


def press(page, key: str) -> None:
    code, name, text = KEYS[key]
    page.call(
        "Input.dispatchKeyEvent", type="keyDown", key=key, code=name, windowsVirtualKeyCode=code, text=text
    )
    page.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=name, windowsVirtualKeyCode=code)


def focused(page) -> str:
    return page.evaluate(
        "document.activeElement.getAttribute('alt') || document.activeElement.textContent.trim()"
    )


def wait(page, condition: str, seconds: float = 15.0) -> None:
    """Poll ``condition`` from here, not in a promise inside the page: a click that opens another
    page destroys the page's context, and a promise waiting in it, while the browser navigates."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if page.evaluate(f"Boolean({condition})"):
                return
        except RuntimeError as error:  # navigating: the old page is gone, the new one not yet there
            if "navigated" not in str(error) and "context" not in str(error).lower():
                raise
        assert time.monotonic() < deadline, f"never: {condition}"
        time.sleep(0.05)


def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# 1. Podcast episodes


def test_an_episode_is_named_timed_and_its_transcript_readable(example_served):
    address, browser, _output = example_served
    page = browser.new_page()
    episode = "/radio-ondes/la-voix-des-quartiers-jardin-partage-et-salle-numerique.html"
    page.goto(address + episode)
    title = "La voix des quartiers : jardin partagé et salle numérique"
    player = page.evaluate("document.querySelector('audio').getAttribute('aria-label')")
    assert player.replace("\u00a0", " ").replace("\u202f", " ") == f"Écouter : {title}"
    caption = page.evaluate("document.querySelector('.media figcaption').textContent")
    assert "(2\u00a0s)" in caption and "min" not in caption  # a 2-second file, once "(1 min)"
    page.evaluate("document.querySelector('.media figcaption a:not([download])').click()")
    assert page.path_after_redirect(episode).endswith("/transcription/")
    assert page.evaluate("document.documentElement.lang") == "fr"
    text = page.evaluate("document.querySelector('main').innerText")
    assert "Transcription" in text and "Ã" not in text
    # The .txt itself (linked elsewhere, downloaded) is UTF-8 for every host that reads _headers.
    text_file = "/radio-ondes/fichiers/voix-des-quartiers-2026-11-transcription.txt"
    with urllib.request.urlopen(address + text_file) as reply:
        assert reply.headers.get_all("Content-Type")[-1] == "text/plain; charset=utf-8"
    page.close()


# 2. Search


@pytest.mark.parametrize("path", ["/recherche/", "/espace-numerique/recherche.html"])
def test_search_has_a_label_says_its_results_and_follows_the_text_size(example_served, path):
    address, browser, _output = example_served
    page = browser.new_page()
    page.goto(address + path)
    wait(page, "document.querySelector('.pagefind-ui__search-input')")
    assert "Mots à chercher" in accessible(page, "textbox")
    label = page.evaluate(
        "(() => { const l = document.querySelector('label[for=recherche-mots]');"
        " return [l.textContent, l.getBoundingClientRect().height]; })()"
    )
    assert label[0] == "Mots à chercher" and label[1] > 0  # seen, not a placeholder that vanishes
    assert "Effacer" in page.evaluate("document.querySelector('.pagefind-ui__search-clear').textContent")
    colours = page.evaluate(
        "(() => { const i = document.querySelector('.pagefind-ui__search-input');"
        " return [getComputedStyle(i, '::placeholder').color,"
        " getComputedStyle(i).backgroundColor]; })()"
    )
    assert contrast(*colours) >= 4.5, colours
    links = page.search("tablette")
    assert links
    wait(page, "document.getElementById('recherche-etat').textContent.includes('tablette')")
    assert page.evaluate("document.getElementById('recherche-etat').getAttribute('role')") == "status"
    said = page.evaluate("document.getElementById('recherche-etat').textContent")
    assert re.fullmatch(r"\d+ résultats? pour tablette", said), said
    # Sizes in rem: the reader's larger text makes the box and the results larger.
    sizes = (
        "['.pagefind-ui__search-input', '.pagefind-ui__result-title'].map(s =>"
        " parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"
    )
    before = page.evaluate(sizes)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate(sizes) == [2 * size for size in before]
    page.close()


def test_search_excerpts_read_the_article_not_its_byline_or_player(example_served):
    address, browser, _output = example_served
    page = browser.new_page()
    page.goto(address + "/radio-ondes/recherche.html")
    assert page.search("jardin")
    excerpts = page.evaluate(
        "[...document.querySelectorAll('.pagefind-ui__result-excerpt')].map(e => e.textContent)"
    )
    foreign = [e for e in excerpts if re.search("Publié le|Télécharger|Écouter|transcription|S’abonner", e)]
    assert excerpts and not foreign, excerpts
    # The network's search says which association each result comes from, once, beside it:
    # the name is the result's metadata, never the first words of its excerpt.
    page.goto(address + "/recherche/")
    assert page.search("jardin")
    results = page.evaluate(
        "[...document.querySelectorAll('.pagefind-ui__result')].map(r => [r.innerText,"
        " r.querySelector('.pagefind-ui__result-excerpt').textContent])"
    )
    names = ("Radio Ondes Citoyennes", "Recouvrance en commun", "AMAP des Dunes", "Espace public numérique")
    assert all(any(name in text for name in names) for text, _excerpt in results), results
    assert not [excerpt for _text, excerpt in results if excerpt.startswith(names)], results
    page.close()


# 3. The map


def test_the_map_names_its_places_in_french_and_opens_them_from_the_keyboard(example_served):
    address, browser, _output = example_served
    page = browser.new_page()
    page.goto(address + "/annuaire/carte.html")
    wait(page, "document.querySelectorAll('.leaflet-marker-icon').length")
    places = page.evaluate("[...document.querySelectorAll('#lieux li > a')].map(a => a.textContent)")
    buttons = accessible(page, "button")
    assert "Marker" not in buttons and sorted(b for b in buttons if b in places) == sorted(places)
    assert {"Zoom avant", "Zoom arrière"} <= set(buttons)
    # Eight places, eight pins: the ones at one address are set side by side.
    spots = page.evaluate(
        "[...document.querySelectorAll('.leaflet-marker-icon')].map(m => {"
        " const r = m.getBoundingClientRect();"
        " return Math.round(r.x) + ',' + Math.round(r.y); })"
    )
    assert len(spots) == len(places) == len(set(spots)) == 8
    # The list is reachable before the map, and describes it.
    assert page.evaluate(
        "document.querySelector('a[href=\"#lieux\"]').compareDocumentPosition("
        "document.getElementById('carte')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert page.evaluate("document.getElementById('carte').getAttribute('aria-describedby')") == "lieux"
    for key in ("Enter", " "):
        page.evaluate(
            "document.querySelector('.leaflet-marker-icon[alt=\"Radio Ondes Citoyennes\"]').focus()"
        )
        press(page, key)
        wait(page, "document.querySelector('.leaflet-popup')")
        assert focused(page) == "Radio Ondes Citoyennes"  # the popup's link, focus inside it
        assert page.evaluate("document.activeElement.closest('.leaflet-popup') !== null")
        assert "Fermer" in accessible(page, "button")
        press(page, "Escape")
        wait(page, "!document.querySelector('.leaflet-popup')")
        assert page.evaluate("document.activeElement.classList.contains('leaflet-marker-icon')")
        assert focused(page) == "Radio Ondes Citoyennes"
    page.close()


# 4. Reader words

FORMATS = ("Atom", "RSS", "JSON Feed", "OPML", "iCalendar", "GeoJSON")


def visible_text(page) -> str:
    return page.evaluate("document.body.innerText")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/planet/",
        "/agenda/",
        "/annuaire/carte.html",
        "/planet/sante.html",
        "/lettre/",
        "/espace-numerique/",
        "/espace-numerique/agenda/",
    ],
)
def test_public_pages_offer_feeds_and_calendars_in_reader_words(example_served, path):
    address, browser, _output = example_served
    page = browser.new_page()
    page.goto(address + path)
    links = accessible(page, "link")
    assert (
        "Recevoir les nouvelles dans une application" in links
        or "Recevoir les nouvelles du réseau dans une application" in links
    ), links
    assert "comment suivre le réseau" in links
    if "agenda" in path:
        assert "Ajouter à mon agenda" in links
    text = visible_text(page)
    # The portal's cards and the planet's intro are the theme's (issue 21): they lose "Flux Atom" there.
    if path not in ("/", "/planet/"):
        assert not [name for name in FORMATS if re.search(rf"\b{name}\b", text)], text
    assert "ressource externe" not in text  # the map's tiles and the planet's images come from elsewhere
    page.close()


def test_one_help_page_names_the_formats_and_explains_them(example_served):
    address, browser, output = example_served
    page = browser.new_page()
    page.goto(address + "/suivre/")
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert accessible(page, "heading")[:4] == [
        "Suivre le réseau",
        "Recevoir les nouvelles dans une application",
        "Ajouter à mon agenda",
        "Recevoir la lettre de la semaine",
    ]
    text = visible_text(page)
    assert all(name in text for name in ("Atom", "RSS", "JSON Feed", "OPML", "iCalendar")), text
    assert "S’inscrire à la lettre" in accessible(page, "link")
    hrefs = page.evaluate("[...document.querySelectorAll('main a')].map(a => a.getAttribute('href'))")
    for wanted in (
        "/planet/atom.xml",
        "/agenda/agenda.ics",
        "/planet/opml.xml",
        "/radio-ondes/feeds/all.atom.xml",
    ):
        assert wanted in hrefs, hrefs
    page.close()


@pytest.mark.parametrize(
    "path",
    [
        "/planet/atom.xml",
        "/planet/rss.xml",
        "/amap-des-dunes/feeds/all.atom.xml",
        "/radio-ondes/feeds/all.rss.xml",
        "/radio-ondes/podcast.xml",
        "/lettre/atom.xml",
    ],
)
def test_a_feed_opened_in_the_browser_reads_as_news(example_served, path):
    address, browser, output = example_served
    head = (output / path.lstrip("/")).read_bytes()[:200]
    assert b'<?xml-stylesheet type="text/xsl" href="/suivre/flux.xsl"?>' in head  # same origin, root-relative
    page = browser.new_page()
    page.goto(address + path)
    wait(page, "document.querySelector('h1')")
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")  # the theme's
    entries = page.evaluate(
        "[...document.querySelectorAll('main li h2 a')].map(a => [a.textContent.trim(), a.href])"
    )
    assert entries and all(title and link.startswith(PUBLIC + "/") for title, link in entries), entries
    assert "Comment suivre le réseau" in accessible(page, "link")
    assert "<feed" not in visible_text(page) and "<rss" not in visible_text(page)
    page.close()


def test_acronyms_declared_by_a_site_are_expanded_at_first_use(example_served):
    address, browser, _output = example_served
    page = browser.new_page()
    page.goto(address + "/radio-ondes/pages/la-grille-des-programmes.html")
    titles = page.evaluate("[...document.querySelectorAll('main abbr')].map(a => [a.textContent, a.title])")
    assert titles == [["EPN", "Espace public numérique"]]
    page.close()


def test_the_feed_health_page_speaks_to_the_public(example_served):
    address, browser, _output = example_served
    page = browser.new_page()
    page.goto(address + "/planet/sante.html")
    text = visible_text(page)
    assert "network.yaml" not in text and "planet:" not in text
    assert accessible(page, "heading")[0] == "Les blogs suivis par la planète"
    page.close()


def test_acronyms_leave_code_links_and_attributes_alone_and_escape_their_expansion(network):
    network.site(
        "amap",
        'name: AMAP des Dunes\nabbreviations:\n  AMAP: Association "pour" le <maintien>\n'
        "  CC BY-NC-SA: Creative Commons, attribution, pas d’usage commercial,"
        " partage à l’identique\n",
    )
    network.article(
        "amap",
        "paniers",
        "Les paniers de l'AMAP",
        "2026-03-01 10:00",
        body="![Logo AMAP](https://example.org/AMAP.png) `AMAP`"
        " [AMAP](https://example.org/AMAP)\n\n"
        "L'AMAP distribue. Encore l'AMAP, et des AMAPs. Texte sous CC BY-NC-SA.",
    )
    assert network.build().ok
    body = network.read("amap/paniers.html").split('<div class="content">')[1].split("</div>")[0]
    assert body.count("<abbr") == 2, body
    assert (
        'L’<abbr title="Association &quot;pour&quot; le &lt;maintien&gt;">AMAP</abbr>'
        " distribue. Encore l’AMAP" in body.replace("'", "’")
    ), body
    assert (
        '<abbr title="Creative Commons, attribution, pas d’usage commercial, partage à l’identique">'
        "CC BY-NC-SA</abbr>"
    ) in body
    assert "<code>AMAP</code>" in body and 'alt="Logo AMAP"' in body
    assert 'href="https://example.org/AMAP"' in body


def test_a_malformed_acronym_is_named_with_its_line(network):
    network.site("amap", "name: AMAP\nabbreviations:\n  amap: minuscules\n  EPN: [une, liste]\n")
    with pytest.raises(ConfigError) as caught:
        load_network(network.root)
    found = [str(problem) for problem in caught.value.problems]
    assert [f.split(": ")[0] for f in found] == ["sites/amap/site.yaml:3", "sites/amap/site.yaml:4"], found
    assert "like AMAP" in found[0] and "one line" in found[1]
