"""Finding the associations: one folder per site under ``sites/``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from citoyens_ssg.errors import Problem
from citoyens_ssg.i18n import _

# (from, to, status): old addresses that must keep working.  A trailing ``*`` / ``:splat``
# carries the rest of the path, as Netlify and Cloudflare Pages write it.
REDIRECTS: tuple[tuple[str, str, int], ...] = (("/planete/*", "/planet/:splat", 301),)
# The folders those old addresses live in: no association may take them (RESERVED below).
REDIRECTED = frozenset(source.strip("/").split("/")[0] for source, _target, _status in REDIRECTS)
NOT_FOUND = "404.html"  # served by hosts for a missing page: at the root, and per site by a rule

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# Top-level names of output/ that belong to the network, not to a site.
# "admin": the network's web editor; "lettre": the weekly letter.
RESERVED = (
    frozenset(
        {"admin", "lettre", "planet", "theme", "agenda", "annuaire", "recherche", "search", "feeds", "static"}
    )
    | REDIRECTED
)


def slugify(name: str, max_length: int | None = None) -> str:
    """'Radio Ondes Citoyennes !' -> 'radio-ondes-citoyennes': accents folded, ASCII only;
    with ``max_length``, cut there (a file name has at most 255 bytes)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "sans-nom"


@dataclass(frozen=True)
class SiteFolder:
    slug: str
    path: Path


def discover_sites(root: Path) -> tuple[list[SiteFolder], list[Problem]]:
    """Every ``sites/<slug>/`` folder, sorted; problems for folders that can't be sites."""
    sites_dir = root / "sites"
    folders: list[SiteFolder] = []
    problems: list[Problem] = []
    if not sites_dir.is_dir():
        return folders, [
            Problem("sites/", _("folder not found: create sites/<name>/site.yaml for each association"))
        ]
    for path in sorted(sites_dir.iterdir()):
        if path.name.startswith(".") or not path.is_dir():
            continue
        display = f"sites/{path.name}/"
        if path.is_symlink():
            problems.append(Problem(display, _("a site folder may not be a symbolic link")))
        elif not SLUG.match(path.name):
            problems.append(
                Problem(
                    display,
                    _(
                        "folder name must use only lowercase letters, digits and hyphens (for example "
                        "'radio-ondes')"
                    ),
                )
            )
        elif path.name in RESERVED:
            problems.append(
                Problem(
                    display,
                    _("'{name}' is reserved for the network's own pages; rename the folder", name=path.name),
                )
            )
        elif not (path / "site.yaml").is_file():
            problems.append(
                Problem(display + "site.yaml", _("file not found; a site needs at least 'name: ...'"))
            )
        else:
            folders.append(SiteFolder(path.name, path))
    return folders, problems
