"""Screenshots of every template type of the built example network, in headless Chromium.

``make screenshots`` builds the example network, serves ``output/`` on 127.0.0.1 as a host would
(tests/browser.py) and writes docs/screenshots/<page>-<width>-<mode>.png: each page at 390 and
1280 px wide, light (clair) and dark (sombre), the whole page's height.
``run.py <folder> [page…]`` writes them elsewhere (docs/screenshots/avant/ holds the old theme's),
only the pages named if some are.
"""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from browser import chromium, static_host  # noqa: E402  (the tests' driver, no second copy)

# One page of each template type, by its path in output/.
PAGES = {
    "portail": "/",
    "site": "/espace-numerique/",
    "article": "/espace-numerique/atelier-premiers-pas-sur-tablette.html",
    "article-breton": "/quartier-recouvrance/retour-en-images-sur-la-fete-de-quartier-br.html",
    "page": "/radio-ondes/pages/participer-a-la-radio.html",
    "radio": "/radio-ondes/",
    "episode": "/radio-ondes/midi-pile-le-budget-participatif-explique.html",
    "agenda": "/agenda/",
    "evenement": "/espace-numerique/agenda/permanence-libre-ordinateurs-et-demarches.html",
    "annuaire": "/annuaire/",
    "quartiers": "/annuaire/quartiers.html",
    "planete": "/planet/",
    "sante": "/planet/sante.html",
    "carte": "/annuaire/carte.html",
    "recherche": "/recherche/",
    "lettre": "/lettre/",
    "categories": "/amap-des-dunes/categories.html",
    "404": "/404.html",
}
WIDTHS = (390, 1280)
MODES = {"clair": "light", "sombre": "dark"}


def shoot(page, url: str, width: int, scheme: str) -> bytes:
    """The whole page at ``width`` CSS pixels in ``scheme``, as PNG bytes."""
    page.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": scheme}])
    page.call(
        "Emulation.setDeviceMetricsOverride", width=width, height=800, deviceScaleFactor=1, mobile=width < 600
    )
    page.goto(url)
    height = page.evaluate("Math.ceil(document.documentElement.scrollHeight)")
    page.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=max(800, min(height, 6000)),
        deviceScaleFactor=1,
        mobile=width < 600,
    )
    shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)
    return _small(base64.b64decode(shot["data"]))


def _small(png: bytes) -> bytes:
    """256 colours: a third of the size in git, still readable (Pillow comes with citoyens)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        out = io.BytesIO()
        image.convert("RGB").quantize(256).save(out, format="PNG", optimize=True)
        return out.getvalue()


def main(target: Path, only: list[str]) -> None:
    output = ROOT / "output"
    target.mkdir(parents=True, exist_ok=True)
    with static_host(output) as origin, chromium() as browser:
        page = browser.new_page()
        for name, path in PAGES.items():
            if only and name not in only:
                continue
            if not (output / path.lstrip("/")).exists() and not path.endswith("/"):
                print(f"skipped {name}: {path} not built")
                continue
            for width in WIDTHS:
                for mode, scheme in MODES.items():
                    file = target / f"{name}-{width}-{mode}.png"
                    file.write_bytes(shoot(page, origin + path, width, scheme))
            print(f"{name}: {path}")
        page.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots", sys.argv[2:])
