"""Every internal link and image of a built network resolves, fragments included.

Run on a build made in a temporary folder by ``citoyens check`` (and by the
output checks of CI): a link to a page of another association that was
renamed, an image that is missing, an anchor that no longer exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

from citoyens_ssg.errors import Problem
from citoyens_ssg.i18n import _

LINKING = {
    "a": ("href",),
    "img": ("src",),
    "source": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "link": ("href",),
    "script": ("src",),
}
DRAFTS = "drafts"  # Pelican's folder for drafts and future-dated articles (DRAFT_URL, DRAFT_PAGE_URL)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, int]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if value and name in LINKING.get(tag, ()):
                self.links.append((value, self.getpos()[0]))
            if value and name == "srcset":
                self.links += [
                    (part.strip().split(" ")[0], self.getpos()[0])
                    for part in value.split(",")
                    if part.strip()
                ]


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def _target(output: Path, base_url: str, page: Path, url: str) -> tuple[Path, str] | None:
    """The file a link points to inside the output (and its fragment), or None for other hosts."""
    address, fragment = urldefrag(url)
    if address.startswith(base_url + "/") or address == base_url:
        relative = address[len(base_url) :]
    elif "://" in address or address.startswith(("mailto:", "tel:", "data:", "//")):
        return None
    elif address.startswith("/"):
        relative = address
    else:
        relative = (
            "/" + str((page.parent / address).relative_to(output))
            if address
            else "/" + str(page.relative_to(output))
        )
    path = output / unquote(urlsplit(relative).path).lstrip("/")
    if path.is_dir() or relative.endswith("/"):
        path = path / "index.html"
    return path, fragment


def _published_later(output: Path, page: Path, target: Path) -> bool:
    """A draft or scheduled article (``<site>/drafts/``) links to its site's pages that it will
    create when it is published (a new tag's, category's, author's page): not broken links."""
    parts = page.relative_to(output).parts
    return len(parts) > 2 and parts[1] == DRAFTS and target.is_relative_to(output / parts[0])


@dataclass(frozen=True)
class BrokenLink:
    page: str  # relative to the output folder: a/photo.html
    line: int
    url: str
    message: str


def check_links(output: Path, base_url: str) -> list[Problem]:
    links = broken_links(output, base_url)
    return [Problem(f"output/{link.page}", link.message, line=link.line) for link in links]


def broken_links(output: Path, base_url: str) -> list[BrokenLink]:
    problems: list[BrokenLink] = []
    parsed: dict[Path, _Page] = {}
    for page in sorted(output.rglob("*.html")):
        parsed[page] = parsed.get(page) or _parse(page)
        for url, line in parsed[page].links:
            found = _target(output, base_url.rstrip("/"), page, url)
            if found is None or _published_later(output, page, found[0]):
                continue
            target, fragment = found
            shown = str(page.relative_to(output))
            if not target.is_file():
                problems.append(BrokenLink(shown, line, url, _("broken link to {url}", url=url)))
            elif fragment and target.suffix == ".html":
                parsed[target] = parsed.get(target) or _parse(target)
                if unquote(fragment) not in parsed[target].ids:
                    message = _("link to {url}: no '#{fragment}' on that page", url=url, fragment=fragment)
                    problems.append(BrokenLink(shown, line, url, message))
    return problems
