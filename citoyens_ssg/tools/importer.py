"""``citoyens import <site> <file-or-url>``: an association's old blog, brought in.

Reads a WordPress export (WXR) or an RSS/Atom feed (a file, or an address
fetched with the planet's careful fetcher), and writes each post as Markdown
with its metadata in ``sites/<site>/content/`` (pages in ``content/pages/``),
its images downloaded into ``content/images/``.  Nothing existing is ever
overwritten; every imported text goes through the sanitiser first.

An export is outside content, hostile until read: its metadata are written one
line each without control characters (a line break in a title would add
``Save_as:`` or ``Status:`` lines), Pelican's ``{attach}``/``{static}``/``{filename}``
in its text are shown as written, never resolved, drafts stay drafts, and a
large export is read item by item.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
from markdownify import markdownify

from citoyens_ssg.config.load import load_network_for_site
from citoyens_ssg.config.sites import slugify
from citoyens_ssg.content.images import EXTENSIONS as IMAGE_EXTENSIONS
from citoyens_ssg.content.sanitize import clean_html, clean_text, plain_text, safe_link
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.i18n import _
from citoyens_ssg.network.fetch import FetchError, FetchPolicy, fetch
from citoyens_ssg.tools.scaffold import POST_SLUG_LENGTH

WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
EXCERPT = "{http://wordpress.org/export/1.2/excerpt/}encoded"
CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
IMG_SRC = re.compile(r'(<img\b[^>]*\bsrc=")([^"]+)(")', re.IGNORECASE)
BLOCK_START = re.compile(r"^\s*<(p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|img)\b", re.IGNORECASE)
# Pelican reads {attach}x, {static}x, {filename}x, |filename|x… in a link as a file of the site
# to publish: in imported text they are shown as they are, never resolved.  In a link's target
# they are percent-encoded (Markdown would decode an entity there), elsewhere written as entities.
PELICAN_LINK = re.compile(r"\{\w*\}|\|(?:filename|attach|static|index|tag|category|author)\|")
LINK_TARGET = re.compile(r"(\]\(\s*<?|^ {0,3}\[[^\]]+\]:\s*<?)([^\s)>]+)", re.MULTILINE)
ENTITIES = str.maketrans({"{": "&#123;", "}": "&#125;", "|": "&#124;"})
PERCENT = str.maketrans({"{": "%7B", "}": "%7D", "|": "%7C"})
MAX_HTML_DEPTH = 100  # the converter recurses per element: 5,000 nested <div> would crash it
HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
VOID_TAGS = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                       "wbr"})


@dataclass
class Post:
    title: str
    date: datetime
    html: str
    slug: str = ""
    summary: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    author: str = ""
    page: bool = False
    draft: bool = False


@dataclass
class ImportReport:
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    images: int = 0


def import_blog(root: Path, site: str, source: str, policy: FetchPolicy | None = None) -> ImportReport:
    network = load_network_for_site(root, site)
    if site not in {s.slug for s in network.sites}:
        raise CitoyensError(_("no site '{site}' in sites/ (sites: {known})", site=site, known=", ".join(s.slug for s in network.sites)))
    policy = policy or FetchPolicy()
    data = _read_source(source, policy)
    posts = wxr_posts(data) if b"wordpress.org/export" in data[:4096] else feed_posts(data)
    content = network.site(site).content_dir
    report = ImportReport()
    for post in posts:  # one at a time: an export of thousands of posts is never all in memory
        _write_post(post, content, policy, report)
    return report


def _read_source(source: str, policy: FetchPolicy) -> bytes:
    if safe_link(source):
        try:
            return fetch(source, policy).body
        except FetchError as error:
            raise CitoyensError(_("cannot fetch {url}: {reason}", url=source, reason=error)) from None
    path = Path(source)
    if not path.is_file():
        raise CitoyensError(_("{path}: no such file (give a WordPress export or a feed, file or address)", path=source))
    return path.read_bytes()


def wxr_posts(data: bytes) -> Iterator[Post]:
    """Posts and pages of a WordPress export (attachments, menus and the like are left out),
    read item by item, each dropped once read."""
    try:
        for _event, element in ElementTree.iterparse(io.BytesIO(data)):
            if element.tag == "item":
                post = _wxr_post(element)
                element.clear()
                if post is not None:
                    yield post
    except ElementTree.ParseError as error:
        raise CitoyensError(_("not a readable WordPress export: {reason}", reason=error)) from None


def _wxr_post(item: ElementTree.Element) -> Post | None:
    kind = item.findtext(f"{WP}post_type", "")
    status = item.findtext(f"{WP}status", "")
    if kind not in ("post", "page") or status not in ("publish", "draft"):
        return None
    categories = [c.text or "" for c in item.findall("category") if c.get("domain") == "category"]
    return Post(
        title=plain_text(item.findtext("title", "")),
        date=_wp_date(item.findtext(f"{WP}post_date_gmt", "") or item.findtext(f"{WP}post_date", "")),
        html=_paragraphs(item.findtext(CONTENT, "")),
        slug=item.findtext(f"{WP}post_name", ""),
        summary=plain_text(item.findtext(EXCERPT, "")),
        category=plain_text(categories[0]) if categories else "",
        tags=[plain_text(c.text or "") for c in item.findall("category") if c.get("domain") == "post_tag"],
        author=plain_text(item.findtext(CREATOR, "")),
        page=kind == "page",
        draft=status == "draft",
    )


def _wp_date(value: str) -> datetime:
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=timezone.utc)


def _paragraphs(html: str) -> str:
    """WordPress stores paragraphs as blank lines: give them their <p>."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", html.replace("\r\n", "\n")) if block.strip()]
    return "\n".join(block if BLOCK_START.match(block) else f"<p>{block}</p>" for block in blocks)


