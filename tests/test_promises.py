"""What the README promises, kept in plain use (issue 16): one association's mistake stays its own,
every rebuild equals a cold build, every feed is valid, public pages speak the network's language."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from feedserver import FeedServer

from citoyens_ssg import i18n
from citoyens_ssg.cli import main
from citoyens_ssg.network.fetch import FetchPolicy
from citoyens_ssg.pipeline.build import BuildOptions, build

FAST = FetchPolicy(connect_timeout=2, read_timeout=1, deadline=3, max_bytes=256 * 1024, allow_loopback=True)
CITOYENS = Path(sys.executable).parent / "citoyens"


def run(network, capsys, *args: str) -> tuple[int, str]:
    code = main([*args, "-C", str(network.root)])
    return code, capsys.readouterr().err


def follow(network, url: str, extra: str = "") -> None:
    network.write(
        "network.yaml",
        f"""
        name: Réseau de test
        url: https://reseau.example.org
        planet:
        {extra}  feeds:
            - name: Blog de l'intranet
              url: {url}
    """.replace("\n        ", "\n"),
    )
    network.site("epn", "name: Espace numérique\n")
    network.article("epn", "atelier", "Atelier tablette", "2026-03-05 10:00")


# ------------------------------------------------------------ 6. an invalid date


def test_an_impossible_slashed_date_is_called_invalid_with_the_accepted_forms(network, capsys):
    network.site("a", "name: A\n")
    network.write("sites/a/content/quand.md", "Title: Quand\nDate: 32/13/2026\n\nTexte.\n")
    code, err = run(network, capsys, "check", "--no-build")
    assert code == 1
    assert (
        "sites/a/content/quand.md:2: invalid date '32/13/2026'; write it year-month-day, "
        "like 2026-03-12 or 2026-03-12 18:30"
    ) in err, err
    assert "2026-13-32" not in err


# ------------------------------------------------------------ 7. the public pages' language


def english_texts() -> set[str]:
    """The fixed part of every message whose French differs (before its first field)."""
    path = Path(i18n.LOCALE_DIR) / "fr" / "LC_MESSAGES" / "citoyens.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    texts = set()
    for message in catalog:
        start = message.id.split("{")[0].strip() if message.id else ""
        if len(start) >= 12 and message.string and not message.string.startswith(start):
            texts.add(start)
    return texts


def english_on(output: Path) -> dict[str, list[str]]:
    texts = english_texts()
    found = {}
    for page in (
        sorted(output.rglob("*.html")) + sorted(output.rglob("*.json")) + sorted(output.rglob("*.xml"))
    ):
        text = page.read_text(encoding="utf-8", errors="replace")
        hits = [english for english in texts if english in text]
        if hits:
            found[str(page.relative_to(output))] = hits
    return found


def test_the_health_page_speaks_the_networks_language_whatever_the_process_speaks(network):
    i18n.set_language("en")  # what LANG=C gives the command line
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond("panne", status=500, content_type="text/plain")
        follow(network, f"{server.url}/feed")
        assert network.build(fetch_policy=FAST).sites
    health = network.read("planet/sante.html")
    assert "le serveur a répondu HTTP 500" in health
    assert "the server answered" not in health
    assert "L’actualité du réseau — Réseau de test" in network.read("planet/index.html")
    assert english_on(network.output) == {}


def test_a_build_under_lang_c_writes_no_english_on_french_pages(network):
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond("panne", status=500, content_type="text/plain")
        follow(network, f"{server.url}/feed", extra="  allow_private_addresses: true\n")
        environ = {
            key: value
            for key, value in os.environ.items()
            if key not in ("CITOYENS_LANG", "LANGUAGE", "LC_MESSAGES")
        }
        environ.update(LANG="C", LC_ALL="C")
        done = subprocess.run(
            [str(CITOYENS), "build", "-C", str(network.root), "-j", "2"],
            env=environ,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr
    assert server.paths() == ["/feed"]
    assert "le serveur a répondu HTTP 500" in network.read("planet/sante.html")
    assert english_on(network.output) == {}


# ------------------------------------------------------------ 8. intranet feeds


def test_intranet_feeds_are_followed_only_when_the_network_says_so(network):
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Intranet</title>'
        "<link>https://intranet.example/</link><description>d</description><item><title>Note interne</title>"
        '<link>https://intranet.example/note</link><guid isPermaLink="false">n1</guid>'
        "<pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate></item></channel></rss>"
    )
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(body)
        follow(network, f"{server.url}/feed")
        network.build()  # the default policy, as `citoyens build` uses it
        refused, planet_before = network.read("planet/sante.html"), network.read("planet/index.html")
        follow(network, f"{server.url}/feed", extra="  allow_private_addresses: true\n")
        network.build()
    assert "n'est pas une adresse publique" in refused or "n&#39;est pas une adresse publique" in refused
    assert "Note interne" not in planet_before
    assert "Note interne" in network.read("planet/index.html")
    health = network.read("planet/sante.html")
    assert "réseau interne" in health and "intranet" in health  # said to the public, in its words
    assert "allow_private_addresses" not in refused


# ------------------------------------------------------------ 4. a radio with only a name


def test_a_radio_with_only_a_name_publishes_its_episode_and_check_says_what_directories_want(network, capsys):
    network.site("radio", "name: Radio Ondes\n")
    network.write("sites/radio/content/audio/emission.mp3", "ID3 une émission")
    network.article(
        "radio", "emission", "La voix des quartiers", "2026-04-10 18:00", Audio="{static}/audio/emission.mp3"
    )
    report = network.build()
    assert report.ok, [str(p) for r in report.sites for p in r.problems]
    podcast = network.feed("radio/podcast.xml")
    assert [episode.title for episode in podcast.entries] == ["La voix des quartiers"]
    assert podcast.entries[0].enclosures[0].href == "https://reseau.example.org/radio/audio/emission.mp3"
    assert "itunes:owner" not in network.read("radio/podcast.xml")  # no e-mail: no owner rather than no site
    assert "La voix des quartiers" in network.read("radio/emission.html")
    code, err = run(network, capsys, "check", "--no-build")
    assert code == 0, err
    assert "WARNING sites/radio/site.yaml: the podcast has no owner e-mail" in err
    assert (
        "WARNING sites/radio/site.yaml: podcast directories ask for a square JPEG or PNG cover of at least "
        "1400×1400" in err
    )
    assert "WARNING sites/radio/site.yaml: the podcast has no category" in err


def test_the_podcast_owner_is_the_associations_contact_when_the_podcast_names_none(network):
    network.site("radio", "name: Radio Ondes\ncontact:\n  email: antenne@radio.example.org\n")
    network.write("sites/radio/content/audio/emission.mp3", "ID3 une émission")
    network.article(
        "radio", "emission", "La voix des quartiers", "2026-04-10 18:00", Audio="{static}/audio/emission.mp3"
    )
    assert network.build().ok
    assert "<itunes:email>antenne@radio.example.org</itunes:email>" in network.read("radio/podcast.xml")


# ------------------------------------------------------------ 5. every feed valid


BROKEN_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Blog</title><link>https://reseau.example.org/a/</link><description>d</description>
<item><title>Billet</title><link>https://reseau.example.org/a/billet.html</link>
<guid>tag:reseau.example.org,2026-03-01:/a/billet.html</guid><pubDate>2026-03-01T10:00:00+01:00</pubDate></item>
</channel></rss>"""

