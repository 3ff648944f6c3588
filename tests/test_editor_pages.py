"""The web editor in the built network: its pages, and the files it writes (issue 23)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request

import pytest
import yaml

from citoyens_ssg.dev.server import DevServer
from citoyens_ssg.editor.pages import BUNDLE, PROJECT
from citoyens_ssg.network.headers import RULES
from citoyens_ssg.site.sitemaps import NETWORK_SITEMAP

FORMAT = PROJECT / "citoyens_ssg" / "editor" / "static" / "citoyens-editor.js"
EDITEUR = """
    name: Réseau de test
    url: https://reseau.example.org
    editeur:
      backend: github
      repo: reseau/site
"""
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def editor_file(data: dict) -> str:
    """What the editor's 'pelican' format writes for ``data`` (the same JavaScript, run by Node)."""
    script = f"process.stdout.write(require({json.dumps(str(FORMAT))}).toFile({json.dumps(data)}))"
    run = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True, timeout=60)
    return run.stdout


@needs_node
def test_a_file_saved_by_the_editor_builds_the_page_written_by_hand(network):
    network.write("network.yaml", EDITEUR)
    network.site("jardin")
    images = network.root / "sites/jardin/content/images"
    images.mkdir(parents=True)
    shutil.copy(PROJECT / "sites/radio-ondes/content/images/studio.jpg", images)
    by_hand = network.write(
        "sites/jardin/content/semis.md",
        """
        Title: Atelier semis
        Date: 2026-11-20 18:30
        Category: Ateliers
        Tags: jardin, graines

        ![Des plants de tomates]({static}/images/studio.jpg)

        Venez *semer* avec nous.
    """,
    )
    assert network.build().ok
    page_by_hand = network.read("jardin/semis.html")  # the address comes from the file name
    saved = editor_file(
        {
            "title": "Atelier semis",
            "date": "2026-11-20 18:30",
            "category": "Ateliers",
            "tags": ["jardin", "graines"],
            "image": [{"image": "{static}/images/studio.jpg", "alt": "Des plants de tomates"}],
            "body": "Venez *semer* avec nous.\n",
        }
    )
    assert saved == by_hand.read_text(encoding="utf-8")
    by_hand.write_text(saved, encoding="utf-8")
    assert network.build().ok
    assert network.read("jardin/semis.html") == page_by_hand
    assert '<img alt="Des plants de tomates"' in page_by_hand or 'alt="Des plants de tomates"' in page_by_hand


@needs_node
def test_what_the_editor_sends_goes_through_the_same_checks(network):
    network.site("jardin")
    saved = editor_file(
        {
            "title": "Fête <script>alert(1)</script>\nSave_as: ../../piege.html",
            "date": "2026-11-20 18:30",
            "body": "Texte.",
        }
    )
    assert saved.splitlines()[0] == "Title: Fête <script>alert(1)</script> Save_as: ../../piege.html"
    network.write("sites/jardin/content/fete.md", saved)
    network.write("sites/jardin/content/date.md", editor_file({"title": "Sans date", "date": "20/11/2026"}))
    report = network.build()
    problems = [str(p) for site in report.sites for p in site.problems]
    assert any("date.md:2" in p for p in problems), problems  # a bad date: its file and line
    assert not list(network.root.rglob("piege.html"))
    html = "".join(p.read_text(encoding="utf-8") for p in (network.output / "jardin").glob("*.html"))
    assert "<script>alert(1)" not in html  # sanitised, the rest is the title's text
    assert "<h1>Fête  Save_as: ../../piege.html</h1>" in html


def test_no_editeur_section_no_editor(network):
    network.site("jardin")
    assert network.build().ok
    assert not (network.output / "admin").exists() and not (network.output / "jardin/admin").exists()


@pytest.mark.skipif(
    not (PROJECT / "tools/editor/node_modules/decap-cms").is_dir(),
    reason="the editor's bundle is not installed: make editor",
)
def test_each_site_gets_its_editor_with_no_inline_script(network):
    network.write("network.yaml", EDITEUR)
    network.site("jardin", "name: 'Jardin <b>partagé</b>'\n")
    network.site("radio")
    assert network.build().ok
    page = network.read("jardin/admin/index.html")
    assert "<title>Web editor — Jardin &lt;b&gt;partagé&lt;/b&gt;</title>" in page
    # The admin CSP allows no inline script.
    assert not re.search(r"<script>(?!</script>)|<script(?![^>]*\bsrc=)[^>]*>", page)
    assert '<script src="/admin/decap-cms.js"></script>' in page  # root-relative, like every page
    assert (network.output / "admin/decap-cms.js").stat().st_size > 1_000_000
    sitemaps = network.read(NETWORK_SITEMAP) + network.read("jardin/sitemap.xml")
    assert "/admin/" not in sitemaps and "/jardin/" in sitemaps  # no search engine is sent to the editor
    config = yaml.safe_load(network.read("jardin/admin/config.yml"))
    assert [c["folder"] for c in config["collections"]] == [
        "sites/jardin/content",
        "sites/jardin/content/pages",
        "sites/jardin/content/agenda",
    ]
    network_editor = yaml.safe_load(network.read("admin/config.yml"))
    assert network_editor["collections"][0]["label"] == "Jardin <b>partagé</b> — Articles"  # text for React


