"""Every store the incremental build keeps from one build to the next, in one table: where it is,
what it keeps, its key, what invalidates it.  ``citoyens build --explain`` prints it;
``citoyens build --verify`` checks that together they make what a build from scratch makes.

Each store's place comes from ``WorkPaths``: this table names, it does not repeat a path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from citoyens_ssg.i18n import N_, _
from citoyens_ssg.workpaths import WorkPaths

SITE = "<site>"


@dataclass(frozen=True)
class Store:
    name: str
    path: Callable[[WorkPaths], Path]
    keeps: str
    key: str
    invalidated_by: str


STORES = (
    Store(
        N_("File digests"),
        lambda paths: paths.file_digests,
        N_("each source file's SHA-256, with the size and time it had when it was read"),
        N_("the file's path, size and modification time"),
        N_("another size or time (the file is read again); a deleted file is dropped"),
    ),
    Store(
        N_("Site fingerprint"),
        lambda paths: paths.fingerprint(SITE),
        N_("what the published site was made from, as one hash: an unchanged site is not built again"),
        N_(
            "network.yaml, the site's folder, its themes and templates, its content, the base URL, "
            "preview or not, the code salt, the day"
        ),
        N_("any of these; forgotten when the site had problems or its published folder was changed by hand"),
    ),
    Store(
        N_("Page keys"),
        lambda paths: paths.renders(SITE),
        N_('the key of each published page and feed ("pages"): an unchanged page is linked, not rendered'),
        N_(
            "the site's setup (its fingerprint without content and templates), the templates the page"
            " is rendered with, every value it shows"
        ),
        N_("a different key; a page changed by hand in output/ is forgotten"),
    ),
    Store(
        N_("Search index key"),
        lambda paths: paths.renders(SITE),
        N_(
            'the key of the pages each part of the site\'s search index was made from ("search_index"; '
            "a site of more than 300 indexed pages has its index in parts, each page in one by its name)"
        ),
        N_(
            "the library versions (Pagefind), how Pagefind is run, the number of parts, "
            "the name and bytes of every page indexed in the part"
        ),
        N_("any page indexed in the part; forgotten when the published index was changed by hand"),
    ),
    Store(
        N_("Manifest"),
        lambda paths: paths.manifest(SITE),
        N_("the published site's entries, for the portal, the planet, the agenda and the letter"),
        N_("the site: replaced when it builds"),
        N_("a build of the site; kept when it fails (its published version stays)"),
    ),
    Store(
        N_("Last good site.yaml"),
        lambda paths: paths.manifests / f"{SITE}.site.json",
        N_("the values of site.yaml at the site's last good build"),
        N_("the site: replaced when it builds"),
        N_("a build of the site; used while its site.yaml is broken"),
    ),
    Store(
        N_("Network fingerprint"),
        lambda paths: paths.fingerprint("network"),
        N_("what the network's pages were made from: when nothing changed, output/ stays as it is"),
        N_(
            "every site's fingerprint, network.yaml, the planet's cache, lettre/, the themes, the base URL,"
            " the code salt, the day"
        ),
        N_("any of these; forgotten after a build of some sites only or with problems"),
    ),
    Store(
        N_("Published record"),
        lambda paths: paths.published_record,
        N_("each published file's size, times, inode and SHA-256"),
        N_("the file's path in output/"),
        N_("each publication; a file that differs names its site (or the network's pages) to make again"),
    ),
    Store(
        N_("Reading memo"),
        lambda paths: paths.memo(SITE),
        N_("each document's body, converted and sanitised"),
        N_("the document's text, the site's Markdown options, the code salt"),
        N_("a different text; the code salt or the Markdown options forget the whole memo"),
    ),
    Store(
        N_("Photo variants"),
        lambda paths: paths.images,
        N_("each photo's cleaned original and its resized variants"),
        N_("the photo's bytes, the widths asked, the variants' format version"),
        N_("a different photo or widths (a new folder)"),
    ),
    Store(
        N_("Compiled templates"),
        lambda paths: paths.jinja("…"),
        N_("Jinja's compiled templates, for the sites (sandboxed) and the network's pages"),
        N_("the template's name and source (Jinja's bytecode cache)"),
        N_("an edited template"),
    ),
    Store(
        N_("Planet cache"),
        lambda paths: paths.planet,
        N_("each external feed as last fetched, and when to ask again: an input, not a cache"),
        N_("the subscription's address"),
        N_("a fetch (never with --offline); its content is in the network fingerprint"),
    ),
)


def explain() -> str:
    """The table, in the volunteer's language, with paths as in the network's folder."""
    paths = WorkPaths(Path("output"), Path("."))
    labels = (_("keeps:"), _("key:"), _("invalidated by:"))
    width = max(len(label) for label in labels)
    lines = [
        _("What the incremental build keeps from one build to the next (citoyens build --verify checks it):"),
        "",
    ]
    for store in STORES:
        lines.append(f"{_(store.name)} — {store.path(paths)}")
        for label, text in zip(labels, (store.keeps, store.key, store.invalidated_by)):
            lines.append(f"  {label:<{width}} {_(text)}")
        lines.append("")
    lines.append(
        _(
            "The code salt: the versions of the libraries that render a site, citoyens' own files"
            " and the plugins' (digests.code_salt)."
        )
    )
    return "\n".join(lines)
