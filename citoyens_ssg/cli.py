"""The ``citoyens`` command: parses options, calls plain functions, prints results.

Expected failures (a configuration problem, a site that does not build) are
printed as one line each and give exit code 1; only bugs show a traceback.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from yaml.nodes import MappingNode, ScalarNode

from citoyens_ssg import __version__, i18n
from citoyens_ssg.config.load import DIALECTS, NETWORK_FILE, SharedSettings
from citoyens_ssg.config.yamlfile import load_yaml
from citoyens_ssg.errors import CitoyensError, ConfigError
from citoyens_ssg.i18n import N_, _

if TYPE_CHECKING:
    from citoyens_ssg.pipeline.options import BuildOptions


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citoyens", description=_("Build a network of citizen media sites with Pelican.")
    )
    parser.add_argument(  # help given: Python 3.11's argparse writes its default untranslated
        "--version",
        action="version",
        version=f"citoyens {__version__}",
        help=_("show program's version number and exit"),
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-C",
        "--root",
        type=Path,
        default=Path.cwd(),
        help=_("the network's folder, where network.yaml is (default: the current folder)"),
    )
    common.add_argument("-q", "--quiet", action="store_true", help=_("print only problems"))
    common.add_argument(
        "-v", "--verbose", action="store_true", help=_("print details, with tracebacks of worker crashes")
    )
    commands = parser.add_subparsers(dest="command", metavar=_("command"))
    commands.required = True

    build = commands.add_parser(
        "build", parents=[common], help=_("build every site, the portal and the planet into output/")
    )
    _build_options(build)
    build.add_argument(
        "--base-url", help=_("public address of the network, replacing network.yaml's url (deploy previews)")
    )
    build.add_argument(
        "--shard",
        metavar="K/N",
        type=_shard,
        help=_(
            "build only part K of N of the sites (CI job matrix), with their manifests; then citoyens merge"
        ),
    )
    build.add_argument(
        "--offline",
        action="store_true",
        help=_(
            "do not fetch the planet's external feeds: use their cache (CI without network, reproducible "
            "builds)"
        ),
    )
    build.add_argument(
        "-s",
        "--site",
        action="append",
        dest="sites",
        metavar="SLUG",
        help=_("build only this site (repeatable); the portal and planet are rebuilt too"),
    )
    build.add_argument(
        "--verify",
        action="store_true",
        help=_(
            "then build the whole network again from scratch beside it and name every file that differs "
            "(the incremental build's proof; exit 1 if any)"
        ),
    )
    build.add_argument(
        "--explain",
        action="store_true",
        help=_(
            "print what the incremental build keeps between builds (each store, its key, what invalidates "
            "it) "
            "and exit"
        ),
    )
    _deploy_options(build)

    serve = commands.add_parser(
        "serve",
        parents=[common],
        help=_("build, serve on http://127.0.0.1:8000 and rebuild when a file changes"),
    )
    _build_options(
        serve,
        _(
            "where to write the preview, drafts included "
            "(default: .citoyens/preview/ in the network's folder)"
        ),
    )
    serve.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default: %(default)s)"))
    serve.add_argument("--port", type=int, default=8000, help=_("port to listen on (default: %(default)s)"))
    serve.add_argument(
        "--editor",
        action="store_true",
        help=_("also run the web editor's local backend: write at /<site>/admin/ (make edit)"),
    )

    check = commands.add_parser(
        "check",
        parents=[common],
        help=_("list every problem of the configuration and the content, without building"),
    )
    check.add_argument(
        "--changed-since",
        metavar="REV",
        help=_(
            "also check that the commits since REV stay in one association's folder and add no symbolic link"
        ),
    )
    check.add_argument(
        "--site",
        metavar="SLUG",
        help=_("with --changed-since: the association whose folder the change must stay in"),
    )
    check.add_argument(
        "--no-build", action="store_true", help=_("skip the trial build that follows every link (faster)")
    )
    check.add_argument(
        "--dialect",
        choices=DIALECTS,
        help=_("list the documents of SITE that would read differently in this Markdown dialect"),
    )
    check.add_argument(
        "dialect_site", nargs="?", metavar="SITE", help=_("with --dialect: the site to compare")
    )

    commands.add_parser(
        "codeowners",
        parents=[common],
        help=_("write CODEOWNERS from the maintainers of network.yaml and each site.yaml"),
    )

    new_site = commands.add_parser(
        "new-site",
        parents=[common],
        help=_("create sites/<name>/ with a commented site.yaml and a first article"),
    )
    new_site.add_argument("name", help=_("the association's name, in quotes"))

    new_post = commands.add_parser(
        "new-post", parents=[common], help=_("create a dated article in a site, its metadata ready")
    )
    new_post.add_argument("site", help=_("the site's folder name in sites/"))
    new_post.add_argument("title", help=_("the article's title, in quotes"))

    merge = commands.add_parser(
        "merge", parents=[common], help=_("assemble the outputs of build --shard into the whole network")
    )
    merge.add_argument(
        "shards", nargs="+", type=Path, metavar="SHARD", help=_("the output folder of each shard")
    )
    merge.add_argument(
        "-o",
        "--output",
        type=Path,
        help=_("where to write the network (default: output/ in the network's folder)"),
    )
    merge.add_argument(
        "--base-url", help=_("public address of the network, replacing network.yaml's url (deploy previews)")
    )
    merge.add_argument(
        "--offline",
        action="store_true",
        help=_(
            "do not fetch the planet's external feeds: use their cache (CI without network, reproducible "
            "builds)"
        ),
    )
    _deploy_options(merge)

    letter = commands.add_parser("lettre", help=_("the network's weekly letter"))
    letter_commands = letter.add_subparsers(dest="letter_command", metavar=_("command"))
    letter_commands.required = True
    send = letter_commands.add_parser(
        "envoyer", parents=[common], help=_("send the week's letter to the mailing list (once)")
    )
    send.add_argument(
        "--semaine", metavar="2026-W49", help=_("the week to send (default: the latest letter out)")
    )
    send.add_argument(
        "--dry-run",
        action="store_true",
        help=_("write the message to .citoyens/lettre/<week>.eml instead of sending it"),
    )
    send.add_argument(
        "--force",
        action="store_true",
        help=_("send even if this week's letter was already sent, or is empty"),
    )
    send.add_argument(
        "-o",
        "--output",
        type=Path,
        help=_("the built network's folder (default: output/ in the network's folder)"),
    )

    importer = commands.add_parser(
        "import",
        parents=[common],
        help=_("bring in an old blog: a WordPress export (WXR) or an RSS/Atom feed, file or address"),
    )
    importer.add_argument("site", help=_("the site's folder name in sites/"))
    importer.add_argument("source", help=_("the export file, or the feed's file or address"))
    return parser


def _deploy_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--deploy",
        action="store_true",
        help=_(
            "for hosting: publish what built and exit 0 even if some sites failed (they are listed in "
            ".citoyens/report.json)"
        ),
    )
    command.add_argument(
        "--strict", action="store_true", help=_("with --deploy: exit 1 when anything failed or was skipped")
    )


def _build_options(command: argparse.ArgumentParser, output_help: str | None = None) -> None:
    output_help = output_help or _("where to write the network (default: output/ in the network's folder)")
    command.add_argument("-o", "--output", type=Path, help=output_help)
    command.add_argument(
        "-j", "--jobs", type=int, help=_("sites built at the same time (default: one per processor core)")
    )


def _network_language(argv: list[str] | None) -> str:
    """network.yaml's ``language:`` (read before the options, which --help shows in it), else French."""
    root = Path.cwd()
    arguments = sys.argv[1:] if argv is None else argv
    for option, value in zip(arguments, [*arguments[1:], ""]):
        if option in ("-C", "--root"):
            root = Path(value)
        elif option.startswith(("--root=", "-C")) and len(option) > 2:  # --root=dir, -Cdir
            root = Path(option.removeprefix("--root=").removeprefix("-C"))
    document, _problems = load_yaml(root / NETWORK_FILE, NETWORK_FILE)
    if document is not None and isinstance(document.root, MappingNode):
        for key, value in document.root.value:
            if key.value == "language" and isinstance(value, ScalarNode) and value.value:
                return value.value
    return SharedSettings.language


