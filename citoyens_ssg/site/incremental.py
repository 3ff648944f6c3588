"""Rendering only what changed inside a site.

Every page and feed Pelican writes gets a key: the site's setup (its
configuration, theme styles and strings, plugins, citoyens itself, library
versions), the templates it is rendered with (its own and those it
extends, includes or imports), and what the page shows.  When the key is the
one recorded for the published version of the page, the page is not rendered
again: the published bytes are written as they are.  After the build, every
file whose bytes did not change is linked to the published file, so only the
files that changed are new (deployments and mirrors see exactly those).

What a page "shows", in its key: everything of what it is given (its article
or page, the articles of its page of a listing, a feed's items), their text
included; of the rest of the site (and of the whole list a listing is a page
of), metadata, titles and addresses.  This is the promise made to themes: a
template may show anything of the contents handed to it, and of the other
contents of the site anything but their text and summary.  Whatever the key
cannot describe (an object of a kind it does not know) makes the page render
every time: the safe side.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import stat
from collections.abc import Collection
from pathlib import Path

import jinja2
from feedgenerator import Rss201rev2Feed
from pelican import signals
from pelican.contents import Content
from pelican.paginator import Page as PaginationPage
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper
from pelican.utils import sanitised_join
from pelican.writers import Writer

from citoyens_ssg import clock
from citoyens_ssg.digests import digest
from citoyens_ssg.site import addresses
from citoyens_ssg.site.context import site_context
from citoyens_ssg.site.templating import LISTED_ARTICLE

logger = logging.getLogger(__name__)

# How much of a content object a page's key holds: SHOWN for what the page is
# given (its article, the articles of a listing, a feed's items): everything,
# its text by a digest of its stored HTML (what its text, summary and links are
# made from); SITE for the rest of the site, in the context every page gets:
# metadata, title, address, not the text nor the summary.
SHOWN, SITE = "shown", "site"
# Attributes of a content object left out of its digest: the site's settings
# and context (in the setup and the site digest), its HTML (digested apart,
# in SHOWN only), derived values and caches.
_NOT_SHOWN = frozenset(
    {
        "settings",
        "_context",
        "_content",
        "_summary",
        "content",
        "source_path",
        "relative_source_path",
        "_output_location_referenced",
        "_cache",
        "_metadata_cache",
    }
)
_UNORDERED = frozenset({"staticfiles"})
_PLAIN = frozenset({type(None), bool, int, float, str})
# The templates a template names: {% extends "base.html" %}, {% include 'x.html' %},
# {% from "y.html" import z %}; ``name`` is None when the name is not a plain string.
_REFERENCE = re.compile(r"""\{%[-+]?\s*(?:extends|include|import|from)\s+(?:(["'])(?P<name>[^"']+)\1|\S)""")
RENDERED_FROM_CODE = (LISTED_ARTICLE,)


class Uncacheable(Exception):
    """A value the key cannot describe: the page is rendered."""


@dataclasses.dataclass(frozen=True)
class RenderPaths:
    """Where the published version of a site and its render record are."""

    setup: str  # fingerprint of everything but the content (fingerprint.setup_fingerprint)
    previous_output: Path
    previous_record: Path
    record: Path

    def as_setting(self) -> dict[str, str]:
        return {name: str(value) for name, value in dataclasses.asdict(self).items()}

    @classmethod
    def from_setting(cls, setting: dict[str, str]) -> RenderPaths:
        return cls(
            setting["setup"],
            Path(setting["previous_output"]),
            Path(setting["previous_record"]),
            Path(setting["record"]),
        )


class Keys:
    """Digests of what pages show, each content object digested once per build."""

    def __init__(self, setup: str):
        self.setup = setup
        self._contents: dict[tuple[int, str], str] = {}
        # Pelican hands the same lists to many pages (a tag's articles to each of
        # its pages, all the articles to every article): digested once each.
        self._containers: dict[tuple[int, str], tuple[object, int, str]] = {}
        self._wrappers: dict[int, tuple[URLWrapper, str]] = {}
        self._sources: dict[str, str] = {}
        self._global: tuple[int, str] | None = None
        self._site_wide: set[int] = set()  # the lists and dicts of the site-wide context

    def page_key(self, template, localcontext: dict, context: dict) -> str:
        parts = [
            self.setup,
            template.name,
            self._templates(template.environment, template.name),
            self._site(context),
        ]
        for name in sorted(localcontext):
            value = localcontext[name]
            if name in context and context[name] is value:
                continue  # the site-wide context, digested once
            if id(value) in self._site_wide:  # one of its lists under another name (all_articles)
                parts.append(f"{name}=site")
            elif isinstance(localcontext.get(f"{name}_page"), PaginationPage):
                # A listing split into pages: this page shows its own items (``articles_page``);
                # the whole list, like the rest of the site, by metadata.
                parts.append(f"{name}={self.value(value, SITE)}")
            elif name.endswith(("_previous_page", "_next_page")) and isinstance(value, PaginationPage):
                parts.append(f"{name}=page({value.number},{value.url!r})")  # a link to it
            else:
                parts.append(f"{name}={self.value(value, SHOWN)}")
        return digest(*parts)

    def feed_key(self, elements: list, context: dict, *details: object) -> str:
        items = [self.value(element, SHOWN) for element in elements]
        return digest(self.setup, "feed", self._site(context), repr(details), *items)

    def _templates(self, environment: jinja2.Environment, name: str) -> str:
        """The sources of a template and of those it extends, includes or imports."""
        if name not in self._sources:
            self._sources[name] = digest(*template_sources(environment, name))
        return self._sources[name]

    def _site(self, context: dict) -> str:
        """The site-wide context (articles, categories, tags, pages…): metadata, not bodies.

        Digested once: generators fill the context before any page is written.
        """
        if self._global is None or self._global[0] != id(context):
            # Settings (in capitals) come from the files the setup digests.
            parts = [
                f"{name}={self.value(_in_stable_order(name, context[name]), SITE)}"
                for name in sorted(context)
                if not name.isupper()
            ]
            self._global = (id(context), digest(*parts))
            self._site_wide = {
                id(value)
                for name, value in context.items()
                if not name.isupper() and isinstance(value, (list, tuple, dict, set, frozenset))
            }
        return self._global[1]

    def value(self, value: object, mode: str) -> str:  # noqa: PLR0911 - one case per kind of value
        if type(value) in _PLAIN:  # most values: no subclass to look for
            return repr(value)
        if isinstance(value, (bool, int, float)):
            return repr(value)
        if isinstance(value, str):  # Markup included
            return repr(str(value))
        if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
            return f"{type(value).__name__}({value.isoformat()}{getattr(value, 'tzinfo', None)})"
        if isinstance(value, datetime.tzinfo):
            return f"tz({value})"
        if isinstance(value, Content):
            return self._content(value, mode)
        if isinstance(value, URLWrapper):
            return self._wrapper(value)
        if isinstance(value, PaginationPage):  # one page of a listing: its articles in full
            items = ",".join(self.value(item, SHOWN) for item in value.object_list)
            return (
                f"page({value.number},{value.paginator.num_pages},{value.url!r},{value.save_as!r},[{items}])"
            )
        if isinstance(value, Paginator):
            return f"paginator({value.count},{value.num_pages},{value.per_page})"
        if isinstance(value, (list, tuple, dict, set, frozenset)):
            known = self._containers.get((id(value), mode))
            if known is None or known[0] is not value or known[1] != len(value):
                known = self._containers[id(value), mode] = (value, len(value), self._container(value, mode))
            return known[2]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = ",".join(
                f"{f.name}={self.value(getattr(value, f.name), mode)}" for f in dataclasses.fields(value)
            )
            return f"{type(value).__name__}({fields})"
        raise Uncacheable(type(value).__qualname__)

    def _wrapper(self, wrapper: URLWrapper) -> str:
        """A category, tag or author: shared by many contents, its address computed once."""
        known = self._wrappers.get(id(wrapper))
        if known is None or known[0] is not wrapper:
            fields = (wrapper.name, wrapper.slug, wrapper.url, wrapper.save_as)
            described = f"{type(wrapper).__name__}({','.join(repr(field) for field in fields)})"
            known = self._wrappers[id(wrapper)] = (wrapper, described)
        return known[1]

    def _container(self, value: list | tuple | dict | set | frozenset, mode: str) -> str:
        if isinstance(value, (list, tuple)):
            return "[" + ",".join(self.value(item, mode) for item in value) + "]"
        if isinstance(value, (set, frozenset)):
            return "{" + ",".join(sorted(self.value(item, mode) for item in value)) + "}"
        items = sorted(value.items(), key=lambda kv: repr(kv[0]))
        return "{" + ",".join(f"{self.value(k, mode)}:{self.value(v, mode)}" for k, v in items) + "}"

    def _content(self, content: Content, mode: str) -> str:
        key = (id(content), mode)
        if key not in self._contents:
            self._contents[key] = "…"  # a content referring to itself (translations) is not digested twice
            parts = [type(content).__name__, content.source_path]
            for name, value in sorted(vars(content).items()):
                if name in _NOT_SHOWN:
                    continue
                if name == "metadata" and mode == SITE:
                    value = {k: v for k, v in value.items() if k != "summary"}
                parts.append(
                    f"{name}="
                    + (_reference(value) if isinstance(value, Content) else self.value(value, mode))
                )
            html = getattr(content, "_content", None)
            if html is not None and mode == SHOWN:  # a text, not a static file
                # Its text and summary are made from it and from addresses the site digest holds.
                parts.append("body=" + hashlib.sha256(str(html).encode("utf-8", "surrogatepass")).hexdigest())
            self._contents[key] = digest(*parts)
        return self._contents[key]


def template_sources(environment: jinja2.Environment, name: str) -> list[str]:
    """``name:source`` of a template and of every template it names, followed to the end.

    A template named by a variable (``{% include page.template %}``) could be
    any: then all of the environment's templates count.  Templates rendered from
    Python (``listed_article``) count for every page.
    """
    parts, seen, waiting = [], set(), [name, *RENDERED_FROM_CODE]
    while waiting:
        current = waiting.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = environment.loader.get_source(environment, current)[0]
        except jinja2.TemplateNotFound:
            parts.append(f"{current}:")
            continue
        parts.append(f"{current}:{source}")
        for reference in _REFERENCE.finditer(source):
            if reference["name"] is None:
                return [
                    f"{every}:{environment.loader.get_source(environment, every)[0]}"
                    for every in environment.list_templates()
                ]
            waiting.append(reference["name"])
    return sorted(parts)


def _in_stable_order(name: str, value: object) -> object:
    """Pelican lists static files in the order the file system gives them."""
    return frozenset(value) if name in _UNORDERED and isinstance(value, list) else value


def _reference(content: Content) -> str:
    """Another content, named: what it shows is in the site-wide digest already."""
    return f"{type(content).__name__}({content.source_path!r})"


class RenderRecord:
    """The key of every file of a site's published version, and this build's."""

    def __init__(self, paths: RenderPaths):
        self.paths = paths
        self.previous: dict[str, str] = _load(paths.previous_record).get("pages", {})
        self.current: dict[str, str] = {}
        self.rendered = 0
        self.reused = 0
        self._reusing: Path | None = None

    def published(self, name: str, key: str) -> Path | None:
        """The published file ``name`` when it was made from ``key``."""
        if self.previous.get(name) != key:
            return None
        try:
            path = Path(sanitised_join(str(self.paths.previous_output), name))
        except RuntimeError:  # a name leaving the site
            return None
        return path if path.is_file() and not path.is_symlink() else None

    def reuse(self, published: Path) -> None:
        """The next file the writer opens is ``published``, as it is."""
        self.reused += 1
        self._reusing = published

    def take_reused(self) -> Path | None:
        reusing, self._reusing = self._reusing, None
        return reusing

    def save(self, *_sender: object) -> None:
        self.paths.record.parent.mkdir(parents=True, exist_ok=True)
        self.paths.record.write_text(_compact({"pages": self.current}), encoding="utf-8")
        logger.debug("pages rendered: %d, reused: %d", self.rendered, self.reused)


# A site's render record: {"pages": {file name: key}, "search_index": the keys of the pages its
# index's parts were made from, in one string (``search.index_key``)}.


def search_index_key(record: Path) -> str | None:
    """The key the site's search index was made from (``search.index_key``), kept beside the pages'."""
    return _load(record).get("search_index")


def record_search_index(record: Path, key: str) -> None:
    data = _load(record)
    data.setdefault("pages", {})
    data["search_index"] = key
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(_compact(data), encoding="utf-8")


def forget_renders(record: Path, names: Collection[str], search_index: bool = False) -> None:
    """Drop ``names`` (and the search index's key) from a render record: those are made again, not reused."""
    data = _load(record)
    pages = data.get("pages", {})
    if names & pages.keys() or (search_index and "search_index" in data):
        data["pages"] = {name: key for name, key in pages.items() if name not in names}
        if search_index:
            data.pop("search_index", None)
        record.write_text(_compact(data), encoding="utf-8")


def _compact(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))  # no indent: the json module's C encoder


def _load(path: Path) -> dict:
    """A render record; {} when absent, unreadable or of the older flat form (its pages made again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("pages"), dict) else {}


class _KeyedTemplate:
    """Stands for a Jinja template inside Pelican's writer: renders only when the key changed."""

    def __init__(self, template, context: dict, keys: Keys, record: RenderRecord):
        self.template = template
        self.context = context
        self.keys = keys
        self.record = record

    def render(self, localcontext: dict) -> str:
        name = localcontext["output_file"]
        try:
            key = self.keys.page_key(self.template, localcontext, self.context)
        except Uncacheable as kind:
            logger.debug("%s is rendered every time: its context holds a %s", name, kind)
            self.record.rendered += 1
            return self.template.render(localcontext)
        self.record.current[name] = key
        published = self.record.published(name, key)
        if published is not None:
            self.record.reuse(published)
            return ""  # the writer links the published file instead of writing this
        self.record.rendered += 1
        return self.template.render(localcontext)

    def __getattr__(self, name: str):
        return getattr(self.template, name)


class _RootRelativeTemplate:
    """Stands for a Jinja template inside Pelican's writer: a page's text root-relative
    (``addresses.root_relative``) before it is written, so each page is written once."""

    def __init__(self, template, public_origin: str):
        self.template = template
        self.public_origin = public_origin

    def render(self, localcontext: dict) -> str:
        text = self.template.render(localcontext)
        if not localcontext["output_file"].endswith(".html"):
            return text  # a template may write XML or text (a sitemap, robots.txt): never touched
        return addresses.root_relative(text, self.public_origin)

    def __getattr__(self, name: str):
        return getattr(self.template, name)


class FeedWriter(Writer):
    """Pelican's writer, its pages root-relative, its RSS feeds valid: Pelican gives each item a
    ``tag:`` URI as guid (the Atom entry's id, kept so that readers see no post twice) without
    ``isPermaLink="false"``, and RSS 2.0 reads a guid without it as the post's address."""

    def write_file(self, name, template, context, *args, **kwargs):
        # Relies on Pelican's Writer.write_file calling ``template.render(localcontext)`` once a page,
        # ``localcontext["output_file"]`` naming it, and writing what it returns (Pelican 4.x).
        public_origin = addresses.origin(self.settings["SITEURL"])
        root_relative = _RootRelativeTemplate(template, public_origin)
        return super().write_file(name, root_relative, context, *args, **kwargs)

    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        if isinstance(feed, Rss201rev2Feed):
            feed.add_item = functools.partial(_add_rss_item, feed.add_item)
        return feed


def _add_rss_item(add_item, *args, **fields):
    unique_id = fields.get("unique_id") or ""
    fields.setdefault("unique_id_is_permalink", unique_id.startswith(("http://", "https://")))
    return add_item(*args, **fields)


class IncrementalWriter(FeedWriter):
    """Pelican's writer, rendering a page or a feed only when what it shows changed.

    Relies on Pelican's ``Writer`` internals, not its public interface (Pelican 4.x as pinned in
    pyproject.toml; a new version rebuilds everything, its version being in ``digests.code_salt``,
    and ``citoyens build --verify`` tells whether this still holds):
    ``write_file`` renders through ``template.render(localcontext)`` then opens the file with
    ``_open_w``; ``_open_w`` keeps ``_written_files`` and ``_overridden_files`` to refuse a second
    write; ``write_feed`` builds its feed with ``_create_new_feed`` and writes it through ``_open_w``.
    """

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        paths = RenderPaths.from_setting(site_context(self.settings).renders)
        self.keys = Keys(paths.setup)
        self.record = RenderRecord(paths)
        signals.finalized.connect(self.record.save, weak=False)

    def _open_w(self, filename, encoding, override=False):
        reused = self.record.take_reused()
        if reused is None or filename in self._overridden_files:  # rendered, or skipped by Pelican's rule
            return super()._open_w(filename, encoding, override)
        if filename in self._written_files:
            super()._open_w(filename, encoding, override).close()  # Pelican's rule for a second write
        else:
            self._written_files.add(filename)  # Pelican's bookkeeping, without creating the file
            if override:
                self._overridden_files.add(filename)
        return _LinkInstead(reused, Path(filename))

    def write_file(self, name, template, context, *args, **kwargs):
        return super().write_file(
            name, _KeyedTemplate(template, context, self.keys, self.record), context, *args, **kwargs
        )

    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        feed.latest_post_date = functools.partial(_latest_or_build_day, feed)
        return feed

    def write_feed(
        self, elements, context, path=None, url=None, feed_type="atom", override_output=False, feed_title=None
    ):
        if not path:
            return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
        try:
            shown = elements[: self.settings["FEED_MAX_ITEMS"]]
            day = None if shown else build_day()  # an empty feed is dated by the build's day
            key = self.keys.feed_key(shown, context, path, url, feed_type, feed_title, day)
        except Uncacheable:
            return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
        self.record.current[path] = key
        published = self.record.published(path, key)
        if published is None:
            self.record.rendered += 1
            return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
        complete_path = sanitised_join(self.output_path, path)
        os.makedirs(os.path.dirname(complete_path), exist_ok=True)
        self.record.reuse(published)
        with self._open_w(complete_path, "utf-8", override_output):
            pass
        return None


def build_day() -> datetime.datetime:
    """Midnight (UTC) of the build's day: stable within a day, honours SOURCE_DATE_EPOCH."""
    return clock.now().replace(hour=0, minute=0, second=0, microsecond=0)


def _latest_or_build_day(feed) -> datetime.datetime:
    """A feed's date: its newest item's; for a feed without items, the build's day, not the
    clock's second (feedgenerator's choice), so that two builds of a day give the same bytes."""
    return type(feed).latest_post_date(feed) if feed.items else build_day()


class _LinkInstead:
    """A file opened by Pelican's writer for a page whose published bytes are reused:
    nothing is written, the published file is linked in its place on closing."""

    def __init__(self, published: Path, target: Path):
        self.published = published
        self.target = target

    def write(self, _text: str) -> int:
        return 0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        if exc_info[0] is None:
            _link(self.published, self.target)


def _link(published: Path, target: Path) -> None:
    temporary = target.with_name(f".keep-{target.name}")
    temporary.unlink(missing_ok=True)
    try:
        os.link(published, temporary)
    except OSError:  # another file system: a copy
        shutil.copyfile(published, temporary)
    os.replace(temporary, target)


def keep_unchanged_files(new: Path, published: Path) -> int:
    """Link every file of ``new`` whose bytes are those of ``published`` to it; how many.

    The published file keeps its identity (inode, time): only changed files are new.
    """
    kept = 0
    for directory, _dirs, names in os.walk(new):
        old_directory = os.path.join(published, os.path.relpath(directory, new))
        for name in names:
            fresh, before = os.path.join(directory, name), os.path.join(old_directory, name)
            try:  # two lstat calls a file, strings not Path objects: a large site has thousands
                now, was = os.lstat(fresh), os.lstat(before)
                if not (stat.S_ISREG(now.st_mode) and stat.S_ISREG(was.st_mode)):
                    continue  # a link or a folder is never kept in place of a file
                if (was.st_ino, was.st_dev) == (now.st_ino, now.st_dev):
                    continue  # a page the writer reused: linked already
                if was.st_size != now.st_size or Path(before).read_bytes() != Path(fresh).read_bytes():
                    continue
                keep = os.path.join(directory, f".keep-{name}")
                os.link(before, keep)
                os.replace(keep, fresh)
                kept += 1
            except OSError:
                continue  # another file system, a vanished file: the new copy stays, which is correct
    return kept
