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
from zoneinfo import ZoneInfo

from citoyens_ssg.content_paths import real_path, resolved
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.i18n import _

MAX_SOURCE_BYTES = 1_000_000  # a long article is 50 KB; 20 MB is an accident or an attack
MAX_QUOTE_DEPTH = 32
MAX_BRACKET_DEPTH = 64

# Keys Pelican would obey to write files elsewhere or render with another template.
REFUSED_KEYS = frozenset({"save_as", "url", "template", "path", "override_url", "override_save_as"})
KNOWN_KEYS = frozenset({
    "title", "date", "modified", "category", "tags", "keywords", "slug", "author", "authors",
    "summary", "status", "lang", "translation", "image", "alt",
    # radio shows and videos (citoyens_media)
    "audio", "audio_length", "duration", "transcript", "explicit", "video", "poster", "captions", "captions_lang",
    # events (citoyens_agenda, citoyens_ssg.events)
    "start", "end", "place", "address", "latitude", "longitude", "registration", "price",
    "recurrence", "days", "until", "count", "except", "rrule",
})
STATUSES = frozenset({"published", "draft", "hidden"})
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9_.-]*[a-z0-9])?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?:Z|[+-]\d{2}:?\d{2})?$")
SLASHED_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
HEADER_LINE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*)$")


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
    """The ``Key: value`` lines at the top of a Markdown file, with their line numbers."""
    fields = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            break
        match = HEADER_LINE.match(line)
        if match:
            fields.append(HeaderField(match.group(1).lower(), match.group(2).strip(), number))
        elif not line.startswith((" ", "\t")):
            break  # the body starts without a blank line: no more metadata
    return fields


def link_refused() -> str:
    """The message for a link leaving its site, in the language of the moment."""
    return _("symbolic links to files outside the site are refused; copy the file instead")


def check_location(path: Path, site_dir: Path) -> None:
    """The file is a real file of this site, not a link to elsewhere, not a case twin."""
    if path.is_symlink() or not real_path(path).is_relative_to(resolved(site_dir)):
        raise ContentError(link_refused())
    twins = _names_by_key(str(path.parent), path.parent.stat().st_mtime_ns).get(_name_key(path.name), ())
    others = [name for name in twins if name != path.name]
    if others:
        raise ContentError(_("'{name}' and '{other}' differ only by case or accents; rename one of them", name=path.name, other=others[0]))



def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


@functools.lru_cache(maxsize=256)
def _names_by_key(folder: str, mtime_ns: int) -> dict[str, tuple[str, ...]]:
    """A folder's names grouped by their case- and accent-folded form (read once per folder)."""
    groups: dict[str, list[str]] = {}
    for name in sorted(os.listdir(folder)):
        groups.setdefault(_name_key(name), []).append(name)
    return {key: tuple(names) for key, names in groups.items()}


def links_leaving(site_dir: Path) -> list[Path]:
    """Symbolic links anywhere in a site's folder that point outside it.

    Checked before Pelican runs, because Pelican follows links when it copies
    images and static files: a link to /etc/passwd or to another association's
    folder would be published.
    """
    site = site_dir.resolve()
    leaving = []
    for folder, dirnames, filenames in os.walk(site_dir):
        for name in sorted(dirnames + filenames):
            path = Path(folder) / name
            if path.is_symlink() and not path.resolve().is_relative_to(site):
                leaving.append(path)
    return leaving


def decode_source(raw: bytes) -> str:
    if len(raw) > MAX_SOURCE_BYTES:
        raise ContentError(_("file too large ({size} bytes, at most {limit}); split it or move media out of it", size=len(raw), limit=MAX_SOURCE_BYTES))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError(_("not UTF-8: byte 0x{byte:02X}; save the file as UTF-8", byte=raw[error.start]), line) from None
    if not text.strip():
        raise ContentError(_("empty file; write a Title: line and some text, or delete it"))
    return text


def check_nesting(text: str) -> None:
    """Refuse nesting deep enough to make Markdown take minutes."""
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
                raise ContentError(_("brackets [ nested more than {limit} deep", limit=MAX_BRACKET_DEPTH), number)
        depth = max(depth, 0)


def check_header(fields: list[HeaderField], timezone: str, extra_keys: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """Raise on a refused key or a bad value; return warnings (line, message) for unknown keys."""
    warnings = []
    known = KNOWN_KEYS | extra_keys
    for field in fields:
        if field.key in REFUSED_KEYS or field.key.endswith(("_save_as", "_url")):
            raise ContentError(_("'{key}:' is not allowed in content: addresses are set by citoyens", key=field.key.capitalize()), field.line)
        if field.key in ("date", "modified"):
            check_date(field.value, timezone, field.line)
        elif field.key == "slug" and not SLUG.match(field.value):
            raise ContentError(_("Slug '{slug}' must use lowercase letters, digits and hyphens only (no '/' or '..')", slug=field.value), field.line)
        elif field.key == "status" and field.value.lower() not in STATUSES:
            raise ContentError(_("Status '{value}' is unknown; use draft, hidden or published", value=field.value), field.line)
        elif field.key not in known:
            close = difflib.get_close_matches(field.key, sorted(known), n=1, cutoff=0.7)
            hint = _(" — did you mean '{suggestion}'?", suggestion=close[0].capitalize()) if close else ""
            warnings.append((field.line, _("unknown metadata '{key}:', ignored", key=field.key.capitalize()) + hint))
    return warnings


def check_date(value: str, timezone: str, line: int) -> None:
    slashed = SLASHED_DATE.match(value)
    if slashed:
        day, month, year = slashed.groups()
        iso = f"{year}-{int(month):02d}-{int(day):02d}"
        if not _is_calendar_date(iso):  # suggesting "2026-13-32" would explain one bad date with another
            raise ContentError(_("invalid date '{value}'; write it year-month-day, "
                                 "like 2026-03-12 or 2026-03-12 18:30", value=value), line)
        raise ContentError(_("date '{value}' is ambiguous; write it year-month-day: {iso}",
                             value=value, iso=iso), line)
    if not ISO_DATE.match(value):
        raise ContentError(_("date '{value}' not understood; write it year-month-day, like 2026-03-12 18:30", value=value), line)
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
    except ValueError:
        raise ContentError(_("date '{value}' does not exist in the calendar", value=value), line) from None
    if parsed.tzinfo is None and _skipped_by_clock_change(parsed, ZoneInfo(timezone)):
        raise ContentError(_("{value} does not exist in {zone}: clocks go forward at that hour", value=value, zone=timezone), line)


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
        raise ContentError(_("the file name '{name}' gives an empty address; rename the file "
                             "or add a Slug: line (for example Slug: mon-article)", name=file_name))
    if not SLUG.match(slug):
        raise ContentError(_("address '{slug}' is not allowed; rename the file or add a Slug: line "
                             "with lowercase letters, digits and hyphens", slug=slug))
