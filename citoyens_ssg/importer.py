"""``citoyens import <site> <file-or-url>``: an association's old blog, brought in.

Reads a WordPress export (WXR) or an RSS/Atom feed (a file, or an address
fetched with the planet's careful fetcher), and writes each post as Markdown
with its metadata in ``sites/<site>/content/`` (pages in ``content/pages/``),
its images downloaded into ``content/images/``.  Nothing existing is ever
overwritten; every imported text goes through the sanitiser first.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
from markdownify import markdownify

from citoyens_ssg.config import load_network_for_site
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.fetch import FetchError, FetchPolicy, fetch
from citoyens_ssg.i18n import _
from citoyens_ssg.images import EXTENSIONS as IMAGE_EXTENSIONS
from citoyens_ssg.sanitize import clean_html, plain_text, safe_link
from citoyens_ssg.sites import slugify

WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
EXCERPT = "{http://wordpress.org/export/1.2/excerpt/}encoded"
CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
IMG_SRC = re.compile(r'(<img\b[^>]*\bsrc=")([^"]+)(")', re.IGNORECASE)
BLOCK_START = re.compile(r"^\s*<(p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|img)\b", re.IGNORECASE)


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
    for post in posts:
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


def wxr_posts(data: bytes) -> list[Post]:
    """Posts and pages of a WordPress export (attachments, menus and the like are left out)."""
    try:
        channel = ElementTree.fromstring(data).find("channel")
    except ElementTree.ParseError as error:
        raise CitoyensError(_("not a readable WordPress export: {reason}", reason=error)) from None
    posts = []
    for item in channel.iter("item") if channel is not None else ():
        kind = item.findtext(f"{WP}post_type", "")
        status = item.findtext(f"{WP}status", "")
        if kind not in ("post", "page") or status not in ("publish", "draft"):
            continue
        categories = [c.text or "" for c in item.findall("category") if c.get("domain") == "category"]
        posts.append(Post(
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
        ))
    return posts


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
    slug = slugify(post.slug or post.title)
    folder = content / "pages" if post.page else content
    path = folder / (f"{slug}.md" if post.page else f"{post.date:%Y-%m-%d}-{slug}.md")
    if path.exists():
        report.skipped.append(_("{path} already exists; kept as it is", path=path.name))
        return
    html = _download_images(clean_html(post.html), content, policy, report)
    body = markdownify(html, heading_style="ATX", bullets="-").strip()
    lines = [f"Title: {post.title or slug}", f"Date: {post.date:%Y-%m-%d %H:%M}", f"Slug: {slug}"]
    lines += [f"Category: {post.category}"] if post.category and not post.page else []
    lines += [f"Tags: {', '.join(post.tags)}"] if post.tags else []
    lines += [f"Author: {post.author}"] if post.author else []
    lines += [f"Summary: {post.summary}"] if post.summary else []
    lines += ["Status: draft"] if post.draft else []
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write("\n".join(line.replace("\n", " ") for line in lines) + "\n\n" + body + "\n")
    report.written.append(path)


def _download_images(html: str, content: Path, policy: FetchPolicy, report: ImportReport) -> str:
    """Fetch each remote image into content/images/ and point the post at the copy."""
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
        return f"{match.group(1)}{{static}}/images/{target.name}{match.group(3)}"

    return IMG_SRC.sub(replace, html)
