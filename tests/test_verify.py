"""``citoyens build --verify``: the published tree compared, file by file, with a build of the whole
network from nothing (no store of the incremental build read); real builds of small networks."""

from __future__ import annotations

import os
from pathlib import Path

from citoyens_ssg import i18n
from citoyens_ssg.cli import main
from citoyens_ssg.pipeline.stores import SITE, STORES
from citoyens_ssg.workpaths import WorkPaths


def build_and_verify(network, capsys) -> tuple[int, str]:
    code = main(["build", "-C", str(network.root), "-j", "2", "-q", "--verify"])
    return code, capsys.readouterr().err


def two_sites(network) -> None:
    for slug in ("epn", "radio"):
        network.site(slug, f"name: Association {slug}\n")
        network.article(slug, "premier", f"Premier de {slug}", "2026-03-01 10:00", Category="Vie")
        network.article(slug, "second", f"Second de {slug}", "2026-03-02 10:00", Category="Vie", Tags="vélo")
        event = f"Title: Rendez-vous {slug}\nStart: 2026-03-10 18:00\n\nVenez.\n"
        network.write(f"sites/{slug}/content/agenda/rdv.md", event)


def test_an_incremental_build_is_what_a_build_from_scratch_makes_after_every_kind_of_change(
    network, capsys, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774958400")  # 31 March 2026
    two_sites(network)
    steps = {
        "first build": lambda: None,
        "an edited article": lambda: network.article(
            "epn", "second", "Second de epn, corrigé", "2026-03-02 10:00", Category="Vie", Tags="vélo"
        ),
        "an added article": lambda: network.article(
            "radio", "troisieme", "Troisième de radio", "2026-03-03 10:00", Category="Émissions"
        ),
        "a deleted article": lambda: (network.root / "sites/epn/content/premier.md").unlink(),
        "a renamed article": lambda: (network.root / "sites/radio/content/second.md").rename(
            network.root / "sites/radio/content/deuxieme.md"
        ),
        "an edited theme template": lambda: _edit_template(network),
    }
    for step, change in steps.items():
        change()
        code, err = build_and_verify(network, capsys)
        assert (code, err) == (0, ""), step
        assert not (network.root / ".output.verify").exists(), step  # nothing differs: no scratch build left
    assert "Second de epn, corrigé" in network.read("epn/second.html")
    assert "<!-- modifié -->" in network.read("epn/second.html")


def _edit_template(network) -> None:
    template = network.root / "themes/citoyen/templates/article.html"
    block = "{% block social %}"
    text = template.read_text(encoding="utf-8").replace(block, block + "<!-- modifié -->", 1)
    template.write_text(text, encoding="utf-8")


def test_verify_names_the_page_a_corrupted_store_left_stale(network, capsys, monkeypatch):
    """The file-digests store trusts a file whose size and time did not change: an article edited
    to text of the same length, its time put back, is not seen by the incremental build."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774958400")
    two_sites(network)
    assert build_and_verify(network, capsys) == (0, "")
    article = network.root / "sites/epn/content/premier.md"
    before = article.stat()
    article.write_text(article.read_text(encoding="utf-8").replace("Premier", "Dernier"), encoding="utf-8")
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert article.stat().st_size == before.st_size

    i18n.set_language("fr")
    code, err = build_and_verify(network, capsys)

    assert code == 1
    assert "Premier de epn" in network.read("epn/premier.html")  # the stale page, published
    assert "output/epn/premier.html : diffère d'une construction à partir de rien" in err.splitlines()
    assert "fichiers diffèrent d'une construction à partir de rien" in err
    scratch = network.root / ".output.verify/output/epn/premier.html"
    assert "Dernier de epn" in scratch.read_text(encoding="utf-8")  # kept for the volunteer to compare


def test_explain_names_every_store_a_build_leaves(network, capsys, monkeypatch):
    """Every file a build keeps beside output/ and in .citoyens/ belongs to a store of the table."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774958400")
    two_sites(network)
    assert main(["build", "-C", str(network.root), "-j", "2", "-q"]) == 0
    paths = WorkPaths.of(network.root)
    named = [str(store.path(paths)) for store in STORES]
    stored = [Path(path.replace(SITE, slug)) for path in named for slug in ("epn", "radio")]
    stored = [path.parent if path.name == "…" else path for path in stored]  # a folder of several
    kept = [path for folder in (paths.manifests, paths.state) for path in folder.rglob("*") if path.is_file()]
    kept = [path for path in kept if path != paths.report]  # the report of the last build, for the logs
    assert kept and [path for path in kept if not any(path == s or s in path.parents for s in stored)] == []
    capsys.readouterr()

    i18n.set_language("fr")
    assert main(["build", "-C", str(network.root), "--explain"]) == 0
    table = capsys.readouterr().out
    assert "Clés des pages — .output.manifests/<site>.renders.json" in table
    assert (
        "  invalidé par : une autre clé ; une page modifiée à la main dans output/ est oubliée"
        in table.splitlines()
    )
    assert table.count(" — ") == len(STORES)
