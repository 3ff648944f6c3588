"""Building one site with Pelican, inside its own worker process.

Pelican reports most content problems by logging and carrying on, so the
worker listens to Pelican's log: every error becomes a problem naming the file
(and its line when citoyens' checks know it), the file is skipped and the rest
of the site published.  An exception that stops Pelican fails the whole site,
whose last good output then stays published.  Warnings are passed on as such.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import re
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pelican.log
from jinja2.sandbox import SecurityError
from pelican import Pelican
from pelican.settings import read_settings

from citoyens_ssg import output
from citoyens_ssg.config.load import NetworkConfig, SiteConfig
from citoyens_ssg.config.themes import resolve_theme
from citoyens_ssg.content import checks as content_checks
from citoyens_ssg.errors import CitoyensError, Problem
from citoyens_ssg.i18n import N_, _
from citoyens_ssg.site import memos as pelican_memos
from citoyens_ssg.site import prepass, search, sitemaps, templating
from citoyens_ssg.site.incremental import (
    RenderPaths,
    keep_unchanged_files,
    record_search_index,
    search_index_key,
)
from citoyens_ssg.site.settings import site_settings
from citoyens_ssg.workpaths import WorkPaths

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteJob:
    network: NetworkConfig
    site: SiteConfig
    output_dir: Path  # a fresh staging folder, swapped in only on success
    manifest_path: Path
    renders: RenderPaths | None = None  # the published version, for rendering only what changed
    search_later: bool = False  # serve: an out-of-date search index is made after the pages are shown
    work: WorkPaths | None = None  # where the caches are (default: the network's .citoyens/)


@dataclass
class SiteResult:
    slug: str
    ok: bool  # published; ``problems`` may still list files that were skipped
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    unchanged: bool = False  # not rebuilt: its inputs are those of the published version
    search_pending: bool = False  # its search index is the previous one, still to be made again


class _PelicanLogListener(logging.Handler):
    """Turns Pelican's warnings and errors into problems located in a file."""

    def __init__(self, root: Path, content_dir: Path):
        super().__init__(level=logging.WARNING)
        self.root = root
        self.content_dir = content_dir
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().strip()
        if _SAID_BY_CITOYENS.match(message):
            return
        source = self._source_of(record)
        if source is not None:  # name the file once, as the problem's location
            message = message.replace(str(record.args[source[1]]), "").replace(" :", ":").strip(" :")
        # Pelican logs "Could not process x.md" inside its except block without
        # the reason: the exception being handled is the reason.
        active = sys.exc_info()[1] if record.levelno >= logging.ERROR else None
        line = getattr(record, "citoyens_line", None)
        if isinstance(active, CitoyensError):  # our own checks: already worded for volunteers
            line = getattr(active, "line", None)
            message = str(active)
        elif isinstance(active, UnicodeDecodeError):
            line = active.object[: active.start].count(b"\n") + 1
            message = _(
                "not UTF-8: byte 0x{byte:02X}; save the file as UTF-8", byte=active.object[active.start]
            )
        elif active is not None and str(active) not in message:
            message = f"{message}: {_describe(active)}"
        message = _reworded(" ".join(message.split()))
        if source is None:
            problem = _locate(message, self.root)
        else:
            problem = Problem(source[0], message.replace(str(self.root) + "/", ""), line=line)
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(problem)

    def _source_of(self, record: logging.LogRecord) -> tuple[str, int] | None:
        """The content file among the record's arguments, shown from the network root."""
        for index, arg in enumerate(record.args if isinstance(record.args, tuple) else ()):
            candidate = getattr(arg, "source_path", arg)
            if not isinstance(candidate, str):
                continue
            path = Path(candidate) if Path(candidate).is_absolute() else self.content_dir / candidate
            path = Path(os.path.normpath(path))  # not resolve(): a symbolic link is named as itself
            if (path.is_file() or path.is_symlink()) and path.is_relative_to(self.root):
                return str(path.relative_to(self.root)), index
        return None


# Pelican's warnings about two files with one slug: citoyens_guard names the file it skips; about an
# image without alt text: citoyens_images says it in the volunteer's words.
_SAID_BY_CITOYENS = re.compile(
    r'^There are \d+ (?:items|original \(not translated\) items) "?with slug '
    r"|^Empty alt attribute for image "
)

# Pelican's most common complaints, said the way a volunteer can act on them.
_PELICAN_MESSAGES = (
    (
        re.compile(r"^Skipping:? could not find information about '(\w+)'$"),
        N_("no '{key}:' line; add one at the top of the file"),
    ),
)


def _reworded(message: str) -> str:
    for pattern, replacement in _PELICAN_MESSAGES:
        match = pattern.match(message)
        if match:
            return _(replacement, key=match.group(1).capitalize())
    return message


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _locate(message: str, root: Path) -> Problem:
    """The first network file a message names becomes the problem's file; the
    network's own path is stripped so volunteers read ``sites/...``."""
    prefix = str(root) + "/"
    match = re.search(re.escape(prefix) + r"([^\s:,;'\"]+)", message)
    if match is None:
        return Problem("pelican", message)
    rest = message.replace(match.group(0), "", 1).strip(" :\n")
    return Problem(match.group(1), rest.replace(prefix, ""))


