"""Dates and times as people read them (#22 item 6): the built agenda pages, in French and English."""

from __future__ import annotations

import re

import pytest

NBSP = "\xa0"


def event(network, slug: str, name: str, **metadata: str) -> None:
    lines = [f"Title: {name}"] + [f"{key.capitalize()}: {value}" for key, value in metadata.items()]
    network.write(
        f"sites/{slug}/content/agenda/{name.lower().replace(' ', '-')}.md",
        "\n".join(lines) + "\n\nDescription.\n",
    )


def when(page: str) -> str:
    """What a reader reads of an event's date line (tags removed, no-break spaces kept)."""
    found = re.search(r"<dt>[^<]+</dt>\s*<dd>(.*?)</dd>", page, re.S)
    return re.sub(r"\s*\n\s*", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


@pytest.fixture
def agenda(network, source_date_epoch):
    source_date_epoch("2026-11-20")
    network.site("fr", "name: Espace\n")
    network.site("en", "name: Space\nlanguage: en\n")
    for slug in ("fr", "en"):
        event(network, slug, "Atelier", Start="2026-12-01 14:00", End="2026-12-01 18:00")
        event(network, slug, "Nuit", Start="2026-12-05 20:00", End="2026-12-06 02:30")
        event(network, slug, "Salon", Start="2026-12-05", End="2026-12-06")
        event(network, slug, "Fete", Start="2026-12-12")
        event(
            network,
            slug,
            "Permanence",
            Start="2026-12-01 14:00",
            End="2026-12-01 18:00",
            Recurrence="chaque semaine",
            Days="mardi",
            Until="2027-06-30",
            Except="2026-12-22, 2026-12-29",
        )
        event(
            network,
            slug,
            "Repair",
            Start="2026-12-05 14:00",
            Duration="3:00",
            Rrule="FREQ=MONTHLY;BYDAY=1SA;COUNT=10",
        )
    assert network.build().ok
    return network


def test_french_events_read_as_people_say_them(agenda):
    page = agenda.read("fr/agenda/atelier.html")
    assert when(page) == f"mardi 1er{NBSP}décembre{NBSP}2026, de{NBSP}14{NBSP}h{NBSP}à{NBSP}18{NBSP}h"
    # The end of the range is a moment of its own, and no ordinary space can break the range.
    assert '<time datetime="2026-12-01T18:00:00+01:00">18\xa0h</time>' in page
    assert when(agenda.read("fr/agenda/nuit.html")) == (
        f"du samedi 5{NBSP}décembre{NBSP}2026 à 20{NBSP}h "
        f"au dimanche 6{NBSP}décembre{NBSP}2026 à 2{NBSP}h{NBSP}30"
    )
    assert when(agenda.read("fr/agenda/salon.html")) == f"du samedi 5 au dimanche 6{NBSP}décembre{NBSP}2026"
    assert when(agenda.read("fr/agenda/fete.html")) == f"samedi 12{NBSP}décembre{NBSP}2026"
    assert when(agenda.read("fr/agenda/permanence.html")) == (
        f"mardi 1er{NBSP}décembre{NBSP}2026, de{NBSP}14{NBSP}h{NBSP}à{NBSP}18{NBSP}h · "
        "chaque semaine le mardi, "
        f"jusqu’au 30{NBSP}juin{NBSP}2027, sauf les 22 et 29 décembre"
    )
    assert when(agenda.read("fr/agenda/repair.html")).endswith("· le premier samedi de chaque mois, 10 fois")
    listing = agenda.read("agenda/index.html")
    assert ">14:00" not in listing and "Chaque semaine (" not in listing
    assert f"mardi 1er{NBSP}décembre{NBSP}2026</time>, de{NBSP}<time" in listing


def test_english_sites_get_the_english_wording(agenda):
    assert when(agenda.read("en/agenda/atelier.html")).startswith(f"Tuesday 1{NBSP}December{NBSP}2026, from")
    salon = when(agenda.read("en/agenda/salon.html"))
    assert salon == f"from Saturday 5 until Sunday 6{NBSP}December{NBSP}2026"
    permanence = when(agenda.read("en/agenda/permanence.html"))
    assert permanence.endswith(
        f"every week on Tuesday, until 30{NBSP}June{NBSP}2027, except on the 22 and 29 of December"
    )
    repair = when(agenda.read("en/agenda/repair.html"))
    assert repair.endswith("on the first Saturday of every month, 10 times")


def test_the_first_of_a_month_is_1er_wherever_a_page_names_its_month(agenda):
    """The theme's own dates (an article's « Publié le », the listings) as the agenda writes them."""
    agenda.article("fr", "bilan", "Bilan", "2026-11-01 10:00")  # the build's day is 20 November
    agenda.article("en", "report", "Report", "2026-11-01 10:00")
    assert agenda.build().ok
    assert ">1er novembre 2026</time>" in agenda.read("fr/bilan.html")
    assert ">1er novembre 2026</time>" in agenda.read("fr/index.html")
    assert ">November 1, 2026</time>" in agenda.read("en/report.html")
