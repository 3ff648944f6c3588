"""Incremental builds and shards give the same bytes as a cold build."""

from __future__ import annotations

import shutil

from citoyens_ssg.build import build, merge, shard_sites
from citoyens_ssg.cli import main
from citoyens_ssg.config import load_network


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def six_sites(network):
    for n, slug in enumerate(("epn", "radio", "amap", "quartier", "velo", "theatre")):
        network.site(slug, f"name: Association {slug}\n")
        network.article(slug, "a", f"Premier de {slug}", f"2026-0{n + 1}-01 10:00", Category="Vie")
        network.article(slug, "b", f"Second de {slug}", f"2026-0{n + 1}-02 10:00", Category="Vie")
        network.write(f"sites/{slug}/content/agenda/rdv.md", f"Title: Rendez-vous {slug}\nStart: 2026-0{n + 1}-10 18:00\n\nVenez.\n")


def test_only_changed_sites_are_rebuilt_and_the_result_matches_a_cold_build(network, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1792540800")
    six_sites(network)
    first = build(network.root, jobs=2)
    assert not any(r.unchanged for r in first.sites)
    again = build(network.root, jobs=2)
    assert all(r.unchanged for r in again.sites)
    network.article("radio", "b", "Second de radio, corrigé", "2026-02-02 10:00", Category="Vie")
    edited = build(network.root, jobs=2)
    assert [r.slug for r in edited.sites if not r.unchanged] == ["radio"]
    incremental = files(network.output)
    cold = tmp_path / "cold"
    shutil.copytree(network.root, cold, ignore=shutil.ignore_patterns("output", ".output.*", ".citoyens"))
    build(cold, jobs=2)
    assert files(cold / "output") == incremental
    assert "Second de radio, corrigé" in network.read("planet/index.html")


def test_a_theme_change_rebuilds_the_sites_using_it(network, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1792540800")
    network.site("a", "name: A\n")
    network.site("b", "name: B\ntheme: onde\n")
    build(network.root, jobs=2)
    onde = network.root / "themes/onde/static/css/onde.css"
    onde.write_text(onde.read_text() + "\n/* changé */\n")
    report = build(network.root, jobs=2)
    assert {r.slug: r.unchanged for r in report.sites} == {"a": True, "b": False}
    assert "changé" in network.read("b/theme/css/onde.css")


def test_three_shards_merged_are_the_single_build(network, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1792540800")
    six_sites(network)
    config = load_network(network.root)
    parts = [shard_sites(config, k, 3) for k in (1, 2, 3)]
    assert set().union(*parts) == {s.slug for s in config.sites} and sum(len(p) for p in parts) == 6
    single = tmp_path / "single"
    build(network.root, output_dir=single, jobs=2)
    shards = []
    for k in (1, 2, 3):
        shard = tmp_path / f"shard{k}"
        assert main(["build", "-C", str(network.root), "--shard", f"{k}/3", "-o", str(shard)]) == 0
        assert not (shard / "index.html").exists()
        shards.append(shard)
    merged = tmp_path / "merged"
    report = merge(network.root, shards, output_dir=merged)
    assert report.ok
    assert files(merged) == files(single)


def test_nothing_changed_leaves_the_published_tree_as_it_is(network, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1792540800")
    six_sites(network)
    build(network.root, jobs=2)
    portal = network.output / "index.html"
    before = portal.stat().st_ino
    report = build(network.root, jobs=2)
    assert all(r.unchanged for r in report.sites) and report.ok
    assert portal.stat().st_ino == before  # not even rewritten
    assert report.articles["radio"] == 2
    network.write("network.yaml", "name: Réseau renommé\nurl: https://reseau.example.org\n")
    build(network.root, jobs=2)
    assert "Réseau renommé" in network.read("index.html")
