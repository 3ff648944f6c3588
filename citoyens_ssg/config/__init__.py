"""The configuration: network.yaml and every site.yaml read strictly, validated
against one schema, every problem located (file, line, key, what to write).

``load`` makes the typed configuration (a site whose site.yaml is wrong does not stop the
others); ``schema`` and ``yamlfile`` read and check; ``passthrough`` says which Pelican
settings a pelican: section may pass; ``sites`` finds the associations' folders and the
names the network keeps for itself; ``themes`` resolves theme chains; ``editor`` the web
editor's git backend.
"""
