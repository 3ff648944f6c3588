"""What a volunteer reads during and after a build: a progress bar, one line per site, a summary.

Output goes through rich: colours only on a terminal and never when
``NO_COLOR`` is set (rich checks both), a progress bar only on a terminal.
Problems go to standard error, one line each, never read as markup.
"""

from __future__ import annotations

import json
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from citoyens_ssg.errors import Problem
from citoyens_ssg.i18n import _
from citoyens_ssg.workpaths import WorkPaths

FEED_HEALTH_PAGE = "planet/sante.html"  # written by the network stage, named in the summary

if TYPE_CHECKING:  # report is a leaf: it prints what the pipeline hands it
    from citoyens_ssg.pipeline.result import BuildReport
    from citoyens_ssg.site.build import SiteResult


def _console(stderr: bool = False) -> Console:
    # Made on each call: tests and pipes replace sys.stdout / sys.stderr.
    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False, soft_wrap=True)


def say(text: str, style: str | None = None, error: bool = False) -> None:
    _console(error).print(text, style=style, markup=False)


def command(make: str, direct: str) -> str:
    """The command to tell a volunteer: ``direct`` (``citoyens …``) where the command is on the PATH
    (an activated venv), else ``make``'s target, which works from a fresh clone."""
    return direct if shutil.which("citoyens") else make


def problem_line(problem: Problem, warning: bool = False) -> None:
    if warning:
        say(_("WARNING {problem}", problem=problem), style="yellow", error=True)
    else:
        say(_("ERROR {problem}", problem=problem), style="bold red", error=True)


def print_site_result(result: SiteResult, quiet: bool = False, verbose: bool = False) -> None:
    if not result.ok:
        say(
            _("FAILED {slug}: not published, its previous version is kept", slug=result.slug),
            style="bold red",
            error=True,
        )
    elif result.problems:
        say(
            _(
                "ok     {slug} ({seconds:.1f} s), {count} file(s) skipped",
                slug=result.slug,
                seconds=result.seconds,
                count=len(result.problems),
            ),
            style="yellow",
            error=True,
        )
    elif result.unchanged:
        if not quiet:
            say(_("ok     {slug} (unchanged)", slug=result.slug), style="dim")
    elif not quiet:
        say(_("ok     {slug} ({seconds:.1f} s)", slug=result.slug, seconds=result.seconds), style="green")
    for problem in result.problems:
        problem_line(problem)
    if not quiet:
        for warning in result.warnings:
            problem_line(warning, warning=True)


def print_summary(report: BuildReport, quiet: bool = False) -> None:
    for problem in report.network_problems:
        problem_line(problem)
    built = len(report.sites) - len(report.failed)
    articles = sum(report.articles.get(r.slug, 0) for r in report.sites if r.ok)
    line = _(
        "{built} of {total} site(s) built, {articles} article(s), in {seconds:.1f} s",
        built=built,
        total=len(report.sites),
        articles=articles,
        seconds=report.seconds,
    )
    if report.failed:
        say(
            line + " — " + _("failed: {names}", names=", ".join(r.slug for r in report.failed)),
            style="bold red",
            error=True,
        )
    elif not quiet:
        say(line, style="bold")
    if report.failing_feeds:
        say(
            _(
                "External feeds not fetched (their last articles are kept): {names}; see {page}",
                names=", ".join(report.failing_feeds),
                page=FEED_HEALTH_PAGE,
            ),
            style="yellow",
            error=True,
        )


def _problem_data(problem: Problem) -> dict:
    return {"file": problem.file, "line": problem.line, "message": problem.message}


def _site_status(result: SiteResult) -> str:
    if not result.ok:
        return "failed"  # not published: its previous version, if any, stays
    return "skipped-files" if result.problems else "ok"


def report_data(report: BuildReport | None, config_problems: list[Problem] = ()) -> dict:
    """What a build published and what it did not, for scripts and hosting dashboards."""
    sites = (
        []
        if report is None
        else [
            {
                "slug": r.slug,
                "status": _site_status(r),
                "unchanged": r.unchanged,
                "problems": [_problem_data(p) for p in r.problems],
            }
            for r in report.sites
        ]
    )
    network_problems = list(config_problems) + ([] if report is None else report.network_problems)
    return {
        "published": report is not None,
        "ok": report is not None and report.ok,
        "sites": sites,
        "network_problems": [_problem_data(p) for p in network_problems],
    }


def write_report(root: Path, data: dict) -> Path:
    path = WorkPaths.of(root).report  # beside the build, never published
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def deploy_exit_code(report: BuildReport, strict: bool) -> int:
    """A deploy publishes what built: it fails only when asked to be strict (a broken
    network.yaml stops it before, with nothing published); a site that failed keeps its
    previous version online, a shard's failures are judged by merge."""
    return 1 if strict and not report.ok else 0


def print_deploy_note(report: BuildReport, path: Path) -> None:
    """The log of a deploy names what was not published, and where the details are."""
    left_out = [r.slug for r in report.sites if not r.ok or r.problems]
    if left_out:
        say(
            _(
                "Published what built; not published (or in part): {names}; details in {path}",
                names=", ".join(left_out),
                path=path,
            ),
            style="bold yellow",
            error=True,
        )


@contextmanager
def progress(total_hint: int, quiet: bool = False):
    """A progress bar on a terminal (nothing otherwise); yields a function to call per site."""
    console = _console(stderr=True)
    if quiet or not console.is_terminal or total_hint == 0:
        yield lambda result: None
        return
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    )
    with bar:
        task = bar.add_task(_("building the sites"), total=total_hint)
        yield lambda result: bar.update(task, advance=1, description=_("built: {slug}", slug=result.slug))
