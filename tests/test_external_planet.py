"""The planet follows blogs hosted elsewhere, against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import ssl
import time
from dataclasses import replace
from datetime import datetime, timezone
from xml.sax.saxutils import escape

import feedparser
import pytest
from feedserver import FeedServer, self_signed_certificate

from citoyens_ssg.config.load import load_network
from citoyens_ssg.network.fetch import FetchError, FetchPolicy, fetch
from citoyens_ssg.network.subscriptions import cache_dir, health, poll, update_all

FAST = FetchPolicy(connect_timeout=2, read_timeout=1, deadline=3, max_bytes=256 * 1024, allow_loopback=True)
# Active content inside markup (escaped text such as "&lt;img onerror=…&gt;" is harmless).
ACTIVE = re.compile(
    r"<(script|iframe|object|embed|form|input|style|svg|math)\b|<[^>]*\s(on\w+|xlink:href|style)\s*=|(href|src)\s*=\s*[\"']?\s*(javascript|vbscript|data):",
    re.IGNORECASE,
)


def rss(*items: dict, link: str = "https://blog.example.org/", encoding: str = "utf-8") -> str:
    body = []
    for item in items:
        parts = [
            f"<{name}>{escape(value)}</{name}>"
            for name, value in item.items()
            if name not in ("guid", "category")
        ]
        if "guid" in item:
            parts.append(f'<guid isPermaLink="false">{escape(item["guid"])}</guid>')
        if "category" in item:
            parts.append(f"<category>{escape(item['category'])}</category>")
        body.append("<item>" + "".join(parts) + "</item>")
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>Blog</title>'
        f"<link>{link}</link><description>d</description>{''.join(body)}</channel></rss>"
    )


def item(n: int, **extra: str) -> dict:
    return {
        "title": f"Billet {n}",
        "link": f"https://blog.example.org/billet-{n}",
        "guid": f"billet-{n}",
        "pubDate": f"Mon, {n:02d} Mar 2026 10:00:00 +0000",
        "description": f"<p>Texte {n}</p>",
        **extra,
    }


def subscribe(network, server: FeedServer, *feeds: tuple[str, str], extra: str = "") -> None:
    lines = ["name: Réseau", "url: https://reseau.example.org", "planet:", "  feeds:"]
    for name, path in feeds:
        lines += [f"    - name: {name}", f"      url: {server.url}{path}"]
    network.write("network.yaml", "\n".join(lines) + "\n" + extra)
    network.site("epn", "name: Espace numérique\n")
    network.article("epn", "atelier", "Atelier interne", "2026-03-05 10:00")


def poll_one(network, policy: FetchPolicy = FAST):
    config = load_network(network.root)
    subscription = config.planet.feeds[0]
    return subscription, poll(cache_dir(config), subscription, policy)


# ---------------------------------------------------------------- the planet


def test_external_entries_join_the_planet_clean_and_attributed(network):
    hostile = (
        '<p onclick="alert(1)">Texte gardé</p><script>alert(2)</script><iframe '
        'src="https://evil.example"></iframe>'
        '<form action="https://evil.example"><input name="mdp"></form><style>p{}</style><a '
        'href="javascript:alert(3)">piège</a>'
        '<svg><script>alert(4)</script></svg><math><mi xlink:href="javascript:alert(5)">m</mi></math>'
        '<img src="images/photo.jpg" alt="Photo"><a href="/autre-billet">lien relatif</a>'
    )
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(
            rss(
                item(3, description=hostile),
                {
                    "title": "&lt;img src=x onerror=alert(6)&gt; Titre",
                    "link": "javascript:alert(7)",
                    "guid": "g7",
                    "pubDate": "Tue, 03 Mar 2026 11:00:00 +0000",
                },
            )
        )
        subscribe(network, server, ("Blog du jardin", "/feed"))
        report = network.build(fetch_policy=FAST)
    assert report.ok
    atom = network.feed("planet/atom.xml")
    titles = [e.title for e in atom.entries]
    assert titles == ["Atelier interne", "<img src=x onerror=alert(6)> Titre", "Billet 3"]
    billet = next(e for e in atom.entries if e.title == "Billet 3")
    assert billet.source.title == "Blog du jardin"
    html = billet.summary
    assert "Texte gardé" in html and not ACTIVE.search(html)
    assert 'src="https://blog.example.org/images/photo.jpg"' in html
    assert 'href="https://blog.example.org/autre-billet"' in html and 'rel="nofollow noopener"' in html
    hostile_title = next(e for e in atom.entries if e.title.startswith("<img"))
    assert hostile_title.link == "https://blog.example.org/"  # the javascript: link was dropped
    page = network.read("planet/index.html")
    assert not ACTIVE.search(page.replace('rel="nofollow noopener"', ""))
    assert "&lt;img src=x onerror=alert(6)&gt; Titre" in page
    assert "Blog du jardin" in page
    for kind in ("rss.xml", "feed.json"):
        assert "Billet 3" in network.read(f"planet/{kind}")
    feed = json.loads(network.read("planet/feed.json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["title"] for i in feed["items"]] == titles
    assert feed["items"][2]["_citoyens"]["source"] == "Blog du jardin"
    opml = network.read("planet/opml.xml")
    assert 'xmlUrl="https://reseau.example.org/epn/feeds/all.atom.xml"' in opml
    assert f'xmlUrl="{server.url}/feed"' in opml and 'text="Blog du jardin"' in opml


def test_offline_rebuilds_the_same_planet_from_the_cache(network):
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(rss(item(1), item(2)))
        subscribe(network, server, ("Blog", "/feed"))
        assert network.build(fetch_policy=FAST).ok
    first = {
        name: network.read(f"planet/{name}")
        for name in ("index.html", "rss.xml", "atom.xml", "feed.json", "sante.html")
    }
    assert network.build(offline=True).ok  # the server is gone: nothing is fetched
    assert {name: network.read(f"planet/{name}") for name in first} == first


def test_a_broken_feed_keeps_its_last_good_entries_and_shows_on_the_health_page(network):
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(rss(item(1)))
        server.routes["/ok"] = FeedServer.respond(
            rss(item(2, guid="autre-2", link="https://autre.example.org/2"))
        )
        subscribe(
            network,
            server,
            ("Blog en panne", "/feed"),
            ("Blog en forme", "/ok"),
            extra="  stale_after_days: 3650\n",
        )
        assert network.build(fetch_policy=FAST).ok
        server.routes["/feed"] = FeedServer.respond(
            "<html><body>502 Bad Gateway</body></html>", content_type="text/html"
        )
        report = network.build(fetch_policy=FAST)
    assert report.ok  # a member blog's failure is reported on the health page, not as a build failure
    assert "Billet 1" in [e.title for e in network.feed("planet/atom.xml").entries]
    health_json = {h["name"]: h for h in json.loads(network.read("planet/sante.json"))}
    assert health_json["Blog en panne"]["state"] == "failing"
    assert "pas un flux" in health_json["Blog en panne"]["last_error"]  # public: in the network's language
    assert health_json["Blog en panne"]["entries"] == 1
    assert health_json["Blog en forme"]["state"] == "ok"
    page = network.read("planet/sante.html")
    assert "En panne" in page and "Blog en panne" in page and "En forme" in page
    # Its last success as people read a date (in the network's time zone), not '2026-03-02 10:00'.
    last = re.findall(
        r"<td>((?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2}(?:er)?\xa0\w+"
        r"\xa0\d{4} à \d{1,2}\xa0h(?:\xa0\d{2})?)</td>",
        page,
    )
    assert len(last) == 2 and not re.search(r"<td>\d{4}-\d{2}-\d{2} ", page)


# ---------------------------------------------------------------- HTTP politeness


def test_conditional_get_and_304(network):
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(
            rss(item(1)), ETag='"v1"', Last_Modified="Mon, 02 Mar 2026 10:00:00 GMT"
        )
        subscribe(network, server, ("Blog", "/feed"))
        poll_one(network)
        server.routes["/feed"] = FeedServer.respond(b"", status=304)
        subscription, state = poll_one(network)
    headers = server.requests[-1][1]
    assert headers["if-none-match"] == '"v1"'
    assert headers["if-modified-since"] == "Mon, 02 Mar 2026 10:00:00 GMT"
    assert headers["user-agent"].startswith("citoyens/")
    assert state.last_status == 304 and state.last_error is None
    assert [e.title for e in state.entry_objects()] == ["Billet 1"]


def test_410_stops_polling_and_301_is_remembered_but_302_is_not(network):
    with FeedServer() as server:
        server.routes["/gone"] = FeedServer.respond("", status=410, content_type="text/plain")
        subscribe(network, server, ("Blog", "/gone"))
        _subscription, state = poll_one(network)
        assert state.gone and state.last_status == 410
        poll_one(network)
        assert server.paths() == ["/gone"]  # not asked a second time
        assert health(_subscription, state, 90).state == "gone"

    with FeedServer() as server:
        server.routes["/ancien"] = FeedServer.redirect(f"{server.url}/temporaire", 301)
        server.routes["/temporaire"] = FeedServer.redirect(f"{server.url}/nouveau", 302)
        server.routes["/nouveau"] = FeedServer.respond(rss(item(1)))
        subscribe(network, server, ("Blog", "/ancien"))
        _subscription, state = poll_one(network)
        assert (
            state.moved_to is None and state.url == f"{server.url}/ancien"
        )  # a 302 on the way: not permanent
        server.routes["/ancien"] = FeedServer.redirect(f"{server.url}/nouveau", 301)
        _subscription, state = poll_one(network)
        assert state.moved_to == f"{server.url}/nouveau"
        poll_one(network)
        assert server.paths()[-1] == "/nouveau" and server.paths().count("/ancien") == 2
        assert health(_subscription, state, 90).state == "moved"


def test_redirect_loops_and_forbidden_targets_are_refused():
    with FeedServer() as server:
        server.routes["/a"] = FeedServer.redirect(f"{server.url}/b")
        server.routes["/b"] = FeedServer.redirect(f"{server.url}/a")
        server.routes["/fichier"] = FeedServer.redirect("file:///etc/passwd")
        server.routes["/metadonnees"] = FeedServer.redirect("http://169.254.169.254/latest/meta-data/")
        server.routes["/intranet"] = FeedServer.redirect("http://10.0.0.1/feed")
        with pytest.raises(FetchError, match="more than 5 redirects"):
            fetch(f"{server.url}/a", FAST)
        with pytest.raises(FetchError, match="only http and https"):
            fetch(f"{server.url}/fichier", FAST)
        for path in ("/metadonnees", "/intranet"):
            with pytest.raises(FetchError, match="not a public address"):
                fetch(f"{server.url}{path}", FAST)
        with pytest.raises(FetchError, match="not a public address"):
            fetch(f"{server.url}/a", FetchPolicy(deadline=3))  # loopback itself, by default


@pytest.mark.parametrize("route", ["silent", "trickle"])
def test_slow_servers_are_given_up_on_in_bounded_time(route):
    with FeedServer() as server:
        server.routes["/lent"] = getattr(server, route)()
        started = time.monotonic()
        with pytest.raises(FetchError, match="no answer|not finished|no data"):
            fetch(f"{server.url}/lent", FAST)
        assert time.monotonic() - started < FAST.deadline + 1.5


def test_huge_bodies_and_gzip_bombs_stop_at_the_cap():
    bomb = gzip.compress(b"<rss>" + b" " * (50 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    with FeedServer() as server:
        server.routes["/sans-fin"] = server.endless()
        server.routes["/bombe"] = FeedServer.respond(bomb, Content_Encoding="gzip")
        server.routes["/gzip"] = FeedServer.respond(
            gzip.compress(rss(item(1)).encode()), Content_Encoding="gzip"
        )
        for path in ("/sans-fin", "/bombe"):
            with pytest.raises(FetchError, match="larger than"):
                fetch(f"{server.url}{path}", FAST)
        assert b"Billet 1" in fetch(f"{server.url}/gzip", FAST).body


# ---------------------------------------------------------------- what comes back


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "not a feed"),
        ("<html><head><title>502</title></head><body>Bad gateway</body></html>", "not a feed"),
        (rss(item(1), item(2))[:-40], "malformed feed"),
        ('{"version": "https://jsonfeed.org/version/1.1", "items": []}', "JSON Feed"),
    ],
)
def test_answers_that_are_not_feeds_keep_the_cache(network, body, message):
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(rss(item(5)))
        subscribe(network, server, ("Blog", "/feed"))
        poll_one(network)
        server.routes["/feed"] = FeedServer.respond(body)
        _subscription, state = poll_one(network)
    assert message in state.last_error
    assert [e.title for e in state.entry_objects()] == ["Billet 5"]


@pytest.mark.parametrize("status", [404, 500, 503])
def test_http_errors_keep_the_cache_and_name_the_status(network, status):
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(rss(item(5)))
        subscribe(network, server, ("Blog", "/feed"))
        poll_one(network)
        server.routes["/feed"] = FeedServer.respond(
            "erreur", status=status, content_type="text/plain", Retry_After="120"
        )
        _subscription, state = poll_one(network)
    assert state.last_status == status and f"HTTP {status}" in state.last_error
    assert [e.title for e in state.entry_objects()] == ["Billet 5"]
    assert (state.retry_not_before is not None) == (status == 503)


def test_entity_bombs_and_external_entities_do_no_harm(network):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 '
        '"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
        '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 '
        '"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>'
        "<rss "
        'version="2.0"><channel><title>&lol6;</title><item><title>&lol6;</title><guid>b</guid></item></channel></rss>'
    )
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<rss "
        'version="2.0"><channel><title>t</title><item><title>x&xxe;</title><description>&xxe;</description><guid>x</guid></item></channel></rss>'
    )
    with FeedServer() as server:
        server.routes["/bombe"] = FeedServer.respond(bomb)
        server.routes["/xxe"] = FeedServer.respond(xxe)
        subscribe(network, server, ("Bombe", "/bombe"), ("XXE", "/xxe"))
        started = time.monotonic()
        states = update_all(load_network(network.root), FAST)
        assert time.monotonic() - started < 3
    assert "declares XML entities" in states["bombe"].last_error
    assert "declares XML entities" in states["xxe"].last_error
    for state in states.values():
        assert state.entries == []


def test_normalising_dates_ids_duplicates_and_size(network):
    undated = {"title": "Sans date", "link": "https://blog.example.org/sans-date"}
    french = {
        "title": "Date française",
        "link": "https://blog.example.org/fr",
        "guid": "fr",
        "pubDate": "mardi 12 mars 2024",
    }
    future = {
        "title": "En 2100",
        "link": "https://blog.example.org/2100",
        "guid": "futur",
        "pubDate": "Fri, 01 Jan 2100 00:00:00 +0000",
    }
    many = [
        item(n % 28 + 1, guid=f"n{n}", link=f"https://blog.example.org/n{n}", title=f"N{n}")
        for n in range(5000)
    ]
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(
            rss(undated, french, future, item(1), item(1), *many),
        )
        subscribe(network, server, ("Blog", "/feed"))
        roomy = replace(FAST, max_bytes=5 * 1024 * 1024)
        _subscription, first = poll_one(network, roomy)
        time.sleep(1.1)
        _subscription, second = poll_one(network, roomy)
    entries = {e.title: e for e in second.entry_objects()}
    assert len(second.entries) == 50  # the newest max_entries
    assert [e.id for e in first.entry_objects()] == [e.id for e in second.entry_objects()]
    assert entries["En 2100"].date <= datetime.fromisoformat(second.last_attempt)
    assert entries["Sans date"].date == datetime.fromisoformat(first.last_attempt)  # first seen, stable
    assert entries["Sans date"].id.startswith("sha1:")
    assert "Date française" in entries
    assert len({e.id for e in second.entry_objects()}) == 50


def test_latin1_declared_utf8_is_read_with_a_warning(network):
    body = rss(item(1, title="Fête de l'été")).encode("latin-1")
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(body, content_type="application/rss+xml; charset=utf-8")
        subscribe(network, server, ("Blog", "/feed"))
        _subscription, state = poll_one(network)
    assert state.last_error is None and state.warning
    assert [e.title for e in state.entry_objects()] == ["Fête de l'été"]


def test_include_and_exclude_filters(network):
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(
            rss(
                item(1, category="Jardin"),
                item(2, category="Politique"),
                item(3, title="Le jardin et la publicité"),
            )
        )
        lines = (
            "name: R\nurl: https://r.example.org\nplanet:\n  feeds:\n"
            f"    - name: Blog\n      url: {server.url}/feed\n      include: [jardin]\n      exclude: "
            "[publicité]\n"
        )
        network.write("network.yaml", lines)
        network.site("epn", "name: E\n")
        _subscription, state = poll_one(network)
    assert [e.title for e in state.entry_objects()] == ["Billet 1"]


def test_feeds_are_fetched_concurrently(network):
    with FeedServer() as server:
        for n in range(4):
            server.routes[f"/lent{n}"] = server.silent()
        subscribe(network, server, *((f"Lent {n}", f"/lent{n}") for n in range(4)))
        started = time.monotonic()
        states = update_all(load_network(network.root), FAST)
        assert time.monotonic() - started < FAST.deadline + 1.5  # not four deadlines in a row
    assert all(s.last_error for s in states.values())


def test_subscription_config_is_checked(network):
    network.write(
        "network.yaml",
        "name: R\nurl: https://r.example.org\nplanet:\n  feeds:\n    - name: A\n      url: ftp://x\n"
        "    - nom: B\n    - name: A\n      url: https://a.example.org/feed\n      site: inconnu\n",
    )
    network.site("epn", "name: E\n")
    from citoyens_ssg.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        load_network(network.root)
    found = [str(p) for p in caught.value.problems]
    assert (
        "network.yaml:6: key 'planet.feeds[1].url': expected an address starting with https:// or http://, "
        "got 'ftp://x'" in found
    )
    assert (
        "network.yaml:7: unknown key 'planet.feeds[2].nom' — known keys: exclude, home, include, "
        "max_entries, name, site, url" in found
    )
    assert (
        "network.yaml:7: missing key 'planet.feeds[2].url' (an address starting with https:// or http://)"
        in found
    )
    assert any("'A' is used twice" in p for p in found)
    assert any("planet.feeds[3].site': no site named 'inconnu'" in p for p in found)


def test_a_subscription_is_attributed_to_its_association(network):
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(rss(item(1)))
        network.write(
            "network.yaml",
            "name: R\nurl: https://r.example.org\nplanet:\n  feeds:\n"
            f"    - name: Blog du jardin\n      url: {server.url}/feed\n      site: quartier\n",
        )
        network.site("quartier", "name: Recouvrance en commun\n")
        assert network.build(fetch_policy=FAST).ok
    assert network.feed("planet/atom.xml").entries[0].source.title == "Recouvrance en commun — Blog du jardin"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a test certificate")
def test_a_bad_certificate_fails_without_falling_back_to_http(tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(rss(item(1)))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
        secure_url = server.url.replace("http://", "https://")
        with pytest.raises(FetchError, match="secure connection refused"):
            fetch(f"{secure_url}/feed", FAST)
    assert all(path == "/feed" for path in server.paths()) and len(server.paths()) <= 1


def test_the_planet_feeds_parse_back(network):
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(rss(item(1), item(2)))
        subscribe(network, server, ("Blog", "/feed"))
        network.build(fetch_policy=FAST)
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((network.output / "planet" / name).read_bytes())
        assert not parsed.bozo and len(parsed.entries) == 3
        assert all(e.link.startswith("https://") for e in parsed.entries)
    assert datetime(2026, 3, 5, 9, tzinfo=timezone.utc) == datetime.fromisoformat(
        json.loads(network.read("planet/feed.json"))["items"][0]["date_published"]
    )
