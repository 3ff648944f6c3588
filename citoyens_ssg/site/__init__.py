"""The site stage: one Pelican run per site, in a worker process of its own.

``settings`` is the only module that knows Pelican's setting names; ``build`` runs Pelican
and turns its log into located problems; ``reading`` and ``commonmark`` read Markdown once
and remember it (``prepass`` converts a large site on both cores first); ``incremental``
renders only the pages whose inputs changed; ``addresses`` makes links root-relative;
``manifest`` is what a site hands the network stage; ``context`` is the one typed setting
the plugins read (``SiteContext``); ``feedstyle`` names the feeds' style sheet and the
« Suivre » page; ``templating`` (the sandboxed theme environment), ``search``, ``sitemaps``
and ``memos`` serve them.
"""
