"""Search without a server: Pagefind indexes each site as it is built.

Each site gets its own index, ``<site>/pagefind/``, made by the site's worker
right after Pelican: a site's search page searches that site only, the
network's search page merges every site's index (or, narrowed to one
association, loads only its index).  Unchanged sites keep theirs.  Per-site
indexes also keep builds reproducible: Pagefind's filter files are not
byte-stable from one run to the next, its plain indexes are.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BUNDLE = "pagefind"


def index_site(parent: Path, slug: str) -> str | None:
    """Index ``parent/slug`` (page URLs start with /slug/); the reason if it failed."""
    command = [sys.executable, "-m", "pagefind", "--site", str(parent), "--glob", f"{slug}/**/*.html",
               "--output-path", str(parent / slug / BUNDLE), "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return lines[-1] if lines else f"exit code {result.returncode}"
    return None