def feed_posts(data: bytes) -> list[Post]:
    parsed = feedparser.parse(data)
    if not parsed.get("version"):
        raise CitoyensError(_("neither a WordPress export nor an RSS/Atom feed"))
    posts = []
    for entry in parsed.entries:
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        html = entry.content[0].value if entry.get("content") else entry.get("summary", "")
        tags = [plain_text(t.get("term", "")) for t in entry.get("tags", ()) if t.get("term")]
        posts.append(Post(
            title=plain_text(entry.get("title", "")),
            date=datetime(*moment[:6], tzinfo=timezone.utc) if moment else datetime(1970, 1, 1, tzinfo=timezone.utc),
            html=html,
            category=tags[0] if tags else "",
            tags=tags[1:],
            author=plain_text(entry.get("author", "")),
        ))
    return posts


def _write_post(post: Post, content: Path, policy: FetchPolicy, report: ImportReport) -> None:
    slug = slugify(post.slug or post.title, POST_SLUG_LENGTH)
    folder = content / "pages" if post.page else content
    path = folder / (f"{slug}.md" if post.page else f"{post.date:%Y-%m-%d}-{slug}.md")
    if path.exists():
        report.skipped.append(_("{path} already exists; kept as it is", path=path.name))
        return
    html = clean_html(post.html)
    depth = _depth(html)
    if depth > MAX_HTML_DEPTH:
        report.skipped.append(_("'{title}': its HTML is nested {depth} levels deep (at most {limit}); not"
                                " imported, simplify it in WordPress",
                                title=post.title or slug, depth=depth, limit=MAX_HTML_DEPTH))
        return
    mark = f"citoyens-image-{secrets.token_hex(8)}:"  # stands for {static} until the text is neutralised
    html = _download_images(html, content, policy, report, mark)
    body = markdownify(html, heading_style="ATX", bullets="-").strip()
    body = _literal(body).replace(mark, "{static}")
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(_header(post, slug) + "\n\n" + body + "\n")
    report.written.append(path)


def _literal(markdown: str) -> str:
    """``markdown`` with Pelican's link syntax shown as written instead of resolved."""
    markdown = LINK_TARGET.sub(lambda found: found.group(1) + found.group(2).translate(PERCENT), markdown)
    return PELICAN_LINK.sub(lambda found: found.group(0).translate(ENTITIES), markdown)


def _header(post: Post, slug: str) -> str:
    """The metadata lines, each one line without control characters: nothing in a value starts another key."""
    fields = [("Title", post.title or slug), ("Date", f"{post.date:%Y-%m-%d %H:%M}"), ("Slug", slug)]
    fields += [("Category", post.category)] if post.category and not post.page else []
    fields += [("Tags", ", ".join(post.tags))] if post.tags else []
    fields += [("Author", post.author)] if post.author else []
    fields += [("Summary", post.summary)] if post.summary else []
    fields += [("Status", "draft")] if post.draft else []
    return "\n".join(f"{key}: {clean_text(value, one_line=True).strip()}" for key, value in fields)


def _depth(html: str) -> int:
    """How deep the elements of (sanitised, so well-formed) ``html`` nest."""
    depth = deepest = 0
    for closing, tag, self_closing in HTML_TAG.findall(html):
        if tag.lower() in VOID_TAGS or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _download_images(html: str, content: Path, policy: FetchPolicy, report: ImportReport, mark: str) -> str:
    """Fetch each remote image into content/images/ and point the post at the copy
    (``mark``/images/… , which becomes {static}/images/… once the text is neutralised)."""
    folder = content / "images"

    def replace(match: re.Match) -> str:
        url = match.group(2)
        name = Path(urlsplit(url).path).name
        if not safe_link(url) or Path(name).suffix.lower() not in IMAGE_EXTENSIONS:
            return match.group(0)
        stem = slugify(Path(name).stem)
        target = folder / f"{stem}-{hashlib.sha1(url.encode()).hexdigest()[:6]}{Path(name).suffix.lower()}"
        if not target.exists():
            try:
                data = fetch(url, policy).body
            except FetchError as error:
                report.skipped.append(_("image {url} not downloaded: {reason}", url=url, reason=error))
                return match.group(0)
            folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            report.images += 1
        return f"{match.group(1)}{mark}/images/{target.name}{match.group(3)}"

    return IMG_SRC.sub(replace, html)
