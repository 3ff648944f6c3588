"""The build, as a list of named stages:

    plan      network.yaml and every site.yaml loaded (all problems listed, then stop); which
              sites to build (a shard's part, the damaged ones); ``Plan``
    sites     one Pelican run per site whose inputs changed, each in its own process, in parallel,
              into a staging folder of its own; the planet's feeds fetched meanwhile; under
              ``serve``, each site that built put in the published tree at once (``show_site``)
    assemble  a new tree beside ``output/``: each site that built moved in, the others (unchanged,
              failed) carried from the published tree as a symbolic link to their folder
    network   portal, planet, agenda, directory, sitemaps and headers into the new tree, from the
              sites' manifests (a shard ships its manifests instead, for ``shards.merge``)
    publish   the new tree replaces ``output/`` by renames (the carried folders moved into it);
              a build killed before leaves the published tree as it was
    remember  the manifests, page keys, fingerprints and site.yaml values of what is now
              published, kept beside it for the next build (``pipeline.stores`` lists them)

A build whose inputs did not change at all stops after ``sites``: the published tree stays.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from citoyens_ssg import output
from citoyens_ssg.config.load import LoadedNetwork, NetworkConfig, SiteConfig, load_network_for_build
from citoyens_ssg.digests import file_digests
from citoyens_ssg.editor.pages import write_site_editor
from citoyens_ssg.errors import Problem
from citoyens_ssg.i18n import _
from citoyens_ssg.network import stage as network_stage
from citoyens_ssg.network import subscriptions
from citoyens_ssg.network.fetch import FetchPolicy
from citoyens_ssg.pipeline import published, shards
from citoyens_ssg.pipeline.fingerprint import (
    network_fingerprint,
    setup_fingerprint,
    site_fingerprint,
    templates_fingerprint,
)
from citoyens_ssg.pipeline.options import BuildOptions
from citoyens_ssg.pipeline.publish import network_pages, publish
from citoyens_ssg.pipeline.result import BuildReport
from citoyens_ssg.pipeline.workers import (
    OVER_MEMORY,
    OVER_TIME,
    Limits,
    WorkerCrash,
    run_each_in_own_process,
    start_in_own_process,
)
from citoyens_ssg.site import search
from citoyens_ssg.site.build import (
    SiteJob,
    SiteResult,
    build_site,
    compile_templates,
    forget_logged_warnings,
    warm_up,
)
from citoyens_ssg.site.incremental import RenderPaths, forget_renders
from citoyens_ssg.site.manifest import Manifest, count_entries
from citoyens_ssg.workpaths import WorkPaths

__all__ = ["BuildOptions", "BuildReport", "build"]

logger = logging.getLogger(__name__)

OnSiteDone = Callable[[SiteResult], None]


@dataclass(frozen=True)
class Plan:
    """What this build is to do, decided before any site is built."""

    loaded: LoadedNetwork
    options: BuildOptions
    paths: WorkPaths
    only: frozenset[str] | None  # the sites to build; None: every one

    @property
    def network(self) -> NetworkConfig:
        return self.loaded.network

    @property
    def whole(self) -> bool:
        """Every site and the network's pages: only then can the network's fingerprint say "unchanged"."""
        return self.options.shard is None and self.only is None

    @property
    def in_tree(self) -> list[SiteConfig]:
        """The sites the new tree holds: a shard's own, or every one."""
        sites = self.network.sites
        return sites if self.options.shard is None else [s for s in sites if s.slug in (self.only or ())]


def build(
    options: BuildOptions, on_site_done: OnSiteDone | None = None, on_site_shown: OnSiteDone | None = None
) -> BuildReport:
    """Build the network as ``options`` say; raises ConfigError before building anything.

    ``on_site_done`` is called with each site's result as it comes (the progress bar).
    With ``on_site_shown`` (``serve``), each site that built is put in the published tree as soon as
    it is done (``show_site``), before the network's pages, and this is called with its result."""
    started = time.monotonic()
    forget_logged_warnings()  # a long-lived process (serve) reports each problem at every build
    paths = options.paths
    loaded = load_network_for_build(options.root, options.base_url, _last_good_values(paths))
    loaded = dataclasses.replace(loaded, network=dataclasses.replace(loaded.network, preview=options.preview))
    with file_digests(paths.file_digests):
        with _stage("plan"):
            the_plan = plan(loaded, options, paths)
        report = _run_stages(the_plan, on_site_done, on_site_shown)
    report.seconds = time.monotonic() - started
    return report


@contextmanager
def _stage(name: str) -> Iterator[None]:
    """A stage's wall time, said under ``--verbose`` (where a build's time goes, without a profiler)."""
    started = time.monotonic()
    yield
    logger.debug("stage %s: %.2f s", name, time.monotonic() - started)


