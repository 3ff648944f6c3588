"""Pelican plugin: what volunteers write is checked, made safe, and kept in its folder.

- Every content file is checked before Pelican reads it (UTF-8, size, nesting,
  links out of the site, case twins, metadata keys and dates) and its HTML is
  sanitised after: a bad file raises ``ContentError``, which Pelican reports
  as "Could not process" and skips, and citoyens names with its line.
- Titles become plain text; content and summaries keep only safe HTML; a summary not
  given is the text's first whole blocks, never cut inside a list.
- Of two files that would produce the same page, the later is skipped, naming both.
- A reference (``{static}``, ``{attach}``, ``{filename}``) must name a file of the
  site's ``content/`` folder: one leading elsewhere is reported and its link removed.
- Static files are published only from an allowlist of types (citoyens_ssg.content.static_files).
- Every file Pelican writes is checked, before it is written, to land inside the
  site's own output folder.
- Drafts and future posts are left out of a build (the site context's ``preview`` keeps them,
  for ``citoyens serve``), and links to them are removed.

Hooks ``readers_init`` (each reader checks its file first and sanitises what it read),
``content_object_init`` (address, plain title, references), ``article_generator_context`` and
``page_generator_context`` (drafts and future posts left out), ``article_generator_pretaxonomy`` and
``page_generator_finalized`` (two files for one page), ``static_generator_finalized`` (the static
allowlist) and ``all_generators_finalized`` (Pelican's writers checked, links to unpublished texts
removed, excerpts cut, remaining duplicates refused).  It reads the site's content and the site
context (trust, preview); it writes nothing itself.
"""

from __future__ import annotations

import datetime
import functools
import logging
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from markupsafe import Markup
from pelican import signals
from pelican.contents import Static
from pelican.generators import StaticGenerator
from pelican.utils import strip_toc_elements_from_html
from pelican.writers import Writer

from citoyens_ssg import clock
from citoyens_ssg.content import abbreviations, excerpts, static_files, typography
from citoyens_ssg.content import checks as content_checks
from citoyens_ssg.content.paths import (
    CONTENT_LISTS,
    Reference,
    name_refused,
    pelican_contents,
    plain_names,
    real_path,
    references,
    resolved,
    without_references,
)
from citoyens_ssg.content.sanitize import plain_text
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.i18n import N_, _
from citoyens_ssg.site import reading
from citoyens_ssg.site.context import site_context

logger = logging.getLogger(__name__)

LEAVING = N_("{reference} leads outside the site; the file must be inside content/ (link removed)")
UNPUBLISHED = N_(
    "{reference} is not published (a draft, a future post or a file with a problem); "
    "the link is removed until it is"
)
DRAFT_LISTS = ("drafts", "drafts_translations", "draft_pages", "draft_translations")


class DuplicateOutputError(CitoyensError):
    pass


class OutsideOutputError(CitoyensError):
    pass


def _checked_read(reader, source_path: str):
    settings = reader.settings
    path = Path(source_path)
    content_checks.check_location(path, Path(settings["PATH"]).parent)
    text = content_checks.decode_source(path.read_bytes())
    content_checks.check_nesting(text)
    extra = site_context(settings).extra_metadata
    header = (
        content_checks.read_header(text) if path.suffix.lower() in content_checks.EXTENSIONS_WITH_DOT else []
    )
    for line, message in content_checks.check_header(header, settings["TIMEZONE"], extra):
        logger.warning("%s: %s", source_path, message, extra={"citoyens_line": line})
    content, metadata = super(type(reader), reader).read(source_path)
    # What Pelican obeys is what the reader returns, whatever syntax the text used.
    content_checks.check_metadata(metadata, header, extra)
    trusted = site_context(settings).trusted
    french = typography.is_french(str(metadata.get("lang") or settings.get("DEFAULT_LANG")))
    memo = reading.site_memo(settings)
    acronyms = site_context(settings).abbreviations  # after the memo: a new acronym needs no new key
    if "summary" in metadata:
        summary = _finished(memo, metadata["summary"], trusted, french)
        metadata["summary"] = abbreviations.expand_first(summary, acronyms)
    return abbreviations.expand_first(_finished(memo, content or "", trusted, french), acronyms), metadata


