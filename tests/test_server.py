"""The dev server, for real on 127.0.0.1: serves, rebuilds on change, survives errors."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest

from citoyens_ssg.config import load_network
from citoyens_ssg.server import Change, DevServer, change_for

TIMEOUT = 30


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for_rebuild(server: DevServer, before: int) -> None:
    deadline = time.monotonic() + TIMEOUT
    while server.rebuilds <= before:
        if time.monotonic() > deadline:
            pytest.fail("no rebuild within the time limit")
        time.sleep(0.05)


@pytest.fixture
def served(network):
    network.site("epn", "name: Espace numérique\n")
    network.article("epn", "atelier", "Atelier tablette", "2026-03-01 10:00", body="Première version.")
    network.site("radio", "name: Radio\ntheme: onde\n")
    server = DevServer(network.root, port=0, jobs=1)
    server.start()
    yield network, server
    server.stop()


def test_serves_the_network_and_rebuilds_a_changed_article(served):
    network, server = served
    assert "Espace numérique" in fetch(server.url + "/")
    page = fetch(server.url + "/epn/atelier-tablette.html")
    assert "Première version." in page and f'href="{server.url}/epn/' in page
    before = server.rebuilds
    network.article("epn", "atelier", "Atelier tablette", "2026-03-01 10:00", body="Version corrigée.")
    wait_for_rebuild(server, before)
    assert "Version corrigée." in fetch(server.url + "/epn/atelier-tablette.html")


def test_a_failed_rebuild_keeps_the_server_up(served, capsys):
    network, server = served
    before = server.rebuilds
    network.write("sites/epn/site.yaml", "name: Espace\nthme: onde\n")
    wait_for_rebuild(server, before)
    assert "sites/epn/site.yaml:2: unknown key 'thme'" in capsys.readouterr().err
    assert "Atelier tablette" in fetch(server.url + "/epn/atelier-tablette.html")
    before = server.rebuilds
    network.write("sites/epn/site.yaml", "name: Espace réparé\n")
    wait_for_rebuild(server, before)
    assert "Espace réparé" in fetch(server.url + "/epn/")


def test_what_a_change_rebuilds(network):
    network.site("epn", "name: E\n")
    network.site("radio", "name: R\ntheme: onde\n")
    config = load_network(network.root)
    root = network.root

    def change(*paths: str) -> Change | None:
        return change_for([root / Path(p) for p in paths], root, config)

    assert change("sites/epn/content/a.md", "sites/epn/content/a.md") == Change(frozenset({"epn"}))
    assert change("themes/onde/templates/base.html") == Change(frozenset({"radio"}))
    assert change("themes/citoyen/static/css/citoyen.css") == Change(frozenset({"epn", "radio"}))
    assert change("network.yaml") == Change(None)
    assert change("sites/epn/site.yaml") == Change(None)
    assert change("plugins/citoyens_manifest/__init__.py") == Change(None)
    assert change("output/epn/index.html", "sites/epn/content/.a.md.swp", "README.md") is None
