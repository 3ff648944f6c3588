"""What a volunteer reads at the end of a build: one line per site, then a summary."""

from __future__ import annotations

import sys

from citoyens_ssg.build import BuildReport
from citoyens_ssg.i18n import _
from citoyens_ssg.site_build import SiteResult


def print_site_result(result: SiteResult, quiet: bool = False) -> None:
    if not result.ok:
        print(_("FAILED {slug}: not published, its previous version is kept", slug=result.slug), file=sys.stderr)
    elif result.problems:
        print(_("ok     {slug} ({seconds:.1f} s), {count} file(s) skipped", slug=result.slug, seconds=result.seconds, count=len(result.problems)), file=sys.stderr)
    elif not quiet:
        print(_("ok     {slug} ({seconds:.1f} s)", slug=result.slug, seconds=result.seconds))
    for problem in result.problems:
        print(_("ERROR {problem}", problem=problem), file=sys.stderr)
    if not quiet:
        for warning in result.warnings:
            print(_("WARNING {problem}", problem=warning), file=sys.stderr)


def print_summary(report: BuildReport, quiet: bool = False) -> None:
    for problem in report.network_problems:
        print(_("ERROR {problem}", problem=problem), file=sys.stderr)
    built = len(report.sites) - len(report.failed)
    articles = sum(report.articles.get(r.slug, 0) for r in report.sites if r.ok)
    line = _("{built} of {total} site(s) built, {articles} article(s), in {seconds:.1f} s", built=built, total=len(report.sites), articles=articles, seconds=report.seconds)
    if report.failed:
        names = ", ".join(r.slug for r in report.failed)
        print(line + " — " + _("failed: {names}", names=names), file=sys.stderr)
    elif not quiet:
        print(line)