def _finished(memo, html: str, trusted: bool, french: bool) -> str:
    """Sanitised, with French spaces when the text is French; remembered from build to build."""
    key = reading.finished_key(html, trusted, french)
    finished = memo.get(key)
    if finished is None:
        finished = reading.finished_html(html, trusted, french)
        memo.put(key, finished)
    return finished


@functools.cache
def _guarded(reader_class: type) -> type:
    """A subclass of a Pelican reader whose ``read`` checks first and sanitises after."""
    return type(
        f"Guarded{reader_class.__name__}", (reader_class,), {"read": _checked_read, "citoyens_guarded": True}
    )


def guard_readers(readers) -> None:
    # Sent before the readers are made: swap each class for its guarded subclass.
    for extension, reader_class in list(readers.reader_classes.items()):
        if extension == "static":  # images and files are copied as they are, not read as text
            continue
        if reader_class and not getattr(reader_class, "citoyens_guarded", False):
            readers.reader_classes[extension] = _guarded(reader_class)


def prepare_content(content) -> None:
    if isinstance(content, Static):
        return  # checked with the other static files, once Pelican has found them all
    check_address(content)
    plain_title(content)
    hold_future(content)
    remove_references(content, _leaving, LEAVING, logging.ERROR)


def after_reading(generators) -> None:
    """Once every text is read: links to unpublished texts removed, then the excerpts cut
    from what remains (Pelican's moment for plugins that make summaries)."""
    generators = list(generators)
    keep_drafts_private(generators)
    for content in pelican_contents(generators):
        cut_excerpt(content)


def cut_excerpt(content) -> None:
    """The summary of a text that gives none: its first whole blocks (citoyens_ssg.content.excerpts),
    set where Pelican takes a plugin's summary (``_summary``; its links are resolved after).
    SUMMARY_MAX_PARAGRAPHS, or no SUMMARY_MAX_LENGTH, leaves it to Pelican."""
    settings = content.settings
    budget = settings.get("SUMMARY_MAX_LENGTH")
    if "summary" in content.metadata or budget is None or settings.get("SUMMARY_MAX_PARAGRAPHS") is not None:
        return
    suffix = settings.get("SUMMARY_END_SUFFIX", "…")
    summary = strip_toc_elements_from_html(excerpts.excerpt(content._content or "", budget, suffix))
    content._summary = content.metadata["summary"] = summary


def check_address(content) -> None:
    """The page's address, whatever set it (metadata, DEFAULT_METADATA, PATH_METADATA, a setting),
    stays in the site's own output folder: refused here, the file is skipped with its name."""
    if not inside_output(content.save_as or "", content.settings["OUTPUT_PATH"]):
        raise content_checks.ContentError(_address_refusal(content.save_as))


def _address_refusal(path: str) -> str:
    return _(
        "the address '{path}' leads outside the site's folder; remove what sets it "
        "(Save_as:, Lang:, a pelican: setting)",
        path=path,
    )


def _leaving(reference: Reference, _content) -> bool:
    return reference.target is None


def remove_references(content, removed, message: str, level: int) -> None:
    """Drop the link or image address of each reference ``removed`` picks, and say so, located."""
    picked = [reference for reference in references(content) if removed(reference, content)]
    if not picked:
        return
    content._content = without_references(content._content, picked)
    text = Path(content.source_path).read_text(encoding="utf-8-sig")
    for reference in picked:
        found = text.find(reference.written)
        line = text.count("\n", 0, found) + 1 if found >= 0 else None
        logger.log(
            level,
            "%s: %s",
            content.source_path,
            _(message, reference=reference.written),
            extra={"citoyens_line": line},
        )


def hold_future(content) -> None:
    """A post dated in the future waits as a draft, "now" being citoyens' clock
    (SOURCE_DATE_EPOCH when set), not Pelican's: rebuilds stay reproducible."""
    date = getattr(content, "date", None)
    if date is not None and getattr(content, "status", "") == "published" and date > clock.now():
        content.status = "draft"


