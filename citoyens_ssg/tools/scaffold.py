"""``citoyens new-site`` and ``citoyens new-post``: a volunteer's first files, never overwriting.

The files are written in French, the network's language, with comments that
say what each line is for, so that a newcomer can fill them in without a guide.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from citoyens_ssg import clock
from citoyens_ssg.config.load import load_network, load_network_for_site
from citoyens_ssg.config.sites import RESERVED, SLUG, slugify
from citoyens_ssg.content.sanitize import clean_text
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.french import de
from citoyens_ssg.i18n import _
from citoyens_ssg.report import command

POST_SLUG_LENGTH = 80  # the file is <date>-<slug>.md: far below a file name's 255 bytes
SITE_SLUG_LENGTH = 64  # as sites.SLUG allows

SITE_YAML = """\
# Fiche de « {name} ». Seule la ligne « name » est obligatoire ; les autres
# peuvent être complétées plus tard. Mettez entre guillemets ce que YAML
# pourrait mal lire : codes postaux ("29200"), heures ("14:00"), « no ».
name: {name_yaml}
description: ""              # une phrase qui présente l'association
# accent_color: "#1a5fb4"    # la couleur de l'association
# logo: images/logo.png      # un fichier dans content/images/
# author: ""                 # qui signe les articles
# licence: CC BY-SA 4.0
# contact:
#   email: contact@exemple.org
#   phone: "02 98 00 00 00"
# address: ""
# postal_code: "29200"
# city: ""
# neighbourhood: ""          # le quartier, pour l'annuaire
# categories: [culture]      # les thèmes de l'association, pour l'annuaire
# maintainers: []            # comptes qui relisent les modifications du site
# markdown: commonmark       # ou python-markdown, le Markdown d'un ancien blog Pelican
"""

FIRST_POST = """\
Title: Bienvenue sur le site {of_name}
Date: {date}
Category: Vie de l'association
Tags: bienvenue

Voici le premier article {of_name}. Pour en écrire un autre, copiez ce fichier
ou lancez `{new_post}`.

Les images vont dans le dossier `images/`, à côté de ce fichier, et s'insèrent
ainsi : `![Ce que montre l'image]({{static}}/images/photo.jpg)`.
"""

# The first words of a new post: ``check`` flags an article that still holds them.
PLACEHOLDER = "Écrivez ici votre article."
NEW_POST = """\
Title: {title}
Date: {date}
Slug: {slug}
Category: {category}
Tags:
Summary:
Status: draft

{placeholder} Une ligne vide sépare deux paragraphes ;
**gras**, *italique* et [liens](https://exemple.org) s'écrivent en Markdown
(CommonMark, comme sur GitHub : une liste dans une liste se décale de 2 espaces).
Quand l'article est prêt, écrivez son résumé et retirez la ligne « Status: draft ».
"""


def _now(timezone: str) -> datetime:
    return clock.now().astimezone(ZoneInfo(timezone)).replace(second=0, microsecond=0)


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _create(path: Path, text: str) -> None:
    """Write a new file; refuse to replace anything that exists."""
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise CitoyensError(_("{path} already exists; nothing was changed", path=path)) from None


def new_site(root: Path, name: str) -> Path:
    """Create ``sites/<slug>/`` with a commented site.yaml and a first article."""
    name = clean_text(name, one_line=True).strip()  # a line break would end the YAML comment it is in
    slug = slugify(name, SITE_SLUG_LENGTH)
    if not name or slug == "sans-nom" or not SLUG.match(slug):
        example = command('make new-site NAME="Radio Ondes"', 'citoyens new-site "Radio Ondes"')
        raise CitoyensError(_("give the association's name, for example: {command}", command=example))
    if slug in RESERVED:
        raise CitoyensError(
            _("'{name}' is reserved for the network's own pages; choose another name", name=slug)
        )
    folder = root / "sites" / slug
    if folder.exists():
        raise CitoyensError(_("sites/{slug}/ already exists; nothing was changed", slug=slug))
    (folder / "content" / "images").mkdir(parents=True)
    (folder / "content" / "pages").mkdir()
    network = _network_timezone(root)
    _create(folder / "site.yaml", SITE_YAML.format(name=name, name_yaml=_yaml_text(name)))
    date = _now(network)
    another = command(
        f'make new-post SITE={slug} TITLE="Titre de l\'article"',
        f'citoyens new-post {slug} "Titre de l\'article"',
    )
    _create(
        folder / "content" / f"{date:%Y-%m-%d}-bienvenue.md",
        FIRST_POST.format(of_name=de(name), new_post=another, date=f"{date:%Y-%m-%d %H:%M}"),
    )
    return folder


def new_post(root: Path, site: str, title: str) -> Path:
    """Create a dated article in ``sites/<site>/content/`` with its metadata ready."""
    network = load_network_for_site(root, site)
    if site not in {s.slug for s in network.sites}:
        known = ", ".join(s.slug for s in network.sites)
        raise CitoyensError(_("no site '{site}' in sites/ (sites: {known})", site=site, known=known))
    title = clean_text(title, one_line=True).strip()  # one line: nothing in it starts another metadata line
    slug = slugify(title, POST_SLUG_LENGTH)
    if not title or slug == "sans-nom":
        example = command(
            f'make new-post SITE={site} TITLE="Atelier du samedi"',
            f'citoyens new-post {site} "Atelier du samedi"',
        )
        raise CitoyensError(_("give the article's title, for example: {command}", command=example))
    config = network.site(site)
    date = _now(config.timezone)
    path = config.content_dir / f"{date:%Y-%m-%d}-{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    _create(
        path,
        NEW_POST.format(
            title=title,
            date=f"{date:%Y-%m-%d %H:%M}",
            slug=slug,
            placeholder=PLACEHOLDER,
            category=_usual_category(config.content_dir),
        ),
    )
    return path


def _usual_category(content: Path) -> str:
    """The category the site uses most, so a new post starts in a familiar place."""
    counts: dict[str, int] = {}
    for path in content.glob("*.md"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[:20]:
            if line.lower().startswith("category:"):
                value = line.split(":", 1)[1].strip()
                counts[value] = counts.get(value, 0) + 1
    return usual_category(counts)


def usual_category(counts: dict[str, int]) -> str:
    """The category used most (by its number of articles), the first by name of equals; a
    site with none yet: « Actualités ».  Also ``check``'s example of a Category: line."""
    return max(sorted(counts), key=counts.__getitem__) if counts else "Actualités"


def _network_timezone(root: Path) -> str:
    try:
        return load_network(root).timezone
    except CitoyensError:
        return "Europe/Paris"
