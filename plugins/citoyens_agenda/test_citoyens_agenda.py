"""citoyens_agenda on its test_data/: an event gets its page and its .ics, the site its agenda
(upcoming first, past below) and a calendar to subscribe to, parsed back."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

PARIS = ZoneInfo("Europe/Paris")


def test_events_get_pages_an_agenda_and_calendars(plugin_network, source_date_epoch):
    source_date_epoch("2026-10-21")  # between the two events
    assert plugin_network.build().ok
    page = plugin_network.read("amap/agenda/distribution.html")
    assert "<h1>Distribution des paniers</h1>" in page
    # no-break spaces, as French typography wants them
    assert '<time datetime="2026-10-22">jeudi 22\u00a0octobre\u00a02026</time>' in page
    assert '<time datetime="2026-10-22T18:00:00+02:00">18\u00a0h</time>' in page
    calendar = Calendar.from_ical((plugin_network.output / "amap/agenda/distribution.ics").read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Distribution des paniers" and str(event["LOCATION"]) == "Salle Jaurès"
    assert event["DTSTART"].dt == datetime(2026, 10, 22, 18, tzinfo=PARIS)
    assert event["DTEND"].dt == datetime(2026, 10, 22, 19, 30, tzinfo=PARIS)
    assert str(event["URL"]) == "https://reseau.example.org/amap/agenda/distribution.html"
    agenda = Calendar.from_ical((plugin_network.output / "amap/agenda/agenda.ics").read_bytes())
    assert sorted(str(e["UID"]) for e in agenda.walk("VEVENT")) == [
        "amap-assemblee@reseau-de-test",
        "amap-distribution@reseau-de-test",
    ]
    index = plugin_network.read("amap/agenda/index.html")
    upcoming, past = index.split('id="passes"')
    assert "/amap/agenda/distribution.html" in upcoming and "/amap/agenda/assemblee.html" in past
