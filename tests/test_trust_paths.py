"""The trust boundary around one association's folder, played as a hostile member.

Each test builds a real network in which one site (``radio``) tries to read
outside its ``content/`` folder, write outside its own ``output/radio/``, or
publish what it should not, then reads the output's bytes back and checks
that nothing outside ``output/radio/`` changed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import pytest

from citoyens_ssg.cli import main
from citoyens_ssg.dev.server import Change, DevServer

SECRET = "SECRET-7f3a"  # written in files no site may publish


def build(network, capsys) -> tuple[int, str]:
    code = main(["build", "-C", str(network.root), "-j", "2"])
    return code, capsys.readouterr().err


def snapshot(network, slug: str = "radio") -> dict[str, str]:
    """Every file of the test's folder, by its bytes' digest, but the hostile site's own folder and
    output and the build's work folders (the staging folder is checked by the other sites' bytes)."""
    top = network.root.parent
    skipped = (network.output / slug, network.root / "sites" / slug)
    files = {}
    for folder, dirnames, filenames in os.walk(top):
        here = Path(folder)
        dirnames[:] = [
            name
            for name in dirnames
            if here / name not in skipped and not (name.startswith(".output.") or name == ".citoyens")
        ]
        for name in filenames:
            path = here / name
            files[str(path.relative_to(top))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def not_the_network_pages(files: dict[str, str]) -> dict[str, str]:
    return {
        name: digest
        for name, digest in files.items()
        if not name.startswith("reseau/output/") or name.startswith("reseau/output/radio-ondes/")
    }


def all_output_bytes(network, folder: Path | None = None) -> bytes:
    """Every byte published, compressed files (Pagefind's index) opened."""
    data = []
    for path in sorted((folder or network.output).rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            data.append(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    return b"".join(data)


def two_radios(network) -> None:
    network.site("radio", "name: Radio\n")
    network.site("radio-ondes", "name: Radio Ondes\n")
    network.article("radio", "emission", "Émission du lundi", "2026-01-01")
    network.article("radio-ondes", "accueil", "Bienvenue sur les ondes", "2026-01-01")


def rebuild_everything(network) -> None:
    """Forget that the sites are unchanged, so that both build again in the same run."""
    for fingerprint in (network.root / ".output.manifests").glob("*.fingerprint"):
        fingerprint.unlink()


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "tiret",
            "---\nTitle: Pirate\nDate: 2026-01-02\nSave_as: ../radio-ondes/pwn.html\n---\n\nPWNED\n",
            "sites/radio/content/tiret.md:4: 'Save_as:' is not allowed in content",
        ),
        (
            "retrait",
            "Title: Pirate\nDate: 2026-01-02\n Save_as: ../radio-ondes/pwn.html\n\nPWNED\n",
            "sites/radio/content/retrait.md:3: 'Save_as:' is not allowed in content",
        ),
        (
            "langue",
            "Title: Pirate\nDate: 2026-01-02\nLang: /../../radio-ondes/pwn\n\nPWNED\n",
            "sites/radio/content/langue.md:3: Lang '/../../radio-ondes/pwn' is not a language",
        ),
        (
            "url",
            "---\nTitle: Pirate\nDate: 2026-01-02\n  Url: ../radio-ondes/pwn.html\n"
            "  Template: ../../x\n\nPWNED\n",
            "sites/radio/content/url.md:4: 'Url:' is not allowed in content",
        ),
    ],
)
def test_a_site_writes_nothing_into_another_sites_folder(network, capsys, name, text, expected):
    two_radios(network)
    assert build(network, capsys)[0] == 0
    before = snapshot(network)
    network.write(f"sites/radio/content/{name}.md", text)
    rebuild_everything(network)
    code, err = build(network, capsys)
    assert code == 1 and expected in err, err
    assert "Traceback" not in err
    assert snapshot(network) == before
    assert b"PWNED" not in all_output_bytes(network)
    assert (network.output / "radio" / "emission.html").is_file()  # the address comes from the file name


