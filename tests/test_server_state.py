"""The dev server holds no stale state (#17 item 6): a catalogue or template edited while it
runs shows at the next rebuild, and an unexpected error in a rebuild reaches the banner
without stopping the rebuilds that follow.  The real server, on 127.0.0.1."""

from __future__ import annotations

import os

import pytest
from test_server import fetch, wait_for_rebuild  # the dev server's own tests: how to start and wait

from citoyens_ssg.dev.server import DevServer


def saved_and_rebuilt(server: DevServer, save) -> None:
    """Save a change and wait until the server has rebuilt after it."""
    before = server.rebuilds
    save()
    wait_for_rebuild(server, before)


@pytest.fixture
def english(network):
    """An English network: its pages read the theme's English catalogue."""
    network.write("network.yaml", "name: Test network\nurl: https://net.example.org\nlanguage: en\n")
    network.site("epn", "name: Digital space\n")
    network.article("epn", "workshop", "Workshop", "2026-03-01 10:00")
    server = DevServer(network.root, port=0, jobs=1)
    server.start()
    yield network, server
    server.stop()


def test_an_edited_theme_catalogue_shows_at_the_next_rebuild(english):
    network, server = english
    catalogue = network.root / "themes/citoyen/locale/en/LC_MESSAGES/theme.po"
    assert ">Directory</a>" in fetch(server.url + "/")
    text = catalogue.read_text(encoding="utf-8")
    assert 'msgid "Annuaire"\nmsgstr "Directory"\n' in text
    edited = text.replace(
        'msgid "Annuaire"\nmsgstr "Directory"\n', 'msgid "Annuaire"\nmsgstr "All the associations"\n'
    )
    saved_and_rebuilt(server, lambda: catalogue.write_text(edited, encoding="utf-8"))
    assert ">All the associations</a>" in fetch(server.url + "/")


def test_an_edited_template_shows_even_with_its_old_date(english):
    network, server = english
    template = network.root / "themes/citoyen/templates/portal.html"
    fetch(server.url + "/")
    status = template.stat()

    def save() -> None:  # an editor, a checkout or a copy can keep a file's modification time
        text = template.read_text(encoding="utf-8")
        edited = text.replace("{% block content %}", "{% block content %}<!-- relu -->", 1)
        template.write_text(edited, encoding="utf-8")
        os.utime(template, ns=(status.st_atime_ns, status.st_mtime_ns))

    saved_and_rebuilt(server, save)
    assert "<!-- relu -->" in fetch(server.url + "/")


def test_an_unexpected_error_reaches_the_banner_and_the_next_save_rebuilds(english, caplog):
    network, server = english
    template = network.root / "themes/citoyen/templates/portal.html"
    good = template.read_text(encoding="utf-8")
    # A broken network template fails the network stage with Jinja's own error, not citoyens'.
    saved_and_rebuilt(
        server,
        lambda: template.write_text(good.replace("{% block content %}", "{% block content %}{% if %}", 1)),
    )
    assert len(server.problems) == 1 and "TemplateSyntaxError" in server.problems[0]
    assert "rebuild failed" in caplog.text  # a bug's traceback is in the log
    repaired = good.replace("{% block content %}", "{% block content %}<!-- réparé -->", 1)
    saved_and_rebuilt(server, lambda: template.write_text(repaired, encoding="utf-8"))
    assert server.problems == []
    assert "<!-- réparé -->" in fetch(server.url + "/")
