"""``citoyens serve``: preview the network and rebuild what a change touches.

The HTTP server serves the output folder; a watchdog observer watches the
sources (``sites/``, ``themes/``, ``plugins/``, ``network.yaml``), never the
output or citoyens' work folders.  Bursts of events (an editor saving a file
writes it two or three times) are gathered until the sources are quiet for a
moment, then one rebuild runs: a change in ``sites/<slug>/`` rebuilds that site,
a theme change the sites using it, anything else the whole network.  A failed
rebuild is reported and the server stays up with the last good pages.
"""

from __future__ import annotations

import functools
import logging
import queue
import sys
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from citoyens_ssg.build import BuildReport, build
from citoyens_ssg.config import NetworkConfig, load_network
from citoyens_ssg.errors import CitoyensError, ConfigError
from citoyens_ssg.i18n import _
from citoyens_ssg.report import print_site_result, print_summary
from citoyens_ssg.themes import resolve_theme

logger = logging.getLogger(__name__)
QUIET_PERIOD = 0.3  # seconds without events before a rebuild starts
WATCHED = ("sites", "themes", "plugins")
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part")


@dataclass(frozen=True)
class Change:
    """What a batch of file events asks to rebuild: some sites, or everything."""

    sites: frozenset[str] | None  # None: everything


def change_for(paths: list[Path], root: Path, network: NetworkConfig | None) -> Change | None:
    """Decide what to rebuild for these changed paths; None when nothing is concerned."""
    slugs: set[str] = set()
    touched = False
    for path in paths:
        parts = path.relative_to(root).parts
        if not parts or _ignored(parts):
            continue
        if parts[0] == "sites" and len(parts) >= 2 and network is not None:
            if len(parts) == 2 or parts[2] == "site.yaml":
                return Change(None)  # a site added, removed or reconfigured: reload all
            slugs.add(parts[1])
        elif parts[0] == "themes" and len(parts) >= 2 and network is not None:
            slugs.update(_sites_using_theme(network, parts[1]))
        else:
            return Change(None)
        touched = True
    # An empty set still rebuilds the portal and planet (the network's theme).
    return Change(frozenset(slugs)) if touched else None


def _ignored(parts: tuple[str, ...]) -> bool:
    name = parts[-1]
    return any(part.startswith(".") for part in parts) or name.endswith(IGNORED_SUFFIXES) or parts[0] not in (*WATCHED, "network.yaml")


def _sites_using_theme(network: NetworkConfig, theme: str) -> set[str]:
    using = set()
    for site in network.sites:
        try:
            chain = resolve_theme(network.themes_dir, site.theme)
        except ValueError:
            continue
        if any(folder.name == theme for folder in chain.folders):
            using.add(site.slug)
    return using


class _Collector(FileSystemEventHandler):
    def __init__(self, events: queue.Queue[Path]):
        self.events = events

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for attribute in ("src_path", "dest_path"):
            path = getattr(event, attribute, "")
            if path:
                self.events.put(Path(path.decode() if isinstance(path, bytes) else path))


class DevServer:
    """The HTTP server and the watcher; ``start`` returns once both run."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000, output_dir: Path | None = None, jobs: int | None = None):
        self.root = root.resolve()
        self.output = (output_dir or self.root / "output").resolve()
        self.jobs = jobs
        self.events: queue.Queue[Path] = queue.Queue()
        self.stopping = threading.Event()
        self.rebuilds = 0  # completed rebuilds, for whoever waits on them
        self.output.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_QuietHandler, directory=str(self.output))
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self.network: NetworkConfig | None = None
        self.observer = Observer()

    def start(self) -> None:
        self.rebuild(Change(None))
        threading.Thread(target=self.httpd.serve_forever, name="http", daemon=True).start()
        collector = _Collector(self.events)
        for name in WATCHED:
            if (self.root / name).is_dir():
                self.observer.schedule(collector, str(self.root / name), recursive=True)
        self.observer.schedule(collector, str(self.root), recursive=False)
        self.observer.start()
        threading.Thread(target=self._loop, name="rebuild", daemon=True).start()

    def stop(self) -> None:
        self.stopping.set()
        self.observer.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.observer.join(timeout=5)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                first = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            paths = [first] + self._drain_burst()
            change = change_for(paths, self.root, self.network)
            if change is not None:
                self.rebuild(change)

    def _drain_burst(self) -> list[Path]:
        paths = []
        while True:
            try:
                paths.append(self.events.get(timeout=QUIET_PERIOD))
            except queue.Empty:
                return paths

    def rebuild(self, change: Change) -> BuildReport | None:
        """Rebuild; problems are printed, never raised: the server stays up."""
        try:
            self.network = load_network(self.root, base_url=self.url)
            report = build(self.root, self.output, base_url=self.url, jobs=self.jobs, only=set(change.sites) if change.sites is not None else None, on_site_done=print_site_result)
            print_summary(report)
            return report
        except ConfigError as error:
            for problem in error.problems:
                print(_("ERROR {problem}", problem=problem), file=sys.stderr)
            print(error.summary(), file=sys.stderr)
        except CitoyensError as error:
            print(_("ERROR {problem}", problem=error), file=sys.stderr)
        finally:
            self.rebuilds += 1
        return None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        logger.debug("%s - %s", self.address_string(), format % args)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # always show the latest build
        super().end_headers()


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, output_dir: Path | None = None, jobs: int | None = None) -> int:
    server = DevServer(root, host, port, output_dir, jobs)
    server.start()
    print(_("Serving the network on {url}/ — Ctrl+C to stop.", url=server.url))
    try:
        server.stopping.wait()
    except KeyboardInterrupt:
        print(_("Stopped."))
    finally:
        server.stop()
    return 0
