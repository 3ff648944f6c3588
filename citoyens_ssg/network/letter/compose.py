"""What goes into each week's letter, from the data the network stage already has.

Articles come from the sites' manifests and the planet's cache of external
feeds (the whole of both, not the planet's cut), grouped by association;
events from the network agenda; the editorial from ``lettre/AAAA-sSS.md`` at
the network's root, written by its editors.  Nothing reads the clock but
``clock.now()``: the same sources give the same letters.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import markdown
from pelican.settings import DEFAULT_CONFIG

from citoyens_ssg.config.load import NetworkConfig
from citoyens_ssg.content.events import Event
from citoyens_ssg.content.sanitize import clean_html
from citoyens_ssg.errors import CitoyensError, Problem
from citoyens_ssg.i18n import _
from citoyens_ssg.network import agenda, planet
from citoyens_ssg.network.letter.weeks import Week, letter_week, parse_week, published_weeks
from citoyens_ssg.site.manifest import Entry, Manifest

FOLDER = "lettre"  # at the network's root (editorials) and in output/ (the letters)
ARCHIVE_WEEKS = 52  # letters kept online: a year
EVENT_DAYS = 14
EDITORIAL_LIMIT = 20_000  # bytes: an editorial is a few paragraphs, and the email stays under 100 KB


@dataclass(frozen=True)
class Group:
    """One association's (or one outside blog's) articles of the week, newest first."""

    name: str
    url: str
    logo_url: str
    items: tuple[planet.PlanetEntry, ...]


@dataclass(frozen=True)
class Letter:
    week: Week
    title: str
    url: str
    published: datetime  # the publication moment, also the letter's date in feeds
    since: datetime  # first moment covered
    editorial_html: str
    editorial_text: str
    groups: tuple[Group, ...]
    more: int  # articles of the week left out by ``items``
    events: tuple[tuple[datetime, Event], ...]

    @property
    def article_count(self) -> int:
        return sum(len(group.items) for group in self.groups)

    @property
    def empty(self) -> bool:
        return not self.groups and not self.events and not self.editorial_html

    def trimmed(self, articles: int, events: int | None = None) -> Letter:
        """The same letter with only its ``articles`` most recent articles (and its ``events``
        soonest events): the email's size limit."""
        kept = sorted(
            (item for group in self.groups for item in group.items),
            key=lambda item: (item.entry.date, item.entry.id),
            reverse=True,
        )[:articles]
        keep = {id(item) for item in kept}
        groups = tuple(replace(g, items=tuple(i for i in g.items if id(i) in keep)) for g in self.groups)
        return replace(
            self,
            groups=tuple(g for g in groups if g.items),
            more=self.more + self.article_count - len(kept),
            events=self.events if events is None else self.events[:events],
        )


def letter_url(network: NetworkConfig, week: Week) -> str:
    return f"{network.url}/{FOLDER}/{week.label}.html"


def compose_letters(
    network: NetworkConfig, manifests: dict[str, Manifest], external: dict[str, list[Entry]], now: datetime
) -> tuple[list[Letter], list[Problem]]:
    """Every letter that is out at ``now``, oldest first, and the editorials' problems."""
    if network.letter is None:
        return [], []
    sources = _Sources(network, manifests, external)
    first = min((item.entry.date for item in sources.entries), default=None)
    weeks = published_weeks(first, now, network.letter.day, sources.zone, ARCHIVE_WEEKS)
    editorials, problems = read_editorials(network)
    return [_letter(network, week, sources, editorials.get(week)) for week in weeks], problems


def compose_letter(
    network: NetworkConfig, manifests: dict[str, Manifest], external: dict[str, list[Entry]], week: Week
) -> tuple[Letter, list[Problem]]:
    """One week's letter, whatever the clock says (``lettre envoyer --semaine``)."""
    editorials, problems = read_editorials(network)
    return _letter(network, week, _Sources(network, manifests, external), editorials.get(week)), problems


