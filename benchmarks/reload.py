"""How long after saving an article the open page reloads, with ``citoyens serve``.

Starts the dev server on a copy of the example network (a free port on
127.0.0.1), listens to its live-reload events as the page's script does,
edits an article several times and prints the median delay between the
write and the "reload" event (watchdog, debounce, rebuild of that site and
the network pages).
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

from citoyens_ssg.dev.server import DevServer

PROJECT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="citoyens-reload-") as folder:
        root = Path(folder) / "reseau"
        shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns(".git", ".venv", "output", ".output.*", ".citoyens", "tests", "benchmarks", "__pycache__"))
        server = DevServer(root, port=0)
        server.start()
        reloaded = threading.Event()
        threading.Thread(target=listen, args=(server.url, reloaded), daemon=True).start()
        time.sleep(1)
        article = root / "sites/espace-numerique/content/reconnaitre-un-message-frauduleux.md"
        delays = []
        for run in range(args.runs):
            reloaded.clear()
            started = time.perf_counter()
            article.write_text(article.read_text(encoding="utf-8") + f"\nRelecture {run}.\n", encoding="utf-8")
            if not reloaded.wait(30):
                raise SystemExit("no reload event within 30 s")
            delays.append(time.perf_counter() - started)
            settled = time.monotonic() + 30  # the search index, made after the reload, is not the next edit's cost
            while server.indexer.pending and time.monotonic() < settled:
                time.sleep(0.05)
            time.sleep(0.5)
        server.stop()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"save → reload of the page: median {statistics.median(delays) * 1000:.0f} ms over {args.runs} edits "
          f"(min {min(delays) * 1000:.0f}, max {max(delays) * 1000:.0f}); debounce {DevServer.__module__}.QUIET_PERIOD included; "
          f"load average {load} (1, 5, 15 min)")


def listen(url: str, reloaded: threading.Event) -> None:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    connection.request("GET", "/__citoyens/events")
    for line in connection.getresponse():
        if line.startswith(b"event: reload"):
            reloaded.set()


if __name__ == "__main__":
    main()
