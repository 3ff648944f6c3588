"""French grammar the theme's own text needs around a name: « de » elided and contracted.

``de("AMAP des Dunes")`` is « de l’AMAP des Dunes », ``de("Les Jardins du Bourg")`` « des
Jardins du Bourg », never « de Les Jardins ».  An association's name is free text: an article it
opens with is contracted; a common noun it opens with (from the list below: the words
associations' names start with) takes its article; other names (« Recouvrance en commun »,
« Radio Ondes Citoyennes », a place) take « de », elided before a vowel or a mute h.
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHE = "\u2019"  # the typographic apostrophe, as in the theme's text
# Articles a name may open with, and what « de » + the article becomes.
ARTICLES = {
    "le": "du ",
    "la": "de la ",
    "les": "des ",
    "l'": "de l" + APOSTROPHE,
    "l" + APOSTROPHE: "de l" + APOSTROPHE,
}
# Common nouns associations' names open with, and their article after « de ».
MASCULINE = {
    "atelier",
    "café",
    "centre",
    "cercle",
    "club",
    "collectif",
    "comité",
    "conseil",
    "espace",
    "fablab",
    "foyer",
    "groupe",
    "jardin",
    "repair",
    "réseau",
    "secours",
    "syndicat",
    "théâtre",
    "tiers-lieu",
}
FEMININE = {
    "amap",
    "amicale",
    "association",
    "bibliothèque",
    "compagnie",
    "coopérative",
    "épicerie",
    "fédération",
    "ferme",
    "ligue",
    "maison",
    "médiathèque",
    "recyclerie",
    "ressourcerie",
    "société",
    "union",
}
PLURAL = {"amis", "ateliers", "jardins", "amies", "compagnons", "restos"}
# Words in h where French does not elide (h aspiré): « de Hauteville », « du Hameau ».
ASPIRATED_H = (
    "hache",
    "haie",
    "hall",
    "halle",
    "halte",
    "hameau",
    "hamac",
    "hanche",
    "handi",
    "hangar",
    "hardi",
    "haricot",
    "harpe",
    "hasard",
    "haut",
    "héros",
    "hibou",
    "hockey",
    "hollande",
    "homard",
    "hongrie",
    "honte",
    "hors",
    "hutte",
)


def _folded(word: str) -> str:
    return unicodedata.normalize("NFC", word).lower()


def _elides(word: str) -> bool:
    """Whether « de » / « le » / « la » lose their vowel before ``word``."""
    plain = unicodedata.normalize("NFD", _folded(word))
    first = plain[:1]
    if first in "aeiouy":
        return True
    return first == "h" and not _folded(word).startswith(ASPIRATED_H)


def de(name: str) -> str:
    """« de » before ``name``, elided and contracted as French writes it."""
    name = name.strip()
    if not name:  # nothing to join « de » to (a name left empty), rather than a lone « d’ »
        return ""
    match = re.match(r"(?i)(l['’]|les |le |la )", name)
    if match:
        article = match.group(1).strip().lower()
        return ARTICLES[article] + name[match.end() :].lstrip()
    first = _folded(re.split(r"[\s’']", name, maxsplit=1)[0])
    if first in PLURAL:
        return "des " + name
    if first in MASCULINE or first in FEMININE:
        if _elides(first):
            return "de l" + APOSTROPHE + name
        return ("du " if first in MASCULINE else "de la ") + name
    return ("d" + APOSTROPHE if _elides(name) else "de ") + name
