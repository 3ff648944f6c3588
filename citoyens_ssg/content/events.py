"""Events: what an association announces, read from a Markdown file's metadata.

    Title: Atelier « Premiers pas sur tablette »
    Start: 2026-12-05 14:00
    End: 2026-12-05 17:00            (or Duration: 3:00; a date alone means all day)
    Place: Espace public numérique des Capucins
    Address: 25 rue de Pontaniou, 29200 Kerlouan-sur-Mer
    Latitude: 48.3905
    Longitude: -4.4990
    Registration: https://…
    Price: gratuit
    Recurrence: chaque semaine       (chaque jour / chaque mois / chaque année)
    Days: mardi, samedi
    Until: 2027-06-30                (or Count: 10)
    Except: 2026-12-29

Times are local to the site's time zone, so 14:00 stays 14:00 across a
change of clocks.  Every problem raises ``ContentError`` with its line.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from citoyens_ssg.content.checks import ContentError, check_date
from citoyens_ssg.i18n import _

FREQUENCIES = {
    "chaque jour": "DAILY",
    "quotidienne": "DAILY",
    "daily": "DAILY",
    "chaque semaine": "WEEKLY",
    "hebdomadaire": "WEEKLY",
    "weekly": "WEEKLY",
    "chaque mois": "MONTHLY",
    "mensuelle": "MONTHLY",
    "monthly": "MONTHLY",
    "chaque année": "YEARLY",
    "annuelle": "YEARLY",
    "yearly": "YEARLY",
}
DAYS = {
    "lundi": "MO",
    "mardi": "TU",
    "mercredi": "WE",
    "jeudi": "TH",
    "vendredi": "FR",
    "samedi": "SA",
    "dimanche": "SU",
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
DURATION = re.compile(r"^(?:(\d+)\s*h\s*(\d+)?|(\d+):(\d{2}))$", re.IGNORECASE)
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_EXPANDED = 500
MAX_RULE_NUMBER = 1000  # the largest COUNT or INTERVAL of a recurrence
# Recurrences are expanded over this window after Start, at most MAX_EXPANDED times.  A rule that
# never happens (30 February) is refused when read: dateutil looks for its next date up to the year
# 9999, whatever the window, one period after the other (a daily one: seconds; see _probe).
RECURRENCE_WINDOW = timedelta(days=3653)
RULE_FREQUENCIES = frozenset(FREQUENCIES.values())  # an association's events, not hourly ones
# A daily, weekly or monthly rule that only keeps some months, days of the month and days of the week
# falls on the same dates as the yearly rule with the same filters, which dateutil searches year by year.
_FILTERS_ONLY = frozenset({"FREQ", "INTERVAL", "UNTIL", "COUNT", "WKST", "BYMONTH", "BYMONTHDAY", "BYDAY"})
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class Event:
    """One event (recurring or not), as pages, calendars and maps need it."""

    site: str
    slug: str
    title: str
    url: str
    start: datetime  # local, aware
    end: datetime
    timezone: str
    all_day: bool = False
    place: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    registration: str = ""
    price: str = ""
    categories: tuple[str, ...] = ()
    rrule: str = ""  # RFC 5545 RRULE value, empty when the event happens once
    exdates: tuple[datetime, ...] = ()
    summary: str = ""  # HTML, already sanitised
    stamp: datetime | None = None  # DTSTAMP: when the event was last written, for reproducible calendars
    site_name: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.site}/{self.slug}"

    @property
    def days(self) -> int:
        """How many calendar days an all-day event spans."""
        return (self.end.date() - self.start.date()).days

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date() if self.all_day else self.end.date()

    def occurrences(self, after: datetime | None = None, limit: int = MAX_EXPANDED) -> list[datetime]:
        """Start times of the occurrences (all, or those ending after ``after``)."""
        starts = _expand(self.rrule, self.start, self.exdates, limit) if self.rrule else [self.start]
        length = self.end - self.start
        return [s for s in starts if after is None or s + length > after]

    def next_start(self, now: datetime) -> datetime | None:
        upcoming = self.occurrences(after=now, limit=MAX_EXPANDED)
        return upcoming[0] if upcoming else None

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("start", "end", "stamp"):
            data[key] = data[key].isoformat() if data[key] else None
        data["exdates"] = [d.isoformat() for d in self.exdates]
        data["categories"] = list(self.categories)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Event:
        values = dict(data)
        zone = ZoneInfo(
            values["timezone"]
        )  # back to the named zone: a fixed offset would break recurrences across DST
        for key in ("start", "end"):
            values[key] = datetime.fromisoformat(values[key]).astimezone(zone)
        values["stamp"] = datetime.fromisoformat(values["stamp"]) if values.get("stamp") else None
        values["exdates"] = tuple(
            datetime.fromisoformat(d).astimezone(zone) for d in values.get("exdates", ())
        )
        values["categories"] = tuple(values.get("categories", ()))
        return cls(**values)


@functools.lru_cache(maxsize=1024)  # the agenda asks twice an event; serve, at each save
def _expand(rule: str, start: datetime, exdates: tuple[datetime, ...], limit: int) -> tuple[datetime, ...]:
    bounded, count = bounded_rule(rule, start)
    expansion = rrulestr(f"RRULE:{bounded}", dtstart=start, forceset=True)
    for excluded in exdates:
        expansion.exdate(excluded)
    starts = []
    for moment in expansion:
        starts.append(moment)
        if len(starts) >= min(count, limit):
            break
    return tuple(starts)


def _probe(rule: str, start: datetime) -> str:
    """A rule with the same dates as ``rule`` that dateutil searches quickly (``_FILTERS_ONLY``)."""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    simple = (
        parts.get("FREQ") in ("DAILY", "WEEKLY", "MONTHLY")
        and set(parts) <= _FILTERS_ONLY
        and parts.get("INTERVAL", "1") == "1"
        and not re.search(r"\d", parts.get("BYDAY", ""))
    )
    if not simple:
        return rule  # intervals, positions (1MO), hours: searched as written
    if "BYMONTHDAY" not in parts and "BYDAY" not in parts:  # dateutil's defaults, taken from Start
        if parts["FREQ"] == "DAILY":
            return rule  # every day of some months: found at once
        if parts["FREQ"] == "WEEKLY":
            parts["BYDAY"] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[start.weekday()]
        else:
            parts["BYMONTHDAY"] = str(start.day)
    return ";".join(f"{key}={value}" for key, value in {**parts, "FREQ": "YEARLY"}.items())


def bounded_rule(rule: str, start: datetime) -> tuple[str, int]:
    """``rule`` with an UNTIL at most RECURRENCE_WINDOW after ``start``, and how many occurrences to take
    (its COUNT, which the UNTIL replaces: RFC 5545 allows one of them only)."""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    count = int(parts.pop("COUNT", MAX_EXPANDED))
    horizon = start.astimezone(UTC) + RECURRENCE_WINDOW
    until = _utc_until(parts["UNTIL"], start) if "UNTIL" in parts else horizon
    parts["UNTIL"] = min(until, horizon).strftime("%Y%m%dT%H%M%SZ")
    return ";".join(f"{key}={value}" for key, value in parts.items()), count


def _utc_until(value: str, start: datetime) -> datetime:
    """An RRULE's UNTIL (20270630, 20270630T120000 local, 20270630T215959Z) as a UTC moment."""
    moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S" if "T" in value else "%Y%m%d")
    if value.endswith("Z"):
        return moment.replace(tzinfo=UTC)
    return moment.replace(tzinfo=start.tzinfo).astimezone(UTC)


