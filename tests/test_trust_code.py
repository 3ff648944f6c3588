"""An association's folder is data, never code: its templates, its site.yaml and its
content files cannot make the build run code, read files or print markup.

Each test plays the hostile member: a real build (or check) of a hostile folder,
the output's bytes read back.
"""

from __future__ import annotations

import re

import pytest
from feedserver import FeedServer

from citoyens_ssg.cli import main

# Each payload would create the marker file (or print /etc/passwd) if it reached Python.
TEMPLATE_ESCAPES = {
    "globals": "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch MARKER') }}",
    "cycler": "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "lipsum": "{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}",
    "subclasses": "{% for c in ''.__class__.__mro__[1].__subclasses__() %}"
    "{% if c.__name__ == 'Popen' %}{{ c('touch MARKER', shell=True) }}{% endif %}{% endfor %}",
    "range": "{{ range.__globals__['__builtins__']['__import__']('os').system('touch MARKER') }}",
    "open": "{{ lipsum.__globals__.__builtins__.open('/etc/passwd').read() }}",
    "context": "{{ self._TemplateReference__context.environment.__class__.__init__.__globals__ }}",
    "format": "{{ '{0.__init__.__globals__[os].system}'.format(cycler) }}",
    "range-class": "{{ range.__class__.__subclasses__() }}",
    # What the context reaches: Pelican's settings hold reader classes and the bytecode cache.
    "reader": "{% for a in articles %}{{ READERS.md(a.settings).read('/etc/passwd') }}{% endfor %}",
    "reader-method": "{% for a in articles %}{{ READERS.md.read(a, '/etc/passwd') }}{% endfor %}",
    "settings": "{% for a in articles %}{{ a.settings.update({'OUTPUT_PATH': '/tmp'}) }}{% endfor %}",
    "cache": "{{ JINJA_ENVIRONMENT.bytecode_cache.clear() }}",
}


def run(network, capsys, command: str) -> tuple[int, str]:
    code = main([command, "-C", str(network.root), *(["-j", "2"] if command == "build" else [])])
    return code, capsys.readouterr().err


def hostile_templates(network, marker) -> None:
    for name, payload in TEMPLATE_ESCAPES.items():
        network.site(name, f"name: Site {name}\n")
        network.article(name, "billet", "Billet", "2026-01-01")
        network.write(
            f"sites/{name}/theme/templates/index.html",
            "<p>Accueil</p>\n" + payload.replace("MARKER", str(marker)) + "\n",
        )
    network.site("sage", "name: Sage\n")
    network.article("sage", "billet", "Billet sage", "2026-01-01")


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_site_template_cannot_reach_python(network, capsys, tmp_path, command):
    marker = tmp_path / "pwned"
    hostile_templates(network, marker)
    code, err = run(network, capsys, command)
    assert code == 1
    assert not marker.exists()
    for name in TEMPLATE_ESCAPES:
        assert f"ERROR sites/{name}/theme/templates/index.html:2: template refused by the sandbox: " in err, (
            name,
            err,
        )
    assert "Traceback" not in err
    published = b"".join(
        path.read_bytes() for path in network.root.rglob("*") if path.is_file() and "output" in path.parts
    )
    assert b"root:x:0:0" not in published
    if command == "build":
        assert "FAILED open: not published" in err
        assert not (network.output / "open").exists()
        assert (network.output / "sage" / "billet.html").is_file()  # the address comes from the file name


