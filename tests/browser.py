"""A real Chromium (Debian's ``chromium``) driven over the DevTools protocol, and a static host.

The host serves a built ``output/`` on 127.0.0.1 as Netlify or Cloudflare Pages would:
the ``_headers`` rules applied (the Content-Security-Policy included), the ``_redirects``
rules followed (redirects, and 404 pages per folder).  The browser client needs nothing
but the standard library: a minimal WebSocket client speaks the DevTools protocol.
"""

from __future__ import annotations

import base64
import fnmatch
import functools
import http.server
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

TIMEOUT = 60  # seconds any one browser step may take before the test fails
NETLIFY_DEFAULT_CACHE = "public, max-age=0, must-revalidate"


def chromium_or_skip() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    return path


# ---- the host -------------------------------------------------------------------------------


def _matches(pattern: str, path: str) -> bool:
    """Netlify's path patterns: ``*`` (or ``:splat``) stands for anything, slashes included."""
    return fnmatch.fnmatchcase(path, pattern.replace(":splat", "*"))


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _parse_headers(path: Path) -> list[tuple[str, dict[str, str]]]:
    """``_headers``: a path pattern, then its headers indented under it."""
    rules: list[tuple[str, dict[str, str]]] = []
    for line in _lines(path):
        if line.startswith((" ", "\t")):
            name, _sep, value = line.strip().partition(":")
            rules[-1][1][name.strip()] = value.strip()
        else:
            rules.append((line.strip(), {}))
    return rules


def _parse_redirects(path: Path) -> list[tuple[str, str, int]]:
    """``_redirects``: from, to, status (301 when not said)."""
    rules = []
    for line in _lines(path):
        source, target, *status = line.split()
        rules.append((source, target, int(status[0]) if status else 301))
    return rules


class _Host(http.server.SimpleHTTPRequestHandler):
    """Serves files, the folder's _headers and _redirects applied as Netlify does: a rule
    applies only where no file answers (no forcing), the first matching one."""

    headers_rules: list[tuple[str, dict[str, str]]] = []
    redirects: list[tuple[str, str, int]] = []
    status_override: int | None = None

    def log_message(self, *args) -> None:  # quiet: pytest shows what failed
        pass

    def _path(self) -> str:
        return unquote(urlsplit(self.path).path)

    def send_response(self, code, message=None):
        super().send_response(self.status_override or code, message)

    def _ruled(self) -> dict[str, list[str]]:
        """Every matching rule's headers, the values of one header joined (as Netlify and
        Cloudflare Pages do); their default Cache-Control when no rule gives one."""
        path, joined = self._path(), {"Cache-Control": []}
        for pattern, values in self.headers_rules:
            if _matches(pattern, path):
                for name, value in values.items():
                    joined.setdefault(name, []).append(value)
        joined["Cache-Control"] = joined["Cache-Control"] or [NETLIFY_DEFAULT_CACHE]
        return joined

    def send_header(self, keyword, value):
        # A rule's Content-Type replaces the type guessed from the file's name, as on the hosts
        # (two Content-Type headers make a browser show a feed as plain text).
        ruled_type = not getattr(self, "ruling", False) and "Content-Type" in self._ruled()
        if keyword.lower() == "content-type" and ruled_type:
            return
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        self.ruling = True
        for name, values in self._ruled().items():
            self.send_header(name, ", ".join(values))
        self.ruling = False
        super().end_headers()

    def send_head(self):
        path = self._path()
        if Path(self.translate_path(path)).exists():
            return super().send_head()
        for source, target, status in self.redirects:
            if not _matches(source, path):
                continue
            splat = path[len(source.rstrip("*")) :] if source.endswith("*") else ""
            destination = target.replace(":splat", splat)
            if status in (301, 302):
                self.send_response(status)
                self.send_header("Location", destination)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            self.path, self.status_override = destination, status
            return super().send_head()
        if Path(self.translate_path("/404.html")).is_file():  # what Netlify and others do at the root
            self.path, self.status_override = "/404.html", 404
        return super().send_head()


