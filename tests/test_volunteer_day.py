"""The volunteer's day (issue 20), done as a volunteer does it: the preview in Chromium, the commands
under LANG=C, the scaffolds, check, make from a fresh copy, a busy port, a failing feed."""

from __future__ import annotations

import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser import chromium
from feedserver import FeedServer
from test_external_planet import FAST, item, rss
from test_published import hosted_copy

from citoyens_ssg import i18n
from citoyens_ssg.cli import main
from citoyens_ssg.dev.server import DevServer
from citoyens_ssg.report import print_summary

TIMEOUT = 60  # seconds any one step may take before the test fails (never a measured duration)
PLAIN_PATH = "/usr/bin:/bin"  # a fresh terminal: citoyens is not on the PATH, make is


def citoyens(*args: str, lang: str = "C", cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command in a process of its own, under a terminal's locale (LANG=C: a CI machine)."""
    env = {"LANG": lang, "PATH": PLAIN_PATH, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "citoyens_ssg", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,
    )


# ---- 1. a mistake in the open page keeps the preview ------------------------------------------


def until(page, expression: str, what: str):
    """The value of ``expression`` in the tab once it is true (the tab may be reloading meanwhile)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            value = page.evaluate(expression)
        except RuntimeError:  # between two documents
            value = None
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"{what}: not within the time limit")


BANNER = "document.querySelector('[role=alert]')"


def test_a_mistake_in_the_open_article_keeps_its_tab_and_the_tab_comes_back(network):
    i18n.set_language("fr")
    network.site("epn", "name: Espace numérique\ndescription: Un lieu.\n")
    network.article(
        "epn",
        "atelier-tablette",
        "Atelier tablette",
        "2026-03-01 10:00",
        body="Première version.",
        Category="Ateliers",
    )
    network.article("epn", "autre", "Autre atelier", "2026-03-02 10:00", Category="Ateliers")
    server = DevServer(network.root, port=0, jobs=1)
    server.start()
    address = server.url + "/epn/atelier-tablette.html"
    try:
        with chromium() as browser:
            page = browser.new_page()
            page.goto(address)
            assert "Première version." in page.evaluate("document.body.innerText")
            network.article(
                "epn", "atelier-tablette", "Atelier tablette", "12/03/2024", body="Première version."
            )
            # (the banner shows on the article first, then the tab reloads onto the error page)
            error_page = f"document.title.startsWith('Pas de page') && {BANNER} && document.body.innerText"
            text = until(page, error_page, "the error page with its banner")
            assert page.evaluate("location.href") == address  # the same address, nothing to retype
            assert page.evaluate("document.documentElement.lang") == "fr"
            assert "Pas de page à cette adresse dans l'aperçu" in text
            banner = page.evaluate(f"{BANNER}.innerText")
            assert "1 problème(s) à corriger" in banner
            assert (
                "sites/epn/content/atelier-tablette.md:2: la date '12/03/2024' est ambiguë ; "
                "écrivez-la année-mois-jour : 2024-03-12"
            ) in banner
            assert page.evaluate("!!document.querySelector('script[src=\"/__citoyens/reload.js\"]')")
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(address, timeout=TIMEOUT)
            assert answer.value.code == 404 and "Error response" not in answer.value.read().decode("utf-8")

            network.article(
                "epn",
                "atelier-tablette",
                "Atelier tablette",
                "2026-03-01 10:00",
                body="Corrigée.",
                Category="Ateliers",
            )
            until(page, "document.body.innerText.includes('Corrigée.')", "back to the article by itself")
            assert page.evaluate(BANNER) is None and page.evaluate("location.href") == address

            # A mistake in another file: the banner on this article, under no part of its header.
            network.article("epn", "autre", "Autre atelier", "05/04/2024", Category="Ateliers")
            # One evaluation once both are there (the tab reloads meanwhile: retried until it answers).
            text, header, banner = until(
                page,
                """document.querySelector('[role=alert]') && [document.body.innerText,
                ...[document.querySelector('.site-header'), document.querySelector('[role=alert]')].map(e => {
                const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left,
                right: r.right}; })]""",
                "the banner on the article",
            )
            assert "Corrigée." in text
            overlap = not (
                banner["bottom"] <= header["top"]
                or header["bottom"] <= banner["top"]
                or banner["right"] <= header["left"]
                or header["right"] <= banner["left"]
            )
            assert not overlap, (banner, header)
            page.close()
    finally:
        server.stop()


# ---- 2. the command line speaks the network's language ----------------------------------------


def test_under_lang_c_the_commands_speak_the_networks_language(network):
    network.site("epn", "name: Espace numérique\ndescription: Un lieu.\n")
    network.article("epn", "atelier", "Atelier", "2026-03-01 10:00", Category="Ateliers")
    root = str(network.root)
    built = citoyens("build", "-C", root)
    assert built.returncode == 0, built.stderr
    assert re.search(r"^1 site\(s\) sur 1 construit\(s\), 1 article\(s\), en \d+,\d s$", built.stdout, re.M)
    assert re.search(r"^ok     epn \(\d+,\d s\)$", built.stdout, re.M)  # "0,6 s", not "0.6 s"
    helped = citoyens("build", "-C", root, "--help", cwd=network.root)
    assert helped.stdout.startswith("utilisation : citoyens build [-h]")
    assert "\noptions :\n" in helped.stdout and "affiche cette aide et s'arrête" in helped.stdout
    assert not any(english in helped.stdout for english in ("usage:", "options:", "show this"))
    whole = citoyens("--help", cwd=network.root).stdout  # the commands' list and --version too
    assert "affiche la version et s'arrête" in whole and "show program's" not in whole
    refused = citoyens("bulid", cwd=network.root)
    assert "citoyens : erreur : argument commande : choix invalide : 'bulid'" in refused.stderr
    assert "ne télécharge pas" in citoyens("build", "--help", lang="de_DE.UTF-8", cwd=network.root).stdout
    english = citoyens("build", "-C", root, lang="en_GB.UTF-8")  # a locale of ours is honoured
    assert re.search(r"^1 of 1 site\(s\) built, 1 article\(s\), in \d+\.\d s$", english.stdout, re.M)
    network.write("network.yaml", "name: Network\nurl: https://network.example.org\nlanguage: en\n")
    assert "usage: citoyens build" in citoyens("build", "--help", cwd=network.root).stdout
    elsewhere = network.root.parent  # no network.yaml here: the one named by --root=… speaks
    assert "usage: citoyens build" in citoyens("build", f"--root={root}", "--help", cwd=elsewhere).stdout
    assert "usage: citoyens build" in citoyens("build", f"-C{root}", "--help", cwd=elsewhere).stdout


# ---- 3. placeholder posts do not go live unnoticed ---------------------------------------------


def test_new_post_writes_a_draft_and_check_flags_what_the_scaffolds_left(network, capsys):
    root = str(network.root)
    assert main(["new-site", "-C", root, "Radio Ondes"]) == 0
    assert main(["new-post", "-C", root, "radio-ondes", "Atelier du samedi"]) == 0
    post = next((network.root / "sites/radio-ondes/content").glob("*-atelier-du-samedi.md"))
    text = post.read_text(encoding="utf-8")
    assert "\nStatus: draft\n" in text and "\nSummary:\n" in text
    network.article("radio-ondes", "sans-categorie", "Sans catégorie", "2026-03-01 10:00")
    capsys.readouterr()
    i18n.set_language("fr")
    assert main(["check", "-C", root, "--no-build"]) == 0  # a draft: said, not refused
    err = capsys.readouterr().err
    shown = post.relative_to(network.root).as_posix()
    expected = [
        "ATTENTION sites/radio-ondes/site.yaml: le site n'a pas de description : écrivez une phrase "
        "qui présente l'association (description: dans site.yaml)",
        f"ATTENTION {shown}:5: Summary: est vide : écrivez une phrase pour les listes, les flux et les "
        "réseaux sociaux, ou retirez la ligne",
        f"ATTENTION {shown}:8: l'article contient encore le texte écrit par new-post (« Écrivez ici "
        "votre article. ») : écrivez l'article à sa place",
        "ATTENTION sites/radio-ondes/content/sans-categorie.md:1: pas de Category: cet article est rangé "
        "dans « Divers » : ajoutez une ligne Category: (par exemple Category: Vie de l'association)",
    ]
    for line in expected:
        assert line in err.splitlines(), (line, err)
    post.write_text(text.replace("Status: draft\n", ""), encoding="utf-8")  # published as it is
    assert main(["check", "-C", root, "--no-build"]) == 1
    refused = f"ERREUR {shown}:7: l'article contient encore le texte écrit par new-post"
    assert refused in capsys.readouterr().err


# ---- 4. check is not noisy ---------------------------------------------------------------------


def test_one_missing_image_without_alt_text_is_said_once_on_its_source(network, capsys):
    i18n.set_language("fr")
    network.site("a", "name: A\ndescription: Une association.\n")
    network.write(
        "sites/a/content/photo.md",
        "Title: Photo\nDate: 2026-03-01\nCategory: Vie\n\nTexte.\n\n![](images/absente.png)\n",
    )
    assert main(["check", "-C", str(network.root)]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "ERREUR sites/a/content/photo.md:7: images/absente.png n'existe pas (vérifiez le nom et le dossier)",
        "ATTENTION sites/a/content/photo.md:7: l'image images/absente.png n'a pas de texte alternatif : "
        "décrivez-la pour les personnes qui ne la voient pas",
        "1 problème, 1 avertissement.",
    ]
    assert "output/" not in captured.out + captured.err


PHOTO = "Title: Photo\nDate: 2026-03-01\nCategory: Vie\n\nTexte.\n\n"  # its next line is line 7


def test_a_missing_file_hides_no_problem_about_another_file_whose_name_ends_like_it(network, capsys):
    """check leaves out the build's repeats of a missing file: by its whole name, not as a
    substring (a missing logo.png hid the damaged site-logo.png)."""
    i18n.set_language("fr")
    network.site("a", "name: A\ndescription: Une association.\n")
    network.write("sites/a/content/images/site-logo.png", "pas une image")
    network.write(
        "sites/a/content/photo.md",
        "Title: Photo\nDate: 2026-03-01\nCategory: Vie\n\nTexte.\n\n![Logo](images/logo.png)\n\n"
        "![Logo du site]({static}/images/site-logo.png)\n",
    )
    assert main(["check", "-C", str(network.root)]) == 1
    err = capsys.readouterr().err
    assert "sites/a/content/photo.md:7: images/logo.png n'existe pas" in err
    assert "sites/a/content/images/site-logo.png:" in err, err


def test_a_missing_file_hides_no_problem_about_another_sites_file_of_that_name(network, capsys):
    """Each site's missing files, on that site only: a missing logo.png of A does not hide that B's
    logo.png is damaged (the reader got « lien cassé », the file being there)."""
    i18n.set_language("fr")
    network.site("a", "name: A\ndescription: Une association.\n")
    network.site("b", "name: B\ndescription: Une autre association.\n")
    network.write("sites/a/content/photo.md", PHOTO + "![Logo](images/logo.png)\n")
    network.write("sites/b/content/images/logo.png", "pas une image")
    network.write("sites/b/content/photo.md", PHOTO + "![Logo du site]({static}/images/logo.png)\n")
    assert main(["check", "-C", str(network.root)]) == 1
    err = capsys.readouterr().err
    assert "sites/a/content/photo.md:7: images/logo.png n'existe pas" in err
    assert "sites/b/content/images/logo.png:" in err, err


def test_a_missing_file_named_without_extension_hides_no_problem_about_the_file_with_one(network, capsys):
    i18n.set_language("fr")
    network.site("a", "name: A\ndescription: Une association.\n")
    network.write("sites/a/content/images/logo.png", "pas une image")
    network.write(
        "sites/a/content/photo.md",
        PHOTO + "![Logo](images/logo)\n\n![Logo du site]({static}/images/logo.png)\n",
    )
    assert main(["check", "-C", str(network.root)]) == 1
    err = capsys.readouterr().err
    assert "sites/a/content/photo.md:7: images/logo n'existe pas" in err
    assert "sites/a/content/images/logo.png:" in err, err


# ---- 5 and 7. make, from a fresh copy of the repository ----------------------------------------


def make(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"LANG": "C", "PATH": PLAIN_PATH, "NO_COLOR": "1", "HOME": str(root)}
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_make_targets_a_volunteer_is_told_about(tmp_path):
    root = hosted_copy(tmp_path)
    created = make(root, "new-site", "NAME=Les Amis du Vélo")
    assert created.returncode == 0, created.stderr
    assert "sites/les-amis-du-velo créé : complétez site.yaml, puis lancez make serve." in created.stdout
    content = root / "sites/les-amis-du-velo/content"
    welcome = next(content.glob("*-bienvenue.md")).read_text(encoding="utf-8")
    assert '`make new-post SITE=les-amis-du-velo TITLE="Titre de l\'article"`' in welcome
    assert "citoyens new-post" not in welcome  # not on the PATH of a fresh clone
    posted = make(root, "new-post", "SITE=les-amis-du-velo", "TITLE=Sortie du dimanche")
    assert posted.returncode == 0, posted.stderr
    assert "en brouillon" in posted.stdout
    assert "\nStatus: draft\n" in next(content.glob("*-sortie-du-dimanche.md")).read_text(encoding="utf-8")
    checked = make(root, "check")
    assert checked.returncode == 0, checked.stderr
    assert "Aucun problème trouvé." in checked.stdout and "output/" not in checked.stderr
    built = make(root, "html")
    assert built.returncode == 0, built.stderr
    assert built.stdout.splitlines()[-1] == (
        "Pour regarder le résultat : make serve, puis ouvrez http://127.0.0.1:8000/ dans un navigateur "
        "(output/ ouvert comme fichiers n'a pas ses styles : ses liens pointent vers l'adresse publique)."
    )
    assert "Pour regarder le résultat" not in make(root, "publish").stdout  # a host's log needs no tour


# ---- 6. serve on a busy port ---------------------------------------------------------------------


def test_serve_on_a_busy_port_says_so_in_one_line_and_uses_the_next(network):
    network.site("epn", "name: Espace numérique\ndescription: Un lieu.\n")
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        busy = held.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "citoyens_ssg", "serve", "-C", str(network.root), "--port", str(busy)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={"LANG": "C", "PATH": PLAIN_PATH, "NO_COLOR": "1"},
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
        try:
            said = []
            while not said or "Ctrl+C" not in said[-1]:
                said.append(lines.get(timeout=TIMEOUT).rstrip("\n"))
        finally:
            process.terminate()
            process.wait(timeout=TIMEOUT)
            errors = process.stderr.read()
    moved = re.fullmatch(
        rf"Le port {busy} est déjà occupé ; l'aperçu utilise le port (\d+) "
        r"\(pour en choisir un : make serve PORT=8080\)\.",
        said[0],
    )
    assert moved, said
    used = int(moved.group(1))
    assert used > busy and f"http://127.0.0.1:{used}/" in said[-1]
    assert "Traceback" not in errors


# ---- 10. a failing external feed is named ----------------------------------------------------------


def test_a_failing_feed_is_named_in_the_summary_and_a_feed_never_fetched_says_so(network, capsys):
    with FeedServer() as server:
        server.routes["/bon.xml"] = FeedServer.respond(rss(item(1)))
        server.routes["/panne.xml"] = FeedServer.respond("Erreur", status=500, content_type="text/plain")
        network.write(
            "network.yaml",
            "\n".join(
                [
                    "name: Réseau",
                    "url: https://reseau.example.org",
                    "planet:",
                    "  feeds:",
                    "    - name: Blog du jardin",
                    f"      url: {server.url}/bon.xml",
                    "    - name: Blog en panne",
                    f"      url: {server.url}/panne.xml",
                    "",
                ]
            ),
        )
        network.site("epn", "name: Espace numérique\ndescription: Un lieu.\n")
        network.article("epn", "atelier", "Atelier", "2026-03-01 10:00", Category="Ateliers")
        offline = network.build(offline=True)  # serve's builds are offline too
        health = {row["name"]: row["state"] for row in json.loads(network.read("planet/sante.json"))}
        assert health == {"Blog du jardin": "never", "Blog en panne": "never"}
        assert network.read("planet/sante.html").count("<strong>Jamais récupéré</strong>") == 2
        assert offline.failing_feeds == []
        i18n.set_language("fr")
        capsys.readouterr()
        print_summary(network.build(fetch_policy=FAST))
    summary = capsys.readouterr().err.splitlines()
    assert summary == [
        "Flux externes non récupérés (leurs derniers articles sont gardés) : Blog en panne ; "
        "voir planet/sante.html"
    ]
    health = {row["name"]: row["state"] for row in json.loads(network.read("planet/sante.json"))}
    assert health == {"Blog du jardin": "stale", "Blog en panne": "failing"}  # fetched: its articles are old
    assert "Jamais récupéré" not in network.read("planet/sante.html")


@pytest.fixture(autouse=True)
def no_citoyens_on_the_path(monkeypatch):
    """As in a fresh clone's terminal: the messages name the make targets."""
    monkeypatch.setenv(
        "PATH",
        os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not Path(p, "citoyens").exists()),
    )