@pytest.mark.parametrize("theme", ["simple", "notmyidea"])
def test_pelican_themes_escape_site_values_and_show_bodies_as_html(network, capsys, theme):
    network.site(
        "a",
        f"name: '<script>alert(1)</script>'\ndescription: '<img src=x onerror=alert(2)>'\ntheme: {theme}\n",
    )
    network.article(
        "a", "billet", "Billet", "2026-01-01", body="Un *texte* sain.", Summary="Un résumé **gras**."
    )
    code, err = run(network, capsys, "build")
    assert code == 0, err
    index, article = network.read("a/index.html"), network.read("a/billet.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    for page in (network.output / "a").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, page
    assert "<p>Un <em>texte</em> sain.</p>" in article  # the sanitised body is HTML, not escaped text
    assert "<strong>gras</strong>" in index or "<em>texte</em>" in index  # notmyidea shows the newest in full
    assert not re.search(r"&lt;(p|em|strong)&gt;", index + article)


RST_INCLUDE = """\
Secrets
#######

:date: 2026-01-01

.. include:: /etc/passwd
"""
RST_RAW_URL = """\
Interne
#######

:date: 2026-01-01

.. raw:: html
   :url: {url}/metadata
"""
HTML_PAGE = """\
<html><head><title>Page HTML</title><meta name="date" content="2026-01-01"></head>
<body><script>alert(1)</script><p>Texte HTML</p></body></html>
"""


def test_sites_read_markdown_only(network, capsys):
    network.site("a", "name: A\n")
    network.article("a", "sain", "Article sain", "2026-01-01")
    with FeedServer() as server:
        server.routes["/metadata"] = FeedServer.respond("SECRET-DU-SERVEUR", content_type="text/html")
        network.write("sites/a/content/secrets.rst", RST_INCLUDE)
        network.write("sites/a/content/pages/interne.RST", RST_RAW_URL.format(url=server.url))
        network.write("sites/a/content/page.html", HTML_PAGE)
        network.write("sites/a/content/fichiers/copie.htm", HTML_PAGE)
        code, err = run(network, capsys, "build")
        assert server.requests == []
    assert code == 1
    for name in ("secrets.rst", "pages/interne.RST", "page.html", "fichiers/copie.htm"):
        assert f"ERROR sites/a/content/{name}: only Markdown is read: rename the file to .md" in err, (
            name,
            err,
        )
    assert (network.output / "a" / "sain.html").is_file()  # the address comes from the file name
    published = b"".join(path.read_bytes() for path in network.output.rglob("*") if path.is_file())
    for leaked in (b"root:x:0:0", b"SECRET-DU-SERVEUR", b"<script>alert(1)", b"Texte HTML", b"Secrets"):
        assert leaked not in published, leaked
    assert not [path for path in network.output.rglob("*") if path.suffix.lower() in (".rst", ".htm")]


HOSTILE_SETTINGS = {
    "markdown": "MARKDOWN:\n    extensions: ['subprocess:Popen']\n"
    "    extension_configs: {'subprocess:Popen': {args: 'touch MARKER', shell: true}}\n",
    "regex": "FILENAME_METADATA: '(a+)+$'\n",
    "suffix": "SUMMARY_END_SUFFIX: '<script>alert(1)</script>'\n",
    "pages": "TEMPLATE_PAGES: {'/etc/passwd': 'passwd.txt'}\n",
    "jinja": "JINJA_GLOBALS: {x: 1}\n",
}


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_site_passes_pelican_only_allowlisted_plain_values(network, capsys, tmp_path, command):
    marker = tmp_path / "pwned"
    for slug, setting in HOSTILE_SETTINGS.items():
        network.site(slug, f"name: Site {slug}\npelican:\n  {setting.replace('MARKER', str(marker))}")
        network.article(slug, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "Billet", "2026-01-01")
    network.site("sage", "name: Sage\n")
    code, err = run(network, capsys, command)
    assert code == 1
    for slug, setting in HOSTILE_SETTINGS.items():
        key = setting.split(":")[0]
        assert (
            f"sites/{slug}/site.yaml:3: 'pelican.{key}' is not among the settings a site may pass to Pelican"
            in err
        ), err
    assert not marker.exists()
    published = b"".join(
        path.read_bytes() for path in network.root.rglob("*") if path.is_file() and "output" in path.parts
    )
    assert b"root:x:0:0" not in published and b"<script>alert(1)" not in published


def test_allowlisted_settings_are_checked_and_their_text_escaped(network, capsys):
    network.site(
        "a",
        """\
name: A
theme: simple
pelican:
  DEFAULT_PAGINATION: 2
  SUMMARY_MAX_LENGTH: null
  ARTICLE_ORDER_BY: title
  MENUITEMS:
    - ['<script>alert(1)</script>', /a/agenda/]
    - [Écrire, 'mailto:contact@example.org']
""",
    )
    network.article("a", "billet", "Billet", "2026-01-01")
    code, err = run(network, capsys, "build")
    assert code == 0, err
    index = network.read("a/index.html")
    assert '<a href="/a/agenda/">&lt;script&gt;alert(1)&lt;/script&gt;</a>' in index
    assert '<a href="mailto:contact@example.org">Écrire</a>' in index and "<script>alert" not in index
    network.site(
        "a",
        """\
name: A
pelican:
  DEFAULT_PAGINATION: 500
  ARTICLE_ORDER_BY: 'title; import os'
  MENUITEMS:
    - [Piège, 'javascript:alert(1)']
    - [Seul]
""",
    )
    code, err = run(network, capsys, "build")
    assert code == 1
    for expected in (
        "sites/a/site.yaml:3: key 'pelican.DEFAULT_PAGINATION' (articles per page of a listing): expected a "
        "number between 1 and 100",
        "sites/a/site.yaml:4: key 'pelican.ARTICLE_ORDER_BY' (order of articles in listings): expected one "
        "of reversed-date, date,",
        "sites/a/site.yaml:6: key 'pelican.MENUITEMS': expected an address starting with https://, http:// "
        "or mailto:",
        "sites/a/site.yaml:7: key 'pelican.MENUITEMS': expected [text, address], got a list",
    ):
        assert expected in err, (expected, err)


def test_a_site_theme_holds_only_styles_images_and_fonts(network, capsys):
    network.site("a", "name: A\n")
    network.article("a", "billet", "Billet", "2026-01-01")
    network.write("sites/a/theme/static/css/extra.css", "h1 { color: #123456; }\n")
    network.write("sites/a/theme/static/js/piege.js", "fetch('/admin')\n")
    network.write("sites/a/theme/static/page.xhtml", "<html><script>alert(1)</script></html>\n")
    network.write(
        "sites/a/theme/templates/base.html", '<script src="{{ SITEURL }}/theme/js/piege.js"></script>\n'
    )
    network.site("b", "name: B\n")
    network.article("b", "billet", "Billet de B", "2026-01-01")
    code, err = run(network, capsys, "build")
    assert code == 1
    for name in ("js/piege.js", "page.xhtml"):
        assert (
            f"ERROR sites/a/theme/static/{name}: a site's theme files may only be stylesheets, images or "
            "fonts" in err
        ), err
    assert "ok     a" in err and "extra.css:" not in err  # published with the network's theme alone
    assert not list(network.output.rglob("piege.js")) and not list(network.output.rglob("*.xhtml"))
    assert not list(network.output.rglob("extra.css"))  # the refused folder is left out whole
    assert (network.output / "b" / "billet.html").is_file()  # the address comes from the file name
    (network.root / "sites/a/theme/static/js/piege.js").unlink()
    (network.root / "sites/a/theme/static/page.xhtml").unlink()
    network.write("sites/a/theme/templates/base.html", "{% extends '!theme/base.html' %}\n")
    assert run(network, capsys, "build")[0] == 0
    # theme assets live under a content-named folder: a/theme/<8 hex>/css/extra.css
    assert [
        path.relative_to(network.output / "a" / "theme").parts[1:]
        for path in (network.output / "a" / "theme").glob("*/css/extra.css")
    ] == [("css", "extra.css")]


def test_check_names_refused_files_without_building(network, capsys):
    network.site("a", "name: A\n")
    network.article("a", "sain", "Article sain", "2026-01-01")
    network.write("sites/a/content/secrets.rst", RST_INCLUDE)
    network.write("sites/a/theme/static/piege.js", "fetch('/admin')\n")
    code = main(["check", "-C", str(network.root), "--no-build"])
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "sites/a/theme/static/piege.js: a site's theme files may only be stylesheets, images or fonts" in err
    ), err
    network.write("sites/a/theme/static/piege.js", "").unlink()
    assert main(["check", "-C", str(network.root), "--no-build"]) == 1
    assert "sites/a/content/secrets.rst: only Markdown is read" in capsys.readouterr().err
    assert not network.output.exists()
