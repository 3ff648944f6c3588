"""Publishing photos safely and lightly: upright, without metadata, in a few sizes.

Phones rotate photos with an EXIF flag and record where they were taken.
Every published image is decoded, turned upright, and saved again with no
EXIF, XMP, IPTC or comment, at its own size and at a few narrower widths, in
its own format and in WebP.  The work is done once: results are cached under a
key made of the file's bytes and the settings, so a rebuild that changes no
image decodes none.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from citoyens_ssg.i18n import _

FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg", ".heic", ".heif", ".tif", ".tiff", ".bmp"}
)
DEFAULT_WIDTHS = (480, 960, 1600)
MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo passes; a decompression bomb does not
CACHE_VERSION = 4  # 3: baseline JPEG; 4: a palette's see-through colour kept
# What an image's metadata keeps (allowlist): which palette colour is see-through (a logo exported
# as an indexed PNG), nothing about a person or a place.
KEPT_INFO = ("transparency",)


class ImageRejected(Exception):
    """The file cannot be published as an image; the message says what to do."""


@dataclass(frozen=True)
class Variant:
    name: str  # file name beside the original: photo-960w.webp
    width: int
    height: int
    mime: str


@dataclass(frozen=True)
class ProcessedImage:
    """An image ready to publish: its clean original and its narrower variants."""

    key: str
    original: Variant  # same name as the source, metadata removed, upright
    variants: tuple[Variant, ...]  # every width, in the original format and in WebP, narrowest first

    def largest(self, mime: str | None = None) -> Variant:
        candidates = [v for v in self.variants if mime is None or v.mime == mime]
        return max(candidates, key=lambda v: v.width) if candidates else self.original

    def srcset(self, mime: str) -> list[Variant]:
        return [v for v in self.variants if v.mime == mime]


def process(
    source: Path, cache: Path, widths: tuple[int, ...] = DEFAULT_WIDTHS, max_pixels: int = MAX_PIXELS
) -> ProcessedImage:
    """The processed image for ``source``, from the cache when its bytes were seen before."""
    data = source.read_bytes()
    key = hashlib.sha256(data + repr((CACHE_VERSION, widths, max_pixels)).encode()).hexdigest()[:32]
    folder = cache / key
    described = folder / "image.json"
    if described.is_file():
        return _load(described, key)
    # Two sites may publish the same photo at the same time: each works in its
    # own folder, the first rename wins, the other result is dropped.
    scratch = cache / f"{key}.tmp-{os.getpid()}"
    processed = _make(key, source.name, data, scratch, widths, max_pixels)
    (scratch / "image.json").write_text(json.dumps(asdict(processed)), encoding="utf-8")
    try:
        scratch.replace(folder)
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
    return processed


def files(processed: ProcessedImage, cache: Path) -> list[tuple[str, Path]]:
    """(published name, cached file) for the original and every variant."""
    folder = cache / processed.key
    return [(v.name, folder / v.name) for v in (processed.original, *processed.variants)]


def _load(described: Path, key: str) -> ProcessedImage:
    data = json.loads(described.read_text(encoding="utf-8"))
    return ProcessedImage(key, Variant(**data["original"]), tuple(Variant(**v) for v in data["variants"]))


def _open(name: str, data: bytes, max_pixels: int) -> Image.Image:
    if not data:
        raise ImageRejected(_("empty file"))
    if Path(name).suffix.lower() in (".svg", ".svgz"):
        raise ImageRejected(_("SVG images are not published (they can carry scripts); convert it to PNG"))
    previous = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = max_pixels
        with warnings.catch_warnings():
            warnings.simplefilter(
                "error", Image.DecompressionBombWarning
            )  # Pillow only warns below twice its limit
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise ImageRejected(
                    _(
                        "{format} images are not published; convert it to JPEG or PNG",
                        format=image.format or "?",
                    )
                )
            image.load()
            return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(
            _("more than {limit} million pixels; reduce its size", limit=max_pixels // 1_000_000)
        ) from None
    except UnidentifiedImageError:
        raise ImageRejected(
            _("not an image Pillow can read (a renamed file, HEIC?); convert it to JPEG or PNG")
        ) from None
    except OSError as error:
        raise ImageRejected(_("damaged image ({reason}); export it again", reason=error)) from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _make(
    key: str, name: str, data: bytes, folder: Path, widths: tuple[int, ...], max_pixels: int
) -> ProcessedImage:
    image = _open(name, data, max_pixels)
    kind = image.format
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image, in_place=True) or image  # the decoded copy is ours: no second
    kept = {key: upright.info[key] for key in KEPT_INFO if key in upright.info}
    upright.info.clear()  # EXIF (GPS…), XMP, IPTC, comments: nothing that identifies a person or a place
    upright.info.update(kept)
    if kind == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    stem = Path(name).stem
    original = _save(upright, folder, name, kind, icc)
    widest = f"{stem}-{upright.width}w{FORMATS[kind]}"
    shutil.copyfile(
        folder / original.name, folder / widest
    )  # the clean original under its variant name: no second encoding
    variants = [Variant(widest, original.width, original.height, original.mime)]
    if kind != "WEBP":
        variants.append(_save(upright, folder, f"{stem}-{upright.width}w.webp", "WEBP", icc))
    # Widest first, each width resized from the previous one: a smaller source
    # is faster to filter, and a 2× Lanczos step loses nothing visible.
    resized = upright
    for width in sorted((w for w in widths if w < upright.width), reverse=True):
        resized = resized.resize((width, round(upright.height * width / upright.width)), Image.LANCZOS)
        variants.append(_save(resized, folder, f"{stem}-{width}w{FORMATS[kind]}", kind, icc))
        if kind != "WEBP":
            variants.append(_save(resized, folder, f"{stem}-{width}w.webp", "WEBP", icc))
    variants.sort(
        key=lambda v: (v.width, v.mime != original.mime)
    )  # narrowest first, the original format before WebP
    return ProcessedImage(key, original, tuple(variants))


def _save(image: Image.Image, folder: Path, name: str, kind: str, icc: bytes | None) -> Variant:
    options: dict = {"icc_profile": icc} if icc else {}
    if kind == "JPEG":
        # Baseline with optimised tables: a progressive JPEG took 2.5x the time for 3 % fewer bytes,
        # and browsers get the WebP variants; the JPEG ones are for social cards and old readers.
        options.update(quality=82, optimize=True)
    elif kind == "WEBP":
        options.update(quality=80, method=2)  # method 4 costs twice the time for a few percent of bytes
    elif kind == "PNG":
        options.update(optimize=True)
    image.save(folder / name, kind, **options)
    mime = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[kind]
    return Variant(name, image.width, image.height, mime)
