"""A network built in parts (``citoyens build --shard K/N``, one CI job each) and the parts
assembled (``citoyens merge``).

A shard builds a stable K-th of the sites (by a hash of each name: adding a site moves no other)
and no network page; it carries its sites' manifests and a record of its part inside its output.
``merge`` checks that the shards are every part of one split, links their sites into a new tree,
makes the network's pages from their manifests and publishes, as a build does.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Collection
from pathlib import Path

from citoyens_ssg import output
from citoyens_ssg.config.load import NetworkConfig, load_network
from citoyens_ssg.errors import CitoyensError, Problem
from citoyens_ssg.i18n import _
from citoyens_ssg.network import subscriptions
from citoyens_ssg.network.fetch import FetchPolicy
from citoyens_ssg.pipeline.options import BuildOptions
from citoyens_ssg.pipeline.publish import network_pages, publish
from citoyens_ssg.pipeline.result import BuildReport
from citoyens_ssg.site.build import SiteResult

MANIFESTS = "_citoyens/manifests"
RECORD = "_citoyens/shard.json"  # which part of how many, its sites and how each went: for merge


def shard_sites(network: NetworkConfig, index: int, count: int) -> set[str]:
    """The sites of part ``index`` (1…count): by a hash of the name, so adding a site moves no other."""
    if not 1 <= index <= count:
        raise CitoyensError(
            _("--shard {index}/{count}: the part must be between 1 and {count}", index=index, count=count)
        )
    return {
        site.slug
        for site in network.sites
        if int(hashlib.sha1(site.slug.encode()).hexdigest(), 16) % count == index - 1
    }


def ship(
    tree: Path, shard: tuple[int, int], manifest_paths: dict[str, Path], results: list[SiteResult]
) -> None:
    """A shard carries its sites' manifests and the record of its part inside its output, for ``merge``."""
    for slug, path in manifest_paths.items():
        if path.is_file():
            output.write_file(tree, f"{MANIFESTS}/{slug}.json", path.read_bytes())
    output.write_file(tree, RECORD, _record(shard, set(manifest_paths), results))


def _record(shard: tuple[int, int], slugs: Collection[str], results: list[SiteResult]) -> str:
    failed = {r.slug: [[p.file, p.line, p.message] for p in r.problems] for r in results if not r.ok}
    return json.dumps(
        {"part": shard[0], "parts": shard[1], "sites": sorted(slugs), "failed": failed},
        ensure_ascii=False,
        sort_keys=True,
    )


def merge(options: BuildOptions, shards: list[Path]) -> BuildReport:
    """Assemble shard outputs (``build --shard K/N``) into the whole network, network pages included.

    Refuses, before touching the output folder, a set of shards that is not every part of one
    split: publishing it would take the missing parts' sites offline.  A site that failed in
    its shard is reported like a failed site of a build."""
    started = time.monotonic()
    network = load_network(options.root, options.base_url)
    records = _complete_shards(network, shards)
    paths = options.paths
    shutil.rmtree(paths.next_tree, ignore_errors=True)
    paths.next_tree.mkdir(parents=True)
    manifest_paths: dict[str, Path] = {}
    report = BuildReport(network)
    for shard, record in zip(shards, records):
        for slug in record["sites"]:
            if (shard / slug).is_dir():
                output.link_tree(shard / slug, paths.next_tree / slug)
            if (shard / MANIFESTS / f"{slug}.json").is_file():
                manifest_paths[slug] = shard / MANIFESTS / f"{slug}.json"
            failed = record["failed"].get(slug, [])
            problems = [Problem(file, message, line) for file, line, message in failed]
            report.sites.append(SiteResult(slug, ok=slug not in record["failed"], problems=problems))
    order = [site.slug for site in network.sites]
    report.sites.sort(key=lambda result: order.index(result.slug))
    if network.planet.feeds and not options.offline:
        subscriptions.update_all(network, options.fetch_policy or FetchPolicy())
    manifests, report.network_problems = network_pages(network, manifest_paths, paths.next_tree)
    publish(paths)
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
            records.append(json.loads((shard / RECORD).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            message = _(
                "{path}: not the output of citoyens build --shard K/N; nothing was published", path=shard
            )
            raise CitoyensError(message) from None
    parts = {record["parts"] for record in records}
    count = parts.pop() if len(parts) == 1 else 0
    missing = sorted(set(range(1, count + 1)) - {record["part"] for record in records}) if count else []
    if not count or missing:
        found = ", ".join(f"{record['part']}/{record['parts']}" for record in records)
        raise CitoyensError(
            _(
                "incomplete network: the parts given are {found}, every part K/N of one split "
                "is needed; nothing was published",
                found=found,
            )
        )
    covered = {slug for record in records for slug in record["sites"]}
    absent = [site.slug for site in network.sites if site.slug not in covered]
    if absent:
        raise CitoyensError(
            _("sites/{slug}: in no shard (built before it was added?); nothing was published", slug=absent[0])
        )
    return records
