"""Search without a server: Pagefind indexes each site as it is built.

Each site gets its own index, ``<site>/pagefind/``, made by the site's worker
right after Pelican (under ``serve``, by ``dev.search_later`` once the page is shown): a
site's search page searches that site only, the network's search page merges every site's
index (or, narrowed to one association, loads only its index).  Unchanged sites keep theirs.  Per-site
indexes also keep builds reproducible: Pagefind's filter files are not
byte-stable from one run to the next, its plain indexes are.

Pagefind reads every page it is given, even those it will not index; it is
given only the pages marked ``data-pagefind-body`` (all pages when the theme
marks none), linked into a scratch folder: the index is the same, a third
faster to make.  When those pages are the ones the published index was made
from, byte for byte (a rebuild that changed no indexed page: the day turned, a
style sheet was edited), the published index is linked instead of made again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from citoyens_ssg.digests import library_versions

BUNDLE = "pagefind"
MARK = b"data-pagefind-body"
INDEX_FORMAT = 2  # raise it when citoyens changes how it runs Pagefind or edits its output


def index_site(
    parent: Path, slug: str, pages: Iterable[Path] | None = None, bundle: Path | None = None
) -> str | None:
    """Index ``parent/slug`` into ``bundle`` (its pagefind/ folder unless told); the reason if it failed.

    Page URLs are relative to the site's folder (``x.html``): Pagefind's search puts the
    folder above the bundle in front (``/slug/`` on the host, ``/copy/slug/`` in a copy
    served elsewhere), on each site's search page and in the network's merged search."""
    bundle = bundle or parent / slug / BUNDLE
    scratch = parent / f".search-{slug}"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        for page in indexed_pages(parent / slug) if pages is None else pages:
            linked = scratch / page.relative_to(parent / slug)
            linked.parent.mkdir(parents=True, exist_ok=True)
            os.link(page, linked)
        result = subprocess.run(_command(parent, slug, bundle), capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return lines[-1] if lines else f"exit code {result.returncode}"
    languages_in_order(bundle / "pagefind-entry.json")
    return None


def _command(parent: Path, slug: str, bundle: Path) -> list[str]:
    return [
        *_pagefind(),
        "--site",
        str(parent / f".search-{slug}"),
        "--glob",
        "**/*.html",
        "--output-path",
        str(bundle),
        "--silent",
    ]


def index_key(site: Path, pages: dict[Path, bytes]) -> str:
    """What the index is made from: Pagefind and how it is run, the site, the pages' names and bytes
    (``pages`` as ``indexed_pages`` gives them: each page's digest)."""
    digest = hashlib.sha256(f"{library_versions()}|{INDEX_FORMAT}|{site.name}".encode())
    for page, page_digest in pages.items():
        digest.update(b"\0" + page.relative_to(site).as_posix().encode() + b"\0")
        digest.update(page_digest)
    return digest.hexdigest()[:32]


def reuse_index(published_site: Path, site: Path) -> bool:
    """Link the published site's index into ``site``; False when it cannot be."""
    bundle = published_site / BUNDLE
    if not (bundle / "pagefind-entry.json").is_file():
        return False
    try:
        shutil.copytree(bundle, site / BUNDLE, symlinks=True, copy_function=os.link)
    except (OSError, shutil.Error):  # another file system: Pagefind makes it
        shutil.rmtree(site / BUNDLE, ignore_errors=True)
        return False
    return True


def languages_in_order(entry: Path) -> None:
    """Pagefind lists a multilingual site's languages in any order: sorted, rebuilds give the same bytes."""
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    data["languages"] = dict(sorted(data.get("languages", {}).items()))
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def indexed_pages(site: Path) -> dict[Path, bytes]:
    """The pages Pagefind will index: those marked for it, or every page when none is; in order,
    each with the SHA-256 of its bytes, for ``index_key`` (each page is read once)."""
    pages = {}
    marked = {}
    for page in sorted(site.rglob("*.html")):
        data = page.read_bytes()
        pages[page] = hashlib.sha256(data).digest()
        if MARK in data:
            marked[page] = pages[page]
    return marked or pages


def _pagefind() -> list[str]:
    """Pagefind's own executable when the wheel ships it: no Python start-up in between."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "pagefind"]
