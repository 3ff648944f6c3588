"""The web editor's configuration, generated from network.yaml and site.yaml (issue 23)."""

from __future__ import annotations

import json

import pytest
import yaml

from citoyens_ssg.config.editor import Backend
from citoyens_ssg.config.load import load_network
from citoyens_ssg.editor.config import config_text, editor_config
from citoyens_ssg.errors import ConfigError

EDITOR = """
    name: Réseau de test
    url: https://reseau.example.org
    editeur:
      backend: gitlab
      repo: reseau/site
      base_url: https://framagit.org
      app_id: 0a1b2c
"""


def _config(network, slug: str) -> dict:
    loaded = load_network(network.root)
    return yaml.safe_load(config_text(editor_config(loaded, loaded.editor, [loaded.site(slug)])))


def test_an_association_sees_its_own_collections_in_its_content_folder(network):
    network.write("network.yaml", EDITOR)
    network.site("radio", "name: Radio\ncategories: [musique]\n")
    network.site("amap")
    network.article("radio", "un", "Un", "2026-09-01", category="Émissions")
    config = _config(network, "radio")
    folders = {c["name"]: c["folder"] for c in config["collections"]}
    assert folders == {
        "radio-articles": "sites/radio/content",
        "radio-pages": "sites/radio/content/pages",
        "radio-agenda": "sites/radio/content/agenda",
    }
    assert config["media_folder"] == "sites/radio/content/images"
    assert config["public_folder"] == "{static}/images"
    assert config["backend"] == {
        "name": "gitlab",
        "repo": "reseau/site",
        "branch": "main",
        "base_url": "https://framagit.org",
        "app_id": "0a1b2c",
        "auth_type": "pkce",
    }
    assert config["publish_mode"] == "editorial_workflow" and config["locale"] == "fr"
    articles = config["collections"][0]
    category = next(f for f in articles["fields"] if f["name"] == "category")
    assert category["options"] == ["musique", "Émissions"]  # the site's list and the categories in use
    assert all(c["format"] == "pelican" for c in config["collections"])


def test_event_fields_are_the_agenda_keys(network):
    network.write("network.yaml", EDITOR)
    network.site("radio")
    agenda = _config(network, "radio")["collections"][2]
    names = [f["name"] for f in agenda["fields"]]
    for key in (
        "start",
        "end",
        "recurrence",
        "place",
        "address",
        "latitude",
        "longitude",
        "price",
        "registration",
    ):
        assert key in names
    recurrence = next(f for f in agenda["fields"] if f["name"] == "recurrence")
    assert recurrence["options"] == ["chaque jour", "chaque semaine", "chaque mois", "chaque année"]


def test_hostile_site_values_stay_quoted_strings(network):
    network.write("network.yaml", EDITOR)
    hostile = 'x"\n  - {name: evil, folder: /etc}\n</script><script>alert(1)</script>'
    network.site("radio", "name: " + json.dumps(hostile) + '\ncategories: ["a\\n- folder: ../.."]\n')
    network.write("sites/radio/content/un.md", "Title: Un\nDate: 2026-09-01\nCategory: ../../etc\n\nTexte.\n")
    config = _config(network, "radio")
    assert [c["folder"] for c in config["collections"]] == [
        "sites/radio/content",
        "sites/radio/content/pages",
        "sites/radio/content/agenda",
    ]
    category = next(f for f in config["collections"][0]["fields"] if f["name"] == "category")
    # values, not keys or paths (site.yaml values are read as one line: the line break became a space)
    assert category["options"] == ["../../etc", "a - folder: ../.."]
    for collection in config["collections"]:
        assert collection["media_folder"] == "/sites/radio/content/images"


@pytest.mark.parametrize(
    "line, message",
    [
        ("backend: ftp", "one of git-gateway, github, gitlab, gitea"),
        ("repo: ../../etc", "the repository as owner/name"),
        ("base_url: javascript:alert(1)", "an address starting with https://"),
        ("editorial_workflow: peut-être", "true or false"),
    ],
)
def test_a_bad_editeur_section_names_file_and_key(network, line, message):
    network.write("network.yaml", "name: R\nurl: https://r.example.org\nediteur:\n  " + line + "\n")
    with pytest.raises(ConfigError) as error:
        load_network(network.root)
    text = str(error.value)
    assert "network.yaml:4" in text and message in text


def test_network_admin_lists_every_site(network):
    network.write("network.yaml", EDITOR)
    network.site("radio")
    network.site("amap")
    loaded = load_network(network.root)
    backend = Backend(name="github", repo="a/b", editorial_workflow=False)
    config = editor_config(loaded, backend, list(loaded.sites))
    assert [c["folder"] for c in config["collections"]][::3] == ["sites/amap/content", "sites/radio/content"]
    assert "publish_mode" not in config
    assert config["collections"][0]["label"] == "Site amap — Articles"
