"""Pelican plugin: what volunteers write is checked, made safe, and kept in its folder.

- Every content file is checked before Pelican reads it (UTF-8, size, nesting,
  links out of the site, case twins, metadata keys and dates) and its HTML is
  sanitised after: a bad file raises ``ContentError``, which Pelican reports
  as "Could not process" and skips, and citoyens names with its line.
- Titles become plain text; content and summaries keep only safe HTML.
- Two files that would produce the same page are refused, naming both.
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
from citoyens_ssg.sanitize import plain_text

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
    key = reading.finished_key(html, trusted, french)
    finished = memo.get(key)
    if finished is None:
        finished = reading.finished_html(html, trusted, french)
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
    content_checks.check_slug(getattr(content, "slug", None), title)
    text = plain_text(str(title))
    if typography.is_french(getattr(content, "lang", None)):
        text = typography.french_text(text)
    content.title = Markup.escape(text)


def refuse_duplicate_outputs(generators) -> None:
    written_by: dict[str, str] = {}
    for content in pelican_contents(generators):
        target = content.save_as
        if not target:
            continue
        first = written_by.setdefault(target, content.source_path)
        if first != content.source_path:
            message = _("{file}: same page ({page}) as {other}; give one of them another Title: or a Slug:",
                        file=content.source_path, page=target, other=first)
            raise DuplicateOutputError(message)


def stay_inside_output(path, context=None) -> None:
    output = resolved(context["OUTPUT_PATH"]) if context else None
    if output is not None and not real_path(path).is_relative_to(output):
        raise OutsideOutputError(_("refused to write {path}: outside the site's output folder", path=path))



def register() -> None:
    signals.readers_init.connect(guard_readers)
    signals.content_object_init.connect(prepare_content)
    signals.all_generators_finalized.connect(refuse_duplicate_outputs)
    signals.content_written.connect(stay_inside_output)
