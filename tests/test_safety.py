"""Hostile and broken content: sanitised, refused with file and line, never published active."""

from __future__ import annotations

import os
import re
import threading

import pytest

from citoyens_ssg.cli import main
from citoyens_ssg.content.sanitize import clean_html, plain_text, safe_link

# JSON-LD data blocks are not executed (and tojson escapes "<" inside them).
ACTIVE = re.compile(
    r"<script(?![^>]*application/ld\+json)|<iframe|<object|<embed|<form|<input|<style|\bon\w+\s*=|javascript:|vbscript:|data:text/html",
    re.IGNORECASE,
)

HOSTILE_BODY = """\
Un paragraphe sain.

<script>alert(1)</script>
<img src="x.png" onerror="alert(2)" alt="image">
<p onclick="alert(3)" style="background:url(javascript:alert(4))">texte gardé</p>
<iframe src="https://www.youtube.com/embed/x"></iframe>
<form action="https://evil.example"><input name="motdepasse"></form>
<svg><script>alert(5)</script></svg>
<math><mi xlink:href="javascript:alert(6)">m</mi></math>
<object data="x.swf"></object><embed src="x.swf">

[lien piégé](javascript:alert(7)) [autre](JaVaScRiPt&#58;alert(8))
[données](data:text/html,<script>x</script>)

| a | b |
|---|---|
| <abbr title="Espace public numérique">EPN</abbr> | ok |
"""


def build(network, capsys) -> tuple[int, str]:
    code = main(["build", "-C", str(network.root), "-j", "2"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    "fragment",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt&#58;alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
        '<p onclick="x()" onmouseover="y()">x</p>',
        '<div style="background:url(javascript:alert(1))">x</div><style>p{}</style>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        "<svg><script>alert(1)</script></svg>",
        '<form><input type="password"></form><object data="x"></object><embed src="x">',
    ],
)
def test_the_sanitiser_removes_active_content(fragment):
    assert not ACTIVE.search(clean_html(fragment))


def test_the_sanitiser_keeps_structure_and_resolves_relative_urls():
    cleaned = clean_html(
        '<figure><img src="img/a.png" alt="Un chat"><figcaption>Légende</figcaption></figure><a '
        'href="../page.html">lien</a>',
        base_url="https://blog.example.org/2026/billet/",
        link_rel="nofollow noopener",
    )
    assert '<img src="https://blog.example.org/2026/billet/img/a.png" alt="Un chat">' in cleaned
    assert '<a href="https://blog.example.org/2026/page.html" rel="nofollow noopener">lien</a>' in cleaned
    assert "<figcaption>Légende</figcaption>" in cleaned
    assert plain_text("&lt;img src=x onerror=alert(1)&gt; <b>gras</b>") == "<img src=x onerror=alert(1)> gras"
    assert safe_link("javascript:alert(7)") is None and safe_link("data:text/html,x") is None
    assert safe_link("/billet", "https://blog.example.org/a/") == "https://blog.example.org/billet"


def test_hostile_markdown_is_sanitised_in_pages_and_feeds(network, dialect, capsys):
    network.site("a", "name: A\n")
    network.article(
        "a",
        "piege",
        'Titre <img src=x onerror=alert(9)> & "guillemets"',
        "2026-01-01",
        body=HOSTILE_BODY,
        Summary='<script>alert(10)</script>Résumé <a href="javascript:alert(11)">piégé</a>',
    )
    code, err = build(network, capsys)
    assert code == 0, err
    slug = "piege"  # the address comes from the file name
    for relative in (
        f"a/{slug}.html",
        "a/index.html",
        "a/feeds/all.atom.xml",
        "a/feeds/all.rss.xml",
        "planet/index.html",
        "planet/atom.xml",
        "planet/rss.xml",
        "index.html",
    ):
        text = network.read(relative)
        if relative.endswith(".xml"):
            text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"')
        assert not ACTIVE.search(text), (relative, ACTIVE.search(text))
    page = network.read(f"a/{slug}.html")
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
        assert "<" not in block and ">" not in block
    assert "texte gardé" in page and "Un paragraphe sain." in page
    assert '<abbr title="Espace public numérique">EPN</abbr>' in page
    assert "<h1>Titre  &amp; &#34;guillemets&#34;</h1>" in page
    assert [e.title for e in network.feed("planet/atom.xml").entries] == ['Titre  & "guillemets"']


