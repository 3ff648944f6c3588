"""The theme's French around a name: « de » elided and contracted, on the pages a reader gets."""

from __future__ import annotations

import pytest

from citoyens_ssg.french import de


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # The example network's associations (sites/).
        ("Espace public numérique des Capucins", "de l’Espace public numérique des Capucins"),
        ("AMAP des Dunes", "de l’AMAP des Dunes"),
        ("Recouvrance en commun", "de Recouvrance en commun"),
        ("Radio Ondes Citoyennes", "de Radio Ondes Citoyennes"),
        ("Réseau citoyen de Kerlouan-sur-Mer", "du Réseau citoyen de Kerlouan-sur-Mer"),
        # An article the name opens with: contracted, never « de Les ».
        ("Les Jardins du Bourg", "des Jardins du Bourg"),
        ("Le Fil d’Ariane", "du Fil d’Ariane"),
        ("La Ruche", "de la Ruche"),
        ("L’Escale", "de l’Escale"),
        ("L'Escale", "de l’Escale"),
        # A common noun: its article; plural: « des ».
        ("Maison du quartier", "de la Maison du quartier"),
        ("Collectif Vélo", "du Collectif Vélo"),
        ("Jardins du Bourg", "des Jardins du Bourg"),
        ("Association des parents d’élèves", "de l’Association des parents d’élèves"),
        # A proper name: « de », elided before a vowel or a mute h, not before an aspirated h.
        ("Ouessant solidaire", "d’Ouessant solidaire"),
        ("Émile et compagnie", "d’Émile et compagnie"),
        ("Humanités 29", "d’Humanités 29"),
        ("Hauteville en fête", "de Hauteville en fête"),
        ("Kerlouan Vélo", "de Kerlouan Vélo"),
        # No name: nothing, not a lone « d’ ».
        ("", ""),
        ("  ", ""),
    ],
)
def test_de_elides_and_contracts(name, expected):
    assert de(name) == expected


def test_the_pages_say_de_l_and_des_never_de_les(network):
    network.site("jardins", "name: Les Jardins du Bourg\n")
    network.site("amap", "name: AMAP des Dunes\n")
    for slug in ("jardins", "amap"):
        network.write(
            f"sites/{slug}/content/agenda/rdv.md",
            "Title: Rendez-vous\nStart: 2026-12-05 10:00\nEnd: 2026-12-05 12:00\n\nUn texte.\n",
        )
    assert network.build().ok
    assert "Les rendez-vous des Jardins du Bourg." in network.read("jardins/agenda/index.html")
    assert "Voir tout l’agenda de l’AMAP des Dunes" in network.read("amap/agenda/rdv.html")
    for page in ("jardins/agenda/index.html", "jardins/agenda/rdv.html"):
        assert "de Les" not in network.read(page)


def test_the_interface_of_a_breton_article_is_marked_french(network):
    """The theme has no Breton: its words (menu, « Publié le », « Mots-clés », footer) carry lang="fr"
    under <html lang="br">; on a French page they carry nothing (WCAG 3.1.2)."""
    network.site("quartier", "name: Recouvrance en commun\n")
    network.article("quartier", "fete", "Fête de quartier", "2026-10-12 10:00", Slug="fete", Tags="fête")
    network.article(
        "quartier", "fete-br", "Gouel ar c’harter", "2026-10-12 10:00", Slug="fete", Lang="br", Tags="gouel"
    )
    assert network.build().ok
    breton = network.read("quartier/fete-br.html")
    assert '<html lang="br">' in breton
    for marked in (
        '<header class="site-header" role="banner" lang="fr">',
        '<p class="meta" lang="fr" data-pagefind-ignore>',
        '<p class="tags" lang="fr">Mots-clés',
        '<footer class="site-footer" role="contentinfo" lang="fr">',
        '<div class="network-bar" lang="fr">',
        '<a class="skip-link" href="#contenu" lang="fr">',
    ):
        assert marked in breton, marked
    assert "<h1>Gouel ar c’harter</h1>" in breton  # the article itself stays in Breton
    french = network.read("quartier/fete.html")
    assert '<html lang="fr">' in french and '<p class="meta" data-pagefind-ignore>' in french
    assert 'role="banner" lang=' not in french


def test_an_article_without_a_category_is_filed_under_divers(network):
    network.site("quartier", "name: Recouvrance en commun\n")
    network.article("quartier", "note", "Une note", "2026-10-12 10:00")
    assert network.build().ok
    assert 'href="/quartier/category/divers.html">Divers</a>' in network.read("quartier/note.html")
    assert "misc" not in network.read("quartier/note.html")