def _run_stages(
    the_plan: Plan, on_site_done: OnSiteDone | None, on_site_shown: OnSiteDone | None
) -> BuildReport:
    with _stage("sites"):
        report = build_the_sites(the_plan, on_site_done, on_site_shown)
    built = {result.slug for result in report.sites if result.ok and not result.unchanged}
    if network_unchanged(the_plan, built):
        keep_published(the_plan, report)
        return report
    with _stage("assemble"):
        carried = assemble(the_plan, built)
    with _stage("network"):
        manifests = make_network(the_plan, built, report)
    with _stage("publish"):
        publish(the_plan.paths, carried)
    with _stage("remember"):
        remember(the_plan, built, report)
    report.articles = {
        slug: len(manifest.entries)
        for slug, manifest in manifests.items()
        if the_plan.options.shard is None or slug in (the_plan.only or ())
    }
    return report


def plan(loaded: LoadedNetwork, options: BuildOptions, paths: WorkPaths) -> Plan:
    """The sites to build: a shard's part; with ``--site``, those and any site whose published folder
    was damaged (changed since published: made again even when not asked for)."""
    only = options.only
    if options.shard is not None:
        only = frozenset(shards.shard_sites(loaded.network, *options.shard))
    damaged = _forget_damage(loaded.network, paths)
    if only is not None and options.shard is None:
        only = only | damaged
    return Plan(loaded, options, paths, only)


def build_the_sites(
    the_plan: Plan, on_site_done: OnSiteDone | None, on_site_shown: OnSiteDone | None = None
) -> BuildReport:
    """Each site built (or found unchanged, or misconfigured), its result handed to ``on_site_done``
    (and, once its folder is in the published tree, to ``on_site_shown``); the planet's external
    feeds fetched in a process of their own meanwhile (not offline, not a shard)."""
    network, options = the_plan.network, the_plan.options
    poller = None
    if network.planet.feeds and not options.offline and options.shard is None:
        policy = options.fetch_policy or FetchPolicy()
        poller = start_in_own_process(subscriptions.update_all, network, policy)
    report = BuildReport(network)
    results = build_sites(
        network,
        the_plan.paths,
        options.jobs,
        the_plan.only,
        the_plan.loaded.held,
        options.search_later,
        options.spare_worker,
    )
    for result in _misconfigured(the_plan.loaded, the_plan.only) + list(results):
        report.sites.append(result)
        if on_site_done:
            on_site_done(result)
        if on_site_shown and _showable(the_plan, result):
            # Its editor first: the network stage writes none into a site it carries.
            site = next(site for site in network.sites if site.slug == result.slug)
            write_site_editor(network, the_plan.paths.staging, site)
            show_site(the_plan.paths, result.slug)
            on_site_shown(result)
    if poller is not None:
        poller.join()
        report.failing_feeds = subscriptions.failing(network)
    return report


def _showable(the_plan: Plan, result: SiteResult) -> bool:
    """A site that built, in a whole published tree (not a shard's, not the first build's)."""
    return (
        result.ok
        and not result.unchanged
        and the_plan.options.shard is None
        and the_plan.paths.output.is_dir()
    )


def show_site(paths: WorkPaths, slug: str) -> None:
    """The site's new folder put in the published tree at once by renames, its old one set aside in
    the trash (which ``publish`` empties): ``serve`` reloads the site's pages before the network
    stage.  ``assemble`` then carries it like an unchanged site.  Should the build stop before
    ``publish``, the published record no longer matches that folder: the next build's damage check
    makes the site again."""
    target = paths.output / slug
    if target.is_dir():
        aside = paths.trash / slug
        shutil.rmtree(aside, ignore_errors=True)
        aside.parent.mkdir(parents=True, exist_ok=True)
        target.replace(aside)
    (paths.staging / slug).replace(target)


def network_unchanged(the_plan: Plan, built: set[str]) -> bool:
    """No site built and nothing the network's pages depend on changed: the published tree stays."""
    paths = the_plan.paths
    return (
        the_plan.whole
        and not built
        and paths.output.is_dir()
        and _read(paths.fingerprint("network")) == _whole_network_print(the_plan.network, paths)
    )


def keep_published(the_plan: Plan, report: BuildReport) -> None:
    """The published tree stays exactly as it is; the report counts its articles."""
    paths = the_plan.paths
    report.articles = _article_counts(the_plan.network, paths)
    _keep_good_values(paths, the_plan.loaded, report)
    if not paths.published_record.is_file():  # a tree published before the record existed
        published.record_published(paths.output, paths.published_record)


