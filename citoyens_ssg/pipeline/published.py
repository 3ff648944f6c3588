"""What the published tree holds, recorded after each build and checked before the next.

Nothing in the sources may have changed while ``output/`` did: a page deleted or edited by
hand, a stray file dropped in, a folder half copied.  A build must still leave ``output/``
exactly what a cold build would make.  After each publication every file's size, times and
inode and its SHA-256 are recorded; the next build compares each file's ``stat`` (no read:
the change time moves with any write, even one that puts the modification time back) and
reads only a file whose ``stat`` differs (a copied tree, a restored cache) to compare its
digest.  What differs, is missing or was never published names the part of the tree to
make again: a site, or the network's own pages.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Iterator
from pathlib import Path

NETWORK_PART = ""  # the network's own pages: everything outside the sites' folders


def record_published(tree: Path, record: Path) -> None:
    """Record every file of ``tree``; a digest is computed only for what changed since ``record``."""
    known = _load(record)
    current = {}
    for relative, stat in _files(tree):
        was = known.get(relative)
        # The same inode, size and time as checked at the start of the build: the same bytes (its
        # change time moved when the build linked it into the new tree).
        digest = was[4] if was is not None and was[:3] == stat[:3] else _digest(tree / relative)
        current[relative] = [*stat, digest]
    _write(record, current)


def record_folder(tree: Path, record: Path, folder: str) -> None:
    """Record again only what ``tree/folder`` holds now (the dev server's search index, swapped in
    after the build that recorded the tree): the next build does not take it for damage and make
    the site again."""
    known = _load(record)
    if not known:
        return  # nothing recorded: the next build checks nothing
    prefix = f"{folder}/"
    current = {relative: was for relative, was in known.items() if not relative.startswith(prefix)}
    for relative, stat in _files(tree / folder):
        current[prefix + relative] = [*stat, _digest(tree / folder / relative)]
    _write(record, current)


def _write(record: Path, current: dict[str, list]) -> None:
    record.parent.mkdir(parents=True, exist_ok=True)
    temporary = record.with_name(f"{record.name}.{os.getpid()}")
    temporary.write_text(json.dumps(current, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, record)


def damaged_parts(tree: Path, record: Path, sites: Collection[str]) -> dict[str, set[str]] | None:
    """The parts of ``tree`` that are not what was published: for each (a site's name, or
    ``NETWORK_PART``), its files that changed or went missing (relative to the part) —
    an extra file damages its part without naming a file to make again.
    None when nothing was recorded (a tree from before this check, or none)."""
    known = _load(record)
    if not known:
        return None
    damaged: dict[str, set[str]] = {}
    present = 0  # recorded files found: when all are, none is missing (no set of every name to make)
    for relative, stat in _files(tree):
        was = known.get(relative)
        present += was is not None
        if was is not None and _same(was, stat, tree, relative):
            continue
        part, inside = _part(relative, sites)
        damaged.setdefault(part, set()).update([inside] if was is not None else [])
    if present < len(known):
        for relative in known.keys() - {relative for relative, _stat in _files(tree)}:
            part, inside = _part(relative, sites)
            damaged.setdefault(part, set()).add(inside)
    return damaged


def _same(was: list, stat: list[int], tree: Path, relative: str) -> bool:
    """Untouched (the same stat), or the same bytes (a copied tree, a restored cache).  The path is
    made only to read the file: making 45,000 ``Path`` objects cost a nothing-changed build 0.4 s."""
    return was[:4] == stat or (was[0] == stat[0] and was[4] == _digest(tree / relative))


def _part(relative: str, sites: Collection[str]) -> tuple[str, str]:
    first, _slash, rest = relative.partition("/")
    return (first, rest) if rest and first in sites else (NETWORK_PART, relative)


def _files(tree: Path) -> Iterator[tuple[str, list[int]]]:
    """(relative path, [size, mtime, inode, ctime]) of every file under ``tree``; a symbolic link
    counts as a file that was never published (the build writes none).  Plain strings, not
    ``Path``: this runs over every published file at every build."""
    root = str(tree)
    start = len(root) + 1
    stack = [root]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
                continue
            stat = entry.stat(follow_symlinks=False)
            inode = -1 if entry.is_symlink() else stat.st_ino
            relative = entry.path[start:].replace(os.sep, "/")
            yield relative, [stat.st_size, stat.st_mtime_ns, inode, stat.st_ctime_ns]


def _digest(path: Path) -> str:
    try:
        if path.is_symlink():
            return "symbolic link"
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return "unreadable"


def _load(record: Path) -> dict[str, list]:
    try:
        return json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
