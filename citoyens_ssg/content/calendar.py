"""iCalendar files (RFC 5545) that phones can subscribe to, written with ``icalendar``.

UIDs are made of the network's and the event's names, so they survive
rebuilds and changes of host; DTSTAMP is the event's own date, not the build
time, so two builds give the same bytes; each time zone used gets its
VTIMEZONE; a recurring event is one VEVENT with its RRULE and EXDATEs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timezone

from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from citoyens_ssg.content.events import Event
from citoyens_ssg.content.sanitize import plain_text
from citoyens_ssg.i18n import N_, in_language

PRODUCT = "-//citoyens//agenda//FR"


def uid(event: Event, network_id: str) -> str:
    return f"{event.site}-{event.slug}@{network_id}"


def calendar(
    events: Iterable[Event], name: str, network_id: str, description: str = "", language: str = "fr"
) -> bytes:
    """The calendar file of ``events``; its few words in ``language``, the page's, not the machine's."""
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if description:
        cal.add("x-wr-caldesc", description)
    for event in sorted(events, key=lambda e: (e.start, e.key)):
        cal.add_component(_vevent(event, network_id, language))
    cal.add_missing_timezones()
    return cal.to_ical()


def _vevent(event: Event, network_id: str, language: str) -> VEvent:
    component = VEvent()
    component.add("uid", uid(event, network_id))
    component.add("dtstamp", (event.stamp or event.start).astimezone(timezone.utc))
    component.add("summary", event.title)
    if event.all_day:
        component.add("dtstart", event.start.date())
        component.add("dtend", event.end.date())
    else:
        component.add("dtstart", event.start)
        component.add("dtend", event.end)
    if event.rrule:
        component.add("rrule", vRecur.from_ical(event.rrule))
        for excluded in event.exdates:
            component.add("exdate", excluded.date() if event.all_day else excluded)
    location = ", ".join(part for part in (event.place, event.address) if part)
    if location:
        component.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        component.add("geo", (event.latitude, event.longitude))
    text = plain_text(event.summary)
    if event.registration:
        registration = in_language(language, N_("Registration: {address}"), address=event.registration)
        text = f"{text}\n\n{registration}".strip()
    if text:
        component.add("description", text)
    component.add("url", event.url)
    for category in event.categories:
        component.add("categories", category)
    if event.site_name:
        component.add("x-citoyens-association", event.site_name)
    return component