def assemble(the_plan: Plan, built: set[str]) -> list[str]:
    """The next published tree: fresh sites moved in, the others carried from the
    current tree (``output.carry``); the names of those, for ``output.replace_tree``."""
    paths = the_plan.paths
    shutil.rmtree(paths.next_tree, ignore_errors=True)
    paths.next_tree.mkdir(parents=True)
    carried = []
    for site in the_plan.in_tree:
        target = paths.next_tree / site.slug
        if site.slug in built and (paths.staging / site.slug).is_dir():  # not already shown
            (paths.staging / site.slug).replace(target)
        elif (paths.output / site.slug).is_dir():
            output.carry(paths.output / site.slug, target)
            carried.append(site.slug)
    return carried


def make_network(the_plan: Plan, built: set[str], report: BuildReport) -> dict[str, Manifest]:
    """The network's pages into the new tree; a shard instead ships its sites' manifests for ``merge``.
    Returns the sites' manifests; the network's problems go to the report."""
    network, shard = the_plan.network, the_plan.options.shard
    manifest_paths = _manifest_paths(network, the_plan.paths, built)
    if shard is None:
        manifests, report.network_problems = network_pages(network, manifest_paths, the_plan.paths.next_tree)
        return manifests
    manifests, report.network_problems = network_stage.load_manifests(network, manifest_paths)
    own = {slug: manifest_paths[slug] for slug in the_plan.only or ()}
    shards.ship(the_plan.paths.next_tree, shard, own, report.sites)
    return manifests


def remember(the_plan: Plan, built: set[str], report: BuildReport) -> None:
    """What is now published is kept beside it for the next build: the manifests, page keys and
    fingerprints of the sites that built, site.yaml's values, and the network's fingerprint when the
    whole network built well (else forgotten: the next build makes the network's pages again)."""
    paths = the_plan.paths
    _keep_manifests(paths, built)
    _keep_good_values(paths, the_plan.loaded, report)
    shutil.rmtree(paths.staging, ignore_errors=True)
    if the_plan.whole and report.ok:
        paths.fingerprint("network").write_text(_whole_network_print(the_plan.network, paths))
    else:
        paths.fingerprint("network").unlink(missing_ok=True)


def _forget_damage(network: NetworkConfig, paths: WorkPaths) -> frozenset[str]:
    """The parts of the published tree that are not what was published are made again: their
    fingerprint forgotten, their damaged pages dropped from the keys a rebuild reuses pages by.
    Returns the damaged sites."""
    sites = {site.slug for site in network.sites}
    damaged = published.damaged_parts(paths.output, paths.published_record, sites) or {}
    for part, files in damaged.items():
        logger.info("output/%s changed since it was published: made again", part or "(network pages)")
        paths.fingerprint(part or "network").unlink(missing_ok=True)
        if part:
            search_index = any(name.startswith(f"{search.BUNDLE}/") for name in files)
            forget_renders(paths.renders(part), set(files), search_index)
    return frozenset(part for part in damaged if part)


def _misconfigured(loaded: LoadedNetwork, only: frozenset[str] | None) -> list[SiteResult]:
    """A site whose site.yaml has problems: reported, not rebuilt; its published version stays."""
    return [
        SiteResult(slug, ok=False, problems=found)
        for slug, found in loaded.site_problems.items()
        if only is None or slug in only
    ]


GOOD_VALUES = "{slug}.site.json"  # in the manifests' folder: a site.yaml's values at its last good build


def _last_good_values(paths: WorkPaths) -> dict[str, dict]:
    found = {}
    for path in paths.manifests.glob(GOOD_VALUES.format(slug="*")):
        try:
            found[path.name.removesuffix(".site.json")] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # unreadable: the site is left out until its site.yaml is right again
    return found


def _keep_good_values(paths: WorkPaths, loaded: LoadedNetwork, report: BuildReport) -> None:
    """The values of each site.yaml whose site is published as it says, for a later build that
    finds the file broken: the site is then shown as it last was (portal, planet, directory)."""
    paths.manifests.mkdir(parents=True, exist_ok=True)
    for result in report.sites:
        if result.ok and result.slug in loaded.good_values:
            values = loaded.good_values[result.slug]
            text = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
            kept = paths.manifests / GOOD_VALUES.format(slug=result.slug)
            if _read(kept) != text:
                kept.write_text(text, encoding="utf-8")