def parse_event(
    metadata: dict[str, str],
    lines: dict[str, int],
    *,
    site: str,
    slug: str,
    title: str,
    url: str,
    timezone: str,
    categories: tuple[str, ...] = (),
    summary: str = "",
    site_name: str = "",
    stamp: datetime | None = None,
) -> Event:
    """An Event from a file's metadata (values as written); ContentError on any problem."""
    zone = ZoneInfo(timezone)

    def line(key: str) -> int | None:
        return lines.get(key)

    raw_start = metadata.get("start", "").strip()
    if not raw_start:
        raise ContentError(_("an event needs a Start: line, like Start: 2026-12-05 14:00"), None)
    start, all_day = _moment(raw_start, zone, line("start"))
    end = _end(metadata, start, all_day, zone, line)
    latitude = _coordinate(metadata.get("latitude"), -90, 90, "Latitude", line("latitude"))
    longitude = _coordinate(metadata.get("longitude"), -180, 180, "Longitude", line("longitude"))
    if (latitude is None) != (longitude is None):
        raise ContentError(
            _("give both Latitude: and Longitude:, or neither"), line("latitude") or line("longitude")
        )
    rrule, exdates = _recurrence(metadata, start, all_day, zone, line)
    registration = metadata.get("registration", "").strip()
    if registration and not re.match(r"^(https?://|mailto:)", registration):
        raise ContentError(
            _("Registration: '{value}' must be an https:// address or a mailto:", value=registration),
            line("registration"),
        )
    return Event(
        site=site,
        slug=slug,
        title=title,
        url=url,
        start=start,
        end=end,
        timezone=timezone,
        all_day=all_day,
        place=metadata.get("place", "").strip(),
        address=metadata.get("address", "").strip(),
        latitude=latitude,
        longitude=longitude,
        registration=registration,
        price=metadata.get("price", "").strip(),
        categories=categories,
        rrule=rrule,
        exdates=exdates,
        summary=summary,
        stamp=(stamp or start).astimezone(ZoneInfo("UTC")),
        site_name=site_name,
    )


def _moment(value: str, zone: ZoneInfo, line: int | None) -> tuple[datetime, bool]:
    check_date(value, zone.key, line or 0)
    if DATE_ONLY.match(value):
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=zone), True
    parsed = datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)), False


