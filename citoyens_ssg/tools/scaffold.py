"""``citoyens new-site`` and ``citoyens new-post``: a volunteer's first files, never overwriting.

The files are written in French, the network's language, with comments that
say what each line is for, so that a newcomer can fill them in without a guide.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, is_dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from citoyens_ssg import clock
from citoyens_ssg.config import schema
from citoyens_ssg.config.load import SiteConfig, load_network, load_network_for_site
from citoyens_ssg.config.sites import RESERVED, SLUG, slugify
from citoyens_ssg.content.sanitize import clean_text
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.french import de
from citoyens_ssg.i18n import _, in_language
from citoyens_ssg.report import command

POST_SLUG_LENGTH = 80  # the file is <date>-<slug>.md: far below a file name's 255 bytes
SITE_SLUG_LENGTH = 64  # as sites.SLUG allows

SITE_YAML_HEADER = """\
# Fiche de « {name} ». Seule la ligne « name » est obligatoire ; les autres
# peuvent être complétées plus tard. Mettez entre guillemets ce que YAML
# pourrait mal lire : codes postaux ("29200"), heures ("14:00"), « no ».
"""
HELP_COLUMN = 29  # where each key's comment starts, so that they read as a column

# A draft, like new-post's: its words are for the volunteer, never for the public pages, the portal
# or the planet.
FIRST_POST = """\
Title: Bienvenue sur le site {of_name}
Date: {date}
Category: Vie de l'association
Tags: bienvenue
Status: draft

Voici le premier article {of_name}, en brouillon : il n'est visible que dans l'aperçu.
Pour en écrire un autre, copiez ce fichier ou lancez `{new_post}`.

Les images vont dans le dossier `images/`, à côté de ce fichier, et s'insèrent
ainsi : `![Ce que montre l'image]({{static}}/images/photo.jpg)`.
"""

# The first words of a new post: ``check`` flags an article that still holds them.
PLACEHOLDER = "Écrivez ici votre article."
# No Slug: line: the page's address is the dated file name, so two posts of one title never collide.
NEW_POST = """\
Title: {title}
Date: {date}
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


def site_yaml(name: str) -> str:
    """A new site's site.yaml: ``name`` filled in, then every other key a site takes, commented out,
    with its default and what it does, in French, read from its declaration (``SiteConfig``)."""
    name_help = next(
        declaration.help for attribute, declaration in schema.declared(SiteConfig) if attribute.name == "name"
    )
    lines = [SITE_YAML_HEADER.format(name=name) + _with_help(f"name: {_yaml_text(name)}", name_help)]
    lines += _commented_keys(SiteConfig, indent="", skip=("name",))
    return "\n".join(lines) + "\n"


def _with_help(text: str, help: str) -> str:
    return f"{text.ljust(HELP_COLUMN - 1)} # {in_language('fr', help)}"


def _commented_keys(section: type, indent: str, skip: tuple[str, ...] = ()) -> list[str]:
    """One commented line per declared key of ``section`` (a section's keys below it, indented)."""
    lines: list[str] = []
    for attribute, declaration in schema.declared(section):
        name = declaration.yaml or attribute.name
        if name in skip:
            continue
        factory = attribute.default_factory
        default = factory() if factory is not MISSING else attribute.default
        nested = is_dataclass(default)
        # No value where the default is "nothing" ("", None): an address, a postal code… to write in.
        shown = not nested and default not in ("", None)
        value = " " + json.dumps(_plain(default), ensure_ascii=False) if shown else ""
        text = f"# {indent}{name}:{value}"
        lines.append(_with_help(text, declaration.help))
        if nested:
            lines += _commented_keys(type(default), indent + "  ")
    return lines


def _plain(value: object) -> object:
    """A default as YAML writes it: a tuple or a set is a list."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return list(value) if isinstance(value, tuple) else value


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
    _create(folder / "site.yaml", site_yaml(name))
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