def test_a_trusted_site_may_embed_frames_but_only_network_yaml_says_so(network, capsys):
    network.write("network.yaml", "name: R\nurl: https://r.example.org\ntrusted_sites: [radio]\n")
    video = '<iframe src="https://video.example.org/embed/1"></iframe>'
    network.site("radio", "name: Radio\n")
    network.article("radio", "video", "Vidéo", "2026-01-01", body=video)
    network.site("autre", "name: Autre\n")
    network.article("autre", "video", "Vidéo", "2026-01-01", body=video)
    assert build(network, capsys)[0] == 0
    assert '<iframe src="https://video.example.org/embed/1">' in network.read("radio/video.html")
    assert "<iframe" not in network.read("autre/video.html")
    network.write("sites/autre/site.yaml", "name: Autre\ntrusted_sites: [autre]\n")
    code, err = build(network, capsys)
    assert code == 1 and "sites/autre/site.yaml:2: unknown key 'trusted_sites'" in err


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Save_as: ../output-evil/pwn.html",
            "sites/a/content/bad.md:3: 'Save_as:' is not allowed in content: addresses are set by citoyens",
        ),
        ("Url: ../../x.html", "sites/a/content/bad.md:3: 'Url:' is not allowed in content"),
        ("Template: ../../etc/passwd", "sites/a/content/bad.md:3: 'Template:' is not allowed in content"),
        (
            "Slug: ../../x",
            "sites/a/content/bad.md:3: Slug '../../x' must use lowercase letters, digits and hyphens only",
        ),
        ("Slug: /tmp/abs", "sites/a/content/bad.md:3: Slug '/tmp/abs' must use"),
        ("Status: publié", "sites/a/content/bad.md:3: Status 'publié' is unknown"),
    ],
)
def test_path_like_metadata_is_refused(network, capsys, header, expected):
    network.site("a", "name: A\n")
    network.write("sites/a/content/bad.md", f"Title: Mauvais\nDate: 2026-01-01\n{header}\n\nTexte.\n")
    network.article("a", "bon-article", "Bon article", "2026-01-02")
    code, err = build(network, capsys)
    assert code == 1
    assert expected in err, err
    assert (network.output / "a" / "bon-article.html").is_file()
    assert (
        not (network.root / "output-evil").exists() and not (network.output.parent / "output-evil").exists()
    )
    assert not list(network.output.rglob("pwn.html"))


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (
            "12/03/2024",
            "sites/a/content/quand.md:2: date '12/03/2024' is ambiguous; write it year-month-day: 2024-03-12",
        ),
        (
            "12 mars 2024",
            "sites/a/content/quand.md:2: date '12 mars 2024' not understood; write it year-month-day",
        ),
        ("2024-02-30", "sites/a/content/quand.md:2: date '2024-02-30' does not exist in the calendar"),
        (
            "2024-03-31 02:30",
            "sites/a/content/quand.md:2: 2024-03-31 02:30 does not exist in Europe/Paris: clocks go forward",
        ),
    ],
)
def test_dates_are_unambiguous(network, capsys, date, expected):
    network.site("a", "name: A\n")
    network.write("sites/a/content/quand.md", f"Title: Quand\nDate: {date}\n\nTexte.\n")
    code, err = build(network, capsys)
    assert code == 1 and expected in err, err


