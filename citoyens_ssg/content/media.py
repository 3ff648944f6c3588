"""Sound and video in articles: players, privacy-friendly embeds, podcast enclosures.

Nothing here loads anything from a video host: an embed is a still and a link,
so the reader's browser contacts YouTube, Vimeo or a PeerTube instance only
when the reader clicks.  Markup is rendered in the site's language.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import mutagen

from citoyens_ssg.i18n import N_, in_language

logger = logging.getLogger(__name__)

MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
    ".vtt": "text/vtt",
}
DURATION = re.compile(r"^(?:\d{1,2}:)?\d{1,2}:\d{2}$")
# The words of the players, in the package's catalogue (ids in English, as every message).
LABELS = {
    "download_audio": N_("Download the recording"),
    "transcript": N_("Read the transcript"),
    "download_video": N_("Download the video"),
    "watch_on": N_("Watch the video on {host}"),
    "watch_titled": N_("Watch the video on {host}: {title}"),
    "external": N_("The video opens on {host}, an outside site: nothing is loaded from it before you click."),
    "captions": N_("Captions"),
    "listen": N_("Listen: {title}"),
    "transcript_of": N_("Transcript: {title}"),
    "back_to_episode": N_("Back to the episode"),
}
# A page's language, or its fallback chain (the page's, the site's, the network's): see i18n.
Languages = str | tuple[str, ...]


def labels(languages: Languages) -> dict[str, str]:
    return {key: in_language(languages, message) for key, message in LABELS.items()}


def _own(languages: Languages) -> str:
    """The page's own language, first of its chain (a track's srclang)."""
    return languages if isinstance(languages, str) else languages[0]


def mime_type(name: str) -> str:
    suffix = Path(urlsplit(name).path).suffix.lower()
    return MIME_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class Embed:
    """A video on a host of its own, shown as a link until the reader chooses to go."""

    provider: str
    page_url: str
    host: str


def video_embed(url: str) -> Embed | None:
    """YouTube, Vimeo or PeerTube page for ``url``, or None when it is none of them."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.").removeprefix("m.")
    path = parts.path.rstrip("/")
    if host in ("youtube.com", "youtube-nocookie.com", "youtu.be"):
        video = parse_qs(parts.query).get("v", [""])[0] if path == "/watch" else path.rsplit("/", 1)[-1]
        if re.fullmatch(r"[\w-]{6,20}", video or ""):
            return Embed("YouTube", f"https://www.youtube.com/watch?v={video}", "youtube.com")
        return None
    if host == "vimeo.com" and re.fullmatch(r"/\d+", path):
        return Embed("Vimeo", f"https://vimeo.com{path}", "vimeo.com")
    if re.fullmatch(r"/(w|videos/watch|videos/embed)/[\w-]+", path):
        return Embed("PeerTube", f"{parts.scheme}://{parts.netloc}{path}", parts.hostname)
    return None


def duration_seconds(duration: str) -> int | None:
    """Seconds of a declared ``Duration:`` (``58:30``, ``1:02:03``), or None."""
    if not DURATION.match(duration or ""):
        return None
    numbers = [int(n) for n in duration.split(":")]
    return numbers[-1] + 60 * numbers[-2] + (3600 * numbers[-3] if len(numbers) == 3 else 0)


def file_seconds(path: Path) -> int | None:
    """The length of a sound file as its own headers say (MP3, Ogg, Opus, FLAC, WAV, M4A), or None.

    Read from the file because a declared ``Duration:`` can be wrong or rounded; the file is
    the association's data, so anything mutagen cannot read is only "unknown"."""
    try:
        info = mutagen.File(path)
    except Exception as error:  # noqa: BLE001 - a damaged or odd file: the length is unknown, nothing more
        logger.debug("%s: no duration read: %s", path, error)
        return None
    length = getattr(getattr(info, "info", None), "length", None)
    return round(length) if length and length > 0 else None


