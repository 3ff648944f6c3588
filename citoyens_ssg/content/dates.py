"""Dates, hours and recurrences written as people read them, in the page's language.

"mardi 1er décembre 2026, de 14 h à 18 h", "le premier samedi de chaque mois, 10 fois",
"sauf les 22 et 29 décembre": the names of days and months come from Babel (never the
machine's locale), the words around them from the message catalogue (``i18n.in_language``:
the page's language, then the network's, then French).  A range of hours never breaks across lines (no-break
spaces), and each moment a reader sees has its own ``<time datetime>``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_time
from babel.lists import format_list
from markupsafe import Markup, escape

from citoyens_ssg.i18n import N_, in_language, page_language

NBSP = "\u00a0"
# A page's language, or its fallback chain (the page's, the site's, the network's): see i18n.
Languages = str | tuple[str, ...]
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# An opening hour as site.yaml writes it: "mardi 14:00-18:00", "samedi 10h-12h30".
_OPENING = re.compile(
    r"^(?P<days>[^\d]+?)\s+(?P<start>\d{1,2})(?:[:h](?P<start_min>\d{2})?)?\s*[-–à]\s*"
    r"(?P<end>\d{1,2})(?:[:h](?P<end_min>\d{2})?)?\s*h?$",
    re.IGNORECASE,
)
OPENING_LENGTH = 120  # an opening hour read as days and hours at most; longer ones are shown as written
POSITIONS = {1: N_("first"), 2: N_("second"), 3: N_("third"), 4: N_("fourth"), 5: N_("fifth"), -1: N_("last")}


def _say(language: Languages, message: str, **values: object) -> str:
    return in_language(language, message, **values)


def _unbroken(language: Languages, message: str, **values: str) -> str:
    """A short phrase that must not break across lines: its own spaces made no-break."""
    return in_language(language, message).replace(" ", NBSP).format(**values)


def _names(language: Languages) -> Locale:
    return Locale.parse(page_language(language))


def weekday_name(value: date, language: Languages) -> str:
    return _names(language).days["format"]["wide"][value.weekday()]


def day_number(value: date, language: str) -> str:
    """The day before its month's name: French writes the first of a month « 1er »."""
    return "1er" if value.day == 1 and language == "fr" else str(value.day)


def day(value: date, language: Languages, *, month: bool = True, year: bool = True) -> str:
    """'mardi 1er décembre 2026' ('Tuesday 1 December 2026'); without its month or year
    when a range says them once, at its end."""
    names = _names(language)
    number = day_number(value, names.language)
    text = f"{weekday_name(value, language)} {number}"
    if month:
        text += NBSP + names.months["format"]["wide"][value.month]
    if month and year:
        text += f"{NBSP}{value.year}"
    return text


def day_of_month(value: date, language: Languages) -> str:
    """'1er décembre', '22 décembre' (no weekday, no year): for until and except."""
    names = _names(language)
    number = day_number(value, names.language)
    return f"{number}{NBSP}{names.months['format']['wide'][value.month]}"


def hour(value: datetime | time, language: Languages) -> str:
    """'14 h', '14 h 30' in French; the English short form ('2:00 PM') otherwise."""
    if page_language(language) == "fr":
        return f"{value.hour}{NBSP}h" + (f"{NBSP}{value.minute:02d}" if value.minute else "")
    return format_time(value, format="short", locale="en")


