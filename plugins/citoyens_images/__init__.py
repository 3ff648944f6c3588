"""Pelican plugin: every image a site publishes is upright, clean and responsive.

- In each article and page, an ``<img>`` pointing at one of the site's images
  becomes a ``<picture>`` with WebP and original-format ``srcset``, ``sizes``,
  ``width`` and ``height`` (no layout shift) and ``loading="lazy"`` after the
  first image; an image without alt text is reported.  The first image is the
  content's thumbnail (article lists, social cards).
- Once Pelican has copied the static files, every image it copied is replaced
  by its clean version (no EXIF, GPS, XMP, IPTC, comment) and its variants are
  written beside it.  A file that is not a publishable image is removed from
  the output and reported, naming it.

Hooks ``all_generators_finalized`` (the ``<img>`` of each article and page rewritten, reading
the site's images) and ``finalized`` (the copied images replaced by their clean versions, their
variants written into the site's output).  It reads the site context (its image cache, required,
and the widths) and keeps processed images in that cache.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from html import escape
from pathlib import Path

from pelican import signals

from citoyens_ssg.content import images
from citoyens_ssg.content.paths import content_file, pelican_contents, resolved, without_placeholder
from citoyens_ssg.i18n import _
from citoyens_ssg.site.context import site_context

logger = logging.getLogger(__name__)
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([a-zA-Z][\w:-]*)\s*=\s*"([^"]*)"')
SIZES = "(max-width: 48rem) 100vw, 46rem"


class ImageSettingError(ValueError):
    pass


def _settings(settings) -> tuple[Path, tuple[int, ...]]:
    site = site_context(settings)
    if site.image_cache is None:
        raise ImageSettingError("citoyens_images needs the site context's image_cache")
    return site.image_cache, site.image_widths


def _source_of(src: str, content) -> Path | None:
    """The content file an ``src`` names ({static}/images/x.jpg, images/x.jpg, /images/x.jpg)."""
    site_url = content.settings.get("SITEURL", "")
    path = without_placeholder(src)
    if site_url and path.startswith(site_url + "/"):
        path = "/" + path[len(site_url) + 1 :]
    candidate = content_file(path, Path(content.source_path), Path(content.settings["PATH"]))
    if candidate is not None and candidate.is_file() and candidate.suffix.lower() in images.EXTENSIONS:
        return candidate
    return None


def _url(content, source: Path, name: str) -> str:
    relative = source.parent.relative_to(resolved(content.settings["PATH"]))
    prefix = f"{content.settings.get('SITEURL', '')}/"
    return prefix + (f"{relative.as_posix()}/" if str(relative) != "." else "") + name


def _picture(tag: str, content, processed: images.ProcessedImage, source: Path, lazy: bool) -> str:
    attributes = dict(ATTRIBUTE.findall(tag))
    fallback_mime = processed.original.mime
    largest = processed.largest(fallback_mime)

    def srcset(mime: str) -> str:
        return ", ".join(f"{_url(content, source, v.name)} {v.width}w" for v in processed.srcset(mime))

    img = {
        key: value
        for key, value in attributes.items()
        if key not in ("src", "srcset", "sizes", "width", "height", "loading")
    }
    img.update(
        src=_url(content, source, largest.name),
        srcset=srcset(fallback_mime),
        sizes=SIZES,
        width=str(largest.width),
        height=str(largest.height),
        decoding="async",
    )
    if lazy:
        img["loading"] = "lazy"
    rendered = " ".join(f'{key}="{escape(value, quote=True)}"' for key, value in img.items())
    webp = (
        f'<source type="image/webp" srcset="{srcset("image/webp")}" sizes="{SIZES}">'
        if fallback_mime != "image/webp"
        else ""
    )
    return f"<picture>{webp}<img {rendered}></picture>"


def _card(content, source: Path, processed: images.ProcessedImage, alt: str) -> dict:
    """The content's first image, for article lists (thumbnail) and social cards (large)."""
    large = processed.largest(processed.original.mime)
    small = min(processed.srcset(processed.original.mime), key=lambda v: v.width)
    return {
        "url": _url(content, source, large.name),
        "width": large.width,
        "height": large.height,
        "thumbnail": _url(content, source, small.name),
        "thumbnail_width": small.width,
        "thumbnail_height": small.height,
        "alt": alt,
    }


def _processed(source: Path, cache: Path, widths: tuple[int, ...]) -> images.ProcessedImage:
    """``images.process``, once per image and build: a photo shown by many articles is read once."""
    stat = source.stat()
    key = (source, stat.st_size, stat.st_mtime_ns, cache, widths)
    if key not in _PROCESSED:
        _PROCESSED[key] = images.process(source, cache, widths)
    return _PROCESSED[key]


_PROCESSED: dict[tuple, images.ProcessedImage] = {}


def rewrite_images(generators) -> None:
    for content in pelican_contents(generators):
        _rewrite(content)


def _rewrite(content) -> None:
    cache, widths = _settings(content.settings)
    html = getattr(content, "_content", None)
    if not html or "<img" not in html:
        return
    seen = 0

    def replace(match: re.Match) -> str:
        nonlocal seen
        tag = match.group(0)
        attributes = dict(ATTRIBUTE.findall(tag))
        if not attributes.get("alt", "").strip():
            logger.warning(
                "%s: %s",
                content.source_path,
                _(
                    "image {src} has no alt text: describe it for people who cannot see it",
                    src=attributes.get("src", "?"),
                ),
            )
        source = _source_of(attributes.get("src", ""), content)
        if source is None:
            return tag
        try:
            processed = _processed(source, cache, widths)
        except images.ImageRejected:
            return tag  # reported once, with the image's own name, when the output is cleaned
        seen += 1
        if seen == 1:
            content.citoyens_image = _card(content, source, processed, attributes.get("alt", ""))
        return _picture(tag, content, processed, source, lazy=seen > 1)

    content._content = IMG_TAG.sub(replace, html)


def publish_images(pelican) -> None:
    """Replace each copied image by its clean version and add its variants."""
    settings = pelican.settings
    cache, widths = _settings(settings)
    content_root = Path(settings["PATH"])
    output = Path(settings["OUTPUT_PATH"])
    theme_dir = output / settings.get("THEME_STATIC_DIR", "theme")
    for published in sorted(output.rglob("*")):
        if (
            published.suffix.lower() not in images.EXTENSIONS
            or not published.is_file()
            or published.is_relative_to(theme_dir)
        ):
            continue
        source = content_root / published.relative_to(output)
        if not source.is_file():
            continue  # not one of the site's images (a generated variant)
        try:
            processed = _processed(source, cache, widths)
        except images.ImageRejected as error:
            published.unlink()
            logger.error("%s: %s", str(source), error)
            continue
        for name, cached in images.files(processed, cache):
            target = published.with_name(name)
            target.unlink(missing_ok=True)  # may be a hard link to the previous build's file
            shutil.copyfile(cached, target)
            os.chmod(target, 0o644)


def register() -> None:
    signals.all_generators_finalized.connect(rewrite_images)
    signals.finalized.connect(publish_images)
