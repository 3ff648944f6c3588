"""Configuration problems: every one reported, located, with what to do."""

from __future__ import annotations

import pytest

from citoyens_ssg import i18n
from citoyens_ssg.config.load import load_network
from citoyens_ssg.errors import ConfigError


def problems_of(network) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_network(network.root)
    return [str(problem) for problem in caught.value.problems]


def test_a_site_yaml_with_only_a_name_is_enough(network):
    network.site("radio-ondes", "name: Radio Ondes\n")
    config = load_network(network.root)
    site = config.site("radio-ondes")
    assert (site.name, site.theme, site.language, site.timezone) == (
        "Radio Ondes",
        "citoyen",
        "fr",
        "Europe/Paris",
    )


def test_unknown_key_suggests_the_nearest_one(network):
    network.site("radio-ondes", "name: Radio\nthme: onde\n")
    assert problems_of(network) == [
        "sites/radio-ondes/site.yaml:2: unknown key 'thme' — did you mean 'theme'?"
    ]


def test_values_yaml_silently_mistypes_are_caught(network):
    network.site(
        "amap",
        """\
name: AMAP
postal_code: 01000
opening_hours:
  - 12:30
description: no
""",
    )
    found = problems_of(network)
    assert found == [
        "sites/amap/site.yaml:2: key 'postal_code': expected text, got the number 512 (written 01000) — put "
        "it in quotes: '01000'",
        "sites/amap/site.yaml:4: opening_hours: expected text, got the number 750 (written 12:30) — put it "
        "in quotes: '12:30'",
        "sites/amap/site.yaml:5: key 'description': expected text, got the yes/no value False (written no) "
        "— put it in quotes: 'no'",
    ]


def test_every_problem_of_every_file_is_listed_before_building(network):
    network.write("network.yaml", "name: Réseau\nurl: ftp://example.org\nplanet:\n  size: many\n")
    network.site("a", "description: sans nom\n")
    network.site("b", "name: B\naccent_color: rouge\ncontact:\n  email: pas-une-adresse\n")
    found = problems_of(network)
    assert (
        "network.yaml:2: key 'url': expected an address starting with https:// or http://, got "
        "'ftp://example.org'" in found
    )
    assert "network.yaml:4: key 'planet.size': expected a whole number, got 'many'" in found
    assert "sites/a/site.yaml:1: missing key 'name' (text)" in found
    assert "sites/b/site.yaml:2: key 'accent_color': expected a colour like '#1a5fb4', got 'rouge'" in found
    assert (
        "sites/b/site.yaml:4: key 'contact.email': expected an e-mail address, got 'pas-une-adresse'" in found
    )
    assert len(found) == 5
    assert not network.output.exists()


def test_duplicate_keys_and_yaml_syntax_errors_are_located(network):
    network.site("a", "name: A\nname: B\n")
    network.site("b", "name: [B\n")
    network.site("c", "name: C\n\tdescription: tab\n")
    found = problems_of(network)
    assert "sites/a/site.yaml:2: key 'name' appears twice (first on line 1); keep only one" in found
    assert any(p.startswith("sites/b/site.yaml:2:1: invalid YAML") for p in found), found
    assert any(p.startswith("sites/c/site.yaml:2:1: invalid YAML") for p in found), found


def test_unsafe_tags_aliases_and_wrong_shapes_are_refused(network):
    network.site("a", "name: !!python/object/apply:os.system ['echo pwned']\n")
    network.site("b", "- name: B\n")
    network.site("c", "name: &n C\ndescription: *n\n")
    found = problems_of(network)
    assert any(
        p.startswith(
            "sites/a/site.yaml:1: key 'name': expected text, got a value tagged "
            "tag:yaml.org,2002:python/object/apply"
        )
        for p in found
    ), found
    assert "sites/b/site.yaml:1: expected a section of key: value lines, got a list" in found
    assert any(p.startswith("sites/c/site.yaml:2:14: invalid YAML: YAML aliases") for p in found), found


