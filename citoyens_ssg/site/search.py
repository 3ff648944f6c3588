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

Pagefind has no incremental mode: it makes a whole index again for one page changed (about
4 ms a page: 4 s on a site of 1,000 articles).  A site of more than ``WHOLE_UP_TO`` indexed
pages has its index in parts: each page in one part by a stable hash of its name, each part
a Pagefind index of its own, and only the parts whose pages changed are made again.  The
first part is ``pagefind/`` as for any site; the others are ``pagefind/parties/<n>/``
(their data only: the first part's script and Pagefind's program serve them all);
``pagefind/parties.json`` lists them (none for a site in one part), and the theme's search
module (``pagefind-mots/pagefind.js``) merges them as the network's search merges the sites'
indexes, with the same filter of Pagefind's sub-word answers: a part that lacks a word answers
with pieces of other words, which the filter drops.
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
INDEX_FORMAT = 3  # raise it when citoyens changes how it runs Pagefind or edits its output
WHOLE_UP_TO = 300  # indexed pages a site may have before its index is made in parts
PART_PAGES = 128  # about what one part holds: half a second of Pagefind
PAGEFIND_PROCESSES = 2  # Pagefind processes making parts side by side (each uses one core)
PARTS = "parties"  # the folder of the other parts, in the bundle
PARTS_LIST = "parties.json"  # the list the search module reads, in the bundle
# What a part other than the first keeps of Pagefind's output: its data, not the program.
PART_KEEPS = ("pagefind-entry.json", "*.pf_meta", "index", "fragment", "filter")


def index_site(
    parent: Path, slug: str, pages: Iterable[Path] | None = None, bundle: Path | None = None
) -> str | None:
    """Index ``parent/slug`` into ``bundle`` (its pagefind/ folder unless told); the reason if it failed.

    Page URLs are relative to the site's folder (``x.html``): Pagefind's search puts the
    folder above the bundle in front (``/slug/`` on the host, ``/copy/slug/`` in a copy
    served elsewhere), on each site's search page and in the network's merged search."""
    return _PagefindRun(parent, slug, pages, bundle or parent / slug / BUNDLE).result()


