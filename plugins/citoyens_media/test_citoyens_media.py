"""citoyens_media on its test_data/: an episode gets a player and a download link, the site a
``podcast.xml`` parsed back, a YouTube video a link that loads nothing from YouTube."""

from __future__ import annotations

import re

import feedparser


def test_an_episode_gets_a_player_and_the_site_a_podcast(plugin_network):
    report = plugin_network.build()
    assert report.ok, [str(problem) for result in report.sites for problem in result.problems]
    page = plugin_network.read("radio/voix.html")
    # The player named after its episode; the length as typed (Duration:), the file saying none.
    assert '<audio controls preload="none" src="/radio/audio/voix.mp3"' in page
    assert 'aria-label="Écouter : La voix des quartiers"' in page
    assert (
        '<a href="/radio/audio/voix.mp3" download>Télécharger l’enregistrement</a> (58\u00a0min 30\u00a0s)'
        in page
    )
    podcast = feedparser.parse((plugin_network.output / "radio/podcast.xml").read_bytes())
    assert not podcast.bozo
    assert (podcast.feed.title, podcast.feed.author) == ("Radio Ondes", "La rédaction")
    assert podcast.feed.tags[0].term == "Society & Culture"
    [episode] = podcast.entries  # the video is no episode
    assert episode.title == "La voix des quartiers" and episode.itunes_duration == "58:30"
    [enclosure] = episode.enclosures
    assert (enclosure.href, enclosure.length, enclosure.type) == (
        "https://reseau.example.org/radio/audio/voix.mp3",
        "2048",
        "audio/mpeg",
    )


def test_a_video_address_loads_nothing_before_the_reader_clicks(plugin_network):
    plugin_network.build()
    page = plugin_network.read("radio/reportage.html")
    assert '<a class="video-link" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" rel="noopener">' in page
    assert not re.search(r"<(iframe|script|img)[^>]*youtube", page)
