"""What a site's build depends on, as one hash: an unchanged site is not rebuilt.

The inputs (by name and bytes of each file): the site's folder (content,
site.yaml, its theme overrides), the themes it uses, the project's plugins,
citoyens itself and the versions of the libraries that render it (one salt,
``digests.code_salt``), network.yaml and the build's options (the base URL),
and the day: a post dated tomorrow, or "upcoming" on an agenda, changes with the date even when no file does.
All of it but the content, the templates and the day is the site's setup,
which also keys every page the site renders, with the templates that page is
rendered with and what it shows (see ``incremental``): an edited template
renders again only its pages, a new day only the pages it changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from citoyens_ssg import clock
from citoyens_ssg.config.load import NetworkConfig, SiteConfig
from citoyens_ssg.config.themes import resolve_theme
from citoyens_ssg.digests import code_salt, shared_tree_digest, tree_digest


def _shared(cache: dict, folder: Path, templates: bool) -> str:
    """A theme's folder, which every site shares, read once per build.

    ``templates``: True for its ``templates`` subfolder alone, False for the rest of it.
    """
    if (folder, templates) not in cache:
        if templates:
            cache[folder, templates] = tree_digest(folder / "templates")
        else:
            cache[folder, templates] = tree_digest(folder, skip={folder / "templates"})
    return cache[folder, templates]


def _code(cache: dict, network: NetworkConfig) -> str:
    """``digests.code_salt``, worked out once per build."""
    if "code" not in cache:
        cache["code"] = code_salt([network.plugins_dir])
    return cache["code"]


def setup_fingerprint(network: NetworkConfig, site: SiteConfig, cache: dict | None = None) -> str:
    """Everything a site's pages depend on but their content, their templates and
    the day: configuration, the theme's other files (styles, strings) and
    overrides, plugins, citoyens, library versions.  Each page's key adds the
    templates it is rendered with and what it shows (``incremental``): what the
    day changes (a post released, an event now past) changes what pages show."""
    cache = {} if cache is None else cache
    digest = hashlib.sha256()
    digest.update(f"{network.url}|{_code(cache, network)}|preview={network.preview}".encode())
    digest.update((network.root / "network.yaml").read_bytes())
    own = tree_digest(site.folder, skip={site.content_dir, site.theme_override_dir / "templates"})
    digest.update(own.encode())
    # Folders by name, not path: the same network elsewhere (another clone, a CI runner) is the same setup.
    for folder in resolve_theme(network.themes_dir, site.theme).folders:
        digest.update(f"{folder.name}:{_shared(cache, folder, templates=False)}".encode())
    return digest.hexdigest()


def templates_fingerprint(network: NetworkConfig, site: SiteConfig, cache: dict | None = None) -> str:
    """The templates of the site's theme chain and its own overrides."""
    cache = {} if cache is None else cache
    parts = [tree_digest(site.theme_override_dir / "templates")]
    folders = resolve_theme(network.themes_dir, site.theme).folders
    parts += [f"{folder.name}:{_shared(cache, folder, templates=True)}" for folder in folders]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def site_fingerprint(setup: str, templates: str, site: SiteConfig) -> str:
    """The setup, the templates, the content and the day: an unchanged site is not rebuilt."""
    content = tree_digest(site.content_dir)
    return hashlib.sha256(f"{setup}|{templates}|{clock.now().date()}|{content}".encode()).hexdigest()


def network_fingerprint(network: NetworkConfig, site_prints: dict[str, str], feeds_cache: Path) -> str:
    """What the network pages depend on: every site, the planet's cache, the network's theme."""
    digest = hashlib.sha256()
    digest.update(f"{network.url}|{clock.now().date()}|{code_salt([network.plugins_dir])}".encode())
    digest.update((network.root / "network.yaml").read_bytes())
    for slug, print_ in sorted(site_prints.items()):
        digest.update(f"{slug}:{print_}".encode())
    digest.update(tree_digest(feeds_cache).encode())
    digest.update(tree_digest(network.root / "lettre").encode())  # the letter's editorials
    digest.update(shared_tree_digest(network.themes_dir).encode())
    return digest.hexdigest()