def test_an_ambiguous_autumn_hour_is_read_the_same_way_every_time(network, capsys):
    network.site("a", "name: A\n")
    network.article("a", "heure", "Heure d'hiver", "2024-10-27 02:30")
    assert build(network, capsys)[0] == 0
    assert "2024-10-27T02:30:00+02:00" in network.read("a/heure.html")


def test_broken_files_are_named_and_the_rest_is_built(network, capsys):
    network.site("a", "name: A\n")
    content = network.root / "sites/a/content"
    network.article("a", "article-sain", "Article sain", "2026-01-01")
    (content / "vide.md").write_text("")
    (content / "latin.md").write_bytes("Title: Été\nDate: 2026-01-01\n\nLigne deux\nCafé\n".encode("latin-1"))
    (content / "enorme.md").write_text("Title: Énorme\nDate: 2026-01-01\n\n" + "mot " * 300_000)
    (content / "citations.md").write_text("Title: Citations\nDate: 2026-01-01\n\n" + ">" * 5000 + " x\n")
    (content / "crochets.md").write_text("Title: Crochets\nDate: 2026-01-01\n\n" + "[" * 100_000 + "\n")
    network.write("sites/a/content/!!!.md", "Title: ???\nDate: 2026-01-01\n\nTexte.\n")
    network.write("sites/a/content/typo.md", "Title: Faute\nDate: 2026-01-01\nTgas: atelier\n\nTexte.\n")
    code, err = build(network, capsys)
    assert code == 1
    for expected in (
        "ERROR sites/a/content/vide.md: empty file",
        "ERROR sites/a/content/latin.md:1: not UTF-8: byte 0xC9",
        "ERROR sites/a/content/enorme.md: file too large",
        "ERROR sites/a/content/citations.md:4: quotes nested more than 32 deep",
        "ERROR sites/a/content/crochets.md:4: brackets [ nested more than 64 deep",
        "ERROR sites/a/content/!!!.md: a file or folder name may hold letters, digits, spaces and . _ - ( ) "
        "+ , only; rename it",
        "WARNING sites/a/content/typo.md:3: unknown metadata 'Tgas:', ignored — did you mean 'Tags'?",
    ):
        assert expected in err, (expected, err)
    assert "Traceback" not in err
    assert (network.output / "a" / "article-sain.html").is_file()
    assert (network.output / "a" / "typo.html").is_file()


def test_links_out_of_the_site_and_case_twins_are_refused(network, capsys):
    network.site("a", "name: A\n")
    network.site("b", "name: B\n")
    network.article("b", "secret", "Secret de B", "2026-01-01")
    content = network.root / "sites/a/content"
    network.article("a", "article-sain", "Article sain", "2026-01-01")
    os.symlink("/etc/passwd", content / "passwd.md")
    os.symlink(network.root / "sites/b/content/secret.md", content / "vol.md")
    network.write("sites/a/content/Photo.md", "Title: Photo 1\nDate: 2026-01-01\n\nx\n")
    network.write("sites/a/content/photo.md", "Title: Photo 2\nDate: 2026-01-01\n\nx\n")
    os.makedirs(content / "images")
    os.symlink("/etc", content / "images" / "etc")
    code, err = build(network, capsys)
    assert code == 1
    assert "FAILED a: not published" in err
    assert "ERROR sites/a/content/passwd.md: symbolic links are refused in a site's folder" in err
    assert "ERROR sites/a/content/vol.md: symbolic links are refused in a site's folder" in err
    assert "ERROR sites/a/content/images/etc: symbolic links are refused in a site's folder" in err
    assert not (network.output / "a").exists()
    assert (network.output / "b" / "secret.html").is_file()
    for link in ("passwd.md", "vol.md", "images/etc"):
        (content / link).unlink()
    code, err = build(network, capsys)
    assert re.search(
        r"ERROR sites/a/content/[Pp]hoto\.md: '[Pp]hoto\.md' and '[Pp]hoto\.md' differ only by case", err
    )
    assert (network.output / "a" / "article-sain.html").is_file()


