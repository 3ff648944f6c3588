"""Each association keeps to its folder: CODEOWNERS and the CI check of a change."""

from __future__ import annotations

import os
import subprocess

import pytest

from citoyens_ssg.cli import main


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def repository(network):
    network.write("network.yaml", "name: R\nurl: https://r.example.org\nmaintainers: [reseau/mainteneurs]\n")
    network.site("radio", "name: Radio\nmaintainers: [yann, radio/antenne]\n")
    network.site("amap", "name: AMAP\n")
    network.article("radio", "a", "A", "2026-01-01")
    network.article("amap", "b", "B", "2026-01-01")
    git(network.root, "init", "-q", "-b", "main")
    git(network.root, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git(network.root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    return network


def commit(network):
    git(network.root, "add", "-A")
    git(network.root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "change")


def check(network, capsys, *extra) -> tuple[int, str]:
    # -q: the problems only, as the CI job reads them
    code = main(["check", "-q", "-C", str(network.root), "--changed-since", "HEAD~1", *extra])
    return code, capsys.readouterr().err


def test_codeowners_names_each_sites_maintainers(repository):
    assert main(["codeowners", "-C", str(repository.root), "-q"]) == 0
    assert (repository.root / "CODEOWNERS").read_text(encoding="utf-8").splitlines()[1:] == [
        "* @reseau/mainteneurs",
        "/sites/amap/ @reseau/mainteneurs",
        "/sites/radio/ @yann @radio/antenne",
    ]


def test_a_change_inside_one_site_passes(repository, capsys):
    repository.article("radio", "c", "C", "2026-01-02")
    commit(repository)
    assert check(repository, capsys, "--site", "radio") == (0, "")


def test_a_change_straying_into_another_site_or_shared_files_fails(repository, capsys):
    repository.article("radio", "c", "C", "2026-01-02")
    repository.article("amap", "d", "D", "2026-01-02")
    repository.write("netlify.toml", "[build]\n")
    commit(repository)
    code, err = check(repository, capsys)
    assert code == 1
    assert "ERROR sites/amap/content/d.md: this change touches several associations (amap, radio)" in err
    assert "ERROR sites/radio/content/c.md: this change touches several associations (amap, radio)" in err
    assert "ERROR netlify.toml: a shared file, changed along with a site" in err
    code, err = check(repository, capsys, "--site", "radio")
    assert "ERROR sites/amap/content/d.md: outside sites/radio/, where this change must stay" in err
    assert "ERROR netlify.toml: outside sites/radio/" in err
    assert "sites/radio/content/c.md" not in err


def test_an_added_symbolic_link_fails(repository, capsys):
    os.symlink("../../amap/content/b.md", repository.root / "sites/radio/content/lien.md")
    commit(repository)
    code, err = check(repository, capsys)
    assert code == 1
    assert "ERROR sites/radio/content/lien.md: symbolic links may not be added; commit the file itself" in err


def test_check_lists_content_problems_without_building(network, capsys):
    network.site("a", "name: A\n")
    network.write("sites/a/content/date.md", "Title: T\nDate: 12/03/2024\n\nx\n")
    network.write("sites/a/content/typo.md", "Title: T\nDate: 2024-03-12\nTgas: x\n\nx\n")
    assert main(["check", "-C", str(network.root)]) == 1
    err = capsys.readouterr().err
    assert (
        "ERROR sites/a/content/date.md:2: date '12/03/2024' is ambiguous; write it year-month-day: 2024-03-12"
        in err
    )
    assert (
        "WARNING sites/a/content/typo.md:3: unknown metadata 'Tgas:', ignored — did you mean 'Tags'?" in err
    )
    assert not network.output.exists()