def test_an_html_content_file_cannot_set_its_address_either(network, capsys):
    """The allowlist holds on what any reader returns: here Pelican's HTML reader and its <meta> tags."""
    two_radios(network)
    assert build(network, capsys)[0] == 0
    before = snapshot(network)
    network.write(
        "sites/radio/content/pirate.html",
        """\
        <html><head><title>Pirate</title><meta name="date" content="2026-01-02">
        <meta name="save_as" content="../radio-ondes/pwn.html"></head><body>PWNED</body></html>
        """,
    )
    rebuild_everything(network)
    code, err = build(network, capsys)
    assert "Traceback" not in err, err
    assert snapshot(network) == before
    assert b"PWNED" not in all_output_bytes(network)


def test_a_save_as_from_default_metadata_is_refused_before_anything_is_written(network, capsys):
    """A save_as every file would get (DEFAULT_METADATA) is refused when site.yaml is read:
    the pelican: section of a site takes only plain allowlisted values."""
    two_radios(network)
    assert build(network, capsys)[0] == 0
    before = snapshot(network)
    network.write(
        "sites/radio/site.yaml",
        "name: Radio\npelican:\n  DEFAULT_METADATA:\n    save_as: ../radio-ondes/pwn.txt\n",
    )
    network.write("sites/radio/content/fichiers/note.txt", "PWNED\n")
    rebuild_everything(network)
    code, err = build(network, capsys)
    assert code == 1 and "Traceback" not in err, err
    assert "ERROR sites/radio/site.yaml:3: 'pelican.DEFAULT_METADATA' is not among the settings" in err
    assert not_the_network_pages(snapshot(network)) == not_the_network_pages(before)
    assert b"PWNED" not in all_output_bytes(network)


def test_every_page_pelican_writes_is_checked_before_it_is_written(network, capsys):
    """A path no earlier check sees (a pagination pattern) meets the guard on Pelican's writer itself."""
    two_radios(network)
    assert build(network, capsys)[0] == 0
    before = snapshot(network)
    network.write(
        "sites/radio/site.yaml",
        "name: Radio\npelican:\n  PAGINATION_PATTERNS: [[1, '{url}', '../radio-ondes/pwn-{save_as}']]\n",
    )
    rebuild_everything(network)
    code, err = build(network, capsys)
    assert code == 1 and "Traceback" not in err, err
    refused = "ERROR sites/radio: refused to write ../radio-ondes/pwn-index.html: outside the site's output"
    assert refused in err or "sites/radio/site.yaml" in err, err  # or the setting refused at load
    assert not_the_network_pages(snapshot(network)) == not_the_network_pages(before)
    assert not list(network.root.parent.rglob("pwn-*"))


def test_references_resolve_inside_the_sites_content_folder(network, capsys):
    network.site("radio", "name: Radio\n")
    network.site("autre", "name: Autre\n")
    with (network.root / "network.yaml").open("a", encoding="utf-8") as stream:
        stream.write(f"# {SECRET}\n")
    network.article("autre", "brouillon", "Brouillon", "2026-01-01", status="draft", body=SECRET)
    network.write("sites/radio/content/fichiers/programme.pdf", "%PDF-1.4\n% programme\n")
    network.write(
        "sites/radio/content/fuite.md",
        """\
        Title: Fuite
        Date: 2026-01-02
        Audio: ../../../network.yaml

        [le réseau]({attach}../../../network.yaml) et [le voisin]({static}../../autre/content/brouillon.md)
        et [le système]({attach}/../../../../../../etc/passwd)
        mais [le programme]({attach}fichiers/programme.pdf).
        """,
    )
    code, err = build(network, capsys)
    assert code == 1 and "Traceback" not in err, err
    leaving = "leads outside the site; the file must be inside content/ (link removed)"
    for line, reference in (
        (5, "{attach}../../../network.yaml"),
        (5, "{static}../../autre/content/brouillon.md"),
        (6, "{attach}/../../../../../../etc/passwd"),
    ):
        assert f"ERROR sites/radio/content/fuite.md:{line}: {reference} {leaving}" in err, err
    audio = "Audio: '../../../network.yaml' leads outside the site; the file must be inside content/"
    assert f"ERROR sites/radio/content/fuite.md: {audio}" in err
    page = network.read("radio/fuite.html")
    assert "le réseau" in page and "{attach}" not in page and "{static}" not in page
    assert "network.yaml" not in page
    # {attach} inside content/ still works
    assert 'href="/radio/fichiers/programme.pdf"' in page  # pages link root-relative
    published = all_output_bytes(network)
    assert SECRET.encode() not in published and b"root:x:0:0" not in published


