"""Pelican plugin: radio shows and videos.

- ``Audio:`` (a file of the site or an address) gives the article a player
  named after the episode, a download link with the length read from the file
  and, with ``Transcript:``, a link to the transcript: a text file of the site
  becomes a page of its own, ``<episode>/transcription/``, in the site's layout
  and the episode's language (the .txt stays published too); the site gets
  ``podcast.xml`` (RSS with iTunes tags, exact enclosure length and type)
  listing one item per episode.
- ``Video:`` gives a ``<video>`` player for a file of the site (``Poster:``,
  ``Captions:``), or, for a YouTube, Vimeo or PeerTube address, a still and a
  link that loads nothing from the host before the reader clicks.  A video
  address alone on its line in the text becomes the same link.

Hooks ``all_generators_finalized`` (players and links added to the articles, reading their
media metadata and the site's files) and ``article_writer_finalized`` (``podcast.xml`` written into
the site's output).  It reads the site context's podcast (title, category, subcategory, image,
explicit, email).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from feedgen.feed import FeedGenerator
from pelican import signals

from citoyens_ssg import clock, output
from citoyens_ssg.content import media
from citoyens_ssg.content.paths import content_file, pelican_contents
from citoyens_ssg.content.sanitize import safe_link
from citoyens_ssg.content.static_files import TEXT_LIMIT
from citoyens_ssg.i18n import _
from citoyens_ssg.site import feedstyle
from citoyens_ssg.site.context import site_context

logger = logging.getLogger(__name__)
# An episode is "on air" (the radio theme's badge) this long after its date, by the build's clock.
ON_AIR = timedelta(days=7)
PODCAST_IMAGES = (".jpg", ".png")  # feedgen's itunes:image takes these endings only
TRANSCRIPT_FOLDER = "transcription"  # <episode>/transcription/: no article's page can be there


class LeavesContent(ValueError):
    """A media value naming a path out of the site's content/ folder (or another site's address)."""


def _resolve(value: str, content) -> tuple[str, Path | None]:
    """(public URL, local file or None) for a metadata value naming a media file."""
    value = value.strip()
    remote = safe_link(value)
    if remote:
        return remote, None
    content_root = Path(content.settings["PATH"]).resolve()
    local = content_file(value, Path(content.source_path), content_root)
    if local is None:
        raise LeavesContent(value)
    if not local.is_file():
        raise FileNotFoundError(value)
    return f"{content.settings['SITEURL']}/{local.relative_to(content_root).as_posix()}", local


def _media(content, key: str) -> tuple[str, Path | None] | None:
    value = content.metadata.get(key)
    if not value:
        return None
    try:
        return _resolve(str(value), content)
    except LeavesContent:
        message = _(
            "{key}: '{value}' leads outside the site; the file must be inside content/",
            key=key.capitalize(),
            value=value,
        )
        logger.error("%s: %s", content.source_path, message)
        return None
    except FileNotFoundError:
        logger.error(
            "%s: %s",
            content.source_path,
            _(
                "{key}: '{value}' is neither a file of the site nor an http(s) address",
                key=key.capitalize(),
                value=value,
            ),
        )
        return None


def add_players(generators) -> None:
    for content in pelican_contents(generators):
        _add_players(content)
    for generator in generators:
        if any(_episode(article) for article in getattr(generator, "articles", ())):
            # The context is shared by every page still to be written: the theme links the podcast.
            generator.context["PODCAST_URL"] = f"{generator.settings['SITEURL']}/podcast.xml"


def _episode(article) -> bool:
    enclosure = getattr(article, "citoyens_enclosure", None)
    return bool(enclosure and enclosure["length"])


def _languages(content) -> tuple[str, ...]:
    """The page's language, then the site's and the network's (i18n's one fallback rule)."""
    site_language = content.settings.get("DEFAULT_LANG", "fr")
    return (
        getattr(content, "lang", None) or site_language,
        site_language,
        site_context(content.settings).network_language,
    )


def _add_players(content) -> None:
    language = _languages(content)
    blocks = [block for block in (_audio_block(content, language), _video_block(content, language)) if block]
    html = getattr(content, "_content", "") or ""
    content._content = "".join(blocks) + media.embed_lone_video_links(html, language)


def _audio_block(content, language: tuple[str, ...]) -> str:
    audio = _media(content, "audio")
    if audio is None:
        return ""
    url, local = audio
    duration = str(content.metadata.get("duration", "")).strip()
    if duration and not media.DURATION.match(duration):
        logger.warning(
            "%s: %s",
            content.source_path,
            _("Duration: '{value}' should look like 58:30 or 1:02:03", value=duration),
        )
        duration = ""
    # What the file says wins over what was typed: "Duration: 00:02" once showed "(1 min)".
    seconds = (media.file_seconds(local) if local else None) or media.duration_seconds(duration)
    length = local.stat().st_size if local else _declared_length(content)
    content.citoyens_enclosure = {
        "url": url,
        "length": length,
        "type": media.mime_type(url),
        "duration": media.clock_duration(seconds) if seconds else "",
        "explicit": str(content.metadata.get("explicit", "no")).strip().lower() in ("yes", "oui", "true"),
    }
    # An attribute of the article: the incremental build renders its page again when it changes.
    content.citoyens_on_air = content.date is not None and content.date >= clock.now() - ON_AIR
    title = str(content.title.unescape() if hasattr(content.title, "unescape") else content.title)
    return media.audio_player(url, language, title, _transcript_link(content), seconds)


def _transcript_link(content) -> str | None:
    """The transcript's address: its own page for a text file of the site, else the file or address."""
    transcript = _media(content, "transcript")
    if transcript is None:
        return None
    url, local = transcript
    if local is None or local.suffix.lower() != ".txt":
        return url
    try:
        text = local.read_bytes()[:TEXT_LIMIT].decode("utf-8-sig")
    except UnicodeDecodeError:  # not published either (static_files): its checks name the file
        return url
    folder = content.save_as.removesuffix(".html").removesuffix("/index")
    content.citoyens_transcript = {
        "save_as": f"{folder}/{TRANSCRIPT_FOLDER}/index.html",
        "html": media.transcript_html(text),
    }
    return f"{content.settings['SITEURL']}/{folder}/{TRANSCRIPT_FOLDER}/"


