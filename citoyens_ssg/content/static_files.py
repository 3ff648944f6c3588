"""Which files of a site's folder may be published as they are: an allowlist of types.

A file is published only when its extension is on the list AND its first bytes
say it is that kind of file.  Nothing a browser would run on the network's
address is ever on the list (scripts, HTML, XHTML, SVG, XML, JSON, WebAssembly):
a same-origin script would satisfy the ``script-src 'self'`` of the CSP.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Collection
from pathlib import Path

from citoyens_ssg.content.images import EXTENSIONS as IMAGE_EXTENSIONS
from citoyens_ssg.content.paths import name_refused, plain_names
from citoyens_ssg.i18n import _

FOLDERS = ("images", "fichiers", "audio", "video")  # of content/, published as they are (and files linked)
HEAD_BYTES = 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .doc / .xls container
OPEN_DOCUMENT = "application/vnd.oasis.opendocument."
OFFICE_FOLDERS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
TEXT_LIMIT = 5_000_000  # a transcript or captions file; more is read no further


def _iso_media(head: bytes, _path: Path) -> bool:
    return head[4:8] == b"ftyp"  # MP4 family: mp4, m4a, avif


def _avif(head: bytes, _path: Path) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis", b"mif1")


def _riff(kind: bytes) -> Callable[[bytes, Path], bool]:
    return lambda head, _path: head[:4] == b"RIFF" and head[8:12] == kind


def _starts(*magics: bytes) -> Callable[[bytes, Path], bool]:
    return lambda head, _path: head.startswith(magics)


def _mp3(head: bytes, _path: Path) -> bool:
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def _text(path: Path) -> str | None:
    raw = path.read_bytes()[:TEXT_LIMIT]
    if b"\0" in raw:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _plain_text(_head: bytes, path: Path) -> bool:
    return _text(path) is not None


def _webvtt(_head: bytes, path: Path) -> bool:
    text = _text(path)
    return text is not None and text.startswith("WEBVTT")


def _subrip(_head: bytes, path: Path) -> bool:
    text = _text(path)
    return text is not None and text.lstrip().split("\n", 1)[0].strip().isdigit()


def _open_document(head: bytes, path: Path) -> bool:
    """An OpenDocument file starts with its uncompressed ``mimetype`` entry (ODF 1.2, 3.3)."""
    return (
        head.startswith(b"PK\x03\x04")
        and head[30:38] == b"mimetype"
        and (OPEN_DOCUMENT + _OPEN_DOCUMENT_KINDS[path.suffix.lower()]).encode() in path.read_bytes()[:200]
    )


_OPEN_DOCUMENT_KINDS = {".odt": "text", ".ods": "spreadsheet", ".odp": "presentation"}


def _office_open_xml(head: bytes, path: Path) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    folder = OFFICE_FOLDERS[path.suffix.lower()]
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


IMAGE_SNIFFERS: dict[str, Callable[[bytes, Path], bool]] = {
    ".jpg": _starts(b"\xff\xd8\xff"),
    ".jpeg": _starts(b"\xff\xd8\xff"),
    ".png": _starts(b"\x89PNG\r\n\x1a\n"),
    ".gif": _starts(b"GIF87a", b"GIF89a"),
    ".webp": _riff(b"WEBP"),
    ".avif": _avif,
}
# A content folder's images are not sniffed here: citoyens_images decodes each one with
# Pillow and publishes it re-encoded, or refuses it naming it (SVG, HEIC, damaged, huge).
SNIFFERS: dict[str, Callable[[bytes, Path], bool]] = {
    # audio
    ".mp3": _mp3,
    ".ogg": _starts(b"OggS"),
    ".oga": _starts(b"OggS"),
    ".opus": _starts(b"OggS"),
    ".m4a": _iso_media,
    ".flac": _starts(b"fLaC"),
    ".wav": _riff(b"WAVE"),
    # video and captions
    ".mp4": _iso_media,
    ".webm": _starts(b"\x1a\x45\xdf\xa3"),
    ".ogv": _starts(b"OggS"),
    ".vtt": _webvtt,
    ".srt": _subrip,
    # documents
    ".pdf": _starts(b"%PDF-"),
    ".txt": _plain_text,
    ".odt": _open_document,
    ".ods": _open_document,
    ".odp": _open_document,
    ".docx": _office_open_xml,
    ".xlsx": _office_open_xml,
    ".pptx": _office_open_xml,
    ".doc": _starts(OLE),
    ".xls": _starts(OLE),
}


def _stylesheet(_head: bytes, path: Path) -> bool:
    return _text(path) is not None


# A site's own theme/static/ may also restyle its pages.  CSS runs no script; the
# CSP decides what its url() may load (img-src 'self' data: https:, font-src 'self'),
# and it applies only to the pages of the site that ships it.  Fonts are the site's own.
THEME_SNIFFERS: dict[str, Callable[[bytes, Path], bool]] = {
    **IMAGE_SNIFFERS,
    ".css": _stylesheet,
    ".woff2": _starts(b"wOF2"),
    ".woff": _starts(b"wOFF"),
}


def refusal(path: Path) -> str | None:
    """Why ``path``, a file of a site's content/ folder, may not be published, or None when it may."""
    if path.suffix.lower() in IMAGE_EXTENSIONS:
        return None  # judged by citoyens_images
    return _sniffed(path, SNIFFERS)


def _sniffed(path: Path, sniffers: dict[str, Callable[[bytes, Path], bool]]) -> str | None:
    sniff = sniffers.get(path.suffix.lower())
    if sniff is None:
        return _(
            "files of type '{extension}' are not published; convert it to PDF, JPEG or plain text",
            extension=path.suffix.lower() or path.name,
        )
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    if not sniff(head, path):
        return _(
            "the content of this file is not what its extension '{extension}' says; "
            "export it again from the program that made it",
            extension=path.suffix.lower(),
        )
    return None


def theme_refusals(folder: Path) -> list[tuple[Path, str]]:
    """The files of a site's own ``theme/static/`` that may not be published, and why:
    the folder is then left out whole (the network's theme stays as it is)."""
    if not folder.is_dir():
        return []
    files = (path for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink())
    found = [(path, _theme_refusal(path)) for path in files]
    return [
        (path, _("{reason}; the site's theme/static/ folder is left out", reason=reason))
        for path, reason in found
        if reason
    ]


def _theme_refusal(path: Path) -> str | None:
    if path.suffix.lower() not in THEME_SNIFFERS:
        return _(
            "a site's theme files may only be stylesheets, images or fonts ({types})",
            types=", ".join(sorted(THEME_SNIFFERS)),
        )
    return _sniffed(path, THEME_SNIFFERS)


def content_refusals(content: Path, sources: Collection[str]) -> list[tuple[Path, str]]:
    """The files of a site's published folders (images/, fichiers/…) the build would refuse;
    ``sources`` are the extensions of the texts it reads (not copied, so not checked here)."""
    files = (path for folder in FOLDERS for path in sorted((content / folder).rglob("*")))
    found = [
        (path, refusal(path) if plain_names(path, content) else name_refused())
        for path in files
        if path.suffix.lower() not in sources and path.is_file() and not path.is_symlink()
    ]
    return [(path, reason) for path, reason in found if reason]