def test_themes_folders_and_slugs_are_checked(network):
    network.site("a", "name: A\ntheme: ondes\n")
    network.write("sites/Mauvais_Nom/site.yaml", "name: X\n")
    network.write("sites/planet/site.yaml", "name: X\n")
    (network.root / "sites" / "vide").mkdir()
    found = problems_of(network)
    assert any(
        p.startswith("sites/a/site.yaml: key 'theme': unknown theme 'ondes' — available: citoyen, onde")
        for p in found
    ), found
    assert any(p.startswith("sites/Mauvais_Nom/: folder name must use only lowercase") for p in found), found
    assert any(p.startswith("sites/planet/: 'planet' is reserved") for p in found), found
    assert "sites/vide/site.yaml: file not found; a site needs at least 'name: ...'" in found


def test_pelican_passthrough_is_checked(network):
    # network.yaml (administrators) may pass any setting citoyens does not manage; a site only plain values
    network.write(
        "network.yaml",
        "name: R\nurl: https://r.example.org\npelican:\n  OUTPUT_PATH: /tmp/ailleurs\n"
        "  ARTICLE_SAVE_AS: ../../evil/{slug}.html\n  TYPOGRIFY: true\n",
    )
    network.site(
        "a",
        """\
name: A
pelican:
  DEFAULT_PAGINATON: 5
  OUTPUT_PATH: /tmp/ailleurs
  DEFAULT_PAGINATION: 4
""",
    )
    found = problems_of(network)
    assert found[:3] == [
        "network.yaml:4: pelican.OUTPUT_PATH: 'OUTPUT_PATH' is set by citoyens; use the keys of site.yaml "
        "instead",
        "network.yaml:5: pelican.ARTICLE_SAVE_AS: '../../evil/{slug}.html' would leave the site's folder; "
        "use a relative path without '..'",
        "sites/a/site.yaml:3: 'pelican.DEFAULT_PAGINATON' is not among the settings a site may pass to "
        "Pelican"
        " — did you mean 'DEFAULT_PAGINATION'?",
    ]
    assert found[3].startswith(
        "sites/a/site.yaml:4: 'pelican.OUTPUT_PATH' is not among the settings a site may pass to Pelican"
        " — allowed: ARTICLE_ORDER_BY, DEFAULT_CATEGORY, DEFAULT_PAGINATION,"
    ), found
    assert len(found) == 4


def test_site_values_override_network_defaults(network):
    network.write(
        "network.yaml",
        "name: R\nurl: https://r.example.org/\nlanguage: br\ntheme: onde\npelican:\n  DEFAULT_PAGINATION: "
        "3\n",
    )
    network.site("a", "name: A\n")
    network.site("b", "name: B\nlanguage: fr\ntheme: citoyen\npelican:\n  DEFAULT_PAGINATION: 7\n")
    config = load_network(network.root)
    a, b = config.site("a"), config.site("b")
    assert config.url == "https://r.example.org"
    assert (a.language, a.theme, a.pelican) == ("br", "onde", {"DEFAULT_PAGINATION": 3})
    assert (b.language, b.theme, b.pelican) == ("fr", "citoyen", {"DEFAULT_PAGINATION": 7})


def test_messages_are_french_under_a_french_locale(network):
    i18n.set_language("fr")
    network.site("radio-ondes", "name: Radio\nthme: onde\npostal_code: 01000\n")
    assert problems_of(network) == [
        "sites/radio-ondes/site.yaml:2: clé inconnue 'thme' — vouliez-vous dire 'theme' ?",
        "sites/radio-ondes/site.yaml:3: clé 'postal_code' : texte attendu, trouvé le nombre 512 (écrit "
        "01000) — mettez-le entre guillemets : '01000'",
    ]


def test_language_follows_the_environment():
    assert i18n.language_from_environment({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert i18n.language_from_environment({"LANG": "en_GB.UTF-8"}) == "en"
    assert i18n.language_from_environment({"CITOYENS_LANG": "en", "LANG": "fr_FR.UTF-8"}) == "en"
    assert i18n.language_from_environment({}) is None
    assert i18n.language_from_environment({"LANG": "C"}) is None  # the network's language, then