def leave_out_unpublished(generator, metadata) -> None:
    """Outside a preview, a draft or a future post is skipped before Pelican makes anything of it:
    no page, no feed or sitemap entry, no search record, no static file it links."""
    settings = generator.settings
    if site_context(settings).preview:
        return
    status = str(metadata.get("status") or settings.get("DEFAULT_STATUS", "published")).lower()
    date = metadata.get("date")
    if isinstance(date, datetime.datetime) and date.tzinfo is None:
        date = date.replace(tzinfo=ZoneInfo(settings["TIMEZONE"]))
    if status == "draft" or (isinstance(date, datetime.datetime) and date > clock.now()):
        metadata["status"] = "skip"


def keep_drafts_private(generators) -> None:
    """Outside a preview, no draft is written, however it became one (a date read after the
    header, by citoyens' clock); and a ``{filename}`` link to a file that is not published (a
    draft, a future post, a file skipped for a problem) is removed with a warning, not left
    pointing at nothing or at a draft."""
    generators = list(generators)
    for generator in generators:
        if not site_context(generator.settings).preview:
            for attribute in DRAFT_LISTS:
                getattr(generator, attribute, []).clear()  # in place: the context holds the same lists
    for content in pelican_contents(generators):
        remove_references(content, _unpublished, UNPUBLISHED, logging.WARNING)


def _unpublished(reference: Reference, content) -> bool:
    target = reference.target
    if (
        reference.kind != "filename"
        or target is None
        or target.suffix not in content_checks.EXTENSIONS_WITH_DOT
    ):
        return False
    root = resolved(content.settings["PATH"])
    linked = content._context["generated_content"].get(target.relative_to(root).as_posix())
    return linked is None or (linked.status == "draft" and not site_context(content.settings).preview)


def plain_title(content) -> None:
    """Titles are text: markup removed, then escaped once (Markup), whatever the theme."""
    title = getattr(content, "title", None)
    if title is None:
        return
    content_checks.check_slug(getattr(content, "slug", None), Path(content.source_path).name)
    text = plain_text(str(title))
    if typography.is_french(getattr(content, "lang", None)):
        text = typography.french_text(text)
    content.title = Markup.escape(text)


# The lists of a generator that hold what it will write (originals, translations, by status).
_WRITTEN_LISTS = (*CONTENT_LISTS, "draft_translations")


def refuse_duplicate_outputs(generator) -> None:
    """Two files that claim one address (an explicit ``Slug:``, or two folders with one file
    name): the later in path order is skipped and named with the other; the rest publishes.
    Sent before categories, tags and archives are made, so the skipped file is in none."""
    lists = [
        getattr(generator, name)
        for name in _WRITTEN_LISTS
        if isinstance(getattr(generator, name, None), list)
    ]
    contents = sorted({id(c): c for found in lists for c in found}.values(), key=lambda c: c.source_path)
    written_by: dict[str, str] = {}
    for content in contents:
        first = written_by.setdefault(content.save_as, content.source_path) if content.save_as else None
        if first is not None and first != content.source_path:
            message = _(
                "same address ({page}) as {other}: not published; give it another Slug: or another file name",
                page=content.save_as,
                other=first,
            )
            logger.error("%s: %s", content.source_path, message)
            _skip(content, lists, contents)


def _skip(content, lists: list[list], contents: list) -> None:
    """``content`` out of every list the generator writes from, and out of the others' translations."""
    for found in lists:
        found[:] = [kept for kept in found if kept is not content]
    for kept in contents:
        translations = getattr(kept, "translations", None)
        if isinstance(translations, list) and content in translations:
            translations.remove(content)


def refuse_remaining_duplicates(generators) -> None:
    """What ``refuse_duplicate_outputs`` could not skip (agenda events, two generators): the site stops."""
    written_by: dict[str, str] = {}
    for content in pelican_contents(generators):
        target = content.save_as
        if not target:
            continue
        first = written_by.setdefault(target, content.source_path)
        if first != content.source_path:
            message = _(
                "{file}: same page ({page}) as {other}; give one of them another Slug: or file name",
                file=content.source_path,
                page=target,
                other=first,
            )
            raise DuplicateOutputError(message)


