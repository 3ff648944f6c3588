"""``make check-output``: the example network checked as readers and their tools get it.

Builds the example network for a local address, serves it on 127.0.0.1 (a
free port), then checks, on every template type of both themes:
- accessibility with axe-core in headless Chromium (WCAG 2.1 A and AA): 0 violations;
- HTML validity with the Nu HTML Checker: 0 errors;
- every feed (RSS, Atom, JSON Feed, podcast): absolute ids and links, dates, unique ids,
  no relative link inside entries;
- every internal link and image resolving, fragments included;
- no request to any host but the site's own (the map's tile server aside);
- the portal and an article each under 100 KB transferred, images aside.
Prints one line per check and exits 1 if any fails.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
sys.path.insert(0, str(PROJECT))

from feeds import check_feeds  # noqa: E402

from citoyens_ssg.config.load import load_network  # noqa: E402
from citoyens_ssg.dev.links import check_links  # noqa: E402
from citoyens_ssg.pipeline.build import BuildOptions, build  # noqa: E402

BUDGET = 100 * 1024
NETWORK_PAGES = [
    "/",
    "/planet/",
    "/planet/sante.html",
    "/agenda/",
    "/agenda/association/radio-ondes.html",
    "/annuaire/",
    "/annuaire/quartiers.html",
    "/annuaire/carte.html",
    "/recherche/",
    "/lettre/",
    "/suivre/",
]
SITE_PAGES = {  # one site per theme: citoyen, and onde which extends it
    "espace-numerique": [
        "",
        "atelier-premiers-pas-sur-tablette.html",
        "pages/horaires-et-acces.html",
        "category/ateliers.html",
        "tag/tablette.html",
        "archives.html",
        "categories.html",
        "tags.html",
        "authors.html",
        "author/lequipe-de-lepn.html",
        "agenda/",
        "agenda/permanence-libre-ordinateurs-et-demarches.html",
        "recherche.html",
    ],
    "radio-ondes": [
        "",
        "la-voix-des-quartiers-jardin-partage-et-salle-numerique.html",
        "pages/la-grille-des-programmes.html",
        "la-voix-des-quartiers-jardin-partage-et-salle-numerique/transcription/",
        "category/emissions.html",
        "tag/podcast.html",
        "archives.html",
        "authors.html",
        "agenda/",
        "agenda/sillons-en-public-au-cafe-associatif.html",
        "recherche.html",
    ],
}
WEIGHED = ["/", "/espace-numerique/atelier-premiers-pas-sur-tablette.html"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path, port: int) -> ThreadingHTTPServer:
    handler = partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    failures: list[str] = []
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tiles_host = urlsplit(load_network(PROJECT).map.tiles.replace("{s}", "a")).netloc
    with tempfile.TemporaryDirectory(prefix="citoyens-output-check-") as folder:
        output = Path(folder) / "output"
        report = build(BuildOptions(PROJECT, output_dir=output, base_url=base, offline=True))
        if not report.ok:
            return fail(
                [
                    "the example network did not build: "
                    f"{[str(p) for r in report.sites for p in r.problems][:5]}"
                ]
            )
        paths = NETWORK_PAGES + [f"/{site}/{page}" for site, pages in SITE_PAGES.items() for page in pages]
        paths += [
            f"/lettre/{page.name}" for page in sorted((output / "lettre").glob("20*-s*.html"))[-2:]
        ]  # by the clock
        missing = [
            path
            for path in paths
            if not (output / path.lstrip("/")).exists()
            and not (output / path.lstrip("/") / "index.html").exists()
        ]
        failures += [f"page not built: {path}" for path in missing]
        server = serve(output, port)
        try:
            failures += browser_checks(base, tiles_host, [p for p in paths if p not in missing])
        finally:
            server.shutdown()
        failures += html_validity(output, paths)
        failures += [f"feed: {problem}" for problem in check_feeds(output, base)]
        failures += [f"link: {problem}" for problem in check_links(output, base)]
        print(f"ok  links and feeds checked on {sum(1 for _ in output.rglob('*.html'))} pages")
    return fail(failures)


def browser_checks(base: str, tiles_host: str, paths: list[str]) -> list[str]:
    command = ["node", str(HERE / "browser.mjs"), base, tiles_host, *paths]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        return [f"browser checks could not run: {result.stderr.strip()[-800:]}"]
    failures = []
    for line in result.stdout.splitlines():
        page = json.loads(line)
        for violation in page["violations"]:
            failures.append(
                f"axe {page['path']}: {violation['id']} ({violation['impact']}) {violation['help']} — "
                f"{violation['targets']}"
            )
        failures += [f"foreign request from {page['path']}: {url}" for url in page["foreign"]]
        if page.get("searchResults") is not None:
            found = page["searchResults"]
            print(
                f"{'ok ' if found > 0 else 'FAIL'} search on {page['path']}: {found} result(s) for a word"
                if found >= 0
                else f"FAIL search on {page['path']}: results from another site"
            )
            if found <= 0:
                failures.append(
                    f"search on {page['path']}: "
                    f"{'nothing found' if found == 0 else 'results from another site'}"
                )
        if page.get("unknownResults"):
            failures.append(
                f"search on {page['path']}: {page['unknownResults']} result(s) for a word no page has"
            )
        if page["path"] in WEIGHED:
            state = "ok " if page["bytes"] <= BUDGET else "FAIL"
            print(
                f"{state} {page['path']}: {page['bytes'] / 1024:.1f} KB transferred, images aside (budget "
                "100 KB)"
            )
            if page["bytes"] > BUDGET:
                failures.append(f"page weight {page['path']}: {page['bytes']} bytes")
    print(
        f"ok  axe-core and requests checked on {len(result.stdout.splitlines())} pages in headless Chromium"
    )
    return failures


def html_validity(output: Path, paths: list[str]) -> list[str]:
    files = []
    for path in paths:
        target = output / path.lstrip("/")
        files.append(str(target / "index.html" if target.is_dir() else target))
    jar = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    result = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "gnu", *files],
        capture_output=True,
        text=True,
        timeout=900,
    )
    errors = [line.replace(str(output), "output") for line in result.stderr.splitlines() if line.strip()]
    print(f"ok  Nu HTML Checker run on {len(files)} pages: {len(errors)} error(s)")
    return [f"html: {error}" for error in errors]


def fail(failures: list[str]) -> int:
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    print(f"{len(failures)} problem(s)" if failures else "output checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
