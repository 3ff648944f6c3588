"""Findable and readable: sitemaps, robots.txt, canonical URLs, social cards, JSON-LD, readable colours."""

from __future__ import annotations

import gzip
import json
import re
from xml.etree import ElementTree

from PIL import Image
from test_search_parts import count_pagefind_runs

from citoyens_ssg.cli import main
from citoyens_ssg.site import search
from citoyens_ssg.site.templating import contrast

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(text: str) -> list[str]:
    return [loc.text for loc in ElementTree.fromstring(text.encode()).iter(f"{SITEMAP}loc")]


def test_sitemaps_robots_canonical_and_social_cards(network):
    network.site("a", "name: A\nlogo: images/logo.png\n")
    images = network.root / "sites/a/content/images"
    images.mkdir(parents=True)
    Image.new("RGB", (96, 96), "red").save(images / "logo.png")
    Image.new("RGB", (1200, 630), "blue").save(images / "une.jpg")
    network.article(
        "a",
        "un-article-illustre",
        "Un article illustré",
        "2026-01-01",
        body="![La une]({static}/images/une.jpg)",
        Summary="Le résumé.",
    )
    network.site("b", "name: B\n")
    network.article("b", "un-article-de-b", "Un article de B", "2026-01-02")
    assert network.build().ok
    assert locations(network.read("sitemap.xml")) == [
        "https://reseau.example.org/sitemap-reseau.xml",
        "https://reseau.example.org/a/sitemap.xml",
        "https://reseau.example.org/b/sitemap.xml",
    ]
    site_map = locations(network.read("a/sitemap.xml"))
    assert (
        "https://reseau.example.org/a/un-article-illustre.html" in site_map
        and "https://reseau.example.org/a/" in site_map
    )
    assert "https://reseau.example.org/planet/" in locations(network.read("sitemap-reseau.xml"))
    assert network.read("robots.txt").endswith("Sitemap: https://reseau.example.org/sitemap.xml\n")

    page = network.read("a/un-article-illustre.html")
    assert '<link rel="canonical" href="https://reseau.example.org/a/un-article-illustre.html">' in page
    assert '<meta property="og:image" content="https://reseau.example.org/a/images/une-1200w.jpg">' in page
    assert (
        '<meta property="og:image:width" content="1200">' in page
        and '<meta name="twitter:card" content="summary_large_image">' in page
    )
    assert '<meta property="og:description" content="Le résumé.">' in page
    article = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert (article["@type"], article["headline"], article["image"]["width"]) == (
        "Article",
        "Un article illustré",
        1200,
    )
    assert '<link rel="canonical" href="https://reseau.example.org/a/">' in network.read("a/index.html")
    assert (
        '<meta property="og:image" content="https://reseau.example.org/a/images/logo.png">'
        in network.read("b/index.html".replace("b", "a", 1))
    )
    assert '<link rel="canonical" href="https://reseau.example.org/planet/">' in network.read(
        "planet/index.html"
    )


def test_a_colour_too_light_to_read_is_darkened_and_reported(network, capsys):
    network.site("a", "name: A\naccent_color: '#f5c211'\n")
    assert network.build().ok
    accent = re.search(
        r"--accent: (#[0-9a-f]{6})", next(network.output.glob("a/theme/*/css/accent.css")).read_text()
    ).group(1)
    assert accent != "#f5c211" and contrast(accent, "#fdfdfc") >= 4.5
    assert main(["check", "-C", str(network.root), "--no-build"]) == 0
    assert (
        "WARNING sites/a/site.yaml: accent_color '#f5c211' is too light to read as text (contrast 1.6:1, "
        f"at least 4.5:1 needed); pages use '{accent}' instead" in capsys.readouterr().err
    )


