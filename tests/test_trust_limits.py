"""Issue 15, part C, played as a hostile member: no site stalls the network, no secret reaches a site,
no site's text breaks the network's files, CODEOWNERS only from valid handles, a hostile export imported
safely.  Every test runs a real build (or the real worker machinery) and reads back what it produced."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from xml.etree import ElementTree

import icalendar
from PIL import Image

from citoyens_ssg import i18n
from citoyens_ssg.cli import main
from citoyens_ssg.config.load import load_network
from citoyens_ssg.pipeline.workers import (
    OVER_MEMORY,
    Limits,
    WorkerCrash,
    allowed_variable,
    run_each_in_own_process,
)
from citoyens_ssg.tools.isolation import codeowners

SECRET = "sekret-ghp-4f1c2d"
NETWORK = "name: Réseau\nurl: https://reseau.example.org\n"


def _what_a_site_sees(_job: int) -> tuple[dict[str, str], bytes]:
    with open("/proc/self/environ", "rb") as environ:
        return dict(os.environ), environ.read()


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def test_a_worker_sees_no_secret_in_its_environment_nor_in_proc(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", SECRET)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    [(_job, (environ, block))] = list(run_each_in_own_process(_what_a_site_sees, [1]))
    assert "GITHUB_TOKEN" not in environ and "AWS_SECRET_ACCESS_KEY" not in environ
    assert SECRET.encode() not in block
    assert "PATH" in environ and all(allowed_variable(name) for name in environ)
    names = {entry.split(b"=", 1)[0] for entry in block.split(b"\0") if entry}
    assert names <= {name.encode() for name in environ}  # only allowed variables are left there
    assert os.environ["GITHUB_TOKEN"] == SECRET  # the parent keeps its own


def test_a_worker_over_its_memory_fails_alone_and_named():
    results = dict(run_each_in_own_process(_allocate, [2000, 1], limits=Limits(memory_mb=512)))
    assert isinstance(results[2000], WorkerCrash) and results[2000].over == OVER_MEMORY
    assert results[1] == 1024 * 1024


def _pid_and_environment(_job: int) -> tuple[int, dict[str, str]]:
    return os.getpid(), dict(os.environ)


def test_a_worker_started_ahead_runs_one_job_confined_like_the_others(monkeypatch):
    """``serve`` starts the next save's worker ahead: it runs one job, in a process of its own,
    with the environment cleaned as any worker's."""
    import threading

    from citoyens_ssg.pipeline import workers

    monkeypatch.setenv("GITHUB_TOKEN", SECRET)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)  # a parent with threads, as serve: the fork server
    thread.start()
    try:
        list(run_each_in_own_process(_pid_and_environment, [0], spare=True))
        [ahead] = [process.pid for process, _jobs, _results in workers._spares]
        results = dict(run_each_in_own_process(_pid_and_environment, [1, 2], max_workers=1, spare=True))
    finally:
        stop.set()
        thread.join()
        workers.stop_spares()  # the one started after the second call
    assert not workers._spares
    assert results[1][0] == ahead and results[2][0] not in (ahead, os.getpid())
    assert all("GITHUB_TOKEN" not in environ for _pid, environ in results.values())


