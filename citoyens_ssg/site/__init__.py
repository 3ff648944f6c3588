"""The site stage: one Pelican run per site, in a worker process of its own.

``settings`` is the only module that knows Pelican's setting names; ``build`` runs Pelican
and turns its log into located problems; ``reading`` reads Markdown once and remembers it;
``incremental`` renders only the pages whose inputs changed; ``manifest`` is what a site
hands the network stage; ``templating``, ``search``, ``sitemaps`` and ``memos`` serve them.
"""
