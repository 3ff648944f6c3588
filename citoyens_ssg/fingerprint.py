"""What a site's build depends on, as one hash: an unchanged site is not rebuilt.

The inputs: the site's folder (content, site.yaml, its theme overrides), the
themes it uses, the project's plugins and citoyens itself, network.yaml and
the build's options (the base URL), the versions of the libraries that render
it, and the day: a post dated tomorrow, or "upcoming" on an agenda, changes
with the date even when no file does.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

from citoyens_ssg import clock
from citoyens_ssg.config import NetworkConfig, SiteConfig
from citoyens_ssg.themes import resolve_theme

PACKAGES = ("pelican", "markdown", "jinja2", "pillow", "feedgen", "icalendar", "nh3", "babel", "python-dateutil")
CODE = Path(__file__).parent


def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return ";".join(found)


def _hash_tree(digest, folder: Path) -> None:
    if not folder.exists():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())


def site_fingerprint(network: NetworkConfig, site: SiteConfig) -> str:
    digest = hashlib.sha256()
    digest.update(f"{network.url}|{clock.now().date()}|{_versions()}".encode())
    digest.update((network.root / "network.yaml").read_bytes())
    for folder in (site.folder, network.plugins_dir, CODE, *resolve_theme(network.themes_dir, site.theme).folders):
        digest.update(str(folder).encode())
        _hash_tree(digest, folder)
    return digest.hexdigest()
