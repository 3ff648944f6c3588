"""The web editor (Decap CMS) at ``/<site>/admin/`` and ``/admin/``: its configuration, its page,
its bundle copied from the pinned npm package in tools/editor/, and the local backend of ``make edit``.
"""
