"""Pelican plugin: what volunteers write is checked, made safe, and kept in its folder.

- Every content file is checked before Pelican reads it (UTF-8, size, nesting,
  links out of the site, case twins, metadata keys and dates) and its HTML is
  sanitised after: a bad file raises ``ContentError``, which Pelican reports
  as "Could not process" and skips, and citoyens names with its line.
- Titles become plain text; content and summaries keep only safe HTML.
- Of two files that would produce the same page, the later is skipped, naming both.
- Every file written must land inside the site's output folder.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from markupsafe import Markup
from pelican import signals

from citoyens_ssg import clock, content_checks, reading, typography
from citoyens_ssg.content_paths import pelican_contents, real_path, resolved
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.i18n import _
from citoyens_ssg.sanitize import clean_html, plain_text

logger = logging.getLogger(__name__)


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
    if path.suffix.lower() in (".md", ".markdown", ".mkd", ".mdown"):
        extra = frozenset(settings.get("CITOYENS_EXTRA_METADATA", ()))
        for line, message in content_checks.check_header(content_checks.read_header(text), settings["TIMEZONE"], extra):
            logger.warning("%s: %s", source_path, message, extra={"citoyens_line": line})
    content, metadata = super(type(reader), reader).read(source_path)
    trusted = settings.get("CITOYENS_TRUSTED", False)
    french = typography.is_french(str(metadata.get("lang") or settings.get("DEFAULT_LANG")))
    memo = reading.site_memo(settings)
    if "summary" in metadata:
        metadata["summary"] = _finished(memo, metadata["summary"], trusted, french)
    return _finished(memo, content or "", trusted, french), metadata


def _finished(memo, html: str, trusted: bool, french: bool) -> str:
    """Sanitised, with French spaces when the text is French; remembered from build to build."""
    key = "safe:" + reading.digest(html, str(trusted), str(french))
    finished = memo.get(key)
    if finished is None:
        finished = clean_html(html, trusted=trusted)
        finished = typography.french_html(finished) if french else finished
        memo.put(key, finished)
    return finished


@functools.cache
def _guarded(reader_class: type) -> type:
    """A subclass of a Pelican reader whose ``read`` checks first and sanitises after."""
    return type(f"Guarded{reader_class.__name__}", (reader_class,), {"read": _checked_read, "citoyens_guarded": True})


def guard_readers(readers) -> None:
    # Sent before the readers are made: swap each class for its guarded subclass.
    for extension, reader_class in list(readers.reader_classes.items()):
        if extension == "static":  # images and files are copied as they are, not read as text
            continue
        if reader_class and not getattr(reader_class, "citoyens_guarded", False):
            readers.reader_classes[extension] = _guarded(reader_class)


def prepare_content(content) -> None:
    plain_title(content)
    hold_future(content)


def hold_future(content) -> None:
    """A post dated in the future waits as a draft, "now" being citoyens' clock
    (SOURCE_DATE_EPOCH when set), not Pelican's: rebuilds stay reproducible."""
    date = getattr(content, "date", None)
    if date is not None and getattr(content, "status", "") == "published" and date > clock.now():
        content.status = "draft"


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
_WRITTEN_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                  "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def refuse_duplicate_outputs(generator) -> None:
    """Two files that claim one address (an explicit ``Slug:``, or two folders with one file
    name): the later in path order is skipped and named with the other; the rest publishes.
    Sent before categories, tags and archives are made, so the skipped file is in none."""
    lists = [getattr(generator, name) for name in _WRITTEN_LISTS
             if isinstance(getattr(generator, name, None), list)]
    contents = sorted({id(c): c for found in lists for c in found}.values(), key=lambda c: c.source_path)
    written_by: dict[str, str] = {}
    for content in contents:
        first = written_by.setdefault(content.save_as, content.source_path) if content.save_as else None
        if first is not None and first != content.source_path:
            message = _("same address ({page}) as {other}: not published; "
                        "give it another Slug: or another file name", page=content.save_as, other=first)
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
            message = _("{file}: same page ({page}) as {other}; give one of them another Slug: or file name",
                        file=content.source_path, page=target, other=first)
            raise DuplicateOutputError(message)


def stay_inside_output(path, context=None) -> None:
    output = resolved(context["OUTPUT_PATH"]) if context else None
    if output is not None and not real_path(path).is_relative_to(output):
        raise OutsideOutputError(_("refused to write {path}: outside the site's output folder", path=path))



def register() -> None:
    signals.readers_init.connect(guard_readers)
    signals.content_object_init.connect(prepare_content)
    signals.article_generator_pretaxonomy.connect(refuse_duplicate_outputs)
    signals.page_generator_finalized.connect(refuse_duplicate_outputs)
    signals.all_generators_finalized.connect(refuse_remaining_duplicates)
    signals.content_written.connect(stay_inside_output)
