"""Checks on a volunteer's content file, before and after Pelican reads it.

Each check raises ``ContentError`` with the line and what to do.  The Pelican
plugin ``citoyens_guard`` runs them on every file it reads, so a bad file is
skipped (Pelican logs it and carries on) and named in the build report.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pelican.readers import BaseReader

from citoyens_ssg.content import static_files
from citoyens_ssg.content.paths import name_refused, plain_names, real_path, resolved
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.i18n import _

if TYPE_CHECKING:
    from citoyens_ssg.config.load import SiteConfig

# The files a site's content is written in: Markdown only (see other_formats).
EXTENSIONS = ("md", "markdown", "mkd", "mdown")
EXTENSIONS_WITH_DOT = tuple(f".{extension}" for extension in EXTENSIONS)
MAX_SOURCE_BYTES = 1_000_000  # a long article is 50 KB; 20 MB is an accident or an attack
MAX_QUOTE_DEPTH = 32
MAX_BRACKET_DEPTH = 64
# Python-Markdown looks for the end of each unclosed '<tag' again and again: 150 KB of '<a ' take
# hours, 3,000 of them 2 s; an article has a few '<' signs, never hundreds of unclosed tags.
MAX_UNCLOSED_TAGS = 200
_UNCLOSED_TAG = re.compile(r"<[A-Za-z][^<>]*+(?!>)")

# Keys Pelican would obey to write files elsewhere or render with another template.
REFUSED_KEYS = frozenset({"save_as", "url", "template", "path", "override_url", "override_save_as"})
# What an event's file may say besides an article's keys (citoyens_agenda, content.events).
EVENT_KEYS = frozenset(
    {
        "start",
        "end",
        "duration",
        "place",
        "address",
        "latitude",
        "longitude",
        "registration",
        "price",
        "recurrence",
        "days",
        "until",
        "count",
        "except",
        "rrule",
    }
)
KNOWN_KEYS = (
    frozenset(
        {
            "title",
            "date",
            "modified",
            "category",
            "tags",
            "keywords",
            "slug",
            "author",
            "authors",
            "summary",
            "status",
            "lang",
            "translation",
            "image",
            "alt",
            # radio shows and videos (citoyens_media)
            "audio",
            "audio_length",
            "duration",
            "transcript",
            "explicit",
            "video",
            "poster",
            "captions",
            "captions_lang",
        }
    )
    | EVENT_KEYS
)
NO_KEYS: frozenset[str] = frozenset()
STATUSES = frozenset({"published", "draft", "hidden"})
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9_.-]*[a-z0-9])?$")
# A language tag as BCP 47 shapes it (fr, br, en-GB, oc-aranes): it becomes part of page addresses.
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")
YEARS = (1800, 2999)  # the years a date may have
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?:Z|[+-]\d{2}:?\d{2})?$")
SLASHED_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
# The header syntax Python-Markdown's meta extension reads (markdown/extensions/meta.py): an
# optional opening ``---``, keys indented by up to three spaces, values continued by four.
HEADER_LINE = re.compile(r"^ {0,3}([A-Za-z0-9_-]+)\s*:\s*(.*)$")
HEADER_OPENING = re.compile(r"^-{3}(\s.*)?$")
HEADER_CLOSING = re.compile(r"^(-{3}|\.{3})(\s.*)?$")
HEADER_CONTINUED = re.compile(r"^ {4,}")


class ContentError(CitoyensError):
    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(message)


@dataclass(frozen=True)
class HeaderField:
    key: str  # lowercased
    value: str
    line: int


def read_header(text: str) -> list[HeaderField]:
    """The ``Key: value`` lines at the top of a Markdown file, with their line numbers,
    read the way the Markdown reader reads them (a key it would see is seen here too)."""
    fields = []
    # Split as the Markdown readers split (on line feeds only): str.splitlines() would also
    # break at U+2028 and the like, and stop reading the header before the reader does.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    start = 1 if lines and HEADER_OPENING.match(lines[0]) else 0
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip() or HEADER_CLOSING.match(line):
            break
        match = HEADER_LINE.match(line)
        if match:
            fields.append(HeaderField(match.group(1).lower(), match.group(2).strip(), number))
        elif not HEADER_CONTINUED.match(line):
            break  # the body starts without a blank line: no more metadata
    return fields


def check_metadata(metadata: dict, fields: list[HeaderField], extra_keys: frozenset[str] = NO_KEYS) -> None:
    """What the reader returned, whatever syntax set it: a refused key or a bad language raises;
    a key off the allowlist is dropped (the header check has warned about it, with its line)."""
    lines = {field.key: field.line for field in fields}
    for key in list(metadata):
        if refused(key):
            raise ContentError(_refusal(key), lines.get(key))
        if key not in KNOWN_KEYS | extra_keys:
            del metadata[key]
    if metadata.get("lang") is not None:
        check_language(str(metadata["lang"]), lines.get("lang"))


def check_language(value: str, line: int | None) -> None:
    if not LANGUAGE_TAG.match(value):
        message = _("Lang '{value}' is not a language tag; write fr, br or en-GB", value=value)
        raise ContentError(message, line)


def refused(key: str) -> bool:
    return key in REFUSED_KEYS or key.startswith("override_") or key.endswith(("_save_as", "_url"))


def _refusal(key: str) -> str:
    return _("'{key}:' is not allowed in content: addresses are set by citoyens", key=key.capitalize())


def link_refused() -> str:
    """The message for a link leaving its site, in the language of the moment."""
    return _("symbolic links are refused in a site's folder; copy the file instead")


def check_location(path: Path, site_dir: Path) -> None:
    """The file is a real file of this site with a plain name, not a link to elsewhere, not a case twin."""
    if path.is_symlink() or not real_path(path).is_relative_to(resolved(site_dir)):
        raise ContentError(link_refused())
    if not plain_names(path, site_dir):
        raise ContentError(name_refused())
    twins = _names_by_key(str(path.parent), path.parent.stat().st_mtime_ns).get(_name_key(path.name), ())
    others = [name for name in twins if name != path.name]
    if others:
        raise ContentError(
            _(
                "'{name}' and '{other}' differ only by case or accents; rename one of them",
                name=path.name,
                other=others[0],
            )
        )


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


@functools.lru_cache(maxsize=256)
def _names_by_key(folder: str, mtime_ns: int) -> dict[str, tuple[str, ...]]:
    """A folder's names grouped by their case- and accent-folded form (read once per folder)."""
    groups: dict[str, list[str]] = {}
    for name in sorted(os.listdir(folder)):
        groups.setdefault(_name_key(name), []).append(name)
    return {key: tuple(names) for key, names in groups.items()}


