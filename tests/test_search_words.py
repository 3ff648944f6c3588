"""The search pages' filter of unrelated results, run with node on the theme's own module."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import PROJECT

MODULE = PROJECT / "themes/citoyen/static/js/pagefind-mots/pagefind.js"


def kept(term: str, pages: list[dict]) -> list[str]:
    """The titles of ``pages`` (Pagefind result data) the filter keeps for ``term``."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    script = (
        f"import {{ keepResult, wordsOf }} from {json.dumps(MODULE.as_uri())};\n"
        f"const pages = {json.dumps(pages)};\n"
        f"const words = wordsOf({json.dumps(term)});\n"
        "console.log(JSON.stringify(pages.filter((page) => keepResult(words, page)).map((page) => "
        "page.meta.title)));\n"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(done.stdout)


PAGES = [
    {
        "meta": {"title": "Atelier tablette"},
        "content": "Venez à l'espace numérique, les ateliers sont gratuits.",
    },
    {"meta": {"title": "Le jardin partagé"}, "content": "À la rentrée, les légumes d'hiver."},
    {"meta": {"title": "Réunion publique"}, "content": "Rénovation de la place."},
]


def test_a_word_no_page_has_keeps_nothing():
    assert kept("abricot", PAGES) == []  # Pagefind's answer: the pages holding « à »
    assert kept("zzz", PAGES) == []


def test_real_matches_are_kept_with_accents_plurals_and_word_starts():
    assert kept("ateliers", PAGES) == ["Atelier tablette"]
    assert kept("renovation", PAGES) == ["Réunion publique"]
    assert kept("jard", PAGES) == ["Le jardin partagé"]
    assert kept("abricot jardin", PAGES) == ["Le jardin partagé"]
    assert kept("à", PAGES) == ["Atelier tablette", "Le jardin partagé"]
