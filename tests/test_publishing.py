"""What the host is told and what every page needs: nothing the policy forbids."""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from citoyens_ssg.network.headers import RULES, headers_file
from citoyens_ssg.pipeline.build import BuildOptions, build
from citoyens_ssg.workpaths import WorkPaths

PROJECT = Path(__file__).resolve().parent.parent
BASE = "https://reseau.example.org"


class PageAudit(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.blocked: list[str] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        data_block = tag == "script" and attributes.get("type") == "application/ld+json"  # never executed
        if tag == "script" and not data_block and not attributes.get("src"):
            self.blocked.append("inline <script>")
        if tag in ("style", "iframe", "object", "embed", "form"):
            self.blocked.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.blocked.append(f"{tag} {name}=")
            if (
                name in ("href", "src")
                and value
                and value.strip().lower().startswith(("javascript:", "data:text"))
            ):
                self.blocked.append(f"{tag} {name}={value}")
        if (
            tag == "link"
            and attributes.get("rel") == "stylesheet"
            or tag in ("img", "script", "audio", "video", "source")
        ):
            url = attributes.get("href") or attributes.get("src")
            if url:
                self.resources.append(url)


@pytest.fixture(scope="module")
def example_output(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("publie") / "output"
    report = build(BuildOptions(PROJECT, output_dir=output, base_url=BASE, jobs=2))
    assert report.ok, [str(p) for r in report.sites for p in r.problems]
    return output


def test_netlify_toml_and_headers_file_say_the_same(example_output):
    netlify = tomllib.loads((PROJECT / "netlify.toml").read_text(encoding="utf-8"))
    assert [(rule["for"], rule["values"]) for rule in netlify["headers"]] == [(p, h) for p, h in RULES]
    assert (example_output / "_headers").read_text(encoding="utf-8") == headers_file()
    policy = dict(RULES)["/*"]["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy


def test_no_page_of_the_example_network_needs_what_the_policy_forbids(example_output):
    pages = sorted(example_output.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        audit = PageAudit()
        audit.feed(page.read_text(encoding="utf-8"))
        assert audit.blocked == [], page
        foreign = [
            url for url in audit.resources if not url.startswith("/") or url.startswith("//")
        ]  # the site's own
        assert foreign == [], page


def test_every_theme_file_is_served_from_the_site(example_output):
    for css in example_output.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", text), css


def test_the_netlify_cache_keeps_the_folders_a_build_leaves():
    netlify = tomllib.loads((PROJECT / "netlify.toml").read_text(encoding="utf-8"))
    plugin = PROJECT / netlify["plugins"][0]["package"].lstrip("/")
    folders = re.search(r"FOLDERS = \[(.*?)\]", (plugin / "index.js").read_text(encoding="utf-8")).group(1)
    kept = set(re.findall(r'"([^"]+)"', folders))
    paths = WorkPaths.of(PROJECT)
    assert (plugin / "manifest.yml").read_text(encoding="utf-8").strip() == "name: citoyens-cache"
    assert kept == {".citoyens", paths.output.name, paths.manifests.name}
