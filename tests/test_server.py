"""The dev server, for real on 127.0.0.1: serves, rebuilds on change, survives errors."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest

from citoyens_ssg.config.load import load_network
from citoyens_ssg.dev.server import Change, DevServer, change_for

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
    network.article(
        "epn", "atelier-tablette", "Atelier tablette", "2026-03-01 10:00", body="Première version."
    )
    network.write("sites/epn/content/fichiers/transcription.txt", "Un numérique partagé.\n")
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
    # A transcript reads as UTF-8, as the hosts serve it: not "partagÃ©" (text/plain without charset).
    with urllib.request.urlopen(server.url + "/epn/fichiers/transcription.txt", timeout=5) as response:
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    before = server.rebuilds
    network.article(
        "epn", "atelier-tablette", "Atelier tablette", "2026-03-01 10:00", body="Version corrigée."
    )
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


class EventStream:
    """Reads the dev server's server-sent events in a thread, as the page's script does."""

    def __init__(self, url: str):
        import http.client
        import queue
        import threading

        host, port = url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
        self.connection.request("GET", "/__citoyens/events")
        self.response = self.connection.getresponse()
        self.events: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event = None
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    self.events.put((event, line[6:]))
        except OSError:
            pass

    def next(self, wanted: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            event, data = self.events.get(timeout=TIMEOUT)
            if event == wanted:
                return data
        pytest.fail(f"no {wanted} event")

    def close(self) -> None:
        self.connection.close()


def test_live_reload_and_the_error_banner(served):
    import json

    network, server = served
    page = fetch(server.url + "/epn/atelier-tablette.html")
    assert '<script src="/__citoyens/reload.js" defer></script></body>' in page
    assert "EventSource" in fetch(server.url + "/__citoyens/reload.js")
    assert "__citoyens" not in (server.output / "epn/atelier-tablette.html").read_text(encoding="utf-8")
    stream = EventStream(server.url)
    try:
        assert json.loads(stream.next("problems")) == []  # the state on connecting
        network.article(
            "epn", "atelier-tablette", "Atelier tablette", "2026-03-01 10:00", body="Relu et corrigé."
        )
        # The site's pages reload as soon as its folder is in place, before the network's pages:
        # the page is new when told to reload; the portal, the planet, the other sites follow.
        assert json.loads(stream.next("reload")) == {"sites": ["epn"]}
        assert "Relu et corrigé." in fetch(server.url + "/epn/atelier-tablette.html")
        assert json.loads(stream.next("reload")) == {"except": ["epn"]}
        network.write("sites/epn/content/atelier.md", "Title: Atelier tablette\nDate: 12/03/2026\n\nTexte.\n")
        ambiguous = [
            "sites/epn/content/atelier.md:2: date '12/03/2026' is ambiguous; write it year-month-day: "
            "2026-03-12"
        ]
        assert json.loads(stream.next("problems")) == ambiguous  # with the site's early reload
        assert json.loads(stream.next("reload")) == {"sites": ["epn"]}
        assert json.loads(stream.next("problems")) == ambiguous  # the whole rebuild's
    finally:
        stream.close()


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


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within the time limit")
        time.sleep(0.05)


def test_serve_shows_the_page_first_and_makes_the_search_index_after(served):
    from citoyens_ssg.site import search
    from citoyens_ssg.site.incremental import search_index_key

    network, server = served
    record = server.indexer.paths.renders("epn")
    site = server.output / "epn"
    wait_for(
        lambda: search_index_key(record) == search.index_key(site, search.indexed_pages(site)), "first index"
    )
    first = search_index_key(record)
    before = server.rebuilds
    network.article("epn", "atelier", "Atelier tablette", "2026-03-01 10:00", body="Le mot compostage.")
    wait_for_rebuild(server, before)
    assert "Le mot compostage." in fetch(server.url + "/epn/atelier.html")
    wait_for(lambda: search_index_key(record) not in (None, first), "the index of the edited site")
    assert search_index_key(record) == search.index_key(site, search.indexed_pages(site))
    assert (site / "pagefind/pagefind-entry.json").is_file() and not list(server.output.glob(".pagefind-*"))


def test_a_build_for_serve_keeps_the_previous_index_and_says_it_is_to_be_made(network):
    from citoyens_ssg.pipeline.build import BuildOptions, build

    network.site("epn", "name: Espace numérique\n")
    network.article("epn", "atelier", "Atelier", "2026-03-01 10:00", body="Première version.")
    assert build(BuildOptions(network.root, jobs=1)).ok
    bundle = network.output / "epn/pagefind"
    index = {path.name: path.read_bytes() for path in bundle.rglob("*") if path.is_file()}
    network.article("epn", "atelier", "Atelier", "2026-03-01 10:00", body="Le mot compostage.")
    report = build(BuildOptions(network.root, jobs=1, search_later=True))
    assert [site.search_pending for site in report.sites] == [True]
    assert "compostage" in network.read("epn/atelier.html")
    assert {path.name: path.read_bytes() for path in bundle.rglob("*") if path.is_file()} == index
    report = build(BuildOptions(network.root, jobs=1))  # a build not for serve makes it
    assert [site.search_pending for site in report.sites] == [False]
    assert {path.name: path.read_bytes() for path in bundle.rglob("*") if path.is_file()} != index


def test_a_search_index_made_after_the_build_is_not_taken_for_damage(served):
    """The indexes swapped in after the first build are recorded as published: the next rebuild
    (here the network's pages alone) makes no site again (it made every one whose index came later)."""
    network, server = served
    wait_for(lambda: not server.indexer.pending and server.indexer.indexed >= 2, "the first indexes")
    assert (server.output / "radio/pagefind/pagefind-entry.json").is_file()
    report = server.rebuild(Change(frozenset()))
    assert report is not None and [site.slug for site in report.sites if not site.unchanged] == []