def spoken_duration(seconds: int) -> str:
    """``2 s``, ``1 min 30 s``, ``1 h 2 min``: what a listener reads, never rounded up to a minute."""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [
        f"{hours}\u00a0h" if hours else "",
        f"{minutes}\u00a0min" if minutes else "",
        f"{seconds}\u00a0s" if seconds or not (hours or minutes) else "",
    ]
    return " ".join(part for part in parts if part)


def clock_duration(seconds: int) -> str:
    """``1:02:03`` or ``0:02``, as podcast apps read ``itunes:duration``."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def audio_player(
    url: str, language: Languages, title: str, transcript: str | None = None, seconds: int | None = None
) -> str:
    """The player named after its episode (a screen reader says what it plays), the download
    link with the length, the transcript's page.  Marked for the search index to skip: an
    excerpt reads the article, not the player's words."""
    words = labels(language)
    extra = f" ({spoken_duration(seconds)})" if seconds else ""
    links = [f'<a href="{escape(url)}" download>{words["download_audio"]}</a>{extra}']
    if transcript:
        links.append(f'<a href="{escape(transcript)}">{words["transcript"]}</a>')
    name = escape(words["listen"].format(title=title))
    return (
        f'<figure class="media audio" data-pagefind-ignore="all">'
        f'<audio controls preload="none" src="{escape(url)}" aria-label="{name}"></audio>'
        f"<figcaption>{' · '.join(links)}</figcaption></figure>"
    )


def transcript_html(text: str) -> str:
    """A plain-text transcript as paragraphs: a blank line parts them, a line break stays one."""
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())]
    return "\n".join(
        "<p>" + "<br>\n".join(escape(line.strip()) for line in block.splitlines()) + "</p>"
        for block in blocks
        if block.strip()
    )


def video_player(
    url: str,
    language: Languages,
    poster: str | None = None,
    captions: str | None = None,
    captions_language: str | None = None,
) -> str:
    words = labels(language)
    poster_attribute = f' poster="{escape(poster)}"' if poster else ""
    track = ""
    if captions:
        lang = escape(captions_language or _own(language))
        label = words["captions"]
        track = f'<track kind="captions" src="{escape(captions)}" srclang="{lang}" label="{label}" default>'
    return (
        f'<figure class="media video" data-pagefind-ignore="all">'
        f'<video controls preload="none"{poster_attribute}>'
        f'<source src="{escape(url)}" type="{mime_type(url)}">{track}</video>'
        f'<figcaption><a href="{escape(url)}" download>{words["download_video"]}</a></figcaption></figure>'
    )


def embed_link(embed: Embed, language: Languages, poster: str | None = None, title: str = "") -> str:
    words = labels(language)
    still = (
        f'<img src="{escape(poster)}" alt="" loading="lazy">'
        if poster
        else '<span class="video-still" aria-hidden="true">▶</span>'
    )
    host = escape(embed.provider)
    label = (
        words["watch_titled"].format(host=host, title=escape(title))
        if title
        else words["watch_on"].format(host=host)
    )
    return (
        f'<figure class="media video-embed" data-pagefind-ignore="all">'
        f'<a class="video-link" href="{escape(embed.page_url)}" rel="noopener">'
        f'{still}<span class="video-cta">{label}</span></a>'
        f"<figcaption>{words['external'].format(host=escape(embed.host))}</figcaption></figure>"
    )


# A paragraph holding only a video address, as Markdown leaves it (bare or as <link>).
LONE_URL = re.compile(
    r'<p>\s*(?:<a href="(?P<linked>https?://[^"]+)"[^>]*>[^<]*</a>|(?P<bare>https?://[^\s<]+))\s*</p>'
)


def embed_lone_video_links(html: str, language: Languages) -> str:
    def replace(match: re.Match) -> str:
        url = match.group("linked") or match.group("bare")
        embed = video_embed(url.replace("&amp;", "&"))
        return embed_link(embed, language) if embed else match.group(0)

    return LONE_URL.sub(replace, html)
