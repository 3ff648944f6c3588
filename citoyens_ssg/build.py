"""The build pipeline: load, sites, network, publish, report.

    load     network.yaml + every site.yaml, all problems listed, then stop
    sites    one Pelican run per site, each in its own process, in parallel,
             each into a staging folder of its own
    assemble a new tree: each site that built, or the last good version of
             one that failed (hard links: no copy)
    network  portal and planet into the new tree, from the sites' manifests
    publish  the new tree replaces the output folder in one rename; a build
             killed before that leaves the published tree as it was
    report   one line per site; the caller turns problems into the exit code
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from citoyens_ssg import network as network_stage
from citoyens_ssg import output, subscriptions
from citoyens_ssg.config import NetworkConfig, load_network
from citoyens_ssg.errors import Problem
from citoyens_ssg.i18n import _
from citoyens_ssg.site_build import SiteJob, SiteResult, build_site
from citoyens_ssg.fetch import FetchPolicy
from citoyens_ssg.workers import WorkerCrash, run_each_in_own_process, start_in_own_process

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildPaths:
    """Where a build writes: the published tree and its work folders, all beside
    it (``.output.staging`` …) so that moving a tree into place is a rename."""

    output: Path

    def _beside(self, role: str) -> Path:
        return self.output.parent / f".{self.output.name}.{role}"

    @property
    def manifests(self) -> Path:
        """The manifests of what is published, kept for the sites that fail next time."""
        return self._beside("manifests")

    @property
    def staging(self) -> Path:
        return self._beside("staging")

    @property
    def next_tree(self) -> Path:
        return self._beside("next")

    @property
    def trash(self) -> Path:
        return self._beside("old")


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
        """Everything built and nothing skipped: the exit code is 0 only then."""
        return not self.network_problems and all(r.ok and not r.problems for r in self.sites)


def build(
    root: Path,
    output_dir: Path | None = None,
    base_url: str | None = None,
    jobs: int | None = None,
    only: set[str] | None = None,
    on_site_done: Callable[[SiteResult], None] | None = None,
    offline: bool = False,
    fetch_policy: FetchPolicy | None = None,
) -> BuildReport:
    """Build the network at ``root``; raises ConfigError before building anything.

    The planet's external feeds are fetched in a process of their own while
    the sites build (``offline``: not at all, the cache is used as it is).
    """
    started = time.monotonic()
    network = load_network(root, base_url)
    paths = BuildPaths((output_dir or network.root / "output").resolve())
    report = BuildReport()
    poller = None
    if network.planet.feeds and not offline:
        poller = start_in_own_process(subscriptions.update_all, network, fetch_policy or FetchPolicy())
    for result in build_sites(network, paths, jobs, only):
        report.sites.append(result)
        if on_site_done:
            on_site_done(result)
    built = {result.slug for result in report.sites if result.ok}
    assemble_tree(network, paths, built)
    manifests, report.network_problems = network_stage.load_manifests(network, _manifest_paths(network, paths, built))
    if poller is not None:
        poller.join()
    feeds = subscriptions.update_all(network, FetchPolicy(), offline=True)  # what the poller left in the cache
    network_stage.build_network_pages(network, manifests, paths.next_tree, feeds)
    output.replace_tree(paths.next_tree, paths.output, paths.trash)
    _keep_manifests(paths, built)
    shutil.rmtree(paths.staging, ignore_errors=True)
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
            reason = result.reason.strip().splitlines()[-1]
            problem = Problem(f"sites/{job.site.slug}", _("internal error while building (a bug: please report it): {reason}", reason=reason))
            result = SiteResult(job.site.slug, ok=False, problems=[problem])
        yield result


def assemble_tree(network: NetworkConfig, paths: BuildPaths, built: set[str]) -> None:
    """The next published tree: fresh sites moved in, the others linked from the current tree."""
    shutil.rmtree(paths.next_tree, ignore_errors=True)
    paths.next_tree.mkdir(parents=True)
    for site in network.sites:
        target = paths.next_tree / site.slug
        if site.slug in built:
            (paths.staging / site.slug).replace(target)
        elif (paths.output / site.slug).is_dir():
            output.link_tree(paths.output / site.slug, target)


def _manifest_paths(network: NetworkConfig, paths: BuildPaths, built: set[str]) -> dict[str, Path]:
    """This build's manifest for a site that built, the last kept one otherwise."""
    return {
        site.slug: paths.staging / f"{site.slug}.manifest.json" if site.slug in built else paths.manifests / f"{site.slug}.json"
        for site in network.sites
    }


def _keep_manifests(paths: BuildPaths, built: set[str]) -> None:
    paths.manifests.mkdir(parents=True, exist_ok=True)
    for slug in built:
        (paths.staging / f"{slug}.manifest.json").replace(paths.manifests / f"{slug}.json")


def _prepare(network: NetworkConfig, paths: BuildPaths, site) -> SiteJob:
    staged = paths.staging / site.slug
    for leftover in (staged, staged.with_name(site.slug + ".no-content")):
        shutil.rmtree(leftover, ignore_errors=True)  # from an interrupted build
    manifest = paths.staging / f"{site.slug}.manifest.json"
    manifest.unlink(missing_ok=True)
    staged.mkdir(parents=True)
    return SiteJob(network, site, staged, manifest)
