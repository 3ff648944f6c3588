"""Digests of bytes, files and folders, and the versions of the libraries that render a site.

A leaf: it imports nothing of citoyens, so the reading memo, the page keys and the
build's fingerprints can all use one way of hashing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Collection, Iterable, Iterator
from importlib import metadata
from pathlib import Path

PACKAGES = (
    "pelican",
    "markdown",
    "pygments",
    "jinja2",
    "pillow",
    "feedgen",
    "icalendar",
    "nh3",
    "babel",
    "python-dateutil",
    "cmarkgfm",
    "pagefind",
    "pagefind-bin",
)
CODE = Path(__file__).parent  # citoyens itself


@functools.cache
def library_versions() -> str:
    """The versions of the libraries that render a site: a new one rebuilds."""
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return ";".join(found)


def code_salt(plugins: Iterable[Path] = ()) -> str:
    """The one "code + library versions" salt of every key that code can change (the sites' and the
    network's fingerprints, the reading memo): the libraries' versions, citoyens' own files and
    the plugins' (folders by name, not path: another clone of the same network has the same salt)."""
    folders = [CODE, *plugins]
    return digest(library_versions(), *(f"{folder.name}:{shared_tree_digest(folder)}" for folder in folders))


class FileDigests:
    """Each file's SHA-256, kept with the size and time it had when it was read.

    A file is read again only when its size or time changed.  Its bytes, not its
    time, make the fingerprints: a fresh clone (every file with a new time, as
    on a CI runner given the last build's folders back) rebuilds nothing that
    did not change.
    """

    def __init__(self, path: Path | None = None):
        self.path = path
        self.known: dict[str, list] = {}
        self.trees: dict[str, str] = {}  # shared_tree_digest's, for this build
        self.changed = False
        if path is not None:
            try:
                self.known = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.known = {}

    def of(self, path: str, stat: os.stat_result) -> str:
        known = self.known.get(path)
        if known is not None and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            return known[2]
        with open(path, "rb") as stream:
            digest = hashlib.file_digest(stream, "sha256").hexdigest()
        self.known[path] = [stat.st_size, stat.st_mtime_ns, digest]
        self.changed = True
        return digest

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        self.known = {
            path: known for path, known in self.known.items() if os.path.exists(path)
        }  # deleted files go
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}")
        temporary.write_text(json.dumps(self.known, separators=(",", ":")), encoding="utf-8")
        temporary.replace(self.path)  # two builds at once: the last one's facts, whole
        self.changed = False


_digests = FileDigests()


@contextlib.contextmanager
def file_digests(path: Path) -> Iterator[None]:
    """Within the block, files' digests are kept in ``path`` from build to build."""
    global _digests  # one table per build, inherited by the forked workers
    previous, _digests = _digests, FileDigests(path)
    try:
        yield
    finally:
        _digests.save()
        _digests = previous


def tree_digest(folder: Path, skip: Collection[Path] = ()) -> str:
    """Every file under ``folder``: its name and the digest of its bytes."""
    digest = hashlib.sha256()
    for directory, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and Path(directory, d) not in skip)
        for name in sorted(filenames):
            path = os.path.join(directory, name)
            # a symbolic link (refused in sites, named by the build) is not followed: it may loop
            content = f"-> {os.readlink(path)}" if os.path.islink(path) else _digests.of(path, os.stat(path))
            digest.update(f"{os.path.relpath(path, folder)}|{content}\n".encode())
    return digest.hexdigest()


def shared_tree_digest(folder: Path) -> str:
    """``tree_digest`` of a folder no build writes in (citoyens' code, the plugins, the themes),
    made once per build and process: the fingerprints and every site's reading memo ask for it,
    and forked workers inherit it."""
    key = str(folder)
    if _digests.path is None:  # outside a build (file_digests): nothing tells when to forget it
        return tree_digest(folder)
    if key not in _digests.trees:
        _digests.trees[key] = tree_digest(folder)
    return _digests.trees[key]


def digest(*parts: str) -> str:
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part.encode("utf-8", "surrogatepass"))
        hashed.update(b"\0")
    return hashed.hexdigest()[:32]
