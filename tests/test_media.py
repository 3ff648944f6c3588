"""Radio shows and videos: players, a podcast feed parsed back, embeds that call no third party."""

from __future__ import annotations

import re
import threading
import urllib.request
import wave
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import feedparser
from feedserver import FeedServer
from test_external_planet import FAST, rss

from citoyens_ssg.content.media import video_embed


def radio(network) -> None:
    network.site(
        "radio",
        "name: Radio Ondes\nauthor: La rédaction\npodcast:\n  category: Society & Culture\n  email: "
        "antenne@example.org\n",
    )
    audio = network.root / "sites/radio/content/audio"
    audio.mkdir(parents=True)
    (audio / "emission.mp3").write_bytes(b"ID3" + bytes(12_345))
    network.write("sites/radio/content/fichiers/transcription.txt", "Bonjour.\n")
    network.article(
        "radio",
        "la-voix-des-quartiers",
        "La voix des quartiers",
        "2026-03-01 18:00",
        body="Une heure d'échanges.",
        Audio="{static}/audio/emission.mp3",
        Duration="58:30",
        Transcript="{static}/fichiers/transcription.txt",
    )
    network.article(
        "radio",
        "emission-hebergee-ailleurs",
        "Émission hébergée ailleurs",
        "2026-03-08 18:00",
        body="Ailleurs.",
        Audio="https://cdn.example.org/emission-2.mp3",
        Audio_length="2000000",
        Duration="1:02:03",
        Explicit="yes",
    )
    network.article("radio", "un-simple-article", "Un simple article", "2026-03-09 10:00")


def two_second_wav(path) -> None:
    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(1)
        sound.setframerate(8000)
        sound.writeframes(bytes([128]) * 16_000)


def test_an_episode_gets_a_player_and_the_site_a_podcast_feed(network):
    radio(network)
    two_second_wav(network.root / "sites/radio/content/audio/jingle.wav")
    network.write(
        "sites/radio/content/fichiers/jingle.txt",
        "Bonjour, c’est partagé.\nDeuxième ligne.\n\n<b>Fin</b> & merci.\n",
    )
    network.article(
        "radio",
        "le-jingle",
        "Le jingle & l’été",
        "2026-03-10 10:00",
        Audio="{static}/audio/jingle.wav",
        Duration="01:00",
        Transcript="{static}/fichiers/jingle.txt",
    )
    assert network.build().ok
    page = network.read("radio/la-voix-des-quartiers.html")
    # The player says what it plays; a screen reader heard "audio" and nothing else.
    assert (
        '<audio controls preload="none" src="/radio/audio/emission.mp3"'
        ' aria-label="Écouter : La voix des quartiers"></audio>'
    ) in page
    assert (
        '<a href="/radio/audio/emission.mp3" download>Télécharger l’enregistrement</a>'
        " (58\u00a0min 30\u00a0s)"
    ) in page
    assert '<a href="/radio/la-voix-des-quartiers/transcription/">Lire la transcription</a>' in page

    # The length comes from the file: "Duration: 01:00" (or "00:02", once shown "(1 min)") is not believed.
    jingle = network.read("radio/le-jingle.html")
    assert 'aria-label="Écouter : Le jingle &amp; l’été"' in jingle
    assert "Télécharger l’enregistrement</a> (2\u00a0s)" in jingle
    # The transcript is a page of the site, in its language and layout, its text escaped.
    transcript = network.read("radio/le-jingle/transcription/index.html")
    assert '<html lang="fr">' in transcript and 'class="site-header"' in transcript
    assert "<h1>Transcription : Le jingle &amp; l’été</h1>" in transcript
    assert (
        "<p>Bonjour, c’est partagé.<br>\nDeuxième ligne.</p>\n<p>&lt;b&gt;Fin&lt;/b&gt; &amp; merci.</p>"
    ) in transcript
    assert '<a href="/radio/le-jingle.html">Revenir à l’émission</a>' in transcript
    assert (network.output / "radio/fichiers/jingle.txt").is_file()  # the file itself stays published
    assert 'href="https://reseau.example.org/radio/podcast.xml"' in page

    podcast = feedparser.parse((network.output / "radio/podcast.xml").read_bytes())
    assert not podcast.bozo
    assert podcast.feed.author == "La rédaction"
    raw = network.read("radio/podcast.xml")
    assert "<itunes:explicit>no</itunes:explicit>" in raw.split("<item>")[0]
    assert "<itunes:email>antenne@example.org</itunes:email>" in raw
    assert podcast.feed.tags[0].term == "Society & Culture"
    episodes = {e.title: e for e in podcast.entries}
    # One item per episode, no plain article.
    assert set(episodes) == {"La voix des quartiers", "Émission hébergée ailleurs", "Le jingle & l’été"}
    local = episodes["La voix des quartiers"].enclosures[0]
    assert (local.href, local.length, local.type) == (
        "https://reseau.example.org/radio/audio/emission.mp3",
        "12348",
        "audio/mpeg",
    )
    assert episodes["La voix des quartiers"].itunes_duration == "58:30"
    assert episodes["Le jingle & l’été"].itunes_duration == "0:02"
    remote = episodes["Émission hébergée ailleurs"]
    assert (remote.enclosures[0].length, remote.itunes_duration, remote.itunes_explicit) == (
        "2000000",
        "1:02:03",
        True,
    )

    planet = {e.title: e for e in network.feed("planet/rss.xml").entries}
    assert (
        planet["La voix des quartiers"].enclosures[0].href
        == "https://reseau.example.org/radio/audio/emission.mp3"
    )
    assert not planet["Un simple article"].get("enclosures")
    atom = {e.title: e for e in network.feed("planet/atom.xml").entries}
    assert atom["La voix des quartiers"].link == "https://reseau.example.org/radio/la-voix-des-quartiers.html"
    assert (
        atom["La voix des quartiers"].enclosures[0].href
        == "https://reseau.example.org/radio/audio/emission.mp3"
    )


