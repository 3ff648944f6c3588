"""The manifest: what a site published, as the network stage reads it.

Sites are built in worker processes; the network stage (portal, planet, later
agenda and search) never sees Pelican's objects, only this small JSON file.
That is also what would let a large network be split across CI jobs.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from citoyens_ssg.content.events import Event
from citoyens_ssg.content.sanitize import clean_text

FORMAT = 3
# A control character in the JSON text (escaped by json.dumps, or raw DEL/C1/U+FFFE): a manifest
# written before site text was cleaned on reading, kept for a site that fails to build now.
_MAY_HOLD_CONTROLS = re.compile(
    r"\\u00[01]|\\u00[7-9]|\\u[dD][89a-fA-F]|\\u[fF]{3}[eEfF]|\\[bf]|[\x7f-\x9f\ufffe\uffff]"
)


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int
    type: str


@dataclass(frozen=True)
class Entry:
    """One published article."""

    id: str
    title: str
    url: str
    date: datetime
    summary: str = ""  # HTML
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    category: str = ""
    tags: tuple[str, ...] = ()
    language: str = ""
    enclosures: tuple[Enclosure, ...] = ()  # a radio show's sound file, carried through to the planet
    # The first image's small version (address, width, height): the portal shows it.
    thumbnail: tuple[str, int, int] | tuple[()] = ()

    def to_json(self) -> dict:
        # Field by field: ``dataclasses.asdict`` deep-copies every value, a third of
        # the time a 1,000-article site spends writing its manifest.
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "date": self.date.isoformat(),
            "summary": self.summary,
            "updated": self.updated.isoformat() if self.updated else None,
            "authors": list(self.authors),
            "category": self.category,
            "tags": list(self.tags),
            "language": self.language,
            "enclosures": [asdict(e) for e in self.enclosures],
            "thumbnail": list(self.thumbnail),
        }

    @classmethod
    def from_json(cls, data: dict) -> Entry:
        return cls(
            id=data["id"],
            title=data["title"],
            url=data["url"],
            date=datetime.fromisoformat(data["date"]),
            summary=data.get("summary", ""),
            updated=datetime.fromisoformat(data["updated"]) if data.get("updated") else None,
            authors=tuple(data.get("authors", ())),
            category=data.get("category", ""),
            tags=tuple(data.get("tags", ())),
            language=data.get("language", ""),
            enclosures=tuple(Enclosure(**e) for e in data.get("enclosures", ())),
            thumbnail=tuple(data.get("thumbnail", ())),
        )


@dataclass(frozen=True)
class Manifest:
    site: str
    entries: tuple[Entry, ...] = field(default_factory=tuple)
    events: tuple[Event, ...] = field(default_factory=tuple)

    def newest(self) -> Entry | None:
        return max(self.entries, key=lambda e: e.date, default=None)


def write_manifest(path: Path, manifest: Manifest) -> None:
    entries = sorted(manifest.entries, key=lambda e: (e.date, e.id), reverse=True)
    data = {
        "format": FORMAT,
        "site": manifest.site,
        "entries": [e.to_json() for e in entries],
        "events": [e.to_json() for e in sorted(manifest.events, key=lambda e: (e.start, e.key))],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    # Compact: without ``indent`` the json module uses its C encoder, ten times faster on a large site.
    path.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )


def _cleaned(values: dict) -> dict:
    """Each text of a JSON object as the reading would have cleaned it (the summary is HTML: lines kept)."""

    def clean(key: str, value: object) -> object:
        if isinstance(value, str):
            return clean_text(value, one_line=key != "summary")
        return [clean(key, item) for item in value] if isinstance(value, list) else value

    return {key: clean(key, value) for key, value in values.items()}


def count_entries(path: Path) -> int | None:
    """How many publications the manifest at ``path`` lists (None if unreadable), without making
    them: a nothing-changed build only counts them for its summary."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return len(data["entries"]) if data.get("format") == FORMAT else None


def read_manifest(path: Path) -> Manifest:
    """The manifest at ``path``; the network stage never meets a character its files cannot carry."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text, object_hook=_cleaned if _MAY_HOLD_CONTROLS.search(text) else None)
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: manifest format {data.get('format')!r}, expected {FORMAT}")
    return Manifest(
        site=data["site"],
        entries=tuple(Entry.from_json(e) for e in data["entries"]),
        events=tuple(Event.from_json(e) for e in data.get("events", ())),
    )
