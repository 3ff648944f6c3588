"""Where a cold build spends its time: each site's worker under cProfile, shares summed.

    python profile_build.py --sites 20 --articles 100 [--keep profiles/]

Generates the benchmark's network (``generate.py``), builds it cold with every
site worker profiled (workers are forked: they inherit the wrapper), and prints
the share of each part of a site build, from the summed profiles.  cProfile
slows Python code more than C code (Pillow, nh3, Pagefind's own process): read
the shares as an order of magnitude, and time with ``bench.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import tempfile
from pathlib import Path

from generate import generate

# (label, file suffix, function name): each part is the cumulative time of one function.
PARTS = [
    (
        "Markdown conversion (cmarkgfm; a large site's other half in a forked child, not profiled)",
        "citoyens_ssg/site/commonmark.py",
        "convert",
    ),
    ("Markdown conversion (Python-Markdown, sites that ask for it)", "markdown/core.py", "convert"),
    ("root-relative addresses (in the writer)", "citoyens_ssg/site/addresses.py", "root_relative"),
    ("rendering pages (Jinja)", "citoyens_ssg/site/incremental.py", "render"),
    ("photo variants (Pillow; cached afterwards)", "citoyens_ssg/content/images.py", "process"),
    ("search index (Pagefind, its own process, wall time)", "citoyens_ssg/site/search.py", "index_site"),
    ("feeds (writing)", "pelican/writers.py", "write_feed"),
    ("feed keys", "citoyens_ssg/site/incremental.py", "feed_key"),
    ("page keys", "citoyens_ssg/site/incremental.py", "page_key"),
    ("sanitising (nh3)", "citoyens_ssg/content/sanitize.py", "clean_html"),
    ("French typography", "citoyens_ssg/content/typography.py", "french_html"),
    ("manifest", "citoyens_manifest/__init__.py", "write_site_manifest"),
    ("files kept from the published tree", "citoyens_ssg/site/incremental.py", "keep_unchanged_files"),
]


def profile_cold_build(root: Path, folder: Path) -> list[Path]:
    from citoyens_ssg.pipeline import build as pipeline
    from citoyens_ssg.site import build as site_build

    def profiled(job):
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            return site_build.build_site(job)
        finally:
            profiler.disable()
            profiler.dump_stats(folder / f"site-{os.getpid()}.prof")

    pipeline.build_site = profiled
    report = pipeline.build(pipeline.BuildOptions(root))
    assert report.ok, [str(problem) for result in report.failed for problem in result.problems][:5]
    return sorted(folder.glob("site-*.prof"))


def shares(profiles: list[Path]) -> list[tuple[str, float]]:
    stats = pstats.Stats(
        *map(str, profiles)
    ).stats  # (file, line, function) -> (calls, …, cumulative, callers)

    def cumulative(suffix: str, name: str) -> float:
        return sum(
            row[3]
            for (file, _line, function), row in stats.items()
            if file.endswith(suffix) and function == name
        )

    total = cumulative("citoyens_ssg/site/build.py", "build_site")
    parts = [(label, cumulative(suffix, name) / total) for label, suffix, name in PARTS]
    return [
        *parts,
        (
            "the rest (Pelican's reading, URLs, signals, writing; fingerprints; copies)",
            1 - sum(s for _, s in parts),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument(
        "--keep", type=Path, help="a folder to keep the profiles in (pstats files, one per site)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="citoyens-profile-"))
    try:
        root = generate(work / "reseau", args.sites, args.articles)
        folder = args.keep or work / "profiles"
        folder.mkdir(parents=True, exist_ok=True)
        profiles = profile_cold_build(root, folder)
        print(
            f"\n## Where a cold build of {args.sites} × {args.articles} goes ({len(profiles)} site workers "
            "profiled)"
        )
        print("| part | share |\n|---|---|")
        for label, share in shares(profiles):
            print(f"| {label} | {100 * share:.0f} % |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
