"""Writing the published tree without ever leaving it half-written.

A build assembles a whole new tree beside the published one and replaces it
with renames; files are written to a temporary name and renamed.  A failed
or interrupted build leaves what was published before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Collection
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


def replace_tree(new: Path, published: Path, trash: Path, carried: Collection[str] = ()) -> None:
    """Put the folder ``new`` where ``published`` is, by renames only.

    ``carried`` names folders of the published tree that ``new`` holds as
    symbolic links to them (sites that were not rebuilt): each is moved into
    ``new`` by one rename, however many files it holds.  The previous tree is
    moved aside first and deleted last; should a rename fail, everything is put
    back, so readers always find a whole tree (none at all for the few renames'
    time, as the swap always had for one).
    """
    shutil.rmtree(trash, ignore_errors=True)
    if published.exists():
        os.replace(published, trash)
    moved: list[str] = []
    try:
        for name in carried:
            if (new / name).is_symlink() and (trash / name).is_dir():
                (new / name).unlink()
                os.replace(trash / name, new / name)
                moved.append(name)
        os.replace(new, published)
    except OSError:
        for name in reversed(moved):
            os.replace(new / name, trash / name)
        if trash.exists():
            os.replace(trash, published)
        raise
    shutil.rmtree(trash, ignore_errors=True)


def carry(published_folder: Path, new_folder: Path) -> None:
    """Stand for a folder of the published tree in the next one, until ``replace_tree`` moves it in."""
    new_folder.symlink_to(published_folder.resolve(), target_is_directory=True)


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