def inside_output(path: str | Path, output_path: str) -> bool:
    """True when ``output_path/path`` resolves inside ``output_path``, by real path (no prefix compare)."""
    return real_path(Path(output_path, path)).is_relative_to(resolved(output_path))


def _refuse_outside(path: str | Path, output_path: str) -> None:
    if not inside_output(path, output_path):  # named from the site's output folder: ../radio-ondes/index.html
        shown = os.path.relpath(Path(output_path, path), output_path)
        raise OutsideOutputError(_("refused to write {path}: outside the site's output folder", path=shown))


def guard_writes(_generators=None) -> None:
    """Check every path Pelican writes BEFORE it writes it, against the site's own output folder.

    Pelican checks too late or not at all: ``sanitised_join`` compares string prefixes
    (``output/radio`` prefixes ``output/radio-ondes``) and static files are copied with a plain
    ``os.path.join``, so a ``save_as`` from metadata, DEFAULT_METADATA, PATH_METADATA or a
    formatted STATIC_SAVE_AS could write anywhere.  Its write points are wrapped here, in the
    site's worker process: ``_open_w`` of the writer and of every writer made from it (pages,
    feeds, and the incremental writer's reused pages), and the static copy.  Run again once all
    generators are made, before any output, so that a writer class a plugin brings is covered.
    """
    for writer_class in _writer_classes(Writer):
        own = vars(writer_class).get("_open_w")
        if own is not None and not getattr(own, "citoyens_checked", False):
            writer_class._open_w = _checked_open(own)
    copy = StaticGenerator._link_or_copy_staticfile
    if not getattr(copy, "citoyens_checked", False):

        @functools.wraps(copy)
        def checked_copy(generator, static):
            _refuse_outside(static.save_as, generator.output_path)
            return copy(generator, static)

        checked_copy.citoyens_checked = True
        StaticGenerator._link_or_copy_staticfile = checked_copy


def _writer_classes(base: type) -> list[type]:
    return [base] + [found for subclass in base.__subclasses__() for found in _writer_classes(subclass)]


def _checked_open(open_w):
    @functools.wraps(open_w)
    def checked_open(writer, filename, *args, **kwargs):
        _refuse_outside(filename, writer.output_path)
        return open_w(writer, filename, *args, **kwargs)

    checked_open.citoyens_checked = True
    return checked_open


def keep_publishable_statics(generator) -> None:
    """Static files found or linked: only the site's own files, of an allowed type, written inside
    its output; any other is named and left out (links to it then stay unresolved)."""
    settings = generator.settings
    kept = []
    for static in generator.staticfiles:
        reason = _static_refusal(static, settings)
        if reason is None:
            kept.append(static)
            continue
        logger.error("%s: %s", static.source_path, reason)
        generator.context["static_content"].pop(static.get_relative_source_path(), None)
    generator.staticfiles[:] = kept


def _static_refusal(static, settings) -> str | None:
    source = Path(static.source_path)
    inside_content = real_path(source).is_relative_to(resolved(settings["PATH"]))
    if source.is_symlink() or not inside_content or not source.is_file():
        return _(
            "this file is outside the site's content/ folder and is not published; "
            "the file must be inside content/"
        )
    if not plain_names(source, Path(settings["PATH"])):
        return name_refused()  # Pelican writes the name into href="…" after the sanitiser
    if not inside_output(static.save_as, settings["OUTPUT_PATH"]):
        return _address_refusal(static.save_as)
    return static_files.refusal(source)


def register() -> None:
    guard_writes()
    signals.readers_init.connect(guard_readers)
    signals.article_generator_context.connect(leave_out_unpublished)
    signals.page_generator_context.connect(leave_out_unpublished)
    signals.content_object_init.connect(prepare_content)
    signals.static_generator_finalized.connect(keep_publishable_statics)
    signals.all_generators_finalized.connect(guard_writes)
    signals.all_generators_finalized.connect(after_reading)
    signals.article_generator_pretaxonomy.connect(refuse_duplicate_outputs)
    signals.page_generator_finalized.connect(refuse_duplicate_outputs)
    signals.all_generators_finalized.connect(refuse_remaining_duplicates)
