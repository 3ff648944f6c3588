"""Weeks as the letter counts them: ISO weeks in the network's time zone.

A letter is named after its ISO week (``2026-s49``) and published on the
network's publication day of that week, at midnight local time; it covers the
seven days before that moment, so no article falls between two letters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.i18n import _

# 2026-s49 (file names, French) or 2026-W49 (ISO 8601)
_LABEL = re.compile(r"^(\d{4})-[sSwW](\d{1,2})$")


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @property
    def label(self) -> str:
        """The week's name in file names and addresses: ``2026-s49``."""
        return f"{self.year}-s{self.number:02d}"

    @property
    def iso(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    def previous(self) -> Week:
        return week_of_date(self.monday() - timedelta(days=7))

    def publication(self, day: int, zone: ZoneInfo) -> datetime:
        """When this week's letter comes out: midnight, local time, on the publication day."""
        return datetime.combine(self.monday() + timedelta(days=day), time(0), zone)


def week_of_date(day: date) -> Week:
    year, number, _weekday = day.isocalendar()
    return Week(year, number)


def letter_week(moment: datetime, day: int, zone: ZoneInfo) -> Week:
    """The week whose letter covers ``moment``: shifted by the days from the publication day
    to the next Monday, the seven days a letter covers fall in its own ISO week."""
    return week_of_date(moment.astimezone(zone).date() + timedelta(days=7 - day))


def parse_week(text: str) -> Week:
    """``2026-W49`` or ``2026-s49``; a CitoyensError saying how to write it otherwise."""
    match = _LABEL.match(text.strip())
    if match:
        try:
            year, number = int(match.group(1)), int(match.group(2))
            date.fromisocalendar(year, number, 1)
            return Week(year, number)
        except ValueError:
            pass
    raise CitoyensError(_("--semaine: '{text}' is not a week; write it like 2026-W49", text=text))


def published_weeks(
    first: datetime | None, now: datetime, day: int, zone: ZoneInfo, limit: int
) -> list[Week]:
    """The weeks whose letter is out at ``now``, oldest first: from the one that covers
    ``first`` (the oldest article) up to the latest, at most ``limit`` of them."""
    latest = week_of_date(now.astimezone(zone).date())
    if latest.publication(day, zone) > now:
        latest = latest.previous()
    weeks = [latest]
    while len(weeks) < limit and first is not None and weeks[-1].previous().publication(day, zone) > first:
        weeks.append(weeks[-1].previous())
    return weeks[::-1]
