"""The theme's layout as a reader sees it, in Chromium, on the built example network: the facts
that can regress (issue 21).  Each page says its name once; nothing wider than a phone; the footer
at the bottom of a short page; a list item shows its image once; the network bar one line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import chromium, chromium_or_skip, static_host

from citoyens_ssg.config.load import load_network
from citoyens_ssg.pipeline.build import build
from citoyens_ssg.pipeline.options import BuildOptions

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE = load_network(PROJECT)
# Inner pages of each template type: (path, the name the header holds).
SITE = next(site for site in EXAMPLE.sites if site.slug == "espace-numerique")
INNER = [
    ("/espace-numerique/atelier-premiers-pas-sur-tablette.html", SITE.name),
    ("/espace-numerique/pages/horaires-et-acces.html", SITE.name),
    ("/espace-numerique/agenda/", SITE.name),
    ("/espace-numerique/agenda/permanence-libre-ordinateurs-et-demarches.html", SITE.name),
    ("/espace-numerique/archives.html", SITE.name),
    ("/espace-numerique/categories.html", SITE.name),
    ("/espace-numerique/recherche.html", SITE.name),
    ("/radio-ondes/midi-pile-le-budget-participatif-explique.html", "Radio Ondes Citoyennes"),
    ("/agenda/", EXAMPLE.name),
    ("/annuaire/", EXAMPLE.name),
    ("/annuaire/carte.html", EXAMPLE.name),
    ("/planet/", EXAMPLE.name),
    ("/lettre/", EXAMPLE.name),
    ("/recherche/", EXAMPLE.name),
    ("/404.html", EXAMPLE.name),
]
HOMES = [("/", EXAMPLE.name), ("/espace-numerique/", SITE.name), ("/radio-ondes/", "Radio Ondes Citoyennes")]
LISTS = ["/", "/espace-numerique/", "/planet/", "/espace-numerique/category/vie-de-lassociation.html"]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    chromium_or_skip()
    output = tmp_path_factory.mktemp("theme") / "output"
    report = build(BuildOptions(PROJECT, output_dir=output, jobs=2))
    assert report.ok, [str(p) for r in report.sites for p in r.problems]
    with static_host(output) as origin, chromium() as browser:
        tab = browser.new_page()

        def show(path: str, width: int = 390, height: int = 800, scheme: str = "light"):
            tab.call(
                "Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": scheme}]
            )
            tab.call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=width < 600,
            )
            tab.goto(origin + path)
            return tab

        yield show
        tab.close()


def headings(tab) -> list[str]:
    return tab.evaluate("[...document.querySelectorAll('h1')].map(h => h.textContent.trim())")


@pytest.mark.parametrize(("path", "name"), INNER)
def test_an_inner_page_has_one_h1_its_own_title_and_the_header_names_the_site_once(page, path, name):
    tab = page(path, 1280)
    found = headings(tab)
    assert len(found) == 1 and found[0] != name, (path, found)
    header = tab.evaluate("document.querySelector('header[role=banner]').innerText")
    assert header.count(name) == 1, header
    description = {SITE.name: SITE.description, EXAMPLE.name: EXAMPLE.description}.get(name, "")
    if description:  # the header's tagline is the home page's: not repeated as an intro
        assert description not in tab.evaluate("document.body.innerText"), path


@pytest.mark.parametrize(("path", "name"), HOMES)
def test_a_home_page_says_its_name_once(page, path, name):
    tab = page(path, 390)
    assert headings(tab) == [name]
    assert tab.evaluate("document.body.textContent.split(%r).length - 1" % name) >= 1
    assert name not in tab.evaluate("document.querySelector('main').innerText.slice(0, 200)")


WIDER_THAN_VIEWPORT = """(() => {
  const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement) {
      if (/(auto|hidden|scroll|clip)/.test(getComputedStyle(a).overflowX)) return true; }
    return false; };
  return [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > innerWidth + 1 && !clipped(e);
  }).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
})()"""


@pytest.mark.parametrize("path", [path for path, _name in INNER + HOMES] + ["/annuaire/quartiers.html"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nothing_is_wider_than_a_phone(page, path, scheme):
    tab = page(path, 390, scheme=scheme)
    assert tab.evaluate(WIDER_THAN_VIEWPORT) == [], path
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_the_footer_is_at_the_bottom_of_a_short_page(page):
    tab = page("/404.html", 1280, 1400)
    assert tab.evaluate("document.documentElement.scrollHeight") <= 1400  # the page is short
    bottom = tab.evaluate("document.querySelector('footer[role=contentinfo]').getBoundingClientRect().bottom")
    assert bottom >= 1400 - 1


SHOWN_IMAGES = """[...document.querySelectorAll(
    '.article-list > li, .card-grid > li, .planet-list > li, .site-cards > li')].map(li =>
  [...li.querySelectorAll('img')]
    .filter(img => img.getBoundingClientRect().width > 0 && !img.classList.contains('logo')).length)"""


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("width", [390, 1280])
def test_a_list_item_shows_its_image_once(page, path, width):
    counts = page(path, width).evaluate(SHOWN_IMAGES)
    assert counts and max(counts) <= 1, (path, counts)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_network_bar_is_one_dark_line_on_a_phone(page, scheme):
    tab = page("/espace-numerique/atelier-premiers-pas-sur-tablette.html", 390, scheme=scheme)
    tops = tab.evaluate(
        "[...document.querySelectorAll('.network-bar a')].map(a => Math.round(a.getBoundingClientRect().top))"
    )
    assert len(tops) == 2 and len(set(tops)) == 1, tops
    height = tab.evaluate("document.querySelector('.network-bar').getBoundingClientRect().height")
    line = tab.evaluate("parseFloat(getComputedStyle(document.querySelector('.network-bar a')).lineHeight)")
    assert height < 2 * line
    background = tab.evaluate("getComputedStyle(document.querySelector('.network-bar')).backgroundColor")
    channels = background[background.index("(") + 1 : background.index(")")].split(",")[:3]
    red, green, blue = (int(c) for c in channels)
    assert max(red, green, blue) < 64, background  # dark over a dark page too, never light grey
    bar = tab.evaluate("document.querySelector('.network-bar').textContent")
    assert "Recherche" not in bar  # no second menu


def test_the_map_rule_does_not_style_the_page(page):
    tab = page("/annuaire/carte.html", 390)
    assert tab.evaluate("getComputedStyle(document.body).borderTopWidth") == "0px"
    top = tab.evaluate(
        "document.querySelector('.network-bar, header[role=banner]').getBoundingClientRect().top"
    )
    assert top == 0


# WCAG 1.4.12's text spacing, as a reader's style sheet sets it.
TEXT_SPACING = """(() => { const style = document.createElement('style');
  style.textContent = '* { line-height: 1.5 !important; letter-spacing: 0.12em !important;'
    + ' word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }';
  document.head.append(style); return true; })()"""


@pytest.mark.parametrize(
    "path",
    [
        "/annuaire/",
        "/annuaire/quartiers.html",
        "/espace-numerique/agenda/permanence-libre-ordinateurs-et-demarches.html",
    ],
)
def test_the_directory_facts_reflow_at_320_px_with_text_spacing(page, path):
    """Addresses and e-mails wrap inside their card (overflow-wrap: anywhere), nothing is cut."""
    tab = page(path, 320)
    assert tab.evaluate(TEXT_SPACING)
    assert tab.evaluate(WIDER_THAN_VIEWPORT) == [], path
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    cut = tab.evaluate(
        "[...document.querySelectorAll('dd')].filter(dd => dd.scrollWidth > dd.clientWidth + 1).length"
    )
    assert cut == 0
