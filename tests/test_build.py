"""Whole builds with real Pelican in worker processes: what readers get."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timezone

from PIL import Image

from citoyens_ssg.cli import main
from citoyens_ssg.site.manifest import Enclosure, Entry, Manifest, read_manifest, write_manifest


def three_sites(network):
    network.site("epn", "name: Espace numérique\ndescription: Ateliers gratuits\naccent_color: '#26734d'\n")
    network.article(
        "epn",
        "atelier-tablette",
        "Atelier tablette",
        "2026-03-01 10:00",
        Category="Ateliers",
        Tags="tablette, débutants",
        body="![Des tablettes]({static}/images/tablettes.png)\n\nUn atelier.",
    )
    (network.root / "sites/epn/content/images").mkdir(parents=True)
    Image.new("RGB", (40, 30), "#26734d").save(network.root / "sites/epn/content/images/tablettes.png")
    network.article(
        "epn", "permanence-demarches", "Permanence démarches", "2026-05-02 09:00", Category="Démarches"
    )
    network.site("radio", "name: Radio Ondes\ntheme: onde\n")
    network.article(
        "radio", "la-voix-des-quartiers", "La voix des quartiers", "2026-04-10 18:00", Category="Émissions"
    )
    network.write("sites/radio/content/pages/grille.md", "Title: La grille\n\nLundi 18 h.\n")
    network.site("amap", "name: AMAP des Dunes\n")
    network.article("amap", "contrats", "Contrats d'hiver", "2026-01-15 17:00", Category="Vie")


def test_every_site_gets_its_pages_and_feeds(network):
    three_sites(network)
    report = network.build()
    assert report.ok, [str(p) for r in report.failed for p in r.problems]
    article = network.read("epn/atelier-tablette.html")
    assert "<h1>Atelier tablette</h1>" in article
    assert '<html lang="fr">' in article
    assert "1er mars 2026" in article  # dates in French, whatever the system locale
    accent = re.search(r'href="/epn/(theme/[0-9a-f]{8}/css/accent\.css)"', article).group(1)
    assert network.read(f"epn/{accent}") == ":root { --accent: #26734d; }\n"
    assert 'href="/epn/tag/tablette.html"' in article
    assert '<img alt="Des tablettes" src="/epn/images/tablettes-40w.png"' in article
    assert (network.output / "epn/images/tablettes.png").read_bytes()[:4] == b"\x89PNG"
    for page in (
        "index.html",
        "archives.html",
        "categories.html",
        "tags.html",
        "authors.html",
        "category/ateliers.html",
        "tag/debutants.html",
    ):
        assert (network.output / "epn" / page).is_file(), page
    atom = network.feed("epn/feeds/all.atom.xml")
    assert [e.title for e in atom.entries] == ["Permanence démarches", "Atelier tablette"]
    assert atom.entries[0].link == "https://reseau.example.org/epn/permanence-demarches.html"
    rss = network.feed("epn/feeds/all.rss.xml")
    assert len(rss.entries) == 2
    assert "La grille" in network.read("radio/pages/grille.html")


def test_feeds_carry_the_twenty_latest_posts_and_the_archives_all_of_them(network):
    network.site("blog", "name: Un blog prolixe\n")
    for day in range(1, 23):
        network.article(
            "blog", f"billet-{day:02d}", f"Billet du {day}", f"2026-03-{day:02d} 10:00", Category="Vie"
        )
    assert network.build().ok
    titles = [f"Billet du {day}" for day in range(22, 2, -1)]
    assert [e.title for e in network.feed("blog/feeds/all.atom.xml").entries] == titles
    assert [e.title for e in network.feed("blog/feeds/vie.atom.xml").entries] == titles
    assert [e.title for e in network.feed("blog/feeds/all.rss.xml").entries] == titles
    assert "Billet du 1<" in network.read("blog/archives.html")


def test_portal_lists_every_association_with_its_latest_post(network):
    three_sites(network)
    network.build()
    portal = network.read("index.html")
    for name, url, latest in (
        ("Espace numérique", "/epn/", "Permanence démarches"),
        ("Radio Ondes", "/radio/", "La voix des quartiers"),
        ("AMAP des Dunes", "/amap/", "Contrats d&#39;hiver"),
    ):
        card = portal[portal.index(f'<a href="{url}">') :]
        card = card[: card.index("</li>")]
        assert name in card and latest in card, card
    assert "Ateliers gratuits" in portal
    assert 'href="https://reseau.example.org/planet/atom.xml"' in portal
    # One « Suivre » entry that says what a feed is, not « Flux Atom » on every card (issue 21).
    assert "Flux Atom" not in portal and 'href="/epn/feeds/all.atom.xml"' not in portal
    assert "Recevoir les nouvelles dans une application</a>" in portal
    assert list(network.output.glob("theme/*/css/citoyen.css"))


def test_planet_has_every_site_newest_first(network):
    three_sites(network)
    network.build()
    for kind in ("rss", "atom"):
        feed = network.feed(f"planet/{kind}.xml")
        titles = [e.title for e in feed.entries]
        assert titles == [
            "Permanence démarches",
            "La voix des quartiers",
            "Atelier tablette",
            "Contrats d'hiver",
        ], kind
        assert all(e.link.startswith("https://reseau.example.org/") for e in feed.entries)
        assert {e.source.title for e in feed.entries} == {"Espace numérique", "Radio Ondes", "AMAP des Dunes"}
        assert len({e.id for e in feed.entries}) == 4
    rss = (network.output / "planet" / "rss.xml").read_text(encoding="utf-8")
    assert (
        '<guid isPermaLink="true">https://reseau.example.org/radio/la-voix-des-quartiers.html</guid>' in rss
    )
    page = network.read("planet/index.html")
    assert (
        page.index("Permanence démarches")
        < page.index("La voix des quartiers")
        < page.index("Contrats d&#39;hiver")
    )
    assert "Radio Ondes" in page


def test_planet_size_drafts_and_future_posts(network):
    network.write("network.yaml", "name: R\nurl: https://r.example.org\nplanet:\n  size: 2\n")
    network.site("a", "name: A\n")
    for day in range(1, 5):
        network.article("a", f"n{day}", f"Numéro {day}", f"2026-02-0{day} 12:00")
    network.article("a", "brouillon", "Brouillon", "2026-02-09 12:00", Status="draft")
    network.article("a", "dans-le-futur", "Dans le futur", "2099-01-01 12:00")
    report = network.build()
    assert report.ok
    assert [e.title for e in network.feed("planet/atom.xml").entries] == ["Numéro 4", "Numéro 3"]
    assert report.articles == {"a": 4}
    assert not (network.output / "a" / "dans-le-futur.html").exists()


def test_a_broken_site_does_not_block_the_others_and_keeps_its_last_good_version(network, capsys):
    three_sites(network)
    assert network.build().ok
    published = network.read("radio/la-voix-des-quartiers.html")
    network.write(
        "sites/radio/theme/templates/article.html",
        "{% extends 'base.html' %}\n{% block content %}\n{{ article.title\n{% endblock %}\n",
    )
    network.article("radio", "nouvelle-emission", "Nouvelle émission", "2026-06-01 18:00")
    network.article("epn", "nouvel-atelier", "Nouvel atelier", "2026-06-02 10:00")

    assert main(["build", "-C", str(network.root), "-j", "2"]) == 1
    err = capsys.readouterr().err
    assert "FAILED radio: not published, its previous version is kept" in err
    assert re.search(r"ERROR sites/radio/theme/templates/article\.html:\d+: template error: ", err), err
    assert "Traceback" not in err
    assert network.read("radio/la-voix-des-quartiers.html") == published
    assert not (network.output / "radio" / "nouvelle-emission.html").exists()
    assert (network.output / "epn" / "nouvel-atelier.html").is_file()
    planet = [e.title for e in network.feed("planet/atom.xml").entries]
    assert (
        "Nouvel atelier" in planet and "La voix des quartiers" in planet
    )  # the failed site's last good entries stay


def test_content_errors_name_the_file(network, capsys):
    network.site("a", "name: A\n")
    network.article("a", "un", "Un", "2026-01-01", Slug="meme-adresse")
    network.article("a", "deux", "Deux", "2026-01-02", Slug="meme-adresse")
    network.site("b", "name: B\n")
    network.article("b", "tout-va-bien", "Tout va bien", "2026-01-03")
    assert main(["build", "-C", str(network.root)]) == 1
    err = capsys.readouterr().err
    assert (
        "ERROR sites/a/content/un.md: same address (meme-adresse.html) as sites/a/content/deux.md" in err
    ), err
    assert "There are 2" not in err  # Pelican's own words about it: said once, by citoyens
    assert "Traceback" not in err
    assert (network.output / "b" / "tout-va-bien.html").is_file()


def test_a_site_overrides_one_template_and_themes_extend_each_other(network):
    three_sites(network)
    network.write(
        "sites/amap/theme/templates/page.html",
        "{% extends '!theme/page.html' %}{% block content %}<p class=\"maison\">Surcharge AMAP</p>{{ "
        "super() }}{% endblock %}",
    )
    network.write("sites/amap/content/pages/adherer.md", "Title: Adhérer\n\nUn contrat.\n")
    assert network.build().ok
    page = network.read("amap/pages/adherer.html")
    assert 'class="maison">Surcharge AMAP' in page and "Un contrat." in page
    radio = network.read("radio/la-voix-des-quartiers.html")
    assert "onde.css" in radio and "citoyen.css" in radio and 'class="site-header"' in radio
    assert list(network.output.glob("radio/theme/*/css/onde.css"))
    assert "Surcharge AMAP" not in network.read("radio/pages/grille.html")


def test_the_radio_badge_marks_only_a_recent_episode_and_the_podcast_is_near_the_player(network, monkeypatch):
    """« À l’antenne » within 7 days of the episode's date (by the build's clock), not on an old one."""
    network.site("radio", "name: Radio Ondes\ntheme: onde\n")
    network.write("sites/radio/content/audio/emission.mp3", "ID3 pas vraiment du son")
    for slug, date in (("ancienne", "2026-03-01 18:00"), ("recente", "2026-04-08 18:00")):
        network.article("radio", slug, f"Émission {slug}", date, Audio="audio/emission.mp3", Slug=slug)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775750400")  # 2026-04-09 16:00 UTC
    assert network.build().ok
    recent, old = network.read("radio/recente.html"), network.read("radio/ancienne.html")
    assert "À l’antenne" in recent and "À l’antenne" not in old
    for page in (recent, old):
        main = page.split("<main")[1]
        assert main.index('href="/radio/podcast.xml">S’abonner au podcast') < main.index("<audio")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1775750400 + 8 * 86400))  # 8 days on: the same episode is old
    assert network.build().ok  # an incremental build: the page is rendered again, not kept
    assert "À l’antenne" not in network.read("radio/recente.html")


def test_pelicans_own_themes_still_build(network):
    network.site("simple", "name: Simple\ntheme: simple\n")
    network.article("simple", "un-article-simple", "Un article simple", "2026-01-01")
    network.site("notmyidea", "name: Idée\ntheme: notmyidea\n")
    network.article("notmyidea", "un-article-idee", "Un article idée", "2026-01-02")
    assert network.build().ok
    assert "Un article simple" in network.read("simple/un-article-simple.html")
    assert "Un article idée" in network.read("notmyidea/un-article-idee.html")


def test_a_site_with_only_a_name_builds(network):
    network.site("minimal", "name: Minimale\n")
    report = network.build()
    assert report.ok
    assert "Minimale" in network.read("minimal/index.html")
    assert network.feed("minimal/feeds/all.atom.xml").entries == []


def test_settings_layering_and_base_url_override(network):
    network.write("network.yaml", "name: R\nurl: https://r.example.org\npelican:\n  DEFAULT_PAGINATION: 1\n")
    network.site("a", "name: A\n")
    network.site("b", "name: B\npelican:\n  DEFAULT_PAGINATION: 5\n")
    for slug in ("a", "b"):
        network.article(slug, "un", "Un", "2026-01-01")
        network.article(slug, "deux", "Deux", "2026-01-02")
    assert network.build(base_url="https://deploy-preview-12--r.netlify.app").ok
    assert (network.output / "a" / "index2.html").is_file()
    assert not (network.output / "b" / "index2.html").exists()
    assert "https://deploy-preview-12--r.netlify.app/a/deux.html" in network.read("planet/rss.xml")


def test_building_twice_gives_the_same_files(network):
    three_sites(network)
    network.build()
    first = {p: p.read_bytes() for p in network.output.rglob("*") if p.is_file()}
    network.build()
    second = {p: p.read_bytes() for p in network.output.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [p for p in first if first[p] != second[p]] == []


def test_help_documents_every_option(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = capsys.readouterr().out
    for option in ("--output", "--base-url", "--jobs", "--site", "--root", "--quiet", "--verbose"):
        assert option in out


def test_a_file_that_is_not_utf8_is_named_with_its_line(network, capsys):
    network.site("a", "name: A\n")
    (network.root / "sites/a/content").mkdir()
    (network.root / "sites/a/content/latin.md").write_bytes(
        "Title: Fête\nDate: 2026-01-01\n\nCafé\n".encode("latin-1")
    )
    assert main(["build", "-C", str(network.root)]) == 1
    assert (
        "ERROR sites/a/content/latin.md:1: not UTF-8: byte 0xEA; save the file as UTF-8"
        in capsys.readouterr().err
    )


def test_a_manifest_carries_every_field_of_an_entry_across(tmp_path):
    """What a site's worker writes is what the network stage reads: every field, none forgotten."""
    entry = Entry(
        id="tag:x,2026:/radio/a",
        title="Émission",
        url="https://r.example.org/radio/a.html",
        date=datetime(2026, 3, 1, 10, tzinfo=timezone.utc),
        summary="<p>Résumé</p>",
        updated=datetime(2026, 3, 2, tzinfo=timezone.utc),
        authors=("Anne", "Bob"),
        category="Émissions",
        tags=("musique", "quartier"),
        language="fr",
        enclosures=(Enclosure("https://r.example.org/radio/audio/a.mp3", 1234, "audio/mpeg"),),
        thumbnail=("/radio/images/a-480w.jpg", 480, 270),
    )
    assert all(getattr(entry, f.name) != f.default for f in dataclasses.fields(Entry))  # every field set
    write_manifest(tmp_path / "radio.json", Manifest(site="radio", entries=(entry,)))
    assert read_manifest(tmp_path / "radio.json").entries == (entry,)
