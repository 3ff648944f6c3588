"""citoyens_manifest on its test_data/: the manifest the network stage reads lists the published
articles, newest first, with their metadata; a draft and a future post are not in it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from citoyens_ssg.site.manifest import read_manifest
from citoyens_ssg.workpaths import WorkPaths

PARIS = ZoneInfo("Europe/Paris")


def test_the_manifest_lists_what_is_published(plugin_network, source_date_epoch):
    source_date_epoch("2026-10-21")  # before demain.md's date
    assert plugin_network.build().ok
    manifest = read_manifest(WorkPaths.of(plugin_network.root).manifest("quartier"))
    assert manifest.site == "quartier"
    assert [entry.url for entry in manifest.entries] == [
        "https://reseau.example.org/quartier/rentree.html",
        "https://reseau.example.org/quartier/fete.html",
    ]
    fete = manifest.entries[1]
    assert fete.id == fete.url
    assert fete.title == "La fête du quartier"  # plain text, as citoyens_guard left it
    assert fete.date == datetime(2026, 6, 20, 10, tzinfo=PARIS)
    assert fete.updated == datetime(2026, 6, 22, 9, tzinfo=PARIS)
    assert (fete.authors, fete.category) == (("Camille", "Lou"), "Vie du quartier")
    assert fete.tags == ("fête", "été")
    assert "<strong>belle</strong>" in fete.summary and fete.language == "fr"
