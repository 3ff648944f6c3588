"""The editor's pages in the output: ``/admin/`` (every site, for the network's editors) and
``/<slug>/admin/`` (one association's own collections), each with its config.yml.

The Decap CMS bundle comes from the npm package pinned in tools/editor/ (``make editor``); without
it no editor is written and the build says so in one line.
"""

from __future__ import annotations

import logging
import os
import shutil
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from citoyens_ssg import output
from citoyens_ssg.config.load import NetworkConfig, SiteConfig
from citoyens_ssg.editor.config import config_text, editor_config
from citoyens_ssg.i18n import _
from citoyens_ssg.site import addresses

logger = logging.getLogger(__name__)
PROJECT = Path(__file__).resolve().parents[2]
BUNDLE = Path("tools", "editor", "node_modules", "decap-cms", "dist", "decap-cms.js")
STATIC = Path(__file__).parent / "static"
FOLDER = "admin"  # output/admin/ (reserved: no site may take that name) and output/<slug>/admin/
SCRIPTS = ("citoyens-editor-first.js", "decap-cms.js", "citoyens-editor.js")


def find_bundle(network: NetworkConfig) -> Path | None:
    """decap-cms.js installed beside the network, or beside this package (an editable install)."""
    for base in (network.root, PROJECT):
        if (base / BUNDLE).is_file():
            return base / BUNDLE
    return None


def write_editor(network: NetworkConfig, out: Path) -> None:
    """Write the editors into ``out`` if network.yaml has an ``editeur:`` section and the bundle is there."""
    if network.editor is None:
        return
    bundle = find_bundle(network)
    if bundle is None:
        logger.warning(
            _("NOTE web editor not built: run 'make editor' (needs npm) to install it in tools/editor/")
        )
        return
    output.inside(out, FOLDER).mkdir(parents=True, exist_ok=True)
    for chunk in sorted(bundle.parent.glob("*decap-cms.js")):  # the main file loads the others beside it
        _place(chunk, output.inside(out, f"{FOLDER}/{chunk.name}"))
    for name in SCRIPTS:
        if name != bundle.name:
            _place(STATIC / name, output.inside(out, f"{FOLDER}/{name}"))
    sites = list(network.sites)
    if sites:
        _write_one(network, out, FOLDER, sites, _("Web editor — {name}", name=network.name))
    for site in sites:
        if (out / site.slug).is_symlink() or not (out / site.slug).is_dir():
            continue  # carried from the last build (or shown early by serve), its editor with it
        write_site_editor(network, out, site)


def write_site_editor(network: NetworkConfig, out: Path, site: SiteConfig) -> None:
    """One association's editor into ``out/<slug>/admin/``, its built folder being there: by the
    network stage, or by ``serve`` before it puts a built site in the published tree early."""
    if network.editor is None or find_bundle(network) is None:
        return
    title = _("Web editor — {name}", name=site.name)
    _write_one(network, out, f"{site.slug}/{FOLDER}", [site], title, _styles(out / site.slug))


def _place(source: Path, target: Path) -> None:
    """A hard link where the disk allows it: the 5 MB bundle is neither copied at every build nor
    hashed again by the published-tree record (same inode, same size and time)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _write_one(
    network: NetworkConfig,
    out: Path,
    folder: str,
    sites: list[SiteConfig],
    title: str,
    styles: list[str] = (),
) -> None:
    config = editor_config(network, network.editor, sites)
    output.write_file(out, f"{folder}/config.yml", config_text(config))
    page = editor_page(title, f"{network.url}/", styles, network.language)
    # Root-relative like every other page: its scripts load from wherever the files are served.
    page = addresses.root_relative(page, addresses.origin(network.url))
    output.write_file(out, f"{folder}/index.html", page)


def editor_page(title: str, root_url: str, styles: list[str], language: str) -> str:
    """The page that loads the editor; its scripts are files (the admin CSP allows no inline script)."""
    scripts = "\n".join(f'<script src="{escape(root_url)}{FOLDER}/{name}"></script>' for name in SCRIPTS)
    preview = " ".join(styles)
    return (
        f'<!doctype html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="robots" content="noindex">\n<title>{escape(title)}</title>\n'
        f'<meta name="citoyens-preview-styles" content="{escape(preview)}">\n'
        f'<link href="config.yml" type="text/yaml" rel="cms-config-url">\n'
        f"</head>\n<body>\n{scripts}\n</body>\n</html>\n"
    )


class _Stylesheets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and (values.get("rel") or "").lower() == "stylesheet" and values.get("href"):
            self.found.append(values["href"])


def _styles(site_out: Path) -> list[str]:
    """The site's own stylesheets (as its home page links them), for the editor's preview pane."""
    home = site_out / "index.html"
    if not home.is_file():
        return []
    parser = _Stylesheets()
    parser.feed(home.read_text(encoding="utf-8", errors="replace"))
    relative_to_admin = (
        "../" + href if "://" not in href and not href.startswith("/") else href for href in parser.found
    )
    return [href for href in relative_to_admin if " " not in href]
