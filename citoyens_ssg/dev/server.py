"""``citoyens serve``: preview the network and rebuild what a change touches.

The HTTP server serves the output folder; a watchdog observer watches the
sources (``sites/``, ``themes/``, ``plugins/``, ``network.yaml``), never the
output or citoyens' work folders.  Bursts of events (an editor saving a file
writes it two or three times) are gathered until the sources are quiet for a
moment, then one rebuild runs: a change in ``sites/<slug>/`` rebuilds that site,
a theme change the sites using it, anything else the whole network.  A failed
rebuild is reported and the server stays up with the last good pages.

Live reload: every HTML page served gets a small script (never written to the
output) that listens to ``/__citoyens/events``.  As soon as a site that
rebuilt is in place (before the network's pages), the server sends "reload"
for that site's pages (``{"sites": [slug]}``) with the problems known so far;
once the whole rebuild is done, "reload" for every other page (``{"except":
[…]}``: portal, planet, the other sites) and the problems of the build, each
naming its file and line, which the script shows as a banner on the page.

Search never stands between a save and the page: a site's search index is
made again after the reload, in the background (``search_later``).
"""

from __future__ import annotations

import errno
import functools
import json
import logging
import queue
import threading
from dataclasses import dataclass
from html import escape
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from citoyens_ssg.config.load import NetworkConfig
from citoyens_ssg.config.themes import resolve_theme
from citoyens_ssg.dev.search_later import Indexer
from citoyens_ssg.errors import CitoyensError, ConfigError
from citoyens_ssg.i18n import _, current_language
from citoyens_ssg.network.headers import TEXT_TYPES
from citoyens_ssg.pipeline import workers
from citoyens_ssg.pipeline.build import BuildOptions, BuildReport, build
from citoyens_ssg.report import command, print_site_result, print_summary, problem_line, say
from citoyens_ssg.site.build import SiteResult
from citoyens_ssg.workpaths import WorkPaths