def test_the_editor_has_its_own_policy_and_the_rest_keeps_the_strict_one():
    policies = {
        pattern: headers["Content-Security-Policy"]
        for pattern, headers in RULES
        if "Content-Security-Policy" in headers
    }
    assert "'unsafe-eval'" not in policies["/*"] and "'unsafe-inline'" not in policies["/*"]
    assert policies["/admin/*"] == policies["/*/admin/*"] != policies["/*"]
    assert "frame-ancestors 'none'" in policies["/admin/*"]


def test_without_the_bundle_one_line_says_so_and_the_rest_builds(network, monkeypatch, caplog):
    from citoyens_ssg.editor import pages

    monkeypatch.setattr(pages, "BUNDLE", pages.BUNDLE.with_name("absent.js"))  # a fresh clone, no npm
    network.write("network.yaml", EDITEUR)
    network.site("jardin")
    assert network.build().ok
    assert [r.getMessage() for r in caplog.records if "make editor" in r.getMessage()] == [
        "NOTE web editor not built: run 'make editor' (needs npm) to install it in tools/editor/"
    ]
    assert network.read("jardin/index.html") and not (network.output / "jardin/admin").exists()


def test_a_second_build_in_one_process_says_the_note_again(network, monkeypatch, caplog):
    """Pelican's loggers drop a warning already let through once in the process: the dev server's
    second build said nothing of what its first build had said."""
    from citoyens_ssg.editor import pages

    monkeypatch.setattr(pages, "BUNDLE", pages.BUNDLE.with_name("absent.js"))
    network.write("network.yaml", EDITEUR)
    network.site("jardin")
    notes = []
    for title in ("Premier", "Second"):
        network.write("sites/jardin/content/mot.md", f"Title: {title}\nDate: 2026-11-20\n\nTexte.\n")
        caplog.clear()
        assert network.build().ok
        notes.append([r.getMessage() for r in caplog.records if "make editor" in r.getMessage()])
    assert notes[0] == notes[1] and len(notes[1]) == 1


@pytest.mark.skipif(
    not (PROJECT / BUNDLE).is_file(), reason="the editor's bundle is not installed (make editor)"
)
def test_the_editors_configuration_is_the_same_whatever_the_hash_seed(network):
    """Categories that differ only in case ("Vie", "vie") came in the order of a Python set, which
    changes with each process's hash seed: two builds of one commit published different bytes
    (found by `citoyens build --verify` on the example network)."""
    network.write("network.yaml", EDITEUR)
    network.site("jardin", "name: Jardin\ncategories: [Vie, vie, VIE, ViE, Ateliers]\n")
    published = []
    for seed in ("1", "2", "3"):
        subprocess.run(
            [sys.executable, "-m", "citoyens_ssg", "build", "-q", "-C", str(network.root)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            capture_output=True,
        )
        published.append((network.output / "jardin/admin/config.yml").read_bytes())
        shutil.rmtree(network.root / ".citoyens")  # a build from nothing each time
        shutil.rmtree(network.output)
    assert published[0] == published[1] == published[2]


@pytest.mark.skipif(
    not (PROJECT / BUNDLE).is_file(), reason="the editor's bundle is not installed (make editor)"
)
def test_the_preview_serves_each_associations_editor(network):
    """`serve` puts a built site in the published tree before the network stage, which then carries
    it and wrote no editor into it: /jardin/admin/ answered 404 in the preview (and `make edit`)."""
    network.write("network.yaml", EDITEUR)
    network.site("jardin")
    server = DevServer(network.root, port=0, jobs=1)
    server.start()
    try:
        with urllib.request.urlopen(f"{server.url}/jardin/admin/") as reply:
            assert reply.status == 200 and "decap-cms.js" in reply.read().decode("utf-8")
    finally:
        server.stop()
