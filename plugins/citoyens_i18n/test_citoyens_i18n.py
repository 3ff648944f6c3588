"""citoyens_i18n on its test_data/: a site in English gets the theme's words in English; a site in
Breton, a language the theme has no catalogue for, gets them in the network's language (French)."""

from __future__ import annotations


def test_the_theme_speaks_the_sites_language_or_the_networks(plugin_network):
    assert plugin_network.build().ok
    english = plugin_network.read("radio/the-show.html")
    assert '<html lang="en">' in english
    assert "Skip to content" in english and "Published on" in english
    assert "Aller au contenu" not in english and "Publié le" not in english
    breton = plugin_network.read("skol/kentel.html")
    assert '<html lang="br">' in breton
    assert "Aller au contenu" in breton and "Publié le" in breton
