"""Pelican plugin: refuse content that would overwrite other content.

Pelican aborts a whole site when two files produce the same page, with a message
that names neither file.  This plugin finds such collisions once every file is
read and raises an error naming both, so the volunteer knows what to rename.
"""

from __future__ import annotations

from pelican import signals

from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.i18n import _


class DuplicateOutputError(CitoyensError):
    pass


def _contents(generators):
    for generator in generators:
        for attribute in ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                          "hidden_translations", "pages", "hidden_pages", "draft_pages"):
            yield from getattr(generator, attribute, ())


def refuse_duplicate_outputs(generators) -> None:
    written_by: dict[str, str] = {}
    for content in _contents(generators):
        target = content.save_as
        if not target:
            continue
        first = written_by.setdefault(target, content.source_path)
        if first != content.source_path:
            message = _("{file}: same page ({page}) as {other}; give one of them another Title: or a Slug:",
                        file=content.source_path, page=target, other=first)
            raise DuplicateOutputError(message)


def register() -> None:
    signals.all_generators_finalized.connect(refuse_duplicate_outputs)
