"""What a build (or a merge of shards) reports: each site's result, the network's problems, the
article counts; and the one definition of a build that went well (``BuildReport.ok``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from citoyens_ssg.config.load import NetworkConfig
from citoyens_ssg.errors import Problem
from citoyens_ssg.site.build import SiteResult


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
        """Everything built and nothing skipped: the exit code is 0 only then, and only then is
        the network's fingerprint kept (a later build may skip the network's pages)."""
        return not self.network_problems and all(r.ok and not r.problems for r in self.sites)
