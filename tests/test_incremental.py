"""Incremental builds and shards give the same bytes as a cold build."""

from __future__ import annotations

import shutil

import markdown
import pytest
from pelican.utils import get_date

from citoyens_ssg.cli import main
from citoyens_ssg.config.load import load_network
from citoyens_ssg.pipeline.build import BuildOptions, build
from citoyens_ssg.pipeline.shards import merge, shard_sites
from citoyens_ssg.site import commonmark
from citoyens_ssg.site.reading import iso_date, plain_paragraph


def files(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def six_sites(network):
    for n, slug in enumerate(("epn", "radio", "amap", "quartier", "velo", "theatre")):
        network.site(slug, f"name: Association {slug}\n")
        network.article(slug, "a", f"Premier de {slug}", f"2026-0{n + 1}-01 10:00", Category="Vie")
        network.article(slug, "b", f"Second de {slug}", f"2026-0{n + 1}-02 10:00", Category="Vie")
        network.write(
            f"sites/{slug}/content/agenda/rdv.md",
            f"Title: Rendez-vous {slug}\nStart: 2026-0{n + 1}-10 18:00\n\nVenez.\n",
        )


def test_only_changed_sites_are_rebuilt_and_the_result_matches_a_cold_build(
    network, tmp_path, source_date_epoch
):
    source_date_epoch("2026-10-21")
    six_sites(network)
    first = build(BuildOptions(network.root, jobs=2))
    assert not any(r.unchanged for r in first.sites)
    again = build(BuildOptions(network.root, jobs=2))
    assert all(r.unchanged for r in again.sites)
    untouched_sitemap = (network.output / "epn/sitemap.xml").stat().st_ino
    network.article("radio", "b", "Second de radio, corrigé", "2026-02-02 10:00", Category="Vie")
    edited = build(BuildOptions(network.root, jobs=2))
    assert [r.slug for r in edited.sites if not r.unchanged] == ["radio"]
    assert (
        network.output / "epn/sitemap.xml"
    ).stat().st_ino == untouched_sitemap  # a site's sitemap stays with its pages
    incremental = files(network.output)
    cold = tmp_path / "cold"
    shutil.copytree(network.root, cold, ignore=shutil.ignore_patterns("output", ".output.*", ".citoyens"))
    build(BuildOptions(cold, jobs=2))
    assert files(cold / "output") == incremental
    assert "Second de radio, corrigé" in network.read("planet/index.html")


def test_a_fresh_clone_given_the_last_builds_folders_rebuilds_only_what_changed(
    network, tmp_path, source_date_epoch
):
    """What CI does with a cache: a new checkout (every file with a new time, elsewhere), the build
    folders restored."""
    source_date_epoch("2026-10-21")
    six_sites(network)
    assert build(BuildOptions(network.root, jobs=2)).ok
    clone = tmp_path / "clone"
    shutil.copytree(network.root, clone, copy_function=shutil.copyfile)  # bytes only: new times, no links
    report = build(BuildOptions(clone, jobs=2))
    assert report.ok and all(site.unchanged for site in report.sites)
    network_page = clone / "output/index.html"
    published = network_page.stat().st_ino
    (clone / "sites/radio/content/b.md").write_text(
        "Title: Second de radio\nDate: 2026-02-02 10:00\nCategory: Vie\n\nRetouché.\n", encoding="utf-8"
    )
    report = build(BuildOptions(clone, jobs=2))
    assert report.ok and [site.slug for site in report.sites if not site.unchanged] == ["radio"]
    assert "Retouché." in (clone / "output/radio/b.html").read_text(encoding="utf-8")
    assert network_page.stat().st_ino != published  # the portal lists the edit


def test_a_theme_change_rebuilds_the_sites_using_it(network, source_date_epoch):
    source_date_epoch("2026-10-21")
    network.site("a", "name: A\n")
    network.site("b", "name: B\ntheme: onde\n")
    build(BuildOptions(network.root, jobs=2))
    onde = network.root / "themes/onde/static/css/onde.css"
    onde.write_text(onde.read_text() + "\n/* changé */\n")
    report = build(BuildOptions(network.root, jobs=2))
    assert {r.slug: r.unchanged for r in report.sites} == {"a": True, "b": False}
    assert "changé" in next(network.output.glob("b/theme/*/css/onde.css")).read_text()


def test_a_site_shown_before_the_network_pages_ends_as_a_cold_build(network, tmp_path, source_date_epoch):
    """``serve`` puts an edited site in the published tree before the network stage: its pages are
    the new ones when the callback runs, the planet still the old one; the tree at the end and the
    next build's view of it are a cold build's."""
    source_date_epoch("2026-10-21")
    six_sites(network)
    build(BuildOptions(network.root, jobs=2))
    network.article("radio", "b", "Second de radio, corrigé", "2026-02-02 10:00", Category="Vie")
    seen = []

    def shown(result):
        seen.append((result.slug, network.read("radio/b.html"), network.read("planet/index.html")))

    assert build(BuildOptions(network.root, jobs=2, search_later=True), on_site_shown=shown).ok
    [(slug, page, planet)] = seen
    assert slug == "radio" and "corrigé" in page and "corrigé" not in planet
    assert "Second de radio, corrigé" in network.read("planet/index.html")
    assert all(r.unchanged for r in build(BuildOptions(network.root, jobs=2)).sites if r.slug != "radio")
    cold = tmp_path / "cold"
    shutil.copytree(network.root, cold, ignore=shutil.ignore_patterns("output", ".output.*", ".citoyens"))
    build(BuildOptions(cold, jobs=2))
    assert files(cold / "output") == files(network.output)


def test_three_shards_merged_are_the_single_build(network, tmp_path, source_date_epoch):
    source_date_epoch("2026-10-21")
    six_sites(network)
    config = load_network(network.root)
    parts = [shard_sites(config, k, 3) for k in (1, 2, 3)]
    assert set().union(*parts) == {s.slug for s in config.sites} and sum(len(p) for p in parts) == 6
    single = tmp_path / "single"
    build(BuildOptions(network.root, output_dir=single, jobs=2))
    shards = []
    for k in (1, 2, 3):
        shard = tmp_path / f"shard{k}"
        assert main(["build", "-C", str(network.root), "--shard", f"{k}/3", "-o", str(shard)]) == 0
        assert not (shard / "index.html").exists()
        shards.append(shard)
    merged = tmp_path / "merged"
    report = merge(BuildOptions(network.root, output_dir=merged), shards)
    assert report.ok
    assert files(merged) == files(single)


def test_nothing_changed_leaves_the_published_tree_as_it_is(network, source_date_epoch):
    source_date_epoch("2026-10-21")
    six_sites(network)
    build(BuildOptions(network.root, jobs=2))
    portal = network.output / "index.html"
    before = portal.stat().st_ino
    report = build(BuildOptions(network.root, jobs=2))
    assert all(r.unchanged for r in report.sites) and report.ok
    assert portal.stat().st_ino == before  # not even rewritten
    assert report.articles["radio"] == 2
    network.write("network.yaml", "name: Réseau renommé\nurl: https://reseau.example.org\n")
    build(BuildOptions(network.root, jobs=2))
    assert "Réseau renommé" in network.read("index.html")


def blog(network):
    network.site("blog", "name: Le blog\n")
    for n, (name, category, tags) in enumerate(
        (
            ("a", "Vie", "fête"),
            ("b", "Vie", "jardin"),
            ("c", "Ateliers", "fête, jardin"),
            ("d", "Ateliers", "vélo"),
            ("e", "Quartier", "fête"),
        )
    ):
        network.article(
            "blog",
            name,
            f"Article {name}",
            f"2026-03-0{n + 1} 10:00",
            body=f"Le texte de {name}, [vers a]({{filename}}/a.md).",
            Category=category,
            Tags=tags,
        )
    network.write("sites/blog/content/pages/contact.md", "Title: Contact\n\nÉcrivez-nous.\n")


def same_as_cold_build(network, tmp_path, name, site="blog"):
    cold = tmp_path / name
    shutil.copytree(network.root, cold, ignore=shutil.ignore_patterns("output", ".output.*", ".citoyens"))
    assert build(BuildOptions(cold, jobs=2)).ok
    assert files(cold / "output" / site) == files(network.output / site)


def test_inside_a_site_only_what_changed_is_rendered_and_the_result_matches_a_cold_build(
    network, dialect, tmp_path, source_date_epoch, rendered_templates
):
    source_date_epoch("2026-10-21")
    blog(network)
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert rendered_templates().count("article.html") == 5
    untouched = (network.output / "blog/a.html").stat().st_ino

    network.article(
        "blog", "b", "Article b", "2026-03-02 10:00", body="Un texte corrigé.", Category="Vie", Tags="jardin"
    )
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert rendered_templates().count("article.html") == 1  # b only; listings showing b are rendered too
    assert (network.output / "blog/a.html").stat().st_ino == untouched  # not even rewritten
    assert "Un texte corrigé." in network.read("blog/b.html")
    same_as_cold_build(network, tmp_path, "after-edit")

    network.article(
        "blog", "f", "Article f", "2026-03-09 10:00", body="Nouveau.", Category="Vie", Tags="fête"
    )
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert "Article f" in network.read("blog/index.html")
    same_as_cold_build(network, tmp_path, "after-addition")

    (network.root / "sites/blog/content/c.md").unlink()
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert not (network.output / "blog/c.html").exists()
    same_as_cold_build(network, tmp_path, "after-deletion")

    (network.root / "sites/blog/content/d.md").rename(network.root / "sites/blog/content/d-renomme.md")
    network.article(
        "blog",
        "d-renomme",
        "Article d renommé",
        "2026-03-04 10:00",
        body="Le texte de d.",
        Category="Ateliers",
        Tags="vélo",
    )
    (network.root / "sites/blog/content/d.md").unlink(missing_ok=True)
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert "Article d renommé" in network.read("blog/category/ateliers.html")
    same_as_cold_build(network, tmp_path, "after-rename")


def test_an_edited_template_renders_again_only_the_pages_made_with_it(
    network, tmp_path, source_date_epoch, rendered_templates
):
    source_date_epoch("2026-10-21")
    blog(network)
    assert build(BuildOptions(network.root, jobs=2)).ok
    rendered_templates()
    tag = network.root / "themes/citoyen/templates/tag.html"
    tag.write_text(
        tag.read_text(encoding="utf-8").replace("<h1>", "<p>Étiquette retouchée</p>\n<h1>", 1),
        encoding="utf-8",
    )
    assert build(BuildOptions(network.root, jobs=2)).ok
    rendered = rendered_templates()
    site_pages = {
        "article.html",
        "page.html",
        "index.html",
        "tag.html",
        "category.html",
        "author.html",
        "archives.html",
        "tags.html",
        "categories.html",
        "authors.html",
        "search.html",
        "agenda.html",
        "event.html",
    }
    assert rendered.count("tag.html") == 3 and set(rendered) & site_pages == {
        "tag.html"
    }  # fête, jardin, vélo
    assert "Étiquette retouchée" in network.read("blog/tag/velo.html")
    same_as_cold_build(network, tmp_path, "cold-tag")
    rendered_templates()  # forget the cold build's
    base = network.root / "themes/citoyen/templates/base.html"
    base.write_text(
        base.read_text(encoding="utf-8").replace("</body>", "<p>Pied retouché</p>\n</body>", 1),
        encoding="utf-8",
    )
    assert build(BuildOptions(network.root, jobs=2)).ok
    rendered = rendered_templates()
    assert (
        rendered.count("article.html") == 5 and rendered.count("tag.html") == 3 and "index.html" in rendered
    )
    assert "Pied retouché" in network.read("blog/a.html")
    same_as_cold_build(network, tmp_path, "cold-base")


def test_a_new_day_renders_again_only_the_pages_it_changes(
    network, tmp_path, source_date_epoch, rendered_templates
):
    source_date_epoch("2026-10-21")  # 2026-10-21 at 2 a.m. in Paris
    blog(network)
    network.write(
        "sites/blog/content/agenda/rdv.md", "Title: Rendez-vous\nStart: 2026-10-21 18:00\n\nVenez.\n"
    )
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert 'id="passes"' not in network.read("blog/agenda/index.html")  # the meeting is upcoming
    rendered_templates()
    source_date_epoch("2026-10-23")  # two days later: the meeting is past
    report = build(BuildOptions(network.root, jobs=2))
    assert report.ok and not next(site for site in report.sites if site.slug == "blog").unchanged
    assert {
        name
        for name in rendered_templates()
        if not name.startswith(("network_", "planet", "portal", "directory", "map"))
    } == {"agenda.html", "event.html"}
    assert "Rendez-vous</a>" in network.read("blog/agenda/index.html").split('id="passes"')[1]
    same_as_cold_build(network, tmp_path, "cold-next-day")


def test_a_feed_without_articles_is_dated_by_the_build_day_and_the_same_as_a_cold_build(
    network, tmp_path, source_date_epoch
):
    """A new association with pages only: its feeds have no item, so no date of their own."""
    source_date_epoch("2026-10-21 09:00")  # 2026-10-21, 11 a.m. in Paris
    network.site("nouvelle", "name: Nouvelle association\n")
    network.write(
        "sites/nouvelle/content/pages/qui.md", "Title: Qui sommes-nous\n\nUne association toute neuve.\n"
    )
    assert build(BuildOptions(network.root, jobs=2)).ok
    feed = network.feed("nouvelle/feeds/all.atom.xml")
    assert feed.entries == [] and feed.feed.updated_parsed[:6] == (2026, 10, 21, 0, 0, 0)
    source_date_epoch("2026-10-21 10:00")  # an hour later: the same bytes
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert network.feed("nouvelle/feeds/all.atom.xml").feed.updated_parsed[:6] == (2026, 10, 21, 0, 0, 0)
    same_as_cold_build(network, tmp_path, "cold-same-day", "nouvelle")
    source_date_epoch("2026-10-22")  # the next day
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert network.feed("nouvelle/feeds/all.rss.xml").feed.updated_parsed[:3] == (2026, 10, 22)
    same_as_cold_build(network, tmp_path, "cold-next-day", "nouvelle")


def test_an_articles_entry_in_listings_is_rendered_once_for_all_of_them(network, rendered_templates):
    blog(network)
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert (
        sorted(name for name in rendered_templates() if name == "article_summary.html")
        == ["article_summary.html"] * 5
    )
    entry = (
        '<h2><a href="/blog/c.html">Article c</a></h2>\n'
        '  <p class="meta"><time datetime="2026-03-03T10:00:00+01:00">3 mars 2026</time> · '
        '<a href="/blog/category/ateliers.html">Ateliers</a></p>\n'
        '  <div class="excerpt"><p>Le texte de c, <a href="/blog/a.html" rel="noopener">vers a</a>.</p></div>'
    )
    for page in ("index.html", "category/ateliers.html", "tag/fete.html", "tag/jardin.html"):
        assert entry in network.read(f"blog/{page}"), page
    assert "Article c" not in network.read("blog/tag/velo.html")


def test_an_unchanged_document_is_not_converted_again(network, dialect, monkeypatch):
    blog(network)
    assert build(BuildOptions(network.root, jobs=2)).ok
    before = network.read("blog/b.html")

    def no_conversion(self, text):
        raise AssertionError("converted again")

    monkeypatch.setattr(markdown.Markdown, "convert", no_conversion)  # forked site workers inherit it
    monkeypatch.setattr(commonmark, "convert", lambda text: no_conversion(None, text))
    for article in (network.root / "sites/blog/content").glob("*.md"):
        article.touch()  # the site is rebuilt, its texts are the same
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert network.read("blog/b.html") == before
    network.article(
        "blog", "b", "Article b", "2026-03-02 10:00", body="Changé.", Category="Vie", Tags="jardin"
    )
    assert not build(
        BuildOptions(network.root, jobs=2)
    ).ok  # a changed text is converted: the patch is reached


def test_a_small_edit_leaves_the_memo_as_it_is_and_many_rewrite_it(network):
    network.site("grand", "name: Grand\n")
    for n in range(40):
        network.article(
            "grand",
            f"a{n:02d}",
            f"Article {n}",
            f"2026-03-01 10:{n:02d}",
            body=f"Texte numéro {n}, un mot *appuyé*.",
        )
    assert build(BuildOptions(network.root, jobs=2)).ok
    memo = network.root / ".citoyens/memo/grand.json.gz"
    written = memo.read_bytes()
    network.article("grand", "a07", "Article 7", "2026-03-01 10:07", body="Texte *modifié*.")
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert "<em>modifié</em>" in network.read("grand/a07.html")
    assert memo.read_bytes() == written  # making one entry again costs less than rewriting forty
    for n in range(20):
        network.article(
            "grand", f"a{n:02d}", f"Article {n}", f"2026-03-01 10:{n:02d}", body=f"Texte *changé* {n}."
        )
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert memo.read_bytes() != written


# Plain lines take the shortcut; anything Markdown could read otherwise goes through Markdown.
PLAIN_SUMMARIES = [
    "Bonjour à tous, l’atelier (gratuit) ouvre « samedi » !",
    "Rendez-vous 12:30, salle 4.",
    "Élan: suite; fin?",
    "Fin avec deux espaces  ",
]
MARKED_UP_SUMMARIES = [
    "1. une liste",
    "- un tiret",
    "Un *gras*",
    "snake_case",
    "Deux\nlignes",
    "A & B",
    "<b>x</b>",
    "[lien](http://a.b)",
    "# Titre",
    "> citation",
    "Un `code`",
    "Texte {: .classe}",
    "    code",
]


@pytest.mark.parametrize("summary", PLAIN_SUMMARIES + MARKED_UP_SUMMARIES)
def test_a_plain_summary_skips_markdown_and_gives_the_same_html(summary):
    parser = markdown.Markdown(
        extensions=["markdown.extensions.extra", "markdown.extensions.codehilite"], output_format="html5"
    )
    fast = plain_paragraph(summary)
    if summary in PLAIN_SUMMARIES:  # a shortcut that answers None for everything would be no shortcut
        assert fast == parser.convert(summary)
    else:
        assert fast is None


@pytest.mark.parametrize(
    "text",
    ["2026-03-05", "2026-03-05 18:30", "2026-03-05T18:30", "2026-03-05 18:30:45", "2026-12-31T00:00:00"],
)
def test_a_written_date_is_read_as_pelican_reads_it(text):
    quick = iso_date(text)
    assert quick == get_date(text) and type(quick) is type(get_date(text)) and quick.tzinfo is None


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2026-13-01 10:00",
        "2026-03-05 25:00",
        "2026-03-05  18:30",
        "2026-03-05 18:30+01:00",
        "05/03/2026",
        "2026-3-5",
        "2026-03-05 18h30",
    ],
)
def test_other_dates_are_left_to_pelicans_parser(text):
    assert iso_date(text) is None


def test_a_listing_split_into_pages_renders_only_the_page_showing_the_edit(
    network, tmp_path, source_date_epoch, rendered_templates
):
    source_date_epoch("2026-10-21")
    network.site("blog", "name: Le blog\n")
    for n in range(25):  # three pages of ten on the home page
        network.article(
            "blog",
            f"a{n:02d}",
            f"Article {n}",
            f"2026-03-{n + 1:02d} 10:00",
            body=f"Texte {n}.",
            Category="Vie",
        )
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert rendered_templates().count("index.html") == 3
    network.article(
        "blog", "a24", "Article 24", "2026-03-25 10:00", body="Texte 24, corrigé.", Category="Vie"
    )
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert rendered_templates().count("index.html") == 1  # the newest article is on the first page only
    assert "Texte 24, corrigé." in network.read("blog/index.html")
    cold = tmp_path / "cold"
    shutil.copytree(network.root, cold, ignore=shutil.ignore_patterns("output", ".output.*", ".citoyens"))
    assert build(BuildOptions(cold, jobs=2)).ok
    assert files(cold / "output" / "blog") == files(network.output / "blog")
