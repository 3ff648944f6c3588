"""A large site's search index in parts (site/search.py): found in a real Chromium as a whole index
would be, an edit makes one part again, and the result is a cold build's bytes."""

from __future__ import annotations

import json
import logging
import shlex
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import chromium, static_host
from test_incremental import files

from citoyens_ssg.dev.search_later import Indexer
from citoyens_ssg.pipeline.options import BuildOptions
from citoyens_ssg.site import search

WORDS = "vélo jardin radio atelier tablette quartier marché concert lecture repas".split()


@pytest.fixture
def parted(network, monkeypatch, source_date_epoch):
    """A site of twelve articles whose index is made in parts of about two pages (the forked site
    workers inherit the settings), each article with two words of WORDS; only two say
    « compostage »."""
    source_date_epoch("2026-10-21")
    monkeypatch.setattr(search, "WHOLE_UP_TO", 3)
    monkeypatch.setattr(search, "PART_PAGES", 2)
    network.site("a", "name: Association A\n")
    for number in range(12):
        words = f"{WORDS[number % 10]} et {WORDS[(number + 3) % 10]}"
        extra = " Le compostage collectif commence." if number in (2, 9) else ""
        network.article(
            "a",
            f"article-{number:02}",
            f"Article {number}",
            f"2026-01-{number + 1:02}",
            body=f"Un texte sur {words}, pour tout le monde.{extra}",
        )
    network.site("b", "name: Association B\n")
    network.article("b", "seul", "Le seul", "2026-01-01", body="Rien sur ce sujet, un potager.")
    assert network.build().ok
    return network


def count_pagefind_runs(monkeypatch, folder: Path) -> Path:
    """The file where each Pagefind run of the next builds writes a line: a script put in front of
    Pagefind (the forked site workers inherit it)."""
    runs, script = folder / "pagefind-runs", folder / "pagefind-counted"
    script.write_text(
        f'#!/bin/sh\necho run >> {shlex.quote(str(runs))}\nexec {shlex.join(search._pagefind())} "$@"\n'
    )
    script.chmod(0o755)
    monkeypatch.setattr(search, "_pagefind", lambda: [str(script)])
    return runs


def parts(output, slug="a") -> list[str]:
    return json.loads((output / slug / "pagefind/parties.json").read_text(encoding="utf-8"))["parties"]


def found(page, words: str) -> list[str]:
    return sorted(urlsplit(link).path for link in page.search(words))


def test_a_word_in_some_parts_finds_exactly_its_pages_and_a_word_no_page_has_finds_nothing(parted):
    assert len(parts(parted.output)) >= 3  # the index is in parts (and one site in one)
    assert parts(parted.output, "b") == []
    with static_host(parted.output) as address, chromium() as browser:
        page = browser.new_page()
        for search_page in ("/a/recherche.html", "/recherche/"):
            page.goto(address + search_page)
            assert found(page, "compostage") == ["/a/article-02.html", "/a/article-09.html"]
            assert found(page, "abricot") == []  # Pagefind's sub-word answers of each part dropped
            assert found(page, "concert") == ["/a/article-04.html", "/a/article-07.html"]
        page.goto(address + "/recherche/")
        assert found(page, "potager") == ["/b/seul.html"]
        page.close()


def test_an_edit_makes_one_part_again_and_ends_as_a_cold_build(parted, tmp_path, monkeypatch):
    runs = count_pagefind_runs(monkeypatch, tmp_path)
    parted.article("a", "article-05", "Article 5", "2026-01-06", body="Désormais : permaculture.")
    assert parted.build().ok
    assert runs.read_text().split() == ["run"]  # one part of the site's index made again, of several
    incremental = files(parted.output)
    cold = tmp_path / "cold"
    shutil.copytree(parted.root, cold, ignore=shutil.ignore_patterns("output", ".output.*", ".citoyens"))
    parted.root = cold
    assert parted.build().ok
    assert files(cold / "output") == incremental
    with static_host(cold / "output") as address, chromium() as browser:
        page = browser.new_page()
        page.goto(address + "/a/recherche.html")
        assert found(page, "permaculture") == ["/a/article-05.html"]
        page.close()


def test_a_tree_replaced_under_serves_indexer_costs_its_index_not_a_traceback(
    parted, tmp_path, monkeypatch, caplog
):
    """serve makes a large site's index in a thread while a rebuild may replace the published tree,
    and with it the folder a part was just made in: that index is not made (a warning line), the
    thread goes on to the next site, nothing is raised in it."""
    script = tmp_path / "pagefind-then-tree-replaced"
    script.write_text(
        "#!/bin/sh\n"
        f'{shlex.join(search._pagefind())} "$@" || exit\n'
        'while [ "$1" != --output-path ]; do shift; done\n'
        'rm -rf "$2"\n'  # the folder Pagefind wrote in, gone with the tree a rebuild replaced
    )
    script.chmod(0o755)
    parted.article("a", "article-05", "Article 5", "2026-01-06", body="Désormais : permaculture.")
    parted.article("b", "seul", "Le seul", "2026-01-01", body="Désormais : un verger.")
    assert parted.build(search_later=True).ok
    monkeypatch.setattr(search, "_pagefind", lambda: [str(script)])
    raised = []
    monkeypatch.setattr(threading, "excepthook", raised.append)
    indexer = Indexer(parted.output, BuildOptions(parted.root).paths)
    with caplog.at_level(logging.WARNING, logger="citoyens_ssg.dev.search_later"):
        with indexer.lock:
            indexer.after_rebuild({"a", "b"})
        with indexer.done:
            indexer.done.wait_for(lambda: indexer.indexed == 2, timeout=30)
    assert [hook.exc_value for hook in raised] == []
    assert indexer.indexed == 2 and not indexer.pending
    said = [record.getMessage().split(":")[0] for record in caplog.records]
    assert said == [f"the search index of {slug} was not made" for slug in "ab"]


def test_a_list_of_parts_kept_by_the_browser_does_not_outlive_a_rebuild(parted):
    """A host that lets browsers keep a file ten minutes (GitHub Pages: max-age=600): after a rebuild
    with fewer parts, a reader back on the search page searches the parts there are now, not those
    of the list the browser kept (gone: Pagefind fails on them, and the whole search with them)."""

    with (parted.output / "_headers").open("a", encoding="utf-8") as rules:  # read as the host starts
        rules.write("/a/pagefind/parties.json\n  Cache-Control: public, max-age=600\n")
    with static_host(parted.output) as address, chromium() as browser:
        page = browser.new_page()
        page.goto(address + "/a/recherche.html")
        assert found(page, "vélo") == ["/a/article-00.html", "/a/article-07.html", "/a/article-10.html"]
        before = parts(parted.output)
        for number in range(5, 12):
            (parted.root / f"sites/a/content/article-{number:02}.md").unlink()
        assert parted.build().ok
        assert not set(before) <= set(parts(parted.output))  # parts the kept list names are gone
        page.goto(address + "/a/recherche.html?retour")  # another address: not a reload
        assert found(page, "vélo") == ["/a/article-00.html"]
        page.close()