BROKEN_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><id>/a/</id>
<entry><title>Billet</title><id>billet</id><updated>1 mars 2026</updated>
<link href="https://reseau.example.org/a/b.html"/><link href="https://reseau.example.org/a/c.html"/></entry>
</feed>"""


def test_the_feed_rules_name_what_a_broken_feed_breaks():
    from citoyens_ssg.network.feed_rules import feed_problems

    assert feed_problems(BROKEN_RSS) == [
        "item 1: <guid> 'tag:reseau.example.org,2026-03-01:/a/billet.html' is read as a permalink: "
        'it is not an address; add isPermaLink="false"',
        "item 1: <pubDate>: date '2026-03-01T10:00:00+01:00' is not RFC 822 (like 'Tue, 01 Dec 2026 "
        "10:00:00 +0100')",
    ]
    problems = feed_problems(BROKEN_ATOM)
    for expected in (
        "feed: 0 <updated> elements; exactly one is required",
        "feed: <id> '/a/' is not an absolute IRI",
        'feed: no <link rel="self">',
        "entry 1: <updated> '1 mars 2026' is not an RFC 3339 date",
        "entry 1: no <author>, and the feed has none either",
        'entry 1: 2 <link rel="alternate"> of type None; at most one per type and language',
    ):
        assert any(problem.startswith(expected) for problem in problems), (expected, problems)
    fixed = BROKEN_RSS.replace(b"<guid>", b'<guid isPermaLink="false">').replace(
        b"2026-03-01T10:00:00+01:00", b"Sun, 01 Mar 2026 10:00:00 +0100"
    )
    assert feed_problems(fixed) == []


def test_make_check_output_fails_on_todays_guid(tmp_path):
    sys.path.insert(0, str(Path(__file__).parent.parent / "tools" / "output-check"))
    try:
        from feeds import check_xml_feed
    finally:
        sys.path.pop(0)
    feed = tmp_path / "all.rss.xml"
    feed.write_bytes(BROKEN_RSS)
    assert any("isPermaLink" in problem for problem in check_xml_feed(feed, "a/feeds/all.rss.xml"))


def test_every_feed_a_build_writes_is_valid(network):
    from citoyens_ssg.network.feed_rules import feed_problems

    network.site("radio", "name: Radio Ondes\npodcast:\n  email: antenne@radio.example.org\n")
    network.write("sites/radio/content/audio/emission.mp3", "ID3 une émission")
    network.article(
        "radio",
        "emission",
        "La voix des quartiers",
        "2026-04-10 18:00",
        Audio="{static}/audio/emission.mp3",
        Category="Émissions",
        Tags="quartier, jardin",
    )
    network.article("radio", "grille", "La grille", "2026-04-11 18:00", Category="Vie")
    network.site("epn", "name: Espace numérique\n")
    network.article("epn", "atelier", "Atelier tablette", "2026-03-05 10:00")
    assert network.build().ok
    feeds = [path for path in network.output.rglob("*.xml") if not path.name.startswith(("sitemap", "opml"))]
    assert {
        "radio/feeds/all.rss.xml",
        "radio/feeds/all.atom.xml",
        "radio/feeds/emissions.atom.xml",
        "radio/podcast.xml",
        "planet/rss.xml",
        "planet/atom.xml",
    } <= {str(path.relative_to(network.output)) for path in feeds}
    assert {
        str(path.relative_to(network.output)): feed_problems(path.read_bytes())
        for path in feeds
        if feed_problems(path.read_bytes())
    } == {}


# ------------------------------------------------------------ 1. one association's mistake stays its own


def published(network, slug: str) -> dict[str, bytes]:
    return {
        str(path.relative_to(network.output)): path.read_bytes()
        for path in sorted((network.output / slug).rglob("*"))
        if path.is_file()
    }


def test_a_broken_site_yaml_or_template_holds_back_only_that_site(network, capsys):
    network.site("amap", "name: AMAP des Dunes\ndescription: Paniers du jeudi\n")
    network.article("amap", "contrats", "Contrats d'hiver", "2026-01-15 17:00")
    network.site("radio", "name: Radio Ondes\n")
    network.article("radio", "emission", "La voix des quartiers", "2026-04-10 18:00")
    network.site("epn", "name: Espace numérique\n")
    network.article("epn", "atelier", "Atelier tablette", "2026-03-05 10:00")
    assert run(network, capsys, "build")[0] == 0
    amap_before, radio_before = published(network, "amap"), published(network, "radio")

    network.write("sites/amap/site.yaml", "name: AMAP des Dunes\nthme: onde\n")  # a typo
    network.write("sites/radio/theme/templates/article.html", "{% if %}\n")  # an override Pelican stops on
    network.article("epn", "permanence", "Permanence démarches", "2026-05-02 09:00")
    network.site("nouveau", "name: [pas fermé\n")  # a new site, never built, broken
    code, err = run(network, capsys, "build")

    assert code == 1
    assert "sites/amap/site.yaml:2: unknown key 'thme'" in err and "'theme'" in err, err
    assert "sites/nouveau/site.yaml" in err
    assert "FAILED amap" in err and "FAILED radio" in err and "FAILED nouveau" in err
    assert "nothing was built" not in err
    assert "Permanence démarches" in network.read("epn/index.html")  # the others publish
    assert published(network, "amap") == amap_before and published(network, "radio") == radio_before
    assert not (network.output / "nouveau").exists()
    portal, planet = network.read("index.html"), network.read("planet/index.html")
    for shown in (
        "AMAP des Dunes",
        "Paniers du jeudi",
        "Contrats d&#39;hiver",
        "Radio Ondes",
        "La voix des quartiers",
    ):
        assert shown in portal + planet, shown
    assert "Contrats d'hiver" in [entry.title for entry in network.feed("planet/atom.xml").entries]

    code, err = run(network, capsys, "check", "--no-build")  # check still lists every problem of every site
    assert code == 1 and "sites/amap/site.yaml:2" in err and "sites/nouveau/site.yaml" in err

    network.write("sites/amap/site.yaml", "name: AMAP des Dunes\ndescription: Paniers du vendredi\n")
    (network.root / "sites/radio/theme/templates/article.html").unlink()
    (network.root / "sites/nouveau/site.yaml").write_text("name: Nouveau\n")
    assert run(network, capsys, "build")[0] == 0
    assert (
        "Paniers du vendredi" in network.read("index.html")
        and (network.output / "nouveau/index.html").is_file()
    )


def test_only_network_yaml_problems_stop_the_build(network, capsys):
    network.site("amap", "name: AMAP des Dunes\n")
    network.write("network.yaml", "name: Réseau\nurl: https://reseau.example.org\nlangage: fr\n")
    code, err = run(network, capsys, "build")
    assert code == 1 and "network.yaml:3: unknown key 'langage'" in err and "nothing was built" in err
    assert not network.output.exists()


# ------------------------------------------------------------ 2. titles repeated every year


def test_yearly_titles_never_collide_and_an_explicit_slug_twice_skips_only_the_later(network, capsys):
    network.site("quartier", "name: Quartier\n")
    network.article(
        "quartier", "2025-03-14-assemblee-generale", "Assemblée générale", "2025-03-14 18:00", Category="Vie"
    )
    network.article(
        "quartier", "2026-03-13-assemblee-generale", "Assemblée générale", "2026-03-13 18:00", Category="Vie"
    )
    network.article("quartier", "fete", "Fête de quartier", "2026-06-20 14:00", Category="Fête", Slug="fete")
    network.article(
        "quartier", "retour", "Fête, le retour", "2026-06-21 14:00", Category="Bilan", Slug="fete"
    )
    network.article("quartier", "vide-grenier", "Vide-grenier", "2026-05-01 08:00", Category="Vie")
    code, err = run(network, capsys, "build")
    assert code == 1  # a file was skipped: said, and counted
    assert (
        "ERROR sites/quartier/content/retour.md: same address (fete.html) as "
        "sites/quartier/content/fete.md: not published; give it another Slug: or another file name"
    ) in err, err
    assert "FAILED" not in err
    for page, title in (
        ("2025-03-14-assemblee-generale.html", "Assemblée générale"),
        ("2026-03-13-assemblee-generale.html", "Assemblée générale"),
        ("fete.html", "Fête de quartier"),
        ("vide-grenier.html", "Vide-grenier"),
    ):
        assert f"<h1>{title}</h1>" in network.read(f"quartier/{page}"), page
    titles = [entry.title for entry in network.feed("quartier/feeds/all.atom.xml").entries]
    assert titles == ["Fête de quartier", "Vide-grenier", "Assemblée générale", "Assemblée générale"]
    assert "le retour" not in network.read("quartier/archives.html")
    assert not (network.output / "quartier/category/bilan.html").exists()
    assert [entry.title for entry in network.feed("planet/atom.xml").entries].count("Assemblée générale") == 2


# ------------------------------------------------------------ 3. every build equals a cold build


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_rebuild_repairs_a_damaged_published_tree_to_the_bytes_of_a_cold_build(network, tmp_path):
    network.site("epn", "name: Espace numérique\n")
    network.article(
        "epn", "atelier", "Atelier tablette", "2026-03-05 10:00", Category="Ateliers", Tags="tablette"
    )
    network.article("epn", "permanence", "Permanence", "2026-03-06 10:00", Category="Ateliers")
    network.site("radio", "name: Radio Ondes\n")
    network.article("radio", "emission", "La voix des quartiers", "2026-04-10 18:00")
    assert network.build(offline=True).ok
    cold_root = tmp_path / "froid"
    shutil.copytree(
        network.root, cold_root, ignore=shutil.ignore_patterns("output", ".output.*", ".citoyens")
    )

    (network.output / "epn/atelier.html").unlink()  # a page deleted
    index = network.output / "index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace("Espace numérique", "Vandalisé"), encoding="utf-8"
    )
    page = network.output / "radio/emission.html"  # edited in place, same size, time put back
    before = page.stat()
    page.write_bytes(page.read_bytes().replace(b"quartiers", b"QUARTIERS"))
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    (network.output / "planet/rss.xml").unlink()  # a planet file removed
    (network.output / "epn/stray.html").write_text("<p>posé là</p>")  # stray files
    (network.output / "trouve.txt").write_text("?")
    (network.output / "epn/tag").rename(network.output / "epn/etiquettes")  # a folder renamed
    assert network.build(offline=True).ok

    assert build(BuildOptions(cold_root, output_dir=tmp_path / "froid-sortie", jobs=2, offline=True)).ok
    repaired, cold = tree(network.output), tree(tmp_path / "froid-sortie")
    assert sorted(repaired) == sorted(cold)
    assert [name for name in cold if repaired[name] != cold[name]] == []


def test_an_untouched_tree_is_left_as_it_is(network):
    network.site("epn", "name: Espace numérique\n")
    network.article("epn", "atelier", "Atelier tablette", "2026-03-05 10:00")
    assert network.build(offline=True).ok
    inodes = {path: path.stat().st_ino for path in network.output.rglob("*") if path.is_file()}
    report = network.build(offline=True)
    assert report.ok and all(site.unchanged for site in report.sites)
    assert {path: path.stat().st_ino for path in network.output.rglob("*") if path.is_file()} == inodes


def test_another_associations_typo_does_not_stop_new_post(network, capsys):
    network.site("amap", "name: AMAP des Dunes\nthme: onde\n")
    network.site("radio", "name: Radio Ondes\n")
    code, out = (
        main(["new-post", "-C", str(network.root), "radio", "Assemblée générale"]),
        capsys.readouterr(),
    )
    assert code == 0, out.err
    assert [
        path.name.endswith("-assemblee-generale.md")
        for path in (network.root / "sites/radio/content").iterdir()
    ] == [True]
    code, out = main(["new-post", "-C", str(network.root), "amap", "Contrats"]), capsys.readouterr()
    assert code == 1 and "sites/amap/site.yaml:2: unknown key 'thme'" in out.err


def test_a_feed_error_is_said_again_in_the_pages_language_with_its_numbers_formatted():
    said = i18n.remembered("no answer within {seconds:.0f} s", seconds=2.0)
    stored = i18n.stored_form(said)
    assert i18n.said_again("fr", stored, str(said)) == "pas de réponse en 2 s"
    assert i18n.said_again("en", stored, str(said)) == "no answer within 2 s"


def test_the_planets_feeds_stay_valid_with_what_other_blogs_send(network):
    from citoyens_ssg.network.feed_rules import feed_problems

    items = "".join(
        f'<item><title>Billet {n}</title><link>https://blog.example.org/{n}</link><guid isPermaLink="false">'
        f"billet-{n}</guid><pubDate>Mon, 0{n} Mar 2026 10:00:00 +0000</pubDate></item>"
        for n in (1, 2)
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Blog</title>'
        f"<link>https://blog.example.org/</link><description>d</description>{items}</channel></rss>"
    )
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(body)
        follow(network, f"{server.url}/feed")
        assert network.build(fetch_policy=FAST).ok
    assert {"Billet 1", "Billet 2"} <= {entry.title for entry in network.feed("planet/atom.xml").entries}
    for name in ("planet/atom.xml", "planet/rss.xml"):
        assert feed_problems((network.output / name).read_bytes()) == [], name


def test_a_calendars_words_follow_the_sites_language(network):
    network.site("club", "name: Reading club\nlanguage: en\n")
    network.site("epn", "name: Espace numérique\n")
    for slug in ("club", "epn"):
        network.write(
            f"sites/{slug}/content/agenda/rdv.md",
            "Title: Rendez-vous\nStart: 2026-10-21 18:00\nRegistration: "
            "https://inscription.example.org/\n\nVenez.\n",
        )
    i18n.set_language("fr")  # the machine says French: the English site's calendar still speaks English
    assert network.build().ok
    assert "Registration: https://inscription.example.org/" in network.read("club/agenda/rdv.ics")
    assert "Inscription : https://inscription.example.org/" in network.read("epn/agenda/rdv.ics")