def _template_problem(error: Exception, root: Path) -> Problem | None:
    filename = getattr(error, "filename", None)
    lineno = getattr(error, "lineno", None)
    if not filename:
        filename, lineno = _template_frame(error)
    if not filename:
        return None
    path = Path(filename)
    shown = str(path.relative_to(root)) if path.is_absolute() and path.is_relative_to(root) else filename
    reason = getattr(error, "message", None) or str(error)
    if isinstance(error, SecurityError):
        message = _(
            "template refused by the sandbox: {reason}; a site's templates may only show "
            "the values and filters of its theme",
            reason=reason,
        )
    else:
        message = _("template error: {reason}", reason=reason)
    return Problem(shown, message, line=lineno)


def _template_frame(error: Exception) -> tuple[str | None, int | None]:
    """The template file and line where rendering failed (errors raised while
    rendering carry none): Jinja rewrites the traceback so that each template's
    frame is a fake module of that file, raising at that line."""
    found: tuple[str | None, int | None] = (None, None)
    for frame, line in traceback.walk_tb(error.__traceback__):
        if "__jinja_exception__" in frame.f_globals:
            found = (frame.f_code.co_filename, line)  # the innermost wins: an included template's
    return found


def build_site(job: SiteJob) -> SiteResult:
    """Run Pelican for one site; never raises for a content or theme problem.

    A file Pelican could not use is skipped and reported: the site is still
    published without it.  An error that stops Pelican (a broken template, two
    files for one page) fails the site: its previous version stays published.
    """
    started = time.monotonic()
    root = job.network.root
    refused = content_checks.refused_entries(job.site.folder)
    if refused:
        problems = [Problem(str(path.relative_to(root)), reason) for path, reason in refused]
        return SiteResult(job.site.slug, ok=False, problems=problems, seconds=time.monotonic() - started)
    listener = _PelicanLogListener(root, job.site.content_dir)
    listener.errors += [
        Problem(str(path.relative_to(root)), reason)
        for path, reason in content_checks.refused_files(job.site)
    ]
    _listen_to_pelican(listener)
    stopped: Problem | None = None
    pending = False
    try:
        _run_pelican(job)
    except MemoryError:
        raise  # over the worker's memory ceiling: the worker reports it, naming the limit
    except Exception as error:  # Pelican, or one of citoyens' plugins, gave up on this site
        stopped = _stopping_problem(error, job)
        logger.debug("Pelican stopped while building %s", job.site.slug, exc_info=True)
    if stopped is None and not job.manifest_path.is_file():
        stopped = Problem(
            f"sites/{job.site.slug}",
            _("the build wrote no manifest (is the citoyens_manifest plugin installed?)"),
        )
    if stopped is None:
        failure, pending = _index_for_search(job)
        if failure:
            listener.warnings.append(
                Problem(
                    f"sites/{job.site.slug}", _("the search index was not built: {reason}", reason=failure)
                )
            )
        site_url = job.network.site_url(job.site.slug)
        output.write_file(
            job.output_dir, sitemaps.SITE_SITEMAP, sitemaps.site_sitemap(job.output_dir, site_url)
        )
        if job.renders is not None:
            keep_unchanged_files(job.output_dir, job.renders.previous_output)
    problems = listener.errors + ([stopped] if stopped else [])
    return SiteResult(
        job.site.slug,
        ok=stopped is None,
        problems=problems,
        warnings=listener.warnings,
        seconds=time.monotonic() - started,
        search_pending=pending,
    )


def _index_for_search(job: SiteJob) -> tuple[str | None, bool]:
    """Pagefind over the site's pages, or the published index when it was made from the same pages:
    why it failed, and whether it is still to be made (``search_later``: the previous one kept meanwhile)."""
    pages = search.indexed_pages(job.output_dir)
    if job.renders is None:
        return search.make_index(job.output_dir, pages), False
    key = search.index_key(job.output_dir, pages)
    previous_key = search_index_key(job.renders.previous_record)
    if previous_key == key and search.reuse_index(job.renders.previous_output, job.output_dir):
        failure = None
    elif job.search_later:
        # Out of date, better than none; recorded as what it is, so that its parts still current are kept.
        if search.reuse_index(job.renders.previous_output, job.output_dir) and previous_key:
            record_search_index(job.renders.record, previous_key)
        return None, True
    else:
        previous = job.renders.previous_output / search.BUNDLE
        failure = search.make_index(job.output_dir, pages, previous=previous, previous_key=previous_key)
    if failure is None:
        record_search_index(job.renders.record, key)
    return failure, False


def _stopping_problem(error: Exception, job: SiteJob) -> Problem:
    root = job.network.root
    if isinstance(error, CitoyensError):  # already worded for volunteers
        located = _locate(str(error), root)
    else:
        located = _template_problem(error, root) or _locate(_describe(error), root)
    if located.file == "pelican":
        return Problem(f"sites/{job.site.slug}", located.message)
    return located


