"""The build as a whole: load the configuration, build the sites that changed in worker
processes (``workers``, each with its limits), assemble, run the network stage, swap the new
tree in (``build``); ``fingerprint`` says which sites changed and ``published`` which
published files are no longer what was published.
"""