class _PagefindRun:
    """Pagefind started on ``pages`` linked into a scratch folder of the bundle's own, so that
    two can run side by side; ``result`` waits for it: the reason if it failed, else None."""

    def __init__(self, parent: Path, slug: str, pages: Iterable[Path] | None, bundle: Path):
        self.bundle = bundle
        self.scratch = parent / f".search-{slug}-{bundle.name}"
        self.failure: str | None = None
        self.process: subprocess.Popen | None = None
        shutil.rmtree(self.scratch, ignore_errors=True)
        try:
            for page in indexed_pages(parent / slug) if pages is None else pages:
                linked = self.scratch / page.relative_to(parent / slug)
                linked.parent.mkdir(parents=True, exist_ok=True)
                os.link(page, linked)
            self.process = subprocess.Popen(
                self._command(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        except OSError as error:
            self.failure = str(error)
            shutil.rmtree(self.scratch, ignore_errors=True)

    def _command(self) -> list[str]:
        site, output = str(self.scratch), str(self.bundle)
        return [*_pagefind(), "--site", site, "--glob", "**/*.html", "--output-path", output, "--silent"]

    def result(self) -> str | None:
        if self.process is None:
            return self.failure
        try:
            stdout, stderr = self.process.communicate(timeout=600)
        except subprocess.TimeoutExpired as error:
            self.process.kill()
            self.process.communicate()
            return str(error)
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
        if self.process.returncode != 0:
            lines = (stderr or stdout).strip().splitlines()
            return lines[-1] if lines else f"exit code {self.process.returncode}"
        languages_in_order(self.bundle / "pagefind-entry.json")
        return None


def make_index(
    site: Path,
    pages: dict[Path, bytes],
    bundle: Path | None = None,
    previous: Path | None = None,
    previous_key: str | None = None,
) -> str | None:
    """The index of ``site`` (``pages`` as ``indexed_pages`` gives them) in ``bundle`` (its
    pagefind/ folder unless told), part by part: a part whose key is in ``previous_key`` is
    linked from the bundle ``previous``, the others are made.  The reason if it failed."""
    bundle = bundle or site / BUNDLE
    parts = split(site, pages)
    keys = part_keys(site, parts)
    old = (previous_key or "").split()
    listed, to_make = [], []
    for number, part in enumerate(parts):
        folder = bundle / PARTS / str(number) if number else bundle
        if not part:  # a part no page fell in: none to make, none to list
            continue
        if number:
            listed.append(f"{PARTS}/{number}/")
        current = old[number : number + 1] == keys[number : number + 1]
        if not (previous and current and _link_part(previous, folder, number)):
            to_make.append((number, folder, part))
    failure = _make_parts(site, to_make)
    if failure is None:
        try:
            (bundle / PARTS_LIST).write_text(json.dumps({PARTS: listed}), encoding="utf-8")
        except OSError as error:  # serve's tree replaced by a rebuild meanwhile: this index is lost
            return str(error)
    return failure


def _make_parts(site: Path, to_make: list[tuple[int, Path, dict[Path, bytes]]]) -> str | None:
    """Pagefind works on one core: two parts at a time (a large site's cold build, a template edited),
    two processes started from this one thread (a thread would take address space from the worker's
    memory limit).  The first reason a part failed, if one did."""
    failures = []
    for first in range(0, len(to_make), PAGEFIND_PROCESSES):
        batch = to_make[first : first + PAGEFIND_PROCESSES]
        runs = [_PagefindRun(site.parent, site.name, pages, folder) for _number, folder, pages in batch]
        for (number, folder, _pages), run in zip(batch, runs):
            failures.append(run.result())
            if failures[-1] is None and number:  # the first part's program serves the others
                failures[-1] = _keep_data_only(folder)
    return next((failure for failure in failures if failure is not None), None)


def split(site: Path, pages: dict[Path, bytes]) -> list[dict[Path, bytes]]:
    """``pages`` in parts: one for a site of up to ``WHOLE_UP_TO`` pages, else a power of two
    (a site that grows past one doubles them: each part splits in two), a page's part given
    by a hash of its name, so that it stays in its part as other pages come and go."""
    count = 1
    while len(pages) > WHOLE_UP_TO and count * PART_PAGES < len(pages):
        count *= 2
    parts: list[dict[Path, bytes]] = [{} for _ in range(count)]
    for page, page_digest in pages.items():
        name = page.relative_to(site).as_posix().encode()
        parts[int.from_bytes(hashlib.sha256(name).digest()[:8], "big") % count][page] = page_digest
    return parts


def index_key(site: Path, pages: dict[Path, bytes]) -> str:
    """What the index is made from, each part's key in order (``part_keys``), in one string."""
    return " ".join(part_keys(site, split(site, pages)))


def part_keys(site: Path, parts: list[dict[Path, bytes]]) -> list[str]:
    """What each part is made from: Pagefind and how it is run, the site, the part's place among
    the parts, its pages' names and bytes (each page's digest)."""
    keys = []
    for number, pages in enumerate(parts):
        digest = hashlib.sha256(
            f"{library_versions()}|{INDEX_FORMAT}|{site.name}|{number}/{len(parts)}".encode()
        )
        for page, page_digest in pages.items():
            digest.update(b"\0" + page.relative_to(site).as_posix().encode() + b"\0")
            digest.update(page_digest)
        keys.append(digest.hexdigest()[:32])
    return keys


def _link_part(previous: Path, folder: Path, number: int) -> bool:
    """Part ``number`` of the bundle ``previous`` linked as ``folder``; False when it cannot be."""
    source = previous / PARTS / str(number) if number else previous
    if not (source / "pagefind-entry.json").is_file():
        return False
    skipped = shutil.ignore_patterns(PARTS, PARTS_LIST) if not number else None
    try:
        shutil.copytree(source, folder, symlinks=True, copy_function=os.link, ignore=skipped)
    except (OSError, shutil.Error):  # another file system, a tree replaced: Pagefind makes it
        shutil.rmtree(folder, ignore_errors=True)
        return False
    return True


def _keep_data_only(folder: Path) -> str | None:
    """The reason it failed: serve's tree replaced by a rebuild while the part was made."""
    try:
        kept = {path for pattern in PART_KEEPS for path in folder.glob(pattern)}
        for path in folder.iterdir():
            if path not in kept:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    except OSError as error:
        return str(error)
    return None


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
