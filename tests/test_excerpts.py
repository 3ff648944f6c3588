"""An excerpt ends where its writer ended a block (#22 item 9): never inside a list item."""

from __future__ import annotations

RULES = """Bienvenue à l'atelier numérique du mardi, ouvert à toutes et à tous, débutants compris.

1. On arrive à l'heure pour que tout le monde puisse commencer ensemble et sans stress.
2. On ne touche pas aux machines des autres sans leur demander, même pour aider vite.
3. On range sa place en partant pour la personne qui arrive après nous.

Merci et à mardi !
"""

LONG_LIST = "\n".join(
    f"- Point numéro {n} de la liste, avec assez de mots pour compter." for n in range(1, 12)
)


def test_a_listing_excerpt_ends_after_a_whole_block_never_inside_a_list(network, dialect):
    network.site("epn")
    network.article("epn", "regles", "Les règles", "2026-03-01 10:00", body=RULES)
    network.article("epn", "liste", "Une longue liste", "2026-03-02 10:00", body=LONG_LIST)
    assert network.build().ok
    listing = network.read("epn/index.html")
    rules = listing[listing.index("Les règles") :]
    excerpt = rules[rules.index('<div class="excerpt">') : rules.index("</div>")]
    # 50 words: the welcome paragraph fits, the list does not, and is left out whole.
    assert "Bienvenue à l" in excerpt and "débutants compris." in excerpt
    assert "On ne" not in excerpt and "<ol>" not in excerpt and "…" not in excerpt
    long = listing[listing.index("Une longue liste") :]
    excerpt = long[long.index('<div class="excerpt">') : long.index("</div>")]
    # A list longer than the budget from its start: whole items only, its list closed.
    assert excerpt.count("<li>") == excerpt.count("</li>") == 4
    assert "</ul>" in excerpt and "…" not in excerpt
    assert "Point numéro 4 de la liste, avec assez de mots pour compter." in excerpt


def test_a_given_summary_and_a_short_text_are_kept_as_written(network):
    network.site("epn")
    network.article("epn", "court", "Court", "2026-03-01 10:00", body="Un texte court.\n\n- un\n- deux")
    network.article("epn", "resume", "Résumé", "2026-03-02 10:00", body=RULES, summary="Les règles en bref.")
    assert network.build().ok
    listing = network.read("epn/index.html")
    assert "<li>deux</li>" in listing
    assert "Les règles en bref." in listing and "Bienvenue" not in listing
    assert network.feed("planet/atom.xml").entries[0].summary.startswith("<p>Les règles en bref.")
