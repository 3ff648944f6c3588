"""Pure functions of Pelican worked out once per build instead of each time they are asked.

Pelican recomputes some values every time a template or a comparison needs
them.  Each memo here wraps a function whose result depends only on its
arguments, so a site's bytes are the same with or without it; the memos live
in the site's worker process and end with it.
"""

from __future__ import annotations

import functools
import os


def install() -> None:
    """Put the memos in place (once per process; a second call does nothing)."""
    _remember_relative_paths()
    _remember_slugs()


def _remember_relative_paths() -> None:
    """Pelican works out a content's path relative to the content folder (two
    ``abspath`` and a ``relpath``) each time a template asks for its URL, some
    twenty times an article: worked out once per file instead."""
    from pelican.contents import Content

    if getattr(Content.get_relative_source_path, "remembered", False):
        return
    pelican_relative_path = Content.get_relative_source_path
    known: dict[tuple[str, str], str | None] = {}

    def relative_source_path(self, source_path: str | None = None) -> str | None:
        path, root = source_path or self.source_path, self.settings["PATH"]
        if path is None or not os.path.isabs(root):  # relative to the working folder: not kept
            return pelican_relative_path(self, source_path)
        if (root, path) not in known:
            known[root, path] = pelican_relative_path(self, source_path)
        return known[root, path]

    relative_source_path.remembered = True
    Content.get_relative_source_path = relative_source_path


def _remember_slugs() -> None:
    """Pelican slugifies a tag's, a category's or an author's name (tags stripped,
    Unicode normalised, transliterated, its regular expressions applied, about
    60 µs) each time two of them are compared, several times an article."""
    import pelican.contents
    import pelican.urlwrappers
    import pelican.utils

    if getattr(pelican.urlwrappers.slugify, "remembered", False):
        return
    pelican_slugify = pelican.utils.slugify
    remembered = functools.lru_cache(maxsize=16384)(pelican_slugify)

    def slugify(value, regex_subs=(), preserve_case=False, use_unicode=False):
        try:
            return remembered(value, tuple(tuple(pair) for pair in regex_subs), preserve_case, use_unicode)
        except TypeError:  # a value that cannot be a key
            return pelican_slugify(value, regex_subs, preserve_case, use_unicode)

    slugify.remembered = True
    for module in (pelican.utils, pelican.contents, pelican.urlwrappers):
        module.slugify = slugify
