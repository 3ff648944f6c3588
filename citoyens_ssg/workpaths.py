"""Where a build keeps what is not published: the work folders beside ``output/``.

A leaf: the pipeline, the dev server and the letter's sending all find the published tree's
records here, by one name each.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WorkPaths:
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
    def published_record(self) -> Path:
        """Every published file's size, time, inode and digest (``published``)."""
        return self.manifests / "published.json"

    @property
    def staging(self) -> Path:
        return self._beside("staging")

    @property
    def next_tree(self) -> Path:
        return self._beside("next")

    @property
    def trash(self) -> Path:
        return self._beside("old")

    # What the published tree's sites were made from, kept beside it between builds.
    def manifest(self, slug: str) -> Path:
        """A published site's manifest (``site.manifest``), for the network stage and the letter."""
        return self.manifests / f"{slug}.json"

    def renders(self, slug: str) -> Path:
        """The keys of a published site's pages (``site.incremental``)."""
        return self.manifests / f"{slug}.renders.json"

    def fingerprint(self, name: str) -> Path:
        """What a published site (or, by the name "network", the network's pages) was made from."""
        return self.manifests / f"{name}.fingerprint"

    # The same, for a site being built: moved beside the published ones at the swap.
    def staged_manifest(self, slug: str) -> Path:
        return self.staging / f"{slug}.manifest.json"

    def staged_renders(self, slug: str) -> Path:
        return self.staging / f"{slug}.renders.json"

    def staged_fingerprint(self, slug: str) -> Path:
        return self.staging / f"{slug}.fingerprint"
