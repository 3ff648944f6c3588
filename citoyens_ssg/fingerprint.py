"""What a site's build depends on, as one hash: an unchanged site is not rebuilt.

The inputs (by name, size and time of each file): the site's folder (content,
site.yaml, its theme overrides), the themes it uses, the project's plugins and
citoyens itself, network.yaml and the build's options (the base URL), the
versions of the libraries that render it, and the day: a post dated tomorrow,
or "upcoming" on an agenda, changes with the date even when no file does.
All of it but the content is the site's setup, which also keys every page the
site renders (see ``incremental``).
"""

from __future__ import annotations

import functools
import hashlib
import os
from importlib import metadata
from pathlib import Path

from citoyens_ssg import clock
from citoyens_ssg.config import NetworkConfig, SiteConfig
from citoyens_ssg.themes import resolve_theme

PACKAGES = ("pelican", "markdown", "jinja2", "pillow", "feedgen", "icalendar", "nh3", "babel", "python-dateutil",
            "pagefind", "pagefind-bin")
CODE = Path(__file__).parent


@functools.cache
def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return ";".join(found)


def tree_digest(folder: Path, skip: Path | None = None) -> str:
    """Every file under ``folder``: its name, size and modification time.

    Reading every byte of a large network at each build cost seconds; any edit
    changes a file's time (a fresh clone gives new times, so it rebuilds all,
    which is the safe side).
    """
    digest = hashlib.sha256()
    for directory, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and Path(directory, d) != skip)
        for name in sorted(filenames):
            path = os.path.join(directory, name)
            stat = os.stat(path)
            digest.update(f"{os.path.relpath(path, folder)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _shared(network: NetworkConfig, cache: dict[Path, str], folder: Path) -> str:
    """Folders every site shares (code, plugins, themes) are read once per build."""
    if folder not in cache:
        cache[folder] = tree_digest(folder)
    return cache[folder]


def setup_fingerprint(network: NetworkConfig, site: SiteConfig, cache: dict[Path, str] | None = None) -> str:
    """Everything a site's pages depend on but its content: configuration, theme
    and overrides, plugins, citoyens, library versions, the day."""
    cache = {} if cache is None else cache
    digest = hashlib.sha256()
    digest.update(f"{network.url}|{clock.now().date()}|{_versions()}".encode())
    digest.update((network.root / "network.yaml").read_bytes())
    digest.update(tree_digest(site.folder, skip=site.content_dir).encode())
    for folder in (network.plugins_dir, CODE, *resolve_theme(network.themes_dir, site.theme).folders):
        digest.update(f"{folder}:{_shared(network, cache, folder)}".encode())
    return digest.hexdigest()


def site_fingerprint(setup: str, site: SiteConfig) -> str:
    """The setup and the content: an unchanged site is not rebuilt."""
    return hashlib.sha256(f"{setup}|{tree_digest(site.content_dir)}".encode()).hexdigest()


def network_fingerprint(network: NetworkConfig, site_prints: dict[str, str], feeds_cache: Path) -> str:
    """What the network pages depend on: every site, the planet's cache, the network's theme."""
    digest = hashlib.sha256()
    digest.update(f"{network.url}|{clock.now().date()}|{_versions()}".encode())
    digest.update((network.root / "network.yaml").read_bytes())
    for slug, print_ in sorted(site_prints.items()):
        digest.update(f"{slug}:{print_}".encode())
    digest.update(tree_digest(feeds_cache).encode())
    digest.update(tree_digest(network.themes_dir).encode())
    digest.update(tree_digest(CODE).encode())
    return digest.hexdigest()
