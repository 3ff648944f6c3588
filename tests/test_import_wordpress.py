"""What WordPress had survives the import (issue 20, point 9): captions, authors, local times,
links between posts, the old addresses, drafts.  Each test imports an export written here, then
reads the files written and the site built from them."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from feedserver import FeedServer
from PIL import Image
from test_external_planet import FAST

from citoyens_ssg.cli import main
from citoyens_ssg.tools.importer import import_blog

OLD = "https://ancien-blog.example.org"
NEW = "https://reseau.example.org/jardin/"


def export(items: str, image_server: str = "") -> str:
    """A WordPress export (WXR 1.2) of the old blog, its authors first as WordPress writes them."""
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Le jardin</title>
  <link>{OLD}</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[maiwenn]]></wp:author_login>
    <wp:author_display_name><![CDATA[Maïwenn Le Gall]]></wp:author_display_name></wp:author>
  {items.replace("IMAGE_SERVER", image_server)}
</channel>
</rss>
"""


def post(
    title: str,
    name: str,
    body: str,
    *,
    post_id: int,
    local: str,
    utc: str,
    status: str = "publish",
    kind: str = "post",
    link: str | None = None,
    creator: str = "maiwenn",
) -> str:
    link = f"{OLD}/2024/06/{name}/" if link is None else link
    return f"""<item>
    <title>{title}</title>
    <link>{link}</link>
    <dc:creator><![CDATA[{creator}]]></dc:creator>
    <content:encoded><![CDATA[{body}]]></content:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date><![CDATA[{local}]]></wp:post_date>
    <wp:post_date_gmt><![CDATA[{utc}]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[{name}]]></wp:post_name>
    <wp:status><![CDATA[{status}]]></wp:status>
    <wp:post_type><![CDATA[{kind}]]></wp:post_type>
  </item>"""


FETE = """Le grand jour est arrivé.

[caption id="attachment_7" align="aligncenter" width="300"]<a href="IMAGE_SERVER/wp-content/uploads/semis.png"><img src="IMAGE_SERVER/wp-content/uploads/semis.png" alt="Des semis en godets" width="300" height="200" /></a> Les semis de la classe de CM1[/caption]

Voir aussi <a href="https://ancien-blog.example.org/2024/06/compost/#le-tas">le tas de compost</a>, <a href="http://www.ancien-blog.example.org/?p=43">qui sommes-nous</a> et <a href="https://ailleurs.example.org/2024/06/compost/">un autre blog</a>.

[gallery ids="7,8"]

[contact-form-7 id="12" title="Contact"]"""  # noqa: E501 (a post as WordPress writes it: a paragraph on one line)

ITEMS = "\n".join(
    [
        post(
            "Fête des semis",
            "fete-des-semis",
            FETE,
            post_id=41,
            local="2024-06-21 18:30:00",
            utc="2024-06-21 16:30:00",
        ),
        post(
            "Le compost",
            "compost",
            '<h2>Le tas</h2>\nRetour à <a href="/2024/06/fete-des-semis">la fête</a>',
            post_id=42,
            local="2024-06-22 09:05:00",
            utc="2024-06-22 07:05:00",
            creator="inconnu",
        ),
        post(
            "Qui sommes-nous",
            "qui-sommes-nous",
            "Une association de quartier.",
            post_id=43,
            kind="page",
            local="2023-01-10 10:00:00",
            utc="2023-01-10 09:00:00",
            link=f"{OLD}/qui-sommes-nous/",
        ),
        # A draft never scheduled: no name, no UTC time, as WordPress writes it.
        post(
            "Brouillon de juillet",
            "",
            "Pas fini.",
            post_id=44,
            status="draft",
            local="2024-07-01 11:00:00",
            utc="0000-00-00 00:00:00",
            link=f"{OLD}/?p=44",
        ),
        # A hostile old address: its redirect page must stay inside the redirects' folder.
        post(
            "Évasion",
            "evasion",
            "Texte.",
            post_id=45,
            local="2024-06-23 10:00:00",
            utc="2024-06-23 08:00:00",
            link=f"{OLD}/../../../evasion/%2e%2e/",
        ),
        post(
            "Octet nul",
            "octet-nul",
            "Texte.",
            post_id=46,
            local="2024-06-24 10:00:00",
            utc="2024-06-24 08:00:00",
            link=f"{OLD}/evasion%00/%2e%2e%2fevasion/",
        ),
    ]
)


