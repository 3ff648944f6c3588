"""A real HTTP server on 127.0.0.1 for the planet's tests, with misbehaving routes."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Route = Callable[[BaseHTTPRequestHandler], None]


class FeedServer:
    """Routes are functions of the request handler; every request is recorded."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def paths(self) -> list[str]:
        return [path for path, _headers in self.requests]

    # Ready-made routes -------------------------------------------------

    @staticmethod
    def respond(
        body: bytes | str, status: int = 200, content_type: str = "application/rss+xml", **headers: str
    ) -> Route:
        payload = body.encode("utf-8") if isinstance(body, str) else body

        def route(handler):
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                handler.send_header(name.replace("_", "-"), value)
            handler.end_headers()
            handler.wfile.write(payload)

        return route

    @staticmethod
    def redirect(location: str, status: int = 301) -> Route:
        def route(handler):
            handler.send_response(status)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        return route

    def silent(self) -> Route:
        """Accepts the connection, never answers (until the server stops)."""

        def route(handler):
            self.stopping.wait(30)

        return route

    def trickle(self, every: float = 0.5) -> Route:
        """Answers 200, then one byte every ``every`` seconds, forever (bounded by the server's life)."""

        def route(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml")
            handler.end_headers()
            for _ in range(200):
                if self.stopping.wait(every):
                    return
                handler.wfile.write(b" ")
                handler.wfile.flush()

        return route

    def endless(self) -> Route:
        """An endless body without Content-Length."""

        def route(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml")
            handler.end_headers()
            chunk = b"<!-- " + b"x" * 65536 + b" -->"
            deadline = time.monotonic() + 20
            while not self.stopping.is_set() and time.monotonic() < deadline:
                handler.wfile.write(chunk)

        return route


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1, self-signed, made by the openssl command in ``folder``:
    for the test servers that speak TLS (a feed, the letter's SMTP)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert)]
        + ["-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key