def test_no_output_byte_holds_a_secret_of_the_build_environment(network, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", SECRET)
    network.site("radio", "name: Radio Ondes\n")
    network.article("radio", "a", "Émission", "2024-03-01 10:00", body="Jeton : {GITHUB_TOKEN} $GITHUB_TOKEN")
    assert network.build().ok
    for path in network.output.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def _many_articles(network, slug: str, count: int) -> None:
    for index in range(count):
        network.write(
            f"sites/{slug}/content/a{index}.md", f"Title: Article {index}\nDate: 2024-01-01 10:00\n\nTexte.\n"
        )


def test_a_site_over_its_time_limit_is_stopped_named_and_its_last_version_kept(network):
    network.site("lent", "name: Lent\n")
    network.article("lent", "premier", "Premier article", "2024-01-02 10:00")
    network.site("vif", "name: Vif\n")
    network.article("vif", "bonjour", "Bonjour", "2024-03-02 10:00")
    assert network.build().ok
    _many_articles(network, "lent", 4000)  # some 20 s of building, far over the limit below
    network.article("vif", "nouveau", "Nouvelles du vif", "2024-03-03 10:00")
    network.write("network.yaml", NETWORK + "limits:\n  site_seconds: 3\n")
    report = network.build()
    [failed] = report.failed
    assert failed.slug == "lent"
    assert [str(p) for p in failed.problems] == [
        "sites/lent: took more than 3 s: stopped, its previously published version is kept"
        " (limits.site_seconds in network.yaml)"
    ]
    assert "Premier article" in network.read("lent/premier.html")  # addresses come from file names
    assert not (network.output / "lent" / "a1.html").exists()
    assert "Nouvelles du vif" in network.read("vif/nouveau.html")
    assert "Nouvelles du vif" in network.read("planet/index.html")


def _well_formed(path: Path) -> ElementTree.Element:
    return ElementTree.fromstring(path.read_bytes())  # raises on a character XML 1.0 cannot carry


def test_control_characters_from_a_site_never_break_the_network_files(network):
    network.site("radio", 'name: "Radio\\x0b\\r Ondes\\x1b"\nmaintainers: ["ondes\\x00"]\n')
    network.article(
        "radio", "emission", "Émission \x1b du soir", "2024-03-01 10:00", Summary="Résumé\x0c ici"
    )
    network.write(
        "sites/radio/content/agenda/fete.md",
        "Title: Fête\x1b\nDate: 2024-03-01\n"
        "Start: 2030-05-01 14:00\nPlace: Salle\r des fêtes\x0b\n\nTexte.\n",
    )
    network.site("amap", "name: AMAP\n")
    network.article("amap", "paniers", "Paniers d'hiver", "2024-03-02 10:00")
    report = network.build()
    assert report.ok, [str(p) for r in report.sites for p in r.problems]
    outline = {o.get("text") for o in _well_formed(network.output / "planet" / "opml.xml").iter("outline")}
    assert {"Radio Ondes", "AMAP"} <= outline
    for feed in ("planet/atom.xml", "planet/rss.xml", "radio/feeds/all.atom.xml"):
        _well_formed(network.output / feed)
        titles = [entry.title for entry in network.feed(feed).entries]
        assert "Émission du soir" in titles or "Émission  du soir" in titles
    assert "Paniers d'hiver" in [entry.title for entry in network.feed("planet/atom.xml").entries]
    data = (network.output / "agenda" / "agenda.ics").read_bytes()
    assert b"\r" not in data.replace(b"\r\n", b"")
    [event] = [c for c in icalendar.Calendar.from_ical(data).walk("VEVENT")]
    assert str(event["location"]) == "Salle"  # Markdown reads a lone CR as the end of the line
    assert str(event["x-citoyens-association"]) == "Radio Ondes"
    assert "Radio Ondes" in network.read("index.html")


HOSTILE_MAINTAINERS = (
    'name: Radio\nmaintainers:\n  - yann\n  - "yann\\n/network.yaml @attaquant\\n* @attaquant"\n  - "@x #"\n'
)


def _rules(text: str) -> dict[str, list[str]]:
    rules = [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert all(len(rule) >= 1 for rule in rules)
    return {rule[0]: rule[1:] for rule in rules}


def test_a_maintainer_entry_with_a_line_break_is_refused_where_it_is_written(network, capsys):
    network.write("network.yaml", "name: R\nurl: https://r.example.org\nmaintainers: [reseau/mainteneurs]\n")
    network.site("radio", HOSTILE_MAINTAINERS)
    network.site("amap", "name: AMAP\nmaintainers: [amap-29, contact@amap.example.org]\n")
    assert main(["codeowners", "-C", str(network.root), "-q"]) == 1
    err = capsys.readouterr().err
    assert "sites/radio/site.yaml:4:" in err and "sites/radio/site.yaml:5:" in err
    assert "expected a forge account like '@marie-l'" in err
    assert not (network.root / "CODEOWNERS").exists()


def test_codeowners_holds_one_rule_per_site_whatever_the_maintainers_say(network):
    network.write("network.yaml", "name: R\nurl: https://r.example.org\nmaintainers: [reseau/mainteneurs]\n")
    network.site("radio", "name: Radio\nmaintainers: [yann]\n")
    network.site("amap", "name: AMAP\nmaintainers: [amap-29, contact@amap.example.org]\n")
    loaded = load_network(network.root)
    # As if a site.yaml had slipped past the load: the generator keeps valid handles only.
    hostile_handles = ("yann", "yann\n/network.yaml @attaquant", "@x #")
    radio = dataclasses.replace(loaded.site("radio"), maintainers=hostile_handles)
    hostile = dataclasses.replace(loaded, sites=(loaded.site("amap"), radio))
    rules = _rules(codeowners(hostile))
    assert rules == {
        "*": ["@reseau/mainteneurs"],
        "/sites/amap/": ["@amap-29", "contact@amap.example.org"],
        "/sites/radio/": ["@yann"],
    }


def test_recurrences_that_never_happen_are_refused_with_their_line_and_the_rest_builds(network):
    network.site("radio", "name: Radio\n")
    # dateutil looks for the next date of such a rule up to the year 9999 (day by day for a daily one).
    rules = {
        "fevrier": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "jamais": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "treize": "FREQ=WEEKLY;BYMONTHDAY=13;COUNT=2",
    }
    for name, rule in rules.items():
        network.write(
            f"sites/radio/content/agenda/{name}.md",
            f"Title: {name.capitalize()}\n"
            f"Date: 2024-03-01\nStart: 2026-01-06 10:00\nRrule: {rule}\n\nTexte.\n",
        )
    network.write(
        "sites/radio/content/agenda/mardi.md",
        "Title: Chaque mardi\nDate: 2024-03-01\n"
        "Start: 2026-01-06 10:00\nRecurrence: chaque semaine\nCount: 3\n\nTexte.\n",
    )
    [site] = network.build().sites
    assert sorted(str(p) for p in site.problems) == [
        f"sites/radio/content/agenda/{name}.md:4: Rrule: '{rules[name]}' never happens"
        " in the ten years after Start:; check the days and months"
        for name in ("fevrier", "jamais")
    ]
    calendar = icalendar.Calendar.from_ical((network.output / "agenda" / "agenda.ics").read_bytes())
    assert sorted(str(e["summary"]) for e in calendar.walk("VEVENT")) == ["Chaque mardi", "Treize"]


def test_150_kb_of_unclosed_tags_are_refused_up_front_and_the_rest_builds(network):
    network.site("radio", "name: Radio\n")
    network.article("radio", "piege", "Piège", "2024-03-01 10:00", body="<a " * 50_000)
    network.article("radio", "emission", "Émission", "2024-03-02 10:00")
    report = network.build()
    [site] = report.sites
    assert [str(p) for p in site.problems] == [
        "sites/radio/content/piege.md:4: 50000 tags opened with '<' are never closed with '>'"
        " (the first on this line); close them, or write &lt; for a '<' sign"
    ]
    assert "Émission" in network.read("radio/emission.html")
    assert not (network.output / "radio" / "piege.html").exists()


WXR_NAMESPACES = (
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:wp="http://wordpress.org/export/1.2/"'
)


def _wxr_item(title: str, body: str, name: str, status: str = "publish", day: int = 1) -> str:
    return (
        f"<item><title>{title}</title><content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<wp:post_date_gmt>2024-01-{day:02d} 09:00:00</wp:post_date_gmt>"
        f"<wp:post_name>{name}</wp:post_name>"
        f"<wp:status>{status}</wp:status><wp:post_type>post</wp:post_type></item>\n"
    )


def _export(network, *items: str) -> Path:
    return network.write(
        "export.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0" {WXR_NAMESPACES}><channel><title>Jardin</title>\n'
        f"{''.join(items)}</channel></rss>\n",
    )


def test_a_hostile_wordpress_export_is_imported_as_data_and_builds(network, capsys):
    network.site("jardin", "name: Jardin\n")
    network.site("radio", "name: Radio\n")
    network.article("radio", "emission", "Émission de la radio", "2024-01-01 10:00")
    export = _export(
        network,
        _wxr_item(
            "Piège&#13;Save_as: ../radio/index.html&#13;Status: published", "Page piégée.", "piege", day=2
        ),
        _wxr_item(
            "Liens",
            '<p><a href="{attach}../../../network.yaml">réglages</a>'
            " et [x]({filename}../../radio/emission.md) et |filename|/x</p>",
            "liens",
            day=3,
        ),
        _wxr_item("T" * 300, "Un titre très long.", "", day=4),
        _wxr_item("Poupées", "<div>" * 5000 + "fond" + "</div>" * 5000, "poupees", day=5),
        _wxr_item("Brouillon&#13;Status: published", "Texte pas encore public.", "brouillon", "draft", day=6),
    )
    assert main(["import", "-C", str(network.root), "jardin", str(export)]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert (
        "'Poupées': its HTML is nested 5000 levels deep (at most 100); not imported, simplify it in WordPress"
    ) in out.err
    assert "4 article(s) and page(s) imported" in out.out
    trap = (network.root / "sites/jardin/content/2024-01-02-piege.md").read_text(encoding="utf-8")
    assert trap.splitlines()[:4] == [
        "Title: Piège Save_as: ../radio/index.html Status: published",
        "Date: 2024-01-02 09:00",
        "Slug: piege",
        "",
    ]
    report = network.build()
    assert report.ok, [str(p) for r in report.sites for p in r.problems]
    assert "Émission de la radio" in network.read("radio/index.html")
    assert "Page piégée." in network.read("jardin/piege.html")
    links = network.read("jardin/liens.html")
    # Shown as written, not resolved (Pelican would have copied network.yaml and linked to it).
    assert '<a href="%7Battach%7D../../../network.yaml" rel="noopener">réglages</a>' in links
    assert "|filename|/x" in links
    assert not list(network.output.rglob("network.yaml")) and not list(network.output.rglob("emission.md"))
    assert (network.output / "jardin" / f"{'t' * 80}.html").is_file()
    draft = (network.root / "sites/jardin/content/2024-01-06-brouillon.md").read_text(encoding="utf-8")
    assert [line for line in draft.splitlines() if line.startswith("Status:")] == ["Status: draft"]
    # Pelican's own drafts/ folder is the drafts work's business (issue 15, trust-paths): nowhere else.
    for path in network.output.rglob("*"):
        if path.is_file() and "drafts" not in path.parts:
            assert b"pas encore public" not in path.read_bytes(), path


def test_new_post_with_a_long_title_holding_a_line_break_writes_a_good_file(network, capsys):
    network.site("jardin", "name: Jardin\n")
    title = "Atelier " + "très long " * 30 + "\nSave_as: ../index.html"
    assert main(["new-post", "-C", str(network.root), "jardin", title]) == 0
    [path] = (network.root / "sites/jardin/content").glob("*.md")
    assert path.stem[len("YYYY-MM-DD-") :] == ("atelier-" + "tres-long-" * 30)[:80].rstrip("-")
    header = path.read_text(encoding="utf-8").split("\n\n", 1)[0].splitlines()
    assert header[0] == "Title: " + "Atelier " + "très long " * 30 + "Save_as: ../index.html"
    assert not [line for line in header if line.lower().startswith("save_as")]
    report = network.build()
    assert report.ok, [str(p) for r in report.sites for p in r.problems]


def test_a_site_over_its_memory_limit_is_stopped_and_named_the_others_published(network):
    network.write("network.yaml", NETWORK + "limits:\n  site_memory_mb: 256\n")
    network.site("photo", "name: Photo\n")
    photo = network.root / "sites/photo/content/images/grand.png"
    photo.parent.mkdir(parents=True)
    # 49 million pixels, under the images' own limit: some 150 MB decoded, more once resized.
    Image.new("RGB", (7000, 7000), (200, 100, 50)).save(photo, compress_level=1)
    network.article(
        "photo", "grande", "Grande photo", "2024-01-01 10:00", body="![Photo]({static}/images/grand.png)"
    )
    network.site("vif", "name: Vif\n")
    network.article("vif", "bonjour", "Bonjour", "2024-03-02 10:00")
    report = network.build()
    [failed] = report.failed
    assert [str(p) for p in failed.problems] == [
        "sites/photo: used more than 256 MB: stopped, its previously published version is kept"
        " (limits.site_memory_mb in network.yaml)"
    ]
    assert "Bonjour" in network.read("vif/bonjour.html")


def test_a_kept_manifest_holding_control_characters_does_not_break_the_network_stage(network):
    network.site("radio", "name: Radio\n")
    network.article("radio", "emission", "Émission", "2024-03-01 10:00")
    network.site("amap", "name: AMAP\n")
    network.article("amap", "paniers", "Paniers", "2024-03-02 10:00")
    assert network.build().ok
    # As a manifest written before text was cleaned on reading, kept because the site is not rebuilt.
    kept = network.root / ".output.manifests" / "radio.json"
    dirty = kept.read_text(encoding="utf-8").replace('"Émission"', '"Émission\\u001b du\\u000b soir"')
    kept.write_text(dirty, encoding="utf-8")
    network.article("amap", "legumes", "Légumes", "2024-03-03 10:00")
    report = network.build()
    assert report.ok and [r.slug for r in report.sites if not r.unchanged] == ["amap"]
    for name in ("atom.xml", "rss.xml", "opml.xml"):
        _well_formed(network.output / "planet" / name)
    titles = {entry.title for entry in network.feed("planet/atom.xml").entries}
    assert {"Émission du soir", "Légumes"} <= titles


def test_the_import_says_in_french_what_it_left_out(network, capsys):
    network.site("jardin", "name: Jardin\n")
    export = _export(network, _wxr_item("Poupées", "<div>" * 5000 + "fond" + "</div>" * 5000, "poupees"))
    i18n.set_language("fr")
    assert main(["import", "-C", str(network.root), "jardin", str(export)]) == 0
    assert (
        "« Poupées » : son HTML est imbriqué sur 5000 niveaux (au plus 100) ; non importé,"
        " simplifiez-le dans WordPress"
    ) in capsys.readouterr().err
