"""The build pipeline: load, sites, network, publish, report.

    load     network.yaml + every site.yaml, all problems listed, then stop
    sites    one Pelican run per site, each in its own process, in parallel,
             each into a staging folder of its own
    assemble a new tree: each site that built, or the last good version of
             one that failed or did not change (carried by a rename: no copy)
    network  portal and planet into the new tree, from the sites' manifests
    publish  the new tree replaces the output folder in one rename; a build
             killed before that leaves the published tree as it was
    report   one line per site; the caller turns problems into the exit code
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from citoyens_ssg import output
from citoyens_ssg.config.load import LoadedNetwork, NetworkConfig, load_network, load_network_for_build
from citoyens_ssg.digests import file_digests
from citoyens_ssg.errors import CitoyensError, Problem
from citoyens_ssg.i18n import _
from citoyens_ssg.network import stage as network_stage
from citoyens_ssg.network import subscriptions
from citoyens_ssg.network.fetch import FetchPolicy
from citoyens_ssg.pipeline import published
from citoyens_ssg.pipeline.fingerprint import (
    network_fingerprint,
    setup_fingerprint,
    site_fingerprint,
    templates_fingerprint,
)
from citoyens_ssg.pipeline.workers import (
    OVER_MEMORY,
    OVER_TIME,
    Limits,
    WorkerCrash,
    run_each_in_own_process,
    start_in_own_process,
)
from citoyens_ssg.site import search
from citoyens_ssg.site.build import SiteJob, SiteResult, build_site, compile_templates, warm_up
from citoyens_ssg.site.incremental import SEARCH_INDEX, RenderPaths, forget_renders
from citoyens_ssg.workpaths import WorkPaths

logger = logging.getLogger(__name__)


@dataclass
class BuildReport:
    network: NetworkConfig | None = None  # the configuration the build used
    sites: list[SiteResult] = field(default_factory=list)
    network_problems: list[Problem] = field(default_factory=list)
    articles: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    failing_feeds: list[str] = field(default_factory=list)  # external feeds this build could not fetch

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
    shard: tuple[int, int] | None = None,
    preview: bool = False,
    search_later: bool = False,
) -> BuildReport:
    """Build the network at ``root``; raises ConfigError before building anything.

    The planet's external feeds are fetched in a process of their own while
    the sites build (``offline``: not at all, the cache is used as it is).
    With ``shard=(K, N)`` only a stable K-th of N parts of the sites is built,
    with their manifests and no network pages: ``merge`` assembles the shards.
    ``preview`` (``citoyens serve``) builds drafts and future posts too, marked
    "Brouillon" and not to be indexed; a build for publishing never has them.
    ``search_later`` (``serve``): a site whose search index is out of date keeps
    its previous one and says so (``SiteResult.search_pending``), for
    ``search_later.Indexer`` to make it once the pages are shown.
    """
    started = time.monotonic()
    paths = WorkPaths((output_dir or root.resolve() / "output").resolve())
    loaded = load_network_for_build(root, base_url, _last_good_values(paths))
    loaded = dataclasses.replace(loaded, network=dataclasses.replace(loaded.network, preview=preview))
    with file_digests(loaded.network.root / ".citoyens" / "file-digests.json"):
        report = _build(loaded, paths, jobs, only, on_site_done, offline, fetch_policy, shard, search_later)
    report.seconds = time.monotonic() - started
    return report


def _build(loaded: LoadedNetwork, paths: WorkPaths, jobs: int | None, only: set[str] | None,
           on_site_done: Callable[[SiteResult], None] | None, offline: bool, fetch_policy: FetchPolicy | None,
           shard: tuple[int, int] | None, search_later: bool = False) -> BuildReport:
    network = loaded.network
    if shard is not None:
        only = shard_sites(network, *shard)
    damaged = _forget_damage(network, paths)
    if only is not None and shard is None:
        only = only | damaged  # a damaged site is made again even when not asked for
    poller = None
    if network.planet.feeds and not offline and shard is None:
        poller = start_in_own_process(subscriptions.update_all, network, fetch_policy or FetchPolicy())
    report = BuildReport(network)
    for result in _misconfigured(loaded, only) + list(build_sites(network, paths, jobs, only, loaded.held,
                                                                  search_later)):
        report.sites.append(result)
        if on_site_done:
            on_site_done(result)
    built = {result.slug for result in report.sites if result.ok and not result.unchanged}
    if poller is not None:
        poller.join()
        report.failing_feeds = subscriptions.failing(network)
    whole = _whole_network_print(network, paths) if shard is None and only is None else None
    if whole is not None and not built and _kept(paths, "network", whole) and paths.output.is_dir():
        # Nothing the published tree depends on changed: it stays exactly as it is.
        report.articles = _article_counts(network, paths)
        _keep_good_values(paths, loaded, report)
        if not paths.published_record.is_file():  # a tree published before the record existed
            published.record_published(paths.output, paths.published_record)
        return report
    in_tree = [site for site in network.sites if shard is None or site.slug in only]
    carried = assemble_tree(in_tree, paths, built)
    manifest_paths = _manifest_paths(network, paths, built)
    if shard is None:
        manifests, report.network_problems = _network_stage(network, manifest_paths, paths.next_tree)
    else:
        manifests, report.network_problems = network_stage.load_manifests(network, manifest_paths)
        _ship_manifests(paths.next_tree, {slug: manifest_paths[slug] for slug in only})
        output.write_file(paths.next_tree, SHARD_RECORD, _shard_record(shard, only, report.sites))
    output.replace_tree(paths.next_tree, paths.output, paths.trash, carried)
    published.record_published(paths.output, paths.published_record)
    _keep_manifests(paths, built)
    _keep_good_values(paths, loaded, report)
    shutil.rmtree(paths.staging, ignore_errors=True)
    if shard is None and only is None and not report.network_problems and all(r.ok and not r.problems for r in report.sites):
        paths.fingerprint("network").write_text(_whole_network_print(network, paths))
    else:
        paths.fingerprint("network").unlink(missing_ok=True)
    report.articles = {slug: len(manifest.entries) for slug, manifest in manifests.items() if shard is None or slug in only}
    return report


def _forget_damage(network: NetworkConfig, paths: WorkPaths) -> set[str]:
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
            stale = set(files) | ({SEARCH_INDEX} if search_index else set())
            forget_renders(paths.renders(part), stale)
    return {part for part in damaged if part}


def _misconfigured(loaded: LoadedNetwork, only: set[str] | None) -> list[SiteResult]:
    """A site whose site.yaml has problems: reported, not rebuilt; its published version stays."""
    return [SiteResult(slug, ok=False, problems=found) for slug, found in loaded.site_problems.items()
            if only is None or slug in only]


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


SHARD_MANIFESTS = "_citoyens/manifests"
SHARD_RECORD = "_citoyens/shard.json"  # which part of how many, its sites and how each went: for merge


def _shard_record(shard: tuple[int, int], slugs: set[str], results: list[SiteResult]) -> str:
    failed = {r.slug: [[p.file, p.line, p.message] for p in r.problems] for r in results if not r.ok}
    return json.dumps({"part": shard[0], "parts": shard[1], "sites": sorted(slugs), "failed": failed},
                      ensure_ascii=False, sort_keys=True)


def shard_sites(network: NetworkConfig, index: int, count: int) -> set[str]:
    """The sites of part ``index`` (1…count): by a hash of the name, so adding a site moves no other."""
    if not 1 <= index <= count:
        raise CitoyensError(_("--shard {index}/{count}: the part must be between 1 and {count}", index=index, count=count))
    return {site.slug for site in network.sites if int(hashlib.sha1(site.slug.encode()).hexdigest(), 16) % count == index - 1}


def _ship_manifests(tree: Path, manifest_paths: dict[str, Path]) -> None:
    """A shard carries its manifests inside its output, for ``merge``."""
    for slug, path in manifest_paths.items():
        if path.is_file():
            output.write_file(tree, f"{SHARD_MANIFESTS}/{slug}.json", path.read_bytes())


def _network_stage(network: NetworkConfig, manifest_paths: dict[str, Path], tree: Path):
    manifests, problems = network_stage.load_manifests(network, manifest_paths)
    feeds = subscriptions.update_all(network, FetchPolicy(), offline=True)  # what the poller left in the cache
    problems += network_stage.build_network_pages(network, manifests, tree, feeds)
    return manifests, problems


def merge(root: Path, shards: list[Path], output_dir: Path | None = None, base_url: str | None = None,
          offline: bool = False, fetch_policy: FetchPolicy | None = None) -> BuildReport:
    """Assemble shard outputs (``build --shard K/N``) into the whole network, network pages included.

    Refuses, before touching the output folder, a set of shards that is not every part of one
    split: publishing it would take the missing parts' sites offline.  A site that failed in
    its shard is reported like a failed site of a build."""
    started = time.monotonic()
    network = load_network(root, base_url)
    records = _complete_shards(network, shards)
    paths = WorkPaths((output_dir or network.root / "output").resolve())
    shutil.rmtree(paths.next_tree, ignore_errors=True)
    paths.next_tree.mkdir(parents=True)
    manifest_paths: dict[str, Path] = {}
    report = BuildReport(network)
    for shard, record in zip(shards, records):
        for slug in record["sites"]:
            if (shard / slug).is_dir():
                output.link_tree(shard / slug, paths.next_tree / slug)
            if (shard / SHARD_MANIFESTS / f"{slug}.json").is_file():
                manifest_paths[slug] = shard / SHARD_MANIFESTS / f"{slug}.json"
            failed = record["failed"].get(slug, [])
            problems = [Problem(file, message, line) for file, line, message in failed]
            report.sites.append(SiteResult(slug, ok=slug not in record["failed"], problems=problems))
    order = [site.slug for site in network.sites]
    report.sites.sort(key=lambda result: order.index(result.slug))
    if network.planet.feeds and not offline:
        subscriptions.update_all(network, fetch_policy or FetchPolicy())
    manifests, report.network_problems = _network_stage(network, manifest_paths, paths.next_tree)
    output.replace_tree(paths.next_tree, paths.output, paths.trash)
    published.record_published(paths.output, paths.published_record)
    paths.manifests.mkdir(parents=True, exist_ok=True)
    for slug, path in manifest_paths.items():
        shutil.copyfile(path, paths.manifest(slug))
    report.articles = {slug: len(manifest.entries) for slug, manifest in manifests.items()}
    report.seconds = time.monotonic() - started
    return report


def _complete_shards(network: NetworkConfig, shards: list[Path]) -> list[dict]:
    """Each shard's record, when together they are every part of one split and cover every site."""
    records = []
    for shard in shards:
        try:
            records.append(json.loads((shard / SHARD_RECORD).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            message = _("{path}: not the output of citoyens build --shard K/N; nothing was published", path=shard)
            raise CitoyensError(message) from None
    parts = {record["parts"] for record in records}
    count = parts.pop() if len(parts) == 1 else 0
    missing = sorted(set(range(1, count + 1)) - {record["part"] for record in records}) if count else []
    if not count or missing:
        found = ", ".join(f"{record['part']}/{record['parts']}" for record in records)
        raise CitoyensError(_("incomplete network: the parts given are {found}, every part K/N of one split "
                              "is needed; nothing was published", found=found))
    covered = {slug for record in records for slug in record["sites"]}
    absent = [site.slug for site in network.sites if site.slug not in covered]
    if absent:
        raise CitoyensError(_("sites/{slug}: in no shard (built before it was added?); nothing was published",
                              slug=absent[0]))
    return records


def build_sites(network: NetworkConfig, paths: WorkPaths, jobs: int | None = None,
                only: set[str] | None = None, held: frozenset[str] = frozenset(), search_later: bool = False):
    """Build the sites whose inputs changed, in worker processes; yield each result as it comes.

    A site whose fingerprint matches its published version is not rebuilt: its
    output and manifest are carried over as they are; so is a ``held`` one (its site.yaml is wrong).
    """
    selected = [site for site in network.sites
                if (only is None or site.slug in only) and site.slug not in held]
    shared: dict = {}
    setups = {site.slug: setup_fingerprint(network, site, shared) for site in selected}
    fingerprints = {site.slug: site_fingerprint(setups[site.slug], templates_fingerprint(network, site, shared), site)
                    for site in selected}
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
    for job, result in run_each_in_own_process(build_site, site_jobs, jobs, limits):
        if isinstance(result, WorkerCrash):
            result = SiteResult(job.site.slug, ok=False, problems=[_crash_problem(network, result)])
        if result.ok and not result.problems and not result.search_pending:  # else the next build makes it again
            paths.staged_fingerprint(job.site.slug).write_text(fingerprints[job.site.slug])
        yield result


def _crash_problem(network: NetworkConfig, crash: WorkerCrash[SiteJob]) -> Problem:
    """What the report says of a worker that went over a limit or died."""
    where = f"sites/{crash.job.site.slug}"
    limits = network.limits
    if crash.over == OVER_TIME:
        return Problem(where, _("took more than {seconds:g} s: stopped, its previously published version"
                                " is kept (limits.site_seconds in network.yaml)",
                                seconds=limits.site_seconds))
    if crash.over == OVER_MEMORY:
        return Problem(where, _("used more than {megabytes} MB: stopped, its previously published version"
                                " is kept (limits.site_memory_mb in network.yaml)",
                                megabytes=limits.site_memory_mb))
    logger.error("worker for %s crashed:\n%s", crash.job.site.slug, crash.reason)
    reason = crash.reason.strip().splitlines()[-1]
    return Problem(where, _("internal error while building (a bug: please report it): {reason}",
                            reason=reason))


def _whole_network_print(network: NetworkConfig, paths: WorkPaths) -> str:
    prints = {site.slug: _read(paths.fingerprint(site.slug)) for site in network.sites}
    return network_fingerprint(network, prints, subscriptions.cache_dir(network))


def _read(path: Path) -> str:
    return path.read_text() if path.is_file() else ""


def _kept(paths: WorkPaths, name: str, fingerprint: str) -> bool:
    return _read(paths.fingerprint(name)) == fingerprint


def _article_counts(network: NetworkConfig, paths: WorkPaths) -> dict[str, int]:
    manifests, _problems = network_stage.load_manifests(network, {s.slug: paths.manifest(s.slug) for s in network.sites})
    return {slug: len(manifest.entries) for slug, manifest in manifests.items()}


def _unchanged(paths: WorkPaths, slug: str, fingerprint: str) -> bool:
    kept = paths.fingerprint(slug)
    return (kept.is_file() and kept.read_text() == fingerprint and (paths.output / slug).is_dir()
            and (paths.manifest(slug)).is_file())


def assemble_tree(sites: list, paths: WorkPaths, built: set[str]) -> list[str]:
    """The next published tree: fresh sites moved in, the others carried from the
    current tree (``output.carry``); the names of those, for ``output.replace_tree``."""
    shutil.rmtree(paths.next_tree, ignore_errors=True)
    paths.next_tree.mkdir(parents=True)
    carried = []
    for site in sites:
        target = paths.next_tree / site.slug
        if site.slug in built:
            (paths.staging / site.slug).replace(target)
        elif (paths.output / site.slug).is_dir():
            output.carry(paths.output / site.slug, target)
            carried.append(site.slug)
    return carried


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


def _prepare(network: NetworkConfig, paths: WorkPaths, site, setup: str, search_later: bool = False) -> SiteJob:
    staged = paths.staging / site.slug
    for leftover in (staged, staged.with_name(site.slug + ".no-content")):
        shutil.rmtree(leftover, ignore_errors=True)  # from an interrupted build
    manifest = paths.staged_manifest(site.slug)
    renders = RenderPaths(setup, previous_output=paths.output / site.slug, previous_record=paths.renders(site.slug),
                          record=paths.staged_renders(site.slug))
    for stale in (manifest, renders.record):
        stale.unlink(missing_ok=True)
    staged.mkdir(parents=True)
    return SiteJob(network, site, staged, manifest, renders, search_later)
