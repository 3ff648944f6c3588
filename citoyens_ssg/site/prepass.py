"""Both cores on a large site: its documents converted in two processes before Pelican reads them.

Pelican reads a site's files one after the other in one process.  On a large
site whose documents are not in the memo yet (a cold build, a new version of a
library), the site's worker first converts them itself and in one forked child,
half each: Markdown, then the sanitiser and French spacing, exactly as the
reader and the guard plugin would, under the same memo keys.  Pelican's run then
finds every document in the memo and goes straight to rendering.  A file the
guard would refuse is left to Pelican, which reports it as usual.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from pelican.utils import pelican_open

from citoyens_ssg.content import checks as content_checks
from citoyens_ssg.content import typography
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.site import reading
from citoyens_ssg.site.context import site_context

logger = logging.getLogger(__name__)
# Below this many documents to convert, a fork (about 10 ms) and the copy of the
# results cost more than the half of the work the child does.
ENOUGH = 100


def convert_in_parallel(settings: dict) -> int:
    """Fill the site's memo with its documents' conversions; how many were made."""
    reader = reading.READERS[_dialect(settings)](settings)  # as Pelican makes it, before the memo is opened
    memo = reading.site_memo(settings)
    paths = _paths(settings)
    known = sum(1 for key in memo.previous if key.startswith(reader.memo_prefix))
    if (
        len(paths) - known < ENOUGH
    ):  # a rebuild: not enough documents can be new to be worth reading them twice
        return 0
    todo = [
        (path, text) for path, text in _documents(settings, paths) if memo.get(_key(reader, text)) is None
    ]
    if len(todo) < ENOUGH or (os.cpu_count() or 1) < 2:
        return 0
    middle = len(todo) // 2
    pid, readable = _fork_converting(reader, todo[middle:])
    entries = _converted(reader, todo[:middle])  # while the child converts the other half
    entries.update(_collect(pid, readable))
    for key, value in entries.items():
        memo.put(key, value)
    return len(entries)


def _dialect(settings: dict) -> str:
    reader_class = settings["READERS"][reading.EXTENSIONS[0]]
    return next(name for name, known in reading.READERS.items() if known is reader_class)


def _paths(settings: dict) -> list[Path]:
    """The site's Markdown files."""
    return [
        path
        for path in sorted(Path(settings["PATH"]).rglob("*"))
        if path.suffix.lstrip(".").lower() in reading.EXTENSIONS and path.is_file()
    ]


def _documents(settings: dict, paths: list[Path]) -> list[tuple[Path, str]]:
    """Those of ``paths`` the guard plugin would let Pelican read, with their text."""
    content = Path(settings["PATH"])
    found = []
    for path in paths:
        try:
            content_checks.check_location(path, content.parent)
            content_checks.check_nesting(content_checks.decode_source(path.read_bytes()))
            with pelican_open(str(path)) as text:
                found.append((path, text))
        except (OSError, CitoyensError):
            continue  # Pelican's run reports it, with its line
    return found


def _key(reader: reading.CitoyensMarkdownReader, text: str) -> str:
    return reader.memo_prefix + reading.digest(text)


def _converted(
    reader: reading.CitoyensMarkdownReader, documents: list[tuple[Path, str]]
) -> dict[str, object]:
    """Memo entries for these documents: their conversion and their finished body."""
    trusted = site_context(reader.settings).trusted
    entries: dict[str, object] = {}
    for _path, text in documents:
        html, meta = entries[_key(reader, text)] = reader._convert(text)
        language = (meta.get("lang") or [reader.settings.get("DEFAULT_LANG")])[0]
        french = typography.is_french(str(language))
        entries[reading.finished_key(html, trusted, french)] = reading.finished_html(html, trusted, french)
    return entries


def _fork_converting(
    reader: reading.CitoyensMarkdownReader, documents: list[tuple[Path, str]]
) -> tuple[int, int]:
    """A child converting ``documents``, and the pipe its entries will come through."""
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: convert, hand the entries over, leave without running the parent's clean-ups
        os.close(readable)
        status = 1
        try:
            with os.fdopen(writable, "w", encoding="utf-8") as pipe:
                json.dump(_converted(reader, documents), pipe, ensure_ascii=False)
            status = 0
        finally:
            os._exit(status)
    os.close(writable)
    return pid, readable


def _collect(pid: int, readable: int) -> dict[str, object]:
    """The child's entries; none when it failed (Pelican then converts its share itself)."""
    with os.fdopen(readable, encoding="utf-8") as pipe:
        text = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    if status != 0 or not text:
        logger.debug("the conversion child %s ended with status %s", pid, status)
        return {}
    return json.loads(text)