def test_french_typography_outside_code_and_translations_linked(network):
    network.site("a", "name: A\n")
    network.article(
        "a",
        "vraiment-oui",
        "Vraiment ? Oui !",
        "2026-01-01",
        Slug="fete",
        body="Horaires : 14 h ; « entrée libre » !\n\n`a ? b : c` et https://exemple.org/?q=1",
    )
    network.write(
        "sites/a/content/br.md", "Title: Gouel\nDate: 2026-01-01\nSlug: fete\nLang: br\n\nDegemer mat !\n"
    )
    assert network.build().ok
    page = network.read("a/fete.html")
    assert "<h1>Vraiment\u202f? Oui\u202f!</h1>" in page
    assert "Horaires\u00a0: 14 h\u202f; «\u202fentrée libre\u202f»\u202f!" in page
    assert "<code>a ? b : c</code>" in page and "https://exemple.org/?q=1" in page
    assert '<link rel="alternate" hreflang="br" href="https://reseau.example.org/a/fete-br.html">' in page
    assert '<a href="/a/fete-br.html" hreflang="br" lang="br">brezhoneg</a>' in page  # works at any address
    breton = network.read("a/fete-br.html")
    assert '<html lang="br">' in breton and "Degemer mat !" in breton  # French spacing only in French


def test_each_site_has_its_search_index_and_the_network_search_page_lists_them(network):
    network.site("a", "name: A\n")
    network.article("a", "un", "Un article", "2026-01-01", body="Le mot recherché : compostage.")
    network.site("b", "name: B\n")
    assert network.build().ok
    for slug in ("a", "b"):
        assert (network.output / slug / "pagefind" / "pagefind-ui.js").is_file()
        assert (network.output / slug / "pagefind" / "pagefind-entry.json").is_file()
    entry = json.loads(network.read("a/pagefind/pagefind-entry.json"))
    assert entry["languages"]["fr"]["page_count"] >= 1
    search = network.read("recherche/index.html")
    assert 'data-bundles="a b"' in search and 'href="/recherche/?association=b"' in search
    assert "La recherche fonctionne avec JavaScript, qui semble désactivé." in search
    assert 'data-bundle="/a/pagefind/"' in network.read("a/recherche.html")


def test_a_multilingual_search_index_lists_its_languages_in_one_order(network):
    network.site("a", "name: A\n")
    network.article("a", "premier", "Premier", "2026-01-01", body="Un texte en français.")
    network.write(
        "sites/a/content/p-br.md",
        "Title: Kentañ\nDate: 2026-01-01\nSlug: premier\nLang: br\n\nUn destenn e brezhoneg.\n",
    )
    assert network.build().ok
    entry = network.output / "a/pagefind/pagefind-entry.json"
    text = entry.read_text(encoding="utf-8")
    assert list(json.loads(text)["languages"]) == ["br", "fr"]
    reversed_entry = json.loads(text)
    reversed_entry["languages"] = dict(reversed(list(reversed_entry["languages"].items())))
    entry.write_text(json.dumps(reversed_entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    search.languages_in_order(entry)  # what a build does after Pagefind, whatever order it chose
    assert entry.read_text(encoding="utf-8") == text


def test_a_rebuild_that_changes_no_indexed_page_keeps_the_published_search_index(
    network, tmp_path, monkeypatch
):
    runs = count_pagefind_runs(monkeypatch, tmp_path)
    network.site("a", "name: A\n")
    network.article("a", "un", "Un article", "2026-01-01", body="Le mot recherché : compostage.")
    assert network.build().ok
    source = network.root / "sites/a/content/un.md"
    source.write_text(
        source.read_text(encoding="utf-8") + "\n\n", encoding="utf-8"
    )  # the file changes, not its page
    report = network.build()
    assert report.ok and [site.slug for site in report.sites if not site.unchanged] == ["a"]
    assert runs.read_text().split() == ["run"]  # Pagefind ran for the first build only
    assert (network.output / "a/pagefind/pagefind-entry.json").is_file()
    network.article("a", "un", "Un article", "2026-01-01", body="Le mot recherché : permaculture.")
    assert network.build().ok
    assert runs.read_text().split() == ["run", "run"]
    fragments = [
        gzip.decompress(path.read_bytes()) for path in (network.output / "a/pagefind/fragment").iterdir()
    ]
    assert any(b"permaculture" in fragment for fragment in fragments)
    assert not any(b"compostage" in fragment for fragment in fragments)
