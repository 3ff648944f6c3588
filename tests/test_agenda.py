"""Events, agendas, calendars a phone can subscribe to, the directory and its open map."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from citoyens_ssg.cli import main

NOW = "2026-10-21"  # UTC: between the two Tuesdays around the clocks going back (25 Oct)


def event(network, slug: str, name: str, **metadata: str) -> None:
    lines = [f"Title: {name}"] + [
        f"{key.replace('_', '-').capitalize()}: {value}" for key, value in metadata.items()
    ]
    network.write(
        f"sites/{slug}/content/agenda/{name.lower().replace(' ', '-')}.md",
        "\n".join(lines) + "\n\nDescription.\n",
    )


@pytest.fixture
def town(network, source_date_epoch):
    source_date_epoch(NOW)
    network.site(
        "epn",
        "name: Espace numérique\nneighbourhood: Capucins\ncategories: [numérique]\nlatitude: "
        "48.388\nlongitude: -4.501\n"
        "address: 25 rue de Pontaniou\npostal_code: '29200'\ncity: Kerlouan\ncontact:\n  email: "
        "epn@example.org\n"
        "opening_hours: ['mardi 14:00-18:00']\n",
    )
    network.site(
        "amap", "name: AMAP des Dunes\nneighbourhood: Centre\ncategories: [alimentation, numérique]\n"
    )
    network.site("radio", "name: Radio Ondes\n")
    event(
        network,
        "epn",
        "Permanence",
        Start="2026-10-20 14:00",
        End="2026-10-20 18:00",
        Recurrence="chaque semaine",
        Days="mardi",
        Until="2026-11-10",
        Except="2026-11-03",
        Place="EPN",
        Latitude="48.388",
        Longitude="-4.501",
        Category="Permanences",
    )
    event(
        network,
        "amap",
        "Distribution",
        Start="2026-10-22 18:00",
        Duration="1:30",
        Place="Salle Jaurès",
        Category="Alimentation",
    )
    event(network, "radio", "Concert", Start="2026-10-01 20:00", End="2026-10-01 23:00", Category="Musique")
    event(network, "radio", "Formation", Start="2026-12-05", End="2026-12-06", Category="Formation")
    return network


def parse_calendar(path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def test_calendars_give_the_right_instants_across_a_change_of_clocks(town):
    assert town.build().ok
    cal = parse_calendar(town.output / "agenda/agenda.ics")
    assert [c["TZID"] for c in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Permanence", "Distribution", "Concert", "Formation"}
    permanence = events["Permanence"]
    rule = rrulestr(permanence["RRULE"].to_ical().decode(), dtstart=permanence["DTSTART"].dt, forceset=True)
    for excluded in permanence["EXDATE"].dts:
        rule.exdate(excluded.dt)
    instants = [start.astimezone(timezone.utc) for start in rule]
    assert instants == [
        datetime(2026, 10, 20, 12, 0, tzinfo=timezone.utc),  # 14:00 summer time
        datetime(2026, 10, 27, 13, 0, tzinfo=timezone.utc),  # 14:00 winter time, after 25 October
        datetime(2026, 11, 10, 13, 0, tzinfo=timezone.utc),  # 3 November excepted
    ]
    assert permanence["UID"] == "epn-permanence@reseau-de-test"
    assert events["Distribution"]["DTEND"].dt - events["Distribution"]["DTSTART"].dt == (
        datetime(2026, 1, 1, 19, 30) - datetime(2026, 1, 1, 18)
    )
    assert (
        events["Formation"]["DTSTART"].dt.isoformat() == "2026-12-05"
        and events["Formation"]["DTEND"].dt.isoformat() == "2026-12-07"
    )
    single = parse_calendar(town.output / "epn/agenda/permanence.ics")
    assert [str(e["UID"]) for e in single.walk("VEVENT")] == ["epn-permanence@reseau-de-test"]
    site_calendar = parse_calendar(town.output / "radio/agenda/agenda.ics")
    assert sorted(str(e["SUMMARY"]) for e in site_calendar.walk("VEVENT")) == ["Concert", "Formation"]


def test_calendars_are_the_same_bytes_on_every_build(town):
    town.build()
    first = (town.output / "agenda/agenda.ics").read_bytes()
    town.build()
    assert (town.output / "agenda/agenda.ics").read_bytes() == first
    assert b"DTSTAMP:20261020T120000Z" in first  # the event's own date, not the build time


def test_agendas_list_upcoming_first_and_keep_the_past(town):
    assert town.build().ok
    page = town.read("agenda/index.html")
    upcoming, past = page.split('id="passes"')
    titles = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', upcoming)
    assert titles == ["Distribution", "Permanence", "Formation"]  # Permanence: next on Tuesday 27 October
    assert re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', past) == ["Concert"]
    # The next Tuesday, its hours as a range that does not break, each end in its own <time>.
    assert (
        '<time datetime="2026-10-27">mardi 27\xa0octobre\xa02026</time>, de\xa0'
        '<time datetime="2026-10-27T14:00:00+01:00">14\xa0h</time>\xa0à\xa0'
        '<time datetime="2026-10-27T18:00:00+01:00">18\xa0h</time>'
    ) in page
    assert "chaque semaine le mardi, jusqu’au 10\xa0novembre, sauf le 3\xa0novembre" in page
    by_site = town.read("agenda/association/radio.html")
    assert "Concert" in by_site and "Distribution" not in by_site
    by_category = town.read("agenda/categorie/alimentation.html")
    assert "Distribution" in by_category and "Concert" not in by_category
    site_agenda = town.read("epn/agenda/index.html")
    assert "Permanence" in site_agenda and 'href="/epn/agenda/agenda.ics"' in site_agenda
    event_page = town.read("epn/agenda/permanence.html")
    assert 'href="/epn/agenda/permanence.ics" download>Ajouter à mon agenda' in event_page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', event_page).group(1))
    assert data["@type"] == "Event" and data["location"]["geo"]["latitude"] == 48.388
    assert "Prochains rendez-vous" in town.read("index.html")


def test_directory_and_map(town):
    assert town.build().ok
    directory = town.read("annuaire/index.html")
    # Each association once, by name; its themes as chips; a page per theme, linked as a filter.
    names = re.findall(r"<h3><a [^>]+>([^<]+)</a></h3>", directory)
    assert names == ["AMAP des Dunes", "Espace numérique", "Radio Ondes"]
    chips = re.findall(r'<li class="chip">([^<]+)</li>', directory)
    assert chips == ["Alimentation", "Numérique", "Numérique"]
    assert 'class="filter-button" href="/annuaire/theme/numerique.html">Numérique</a>' in directory
    numerique = town.read("annuaire/theme/numerique.html")
    assert re.findall(r"<h3><a [^>]+>([^<]+)</a></h3>", numerique) == ["AMAP des Dunes", "Espace numérique"]
    assert 'href="/annuaire/theme/numerique.html" aria-current="page"' in numerique
    assert "<dd>mardi de\xa014\xa0h\xa0à\xa018\xa0h</dd>" in directory
    assert "mailto:epn@example.org" in directory
    main = directory.split("<main")[1].split("</main>")[0]
    assert "Licence" not in main and "Atom" not in main and "flux" not in main
    organizations = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', directory).group(1)
    )
    assert [o["name"] for o in organizations] == ["AMAP des Dunes", "Espace numérique", "Radio Ondes"]
    assert organizations[1]["address"]["postalCode"] == "29200"
    neighbourhoods = town.read("annuaire/quartiers.html")
    assert re.findall(r'class="section-title">([^<]+)</h2>', neighbourhoods) == [
        "Capucins",
        "Centre",
        "Autres",
    ]

    geo = json.loads(town.read("annuaire/associations.geojson"))
    assert geo["type"] == "FeatureCollection"
    for feature in geo["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
    assert [
        (f["properties"]["kind"], f["properties"]["name"], f["geometry"]["coordinates"])
        for f in geo["features"]
    ] == [("association", "Espace numérique", [-4.501, 48.388]), ("event", "Permanence", [-4.501, 48.388])]

    carte = town.read("annuaire/carte.html")
    leaflet = re.search(r'src="/(theme/[0-9a-f]{8})/vendor/leaflet/leaflet.js"', carte)
    assert leaflet, "Leaflet is served from the network's own theme folder"
    assets = town.output / leaflet.group(1)
    assert (assets / "vendor/leaflet/leaflet.js").is_file() and (assets / "js/carte.js").is_file()
    assert '<li><a href="/epn/">Espace numérique</a> — 25 rue de Pontaniou, 29200 Kerlouan</li>' in carte
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in carte and "OpenStreetMap" in carte


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        (
            {"Start": "2026-10-20 14:00", "End": "2026-10-20 12:00"},
            "quand.md:3: End: 2026-10-20 12:00 is not after Start: 2026-10-20 14:00",
        ),
        (
            {"Start": "12/03/2024"},
            "quand.md:2: date '12/03/2024' is ambiguous; write it year-month-day: 2024-03-12",
        ),
        (
            {"Start": "2026-03-29 02:30"},
            "quand.md:2: 2026-03-29 02:30 does not exist in Europe/Paris: clocks go forward",
        ),
        (
            {"Start": "2026-10-20 14:00", "Latitude": "148.3", "Longitude": "-4.5"},
            "quand.md:3: Latitude: '148.3' must be a number between -90 and 90",
        ),
        (
            {"Start": "2026-10-20 14:00", "Recurrence": "tous les quinze jours"},
            "quand.md:3: Recurrence: 'tous les quinze jours' not understood",
        ),
        ({"Place": "Nulle part"}, "quand.md: an event needs a Start: line"),
    ],
)
def test_bad_events_are_named_with_their_line(network, capsys, metadata, expected):
    network.site("a", "name: A\n")
    lines = ["Title: Quand"] + [f"{key}: {value}" for key, value in metadata.items()]
    network.write("sites/a/content/agenda/quand.md", "\n".join(lines) + "\n\nTexte.\n")
    assert main(["build", "-C", str(network.root)]) == 1
    err = capsys.readouterr().err
    assert f"ERROR sites/a/content/agenda/{expected}" in err, err


def test_an_unknown_time_zone_is_a_configuration_error(network, capsys):
    network.site("a", "name: A\ntimezone: Europe/Kerlouan\n")
    assert main(["build", "-C", str(network.root)]) == 1
    assert "sites/a/site.yaml: key 'timezone': unknown time zone 'Europe/Kerlouan'" in capsys.readouterr().err