def build_sites(
    network: NetworkConfig,
    paths: WorkPaths,
    jobs: int | None = None,
    only: frozenset[str] | None = None,
    held: frozenset[str] = frozenset(),
    search_later: bool = False,
    spare_worker: bool = False,
):
    """Build the sites whose inputs changed, in worker processes; yield each result as it comes.

    A site whose fingerprint matches its published version is not rebuilt: its
    output and manifest are carried over as they are; so is a ``held`` one (its site.yaml is wrong).
    """
    selected = [
        site for site in network.sites if (only is None or site.slug in only) and site.slug not in held
    ]
    shared: dict = {}
    setups = {site.slug: setup_fingerprint(network, site, shared) for site in selected}
    templates = {site.slug: templates_fingerprint(network, site, shared) for site in selected}
    fingerprints = {
        site.slug: site_fingerprint(setups[site.slug], templates[site.slug], site) for site in selected
    }
    to_build = []
    for site in selected:
        if _unchanged(paths, site.slug, fingerprints[site.slug]):
            yield SiteResult(site.slug, ok=True, unchanged=True)
        else:
            to_build.append(site)
    site_jobs = [_prepare(network, paths, site, setups[site.slug], search_later) for site in to_build]
    if site_jobs:
        warm_up({job.site.language for job in site_jobs})
        compile_templates(site_jobs)
    limits = Limits(seconds=network.limits.site_seconds, memory_mb=network.limits.site_memory_mb)
    for job, result in run_each_in_own_process(build_site, site_jobs, jobs, limits, spare_worker):
        if isinstance(result, WorkerCrash):
            result = SiteResult(job.site.slug, ok=False, problems=[_crash_problem(network, result)])
        # else the next build makes it again
        if result.ok and not result.problems and not result.search_pending:
            paths.staged_fingerprint(job.site.slug).write_text(fingerprints[job.site.slug])
        yield result


def _crash_problem(network: NetworkConfig, crash: WorkerCrash[SiteJob]) -> Problem:
    """What the report says of a worker that went over a limit or died."""
    where = f"sites/{crash.job.site.slug}"
    limits = network.limits
    if crash.over == OVER_TIME:
        return Problem(
            where,
            _(
                "took more than {seconds:g} s: stopped, its previously published version"
                " is kept (limits.site_seconds in network.yaml)",
                seconds=limits.site_seconds,
            ),
        )
    if crash.over == OVER_MEMORY:
        return Problem(
            where,
            _(
                "used more than {megabytes} MB: stopped, its previously published version"
                " is kept (limits.site_memory_mb in network.yaml)",
                megabytes=limits.site_memory_mb,
            ),
        )
    logger.error("worker for %s crashed:\n%s", crash.job.site.slug, crash.reason)
    reason = crash.reason.strip().splitlines()[-1]
    return Problem(
        where, _("internal error while building (a bug: please report it): {reason}", reason=reason)
    )


def _whole_network_print(network: NetworkConfig, paths: WorkPaths) -> str:
    prints = {site.slug: _read(paths.fingerprint(site.slug)) for site in network.sites}
    return network_fingerprint(network, prints, paths.planet)


def _read(path: Path) -> str:
    return path.read_text() if path.is_file() else ""


def _article_counts(network: NetworkConfig, paths: WorkPaths) -> dict[str, int]:
    counts = {site.slug: count_entries(paths.manifest(site.slug)) for site in network.sites}
    return {slug: count for slug, count in counts.items() if count is not None}


def _unchanged(paths: WorkPaths, slug: str, fingerprint: str) -> bool:
    kept = paths.fingerprint(slug)
    return (
        kept.is_file()
        and kept.read_text() == fingerprint
        and (paths.output / slug).is_dir()
        and (paths.manifest(slug)).is_file()
    )


def _manifest_paths(network: NetworkConfig, paths: WorkPaths, built: set[str]) -> dict[str, Path]:
    """This build's manifest for a site that built, the last kept one otherwise."""
    return {
        site.slug: paths.staged_manifest(site.slug) if site.slug in built else paths.manifest(site.slug)
        for site in network.sites
    }


def _keep_manifests(paths: WorkPaths, built: set[str]) -> None:
    paths.manifests.mkdir(parents=True, exist_ok=True)
    for slug in built:
        paths.staged_manifest(slug).replace(paths.manifest(slug))
        renders = paths.staged_renders(slug)  # the keys of the pages now published
        if renders.is_file():
            renders.replace(paths.renders(slug))
        else:
            paths.renders(slug).unlink(missing_ok=True)
        fingerprint = paths.staged_fingerprint(slug)
        if fingerprint.is_file():  # only a site built without problems is trusted to be skipped next time
            fingerprint.replace(paths.fingerprint(slug))
        else:
            paths.fingerprint(slug).unlink(missing_ok=True)


def _prepare(
    network: NetworkConfig, paths: WorkPaths, site: SiteConfig, setup: str, search_later: bool = False
) -> SiteJob:
    staged = paths.staging / site.slug
    for leftover in (staged, staged.with_name(site.slug + ".no-content")):
        shutil.rmtree(leftover, ignore_errors=True)  # from an interrupted build
    manifest = paths.staged_manifest(site.slug)
    renders = RenderPaths(
        setup,
        previous_output=paths.output / site.slug,
        previous_record=paths.renders(site.slug),
        record=paths.staged_renders(site.slug),
    )
    for stale in (manifest, renders.record):
        stale.unlink(missing_ok=True)
    staged.mkdir(parents=True)
    return SiteJob(network, site, staged, manifest, renders, search_later, paths)
