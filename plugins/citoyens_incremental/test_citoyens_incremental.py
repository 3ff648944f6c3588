"""citoyens_incremental on its test_data/: a site built again renders no page whose inputs did not
change (its published files are kept, the very same files), and renders again what an edit shows."""

from __future__ import annotations

from pathlib import Path

from citoyens_ssg.workpaths import WorkPaths

# The templates of the site's pages in test_data/ (its two articles, their tags, its listings).
SITE_PAGES = {
    "article.html",
    "tag.html",
    "tags.html",
    "index.html",
    "archives.html",
    "categories.html",
    "category.html",
    "author.html",
    "authors.html",
    "search.html",
    "agenda.html",
}


def published(site: Path) -> dict[str, int]:
    """Each page and feed of a site, by the file it is (its inode): a rendered page is a new file."""
    return {
        str(path.relative_to(site)): path.stat().st_ino
        for path in site.rglob("*")
        if path.suffix in (".html", ".xml")
    }


def test_a_second_run_renders_nothing_new_and_an_edit_only_what_shows_it(
    plugin_network, source_date_epoch, rendered_templates
):
    source_date_epoch("2026-10-21")
    site = plugin_network.output / "journal"
    assert plugin_network.build().ok
    first = published(site)
    assert rendered_templates().count("article.html") == 2
    assert "jardin.html" in first and "velo.html" in first and "feeds/all.atom.xml" in first

    WorkPaths.of(plugin_network.root).fingerprint("journal").unlink()  # the site is built again, not skipped
    report = plugin_network.build()
    assert report.ok and [result.unchanged for result in report.sites] == [False]
    assert not SITE_PAGES & set(rendered_templates())  # the network's pages are made again, not the site's
    assert published(site) == first

    velo = plugin_network.root / "sites/journal/content/velo.md"
    velo.write_text(velo.read_text(encoding="utf-8").replace("les freins", "les pneus"), encoding="utf-8")
    assert plugin_network.build().ok
    again = published(site)
    assert rendered_templates().count("article.html") == 1  # velo.html; and the listings showing its text
    for untouched in ("jardin.html", "tag/jardin.html"):
        assert again[untouched] == first[untouched]
    assert again["velo.html"] != first["velo.html"]
    assert "On répare les pneus." in plugin_network.read("journal/velo.html")
    assert again["feeds/all.atom.xml"] != first["feeds/all.atom.xml"]  # the feed carries the text
