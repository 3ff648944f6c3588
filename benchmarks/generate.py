"""A deterministic network for benchmarks: N sites × M French articles with metadata.

Articles are about 850 words: headings, lists, links, a table in a quarter of
them, an image in 40%; each site has two pages and a few images.  The same
arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from PIL import Image

PROJECT = Path(__file__).resolve().parent.parent
WORDS = (
    "association quartier atelier numérique bénévoles habitants jardin radio émission marché solidarité "
    "rencontre projet ville culture échange formation accompagnement démarche ordinateur tablette "
    "réunion public fête voisinage école bibliothèque musique concert théâtre cinéma vélo réparation "
    "alimentation panier producteur ferme légumes saison hiver printemps été automne samedi dimanche "
    "matin soir place rue maison salle espace centre social jeunes familles anciens enfants parents "
    "ensemble participer proposer construire partager apprendre découvrir écouter raconter organiser "
    "accueillir soutenir ouvrir préparer inviter choisir voter décider aider créer imaginer réparer "
    "nouveau grand petit libre gratuit ouvert local commun durable simple joyeux attentif patient "
    "chaque semaine mois année journée heure moment histoire mémoire avenir idée question réponse "
    "mairie conseil budget participatif collectif réseau site blog article photo vidéo podcast"
).split()
CATEGORIES = ["Ateliers", "Vie de l'association", "Quartier", "Culture", "Solidarité", "Formation"]
TAGS = [
    "numérique",
    "jardin",
    "radio",
    "fête",
    "bénévoles",
    "réunion",
    "vélo",
    "musique",
    "enfants",
    "marché",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", " !", " ?"])


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(4, 7)))


def article(rng: random.Random, site: str, index: int, images: list[str]) -> str:
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize() + f" {index}"
    day = 1 + index % 28
    month = 1 + (index // 28) % 12
    lines = [
        f"Title: {title}",
        f"Date: 2025-{month:02d}-{day:02d} {8 + index % 12:02d}:{index % 60:02d}",
        f"Category: {rng.choice(CATEGORIES)}",
        f"Tags: {', '.join(rng.sample(TAGS, 3))}",
        f"Summary: {sentence(rng)}",
        "",
        paragraph(rng),
        "",
    ]
    words = 0
    while words < 850:
        kind = rng.random()
        if kind < 0.15:
            lines += [f"## {sentence(rng).rstrip('.!?')}", ""]
        elif kind < 0.3:
            lines += [f"- {sentence(rng)}" for _ in range(rng.randint(3, 6))] + [""]
        elif kind < 0.4:
            lines += [
                f"Voir [le site de la ville](https://www.example.org/{rng.choice(WORDS)}) et "
                f"{sentence(rng).lower()}",
                "",
            ]
        else:
            lines += [paragraph(rng), ""]
        words = sum(len(line.split()) for line in lines)
    if index % 4 == 0:
        lines += (
            ["| Jour | Horaire | Lieu |", "|---|---|---|"]
            + [f"| {rng.choice(WORDS)} | {h}h | {rng.choice(WORDS)} |" for h in (9, 14, 18)]
            + [""]
        )
    if images and index % 5 < 2:
        lines += [f"![{sentence(rng)}]({{static}}/images/{rng.choice(images)})", ""]
    return "\n".join(lines)


def generate(root: Path, sites: int, articles: int, seed: int = 2026) -> Path:
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    (root / "sites").mkdir(parents=True)
    shutil.copytree(PROJECT / "themes", root / "themes")
    shutil.copytree(PROJECT / "plugins", root / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "network.yaml").write_text(
        "name: Réseau de mesure\nurl: https://bench.example.org\nplanet:\n  size: 100\n", encoding="utf-8"
    )
    for s in range(sites):
        slug = f"association-{s:02d}"
        content = root / "sites" / slug / "content"
        (content / "pages").mkdir(parents=True)
        (content / "images").mkdir()
        (root / "sites" / slug / "site.yaml").write_text(
            f"name: Association {s}\ndescription: {sentence(rng)}\n", encoding="utf-8"
        )
        images = []
        for i in range(3):
            name = f"photo-{i}.jpg"
            Image.new("RGB", (1200, 800), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(
                content / "images" / name, quality=80
            )
            images.append(name)
        for page in ("horaires", "qui-sommes-nous"):
            (content / "pages" / f"{page}.md").write_text(
                f"Title: {page.replace('-', ' ').capitalize()}\n\n{paragraph(rng)}\n", encoding="utf-8"
            )
        for a in range(articles):
            (content / f"article-{a:04d}.md").write_text(article(rng, slug, a, images), encoding="utf-8")
    return root


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Generate a benchmark network.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--articles", type=int, default=100)
    args = parser.parse_args()
    generate(args.root, args.sites, args.articles)
