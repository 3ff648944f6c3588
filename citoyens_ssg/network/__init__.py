"""The network stage: pages made from every site's manifest, never from
Pelican's memory: the portal (``stage``), the planet and its feeds (``planet``,
``subscriptions``, ``fetch`` for the external feeds), the agenda, the directory and
its map, the HTTP headers.
"""
