"""Findable: a sitemap per site, a sitemap index and robots.txt at the root.

A site's sitemap is written by its own build, beside its pages: a site that
was not rebuilt keeps it with them.  The network stage writes the index of all
of them, the network pages' sitemap and robots.txt.  Pages are listed in a
stable order, without dates that would change on every build.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.etree import ElementTree

from citoyens_ssg.config.load import NetworkConfig
from citoyens_ssg.config.sites import NOT_FOUND

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
NETWORK_SITEMAP = "sitemap-reseau.xml"


def _document(root_tag: str, item_tag: str, urls: list[str]) -> bytes:
    root = ElementTree.Element(root_tag, xmlns=NAMESPACE)
    for url in urls:
        ElementTree.SubElement(ElementTree.SubElement(root, item_tag), "loc").text = url
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _pages(folder: Path, base: str, skip: tuple[str, ...] = ()) -> list[str]:
    relatives = []
    for directory, dirnames, filenames in os.walk(folder):
        relative_dir = os.path.relpath(directory, folder)
        if relative_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in skip]
        prefix = "" if relative_dir == "." else relative_dir.replace(os.sep, "/") + "/"
        relatives += [prefix + name for name in filenames if name.endswith(".html") and name != NOT_FOUND]
    return [f"{base}/{relative.removesuffix('index.html')}" for relative in sorted(relatives)]


SITE_SITEMAP = "sitemap.xml"


def site_sitemap(site_folder: Path, site_url: str) -> bytes:
    """The sitemap of one site's built pages, ``site_url`` being its address (no final slash)."""
    return _document("urlset", "url", _pages(site_folder, site_url))


def sitemap_files(network: NetworkConfig, tree: Path) -> dict[str, bytes | str]:
    """The sitemap index, the network pages' sitemap and robots.txt, for the assembled ``tree``."""
    slugs = [site.slug for site in network.sites if (tree / site.slug / SITE_SITEMAP).is_file()]
    files: dict[str, bytes | str] = {}
    files[NETWORK_SITEMAP] = _document(
        "urlset", "url", _pages(tree, network.url, skip=(*(s.slug for s in network.sites), "theme"))
    )
    index = [f"{network.url}/{NETWORK_SITEMAP}"] + [f"{network.url}/{slug}/{SITE_SITEMAP}" for slug in slugs]
    files["sitemap.xml"] = _document("sitemapindex", "sitemap", index)
    files["robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {network.url}/sitemap.xml\n"
    return files
