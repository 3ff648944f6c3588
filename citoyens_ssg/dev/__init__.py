"""The volunteer's loop: ``server`` (make serve: rebuild on save, live reload, drafts shown;
``search_later`` makes the search index after the page is shown), ``check`` (every problem
of a network, nothing published), ``dialects`` (check --dialect) and ``links`` (the links
of a built network).
"""
