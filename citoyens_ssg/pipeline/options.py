"""What a build is asked to do, as one value: the CLI, the dev server, the check, the tests and
the benchmarks all describe a build with a ``BuildOptions`` and hand it to ``build.build``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from citoyens_ssg.network.fetch import FetchPolicy
from citoyens_ssg.workpaths import WorkPaths


@dataclass(frozen=True)
class BuildOptions:
    """A build's options.

    ``output_dir``: where to publish (default: ``output/`` in the network's folder).
    ``base_url``: the public address, replacing network.yaml's ``url`` (deploy previews).
    ``jobs``: sites built at the same time (default: one per core).
    ``only``: build only these sites (and any whose published tree was damaged).
    ``offline``: the planet's external feeds are not fetched, their cache is used as it is.
    ``shard=(K, N)``: only a stable K-th of N parts of the sites, with their manifests and no
    network pages, for ``merge``.
    ``preview`` (``citoyens serve``): drafts and future posts too, marked and not to be indexed.
    ``search_later`` (``serve``): a site whose search index is out of date keeps its previous one
    and says so (``SiteResult.search_pending``), for ``dev.search_later.Indexer``.
    ``spare_worker`` (``serve``): a site worker is started ahead for the next build
    (``workers.run_each_in_own_process``), which then does not wait for a process to start.
    ``cold``: no store of the incremental machinery is read (``--verify``'s scratch build).
    """

    root: Path
    output_dir: Path | None = None
    base_url: str | None = None
    jobs: int | None = None
    only: frozenset[str] | None = None
    offline: bool = False
    fetch_policy: FetchPolicy | None = None
    shard: tuple[int, int] | None = None
    preview: bool = False
    search_later: bool = False
    spare_worker: bool = False
    cold: bool = False

    def __post_init__(self) -> None:
        if self.only is not None and not isinstance(self.only, frozenset):
            object.__setattr__(self, "only", frozenset(self.only))  # a set given by a caller, frozen

    @property
    def paths(self) -> WorkPaths:
        """Where this build writes: the published tree and the work folders beside it."""
        return WorkPaths.of(self.root, self.output_dir, self.cold)