def test_only_allowed_types_of_static_files_are_published(network, capsys):
    network.site("radio", "name: Radio\n")
    network.article(
        "radio", "emission", "Émission", "2026-01-01", body="[grille]({static}/fichiers/grille.pdf)"
    )
    files = network.root / "sites/radio/content/fichiers"
    files.mkdir(parents=True)
    hostile = {
        "outil.js": b"alert(document.cookie)",
        "page.xhtml": b"<html xmlns='http://www.w3.org/1999/xhtml'><script>alert(1)</script></html>",
        "logo.svg": b"<svg><script>alert(1)</script></svg>",
        "module.mjs": b"export {}",
        "data.json": b"{}",
        "style.css": b"body{}",
        "page.htm": b"<p>x</p>",
        "faux.pdf": b"<html><script>alert(1)</script></html>",
    }
    for name, data in hostile.items():
        (files / name).write_bytes(data)
    allowed = {
        "grille.pdf": b"%PDF-1.4\n%%EOF\n",
        "transcription.txt": "Bonjour à tous\n".encode(),
        "sous-titres.vtt": b"WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n",
        "ancien.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(56),
    }
    for name, data in allowed.items():
        (files / name).write_bytes(data)
    code, err = build(network, capsys)
    assert code == 1 and "Traceback" not in err, err
    for name in ("outil.js", "page.xhtml", "module.mjs", "data.json", "style.css"):
        extension = name.rsplit(".", 1)[1]
        refused = f"files of type '.{extension}' are not published; convert it"
        assert f"ERROR sites/radio/content/fichiers/{name}: {refused}" in err, err
    # an image is judged by citoyens_images
    assert "ERROR sites/radio/content/fichiers/logo.svg: SVG images are not published" in err
    disguised = "the content of this file is not what its extension '.pdf' says"
    assert f"ERROR sites/radio/content/fichiers/faux.pdf: {disguised}" in err
    published = {path.name for path in (network.output / "radio" / "fichiers").iterdir()}
    assert main(["check", "-C", str(network.root)]) == 1  # said before a build, too
    checked = capsys.readouterr().err
    assert "sites/radio/content/fichiers/outil.js: files of type '.js' are not published" in checked, checked
    assert f"sites/radio/content/fichiers/faux.pdf: {disguised}" in checked
    assert published == set(allowed)
    site_bytes = all_output_bytes(network, network.output / "radio")
    assert b"alert(" not in site_bytes and b"export {}" not in site_bytes
    assert (network.output / "radio" / "emission.html").is_file()


def test_symbolic_links_inside_a_site_are_refused(network, capsys):
    network.site("radio", "name: Radio\n")
    network.site("autre", "name: Autre\n")
    network.article("autre", "nouvelles", "Nouvelles", "2026-01-01")
    network.article("radio", "emission", "Émission", "2026-01-01")
    content = network.root / "sites/radio/content"
    (content / "images").mkdir()
    os.symlink("emission.md", content / "copie.md")  # points inside the site: still refused
    os.symlink("..", content / "images" / "boucle")  # a loop
    os.symlink("boucle2", content / "boucle1")
    os.symlink("boucle1", content / "boucle2")
    code, err = build(network, capsys)
    assert code == 1 and "Traceback" not in err, err
    for link in ("copie.md", "images/boucle", "boucle1", "boucle2"):
        assert f"ERROR sites/radio/content/{link}: symbolic links are refused in a site's folder" in err, err
    assert not (network.output / "radio").exists()
    assert (network.output / "autre" / "nouvelles.html").is_file()


