"""A large site's documents converted on both cores before Pelican renders: same pages, byte for byte."""

from __future__ import annotations

import shutil

from pelican.settings import read_settings

from citoyens_ssg.config.load import load_network
from citoyens_ssg.config.themes import resolve_theme
from citoyens_ssg.pipeline.build import BuildOptions, build
from citoyens_ssg.site import prepass, reading
from citoyens_ssg.site.context import SETTING
from citoyens_ssg.site.settings import site_settings

ARTICLES = 24


def article(network, n: int) -> None:
    network.article(
        "grand",
        f"a{n:02d}",
        f"Article {n}",
        f"2026-03-01 10:{n:02d}",
        Summary=f"Résumé *{n}* : court.",
        body=f"## Partie\n\nTexte **{n}** : « oui » !\n\n<script>alert({n})</script>\n\n| a | b "
        f"|\n|---|---|\n| {n} | x |\n",
    )


def large_site(network) -> None:
    network.site("grand", "name: Grand\n")
    for n in range(ARTICLES):
        article(network, n)
    network.write(
        "sites/grand/content/br.md",
        "Title: Brezhoneg\nDate: 2026-03-02\nLang: br\nSlug: a00\n\nDegemer mat !\n",
    )


def tree(folder) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_two_halves_are_converted_and_the_pages_are_those_of_a_build_without(
    network, tmp_path, monkeypatch
):
    large_site(network)
    alone = tmp_path / "sans"
    shutil.copytree(network.root, alone)
    monkeypatch.setattr(prepass, "ENOUGH", 10)  # forked site workers inherit it
    forked = tmp_path / "forked"
    fork = prepass._fork_converting

    def noted(reader, documents):
        forked.write_text(str(len(documents)))  # in the site's worker
        return fork(reader, documents)

    monkeypatch.setattr(prepass, "_fork_converting", noted)
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert forked.read_text() == str((ARTICLES + 1) - (ARTICLES + 1) // 2)  # the child's half
    forked.unlink()
    network.article("grand", "a05", "Article 5", "2026-03-01 10:05", body="Corrigé.")
    assert build(
        BuildOptions(network.root, jobs=2)
    ).ok  # one document to convert: Pelican does it, nothing is read twice
    assert not forked.exists() and "Corrigé." in network.read("grand/a05.html")
    article(network, 5)  # back as it was: the site is now the one copied, built without the pre-pass
    monkeypatch.setattr(prepass, "ENOUGH", 10**9)
    assert build(BuildOptions(network.root, jobs=2)).ok
    assert build(BuildOptions(alone, jobs=2)).ok
    assert tree(network.output) == tree(alone / "output")
    page = network.read("grand/a03.html")
    assert (
        '<h2 id="partie">Partie</h2>' in page and "alert(" not in page and "«\u202foui\u202f»\u202f!" in page
    )


def test_the_child_hands_back_its_half(network, tmp_path, monkeypatch):
    large_site(network)
    config = load_network(network.root)
    site = config.site("grand")
    overrides = site_settings(
        config, site, resolve_theme(config.themes_dir, site.theme), tmp_path / "out", tmp_path / "m.json"
    )
    overrides[SETTING] = overrides[SETTING].replace(memo_path=None)  # a memo of its own, not saved
    monkeypatch.setattr(prepass, "ENOUGH", 10)
    monkeypatch.setattr(reading, "_SITE_MEMOS", {})
    made = prepass.convert_in_parallel(read_settings(override=overrides))
    assert made == 2 * (ARTICLES + 1)  # each document's conversion and finished body, both halves