def refused_entries(site_dir: Path) -> list[tuple[Path, str]]:
    """Every entry of a site's folder that fails the whole site, with why: symbolic and hard
    links (Pelican follows them: /etc/passwd or another association's draft would be
    published; two links pointing at each other keep its walk busy).  Checked before Pelican
    runs, by ``build`` and ``check``, following no link."""
    if site_dir.is_symlink():
        return [(site_dir, link_refused())]
    found = []
    pending = [site_dir]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                reason = _entry_refusal(entry)
                if reason:
                    found.append((Path(entry.path), reason))
                elif entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
    return sorted(found)


def _entry_refusal(entry: os.DirEntry) -> str | None:
    if entry.is_symlink():
        return link_refused()
    if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_nlink > 1:
        return _(
            "hard links are refused in a site's folder (this file is also elsewhere on the disk); "
            "copy the file instead"
        )
    return None


def other_formats() -> frozenset[str]:
    """The extensions of Pelican's other readers (rst, html, htm), never read for a site.

    Sites read Markdown only: Pelican's reStructuredText reader runs docutils, whose
    ``include`` and ``raw`` directives publish any file or address the build can reach,
    and its HTML reader takes a page's metadata and markup as they are written.
    """
    pelicans = {ext for reader in BaseReader.__subclasses__() for ext in reader.file_extensions}
    return frozenset(pelicans - set(EXTENSIONS))


def files_not_read(content_dir: Path) -> list[Path]:
    """Files of the site's content in a format other than Markdown (reStructuredText,
    HTML): neither read nor published, named so the volunteer knows why."""
    others = other_formats()
    found = []
    for folder, _dirnames, filenames in os.walk(content_dir):
        found += [
            Path(folder) / name for name in sorted(filenames) if Path(name).suffix[1:].lower() in others
        ]
    return found


def not_read() -> str:
    """The message for a file in another format, in the language of the moment."""
    return _("only Markdown is read: rename the file to .md and write it in Markdown; it is not published")


def refused_files(site: SiteConfig) -> list[tuple[Path, str]]:
    """Files of a site that are named and not published, each with why, checked before
    Pelican runs by ``build`` and by ``check``: content in another format than Markdown,
    and a site's own theme/static/ file of a refused type (the folder is then left out).
    Links and odd names are apart: they fail the whole site (``refused_entries``)."""
    refused = [(path, not_read()) for path in files_not_read(site.content_dir)]
    return refused + static_files.theme_refusals(site.theme_override_dir / "static")


