"""Small networks written inline in tmp_path, built for real with Pelican."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import jinja2
import pytest
from browser import chromium, chromium_or_skip, static_host

from citoyens_ssg import i18n
from citoyens_ssg.pipeline.build import BuildOptions, BuildReport, build

PROJECT = Path(__file__).resolve().parent.parent


class Network:
    """A network folder under construction: write files, build, read the output."""

    def __init__(self, root: Path):
        self.root = root
        self.markdown: str | None = None  # the dialect written in each site.yaml (the `dialect` fixture)
        shutil.copytree(PROJECT / "themes", root / "themes")
        shutil.copytree(PROJECT / "plugins", root / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
        self.write(
            "network.yaml",
            """
            name: Réseau de test
            url: https://reseau.example.org
            planet:
              size: 20
        """,
        )
        (root / "sites").mkdir()

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def site(self, slug: str, config: str = "", **articles: str) -> None:
        config = config or f"name: Site {slug}\n"
        if self.markdown:
            config = textwrap.dedent(config).rstrip("\n") + f"\nmarkdown: {self.markdown}\n"
        self.write(f"sites/{slug}/site.yaml", config)
        for name, text in articles.items():
            self.write(f"sites/{slug}/content/{name}.md", text)

    def article(
        self, slug: str, name: str, title: str, date: str, body: str = "Un texte.", **metadata: str
    ) -> None:
        lines = [f"Title: {title}", f"Date: {date}"] + [
            f"{key.capitalize()}: {value}" for key, value in metadata.items()
        ]
        self.write(f"sites/{slug}/content/{name}.md", "\n".join(lines) + "\n\n" + body + "\n")

    def build(self, **options) -> BuildReport:
        on_site_done = options.pop("on_site_done", None)
        return build(BuildOptions(self.root, jobs=2, **options), on_site_done)

    @property
    def output(self) -> Path:
        return self.root / "output"

    def read(self, relative: str) -> str:
        return (self.output / relative).read_text(encoding="utf-8")

    def feed(self, relative: str):
        parsed = feedparser.parse((self.output / relative).read_bytes())
        assert not parsed.bozo, parsed.bozo_exception
        return parsed


@pytest.fixture
def network(tmp_path: Path) -> Network:
    return Network(tmp_path / "reseau")


@pytest.fixture
def source_date_epoch(monkeypatch) -> Callable[[str], int]:
    """Sets the build's clock as reproducible builds do (SOURCE_DATE_EPOCH), from a UTC time
    written as people read it: ``source_date_epoch("2026-10-21 09:00")``; returns the epoch."""

    def set_clock(when: str) -> int:
        epoch = int(datetime.fromisoformat(when).replace(tzinfo=timezone.utc).timestamp())
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        return epoch

    return set_clock


@pytest.fixture(params=["commonmark", "python-markdown"])
def dialect(request, network: Network) -> str:
    """Run the test once per Markdown dialect: every site the network writes says which."""
    network.markdown = request.param
    return request.param


@pytest.fixture(autouse=True)
def english_messages():
    """Tests read messages in English unless they switch to French themselves."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def rendered_templates(tmp_path, monkeypatch):
    """The templates rendered since the last call: forked site workers inherit the patch and append
    to a log."""
    log = tmp_path / "rendered.txt"
    render = jinja2.Template.render

    def logged_render(self, *args, **kwargs):
        with log.open("a") as stream:
            stream.write(f"{self.name}\n")
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", logged_render)

    def since_last_call() -> list[str]:
        names = log.read_text().split() if log.exists() else []
        log.unlink(missing_ok=True)
        return names

    return since_last_call


EXAMPLE_PUBLIC = "https://reseau.example.org"  # the example network's url: built for it, served elsewhere


@pytest.fixture(scope="module")
def example_served(tmp_path_factory):
    """The example network built for EXAMPLE_PUBLIC, served at another address by a local host
    applying _headers and _redirects, and a Chromium: (address, browser, output)."""
    chromium_or_skip()
    output = tmp_path_factory.mktemp("exemple") / "output"
    report = build(BuildOptions(PROJECT, output_dir=output, base_url=EXAMPLE_PUBLIC, jobs=2))
    assert report.ok, [str(p) for r in report.sites for p in r.problems]
    with static_host(output) as address, chromium() as browser:
        yield address, browser, output