def test_the_planet_carries_external_enclosures(network):
    episode = {
        "title": "Podcast",
        "link": "https://pod.example.org/1",
        "guid": "p1",
        "pubDate": "Mon, 02 Mar 2026 10:00:00 +0000",
    }
    body = rss(episode).replace(
        "<guid", '<enclosure url="https://pod.example.org/1.mp3" length="4242" type="audio/mpeg"/><guid'
    )
    with FeedServer() as server:
        server.routes["/feed"] = FeedServer.respond(body)
        network.write(
            "network.yaml",
            "name: R\nurl: https://r.example.org\nplanet:\n  feeds:\n    - name: Pod\n      url: "
            f"{server.url}/feed\n",
        )
        network.site("a", "name: A\n")
        assert network.build(fetch_policy=FAST).ok
    enclosure = network.feed("planet/rss.xml").entries[0].enclosures[0]
    assert (enclosure.href, enclosure.length, enclosure.type) == (
        "https://pod.example.org/1.mp3",
        "4242",
        "audio/mpeg",
    )


def test_missing_media_is_named(network, capsys):
    from citoyens_ssg.cli import main

    network.site("radio", "name: Radio\n")
    network.article("radio", "a", "Sans fichier", "2026-03-01", Audio="audio/absent.mp3")
    network.article("radio", "b", "Sans taille", "2026-03-02", Audio="https://cdn.example.org/x.mp3")
    assert main(["build", "-C", str(network.root)]) == 1
    err = capsys.readouterr().err
    assert (
        "ERROR sites/radio/content/a.md: Audio: 'audio/absent.mp3' is neither a file of the site nor an "
        "http(s) address" in err
    )
    assert "WARNING sites/radio/content/b.md: Audio: is an address; add Audio_length:" in err


def test_local_video_with_poster_and_captions(network):
    network.site("v", "name: Vidéos\n")
    folder = network.root / "sites/v/content/video"
    folder.mkdir(parents=True)
    (folder / "atelier.webm").write_bytes(b"\x1a\x45\xdf\xa3" + bytes(100))
    (folder / "atelier.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n")
    network.article(
        "v",
        "atelier-filme",
        "Atelier filmé",
        "2026-03-01",
        Video="{static}/video/atelier.webm",
        Captions="{static}/video/atelier.vtt",
    )
    assert network.build().ok
    page = network.read("v/atelier-filme.html")
    assert '<video controls preload="none"><source src="/v/video/atelier.webm" type="video/webm">' in page
    assert (
        '<track kind="captions" src="/v/video/atelier.vtt" srclang="fr" label="Sous-titres" default>' in page
    )


