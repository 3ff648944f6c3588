"""The build pipeline: load, sites, network, report.

    load     network.yaml + every site.yaml, all problems listed, then stop
    sites    one Pelican run per site, each in its own process, in parallel;
             each into a staging folder swapped in only when it succeeded
    network  portal and planet, from the manifests the sites wrote
    report   one line per site; the caller turns failures into the exit code
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from citoyens_ssg import network as network_stage
from citoyens_ssg import output
from citoyens_ssg.config import NetworkConfig, load_network
from citoyens_ssg.errors import Problem
from citoyens_ssg.i18n import _
from citoyens_ssg.manifest import Manifest
from citoyens_ssg.site_build import SiteJob, SiteResult, build_site
from citoyens_ssg.workers import WorkerCrash, run_each_in_own_process

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildPaths:
    """Where a build writes: the published tree and citoyens' own work folder."""

    root: Path
    output: Path

    @property
    def work(self) -> Path:
        return self.root / ".citoyens"

    @property
    def manifests(self) -> Path:
        return self.work / "manifests"

    @property
    def staging(self) -> Path:
        # Beside the output folder, so that swapping a site in is a rename.
        return self.output.parent / f".{self.output.name}.staging"

    @property
    def trash(self) -> Path:
        return self.output.parent / f".{self.output.name}.old"


@dataclass
class BuildReport:
    sites: list[SiteResult] = field(default_factory=list)
    network_problems: list[Problem] = field(default_factory=list)
    articles: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed(self) -> list[SiteResult]:
        return [result for result in self.sites if not result.ok]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.network_problems


def build(
    root: Path,
    output_dir: Path | None = None,
    base_url: str | None = None,
    jobs: int | None = None,
    only: set[str] | None = None,
    on_site_done: Callable[[SiteResult], None] | None = None,
) -> BuildReport:
    """Build the network at ``root``; raises ConfigError before building anything."""
    started = time.monotonic()
    network = load_network(root, base_url)
    paths = BuildPaths(network.root, (output_dir or network.root / "output").resolve())
    report = BuildReport()
    for result in build_sites(network, paths, jobs, only):
        report.sites.append(result)
        if on_site_done:
            on_site_done(result)
    manifests, report.network_problems = build_network(network, paths)
    report.articles = {slug: len(manifest.entries) for slug, manifest in manifests.items()}
    report.seconds = time.monotonic() - started
    return report


def build_sites(network: NetworkConfig, paths: BuildPaths, jobs: int | None = None, only: set[str] | None = None):
    """Build the sites in worker processes; yield each result as it comes."""
    selected = [site for site in network.sites if only is None or site.slug in only]
    site_jobs = [_prepare(network, paths, site) for site in selected]
    for job, result in run_each_in_own_process(build_site, site_jobs, jobs):
        if isinstance(result, WorkerCrash):
            logger.error("worker for %s crashed:\n%s", job.site.slug, result.reason)
            result = SiteResult(job.site.slug, ok=False, problems=[Problem(f"sites/{job.site.slug}", _("internal error while building (a bug: please report it): {reason}", reason=result.reason.strip().splitlines()[-1]))])
        if result.ok:
            _publish(job, paths)
        else:
            shutil.rmtree(job.output_dir, ignore_errors=True)
        yield result


def _prepare(network: NetworkConfig, paths: BuildPaths, site) -> SiteJob:
    staged = paths.staging / site.slug
    for leftover in (staged, staged.with_name(site.slug + ".no-content")):
        shutil.rmtree(leftover, ignore_errors=True)  # from an interrupted build
    manifest = paths.staging / f"{site.slug}.manifest.json"
    manifest.unlink(missing_ok=True)
    staged.mkdir(parents=True)
    return SiteJob(network, site, staged, manifest)


def _publish(job: SiteJob, paths: BuildPaths) -> None:
    output.swap_in(job.output_dir, paths.output / job.site.slug, paths.trash)
    paths.manifests.mkdir(parents=True, exist_ok=True)
    job.manifest_path.replace(paths.manifests / f"{job.site.slug}.json")


def build_network(network: NetworkConfig, paths: BuildPaths) -> tuple[dict[str, Manifest], list[Problem]]:
    """Portal and planet from every manifest, a failed site's last good one included."""
    manifests, problems = network_stage.load_manifests(network, paths.manifests)
    network_stage.build_network_pages(network, manifests, paths.output)
    return manifests, problems

