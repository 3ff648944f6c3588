"""The scaffold's site.yaml: every key a site takes, from the keys' declarations, in French."""

from __future__ import annotations

import re

import yaml

from citoyens_ssg.cli import main
from citoyens_ssg.config import schema
from citoyens_ssg.config.load import SiteConfig, load_network


def test_a_new_sites_file_names_every_site_key_and_reads_as_written(network):
    assert main(["new-site", "-C", str(network.root), "Radio « Ondes »"]) == 0
    text = (network.root / "sites/radio-ondes/site.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text) == {"name": "Radio « Ondes »"}
    named = set(re.findall(r"^(?:# )?([a-z_]+):", text, re.MULTILINE))
    site_keys = {declaration.yaml or attribute.name for attribute, declaration in schema.declared(SiteConfig)}
    assert site_keys <= named
    assert 'name: "Radio « Ondes »"      # le nom de l’association\n' in text
    assert "# postal_code:               # son code postal\n" in text  # no value: one to write in
    assert "#   email:                   # l’adresse électronique de l’association\n" in text
    assert '# markdown: "commonmark"     # le Markdown dans lequel ses textes sont écrits\n' in text
    # Every key written with its default uncommented: the file still loads, to the same site.
    uncommented = re.sub(r"^# ([a-z_]+: \S)", r"\1", text, flags=re.MULTILINE)
    assert uncommented.count("\n# ") < text.count("\n# ") - 8
    (network.root / "sites/radio-ondes/site.yaml").write_text(uncommented, encoding="utf-8")
    site = load_network(network.root).site("radio-ondes")
    assert (site.name, site.language, site.markdown) == ("Radio « Ondes »", "fr", "commonmark")