def unpublished_network(network) -> None:
    network.site("radio", "name: Radio\n")
    network.article(
        "radio",
        "zorglub",
        "Projet Zorglub confidentiel",
        "2026-01-02",
        status="draft",
        tags="zorglubtag",
        category="Zorglubcat",
        body="Texte Zorglub.",
    )
    network.article("radio", "avenir", "Annonce Zorglub embargo", "2099-01-01", body="Sous embargo.")
    pages = "sites/radio/content/pages"
    network.write(f"{pages}/cachee.md", "Title: Page cachée\nStatus: hidden\n\nPas dans le menu.\n")
    network.write(f"{pages}/prochaine.md", "Title: Page Zorglub prochaine\nStatus: draft\n\nBientôt.\n")
    network.article(
        "radio",
        "public",
        "Article public",
        "2026-01-03",
        body="[voir le projet]({filename}zorglub.md) et [l'annonce]({filename}avenir.md).",
    )


def test_drafts_and_future_posts_never_reach_a_build(network, capsys, source_date_epoch):
    source_date_epoch("2026-05-01")
    unpublished_network(network)
    code, err = build(network, capsys)
    assert "Traceback" not in err, err
    for name in ("zorglub", "avenir"):
        unlinked = f"{{filename}}{name}.md is not published (a draft, a future post"
        assert f"WARNING sites/radio/content/public.md:4: {unlinked}" in err, err
    published = all_output_bytes(network) + all_output_bytes(network, network.root / ".output.manifests")
    assert b"zorglub" not in published.lower() and b"embargo" not in published.lower()
    assert not (network.output / "radio" / "drafts").exists()
    page = network.read("radio/public.html")  # addresses come from file names
    assert "voir le projet" in page and "{filename}" not in page
    # hidden: published, not listed
    assert (network.output / "radio" / "pages" / "cachee.html").is_file()
    assert "Page cachée" not in network.read("radio/index.html")


def test_the_dev_server_shows_drafts_marked_and_not_indexed(network, capsys, source_date_epoch):
    source_date_epoch("2026-05-01")
    unpublished_network(network)
    server = DevServer(network.root, port=0, jobs=1)
    try:
        server.rebuild(Change(None))
    finally:
        server.httpd.server_close()
    assert not network.output.exists()  # the preview is not where a build for publishing goes
    for page in (
        "radio/drafts/zorglub.html",
        "radio/drafts/avenir.html",  # addresses come from file names
        "radio/drafts/pages/prochaine.html",
    ):
        html = (server.output / page).read_text(encoding="utf-8")
        assert '<meta name="robots" content="noindex">' in html and 'class="draft-banner"' in html, page
        assert "Brouillon" in html
    public = (server.output / "radio/public.html").read_text(encoding="utf-8")
    assert "drafts/zorglub.html" in public and 'class="draft-banner"' not in public
    assert 'content="noindex"' not in public


def test_a_sites_own_theme_static_folder_publishes_styles_and_images_never_scripts(network, capsys):
    network.site("radio", "name: Radio\n")
    network.site("autre", "name: Autre\n")
    network.article("radio", "emission", "Émission", "2026-01-01")
    network.write("sites/autre/theme/static/css/maison.css", "body { color: #222; }\n")
    network.write("sites/radio/theme/static/css/maison.css", "body { color: #333; }\n")
    network.write("sites/radio/theme/static/js/pirate.js", "alert(document.domain)\n")
    network.write("sites/radio/theme/static/page.html", "<script>alert(1)</script>\n")
    code, err = build(network, capsys)
    assert code == 1 and "Traceback" not in err, err
    for name in ("js/pirate.js", "page.html"):
        assert f"ERROR sites/radio/theme/static/{name}: a site's theme files may only be" in err, err
    assert "theme/static/ folder is left out" in err
    assert b"alert(" not in all_output_bytes(network, network.output / "radio")
    assert not list((network.output / "radio").rglob("maison.css"))  # under theme/<8 hex>/ or anywhere
    assert main(["check", "-C", str(network.root)]) == 1
    assert (
        "sites/radio/theme/static/js/pirate.js: a site's theme files may only be" in capsys.readouterr().err
    )
    assert (network.output / "radio" / "emission.html").is_file()
    [own_style] = (network.output / "autre" / "theme").glob("*/css/maison.css")  # theme/<8 hex>/css/
    assert own_style.read_text(encoding="utf-8") == "body { color: #222; }\n"