class _Sources:
    """The articles by letter week and each event's occurrences, worked out once for all the weeks
    (a year of letters would otherwise expand every recurring event fifty-two times)."""

    def __init__(
        self, network: NetworkConfig, manifests: dict[str, Manifest], external: dict[str, list[Entry]]
    ):
        assert network.letter is not None
        self.zone = ZoneInfo(network.timezone)
        self.entries = planet.unique_entries(network, manifests, external)
        self.by_week: dict[Week, list[planet.PlanetEntry]] = {}
        for item in self.entries:
            self.by_week.setdefault(letter_week(item.entry.date, network.letter.day, self.zone), []).append(
                item
            )
        events = agenda.all_events(network, manifests)
        self.timelines = [(event, event.occurrences(), event.end - event.start) for event in events]

    def articles(self, week: Week) -> list[planet.PlanetEntry]:
        return sorted(
            self.by_week.get(week, ()), key=lambda item: (item.entry.date, item.entry.id), reverse=True
        )

    def events(self, start: datetime, end: datetime) -> tuple[tuple[datetime, Event], ...]:
        """As the agenda's ``split_by_time`` at ``start`` (each event's first occurrence not over
        by then, the same expansion limit), kept when it begins before ``end``."""
        pairs = []
        for event, starts, length in self.timelines:
            index = bisect.bisect_right(starts, start - length)
            if index < len(starts) and starts[index] < end:
                pairs.append((starts[index], event))
        return tuple(sorted(pairs, key=lambda pair: (pair[0], pair[1].key)))


def _letter(
    network: NetworkConfig, week: Week, sources: _Sources, editorial: tuple[str, str] | None
) -> Letter:
    config = network.letter
    assert config is not None
    published = week.publication(config.day, sources.zone)
    of_week = sources.articles(week)
    html, text = editorial or ("", "")
    return Letter(
        week=week,
        title=config.title,
        url=letter_url(network, week),
        published=published,
        since=week.previous().publication(config.day, sources.zone),
        editorial_html=html,
        editorial_text=text,
        groups=_groups(network, of_week[: config.items]),
        more=max(0, len(of_week) - config.items),
        events=sources.events(published, published + timedelta(days=EVENT_DAYS)),
    )


def _groups(network: NetworkConfig, items: list[planet.PlanetEntry]) -> tuple[Group, ...]:
    """By association, in the network's order; a blog that network.yaml gives to an association joins it."""
    owner = {feed.key: feed.site for feed in network.planet.feeds if feed.site}
    sites = {site.slug: site for site in network.sites}
    grouped: dict[str, list[planet.PlanetEntry]] = {}
    for item in items:
        grouped.setdefault(owner.get(item.source.slug, item.source.slug), []).append(planet.sanitised(item))
    groups = []
    for source in planet.sources(network):
        if source.slug not in grouped:
            continue
        site = sites.get(source.slug)
        logo = f"{source.url}{site.logo}" if site and site.logo else ""
        groups.append(Group(source.name, source.url, logo, tuple(grouped[source.slug])))
    return tuple(groups)


def read_editorials(network: NetworkConfig) -> tuple[dict[Week, tuple[str, str]], list[Problem]]:
    """``lettre/AAAA-sSS.md`` → (sanitised HTML, Markdown text) by week; a bad file is named and skipped."""
    folder = network.root / FOLDER
    editorials: dict[Week, tuple[str, str]] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return editorials, problems
    converter = markdown.Markdown(
        extensions=list(DEFAULT_CONFIG["MARKDOWN"]["extension_configs"]), **DEFAULT_CONFIG["MARKDOWN"]
    )
    for path in sorted(folder.glob("*.md")):
        shown = f"{FOLDER}/{path.name}"
        try:
            week = parse_week(path.stem)
        except CitoyensError:
            problems.append(Problem(shown, _("name the file after its week, like 2026-s49.md; skipped")))
            continue
        try:
            text = _read_text(path)
        except _Unreadable as error:
            problems.append(Problem(shown, error.message, error.line))
            continue
        html = clean_html(converter.reset().convert(text), base_url=f"{network.url}/{FOLDER}/")
        editorials[week] = (html, text.strip())
    return editorials, problems


class _Unreadable(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if len(data) > EDITORIAL_LIMIT:
        raise _Unreadable(
            _(
                "{size} bytes: an editorial holds at most {limit}; skipped",
                size=len(data),
                limit=EDITORIAL_LIMIT,
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _Unreadable(
            _("not UTF-8: byte 0x{byte:02X}; save the file as UTF-8 (skipped)", byte=data[error.start]), line
        )
