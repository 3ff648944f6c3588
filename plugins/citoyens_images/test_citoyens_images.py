"""citoyens_images on its test_data/: a photo published clean with its variants, the article's
``<img>`` become ``<picture>`` with ``srcset``, an image without alt text and a file that is not
an image reported."""

from __future__ import annotations

import io
import re

from PIL import Image

GPS_IFD = 0x8825


def test_an_image_becomes_a_clean_responsive_picture(plugin_network):
    report = plugin_network.build()
    said = [str(problem) for result in report.sites for problem in result.problems + result.warnings]
    assert (
        "sites/quartier/content/images/faux.png: not an image Pillow can read (a renamed file, HEIC?); "
        "convert it to JPEG or PNG"
    ) in said
    assert (
        "sites/quartier/content/marche.md: image {static}/images/marche.jpg has no alt text: "
        "describe it for people who cannot see it"
    ) in said
    images = plugin_network.output / "quartier/images"
    assert sorted(path.name for path in images.iterdir()) == [
        "marche-320w.jpg",
        "marche-320w.webp",
        "marche-640w.jpg",
        "marche-640w.webp",
        "marche.jpg",
    ]
    for path in images.iterdir():
        data = path.read_bytes()
        assert b"Camille" not in data and not Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    first, second = re.findall(r"<picture>.*?</picture>", plugin_network.read("quartier/marche.html"))
    srcset = "/quartier/images/marche-320w.webp 320w, /quartier/images/marche-640w.webp 640w"
    assert f'<source type="image/webp" srcset="{srcset}"' in first
    assert 'srcset="/quartier/images/marche-320w.jpg 320w, /quartier/images/marche-640w.jpg 640w"' in first
    assert 'alt="Les étals du marché"' in first and 'width="640" height="400"' in first
    assert 'loading="lazy"' not in first and 'loading="lazy"' in second
    listing = plugin_network.read("quartier/index.html")
    assert 'class="thumbnail" src="/quartier/images/marche-320w.jpg"' in listing