@pytest.fixture
def imported(network):
    network.site("jardin", "name: Jardin partagé\ntimezone: Europe/Paris\n")
    picture = io.BytesIO()
    Image.new("RGB", (300, 200), "green").save(picture, "PNG")
    with FeedServer() as server:
        server.routes["/wp-content/uploads/semis.png"] = FeedServer.respond(
            picture.getvalue(), content_type="image/png"
        )
        source = network.write("export.xml", export(ITEMS, server.url))
        report = import_blog(network.root, "jardin", str(source), FAST)
    return network, report


def written(network, name: str) -> tuple[list[str], str]:
    header, body = (network.root / "sites/jardin/content" / name).read_text(encoding="utf-8").split("\n\n", 1)
    return header.splitlines(), body


def test_captions_become_figures_with_their_caption(imported):
    network, report = imported
    _header, body = written(network, "2024-06-21-fete-des-semis.md")
    figure = re.search(r"^<figure>.*</figure>$", body, re.M)
    assert figure and "<figcaption>Les semis de la classe de CM1</figcaption>" in figure.group(0)
    assert re.search(r'src="\{static\}/images/semis-[0-9a-f]{6}\.png"', figure.group(0))
    assert "[caption" not in body and "[/caption]" not in body
    assert report.images == 1
    assert main(["build", "-C", str(network.root)]) == 0
    page = network.read("jardin/fete-des-semis.html")
    built = re.search(r"<figure>(.*?)</figure>", page, re.S)
    assert built and 'alt="Des semis en godets"' in built.group(1)
    assert re.search(r"<figcaption>Les semis de la classe de CM1</figcaption>", built.group(1))


def test_other_shortcodes_are_named_per_file_and_left_visible(imported):
    network, report = imported
    file = "sites/jardin/content/2024-06-21-fete-des-semis.md"
    assert report.warnings == [
        f"{file}: WordPress shortcode [{name}] left as text; replace it by hand"
        for name in ("gallery", "contact-form-7")
    ]
    _header, body = written(network, "2024-06-21-fete-des-semis.md")
    assert '[gallery ids="7,8"]' in body and "[contact-form-7 " in body
    assert main(["build", "-C", str(network.root)]) == 0
    assert "[gallery ids=" in network.read("jardin/fete-des-semis.html")


def test_authors_by_display_name_and_times_as_wordpress_showed_them(imported):
    network, _report = imported
    header, _body = written(network, "2024-06-21-fete-des-semis.md")
    assert "Author: Maïwenn Le Gall" in header and "Date: 2024-06-21 18:30" in header
    header, _body = written(network, "2024-06-22-compost.md")
    assert "Author: inconnu" in header and "Date: 2024-06-22 09:05" in header  # no display name: the login
    assert main(["build", "-C", str(network.root)]) == 0
    page = network.read("jardin/fete-des-semis.html")
    assert 'datetime="2024-06-21T18:30:00+02:00"' in page and "Maïwenn Le Gall" in page


def test_links_to_the_old_blog_lead_to_the_new_pages(imported):
    network, _report = imported
    _header, body = written(network, "2024-06-21-fete-des-semis.md")
    assert "[le tas de compost]({filename}/2024-06-22-compost.md#le-tas)" in body
    assert "[qui sommes-nous]({filename}/pages/qui-sommes-nous.md)" in body  # by its ?p= number, www. or not
    assert "(https://ailleurs.example.org/2024/06/compost/)" in body  # another blog: untouched
    _header, back = written(network, "2024-06-22-compost.md")
    assert "[la fête]({filename}/2024-06-21-fete-des-semis.md)" in back  # root-relative on the old blog
    assert main(["build", "-C", str(network.root)]) == 0
    page = network.read("jardin/fete-des-semis.html")
    assert 'href="/jardin/compost.html#le-tas"' in page
    assert 'href="/jardin/pages/qui-sommes-nous.html"' in page
    assert "ancien-blog.example.org" not in page


