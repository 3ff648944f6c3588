"""``citoyens check``: every problem a build would meet, without building.

Loads the configuration (all its problems) and runs the per-file content
checks on every content file, so a volunteer or CI learns everything at once.
"""

from __future__ import annotations

from pathlib import Path

from citoyens_ssg import content_checks
from citoyens_ssg.config import NetworkConfig, SiteConfig, load_network
from citoyens_ssg.errors import Problem

MARKDOWN = {".md", ".markdown", ".mkd", ".mdown"}


def check_network(root: Path) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) for the whole network; raises ConfigError like a build."""
    network = load_network(root)
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for site in network.sites:
        site_errors, site_warnings = check_site(network, site)
        errors += site_errors
        warnings += site_warnings
    return errors, warnings


def check_site(network: NetworkConfig, site: SiteConfig) -> tuple[list[Problem], list[Problem]]:
    def shown(path: Path) -> str:
        return str(path.relative_to(network.root))

    errors = [Problem(shown(p), content_checks.link_refused()) for p in content_checks.links_leaving(site.folder)]
    warnings: list[Problem] = []
    if errors or not site.content_dir.is_dir():
        return errors, warnings
    for path in sorted(site.content_dir.rglob("*")):
        if path.suffix.lower() not in MARKDOWN or not path.is_file():
            continue
        try:
            content_checks.check_location(path, site.folder)
            text = content_checks.decode_source(path.read_bytes())
            content_checks.check_nesting(text)
            found = content_checks.check_header(content_checks.read_header(text), site.timezone)
        except content_checks.ContentError as error:
            errors.append(Problem(shown(path), str(error), line=error.line))
            continue
        warnings += [Problem(shown(path), message, line=line) for line, message in found]
    return errors, warnings
