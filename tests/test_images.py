"""Phone photos published upright, without location, in several sizes; bad files named."""

from __future__ import annotations

import io
import re

from PIL import Image

from citoyens_ssg.cli import main

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def phone_photo(path, size=(1200, 800), orientation=6) -> None:
    """A photo as a phone writes it: stored sideways with an orientation flag, GPS, XMP, a comment."""
    image = Image.new("RGB", size, "white")
    image.paste((200, 0, 0), (0, 0, size[0] // 2, size[1] // 4))  # a red band, top-left as stored
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (48.0, 23.0, 2.5), 3: "W", 4: (4.0, 29.0, 10.0)}
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(
        path,
        "JPEG",
        exif=exif.tobytes(),
        xmp=b"<x:xmpmeta>chez moi</x:xmpmeta>",
        comment=b"Camille, 12 rue du Port",
    )


def assert_clean(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert not image.getexif().get_ifd(GPS_IFD)
    assert ORIENTATION not in image.getexif()
    assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & set(image.info)
    assert b"chez moi" not in data and b"Camille" not in data
    return image


def build(network, capsys) -> tuple[int, str]:
    code = main(["build", "-C", str(network.root), "-j", "2"])
    return code, capsys.readouterr().err


def test_phone_photos_are_upright_clean_and_responsive(network, capsys):
    network.site("a", "name: A\n")
    content = network.root / "sites/a/content"
    phone_photo(content / "images/marche.jpg")
    phone_photo(content / "images/second.jpg", size=(600, 400), orientation=1)
    network.article(
        "a",
        "le-marche",
        "Le marché",
        "2026-01-01",
        body="![Le marché du samedi]({static}/images/marche.jpg)\n\nTexte.\n\n![Un "
        "stand]({static}/images/second.jpg)",
    )
    code, err = build(network, capsys)
    assert code == 0, err
    folder = network.output / "a/images"
    original = assert_clean((folder / "marche.jpg").read_bytes())
    assert original.size == (800, 1200)  # turned upright
    red = original.getpixel((original.width - 10, 10))
    assert red[0] > 150 and red[1] < 80  # the band stored top-left is now top-right: rotated 90° clockwise
    for name in ("marche-480w.jpg", "marche-480w.webp", "marche-800w.jpg", "marche-800w.webp"):
        variant = assert_clean((folder / name).read_bytes())
        assert variant.width == int(name.split("-")[1].split("w")[0])
    page = network.read("a/le-marche.html")
    pictures = re.findall(r"<picture>.*?</picture>", page)
    assert len(pictures) == 2
    first, second = pictures
    assert (
        '<source type="image/webp" srcset="/a/images/marche-480w.webp 480w, /a/images/marche-800w.webp 800w"'
        in first
    )
    assert 'src="/a/images/marche-800w.jpg"' in first
    assert 'width="800" height="1200"' in first and 'alt="Le marché du samedi"' in first
    assert 'loading="lazy"' not in first and 'loading="lazy"' in second
    listing = network.read("a/index.html")
    assert 'class="thumbnail" src="/a/images/marche-480w.jpg"' in listing


def test_a_rebuild_with_no_image_change_does_no_image_work(network, capsys, monkeypatch):
    network.site("a", "name: A\n")
    phone_photo(network.root / "sites/a/content/images/photo.jpg")
    network.article("a", "photo", "Photo", "2026-01-01", body="![Une photo]({static}/images/photo.jpg)")
    assert build(network, capsys)[0] == 0
    published = (network.output / "a/images/photo-480w.webp").read_bytes()

    def no_decoding(*args, **kwargs):
        raise AssertionError("an image was decoded again")

    monkeypatch.setattr(Image, "open", no_decoding)  # inherited by the forked workers
    network.article("a", "autre-article", "Autre article", "2026-01-02")
    code, err = build(network, capsys)
    assert code == 0, err
    assert (network.output / "a/images/photo-480w.webp").read_bytes() == published
    phone_photo(
        network.root / "sites/a/content/images/photo.jpg", orientation=3
    )  # a changed photo is decoded again:
    assert build(network, capsys)[0] == 1  # the patched Image.open does reach the site workers


def test_bad_images_are_named_and_the_rest_is_published(network, capsys):
    network.site("a", "name: A\n")
    images = network.root / "sites/a/content/images"
    phone_photo(images / "bonne.jpg", orientation=1)
    whole = io.BytesIO()
    Image.new("RGB", (400, 300), "blue").save(whole, "JPEG")
    (images / "tronquee.jpg").write_bytes(whole.getvalue()[:300])
    (images / "page.jpg").write_text("<html><body>Not found</body></html>")
    (images / "vide.png").write_bytes(b"")
    (images / "dessin.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")
    (images / "bombe.png").write_bytes(bomb.getvalue())
    (images / "image.bmp").write_bytes(_bmp())
    network.article(
        "a",
        "p",
        "Photos",
        "2026-01-01",
        body="![Bonne]({static}/images/bonne.jpg) ![]({static}/images/tronquee.jpg)",
    )
    code, err = build(network, capsys)
    assert code == 1
    for name, reason in (
        ("tronquee.jpg", "damaged image"),
        ("page.jpg", "not an image Pillow can read"),
        ("vide.png", "empty file"),
        ("dessin.svg", "SVG images are not published"),
        ("bombe.png", "more than 50 million pixels"),
        ("image.bmp", "BMP images are not published; convert it to JPEG or PNG"),
    ):
        assert f"ERROR sites/a/content/images/{name}: {reason}" in err, (name, err)
        assert not (network.output / "a/images" / name).exists()
    assert (
        "WARNING sites/a/content/p.md: image https://reseau.example.org/a/images/tronquee.jpg has no alt text"
        in err
        or "WARNING sites/a/content/p.md: image {static}/images/tronquee.jpg has no alt text" in err
    ), err
    assert (network.output / "a/images/bonne-480w.webp").is_file()
    assert (network.output / "a/p.html").is_file()  # the address comes from the file name


def _bmp() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (10, 10)).save(data, "BMP")
    return data.getvalue()


def test_a_logo_with_a_see_through_palette_stays_see_through(network, capsys):
    """A PNG exported with a palette (pngquant, TinyPNG, GIMP's "indexed"): its see-through colour
    is in the palette's transparency, not an alpha channel; every published variant keeps it, so the
    logo is not shown on a white square."""
    network.site("a", "name: A\n")
    logo = Image.new("P", (1200, 600), 0)
    logo.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    logo.paste(1, (300, 150, 900, 450))  # a red block in the middle, the rest see-through
    path = network.root / "sites/a/content/images/logo.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    logo.save(path, "PNG", transparency=0)
    network.article("a", "logo", "Notre logo", "2026-01-01", body="![Le logo]({static}/images/logo.png)")
    code, err = build(network, capsys)
    assert code == 0, err
    names = sorted(path.name for path in (network.output / "a/images").glob("logo*"))
    widths = ("1200", "480", "960")
    assert names == [f"logo-{width}w{kind}" for width in widths for kind in (".png", ".webp")] + ["logo.png"]
    for name in names:
        published = Image.open(network.output / "a/images" / name).convert("RGBA")
        assert published.getpixel((0, 0))[3] == 0, name  # the corner: see-through
        assert published.getpixel((published.width // 2, published.height // 2)) == (200, 0, 0, 255), name
