"""Where citoyens keeps what is not published: the work folders beside ``output/`` and the
network's ``.citoyens/`` folder.

A leaf: the pipeline, the site and network stages, the dev server and the letter's sending all
find each record and cache here, by one name each (``pipeline.stores`` says what each keeps).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STATE = ".citoyens"  # in the network's folder, never published (.gitignore)


@dataclass(frozen=True)
class WorkPaths:
    """Where a build writes: the published tree and its work folders, all beside
    it (``.output.staging`` …) so that moving a tree into place is a rename; and the
    network's ``.citoyens/`` folder.

    ``cold``: the caches that only save work (reading memo, photo variants, file digests)
    are in a folder of their own beside the tree, not in ``.citoyens/`` (``build --verify``'s
    scratch build: nothing made by an earlier build is reused)."""

    output: Path
    root: Path  # the network's folder
    cold: bool = False

    @classmethod
    def of(cls, root: Path, output_dir: Path | None = None, cold: bool = False) -> WorkPaths:
        """The paths of the network at ``root`` built into ``output_dir`` (default: ``output/`` there)."""
        root = root.resolve()
        return cls((output_dir or root / "output").resolve(), root, cold)

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

    @property
    def verify(self) -> Path:
        """``build --verify``'s scratch build of the whole network, from nothing."""
        return self._beside("verify")

    # What the published tree's sites were made from, kept beside it between builds.
    def manifest(self, slug: str) -> Path:
        """A published site's manifest (``site.manifest``), for the network stage and the letter."""
        return self.manifests / f"{slug}.json"

    def renders(self, slug: str) -> Path:
        """The keys of a published site's pages and of its search index (``site.incremental``)."""
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

    # The network's .citoyens/ folder: what the network keeps whatever the output folder.
    @property
    def state(self) -> Path:
        return self.root / STATE

    @property
    def report(self) -> Path:
        """The last build's report (``citoyens_ssg.report``), for the hosting's logs."""
        return self.state / "report.json"

    @property
    def preview(self) -> Path:
        """``citoyens serve``'s tree: drafts included, so never ``output/``."""
        return self.state / "preview"

    @property
    def planet(self) -> Path:
        """The planet's external feeds as last fetched, one file per subscription: an input of the
        network's pages (a build offline uses it as it is), not a cache."""
        return self.state / "planet"

    @property
    def letters(self) -> Path:
        """The letter's record of the weeks sent, and its ``--dry-run`` messages."""
        return self.state / "lettre"

    def jinja(self, kind: str) -> Path:
        """Compiled templates (Jinja's bytecode cache, keyed by each template's source by Jinja):
        ``sandboxed`` for the sites, ``network`` for the network's pages."""
        return self.state / "jinja" / kind

    # Caches that only save work: for a cold build, beside its tree instead.
    @property
    def caches(self) -> Path:
        return self._beside("caches") if self.cold else self.state

    @property
    def file_digests(self) -> Path:
        """Each file's digest with the size and time it had (``digests.FileDigests``)."""
        return self.caches / "file-digests.json"

    @property
    def images(self) -> Path:
        """Photo variants made by ``content.images``, named by their source's digest and width."""
        return self.caches / "images"

    def memo(self, slug: str) -> Path:
        """A site's reading memo (``site.reading.Memo``): each document's converted body."""
        return self.caches / "memo" / f"{slug}.json.gz"
