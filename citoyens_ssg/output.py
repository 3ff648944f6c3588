"""Writing the published tree without ever leaving it half-written.

A build assembles a whole new tree beside the published one and replaces it
with renames; files are written to a temporary name and renamed.  A failed
or interrupted build leaves what was published before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class OutputEscape(ValueError):
    """A write would land outside the output folder."""


def inside(root: Path, relative: str | Path) -> Path:
    """``root / relative``, refusing anything that resolves outside ``root``."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise OutputEscape(f"{relative} is outside {root}")
    return target


def write_file(root: Path, relative: str | Path, data: bytes | str) -> Path:
    """Write ``root/relative`` atomically: readers see the old or the new file, never half."""
    target = inside(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def replace_tree(new: Path, published: Path, trash: Path) -> None:
    """Put the folder ``new`` where ``published`` is, by renames only.

    The previous tree is moved aside first and deleted last; should the second
    rename fail, it is put back, so readers always find a whole tree.
    """
    shutil.rmtree(trash, ignore_errors=True)
    if published.exists():
        os.replace(published, trash)
    try:
        os.replace(new, published)
    except OSError:
        if trash.exists():
            os.replace(trash, published)
        raise
    shutil.rmtree(trash, ignore_errors=True)


def link_tree(source: Path, destination: Path) -> None:
    """A copy of ``source`` made of hard links: instant, and no byte duplicated.

    Safe because nothing is ever rewritten in place: every write makes a new file.
    """
    shutil.copytree(source, destination, symlinks=True, copy_function=os.link)


def copy_tree(source: Path, destination: Path) -> None:
    """Copy a folder of static files, following no symbolic link out of it."""
    for path in sorted(source.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        relative = path.relative_to(source)
        write_file(destination, relative, path.read_bytes())