logger = logging.getLogger(__name__)
QUIET_PERIOD = 0.05  # s without events before a rebuild starts: an editor's save is a burst of a few ms
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
    return (
        any(part.startswith(".") for part in parts)
        or name.endswith(IGNORED_SUFFIXES)
        or parts[0] not in (*WATCHED, "network.yaml")
    )


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

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        output_dir: Path | None = None,
        jobs: int | None = None,
    ):
        self.root = root.resolve()
        # Not output/: the preview holds drafts, which a build for publishing must never find there
        # (a site that fails keeps what its folder in output/ held).
        self.output = (output_dir or WorkPaths.of(self.root).preview).resolve()
        self.jobs = jobs
        self.events: queue.Queue[Path] = queue.Queue()
        self.stopping = threading.Event()
        self.rebuilds = 0  # completed rebuilds, for whoever waits on them
        self.problems: list[str] = []  # of the last rebuild, for the banner
        self._results: list[SiteResult] = []  # of the rebuild under way
        self._shown: list[str] = []  # its sites whose pages were told to reload
        self.listeners: list[queue.Queue[tuple[str, str]]] = []
        self.listeners_lock = threading.Lock()
        self.output.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_DevHandler, directory=str(self.output), dev_server=self)
        self.httpd = _listen(host, port, handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self.network: NetworkConfig | None = None
        self.observer = Observer()
        self.indexer = Indexer(self.output, WorkPaths.of(self.root, self.output))

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
        workers.stop_spares()

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
        """Rebuild; problems are printed and sent to the pages, never raised: the server stays up."""
        with self.indexer.lock:  # the search index being made waits, or is thrown away
            self.indexer.rebuilding()
            report = self._rebuild(change)
            pending = {site.slug for site in report.sites if site.search_pending} if report else set()
            self.indexer.after_rebuild(pending)
        return report

    def _site_done(self, result: SiteResult) -> None:
        print_site_result(result)
        self._results.append(result)

    def _site_shown(self, result: SiteResult) -> None:
        """A site's new folder is in place: its pages reload now, the network's after the rebuild."""
        self._shown.append(result.slug)
        self.problems = _problems(self._results)  # what a page reloading now finds on connecting
        self._announce("problems", json.dumps(self.problems, ensure_ascii=False))
        self._announce("reload", json.dumps({"sites": [result.slug]}))

    def _rebuild(self, change: Change) -> BuildReport | None:
        report = None
        self._results, self._shown = [], []
        try:
            options = BuildOptions(
                self.root,
                self.output,
                base_url=self.url,
                jobs=self.jobs,
                offline=True,
                search_later=True,
                spare_worker=True,  # the next save's worker started ahead
                preview=True,  # drafts and future posts shown, marked "Brouillon"
                only=frozenset(change.sites) if change.sites is not None else None,
            )
            report = build(options, on_site_done=self._site_done, on_site_shown=self._site_shown)
            self.network = report.network
            print_summary(report)
            problems = _problems(report.sites) + [str(p) for p in report.network_problems]
        except ConfigError as error:
            problems = [str(p) for p in error.problems]
            for problem in error.problems:
                problem_line(problem)
            say(error.summary(), error=True)
        except CitoyensError as error:
            problems = [str(error)]
            say(_("ERROR {problem}", problem=error), error=True)
        except Exception as error:  # a bug, or a theme's broken template: shown, and the next save rebuilds
            logger.exception("rebuild failed")
            problems = [
                _(
                    "the rebuild stopped: {error}; fix it and save again",
                    error=f"{type(error).__name__}: {error}",
                )
            ]
            say(problems[0], error=True)
        self.problems = problems
        self._announce("problems", json.dumps(problems, ensure_ascii=False))
        if report is not None:
            self._announce("reload", json.dumps({"except": self._shown}))
        self.rebuilds += 1
        return report

    def _announce(self, event: str, data: str) -> None:
        with self.listeners_lock:
            for listener in self.listeners:
                listener.put((event, data))

    def listen(self) -> queue.Queue[tuple[str, str]]:
        listener: queue.Queue[tuple[str, str]] = queue.Queue()
        listener.put(("problems", json.dumps(self.problems, ensure_ascii=False)))
        with self.listeners_lock:
            self.listeners.append(listener)
        return listener

    def forget(self, listener: queue.Queue[tuple[str, str]]) -> None:
        with self.listeners_lock:
            self.listeners.remove(listener)


def _problems(results: list[SiteResult]) -> list[str]:
    return [str(problem) for result in results for problem in result.problems]


PORTS_TRIED = 20  # the next ports tried when the one asked for is taken (another serve, a Jupyter…)


def _listen(host: str, port: int, handler) -> ThreadingHTTPServer:
    """The server on ``port``, or on the next free one, said in one line; an error when none is free."""
    for candidate in range(port, port + PORTS_TRIED) if port else (0,):
        try:
            server = ThreadingHTTPServer((host, candidate), handler)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise CitoyensError(
                    _(
                        "cannot listen on {host}:{port}: {reason}",
                        host=host,
                        port=candidate,
                        reason=error.strerror,
                    )
                ) from None
            continue
        if candidate != port:
            say(
                _(
                    "Port {port} is already taken; the preview uses port {used} (to choose one: {command}).",
                    port=port,
                    used=candidate,
                    command=_choose_port(),
                ),
                style="yellow",
            )
        return server
    raise CitoyensError(
        _(
            "ports {first} to {last} are all taken: choose another one, for example {command}",
            first=port,
            last=port + PORTS_TRIED - 1,
            command=_choose_port(),
        )
    )


def _choose_port() -> str:
    return command("make serve PORT=8080", "citoyens serve --port 8080")


RELOAD_SCRIPT = Path(__file__).parent / "reload.js"
RELOAD_TAG = b'<script src="/__citoyens/reload.js" defer></script>'


class _DevHandler(SimpleHTTPRequestHandler):
    """Serves the output, plus the live-reload script and its event stream."""

    # As the hosts serve them (_headers): UTF-8 text, and the web editor's config.yml as YAML.
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **TEXT_TYPES}

    def __init__(self, *args, dev_server: DevServer, **kwargs):
        self.dev_server = dev_server
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path = self.path.split("?", 1)[0]
        if path == "/__citoyens/reload.js":
            words = json.dumps({"title": _("problem(s) to fix:")}, ensure_ascii=False)
            script = RELOAD_SCRIPT.read_text(encoding="utf-8").replace("CITOYENS_WORDS", words)
            self._send(script.encode("utf-8"), "text/javascript; charset=utf-8")
        elif path == "/__citoyens/events":
            self._stream_events()
        elif self._html_file(path) is not None and "/admin/" not in path + "/":  # reloads lose editor work
            page = self._html_file(path).read_bytes()
            self._send(page.replace(b"</body>", RELOAD_TAG + b"</body>", 1), "text/html; charset=utf-8")
        else:
            super().do_GET()

    def _html_file(self, path: str) -> Path | None:
        target = Path(self.translate_path(path))
        if target.is_dir():
            target = target / "index.html"
        return target if target.suffix == ".html" and target.is_file() else None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A page that is not there (an article a mistake dropped from the build): a page saying so
        in the network's language, with the problems and the reload script, so that the tab comes
        back to the page by itself once the file is fixed.  Other errors: the standard library's."""
        page = Path(self.path.split("?", 1)[0]).suffix in ("", ".html")  # not an image, a stylesheet…
        if code != HTTPStatus.NOT_FOUND or self.command != "GET" or not page:
            super().send_error(code, message, explain)
            return
        self._send(_missing_page(), "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)

    def _send(self, body: bytes, content_type: str, status: int = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream_events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        listener = self.dev_server.listen()
        try:
            while not self.dev_server.stopping.is_set():
                try:
                    event, data = listener.get(timeout=0.5)
                except queue.Empty:
                    continue
                self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab was closed
        finally:
            self.dev_server.forget(listener)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        logger.debug("%s - %s", self.address_string(), format % args)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # always show the latest build
        super().end_headers()


MISSING_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title></head>
<body style="font:17px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem">
<h1>{title}</h1><p>{explain}</p>
"""


def _missing_page() -> bytes:
    """The preview's page for an address with nothing built there; its reload script shows the
    problems of the last rebuild in the banner and comes back to the page after the next one."""
    page = MISSING_PAGE.format(
        lang=current_language(),
        title=escape(_("No page at this address in the preview")),
        explain=escape(
            _(
                "Either it does not exist, or the file that makes it has a problem (in the red "
                "banner): fix it and save, this tab comes back to the page by itself."
            )
        ),
    )
    return page.encode("utf-8") + RELOAD_TAG + b"</body></html>\n"


def serve(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    output_dir: Path | None = None,
    jobs: int | None = None,
) -> int:
    server = DevServer(root, host, port, output_dir, jobs)
    server.start()
    say(_("Serving the network on {url}/ — Ctrl+C to stop.", url=server.url), style="bold")
    try:
        server.stopping.wait()
    except KeyboardInterrupt:
        say(_("Stopped."))
    finally:
        server.stop()
    return 0