def decode_source(raw: bytes) -> str:
    if len(raw) > MAX_SOURCE_BYTES:
        raise ContentError(
            _(
                "file too large ({size} bytes, at most {limit}); split it or move media out of it",
                size=len(raw),
                limit=MAX_SOURCE_BYTES,
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError(
            _("not UTF-8: byte 0x{byte:02X}; save the file as UTF-8", byte=raw[error.start]), line
        ) from None
    if not text.strip():
        raise ContentError(_("empty file; write a Title: line and some text, or delete it"))
    return text


def check_nesting(text: str) -> None:
    """Refuse nesting deep enough, or tags left open enough, to make Markdown take minutes."""
    check_unclosed_tags(text)
    if text.count("[") <= MAX_BRACKET_DEPTH and text.count(">") <= MAX_QUOTE_DEPTH:
        return  # cannot nest that deep: skip the line-by-line walk
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        quotes = len(line) - len(line.lstrip("> \t"))
        if line.lstrip(" \t")[:1] == ">" and line[:quotes].count(">") > MAX_QUOTE_DEPTH:
            raise ContentError(_("quotes nested more than {limit} deep", limit=MAX_QUOTE_DEPTH), number)
        for char in line:
            depth += (char == "[") - (char == "]")
            if depth > MAX_BRACKET_DEPTH:
                raise ContentError(
                    _("brackets [ nested more than {limit} deep", limit=MAX_BRACKET_DEPTH), number
                )
        depth = max(depth, 0)


def check_unclosed_tags(text: str) -> None:
    if text.count("<") <= MAX_UNCLOSED_TAGS:
        return  # cannot hold that many: skip the search
    unclosed = list(_UNCLOSED_TAG.finditer(text))
    if len(unclosed) > MAX_UNCLOSED_TAGS:
        line = text.count("\n", 0, unclosed[0].start()) + 1
        raise ContentError(
            _(
                "{count} tags opened with '<' are never closed with '>' (the first on this"
                " line); close them, or write &lt; for a '<' sign",
                count=len(unclosed),
            ),
            line,
        )


def check_header(
    fields: list[HeaderField], timezone: str, extra_keys: frozenset[str] = frozenset()
) -> list[tuple[int, str]]:
    """Raise on a refused key or a bad value; return warnings (line, message) for unknown keys."""
    warnings = []
    known = KNOWN_KEYS | extra_keys
    for field in fields:
        if refused(field.key):
            raise ContentError(_refusal(field.key), field.line)
        if field.key in ("date", "modified"):
            check_date(field.value, timezone, field.line)
        elif field.key == "slug" and not SLUG.match(field.value):
            raise ContentError(
                _(
                    "Slug '{slug}' must use lowercase letters, digits and hyphens only (no '/' or '..')",
                    slug=field.value,
                ),
                field.line,
            )
        elif field.key == "lang":
            check_language(field.value, field.line)
        elif field.key == "status" and field.value.lower() not in STATUSES:
            raise ContentError(
                _("Status '{value}' is unknown; use draft, hidden or published", value=field.value),
                field.line,
            )
        elif field.key not in known:
            close = difflib.get_close_matches(field.key, sorted(known), n=1, cutoff=0.7)
            hint = _(" — did you mean '{suggestion}'?", suggestion=close[0].capitalize()) if close else ""
            warnings.append(
                (field.line, _("unknown metadata '{key}:', ignored", key=field.key.capitalize()) + hint)
            )
    return warnings


def check_date(value: str, timezone: str, line: int) -> None:
    slashed = SLASHED_DATE.match(value)
    if slashed:
        day, month, year = slashed.groups()
        iso = f"{year}-{int(month):02d}-{int(day):02d}"
        if not _is_calendar_date(iso):  # suggesting "2026-13-32" would explain one bad date with another
            raise ContentError(
                _(
                    "invalid date '{value}'; write it year-month-day, like 2026-03-12 or 2026-03-12 18:30",
                    value=value,
                ),
                line,
            )
        raise ContentError(
            _("date '{value}' is ambiguous; write it year-month-day: {iso}", value=value, iso=iso), line
        )
    if not ISO_DATE.match(value):
        raise ContentError(
            _("date '{value}' not understood; write it year-month-day, like 2026-03-12 18:30", value=value),
            line,
        )
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
    except ValueError:
        raise ContentError(_("date '{value}' does not exist in the calendar", value=value), line) from None
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        # Year 1 or 9999 overflows when moved to UTC or given an end: that site's build, or the network's.
        raise ContentError(
            _(
                "date '{value}': write a year between {first} and {last}",
                value=value,
                first=YEARS[0],
                last=YEARS[1],
            ),
            line,
        )
    if parsed.tzinfo is None and _skipped_by_clock_change(parsed, ZoneInfo(timezone)):
        raise ContentError(
            _("{value} does not exist in {zone}: clocks go forward at that hour", value=value, zone=timezone),
            line,
        )


def _is_calendar_date(iso: str) -> bool:
    try:
        datetime.fromisoformat(iso)
    except ValueError:
        return False
    return True


def _skipped_by_clock_change(local: datetime, zone: ZoneInfo) -> bool:
    aware = local.replace(tzinfo=zone)
    round_trip = aware.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    return round_trip != local


def check_slug(slug: str | None, file_name: str) -> None:
    """The address made from the file's name (or its Slug: line) is usable."""
    if not slug:
        raise ContentError(
            _(
                "the file name '{name}' gives an empty address; rename the file "
                "or add a Slug: line (for example Slug: mon-article)",
                name=file_name,
            )
        )
    if not SLUG.match(slug):
        raise ContentError(
            _(
                "address '{slug}' is not allowed; rename the file or add a Slug: line "
                "with lowercase letters, digits and hyphens",
                slug=slug,
            )
        )