def _end(metadata: dict[str, str], start: datetime, all_day: bool, zone: ZoneInfo, line) -> datetime:
    raw_end = metadata.get("end", "").strip()
    raw_duration = metadata.get("duration", "").strip()
    if raw_end:
        end, end_all_day = _moment(raw_end, zone, line("end"))
        if all_day:
            end = end + timedelta(
                days=1
            )  # written inclusive ("until Sunday"), stored exclusive as iCalendar wants
        if end <= start:
            raise ContentError(
                _("End: {end} is not after Start: {start}", end=raw_end, start=metadata.get("start")),
                line("end"),
            )
        return end
    if raw_duration:
        match = DURATION.match(raw_duration)
        if not match:
            raise ContentError(
                _("Duration: '{value}' not understood; write 1:30 or 1h30", value=raw_duration),
                line("duration"),
            )
        hours, minutes = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        )
        return start + timedelta(hours=int(hours), minutes=int(minutes or 0))
    return start + (timedelta(days=1) if all_day else timedelta(hours=1))


def _coordinate(value: str | None, low: float, high: float, name: str, line: int | None) -> float | None:
    if value is None or not str(value).strip():
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ContentError(
            _(
                "{name}: '{value}' must be a number between {low} and {high}",
                name=name,
                value=value,
                low=low,
                high=high,
            ),
            line,
        )
    return number


def _recurrence(
    metadata: dict[str, str], start: datetime, all_day: bool, zone: ZoneInfo, line
) -> tuple[str, tuple[datetime, ...]]:
    raw_rule = metadata.get("rrule", "").strip().upper()
    frequency = metadata.get("recurrence", "").strip().lower()
    if not raw_rule and not frequency:
        return "", ()
    if raw_rule:
        rule = raw_rule
    else:
        if frequency not in FREQUENCIES:
            raise ContentError(
                _(
                    "Recurrence: '{value}' not understood; write chaque jour, chaque semaine, chaque mois "
                    "or chaque année",
                    value=frequency,
                ),
                line("recurrence"),
            )
        parts = [f"FREQ={FREQUENCIES[frequency]}"]
        days = [
            d.strip().lower() for d in metadata.get("days", "").replace(" et ", ",").split(",") if d.strip()
        ]
        unknown = [d for d in days if d not in DAYS]
        if unknown:
            raise ContentError(_("Days: '{value}' is not a day of the week", value=unknown[0]), line("days"))
        if days:
            parts.append("BYDAY=" + ",".join(DAYS[d] for d in days))
        if metadata.get("until"):
            until, _all_day = _moment(metadata["until"].strip(), zone, line("until"))
            last = until.replace(hour=23, minute=59, second=59).astimezone(ZoneInfo("UTC"))
            parts.append("UNTIL=" + last.strftime("%Y%m%dT%H%M%SZ"))
        elif metadata.get("count"):
            if not metadata["count"].strip().isdigit():
                raise ContentError(_("Count: must be a whole number"), line("count"))
            parts.append(f"COUNT={int(metadata['count'])}")
        rule = ";".join(parts)
    where = line("rrule") or line("recurrence")
    named = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    if named.get("FREQ") not in RULE_FREQUENCIES:
        raise ContentError(
            _("Rrule: '{value}': FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY", value=rule), where
        )
    # INTERVAL=0 loops in dateutil, a COUNT past 2**31 fails in the calendar file: that site's whole build.
    for name in ("COUNT", "INTERVAL"):
        if name in named and not (named[name].isdigit() and 1 <= int(named[name]) <= MAX_RULE_NUMBER):
            raise ContentError(
                _(
                    "Rrule: '{value}': {name} must be a whole number from 1 to {maximum}",
                    value=rule,
                    name=name,
                    maximum=MAX_RULE_NUMBER,
                ),
                where if raw_rule else line("count"),
            )
    try:
        rrulestr(f"RRULE:{rule}", dtstart=start)
        never = not _expand(_probe(rule, start), start, (), 1)
    except (ValueError, TypeError) as error:
        raise ContentError(
            _("Rrule: '{value}' is not a valid RFC 5545 rule ({reason})", value=rule, reason=error), where
        )
    if never:
        raise ContentError(
            _(
                "Rrule: '{value}' never happens in the ten years after Start:; check the days and months",
                value=rule,
            ),
            where,
        )
    exdates = []
    for value in (v.strip() for v in metadata.get("except", "").split(",") if v.strip()):
        moment, _all_day = _moment(value, zone, line("except"))
        exdates.append(
            moment.replace(hour=start.hour, minute=start.minute) if _all_day and not all_day else moment
        )
    return rule, tuple(exdates)


def schema_org(event: Event) -> dict:
    """The event as schema.org/Event (JSON-LD), for search engines and open-data tools."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": event.url,
        "startDate": event.start.date().isoformat() if event.all_day else event.start.isoformat(),
        "endDate": event.end.date().isoformat() if event.all_day else event.end.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "organizer": {"@type": "Organization", "name": event.site_name},
    }
    if event.place or event.address:
        location = {
            "@type": "Place",
            "name": event.place or event.address,
            "address": event.address or event.place,
        }
        if event.latitude is not None:
            location["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": event.latitude,
                "longitude": event.longitude,
            }
        data["location"] = location
    if event.price:
        data["offers"] = {
            "@type": "Offer",
            "price": "0" if event.price.lower() in ("gratuit", "free", "0") else event.price,
            "priceCurrency": "EUR",
            "url": event.registration or event.url,
        }
    return data