class Requests(HTMLParser):
    """What a browser would fetch by itself while loading the page (not links to click)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("img", "script", "iframe", "audio", "video", "source", "track", "embed", "object"):
            self.urls += [v for k, v in attrs if k in ("src", "srcset", "poster", "data") and v]
        if tag == "link" and attributes.get("rel") in (
            "stylesheet",
            "preload",
            "icon",
            "prefetch",
            "preconnect",
            "dns-prefetch",
        ):
            self.urls.append(attributes.get("href", ""))


def test_video_embeds_call_no_third_party_until_clicked(network):
    assert (
        video_embed("https://youtu.be/dQw4w9WgXcQ").page_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    )
    assert video_embed("https://vimeo.com/123456").provider == "Vimeo"
    assert video_embed("https://tube.example.org/w/9c9de5e8").provider == "PeerTube"
    assert video_embed("https://example.org/article") is None
    network.site("a", "name: A\n")
    network.write("sites/a/content/images/affiche.png", "")
    from PIL import Image

    Image.new("RGB", (320, 180), "navy").save(network.root / "sites/a/content/images/affiche.png")
    network.article(
        "a",
        "portes-ouvertes",
        "Portes ouvertes",
        "2026-03-01",
        Video="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        Poster="{static}/images/affiche.png",
        body="Et sur PeerTube :\n\nhttps://tube.example.org/w/9c9de5e8\n\n<https://vimeo.com/123456>\n",
    )
    network.write("network.yaml", "name: R\nurl: http://127.0.0.1:1\n")
    assert network.build().ok
    handler = partial(SimpleHTTPRequestHandler, directory=str(network.output))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        served = (
            urllib.request.urlopen(
                f"http://127.0.0.1:{httpd.server_address[1]}/a/portes-ouvertes.html", timeout=5
            )
            .read()
            .decode()
        )
        httpd.shutdown()
    assert served.count('class="media video-embed"') == 3
    for host in (
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://tube.example.org/w/9c9de5e8",
        "https://vimeo.com/123456",
    ):
        assert f'href="{host}"' in served
    audit = Requests()
    audit.feed(served)
    foreign = [
        url for url in audit.urls if not url.startswith("/") or url.startswith("//")
    ]  # the site's own only
    assert foreign == [], foreign
    assert re.search(r'<img src="/a/images/affiche.png" alt="" loading="lazy">', served)


def test_a_translated_episode_links_to_its_own_transcript_page(network):
    """Each language's episode gets its transcript page: the Breton one linked to a page never written."""
    network.site("radio", "name: Radio Ondes\n")
    (network.root / "sites/radio/content/audio").mkdir(parents=True)
    (network.root / "sites/radio/content/audio/emission.mp3").write_bytes(b"ID3" + bytes(12_345))
    network.write("sites/radio/content/fichiers/transcription.txt", "Bonjour.\n")
    network.write("sites/radio/content/fichiers/treuzskrivadur.txt", "Demat.\n")
    for name, lang, transcript in (("voix", "fr", "transcription"), ("voix-br", "br", "treuzskrivadur")):
        network.article(
            "radio",
            name,
            "La voix",
            "2026-03-01 18:00",
            Slug="la-voix",
            Lang=lang,
            Audio="{static}/audio/emission.mp3",
            Transcript=f"{{static}}/fichiers/{transcript}.txt",
        )
    assert network.build(offline=True).ok
    assert '<a href="/radio/la-voix-br/transcription/">' in network.read("radio/la-voix-br.html")
    breton = network.read("radio/la-voix-br/transcription/index.html")
    assert "<p>Demat.</p>" in breton and '<a href="/radio/la-voix-br.html">' in breton
    assert "<p>Bonjour.</p>" in network.read("radio/la-voix/transcription/index.html")


def test_the_video_link_names_its_title_in_the_pages_language(network):
    """« Regarder la vidéo sur YouTube : Portes ouvertes » on a French page; on an English page,
    English punctuation: no space before the colon."""
    network.site("fr", "name: Français\n")
    network.site("en", "name: English\nlanguage: en\n")
    for site, title in (("fr", "Portes ouvertes"), ("en", "Open day")):
        network.article(
            site, "video", title, "2026-03-01", Video="https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        )
    assert network.build().ok
    french = network.read("fr/video.html")
    english = network.read("en/video.html")
    assert re.search(
        r'class="video-cta">Regarder la vidéo sur YouTube[\s\u202f\xa0]: Portes ouvertes<', french
    )
    assert 'class="video-cta">Watch the video on YouTube: Open day<' in english, english