@contextmanager
def static_host(folder: Path):
    """``folder`` served on http://127.0.0.1:<free port>, its _headers and _redirects applied;
    yields the address."""
    rules = {
        "headers_rules": _parse_headers(folder / "_headers"),
        "redirects": _parse_redirects(folder / "_redirects"),
    }
    handler = functools.partial(type("Host", (_Host,), rules), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def status_of(url: str) -> int:
    """The status a plain client gets for ``url`` (redirects followed)."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# ---- the browser ----------------------------------------------------------------------------


class _WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: text frames, one client."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += self.sock.recv(1)
        assert reply.startswith(b"HTTP/1.1 101"), reply

    def send(self, text: str) -> None:
        payload = text.encode()
        size = len(payload)
        header = bytes([0x81])
        if size < 126:
            header += bytes([0x80 | size])
        elif size < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", size)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", size)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _exactly(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("the browser closed the connection")
            data += chunk
        return data

    def receive(self) -> str:
        message = b""
        while True:
            first, second = self._exactly(2)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack(">H", self._exactly(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", self._exactly(8))[0]
            payload = self._exactly(size)
            opcode = first & 0x0F
            if opcode == 8:
                raise ConnectionError("the browser closed the connection")
            if opcode in (0, 1, 2):
                message += payload
                if first & 0x80:
                    return message.decode()

    def close(self) -> None:
        self.sock.close()


class Page:
    """One tab: navigate, evaluate JavaScript, and the requests it made."""

    def __init__(self, websocket_url: str):
        self.socket = _WebSocket(websocket_url)
        self.counter = 0
        self.events: list[dict] = []
        self.call("Page.enable")
        self.call("Network.enable")
        self.call("Runtime.enable")

    def call(self, method: str, **params) -> dict:
        self.counter += 1
        self.socket.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.receive())
            if message.get("id") == self.counter:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def _wait_for(self, event: str) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for message in self.events:
                if message.get("method") == event:
                    self.events.remove(message)
                    return message
            self.events.append(json.loads(self.socket.receive()))
        raise TimeoutError(event)

    def goto(self, url: str) -> None:
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.call("Page.navigate", url=url)
        self._wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        """The value of ``expression`` (awaited when it is a promise)."""
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def path_after_redirect(self, before: str) -> str:
        """Where the page ends up once it has left ``before`` (a meta refresh), or ``before``."""
        deadline = time.monotonic() + TIMEOUT / 4
        while time.monotonic() < deadline:
            try:
                path = self.evaluate("location.pathname")
            except RuntimeError:  # navigating: the old document is gone
                path = before
            if path != before:
                self._wait_for("Page.loadEventFired")
                return path
            time.sleep(0.05)
        return before

    def requested(self) -> list[str]:
        """Every URL the page asked for since it was opened."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def console_errors(self) -> list[str]:
        """What the browser reported as errors (a CSP violation, a failed script)."""
        return [
            f"{e['params']['entry']['text']} ({e['params']['entry'].get('url', '')})"
            for e in self.events
            if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
        ]

    def search(self, words: str) -> list[str]:
        """Type ``words`` into the Pagefind search box as a reader would, load every page of
        results ("more results"); the result links."""
        return self.evaluate(
            """new Promise((resolve, reject) => {
          const words = %s, started = Date.now();
          const late = () => Date.now() - started > 30000;
          // Done: "N résultats pour …", "Pas de résultat pour …"; not yet: "Recherche de …..."
          const finished = () => {
            const message = document.querySelector(".pagefind-ui__message");
            const text = message?.textContent.trim();
            return message && text.includes(words) && !/\\.\\.\\.$|…$/.test(text);
          };
          const collect = () => {
            if (late()) { return reject("the search did not finish: " + words); }
            if (!finished()) { return setTimeout(collect, 50); }
            const shown = document.querySelectorAll(".pagefind-ui__result").length;
            if (document.querySelector(".pagefind-ui__loading")
                || document.querySelectorAll(".pagefind-ui__result-link").length < shown) {
              return setTimeout(collect, 50);  // results still arriving
            }
            const more = document.querySelector(".pagefind-ui__button");
            if (more) { more.click(); return setTimeout(collect, 200); }
            resolve([...document.querySelectorAll(".pagefind-ui__result-link")].map(a => a.href));
          };
          const type = () => {
            const input = document.querySelector(".pagefind-ui__search-input");
            if (!input) { return late() ? reject("no search box") : setTimeout(type, 50); }
            input.value = words;
            input.dispatchEvent(new Event("input", {bubbles: true}));
            setTimeout(collect, 100);
          };
          type();
        })"""
            % json.dumps(words)
        )

    def close(self) -> None:
        self.socket.close()


class Chromium:
    """A headless Chromium of its own (fresh profile), on a free DevTools port."""

    def __init__(self):
        executable = chromium_or_skip()
        self.profile = tempfile.mkdtemp(prefix="citoyens-chromium-")
        self.process = subprocess.Popen(
            [
                executable,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.endpoint = self._endpoint()

    def _endpoint(self) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            match = re.search(r"DevTools listening on ws://([^/]+)/", line)
            if match:
                return f"http://{match.group(1)}"
            if not line and self.process.poll() is not None:
                break
        raise RuntimeError("chromium did not start")

    def new_page(self) -> Page:
        request = urllib.request.Request(f"{self.endpoint}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            target = json.load(response)
        page = Page(target["webSocketDebuggerUrl"])
        page.call("Log.enable")
        return page

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


@contextmanager
def chromium():
    browser = Chromium()
    try:
        yield browser
    finally:
        browser.close()
