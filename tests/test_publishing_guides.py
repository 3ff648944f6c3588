"""The publishing guides (issue 20, point 8): each host's file does what docs/publier.md says, the
rsync target sends the published folder to a destination, and every site has its 404 in its language."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parent.parent
GUIDE = PROJECT / "docs/publier.md"
LOCALE_VARIABLES = ("CITOYENS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def shell(command: str, root: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES} | {"LANG": "C", **variables}
    return subprocess.run(command, shell=True, cwd=root, env=env, capture_output=True, text=True, timeout=600)


def guide_section(title: str) -> str:
    """The text of one '## …' section of docs/publier.md."""
    text = GUIDE.read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert found, title
    return found.group(1)


@pytest.mark.parametrize(
    "title, working_file",
    [
        ("Netlify", "netlify.toml"),
        ("GitHub Pages", ".github/workflows/publier.yml"),
        ("GitLab Pages et Framagit", ".gitlab-ci.yml"),
        ("Son propre serveur : rsync ou SFTP", "docs/ci/rsync-sftp.yml"),
    ],
)
def test_each_guide_points_at_its_working_file_and_says_how_to_use_ones_own_domain(title, working_file):
    section = guide_section(title)
    assert f"`{working_file}`" in section and (PROJECT / working_file).is_file()
    assert "Nom de domaine" in section and "DNS" in section, title  # the custom domain, for each host
    assert "`url:`" in section or "PUBLIC_URL" in section or "$URL" in section, title


def test_the_readme_points_at_each_hosts_file_and_guide():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    publishing = readme[readme.index("## Publier") : readme.index("## Sécurité")]
    for working_file in ("netlify.toml", ".github/workflows/publier.yml", ".gitlab-ci.yml"):
        assert f"`{working_file}`" in publishing and (PROJECT / working_file).is_file()
    assert "make deploy-rsync DEST=" in publishing
    for anchor in re.findall(r"\(docs/publier\.md#([^)]+)\)", publishing):  # GitHub's anchors of the titles
        titles = re.findall(r"^## (.+)$", GUIDE.read_text(encoding="utf-8"), re.M)
        assert anchor in [re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-") for title in titles], (
            anchor
        )


def test_gitlab_pages_builds_for_the_custom_domain_when_one_is_given():
    """CI_PAGES_URL is GitLab's own address; PUBLIC_URL (a CI/CD variable) is the network's domain."""
    pages = yaml.safe_load((PROJECT / ".gitlab-ci.yml").read_text(encoding="utf-8"))["pages"]
    [publish] = [line for line in pages["script"] if line.startswith("make publish")]
    dry_run = publish.replace("make ", "make -n ", 1)
    gitlab = "https://reseau.frama.io"
    own = shell(dry_run, PROJECT, CI_PAGES_URL=gitlab, PUBLIC_URL="https://reseau.example.org")
    assert "--base-url https://reseau.example.org" in own.stdout, own
    default = shell(dry_run, PROJECT, CI_PAGES_URL=gitlab)
    assert f"--base-url {gitlab}" in default.stdout, default


def hosted_network(network) -> Path:
    """A small network as a host checks it out, with the Makefile and the project's venv."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(PROJECT / name, network.root / name)  # copy2: the venv stays up to date for make
    (network.root / ".venv").symlink_to(PROJECT / ".venv")
    network.site("jardin", "name: Jardin partagé\n")
    network.article("jardin", "semis", "Semis de printemps", "2026-03-01 10:00", "Des graines.")
    return network.root


def published_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_make_deploy_rsync_sends_exactly_the_published_folder(network, tmp_path):
    if not shutil.which("rsync"):
        pytest.skip("rsync is not installed")
    root = hosted_network(network)
    destination = tmp_path / "serveur/www"
    destination.mkdir(parents=True)
    (destination / "ancienne-page.html").write_text("plus publiée")
    first = shell(f"make deploy-rsync DEST={destination}", root)
    assert first.returncode == 0, first.stderr
    assert not (destination / "ancienne-page.html").exists()  # --delete-after: what is gone goes
    assert published_files(destination) == published_files(root / "output")
    assert "Semis de printemps" in (destination / "jardin/semis.html").read_text(encoding="utf-8")
    # A changed file of the same size and date is still sent again: contents are compared.
    page = destination / "jardin/semis.html"
    stat, text = page.stat(), page.read_text(encoding="utf-8")
    page.write_text(text.replace("Semis", "Xemis"), encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = shell(f"make deploy-rsync DEST={destination}", root)
    assert again.returncode == 0, again.stderr
    assert page.read_text(encoding="utf-8") == text
    assert "--delete-after" in again.stdout and "--checksum" in again.stdout


def test_make_deploy_rsync_without_a_destination_says_what_to_write(network):
    root = hosted_network(network)
    result = shell("make deploy-rsync", root)
    assert result.returncode != 0
    assert "make deploy-rsync DEST=utilisateur@serveur:/chemin" in result.stderr
    assert not (root / "output").exists()  # nothing built, nothing sent


def test_an_english_site_and_network_have_their_404_in_english(network):
    network.write("network.yaml", "name: Citizen network\nurl: https://net.example.org\nlanguage: en\n")
    network.site("garden", "name: Community garden\nlanguage: en\n")
    network.site("jardin", "name: Jardin partagé\nlanguage: fr\n")
    network.article("garden", "seeds", "Spring seeds", "2026-03-01 10:00")
    network.article("jardin", "semis", "Semis", "2026-03-01 10:00")
    report = network.build()
    assert report.ok, [str(p) for r in report.sites for p in r.problems]
    expected = (
        ("404.html", "en", "Page not found"),
        ("garden/404.html", "en", "Page not found"),
        ("jardin/404.html", "fr", "Page introuvable"),
    )
    for page, lang, title in expected:
        html = network.read(page)
        assert f'<html lang="{lang}"' in html, page
        assert re.search(rf"<h1[^>]*>\s*{title}\s*</h1>", html), page
    assert "/garden/*  /garden/404.html  404" in network.read("_redirects")
