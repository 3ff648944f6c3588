"""The incremental machinery's proof (``citoyens build --verify``): the network built again from
nothing, beside the published tree, with the same options but no store of the incremental
machinery (no kept manifest, page key, fingerprint, reading memo, photo variant or file digest:
``WorkPaths(cold=True)``), and every file compared, byte for byte, with what was published.

The planet's external feeds are not fetched again: both builds read the same cache, an input.
"""

from __future__ import annotations

import dataclasses
import filecmp
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from citoyens_ssg.i18n import _
from citoyens_ssg.pipeline.build import build
from citoyens_ssg.pipeline.options import BuildOptions
from citoyens_ssg.pipeline.result import BuildReport


@dataclasses.dataclass
class Verification:
    """The build from scratch's report, and the files that differ from the published tree."""

    scratch: Path  # where the build from scratch is (removed when nothing differs)
    report: BuildReport
    differences: list[str]


def verify(options: BuildOptions) -> Verification:
    """Every site and the network's pages built from nothing into a scratch folder beside the
    published tree, then compared with it file by file."""
    published = options.paths.output
    scratch = options.paths.verify
    shutil.rmtree(scratch, ignore_errors=True)
    cold = dataclasses.replace(
        options, output_dir=scratch / published.name, cold=True, offline=True, only=None, shard=None
    )
    report = build(cold)
    differences = list(compare(published, cold.paths.output))
    if not differences:
        shutil.rmtree(scratch, ignore_errors=True)
    return Verification(scratch, report, differences)


def compare(published: Path, scratch: Path) -> Iterator[str]:
    """One line for each file that differs between the two trees, or is in one only, by name."""
    mine, theirs = _files(published), _files(scratch)
    name = published.name
    for relative in sorted(mine | theirs):
        if relative not in theirs:
            yield _("{path}: only in the incremental build", path=f"{name}/{relative}")
        elif relative not in mine:
            yield _("{path}: missing (a build from scratch makes it)", path=f"{name}/{relative}")
        elif not filecmp.cmp(published / relative, scratch / relative, shallow=False):
            yield _("{path}: differs from a build from scratch", path=f"{name}/{relative}")


def _files(tree: Path) -> set[str]:
    found = set()
    for directory, _folders, names in os.walk(tree):
        relative = os.path.relpath(directory, tree).replace(os.sep, "/")
        found.update(name if relative == "." else f"{relative}/{name}" for name in names)
    return found
