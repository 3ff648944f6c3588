"""Pelican plugin: render only the pages and feeds whose inputs changed.

The writer (``citoyens_ssg.site.incremental.IncrementalWriter``) keys every page by
what it shows and reuses the published bytes of a page whose key did not change.

Hooks ``get_writer``: it reads the site context's renders (where the published version and its
keys are) and the published pages, and writes the render record of the new pages' keys; without
renders, Pelican's own writer, its RSS guids made valid (``FeedWriter``).
"""

from __future__ import annotations

from pelican import signals

from citoyens_ssg.site.context import site_context
from citoyens_ssg.site.incremental import FeedWriter, IncrementalWriter


def incremental_writer(pelican):
    return IncrementalWriter if site_context(pelican.settings).renders else FeedWriter


def register() -> None:
    signals.get_writer.connect(incremental_writer)
