"""Reading Markdown: one parser per site, each document converted once, and
the work remembered from one build to the next.

A site's dialect is CommonMark (``citoyens_ssg.site.commonmark``, cmark-gfm) unless
its site.yaml says ``markdown: python-markdown``; both readers share the memo
(the dialect is in the key), the metadata handling and the guard plugin.

Pelican's own reader makes a new Markdown parser for every file and runs the
``Summary:`` field through a second conversion.  This reader keeps one parser
for documents and one for formatted fields, skips the conversion of a summary
that is plain text, and remembers every conversion in the site's memo
(``.citoyens/memo/<site>.json.gz``), keyed by the document's text and the
versions and settings of the parser: an unchanged article is not converted
again.  What it returns is what Pelican's reader would, headings given ids.  The guard
plugin keeps its sanitised HTML in the same memo.
"""

from __future__ import annotations

import copy
import gzip
import json
import logging
import os
import re
from pathlib import Path

from markdown import Markdown
from pelican import signals
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import SafeDatetime, pelican_open

from citoyens_ssg.config.load import DEFAULT_DIALECT
from citoyens_ssg.content import typography
from citoyens_ssg.content.checks import EXTENSIONS, other_formats
from citoyens_ssg.content.sanitize import clean_html, clean_text
from citoyens_ssg.digests import CODE, digest, library_versions, shared_tree_digest
from citoyens_ssg.site import commonmark

_pelican_log = logging.getLogger("pelican.readers")  # Pelican's own warnings, said as Pelican says them
META = "markdown.extensions.meta"
CACHE_VERSION = 1
# Making an entry again (Markdown, sanitising: 1.8 ms) costs about twenty times
# what writing one into the memo does (0.1 ms): the memo is rewritten when that
# is cheaper than making its new entries again next time.
REDO_COST = 20
# The dates volunteers write (2026-03-05, 2026-03-05 18:30, 2026-03-05T18:30:00), read
# without dateutil's general parser, which gives the same naive datetimes ten times slower.
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")
# One line of words and sentence punctuation, starting with a letter: Markdown
# turns it into one paragraph and nothing else (no list, heading, link, emphasis).
_PLAIN_LINE = re.compile(r"[^\W\d_](?:[^\W_]|[ ,.;:!?'\"«»’()…\-])*")


def plain_paragraph(text: str) -> str | None:
    """The HTML Markdown makes of ``text`` when it is one plain line, else None."""
    if not _PLAIN_LINE.fullmatch(text):  # no space around it either: Markdown keeps or reads those
        return None
    return f"<p>{text}</p>"  # nothing to escape: no & < > in a plain line


class Memo:
    """Results worth keeping from one build of a site to the next, by key.

    Values are JSON (text, lists, dicts), stored compressed; only what the last
    build that rewrote it used is kept, so the file follows the site's size.  A
    damaged file is only a slower build.
    """

    def __init__(self, path: Path | None, salt: str):
        self.path = path
        self.salt = salt
        self.previous: dict[str, object] = self._load()
        self.used: dict[str, object] = {}
        self.added = 0

    def _load(self) -> dict[str, object]:
        if self.path is None or not self.path.is_file():
            return {}
        try:
            stored = json.loads(gzip.decompress(self.path.read_bytes()))
        except (OSError, ValueError, EOFError):
            return {}
        return stored.get("entries", {}) if stored.get("salt") == self.salt else {}

    def get(self, key: str) -> object | None:
        found = self.used.get(key)
        if found is None:
            found = self.previous.get(key)
            if found is not None:
                self.used[key] = found
        return found

    def put(self, key: str, value: object) -> None:
        self.used[key] = value
        self.added += 1

    def save(self, *_sender: object) -> None:
        if self.path is None or (not self.added and len(self.used) == len(self.previous)):
            return  # the file already holds exactly this
        if self.previous and self.added * REDO_COST < len(self.used):
            # A few new entries (an article edited): converting them again next time
            # costs less than rewriting every entry; they are kept with the next many.
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        data = json.dumps({"salt": self.salt, "entries": self.used}, ensure_ascii=False).encode("utf-8")
        temporary.write_bytes(gzip.compress(data, compresslevel=1, mtime=0))  # HTML shrinks fourfold, quickly
        os.replace(temporary, self.path)


def _code(settings: dict) -> str:
    """The libraries, citoyens' code and the plugins': a change to the sanitiser's rules forgets the memo."""
    folders = [CODE, *settings.get("PLUGIN_PATHS", [])]
    return ",".join([library_versions(), *(shared_tree_digest(Path(folder)) for folder in folders)])


_SITE_MEMOS: dict[str | None, Memo] = {}


def site_memo(settings: dict) -> Memo:
    """The site's memo, opened once per build (Pelican makes a reader per generator)
    and saved when Pelican has finished."""
    path = settings.get("CITOYENS_MEMO")
    if path not in _SITE_MEMOS:
        salt = f"{CACHE_VERSION}|{sorted(settings['MARKDOWN'].items(), key=str)!r}|{_code(settings)}"
        memo = _SITE_MEMOS[path] = Memo(Path(path) if path else None, salt)
        signals.finalized.connect(memo.save, weak=False)
    return _SITE_MEMOS[path]


