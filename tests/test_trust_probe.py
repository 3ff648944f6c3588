"""Today's new surfaces played as a hostile association member (the directory's filter pages, …).

Each test builds a real network in which one site (``radio``) writes hostile values into its own
folder, then reads the published bytes back: the other associations and the network's pages must
come out whole.
"""

from __future__ import annotations

import re


def directory_names(page: str) -> list[str]:
    """The associations a directory page lists, by their headings."""
    return re.findall(r"<h3><a href=\"[^\"]*\">([^<]*)</a></h3>", page)


def test_a_theme_spelt_differently_does_not_take_another_associations_page(network):
    network.site("jardin", 'name: Jardin partagé\ncategories: ["Écologie"]\nneighbourhood: Centre\n')
    network.site("radio", 'name: Radio\ncategories: ["écologie !"]\nneighbourhood: "CENTRE"\n')

    network.build()

    # Both spellings make the same page name: the page lists both, neither erases the other.
    assert directory_names(network.read("annuaire/theme/ecologie.html")) == ["Jardin partagé", "Radio"]
    assert directory_names(network.read("annuaire/quartier/centre.html")) == ["Jardin partagé", "Radio"]
    assert network.read("annuaire/index.html").count('href="/annuaire/theme/ecologie.html"') == 1


def test_a_very_long_theme_does_not_stop_the_networks_build(network):
    network.site("jardin", 'name: Jardin partagé\ncategories: ["Jardinage"]\n')
    network.site("radio", f'name: Radio\ncategories: ["{"écologie " * 60}"]\nneighbourhood: "{"x" * 400}"\n')

    report = network.build()

    assert not report.network_problems
    assert directory_names(network.read("annuaire/theme/jardinage.html")) == ["Jardin partagé"]
    long_pages = [path.name for path in (network.output / "annuaire").rglob("*.html") if len(path.name) > 80]
    assert all(len(name.encode()) <= 255 for name in long_pages)
    assert directory_names(network.read("annuaire/index.html")) == ["Jardin partagé", "Radio"]


def test_an_opening_hour_that_is_no_hour_is_shown_as_written_and_the_network_builds(network):
    network.site("jardin", 'name: Jardin partagé\nopening_hours: ["mardi 14:00-18:00"]\n')
    network.site("radio", 'name: Radio\nopening_hours: ["lundi 99:99-00:00", "jeudi 25h-26h", "<b>vendredi</b> 9h-12h"]\n')

    report = network.build()

    assert not report.network_problems
    directory = network.read("annuaire/index.html")
    assert directory_names(directory) == ["Jardin partagé", "Radio"]
    assert "mardi de\u00a014\u00a0h\u00a0à\u00a018\u00a0h" in directory
    assert "lundi 99:99-00:00 ; jeudi 25h-26h ; &lt;b&gt;vendredi&lt;/b&gt; de\u00a09\u00a0h\u00a0à\u00a012\u00a0h" in directory