def write_transcripts(generator, writer) -> None:
    """Each episode's transcript as a page of the site, in the episode's language: for every
    text the generator writes (its translations and hidden ones too, and drafts under serve),
    as every one of them got a link to its transcript."""
    for content in pelican_contents([generator]):
        transcript = getattr(content, "citoyens_transcript", None)
        if transcript is None:
            continue
        languages = _languages(content)
        words = media.labels(languages)
        title = str(content.title.unescape() if hasattr(content.title, "unescape") else content.title)
        writer.write_file(
            transcript["save_as"],
            generator.get_template("transcript"),
            generator.context,
            episode=content,
            transcript_title=words["transcript_of"].format(title=title),
            transcript=transcript["html"],
            back_label=words["back_to_episode"],
            page_lang=languages[0],
            page_name="transcript",
        )


def _declared_length(content) -> int | None:
    value = str(content.metadata.get("audio_length", "")).strip()
    if value.isdigit():
        return int(value)
    logger.warning(
        "%s: %s",
        content.source_path,
        _("Audio: is an address; add Audio_length: with its size in bytes so podcast apps accept it"),
    )
    return None


def _video_block(content, language: tuple[str, ...]) -> str:
    value = str(content.metadata.get("video", "")).strip()
    if not value:
        return ""
    poster = _media(content, "poster")
    embed = media.video_embed(value)
    if embed:
        return media.embed_link(embed, language, poster[0] if poster else None, str(content.title))
    video = _media(content, "video")
    if video is None:
        return ""
    captions = _media(content, "captions")
    return media.video_player(
        video[0],
        language,
        poster[0] if poster else None,
        captions[0] if captions else None,
        content.metadata.get("captions_lang"),
    )


def write_podcast(generator, writer=None) -> None:  # noqa: ARG001 - signal signature
    episodes = [article for article in generator.articles if _episode(article)]
    if not episodes:
        return
    settings = generator.settings
    feed = _podcast_feed(settings)
    feed.lastBuildDate(max(article.date for article in episodes))  # not the build time: reproducible
    for article in sorted(episodes, key=lambda a: a.date, reverse=True):
        _add_episode(feed, article, settings)
    document = feed.rss_str(pretty=True)
    href = (settings.get("JINJA_GLOBALS") or {}).get("FEED_STYLESHEET")
    output.write_file(
        Path(settings["OUTPUT_PATH"]), "podcast.xml", feedstyle.styled(document, href) if href else document
    )


def _podcast_feed(settings) -> FeedGenerator:
    podcast = site_context(settings).podcast
    site_url = settings["SITEURL"]
    title = podcast.get("title") or settings["SITENAME"]
    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.title(title)
    feed.description(podcast.get("description") or settings.get("SITESUBTITLE") or title)
    feed.link(href=f"{site_url}/podcast.xml", rel="self")
    feed.link(href=f"{site_url}/", rel="alternate")
    feed.language(settings.get("DEFAULT_LANG", "fr"))
    feed.generator("citoyens")
    author = settings.get("AUTHOR") or settings["SITENAME"]
    feed.podcast.itunes_author(author)
    if podcast.get("email"):  # feedgen refuses an owner without e-mail: then no owner (check says so)
        feed.podcast.itunes_owner(name=author, email=podcast["email"])
    feed.podcast.itunes_explicit("yes" if podcast.get("explicit") else "no")
    category = {"cat": podcast.get("category") or "Society & Culture"}
    if podcast.get("subcategory"):
        category["sub"] = podcast["subcategory"]
    feed.podcast.itunes_category(category)
    image = podcast.get("image") or settings.get("SITE_LOGO_PATH")
    if image and image.lower().endswith(PODCAST_IMAGES):  # directories take JPEG and PNG only
        url = f"{site_url}/{image}"
        feed.podcast.itunes_image(url)
        feed.image(url=url, title=title, link=f"{site_url}/")
    return feed


def _add_episode(feed: FeedGenerator, article, settings) -> None:
    enclosure = article.citoyens_enclosure
    url = f"{settings['SITEURL']}/{article.url}"
    entry = feed.add_entry(order="append")
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(str(article.title.unescape() if hasattr(article.title, "unescape") else article.title))
    entry.link(href=url)
    entry.published(article.date)
    entry.description(article.get_summary(settings["SITEURL"]))
    entry.enclosure(enclosure["url"], str(enclosure["length"]), enclosure["type"])
    if enclosure["duration"]:
        entry.podcast.itunes_duration(enclosure["duration"])
    entry.podcast.itunes_explicit("yes" if enclosure["explicit"] else "no")


def register() -> None:
    signals.all_generators_finalized.connect(add_players)
    signals.article_writer_finalized.connect(write_podcast)
    signals.article_writer_finalized.connect(write_transcripts)
    signals.page_writer_finalized.connect(write_transcripts)
