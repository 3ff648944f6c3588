"""A volunteer writes in the web editor, in Chromium, against the local backend (issue 23, `make edit`)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading

import pytest

from citoyens_ssg.dev.server import DevServer
from citoyens_ssg.editor.local import start_local_backend, stop_local_backend
from citoyens_ssg.editor.pages import PROJECT
from citoyens_ssg.network.headers import EDITOR_POLICY

TOOLS = PROJECT / "tools" / "editor"
INSTALLED = all(
    (TOOLS / "node_modules" / name).is_dir() for name in ("playwright-core", "decap-cms", "decap-server")
)
pytestmark = pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("node") and INSTALLED),
    reason="needs chromium, node and `make editor`",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_article_with_an_image_and_an_event_written_in_the_editor(network, tmp_path):
    from PIL import Image

    network.write(
        "network.yaml",
        """
        name: Réseau de test
        url: https://reseau.example.org
        editeur:
          backend: gitlab
          repo: reseau/site
    """,
    )
    network.site("jardin", "name: Jardin partagé\n")
    network.article("jardin", "bienvenue", "Bienvenue", "2026-09-01")
    photo = tmp_path / "potager.jpg"
    Image.new("RGB", (640, 400), (200, 80, 40)).save(photo)
    backend_port = free_port()
    backend = start_local_backend(network.root, backend_port)
    server = DevServer(network.root, port=0)
    try:
        server.start()
        run = subprocess.run(
            [
                "node",
                "editor-flow.mjs",
                f"{server.url}/jardin/admin/",
                "jardin",
                str(photo),
                str(backend_port),
            ],
            cwd=TOOLS,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "EDITOR_CSP": EDITOR_POLICY},
        )
    finally:
        server.stop()
        stop_local_backend(backend)
        for thread in threading.enumerate():  # the rebuild the last save started ends before ours
            if thread.name == "rebuild":
                thread.join()
    assert run.returncode == 0, run.stderr[-3000:]
    content = network.root / "sites/jardin/content"
    assert (content / "le-potager-partage-ouvre-ses-portes.md").read_text(encoding="utf-8") == (
        "Title: Le potager partagé ouvre ses portes\nDate: 2026-11-20 18:30\n\n"
        "![Des plants de tomates au soleil]({static}/images/potager.jpg)\n\n"
        "Venez planter avec nous samedi.\n"
    )
    assert (content / "images/potager.jpg").read_bytes() == photo.read_bytes()
    assert (content / "agenda/atelier-semis.md").read_text(encoding="utf-8") == (
        "Title: Atelier semis\nStart: 2026-12-05 14:00\nEnd: 2026-12-05 17:00\n"
        "Place: Jardin de la rue de Siam\nAddress: 12 rue de Siam, 29200 Kerlouan-sur-Mer\n"
        "Latitude: 48.3895\nLongitude: -4.487\nPrice: gratuit\n\n"
    )

    report = network.build()
    assert report.ok, [str(p) for s in report.sites for p in s.problems]
    article = network.read("jardin/le-potager-partage-ouvre-ses-portes.html")
    assert 'alt="Des plants de tomates au soleil"' in article and "potager" in article
    assert "Jardin de la rue de Siam" in network.read("jardin/agenda/atelier-semis.html")
    assert "Atelier semis" in network.read("agenda/index.html")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["refused"] == []  # the editor works under the policy the host sends for /admin/
    # Decap's own markup; the figures are in docs/administration.md.
    print("axe-core on the editor:", result["collections"], result["entry"])
