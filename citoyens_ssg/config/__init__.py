"""The configuration: network.yaml and every site.yaml read strictly, validated
against one schema, every problem located (file, line, key, what to write).

``load`` makes the typed configuration; ``schema`` and ``yamlfile`` read and check;
``sites`` finds the associations' folders; ``themes`` resolves theme chains.
"""
