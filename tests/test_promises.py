"""What the README promises, kept in plain use (issue 16): one association's mistake stays its own,
every rebuild equals a cold build, every feed is valid, public pages speak the network's language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from feedserver import FeedServer

from citoyens_ssg import i18n
from citoyens_ssg.cli import main
from citoyens_ssg.fetch import FetchPolicy

FAST = FetchPolicy(connect_timeout=2, read_timeout=1, deadline=3, max_bytes=256 * 1024, allow_loopback=True)
CITOYENS = Path(sys.executable).parent / "citoyens"


def run(network, capsys, *args: str) -> tuple[int, str]:
    code = main([*args, "-C", str(network.root)])
    return code, capsys.readouterr().err


def follow(network, url: str, extra: str = "") -> None:
    network.write("network.yaml", f"""
        name: Réseau de test
        url: https://reseau.example.org
        planet:
        {extra}  feeds:
            - name: Blog de l'intranet
              url: {url}
    """.replace("\n        ", "\n"))
    network.site("epn", "name: Espace numérique\n")
    network.article("epn", "atelier", "Atelier tablette", "2026-03-05 10:00")


# ------------------------------------------------------------ 6. an invalid date


def test_an_impossible_slashed_date_is_called_invalid_with_the_accepted_forms(network, capsys):
    network.site("a", "name: A\n")
    network.write("sites/a/content/quand.md", "Title: Quand\nDate: 32/13/2026\n\nTexte.\n")
    code, err = run(network, capsys, "check", "--no-build")
    assert code == 1
    assert ("sites/a/content/quand.md:2: invalid date '32/13/2026'; write it year-month-day, "
            "like 2026-03-12 or 2026-03-12 18:30") in err, err
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
    for page in sorted(output.rglob("*.html")) + sorted(output.rglob("*.json")) + sorted(output.rglob("*.xml")):
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
    assert "Planète — Réseau de test" in network.read("planet/index.html")
    assert english_on(network.output) == {}


def test_a_build_under_lang_c_writes_no_english_on_french_pages(network):
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond("panne", status=500, content_type="text/plain")
        follow(network, f"{server.url}/feed", extra="  allow_private_addresses: true\n")
        environ = {key: value for key, value in os.environ.items()
                   if key not in ("CITOYENS_LANG", "LANGUAGE", "LC_MESSAGES")}
        environ.update(LANG="C", LC_ALL="C")
        done = subprocess.run([str(CITOYENS), "build", "-C", str(network.root), "-j", "2"], env=environ,
                              capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert server.paths() == ["/feed"]
    assert "le serveur a répondu HTTP 500" in network.read("planet/sante.html")
    assert english_on(network.output) == {}


# ------------------------------------------------------------ 8. intranet feeds


def test_intranet_feeds_are_followed_only_when_the_network_says_so(network):
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Intranet</title>'
            "<link>https://intranet.example/</link><description>d</description><item><title>Note interne</title>"
            "<link>https://intranet.example/note</link><guid isPermaLink=\"false\">n1</guid>"
            "<pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate></item></channel></rss>")
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
    assert "allow_private_addresses" in health and "intranet" in health
    assert "allow_private_addresses" not in refused