def test_old_addresses_redirect_to_the_new_pages(imported):
    network, report = imported
    folder = network.root / "redirections/jardin"
    assert report.redirects == folder.resolve()
    assert (folder / "_redirects").read_text(encoding="utf-8").splitlines() == [
        f"/2024/06/compost  {NEW}compost.html  301",
        f"/2024/06/fete-des-semis  {NEW}fete-des-semis.html  301",
        f"/evasion%00/%2e%2e%2fevasion  {NEW}octet-nul.html  301",
        f"/qui-sommes-nous  {NEW}pages/qui-sommes-nous.html  301",
    ]  # not the draft (no page yet), not the hostile address, not ?p= (no file can hold it)
    # The address with a NUL byte and %2e%2e%2f has its line (Netlify matches it as written), no page.
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert pages == [
        "2024/06/compost/index.html",
        "2024/06/fete-des-semis/index.html",
        "qui-sommes-nous/index.html",
    ]
    moved = (folder / "2024/06/compost/index.html").read_text(encoding="utf-8")
    assert f'<meta http-equiv="refresh" content="0; url={NEW}compost.html">' in moved
    assert '<html lang="fr">' in moved and "déménagé" in moved
    # the network's own redirect pages' shape: a search engine indexes the new page, not this one
    assert '<meta name="robots" content="noindex">' in moved
    assert f'<link rel="canonical" href="{NEW}compost.html">' in moved
    assert not list(network.root.glob("evasion*"))
    assert not list((network.root / "redirections").glob("evasion*"))
    assert main(["build", "-C", str(network.root)]) == 0
    for line in (folder / "_redirects").read_text(encoding="utf-8").splitlines():
        target = line.split()[1].removeprefix("https://reseau.example.org/")
        assert (network.output / target).is_file(), target


def test_drafts_stay_drafts_and_check_accepts_them(imported, capsys):
    network, _report = imported
    header, _body = written(network, "2024-07-01-brouillon-de-juillet.md")
    assert "Status: draft" in header and "Date: 2024-07-01 11:00" in header
    capsys.readouterr()
    assert main(["check", "-C", str(network.root)]) == 0, capsys.readouterr().err
    assert main(["build", "-C", str(network.root)]) == 0
    assert not list(network.output.rglob("*brouillon*"))
    assert "Brouillon de juillet" not in network.read("jardin/feeds/all.atom.xml")


def test_a_feed_is_imported_in_the_sites_time_zone(network):
    network.site("jardin", "name: Jardin partagé\ntimezone: America/Montreal\n")
    feed = network.write(
        "flux.xml",
        """<?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>Blog</title><link>https://blog.example.org/</link>
        <item><title>Billet</title><link>https://blog.example.org/billet</link>
        <pubDate>Fri, 21 Jun 2024 16:30:00 GMT</pubDate><description>Texte.</description></item>
        </channel></rss>
    """,
    )
    report = import_blog(network.root, "jardin", str(feed), FAST)
    assert [path.name for path in report.written] == ["2024-06-21-billet.md"]
    assert "Date: 2024-06-21 12:30" in report.written[0].read_text(encoding="utf-8")  # UTC−4 in June


def test_the_command_names_each_shortcode_and_the_redirects(network, capsys):
    network.site("jardin", "name: Jardin partagé\n")
    items = post(
        "Galerie",
        "galerie",
        'Photos : [gallery ids="1"]',
        post_id=1,
        local="2024-06-01 10:00:00",
        utc="2024-06-01 08:00:00",
    )
    source = network.write("export.xml", export(items))
    assert main(["import", "-C", str(network.root), "jardin", str(source)]) == 0
    captured = capsys.readouterr()
    assert (
        "WARNING sites/jardin/content/2024-06-01-galerie.md: WordPress shortcode [gallery] left as text;"
        " replace it by hand"
    ) in captured.err
    assert "redirections/jardin/" in captured.out


def test_nothing_is_written_outside_the_redirects_folder(imported):
    network, _report = imported
    outside = [p for p in network.root.rglob("*") if "evasion" in p.name.lower() and p.suffix != ".md"]
    assert outside == []
    assert all(
        Path(p).resolve().is_relative_to((network.root / "redirections").resolve())
        for p in (network.root / "redirections").rglob("*")
    )
