"""The build as a whole (``build``): its options as one value (``options.BuildOptions``), then the
stages plan → sites → assemble → network → publish → remember, each a function; sites built in
worker processes (``workers``, each with its limits); ``fingerprint`` says which sites changed,
``published`` which published files are no longer what was published; ``publish`` is the end a
build and a merge share, ``shards`` builds a part of the network and merges the parts, ``result``
is what a build reports.  ``stores`` lists every store the incremental build keeps (``build
--explain``) and ``verify`` proves them (``build --verify``).
"""
