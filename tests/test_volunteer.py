"""The volunteer's loop: scaffolds that build, a checker that names each problem, imports."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from feedserver import FeedServer
from PIL import Image
from test_external_planet import FAST, item, rss

from citoyens_ssg import i18n
from citoyens_ssg.cli import main
from citoyens_ssg.tools.importer import import_blog

DATA = Path(__file__).parent / "data"


def test_new_site_and_new_post_build_cleanly(network, capsys):
    assert main(["new-site", "-C", str(network.root), "Les Amis du Vélo à Kerlouan !"]) == 0
    assert "sites/les-amis-du-velo-a-kerlouan" in capsys.readouterr().out
    assert (
        main(
            [
                "new-post",
                "-C",
                str(network.root),
                "les-amis-du-velo-a-kerlouan",
                "Sortie du dimanche : la côte",
            ]
        )
        == 0
    )
    articles = sorted((network.root / "sites/les-amis-du-velo-a-kerlouan/content").glob("*.md"))
    assert [p.name[11:] for p in articles] == ["bienvenue.md", "sortie-du-dimanche-la-cote.md"]
    welcome = articles[0].read_text(encoding="utf-8")  # « des Amis », never « de Les Amis »
    assert welcome.startswith("Title: Bienvenue sur le site des Amis du Vélo à Kerlouan !\n")
    assert "Voici le premier article des Amis du Vélo à Kerlouan !, en brouillon" in welcome
    assert articles[1].read_text(encoding="utf-8").startswith("Title: Sortie du dimanche : la côte\nDate: ")
    assert main(["check", "-C", str(network.root)]) == 0  # a draft: its placeholder text is only a warning
    written = articles[1].read_text(encoding="utf-8").replace("Status: draft\n", "")
    articles[1].write_text(written.replace("Summary:", "Summary: La sortie."), encoding="utf-8")
    assert main(["build", "-C", str(network.root)]) == 0
    assert "Sortie du dimanche\u00a0: la côte" in network.read(
        "les-amis-du-velo-a-kerlouan/index.html"
    )  # French spacing
    # The welcome's instructions (make new-post…) stay in the preview, off the public pages.
    assert not [page for page in network.output.rglob("*.html") if "make new-post" in page.read_text("utf-8")]
    # Its address is its dated file name, as the README says: next year's outing will not collide.
    assert "la côte</h1>" in network.read(f"les-amis-du-velo-a-kerlouan/{articles[1].stem}.html")


def test_scaffolds_never_overwrite(network, capsys):
    assert main(["new-site", "-C", str(network.root), "Radio Ondes"]) == 0
    site_yaml = (network.root / "sites/radio-ondes/site.yaml").read_text(encoding="utf-8")
    assert main(["new-site", "-C", str(network.root), "Radio Ondes"]) == 1
    assert "ERROR sites/radio-ondes/ already exists; nothing was changed" in capsys.readouterr().err
    assert (network.root / "sites/radio-ondes/site.yaml").read_text(encoding="utf-8") == site_yaml
    assert main(["new-post", "-C", str(network.root), "radio-ondes", "Même titre"]) == 0
    assert main(["new-post", "-C", str(network.root), "radio-ondes", "Même titre"]) == 1
    assert "already exists; nothing was changed" in capsys.readouterr().err
    assert main(["new-post", "-C", str(network.root), "inconnue", "Titre"]) == 1
    assert "no site 'inconnue' in sites/ (sites: radio-ondes)" in capsys.readouterr().err
    assert main(["new-site", "-C", str(network.root), "Planet"]) == 1


def test_check_names_what_readers_would_suffer(network, capsys, source_date_epoch):
    source_date_epoch("2026-10-21")
    network.site("a", "name: A\n")
    network.site("b", "name: B\n")
    images = network.root / "sites/a/content/images"
    images.mkdir(parents=True)
    Image.new("RGB", (20, 20)).save(images / "photo.png")
    for n in range(3):
        network.article("a", f"atelier{n}", f"Atelier {n}", f"2026-0{n + 1}-01", Category="Ateliers")
    network.write(
        "sites/a/content/problemes.md",
        "\n".join(
            [
                "Title: Problèmes",
                "Date: 2026-09-01",
                "Category: Atelier",
                "",
                "![]({static}/images/photo.png)",
                "![Une photo]({static}/images/absente.png)",
                "[lien]({filename}/disparu.md)",
                "[vers B](https://reseau.example.org/b/pas-de-page.html)",
                "",
            ]
        ),
    )
    network.write("sites/a/content/futur.md", "Title: Futur\nDate: 2062-09-01\n\nTexte.\n")
    network.write(
        "sites/a/content/vieux.md", "Title: Vieux brouillon\nDate: 2026-01-05\nStatus: draft\n\nTexte.\n"
    )
    assert main(["check", "-C", str(network.root)]) == 1
    err = capsys.readouterr().err
    for expected in (
        "WARNING sites/a/content/problemes.md:3: unknown category 'Atelier' — did you mean 'Ateliers', used "
        "elsewhere in the site?",
        "WARNING sites/a/content/problemes.md:5: image {static}/images/photo.png has no alt text",
        "ERROR sites/a/content/problemes.md:6: {static}/images/absente.png does not exist (check the name "
        "and the folder)",
        "ERROR sites/a/content/problemes.md:7: {filename}/disparu.md does not exist",
        "ERROR sites/a/content/problemes.md:8: broken link to /b/pas-de-page.html",
        "WARNING sites/a/content/futur.md:2: dated 2062-09-01, more than a year ahead: a typo in the year?",
        "WARNING sites/a/content/vieux.md:3: a draft since 2026-01-05: publish it (remove Status: draft) or "
        "delete it",
    ):
        assert expected in err, (expected, err)
    assert not network.output.exists()  # nothing published


def test_messages_in_both_languages(network, capsys):
    network.site("a", "name: A\n")
    network.write("sites/a/content/date.md", "Title: T\nDate: 12/03/2024\n\nx\n")
    for language, expected in (
        (
            "fr",
            "ERREUR sites/a/content/date.md:2: la date '12/03/2024' est ambiguë ; écrivez-la "
            "année-mois-jour : 2024-03-12",
        ),
        (
            "en",
            "ERROR sites/a/content/date.md:2: date '12/03/2024' is ambiguous; write it year-month-day: "
            "2024-03-12",
        ),
    ):
        i18n.set_language(language)
        assert main(["check", "-C", str(network.root), "--no-build"]) == 1
        assert expected in capsys.readouterr().err


def test_help_is_french_under_a_french_locale(network):
    result = subprocess.run(
        [sys.executable, "-m", "citoyens_ssg", "build", "--help"],
        capture_output=True,
        text=True,
        env={"LANG": "fr_FR.UTF-8", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert "ne télécharge pas les flux externes de la planète" in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "citoyens_ssg", "build", "--help"],
        capture_output=True,
        text=True,
        env={"LANG": "en_GB.UTF-8", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert "do not fetch the planet's external feeds" in result.stdout


def test_no_colour_when_not_a_terminal(network):
    network.site("a", "name: A\nthme: x\n")
    result = subprocess.run(
        [sys.executable, "-m", "citoyens_ssg", "build", "-C", str(network.root)],
        capture_output=True,
        text=True,
        env={"LANG": "C", "FORCE_COLOR": "", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 1
    assert "\x1b[" not in result.stderr and "clé inconnue 'thme'" in result.stderr  # the network's language


def test_import_a_wordpress_export_with_its_images(network, capsys):
    network.site("jardin", "name: Jardin\n")
    picture = io.BytesIO()
    Image.new("RGB", (300, 200), "green").save(picture, "PNG")
    with FeedServer() as server:
        server.routes["/wp-content/uploads/2024/03/semis.png"] = FeedServer.respond(
            picture.getvalue(), content_type="image/png"
        )
        export = network.root / "export.xml"
        export.write_text(
            (DATA / "wordpress-export.xml").read_text(encoding="utf-8").replace("IMAGE_SERVER", server.url),
            encoding="utf-8",
        )
        report = import_blog(network.root, "jardin", str(export), FAST)
    content = network.root / "sites/jardin/content"
    assert sorted(p.relative_to(content).as_posix() for p in report.written) == [
        "2024-03-12-semis-de-printemps.md",
        "2024-04-02-compost.md",
        "2024-05-01-brouillon.md",
        "pages/contact.md",
    ]
    assert report.images == 1
    semis = (content / "2024-03-12-semis-de-printemps.md").read_text(encoding="utf-8")
    header, body = semis.split("\n\n", 1)
    assert header.splitlines() == [
        "Title: Les semis de printemps",
        "Date: 2024-03-12 18:30",
        "Slug: semis-de-printemps",
        "Category: Jardin",
        "Tags: semis, printemps",
        "Author: maiwenn",
        "Summary: Ce que l'on sème en mars.",
    ]
    assert "Premier paragraphe sur les **semis**." in body and "- radis" in body and "script" not in body
    image = re.search(r"!\[Des semis sur le rebord\]\(\{static\}/images/(semis-[0-9a-f]{6}\.png)\)", body)
    assert image and (content / "images" / image.group(1)).is_file()
    assert "Status: draft" in (content / "2024-05-01-brouillon.md").read_text(encoding="utf-8")
    assert main(["build", "-C", str(network.root)]) == 0
    page = network.read("jardin/semis-de-printemps.html")
    assert "<strong>semis</strong>" in page and "semis-" in page
    assert "Ce qui va au compost" in network.read("jardin/compost.html")
    again = import_blog(network.root, "jardin", str(export), FAST)
    assert again.written == [] and len(again.skipped) == 4  # nothing overwritten


def test_import_a_feed_from_the_command_line(network, capsys):
    network.site("jardin", "name: Jardin\n")
    feed = network.root / "flux.xml"
    feed.write_text(rss(item(1, category="Jardin"), item(2)), encoding="utf-8")
    assert main(["import", "-C", str(network.root), "jardin", str(feed)]) == 0
    assert "2 article(s) and page(s) imported" in capsys.readouterr().out
    assert main(["build", "-C", str(network.root)]) == 0
    assert "Texte 1" in network.read("jardin/billet-1.html")
