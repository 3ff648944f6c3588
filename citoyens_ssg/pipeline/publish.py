"""The stages a build and a merge of shards share at their end: the network's pages made into
the new tree from the sites' manifests, then the new tree put in place of ``output/`` by renames
and every published file recorded (``published``).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from citoyens_ssg import output
from citoyens_ssg.config.load import NetworkConfig
from citoyens_ssg.errors import Problem
from citoyens_ssg.network import stage as network_stage
from citoyens_ssg.network import subscriptions
from citoyens_ssg.network.fetch import FetchPolicy
from citoyens_ssg.pipeline import published
from citoyens_ssg.site.manifest import Manifest
from citoyens_ssg.workpaths import WorkPaths


def network_pages(
    network: NetworkConfig, manifest_paths: dict[str, Path], tree: Path
) -> tuple[dict[str, Manifest], list[Problem]]:
    """Portal, planet, agenda, directory, sitemaps and headers into ``tree``; the planet's external
    feeds as the poller left them in their cache (never fetched here)."""
    manifests, problems = network_stage.load_manifests(network, manifest_paths)
    feeds = subscriptions.update_all(network, FetchPolicy(), offline=True)
    problems += network_stage.build_network_pages(network, manifests, tree, feeds)
    return manifests, problems


def publish(paths: WorkPaths, carried: Collection[str] = ()) -> None:
    """The new tree replaces ``output/`` in one rename (a build killed before leaves the published
    tree as it was); what it holds is recorded for the next build's damage check."""
    output.replace_tree(paths.next_tree, paths.output, paths.trash, carried)
    published.record_published(paths.output, paths.published_record)