def test_a_file_name_cannot_add_markup_to_a_page(network, capsys):
    """Pelican writes a linked file's name into href="…" after the sanitiser: a name holding a
    quote would close the attribute and add a <meta http-equiv="refresh"> to elsewhere."""
    network.site("radio", "name: Radio\n")
    network.site("autre", "name: Autre\n")
    network.article("autre", "nouvelles", "Nouvelles", "2026-01-01")
    hostile = 'h.txt"><meta http-equiv="refresh" content="0,url=http:\\\\127.0.0.1:9\\x.html"><i x=".txt'
    network.write("sites/radio/content/fichiers/h.txt", "texte\n")
    network.write(f"sites/radio/content/fichiers/{hostile}", "texte\n")
    quoted = hostile.replace('"', "%22").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    network.article(
        "radio",
        "lien",
        "Lien",
        "2026-01-07",
        body=f"Voir [le document][doc].\n\n[doc]: {{filename}}fichiers/{quoted}",
    )
    code, err = build(network, capsys)
    assert code == 1 and "Traceback" not in err, err
    assert "may hold letters, digits, spaces and . _ - ( ) + , only; rename it" in err, err
    assert b'content="0,url=http' not in all_output_bytes(network)  # the link is left unresolved, encoded
    assert (network.output / "autre" / "nouvelles.html").is_file()
    assert main(["check", "-C", str(network.root), "--no-build"]) == 1
    assert "rename it" in capsys.readouterr().err


def test_hard_links_to_files_outside_a_site_are_refused(network, capsys):
    """Git keeps no hard link, but a volunteer's machine can: /etc/passwd or another
    association's draft linked into a site's folder, or into its templates."""
    network.site("radio", "name: Radio\n")
    network.site("autre", "name: Autre\n")
    network.article("radio", "emission", "Émission", "2026-01-01")
    secret = network.write(
        "sites/autre/content/brouillon.md", f"Title: Brouillon\nDate: 2026-01-01\nStatus: draft\n\n{SECRET}\n"
    )
    (network.root / "sites/radio/content/fichiers").mkdir(parents=True)
    os.link(secret, network.root / "sites/radio/content/fichiers/vol.txt")
    (network.root / "sites/radio/theme/templates").mkdir(parents=True)
    os.link(secret, network.root / "sites/radio/theme/templates/vol.html")
    network.write(
        "sites/radio/theme/templates/index.html",
        '{% extends "!theme/index.html" %}{% block content %}{% include "vol.html" %}{% endblock %}',
    )
    code, err = build(network, capsys)
    assert code == 1 and "Traceback" not in err, err
    for name in ("content/fichiers/vol.txt", "theme/templates/vol.html"):
        assert f"ERROR sites/radio/{name}: hard links are refused in a site's folder" in err, err
    assert SECRET.encode() not in all_output_bytes(network)


def test_a_line_separator_does_not_end_the_header_before_the_reader_does(network, capsys):
    """U+2028 is a line break for str.splitlines(), not for the Markdown readers: the header check
    must see the Date: line the reader reads (12/03/2024 is ambiguous, not 3 December)."""
    network.site("radio", "name: Radio\n")
    network.write("sites/radio/content/ambigu.md", "Title: Ligne\u2028\nDate: 12/03/2024\n\nTexte.\n")
    network.article("radio", "emission", "Émission", "2026-01-01")
    code, err = build(network, capsys)
    assert code == 1 and "Traceback" not in err, err
    assert "sites/radio/content/ambigu.md:2" in err and "12/03/2024" in err, err
    assert not (network.output / "radio" / "ambigu.html").exists()