_PARSERS: dict[int, tuple[dict, Markdown, Markdown]] = {}


def _parsers(config: dict) -> tuple[Markdown, Markdown]:
    """A parser for documents (with their metadata header) and one for formatted
    fields, made once for the site's MARKDOWN settings (one dict for all its readers)."""
    made = _PARSERS.get(id(config))
    if made is None or made[0] is not config:
        fields = {**config, "extensions": [e for e in config["extensions"] if e != META]}
        made = _PARSERS[id(config)] = (config, Markdown(**config), Markdown(**fields))
    return made[1], made[2]


class CitoyensMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, converting each document once with parsers made once."""

    memo_prefix = "md:"  # the dialect is part of the memo's key

    def read(self, source_path):
        self._source_path = source_path
        memo = site_memo(self.settings)
        with pelican_open(source_path) as text:
            key = self.memo_prefix + digest(text)
            converted = memo.get(key)
            if converted is None:
                converted = self._convert(text)
                memo.put(key, converted)
        html, meta = converted
        return html, self._parse_metadata(meta)

    def _convert(self, text: str) -> list:
        document, _fields = _parsers(self.settings["MARKDOWN"])
        document.reset()
        html = commonmark.heading_ids(document.convert(text))
        return [html, {name: list(values) for name, values in getattr(document, "Meta", {}).items()}]

    def _parse_metadata(self, meta):
        """As Pelican's, with the formatted fields converted by the field parser."""
        output = {}
        for name, value in meta.items():
            name = name.lower()
            if name in self.settings["FORMATTED_FIELDS"]:
                output[name] = self.process_metadata(name, self._format("\n".join(value)))
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(value) > 1:
                    self._warn_duplicate(name)
                output[name] = self.process_metadata(name, value[0])
            elif len(value) > 1:
                output[name] = self.process_metadata(name, value)
            else:
                output[name] = self.process_metadata(name, value[0])
        return output

    def process_metadata(self, name, value):
        # Before Pelican makes tags and dates of it: no control character reaches a feed or a calendar,
        # and a title or a place stays on one line (the summary is HTML: its lines are kept).
        one_line = name not in self.settings["FORMATTED_FIELDS"]
        if isinstance(value, str):
            value = clean_text(value, one_line=one_line)
        elif isinstance(value, list):
            value = [clean_text(item, one_line=one_line) if isinstance(item, str) else item for item in value]
        if name in ("date", "modified") and isinstance(value, str):
            date = iso_date(value)
            if date is not None:
                return date
        return super().process_metadata(name, value)

    def _format(self, text: str) -> str:
        plain = plain_paragraph(text)
        if plain is not None:
            return plain
        _document, fields = _parsers(self.settings["MARKDOWN"])
        fields.reset()
        return fields.convert(text)

    def _warn_duplicate(self, name: str) -> None:
        _pelican_log.warning("Duplicate definition of `%s` for %s. Using first one.", name, self._source_path)


class CitoyensCommonMarkReader(CitoyensMarkdownReader):
    """The network's Markdown: CommonMark with GitHub's extensions, same header, same memo."""

    memo_prefix = "cm:"

    def _convert(self, text: str) -> list:
        return commonmark.convert(text)

    def _format(self, text: str) -> str:
        return plain_paragraph(text) or commonmark.to_html(text)


READERS = {"commonmark": CitoyensCommonMarkReader, "python-markdown": CitoyensMarkdownReader}


def finished_key(html: str, trusted: bool, french: bool) -> str:
    """The memo's key for what the guard plugin makes of ``html``."""
    return "safe:" + digest(html, str(trusted), str(french))


def finished_html(html: str, trusted: bool, french: bool) -> str:
    """Sanitised, with French spaces when the text is French: what readers get of a document's HTML."""
    finished = clean_html(html, trusted=trusted)
    return typography.french_html(finished) if french else finished


def body_html(text: str, dialect: str) -> str:
    """A document's HTML as a site of ``dialect`` reads it with Pelican's default settings, unsanitised."""
    reader = READERS[dialect](copy.deepcopy(DEFAULT_CONFIG))
    return reader._convert(text)[0]


def iso_date(text: str) -> SafeDatetime | None:
    """``2026-03-05 18:30`` as Pelican's date parser reads it; None for any other form."""
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return SafeDatetime(*(int(part) for part in match.groups() if part is not None))
    except ValueError:  # 2026-02-30: the general parser says what is wrong
        return None


def readers_setting(dialect: str = DEFAULT_DIALECT) -> dict[str, type | None]:
    """Pelican's READERS setting: the site's dialect's reader for every Markdown extension,
    none for the other formats."""
    return {**dict.fromkeys(sorted(other_formats())), **dict.fromkeys(EXTENSIONS, READERS[dialect])}


def ignored_files() -> list[str]:
    """Patterns for Pelican's IGNORE_FILES: files in the other formats, in any case
    (``Page.HTML``), are not copied as static files either."""
    return [f"*.{''.join(f'[{c.lower()}{c.upper()}]' for c in ext)}" for ext in sorted(other_formats())]
