"""Both Markdown dialects give readers the same things: CommonMark (the default) and Python-Markdown."""

from __future__ import annotations

import re

from PIL import Image

from citoyens_ssg.cli import main
from citoyens_ssg.site.commonmark import heading_ids, split_header

BODY = """\
## Au programme

Texte avec [la fiche]({static}/fichiers/fiche.pdf) et [l'autre article]({filename}/autre.md).

## Au programme

| Jour | Heure |
|------|-------|
| lundi | 14 h |

Une note[^1] : « bienvenue » !

![Le local]({static}/images/local.png)

[^1]: La note de bas de page.
"""


def test_both_dialects_give_ids_tables_footnotes_links_summary_typography_images(network, dialect):
    network.site("a")
    content = network.root / "sites/a/content"
    (content / "fichiers").mkdir(parents=True)
    (content / "fichiers/fiche.pdf").write_bytes(b"%PDF-1.4\n")
    (content / "images").mkdir()
    Image.new("RGB", (600, 400), "white").save(content / "images/local.png")
    network.article("a", "atelier", "Atelier", "2026-01-01", body=BODY, Summary="Un *résumé* : court.")
    network.article("a", "autre", "Autre", "2026-01-02")
    assert network.build().ok
    page = network.read("a/atelier.html")
    assert (
        '<h2 id="au-programme">Au programme</h2>' in page
        and '<h2 id="au-programme-1">Au programme</h2>' in page
    )
    assert '<a href="/a/fichiers/fiche.pdf" rel="noopener">la fiche</a>' in page
    assert '<a href="/a/autre.html" rel="noopener">l\'autre article</a>' in page
    assert re.search(r"<th>Jour</th>\s*<th>Heure</th>", page) and "<td>lundi</td>" in page
    assert re.search(r'<sup[^>]*><a [^>]*href="#fn[:-]1"', page) and "La note de bas de page." in page
    assert "</sup>\u00a0: «\u202fbienvenue\u202f»\u202f!" in page
    assert re.search(r'<picture><source type="image/webp" srcset="[^"]*local-480w.webp 480w', page)
    assert 'alt="Le local"' in page
    listing = network.read("a/index.html")
    assert "<p>Un <em>résumé</em>\u00a0: court.</p>" in listing


def test_commonmark_extensions_and_a_four_space_list(network):
    network.site("a")
    body = "- un\n  - sous-point\n\n~~barré~~ https://exemple.org\n\n- [x] fait\n- [ ] à faire\n"
    network.article("a", "liste", "Liste", "2026-01-01", body=body)
    assert network.build().ok
    page = network.read("a/liste.html")
    assert re.search(r"<li>un\s*<ul>\s*<li>sous-point</li>", page)
    assert (
        "<del>barré</del>" in page
        and '<a href="https://exemple.org" rel="noopener">https://exemple.org</a>' in page
    )
    assert "<li>☑ fait</li>" in page and "<li>☐ à faire</li>" in page


def test_the_site_yaml_markdown_value_is_checked(network, capsys):
    network.site("a", "name: A\nmarkdown: markdwn\n")
    assert main(["check", "-C", str(network.root), "--no-build"]) == 1
    err = capsys.readouterr().err
    assert (
        "sites/a/site.yaml:2: key 'markdown': expected one of commonmark, python-markdown, got 'markdwn'"
        in err
    )


def test_the_header_is_read_as_python_markdown_reads_it():
    text = "---\nTitle: Un titre\nTags: a,\n    b\nTags: c\n---\nTexte\n"
    meta, body, start = split_header(text)
    assert meta == {"title": ["Un titre"], "tags": ["a,", "b", "c"]}
    assert body == ["Texte", ""] and start == 6
    assert split_header("Title: x\nPas un champ\n")[1:] == (["Pas un champ", ""], 1)


def test_heading_ids_are_unique_and_keep_those_given():
    converted = heading_ids(
        '<h2 id="plan">A</h2><h2>Plan</h2><h3>Été &amp; <em>hiver</em></h3><h3>Été &amp; hiver</h3>'
    )
    assert converted == (
        '<h2 id="plan">A</h2><h2 id="plan-1">Plan</h2><h3 id="ete-hiver">Été &amp; <em>hiver</em></h3>'
        '<h3 id="ete-hiver-1">Été &amp; hiver</h3>'
    )


def test_check_dialect_lists_the_documents_that_would_change_with_their_line(network, capsys):
    network.site("a", "name: A\nmarkdown: python-markdown\n")
    table = "| Jour | Heure |\n|------|-------|\n| lundi | 14 h |\n"
    network.article(
        "a", "quatre", "Quatre", "2026-01-01", body=f"Intro.\n\n- un\n    - sous-point\n- deux\n\n{table}"
    )
    network.article(
        "a", "deux", "Deux", "2026-01-01", body=f"Intro.\n\n{table}\n- un\n  - sous-point\n- deux\n"
    )
    network.article("a", "colle", "Collée", "2026-01-01", body="Il faut :\n- un stylo\n- du papier\n")
    assert main(["check", "-C", str(network.root), "--dialect", "commonmark", "a"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        "sites/a/content/colle.md:5: in commonmark: «<p>Il faut :</p><ul><li>un stylo</li>"
    )
    assert out[0].endswith("instead of «<p>Il faut : - un stylo - du papier</p>»")
    assert out[1].startswith(
        "sites/a/content/deux.md:11: in commonmark: «<li>un<ul><li>sous-point</li></ul></li>"
    )
    assert out[1].endswith("instead of «<li>un</li><li>sous-point</li><li>deux</li></ul>»")
    assert len(out) == 3 and "2 document(s) of a would read differently in commonmark" in out[2]