def forget_logged_warnings() -> None:
    """Let every warning be said again in this build.

    Pelican's loggers drop a warning whose text they have already let through once in the process
    (``LimitFilter``, class-wide): in the dev server, or a second build in one process, a problem
    reported at the first build would then vanish from every later one."""
    pelican.log.LimitFilter._raised_messages.clear()
    pelican.log.LimitFilter._group_count.clear()


def _listen_to_pelican(listener: logging.Handler) -> None:
    forget_logged_warnings()
    pelican.log.console.quiet = True  # Pelican's own "Done: ..." line is ours to print
    root_logger = logging.getLogger()
    root_logger.handlers[:] = [listener]
    root_logger.setLevel(logging.WARNING)


def warm_up(languages: set[str]) -> None:
    """What every site's worker would do first, done once in the parent before it forks.

    Pillow imports its fifty format plugins on the first image it opens, Markdown
    its extensions when a parser is made (and compiles their patterns, which the
    ``re`` module caches), Babel reads a language's data on its first date: the
    workers inherit all of it.
    """
    import babel.numbers  # noqa: F401 - imported for the workers
    import markdown
    from babel import UnknownLocaleError
    from pelican.settings import DEFAULT_CONFIG
    from PIL import Image
    from unidecode import unidecode

    import citoyens_ssg.content.images
    import citoyens_ssg.content.media
    import citoyens_ssg.content.typography  # noqa: F401 - imported for the workers

    with contextlib.suppress(ImportError):
        import pagefind_bin  # noqa: F401

    Image.init()
    config = DEFAULT_CONFIG["MARKDOWN"]
    markdown.Markdown(extensions=list(config["extension_configs"]), **config)
    unidecode("é")  # slugs: the first table of transliterations
    for language in languages:
        with contextlib.suppress(ValueError, UnknownLocaleError):  # the site's worker reports it
            templating.filters(language)["long_date"](datetime.date(2026, 1, 1))


def compile_templates(jobs: list[SiteJob]) -> None:
    """Compile the sites' templates once, before the workers start (see templating.compile_templates)."""
    done: set[tuple[str, ...]] = set()
    for job in jobs:
        theme = resolve_theme(job.network.themes_dir, job.site.theme)
        if theme.from_pelican:
            continue
        settings = site_settings(
            job.network, job.site, theme, job.output_dir, job.manifest_path, work=job.work
        )
        folders = (*settings["THEME_TEMPLATES_OVERRIDES"], os.path.join(settings["THEME"], "templates"))
        if folders not in done:
            done.add(folders)
            filter_names = ["strftime", *settings["JINJA_FILTERS"]]
            test_names = ["plugin_enabled", *settings.get("JINJA_TESTS", {})]
            options = settings["JINJA_ENVIRONMENT"]
            state = _compiled_state(folders, options, filter_names, test_names)
            if _COMPILED.get(folders) == state:
                continue  # compiled by this process, nothing changed since: serve's next save
            templating.compile_templates(list(folders), options, filter_names, test_names)
            _COMPILED[folders] = state


# What compile_templates last compiled in this process, by template folders: the dev server
# rebuilds at each save, and loading forty templates from the bytecode cache took ~0.06 s.
_COMPILED: dict[tuple[str, ...], tuple] = {}


def _compiled_state(
    folders: tuple[str, ...], options: dict, filter_names: list[str], test_names: list[str]
) -> tuple:
    """Everything the compiled templates depend on: options, names, and each template file's size and time."""
    cache = options.get("bytecode_cache")
    described = repr(
        sorted((name, repr(value)) for name, value in options.items() if name != "bytecode_cache")
    )
    files = []
    for folder in folders:
        for directory, _dirs, names in os.walk(folder):
            for name in names:
                with contextlib.suppress(OSError):  # gone meanwhile: the compiler will say so, or not need it
                    info = os.stat(os.path.join(directory, name))
                    files.append((directory, name, info.st_size, info.st_mtime_ns))
    return (
        described,
        getattr(cache, "directory", None),
        tuple(filter_names),
        tuple(test_names),
        tuple(sorted(files)),
    )


def _run_pelican(job: SiteJob) -> None:
    theme = resolve_theme(job.network.themes_dir, job.site.theme)
    overrides = site_settings(
        job.network, job.site, theme, job.output_dir, job.manifest_path, job.renders, job.work
    )
    if not job.site.content_dir.is_dir():
        # A site.yaml alone is enough: the site gets its home page and feeds.
        empty = job.output_dir.with_name(job.output_dir.name + ".no-content")
        empty.mkdir(parents=True, exist_ok=True)
        overrides["PATH"] = str(empty)
    pelican_memos.install()
    templating.sandbox_pelican()
    settings = read_settings(override=overrides)
    prepass.convert_in_parallel(settings)  # a large site's documents on both cores, then Pelican renders
    Pelican(settings).run()
    output.write_file(
        job.output_dir,
        f"{overrides['THEME_STATIC_DIR']}/css/accent.css",
        templating.accent_css(job.site.accent_color),
    )
