"""The focus ring is at least 3:1 against every background it can sit on (WCAG 2.2, 1.4.11), in
light and dark mode, for every accent colour: computed from the themes' CSS tokens.

The ring is ``outline: 3px solid var(--focus)`` with an offset: it sits on the surface around the
focused element.  --focus follows --link: the accent on light surfaces, the accent mixed with
white on dark ones (dark mode, the network bar, the radio theme's header).  Accents are those of
the example network and the extremes an association may choose: any colour, once darkened to
4.5:1 against the page (``readable_accent``, what accent.css holds).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citoyens_ssg.config.load import load_network
from citoyens_ssg.site.templating import contrast, readable_accent

PROJECT = Path(__file__).resolve().parent.parent
CITOYEN = (PROJECT / "themes/citoyen/static/css/citoyen.css").read_text(encoding="utf-8")
ONDE = (PROJECT / "themes/onde/static/css/onde.css").read_text(encoding="utf-8")
NAMED = {"white": "#ffffff", "black": "#000000"}


def _declarations(block: str) -> dict[str, str]:
    return {name: value.strip() for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", block)}


def _rule(css: str, selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^{}]*)\}", css)
    assert match, selector
    return match.group(1)


def tokens(mode: str, accent: str) -> dict[str, str]:
    """The custom properties on :root in ``mode``, accent.css's --accent last (it comes after)."""
    values = _declarations(_rule(CITOYEN, ":root"))
    if mode == "dark":
        dark = re.search(r"@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{([^{}]*)\}", CITOYEN)
        values |= _declarations(dark.group(1))
    return values | {"--accent": accent}


def resolve(value: str, values: dict[str, str]) -> str:
    """A colour as #rrggbb: hex, white/black, var(), color-mix(in srgb, A p%, B)."""
    value = value.strip()
    if value.startswith("var("):
        return resolve(values[value[4:-1].strip()], values)
    if value.startswith("color-mix("):
        first, second = _split(value[len("color-mix(") : -1])[1:]
        color, share = first.rsplit(" ", 1)
        weight = float(share.rstrip("%")) / 100
        a, b = _rgb(resolve(color, values)), _rgb(resolve(second, values))
        return "#" + "".join(f"{round(x * weight + y * (1 - weight)):02x}" for x, y in zip(a, b))
    value = NAMED.get(value, value)
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", value), value
    return value.lower()


def _split(arguments: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in arguments:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return parts + [current.strip()]


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def example_accents() -> list[str]:
    network = load_network(PROJECT)
    return sorted({network.accent_color, *(site.accent_color for site in network.sites)})


# Any colour may be chosen; pages use it darkened to 4.5:1. The darkest is black, the lightest
# white's darkening; saturated ones in between.
EXTREMES = ["#000000", "#ffffff", "#ffff00", "#00ffff", "#ff00ff", "#00ff00", "#ff0000", "#0000ff", "#f5c211"]


def surfaces(mode: str) -> list[tuple[str, str, dict[str, str]]]:
    """(where, background, the ring's colour there) for every surface a focusable element sits on."""
    light_or_dark = [("page", "--bg"), ("card", "--surface"), ("header and footer", "--panel")]
    found = [(where, f"var({token})", "var(--focus)") for where, token in light_or_dark]
    bar = _declarations(_rule(CITOYEN, ".network-bar {"[:-2]))
    found.append(("network bar", "var(--bar-bg)", bar["--focus"]))
    onde_header = _declarations(_rule(ONDE, ".onde .site-header"))
    onde = _declarations(_rule(ONDE, ".onde"))
    found.append(("radio header", onde["--header-bg"], onde_header["--focus"]))
    return [(where, background, {"ring": ring}) for where, background, ring in found]


def test_the_ring_is_the_focus_token_3px_wide():
    assert re.search(r":focus-visible\s*\{\s*outline:\s*3px solid var\(--focus\);", CITOYEN)


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("chosen", example_accents() + EXTREMES)
def test_focus_ring_contrast_at_least_3_to_1(mode, chosen):
    accent = readable_accent(chosen)
    values = tokens(mode, accent)
    for where, background, ring in surfaces(mode):
        colour, behind = resolve(ring["ring"], values), resolve(background, values)
        ratio = contrast(colour, behind)
        assert ratio >= 3, (
            f"{mode}, accent {chosen} ({accent}): ring {colour} on the {where} ({behind}) is {ratio:.2f}:1"
        )


def test_the_example_network_accents_are_read():
    assert "#1a5fb4" in example_accents() and len(example_accents()) >= 4
