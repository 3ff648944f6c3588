"""The network's merged agenda: every association's events, filterable without JavaScript.

Pages: ``agenda/index.html`` (everything), one page per association
(``agenda/association/<slug>.html``) and per category
(``agenda/categorie/<category>.html``), and ``agenda/agenda.ics`` to subscribe
to the whole network in a phone's calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment

from citoyens_ssg.config.load import NetworkConfig
from citoyens_ssg.config.sites import slugify
from citoyens_ssg.content import calendar
from citoyens_ssg.content.events import Event
from citoyens_ssg.site.manifest import Manifest


@dataclass(frozen=True)
class Filter:
    label: str
    url: str
    count: int


def all_events(network: NetworkConfig, manifests: dict[str, Manifest]) -> list[Event]:
    return [
        event for site in network.sites if site.slug in manifests for event in manifests[site.slug].events
    ]


def split_by_time(
    events: list[Event], now: datetime
) -> tuple[list[tuple[datetime, Event]], list[tuple[datetime, Event]]]:
    """(upcoming (next start, event), soonest first; past (last start, event), latest first)."""
    upcoming, past = [], []
    for event in events:
        following = event.next_start(now)
        if following is not None:
            upcoming.append((following, event))
        else:
            occurrences = event.occurrences()
            past.append((occurrences[-1] if occurrences else event.start, event))
    upcoming.sort(key=lambda pair: (pair[0], pair[1].key))
    past.sort(key=lambda pair: (pair[0], pair[1].key), reverse=True)
    return upcoming, past


def agenda_pages(
    network: NetworkConfig, manifests: dict[str, Manifest], env: Environment, now: datetime
) -> dict[str, str | bytes]:
    events = all_events(network, manifests)
    base = f"{network.url}/agenda"
    by_site = {site.slug: [e for e in events if e.site == site.slug] for site in network.sites}
    categories: dict[str, list[Event]] = {}
    for event in events:
        for category in event.categories:
            categories.setdefault(category, []).append(event)
    site_filters = [
        Filter(site.name, f"{base}/association/{site.slug}.html", len(by_site[site.slug]))
        for site in network.sites
        if by_site[site.slug]
    ]
    category_filters = [
        Filter(name, f"{base}/categorie/{slugify(name)}.html", len(found))
        for name, found in sorted(categories.items())
    ]
    template = env.get_template("network_agenda.html")

    def page(selection: list[Event], heading: str, relative: str) -> str:
        upcoming, past = split_by_time(selection, now)
        return template.render(
            upcoming=upcoming,
            past=past,
            heading=heading,
            site_filters=site_filters,
            category_filters=category_filters,
            page_name="agenda",
            output_file=relative,
        )

    pages: dict[str, str | bytes] = {"agenda/index.html": page(events, "", "agenda/index.html")}
    for site in network.sites:
        if by_site[site.slug]:
            relative = f"agenda/association/{site.slug}.html"
            pages[relative] = page(by_site[site.slug], site.name, relative)
    for name, found in categories.items():
        relative = f"agenda/categorie/{slugify(name)}.html"
        pages[relative] = page(found, name, relative)
    pages["agenda/agenda.ics"] = calendar.calendar(
        events, f"Agenda — {network.name}", network.identifier, network.description, network.language
    )
    return pages