def _time(moment: date | datetime, text: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(moment.isoformat(), text)


def hours(start: datetime | time, end: datetime | time, language: Languages, *, html: bool = True) -> str:
    """'de 14 h à 18 h', each end in its own <time> (plain text when ``html`` is false)."""
    first, last = hour(start, language), hour(end, language)
    if html:
        first, last = _time(start, first), _time(end, last)
    phrase = _unbroken(language, N_("from {start} to {end}"), start="\0", end="\1")
    text = escape(phrase) if html else phrase
    return text.replace("\0", first).replace("\1", last)


def days(first: date, last: date, language: Languages) -> Markup:
    """One day, or 'du samedi 5 au dimanche 6 décembre 2026', the month and year said once."""
    if first == last:
        return _time(first, day(first, language))
    same_year = first.year == last.year
    start = day(first, language, month=not (same_year and first.month == last.month), year=not same_year)
    phrase = escape(_say(language, N_("from {start} until {end}"), start="\0", end="\1"))
    return Markup(phrase.replace("\0", _time(first, start)).replace("\1", _time(last, day(last, language))))


def event_when(event, shown: datetime | None, language: Languages) -> Markup:
    """When an event (or its occurrence ``shown``) happens, for its pages and the agendas."""
    start = shown or event.start
    end = start + (event.end - event.start)
    if event.all_day:
        return days(start.date(), (end - timedelta(days=1)).date(), language)
    if end.date() == start.date():
        return Markup("{}, {}").format(
            _time(start.date(), day(start.date(), language)), hours(start, end, language)
        )
    phrase = escape(
        _say(
            language,
            N_("from {start} at {start_hour} until {end} at {end_hour}"),
            start="\0",
            start_hour="\1",
            end="\2",
            end_hour="\3",
        )
    )
    parts = (
        _time(start.date(), day(start.date(), language)),
        _time(start, hour(start, language)),
        _time(end.date(), day(end.date(), language)),
        _time(end, hour(end, language)),
    )
    for index, part in enumerate(parts):
        phrase = phrase.replace(chr(index), part)
    return Markup(phrase)


def moment(value: str | datetime | None, language: Languages, timezone: str = "Europe/Paris") -> str:
    """A stored moment (ISO text or datetime) as 'mardi 1er décembre 2026 à 14 h 05', local time."""
    if not value:
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo:
        when = when.astimezone(ZoneInfo(timezone))
    return _say(language, N_("{day} at {hour}"), day=day(when.date(), language), hour=hour(when, language))


def opening_hours(text: str, language: Languages) -> str:
    """'mardi 14:00-18:00' as 'mardi de 14 h à 18 h'; other wordings are kept as written."""
    # _OPENING backtracks over a run of spaces (quadratic): 10,000 of them in one site.yaml took
    # 8 s of the network's build; no opening hour is that long.
    found = _OPENING.match(text.strip()) if len(text) <= OPENING_LENGTH else None
    numbers = [int(found[name] or 0) for name in ("start", "start_min", "end", "end_min")] if found else []
    # '99:99-00:00' is not an hour: kept as written, as any other wording (24 h is midnight).
    if not found or max(numbers[0], numbers[2]) > 24 or max(numbers[1], numbers[3]) > 59:
        return text
    start = time(numbers[0] % 24, numbers[1])
    end = time(numbers[2] % 24, numbers[3])
    return f"{found['days'].strip()} {hours(start, end, language, html=False)}"


def recurrence(event, language: Languages) -> str:
    """'le premier samedi de chaque mois, 10 fois', 'chaque semaine le mardi, jusqu’au 30 juin,
    sauf les 22 et 29 décembre'."""
    if not event.rrule:
        return ""
    parts = dict(part.split("=", 1) for part in event.rrule.split(";") if "=" in part)
    text = _rule(parts, event.start, language)
    if parts.get("UNTIL"):
        until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        year = f"{NBSP}{until.year}" if until.year != event.start.year else ""
        said = day_of_month(until, language) + year
        text = _say(language, N_("{rule}, until {date}"), rule=text, date=said)
    elif parts.get("COUNT"):
        text = _say(language, N_("{rule}, {count} times"), rule=text, count=parts["COUNT"])
    if event.exdates:
        text = _say(
            language,
            N_("{rule}, except {dates}"),
            rule=text,
            dates=_except(sorted(d.date() for d in event.exdates), language),
        )
    return text


def _rule(parts: dict[str, str], start: datetime, language: Languages) -> str:
    frequency, interval = parts.get("FREQ", ""), int(parts.get("INTERVAL", "1"))
    by_day = [d for d in parts.get("BYDAY", "").split(",") if d]
    if frequency == "DAILY":
        return _say(language, N_("every day") if interval == 1 else N_("every {n} days"), n=interval)
    if frequency == "WEEKLY":
        names = [_day_name(d[-2:], language) for d in by_day] or [weekday_name(start.date(), language)]
        listed = format_list(
            [_say(language, N_("on {day}"), day=name) for name in names], locale=page_language(language)
        )
        every = N_("every week {days}") if interval == 1 else N_("every {n} weeks {days}")
        return _say(language, every, days=listed, n=interval)
    if frequency == "MONTHLY" and len(by_day) == 1 and by_day[0][:-2].lstrip("+-").isdigit():
        position = int(by_day[0][:-2])
        if position in POSITIONS:
            return _say(
                language,
                N_("on the {position} {day} of every month"),
                position=_say(language, POSITIONS[position]),
                day=_day_name(by_day[0][-2:], language),
            )
    if frequency == "MONTHLY":
        return _say(language, N_("every month"))
    if frequency == "YEARLY":
        return _say(language, N_("every year"))
    return _say(language, N_("regularly"))


def _day_name(code: str, language: Languages) -> str:
    return _names(language).days["format"]["wide"][_RRULE_DAYS.index(code)]


def _except(dates: list[date], language: Languages) -> str:
    """'le 22 décembre', 'les 22 et 29 décembre', 'les 24 et 31 décembre et le 7 janvier'."""
    months: list[list[date]] = []
    for value in dates:
        if months and (months[-1][0].year, months[-1][0].month) == (value.year, value.month):
            months[-1].append(value)
        else:
            months.append([value])
    locale = page_language(language)
    groups = []
    for group in months:
        numbers = [day_of_month(value, language).split(NBSP)[0] for value in group]
        month = day_of_month(group[0], language).split(NBSP, 1)[1]
        if len(group) == 1:
            groups.append(_say(language, N_("on {date}"), date=f"{numbers[0]}{NBSP}{month}"))
        else:
            groups.append(
                _say(
                    language,
                    N_("on the {days} of {month}"),
                    days=format_list(numbers, locale=locale),
                    month=month,
                )
            )
    return format_list(groups, locale=locale)
