"""Where a content file points to, and every content object Pelican made.

Shared by the plugins that look at content (guard, images, media) and by
``citoyens check``: a reference such as ``{static}/images/photo.jpg``,
``images/photo.jpg`` or ``/audio/show.mp3`` names a file of the site's
content folder, relative to the referring file unless it starts with ``/``.
"""

from __future__ import annotations

import functools
import html
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from citoyens_ssg.i18n import _

PLACEHOLDERS = ("{static}", "{attach}", "{filename}")
CONTENT_LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "hidden_articles",
    "hidden_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
)


# What a file or folder name of a site may hold.  Pelican writes a linked file's name into
# ``href="…"`` after the sanitiser has run: a quote, an angle bracket or an ampersand there
# would add markup to the page (a <meta http-equiv="refresh"> to elsewhere, say).
NAME_PUNCTUATION = frozenset(" ._-()+,")


def plain_names(path: Path, root: Path) -> bool:
    """Every name from ``root`` down to ``path`` holds only letters, digits and NAME_PUNCTUATION."""
    return all(
        char.isalnum() or char in NAME_PUNCTUATION for part in path.relative_to(root).parts for char in part
    )


def name_refused() -> str:
    """The message for a file whose name (or folder's) is not plain, in the language of the moment."""
    return _("a file or folder name may hold letters, digits, spaces and . _ - ( ) + , only; rename it")


def pelican_contents(generators: Iterable) -> Iterator:
    """Every article and page the generators hold: published, hidden, drafts, translations."""
    for generator in generators:
        for attribute in CONTENT_LISTS:
            yield from getattr(generator, attribute, ())


@dataclass(frozen=True)
class Reference:
    """A ``{static}``, ``{attach}`` or ``{filename}`` address in a content's HTML."""

    kind: str  # static, attach or filename
    written: str  # as the volunteer wrote it: {attach}../rapport.pdf
    target: Path | None  # the file it names inside content/; None when it leads out of it
    start: int  # where the attribute starts in the HTML, and ends (after its closing quote)
    end: int
    kept: str  # the tag up to the attribute, without it: what stays when the link is removed


_ATTRIBUTE_NAME = re.compile(r"\s*[\w:-]+\s*=\s*$")


def references(content) -> list[Reference]:
    """The references in a Pelican content's HTML, found with Pelican's own pattern for them."""
    text = getattr(content, "_content", None) or ""
    if "{" not in text:
        return []
    root = Path(content.settings["PATH"])
    found = []
    for match in content._get_intrasite_link_regex().finditer(text):
        path = unquote(html.unescape(urlparse(match.group("value")).path))
        if match.group("what") not in ("static", "attach", "filename") or not path:
            continue
        target = content_file(path, Path(content.source_path), root)
        kept = _ATTRIBUTE_NAME.sub("", match.group("markup"))
        written = html.unescape(match.group("path"))
        found.append(Reference(match.group("what"), written, target, match.start(), match.end(), kept))
    return found


def without_references(text: str, removed: list[Reference]) -> str:
    """``text`` with the attributes holding ``removed`` taken out (the link's text stays)."""
    pieces, position = [], 0
    for reference in sorted(removed, key=lambda r: r.start):
        pieces += [text[position : reference.start], reference.kept]
        position = reference.end
    return "".join(pieces) + text[position:]


def without_placeholder(reference: str) -> str:
    reference = reference.strip()
    for prefix in PLACEHOLDERS:
        if reference.startswith(prefix):
            return reference[len(prefix) :]
    return reference


def content_file(reference: str, referring_file: Path, content_root: Path) -> Path | None:
    """The file ``reference`` names inside ``content_root`` (it may not exist), or None
    for another site's address or a path leaving the content folder."""
    path = without_placeholder(reference)
    if not path or "://" in path or path.startswith(("//", "data:", "mailto:", "#")):
        return None
    root = resolved(content_root)
    base = root if path.startswith("/") else real_path(referring_file).parent
    candidate = (base / path.lstrip("/")).resolve()
    return candidate if candidate.is_relative_to(root) else None


@functools.lru_cache(maxsize=4096)
def resolved(folder: str | Path) -> Path:
    """A folder (content, output and theirs) resolved once per build, not once per file."""
    return Path(folder).resolve()


def real_path(path: str | Path) -> Path:
    """``path.resolve()``, its folder resolved once per build: one ``lstat`` a file, not one a
    folder above it."""
    text = os.fspath(path)
    folder, name = os.path.split(text)
    # A relative path depends on the working folder; ``..`` is resolved with the folder it names.
    if os.path.islink(text) or not os.path.isabs(text) or name in ("", ".", ".."):
        return Path(text).resolve()
    return resolved(folder) / name
