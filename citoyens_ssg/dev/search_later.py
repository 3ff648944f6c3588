"""The dev server's search index, made after the page is on screen.

``serve`` builds with ``search_later``: a site whose pages changed keeps its
previous search index and reloads at once.  The ``Indexer`` then makes the new
index in a thread of its own, into a folder beside the published one (a large site's
index is in parts: only the parts whose pages changed are made, ``site.search``), and
swaps it in with two renames.  A rebuild that starts meanwhile makes the work
under way worthless (the pages it read are replaced): that index is thrown
away and the sites are indexed again after the rebuild.  The key the index was
made from is recorded as a build would, so the next build reuses it, and so are
the index's files in the published record (``pipeline.published``), so the next
build does not take them for damage.
"""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

from citoyens_ssg.pipeline import published
from citoyens_ssg.site import search
from citoyens_ssg.site.incremental import record_search_index, search_index_key
from citoyens_ssg.workpaths import WorkPaths

logger = logging.getLogger(__name__)


class Indexer:
    """Makes the search index of sites whose index is out of date, one after the other, in a thread."""

    def __init__(self, output: Path, paths: WorkPaths):
        self.output = output  # the published tree
        self.paths = paths  # where each site's render record is kept
        self.pending: set[str] = set()
        self.generation = 0  # one more at each rebuild: work begun before it is not swapped in
        self.lock = threading.Lock()  # held by a rebuild, and by the indexer while it swaps
        self.done = threading.Condition()
        self.indexed = 0  # indexes swapped in, for whoever waits on them
        self._thread: threading.Thread | None = None

    def rebuilding(self) -> None:
        """A rebuild starts (the caller holds ``lock``): what is being made now will not be used."""
        self.generation += 1

    def after_rebuild(self, slugs: set[str]) -> None:
        """The rebuild is shown (the caller still holds ``lock``); index these sites and those
        still pending."""
        self.pending |= slugs
        if self.pending and (self._thread is None or not self._thread.is_alive()):
            self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self.lock:
                if not self.pending:
                    return
                slug = min(self.pending)
                generation = self.generation
            self._index(slug, generation)

    def _index(self, slug: str, generation: int) -> None:
        site = self.output / slug
        fresh = self.output / f".{search.BUNDLE}-{slug}.new"
        shutil.rmtree(fresh, ignore_errors=True)
        try:
            pages = search.indexed_pages(site)
            key = search.index_key(site, pages)
        except OSError:  # the tree was replaced under our feet: a rebuild started
            pages, key = {}, None
        # The parts of the index in place whose pages did not change are linked, not made again.
        previous_key = search_index_key(self.paths.renders(slug))
        failure = (
            search.make_index(site, pages, fresh, previous=site / search.BUNDLE, previous_key=previous_key)
            if key
            else "tree replaced"
        )
        with self.lock:
            if generation == self.generation:
                self.pending.discard(slug)
                if failure is None:
                    self._swap(site, fresh)
                    record_search_index(self.paths.renders(slug), key)
                    # Not damage for the next build's check: else the next save makes this site again.
                    published.record_folder(
                        self.output, self.paths.published_record, f"{slug}/{search.BUNDLE}"
                    )
                else:
                    logger.warning("the search index of %s was not made: %s", slug, failure)
            shutil.rmtree(fresh, ignore_errors=True)
        with self.done:
            self.indexed += 1
            self.done.notify_all()

    def _swap(self, site: Path, fresh: Path) -> None:
        published = site / search.BUNDLE
        old = site.parent / f".{search.BUNDLE}-{site.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if published.exists():
            published.rename(old)
        fresh.rename(published)
        shutil.rmtree(old, ignore_errors=True)
