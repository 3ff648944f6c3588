"""Where a content file points to, and every content object Pelican made.

Shared by the plugins that look at content (guard, images, media) and by
``citoyens check``: a reference such as ``{static}/images/photo.jpg``,
``images/photo.jpg`` or ``/audio/show.mp3`` names a file of the site's
content folder, relative to the referring file unless it starts with ``/``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path

PLACEHOLDERS = ("{static}", "{attach}", "{filename}")
CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                 "hidden_translations", "pages", "hidden_pages", "draft_pages")


def pelican_contents(generators: Iterable) -> Iterator:
    """Every article and page the generators hold: published, hidden, drafts, translations."""
    for generator in generators:
        for attribute in CONTENT_LISTS:
            yield from getattr(generator, attribute, ())


def without_placeholder(reference: str) -> str:
    reference = reference.strip()
    for prefix in PLACEHOLDERS:
        if reference.startswith(prefix):
            return reference[len(prefix):]
    return reference


def content_file(reference: str, referring_file: Path, content_root: Path) -> Path | None:
    """The file ``reference`` names inside ``content_root`` (it may not exist), or None
    for another site's address or a path leaving the content folder."""
    path = without_placeholder(reference)
    if not path or "://" in path or path.startswith(("//", "data:", "mailto:", "#")):
        return None
    root = content_root.resolve()
    base = root if path.startswith("/") else referring_file.resolve().parent
    candidate = (base / path.lstrip("/")).resolve()
    return candidate if candidate.is_relative_to(root) else None


@functools.lru_cache(maxsize=16)
def resolved(folder: str | Path) -> Path:
    """A site's folder (content, output) resolved once per build, not once per file."""
    return Path(folder).resolve()
