"""The editor's local backend for ``make edit``: Decap's ``decap-server`` on 127.0.0.1:8081.

It reads and writes the files of this folder (``MODE=fs``), as a volunteer's text editor would;
the dev server's watcher rebuilds what changed and reloads the preview.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from citoyens_ssg.editor.pages import PROJECT
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.i18n import _

SERVER = Path("tools", "editor", "node_modules", "decap-server", "dist", "index.js")
PORT = 8081  # where Decap's local_backend looks; the admin CSP allows it
STARTUP_SECONDS = 30


def find_server(root: Path) -> Path | None:
    for base in (root, PROJECT):
        if (base / SERVER).is_file():
            return base / SERVER
    return None


def start_local_backend(root: Path, port: int = PORT) -> subprocess.Popen:
    """Start decap-server on 127.0.0.1 for the folder ``root``; return once it accepts connections."""
    server, node = find_server(root), shutil.which("node")
    if server is None or node is None:
        raise CitoyensError(_("the local editor needs Node.js and 'make editor' (npm) first"))
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "MODE": "fs",
        "GIT_REPO_DIRECTORY": str(root.resolve()),
        "LOG_LEVEL": "warn",
    }
    # Only what it needs in its environment: no secret of the shell that ran `make edit`.
    process = subprocess.Popen([node, str(server)], cwd=root, env=environment)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CitoyensError(_("the local editor stopped at start (is port {port} taken?)", port=port))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise CitoyensError(_("the local editor did not start within {seconds} s", seconds=STARTUP_SECONDS))


def stop_local_backend(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
