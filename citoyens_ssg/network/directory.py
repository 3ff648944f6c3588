"""The directory of the associations (``annuaire/``) and their open map.

Everything comes from the site.yaml files: description, categories,
neighbourhood, address, opening hours, contact, licence, feeds.  Each entry
carries a schema.org Organization (JSON-LD); the associations and upcoming
events that have coordinates are exported as GeoJSON and shown on a map whose
library is served by the site itself, above a plain list that works without
JavaScript or tiles.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment

from citoyens_ssg.config.load import SITE_FEED_ATOM, NetworkConfig, SiteConfig
from citoyens_ssg.config.sites import slugify
from citoyens_ssg.content.events import Event

UNSORTED = "Autres"
FILTER_SLUG_LENGTH = 80  # characters of a theme's or neighbourhood's page name


@dataclass(frozen=True)
class Listing:
    site: SiteConfig
    url: str
    feed_url: str
    address: str
    json_ld: dict


def listing(network: NetworkConfig, site: SiteConfig) -> Listing:
    url = f"{network.site_url(site.slug)}/"
    address = ", ".join(p for p in (site.address, f"{site.postal_code} {site.city}".strip()) if p)
    return Listing(site, url, f"{url}{SITE_FEED_ATOM}", address, organization(site, url, address))


def organization(site: SiteConfig, url: str, address: str) -> dict:
    data: dict = {"@context": "https://schema.org", "@type": "Organization", "name": site.name, "url": url}
    if site.description:
        data["description"] = site.description
    if site.contact.email:
        data["email"] = site.contact.email
    if site.contact.phone:
        data["telephone"] = site.contact.phone
    if site.contact.website:
        data["sameAs"] = [site.contact.website]
    if address:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": site.address,
            "postalCode": site.postal_code,
            "addressLocality": site.city,
            "addressCountry": "FR",
        }
    if site.latitude is not None:
        data["location"] = {
            "@type": "Place",
            "geo": {"@type": "GeoCoordinates", "latitude": site.latitude, "longitude": site.longitude},
        }
    if site.opening_hours:
        data["description"] = (data.get("description", "") + " — " + "; ".join(site.opening_hours)).strip(
            " —"
        )
    return data


def grouped(listings: list[Listing], key) -> list[tuple[str, list[Listing]]]:
    groups: dict[str, list[Listing]] = {}
    for item in listings:
        for name in key(item) or [UNSORTED]:
            groups.setdefault(name, []).append(item)
    ordered = {
        name: sorted(members, key=lambda item: item.site.name.casefold()) for name, members in groups.items()
    }
    return sorted(ordered.items(), key=lambda pair: (pair[0] == UNSORTED, pair[0].casefold()))


@dataclass(frozen=True)
class DirectoryFilter:
    """One filter button: a theme or a neighbourhood, its own page, how many it lists."""

    label: str
    url: str
    count: int


def filter_pages(
    network: NetworkConfig, listings: list[Listing], folder: str, key
) -> dict[str, tuple[DirectoryFilter, list[Listing]]]:
    """annuaire/<folder>/<slug>.html for each value ``key`` gives: the associations that have it,
    each once (an association with two themes is on both themes' pages, once on each).
    Names that make the same slug ('Centre', 'centre !') share one page, so that no association's
    spelling can take another's page; the label is the spelling most of them use (the first in the
    directory's order on a tie), not one association's."""
    labels: dict[str, tuple[str, int]] = {}
    sharing: dict[str, list[Listing]] = {}
    for name, members in grouped(listings, key):
        if name == UNSORTED:
            continue
        # A file name has at most 255 bytes: a longer theme must not stop the network's build.
        relative = f"annuaire/{folder}/{slugify(name, max_length=FILTER_SLUG_LENGTH)}.html"
        if len(members) > labels.get(relative, ("", 0))[1]:
            labels[relative] = (name, len(members))
        shared = sharing.setdefault(relative, [])
        shared += [item for item in members if item not in shared]
    return {
        relative: (
            DirectoryFilter(labels[relative][0], f"{network.url}/{relative}", len(members)),
            sorted(members, key=lambda item: item.site.name.casefold()),
        )
        for relative, members in sharing.items()
    }


def geojson(network: NetworkConfig, listings: list[Listing], upcoming: list[tuple[datetime, Event]]) -> dict:
    features = [
        _feature(
            item.site.longitude,
            item.site.latitude,
            {
                "kind": "association",
                "name": item.site.name,
                "url": item.url,
                "description": item.site.description,
                "address": item.address,
            },
        )
        for item in listings
        if item.site.latitude is not None
    ]
    features += [
        _feature(
            event.longitude,
            event.latitude,
            {
                "kind": "event",
                "name": event.title,
                "url": event.url,
                "association": event.site_name,
                "start": when.isoformat(),
                "address": ", ".join(p for p in (event.place, event.address) if p),
            },
        )
        for when, event in upcoming
        if event.latitude is not None
    ]
    return {"type": "FeatureCollection", "features": features}


def _feature(longitude: float, latitude: float, properties: dict) -> dict:
    # GeoJSON (RFC 7946) puts the longitude first.
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": properties,
    }


def directory_pages(
    network: NetworkConfig, env: Environment, upcoming: list[tuple[datetime, Event]]
) -> dict[str, str | bytes]:
    """The directory: every association once (by name), a page per theme and per neighbourhood
    (the filters, plain links), the neighbourhoods' page, the map and its GeoJSON."""
    in_order = [listing(network, site) for site in network.sites]
    data = geojson(network, in_order, upcoming)
    listings = sorted(in_order, key=lambda item: item.site.name.casefold())
    places = [feature["properties"] for feature in data["features"]]
    by_theme = filter_pages(network, listings, "theme", lambda i: list(i.site.categories))
    by_neighbourhood = filter_pages(network, listings, "quartier", _neighbourhood)
    template = env.get_template("directory.html")
    common = {
        "page_name": "directory",
        "theme_filters": [f for f, _members in by_theme.values()],
        "neighbourhood_filters": [f for f, _members in by_neighbourhood.values()],
    }

    def page(relative: str, shown: list[Listing], groups=None, heading: str = "") -> str:
        return template.render(
            listings=shown, groups=groups or [("", shown)], heading=heading, output_file=relative, **common
        )

    pages: dict[str, str | bytes] = {
        "annuaire/index.html": page("annuaire/index.html", listings),
        "annuaire/quartiers.html": page(
            "annuaire/quartiers.html", listings, grouped(listings, _neighbourhood)
        ),
        "annuaire/carte.html": env.get_template("map.html").render(
            places=places, map=network.map, page_name="map", output_file="annuaire/carte.html"
        ),
        "annuaire/associations.geojson": json.dumps(data, ensure_ascii=False, indent=1) + "\n",
    }
    for relative, (chosen, members) in (by_theme | by_neighbourhood).items():
        pages[relative] = page(relative, members, heading=chosen.label)
    return pages


def _neighbourhood(item: Listing) -> list[str]:
    return [item.site.neighbourhood] if item.site.neighbourhood else []


def map_library() -> Path:
    """Leaflet, from the xstatic-leaflet package: served by the site, no CDN."""
    import xstatic.pkg.leaflet as leaflet

    return Path(leaflet.BASE_DIR)


def copy_map_library(assets: Path) -> None:
    """Leaflet into the network's theme folder ``assets``."""
    source = map_library()
    target = assets / "vendor" / "leaflet"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copyfile(source / name, target / name)
    shutil.copytree(source / "images", target / "images", dirs_exist_ok=True)