def test_an_interrupted_build_leaves_the_published_tree(network, capsys, monkeypatch):
    from citoyens_ssg.network import stage as network_stage

    network.site("a", "name: A\n")
    network.article("a", "premier", "Premier", "2026-01-01")
    assert build(network, capsys)[0] == 0
    before = {p.relative_to(network.output): p.read_bytes() for p in network.output.rglob("*") if p.is_file()}
    network.article("a", "deuxieme", "Deuxième", "2026-01-02")

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(network_stage, "build_network_pages", killed)
    assert main(["build", "-C", str(network.root)]) == 130
    after = {p.relative_to(network.output): p.read_bytes() for p in network.output.rglob("*") if p.is_file()}
    assert after == before


def test_a_swap_that_fails_puts_back_every_site_it_was_carrying(network, capsys, monkeypatch):
    """Sites not rebuilt move into the next tree by renames at the swap: a failed rename puts all back."""
    for slug in ("a", "b", "c"):
        network.site(slug, f"name: {slug.upper()}\n")
        network.article(slug, "un", f"Premier de {slug}", "2026-01-01")
    assert build(network, capsys)[0] == 0
    folder_b = (network.output / "b").stat().st_ino

    def published_tree():
        return {
            p.relative_to(network.output): p.read_bytes() for p in network.output.rglob("*") if p.is_file()
        }

    before = published_tree()
    network.article("a", "deuxieme", "Deuxième", "2026-01-02")
    replace = os.replace

    def refused_last_rename(source, target):
        if os.path.basename(source) == ".output.next":  # the new tree taking the published one's place
            raise OSError("disque plein")
        return replace(source, target)

    monkeypatch.setattr(os, "replace", refused_last_rename)
    with pytest.raises(OSError, match="disque plein"):
        main(["build", "-C", str(network.root)])
    monkeypatch.undo()
    assert published_tree() == before and (network.output / "b").stat().st_ino == folder_b
    assert not any(path.is_symlink() for path in network.output.rglob("*"))
    assert build(network, capsys)[0] == 0  # the next build goes through, b and c carried again
    assert (network.output / "b").stat().st_ino == folder_b and "Deuxième" in (
        network.output / "a/deuxieme.html"
    ).read_text(encoding="utf-8")
    assert not any(path.is_symlink() for path in network.output.rglob("*"))


def test_source_date_epoch_decides_what_is_in_the_future(network, capsys, source_date_epoch):
    network.site("a", "name: A\n")
    network.article("a", "article-de-juin", "Article de juin", "2026-06-01 10:00")
    source_date_epoch("2026-05-01")
    assert build(network, capsys)[0] == 0
    assert not (network.output / "a" / "article-de-juin.html").exists()
    assert network.feed("planet/atom.xml").entries == []
    source_date_epoch("2026-07-01")
    assert build(network, capsys)[0] == 0
    assert (network.output / "a" / "article-de-juin.html").is_file()


def test_a_later_clock_reaches_the_sites_when_the_parent_has_threads(network, source_date_epoch):
    """With a thread running (the dev server's), the sites are built by a fork server's children,
    which had the server's environment, frozen when it started: a later SOURCE_DATE_EPOCH (the
    next day in a long serve, a test's clock) never reached them and a scheduled post stayed out."""
    network.site("radio")
    network.article("radio", "demain", "Émission de demain", "2026-06-02 10:00")
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait, daemon=True)
    waiting.start()  # the dev server's threads: workers come from a fork server
    try:
        source_date_epoch("2026-06-01")
        assert network.build().ok
        assert not (network.output / "radio/demain.html").exists()
        source_date_epoch("2026-06-03")
        assert network.build().ok
        assert "Émission de demain" in network.read("radio/demain.html")
    finally:
        stop.set()
