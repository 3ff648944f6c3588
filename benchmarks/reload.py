"""How long after saving an article the open page reloads, with ``citoyens serve``.

Starts the dev server on a copy of the example network (or, with
``--articles N``, on the benchmark's generated site of N articles) on a free
port of 127.0.0.1, listens to its live-reload events as the page's script does,
edits an article several times and prints the median delay between the write
and the first "reload" event, the one for the edited site's pages (watchdog,
debounce, the rebuild of that site and its folder put in place; the network's
pages follow), then between the write and the new search index swapped in
(made after the reload, ``dev.search_later``).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from generate import generate

from citoyens_ssg.dev.server import DevServer

PROJECT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--articles",
        type=int,
        default=0,
        help="a generated site of N articles (default: the example network)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="citoyens-reload-") as folder:
        root, article = network(Path(folder) / "reseau", args.articles)
        server = DevServer(root, port=0)
        server.start()
        reloaded = threading.Event()
        threading.Thread(target=listen, args=(server.url, reloaded), daemon=True).start()
        time.sleep(1)
        wait_for_index(server, time.monotonic() + 120)  # the first build's index is not the first edit's
        reloads, indexes = [], []
        for run in range(args.runs):
            reloaded.clear()
            indexed = server.indexer.indexed
            started = time.perf_counter()
            article.write_text(
                article.read_text(encoding="utf-8") + f"\nRelecture {run}.\n", encoding="utf-8"
            )
            if not reloaded.wait(60):
                raise SystemExit("no reload event within 60 s")
            reloads.append(time.perf_counter() - started)
            deadline = time.monotonic() + 120
            while server.indexer.indexed == indexed and time.monotonic() < deadline:
                time.sleep(0.02)
            wait_for_index(server, deadline)
            indexes.append(time.perf_counter() - started)
            time.sleep(0.5)
        server.stop()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    site = f"a site of {args.articles} articles" if args.articles else "the example network"
    print(
        f"{site}, {args.runs} edits; load average {load} (1, 5, 15 min); debounce "
        f"{DevServer.__module__}.QUIET_PERIOD included"
    )
    for label, delays in (("save → reload of the page", reloads), ("save → new search index", indexes)):
        print(
            f"{label}: median {statistics.median(delays) * 1000:.0f} ms "
            f"(min {min(delays) * 1000:.0f}, max {max(delays) * 1000:.0f})"
        )


def network(root: Path, articles: int) -> tuple[Path, Path]:
    """The network to serve and the article to edit."""
    if articles:
        generate(root, 1, articles)
        return root, sorted((root / "sites").glob("*/content/article-*.md"))[articles // 2]
    ignored = shutil.ignore_patterns(
        ".git", ".venv", "output", ".output.*", ".citoyens", "tests", "benchmarks", "__pycache__"
    )
    shutil.copytree(PROJECT, root, ignore=ignored)
    return root, root / "sites/espace-numerique/content/reconnaitre-un-message-frauduleux.md"


def wait_for_index(server: DevServer, deadline: float) -> None:
    while server.indexer.pending and time.monotonic() < deadline:
        time.sleep(0.02)


def listen(url: str, reloaded: threading.Event) -> None:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    connection.request("GET", "/__citoyens/events")
    for line in connection.getresponse():
        if line.startswith(b"event: reload"):
            reloaded.set()


if __name__ == "__main__":
    main()
