"""Writing the published tree without ever leaving it half-written.

A site is built into a staging folder and swapped in with renames once the
build succeeded; network pages are written to a temporary file and renamed.
A failed or interrupted build leaves what was published before.
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


def swap_in(staged: Path, published: Path, trash: Path) -> None:
    """Replace the folder ``published`` by ``staged``; the old one goes to ``trash``."""
    published.parent.mkdir(parents=True, exist_ok=True)
    trash.mkdir(parents=True, exist_ok=True)
    old = None
    if published.exists():
        old = Path(tempfile.mkdtemp(dir=trash, prefix=published.name + "-"))
        os.replace(published, old / "previous")
    try:
        os.replace(staged, published)
    except OSError:
        if old is not None:  # put the previous version back before reporting
            os.replace(old / "previous", published)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def copy_tree(source: Path, destination: Path) -> None:
    """Copy a folder of static files, following no symbolic link out of it."""
    for path in sorted(source.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        relative = path.relative_to(source)
        write_file(destination, relative, path.read_bytes())
