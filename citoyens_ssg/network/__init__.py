"""The network stage: pages made from every site's manifest, never from Pelican's memory.

``stage`` writes them: the portal, the planet and its feeds (``planet``, with
``subscriptions`` and ``fetch`` for the external feeds, ``feed_rules`` to check any feed),
the agenda, the directory and its map, the weekly letter (``letter/``), the HTTP headers
and redirects (``headers``).
"""