def _translate_argparse(message: str) -> str:
    return _(message)


def _translate_argparse_plural(singular: str, plural: str, count: int) -> str:
    return _(singular if count == 1 else plural)


# argparse's own words ("usage: ", "options"…), here so that the catalogue keeps their French.
# argparse writes a colon after the section titles: their French ends with a space ("options :").
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("expected at most one argument"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("ignored explicit argument %r"),
    N_("expected %s argument"),
    N_("expected %s arguments"),
)


def main(argv: list[str] | None = None) -> int:
    i18n.choose_language(_network_language(argv))
    argparse._ = _translate_argparse  # argparse says its words through gettext's: ours, in French too
    argparse.ngettext = _translate_argparse_plural
    args = _parser().parse_args(argv)
    if getattr(args, "base_url", None) and not re.match(r"^https?://[^\s/?#]+", args.base_url):
        print(
            _("ERROR --base-url must start with https:// or http://, got '{url}'", url=args.base_url),
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s")
    try:
        if args.command == "build":
            return run_build(args)
        if args.command == "serve":
            return run_serve(args)
        if args.command == "check":
            return run_check(args)
        if args.command == "codeowners":
            return run_codeowners(args)
        if args.command in ("new-site", "new-post"):
            return run_scaffold(args)
        if args.command == "import":
            return run_import(args)
        if args.command == "merge":
            return run_merge(args)
        if args.command == "lettre":
            return run_letter_send(args)
    except ConfigError as error:
        from citoyens_ssg.report import problem_line, say

        for problem in error.problems:
            problem_line(problem)
        say(error.summary(), error=True)
        return 1
    except CitoyensError as error:
        from citoyens_ssg.report import problem_line

        problem_line(error)
        return 1
    except KeyboardInterrupt:
        print(_("Interrupted; what was published before is unchanged."), file=sys.stderr)
        return 130
    return 0


def run_build(args: argparse.Namespace) -> int:
    from citoyens_ssg.config.sites import discover_sites
    from citoyens_ssg.pipeline.build import BuildOptions, build
    from citoyens_ssg.report import print_site_result, progress, report_data, write_report

    if args.explain:
        return run_explain()
    quiet = args.quiet
    expected = len(args.sites) if args.sites else len(discover_sites(args.root.resolve())[0])
    with progress(expected, quiet) as advance:

        def site_done(result) -> None:
            advance(result)
            print_site_result(result, quiet=quiet)

        try:
            options = BuildOptions(
                args.root,
                output_dir=args.output,
                base_url=args.base_url,
                jobs=args.jobs,
                only=frozenset(args.sites) if args.sites else None,
                offline=args.offline,
                shard=args.shard,
            )
            report = build(options, on_site_done=site_done)
        except ConfigError as error:  # nothing sound to publish: said in the report too, then the usual lines
            write_report(args.root, report_data(None, error.problems))
            raise
    code = _finish(args, report)
    return max(code, run_verify(options, args.quiet)) if args.verify else code


def run_verify(options: BuildOptions, quiet: bool) -> int:
    """``build --verify``: 1 when the published tree is not what a build from scratch makes."""
    from citoyens_ssg.pipeline.verify import verify
    from citoyens_ssg.report import say

    if not quiet:
        say(_("Verifying: the whole network built again from scratch beside it…"))
    result = verify(options)
    for line in result.differences:
        say(line, error=True)
    if result.differences:
        say(
            _(
                "{count} files differ from a build from scratch (kept in {folder}): a bug of the incremental "
                "build, please report it with these lines",
                count=len(result.differences),
                folder=result.scratch,
            ),
            error=True,
        )
        return 1
    if not quiet:
        say(_("Verified: every published file is what a build from scratch makes."))
    return 0


def run_explain() -> int:
    """``build --explain``: the incremental build's stores, as a table."""
    from citoyens_ssg.pipeline.stores import explain

    print(explain())
    return 0


def _finish(args: argparse.Namespace, report) -> int:
    """The summary, the report file, and the exit code: strict, unless deploying."""
    from citoyens_ssg.report import (
        deploy_exit_code,
        print_deploy_note,
        print_summary,
        report_data,
        write_report,
    )

    print_summary(report, quiet=args.quiet)
    path = write_report(args.root, report_data(report))
    if args.deploy:
        print_deploy_note(report, path)
        return deploy_exit_code(report, args.strict)
    if not args.quiet and len(report.failed) < len(report.sites):
        _how_to_look()
    return 0 if report.ok else 1


def _how_to_look() -> None:
    """output/index.html opened as a file is unstyled (its links are the public address):
    say what shows it."""
    from citoyens_ssg.report import command, say

    say(
        _(
            "To look at the result: {command}, then open http://127.0.0.1:8000/ in a browser "
            "(output/ opened as files has no styles: its links point at the public address).",
            command=command("make serve", "citoyens serve"),
        )
    )


def run_serve(args: argparse.Namespace) -> int:
    from citoyens_ssg.dev.server import serve
    from citoyens_ssg.editor.local import start_local_backend, stop_local_backend

    backend = start_local_backend(args.root) if args.editor else None
    try:
        return serve(args.root, host=args.host, port=args.port, output_dir=args.output, jobs=args.jobs)
    finally:
        if backend is not None:
            stop_local_backend(backend)


def _shard(value: str) -> tuple[int, int]:
    match = re.match(r"^(\d+)/(\d+)$", value)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise argparse.ArgumentTypeError(_("write K/N, for example 2/3"))
    return int(match.group(1)), int(match.group(2))


def run_merge(args: argparse.Namespace) -> int:
    from citoyens_ssg.pipeline.options import BuildOptions
    from citoyens_ssg.pipeline.shards import merge
    from citoyens_ssg.report import print_site_result

    options = BuildOptions(args.root, output_dir=args.output, base_url=args.base_url, offline=args.offline)
    report = merge(options, args.shards)
    for result in report.failed:  # each named with its problems, as the shard's own build said
        print_site_result(result, quiet=args.quiet)
    return _finish(args, report)


def run_check(args: argparse.Namespace) -> int:
    if args.dialect or args.dialect_site:
        return run_dialect_check(args)
    from citoyens_ssg.dev.check import check_network
    from citoyens_ssg.report import problem_line, say
    from citoyens_ssg.tools.isolation import changed_paths, check_changes

    findings = check_network(args.root, build_links=not args.no_build)
    errors, warnings = _unique(findings.errors), _unique(findings.warnings)
    if args.changed_since:
        errors += check_changes(changed_paths(args.root, args.changed_since), args.site)
    for problem in errors:
        problem_line(problem)
    if not args.quiet:
        for problem in warnings:
            problem_line(problem, warning=True)
    if errors:
        say(_counted(len(errors), 0 if args.quiet else len(warnings)), style="bold red", error=True)
        return 1
    if not args.quiet:
        say(_("No problem found.") + (" " + _counted(0, len(warnings)) if warnings else ""), style="green")
    return 0


def _counted(errors: int, warnings: int) -> str:
    """ "1 problem, 2 warnings.": each line printed counted once, in its kind."""
    said = []
    if errors:
        said.append(_("1 problem") if errors == 1 else _("{count} problems", count=errors))
    if warnings:
        said.append(_("1 warning") if warnings == 1 else _("{count} warnings", count=warnings))
    return ", ".join(said) + "."


def run_dialect_check(args: argparse.Namespace) -> int:
    from citoyens_ssg.config.load import load_network
    from citoyens_ssg.dev.dialects import compare_site
    from citoyens_ssg.report import say

    if not (args.dialect and args.dialect_site):
        say(
            _("ERROR give both the dialect and the site: citoyens check --dialect commonmark SITE"),
            style="bold red",
            error=True,
        )
        return 2
    differences = compare_site(load_network(args.root), args.dialect_site, args.dialect)
    for found in differences:
        print(
            _(
                "{file}:{line}: in {dialect}: «{then}» instead of «{now}»",
                file=found.file,
                line=found.line,
                dialect=args.dialect,
                then=found.then,
                now=found.now,
            )
        )
    if not args.quiet:
        say(
            _(
                "{count} document(s) of {site} would read differently in {dialect}.",
                count=len(differences),
                site=args.dialect_site,
                dialect=args.dialect,
            )
        )
    return 0


def _unique(problems: list) -> list:
    """The same problem seen by the file checks and by the trial build is said once."""
    seen, kept = set(), []
    for problem in problems:
        key = (problem.file, problem.line, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def run_codeowners(args: argparse.Namespace) -> int:
    from citoyens_ssg.config.load import load_network
    from citoyens_ssg.tools.isolation import codeowners

    network = load_network(args.root)
    target = network.root / "CODEOWNERS"
    target.write_text(codeowners(network), encoding="utf-8")
    if not args.quiet:
        print(_("Wrote {path}.", path=target))
    return 0


def run_scaffold(args: argparse.Namespace) -> int:
    from citoyens_ssg.report import command
    from citoyens_ssg.tools.scaffold import new_post, new_site

    if args.command == "new-site":
        folder = new_site(args.root, args.name)
        shown = folder.relative_to(args.root.resolve())
        print(
            _(
                "Created {path}: edit site.yaml, then run {command}.",
                path=shown,
                command=command("make serve", "citoyens serve"),
            )
        )
    else:
        path = new_post(args.root, args.site, args.title)
        print(
            _(
                "Created {path}, a draft: write the article, then remove its line Status: draft to "
                "publish it.",
                path=path.relative_to(args.root.resolve()),
            )
        )
    return 0


def run_letter_send(args: argparse.Namespace) -> int:
    from citoyens_ssg.network.letter.send import send_letter
    from citoyens_ssg.report import problem_line, say

    result = send_letter(
        args.root, args.semaine, dry_run=args.dry_run, force=args.force, output_dir=args.output
    )
    for problem in result.problems:
        problem_line(problem, warning=True)
    if result.articles_left_out:
        say(
            _(
                "{count} article(s) left out to stay under 100 KB; the email links to the web version.",
                count=result.articles_left_out,
            ),
            style="yellow",
            error=True,
        )
    if result.eml is not None:
        say(
            _(
                "Letter of week {week} written to {path} ({size} bytes), not sent.",
                week=result.week.iso,
                path=result.eml,
                size=result.size,
            ),
            style="green",
        )
    elif not args.quiet:
        say(
            _("Letter of week {week} sent ({size} bytes).", week=result.week.iso, size=result.size),
            style="green",
        )
    return 0


def run_import(args: argparse.Namespace) -> int:
    from citoyens_ssg.report import say
    from citoyens_ssg.tools.importer import import_blog

    report = import_blog(args.root, args.site, args.source)
    for message in report.skipped + report.warnings:
        say(_("WARNING {problem}", problem=message), style="yellow", error=True)
    if report.redirects:
        say(
            _(
                "The old blog's addresses lead to the new pages from {folder}/: serve it at the old blog's "
                "address"
                " (docs/ecrire.md).",
                folder=report.redirects.relative_to(args.root.resolve()),
            )
        )
    say(
        _(
            "{count} article(s) and page(s) imported, {images} image(s) downloaded; run citoyens check, "
            "then make serve.",
            count=len(report.written),
            images=report.images,
        ),
        style="green",
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
