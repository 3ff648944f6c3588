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

What WordPress had is kept: ``[caption]`` shortcodes become figures with their caption (other
shortcodes are named per file and left as text), authors appear by their display name, dates stay
the local time WordPress showed, links to the old blog's own posts lead to the new pages, and a
folder of redirects (``redirections/<site>/``: a ``_redirects`` file and HTML pages) sends the old
addresses to the new ones once the old blog's domain is served from it.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import feedparser
from markdownify import markdownify

from citoyens_ssg.config.load import load_network_for_site
from citoyens_ssg.config.sites import slugify
from citoyens_ssg.content.images import EXTENSIONS as IMAGE_EXTENSIONS
from citoyens_ssg.content.sanitize import VOID_ELEMENTS, clean_html, clean_text, plain_text, safe_link
from citoyens_ssg.errors import CitoyensError
from citoyens_ssg.i18n import _
from citoyens_ssg.network.fetch import FetchError, FetchPolicy, fetch
from citoyens_ssg.network.headers import redirect_page
from citoyens_ssg.tools.scaffold import POST_SLUG_LENGTH

WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
EXCERPT = "{http://wordpress.org/export/1.2/excerpt/}encoded"
CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
WP_EMPTY_DATE = "0000-00-00 00:00:00"  # what WordPress writes for a draft never scheduled
# [caption id="…" width="300"]<a …><img …></a> The caption[/caption], or caption="…" as an attribute
# Neither its attributes nor its text cross another [caption: 20,000 unclosed ones were each
# searched to the end (quadratic, 29 s for one post).
CAPTION = re.compile(
    r"\[caption\b([^\]\[]*)\]((?:(?!\[/?caption\b).)*)\[/caption\]", re.IGNORECASE | re.DOTALL
)
CAPTION_ATTRIBUTE = re.compile(r'\bcaption="([^"]*)"', re.IGNORECASE)
CAPTIONED_IMAGE = re.compile(r"^\s*(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?", re.IGNORECASE)
FIGURE = re.compile(r"<figure>.*?</figure>", re.IGNORECASE | re.DOTALL)
# A shortcode: [name attr="…"], [name] … [/name], or one of WordPress's own without either.
SHORTCODE = re.compile(r"\[([a-zA-Z][\w-]*)(\s[^\]\[]*)?\]")
CLOSING_SHORTCODE = re.compile(r"\[/([a-zA-Z][\w-]*)\]")
WORDPRESS_SHORTCODES = frozenset({"audio", "embed", "gallery", "playlist", "video", "wp_caption"})
HREF = re.compile(r'(<a\b[^>]*\bhref=")([^"]+)(")', re.IGNORECASE)
# A segment of an old address that may become a folder of the redirects: no "..", no separator,
# as written (percent-encoded) and once decoded; at most MAX_OLD_DEPTH of them.
OLD_SEGMENT = re.compile(r"^[A-Za-z0-9_~%-][A-Za-z0-9._~%-]{0,199}$")
DECODED_SEGMENT = re.compile(r"^[^\x00-\x1f\x7f/\\.][^\x00-\x1f\x7f/\\]*$")
MAX_OLD_DEPTH = 20
REDIRECTS_FOLDER = "redirections"
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
    old_addresses: tuple[str, ...] = ()  # where the old blog published it (its <link>, its ?p= id)

    @property
    def file(self) -> str:
        """Its file, relative to the site's content/ folder."""
        slug = slugify(self.slug or self.title, POST_SLUG_LENGTH)
        return f"pages/{slug}.md" if self.page else f"{self.date:%Y-%m-%d}-{slug}.md"

    @property
    def address(self) -> str:
        """Its page, relative to the site (Pelican's ARTICLE_URL and PAGE_URL)."""
        slug = slugify(self.slug or self.title, POST_SLUG_LENGTH)
        return f"pages/{slug}.html" if self.page else f"{slug}.html"


@dataclass
class ImportReport:
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # imported, but something needs a hand
    images: int = 0
    redirects: Path | None = None  # the folder of redirects from the old addresses, if any


@dataclass(frozen=True)
class OldBlog:
    """What a first reading of the export says about the blog it comes from."""

    base: str = ""  # the blog's address, the channel's <link>
    authors: dict[str, str] = field(default_factory=dict)  # login -> display name
    pages: dict[str, Post] = field(default_factory=dict)  # old address (see _old_key) -> its post


def import_blog(root: Path, site: str, source: str, policy: FetchPolicy | None = None) -> ImportReport:
    network = load_network_for_site(root, site)
    if site not in {s.slug for s in network.sites}:
        raise CitoyensError(
            _(
                "no site '{site}' in sites/ (sites: {known})",
                site=site,
                known=", ".join(s.slug for s in network.sites),
            )
        )
    policy = policy or FetchPolicy()
    data = _read_source(source, policy)
    config = network.site(site)
    zone = ZoneInfo(config.timezone)
    wordpress = b"wordpress.org/export" in data[:4096]
    blog = survey(data) if wordpress else OldBlog()
    posts = wxr_posts(data, blog.authors) if wordpress else feed_posts(data, zone)
    report = ImportReport()
    for post in posts:  # one at a time: an export of thousands of posts is never all in memory
        _write_post(post, config.content_dir, policy, report, blog)
    if blog.pages:
        folder = root.resolve() / REDIRECTS_FOLDER / site
        report.redirects = _write_redirects(folder, blog, f"{network.url}/{site}/", config.language, report)
    return report


def _read_source(source: str, policy: FetchPolicy) -> bytes:
    if safe_link(source):
        try:
            return fetch(source, policy).body
        except FetchError as error:
            raise CitoyensError(_("cannot fetch {url}: {reason}", url=source, reason=error)) from None
    path = Path(source)
    if not path.is_file():
        raise CitoyensError(
            _("{path}: no such file (give a WordPress export or a feed, file or address)", path=source)
        )
    return path.read_bytes()


def _wxr_elements(data: bytes) -> Iterator[ElementTree.Element]:
    """The export's authors and items, each dropped once the caller has read it."""
    try:
        for _event, element in ElementTree.iterparse(io.BytesIO(data)):
            if element.tag in ("item", f"{WP}author"):
                yield element
                element.clear()
    except ElementTree.ParseError as error:
        raise CitoyensError(_("not a readable WordPress export: {reason}", reason=error)) from None


def survey(data: bytes) -> OldBlog:
    """A first reading: the blog's address, its authors' display names, and which old address
    becomes which new file (links between posts point forward as well as back)."""
    base = _channel_link(data)
    authors: dict[str, str] = {}
    pages: dict[str, Post] = {}
    for element in _wxr_elements(data):
        if element.tag == f"{WP}author":
            login = element.findtext(f"{WP}author_login", "").strip()
            authors[login] = plain_text(element.findtext(f"{WP}author_display_name", "")) or login
            continue
        post = _wxr_post(element, {})
        for address in post.old_addresses if post is not None else ():
            pages.setdefault(_old_key(address, base), post)
    return OldBlog(base, authors, {key: post for key, post in pages.items() if key})  # not the blog's home


def _channel_link(data: bytes) -> str:
    """The channel's own <link> (the blog's address), read from the start of the export."""
    found = re.search(rb"<channel>.*?<link>\s*([^<\s]+)\s*</link>", data[:65536], re.DOTALL)
    link = found.group(1).decode("utf-8", "replace") if found else ""
    return link.rstrip("/") if safe_link(link) else ""


def _old_key(address: str, base: str) -> str | None:
    """An address on the old blog, as it is compared: path and query, no trailing slash, no
    scheme (http and https lead to the same post); None for an address elsewhere."""
    if not base:
        return None
    old, new = urlsplit(base), urlsplit(address.strip())
    if new.netloc and new.netloc.lower().removeprefix("www.") != old.netloc.lower().removeprefix("www."):
        return None
    if not new.netloc and not new.path.startswith("/"):
        return None  # relative to a page of the old blog: where it led is not known
    path, prefix = new.path.rstrip("/"), old.path.rstrip("/")
    if path != prefix and not path.startswith(prefix + "/"):
        return None
    return path[len(prefix) :] + (f"?{new.query}" if new.query else "")


def wxr_posts(data: bytes, authors: dict[str, str] | None = None) -> Iterator[Post]:
    """Posts and pages of a WordPress export (attachments, menus and the like are left out),
    read item by item; ``authors`` gives each login's display name."""
    for element in _wxr_elements(data):
        post = _wxr_post(element, authors or {}) if element.tag == "item" else None
        if post is not None:
            yield post


def _wxr_post(item: ElementTree.Element, authors: dict[str, str]) -> Post | None:
    kind = item.findtext(f"{WP}post_type", "")
    status = item.findtext(f"{WP}status", "")
    if kind not in ("post", "page") or status not in ("publish", "draft"):
        return None
    categories = [c.text or "" for c in item.findall("category") if c.get("domain") == "category"]
    login = item.findtext(CREATOR, "").strip()
    post_id = item.findtext(f"{WP}post_id", "").strip()
    ids = (f"/?p={post_id}", f"/?page_id={post_id}") if post_id.isdigit() else ()
    return Post(
        title=plain_text(item.findtext("title", "")),
        date=_wp_date(item.findtext(f"{WP}post_date", ""), item.findtext(f"{WP}post_date_gmt", "")),
        html=_paragraphs(item.findtext(CONTENT, "")),
        slug=item.findtext(f"{WP}post_name", ""),
        summary=plain_text(item.findtext(EXCERPT, "")),
        category=plain_text(categories[0]) if categories else "",
        tags=[plain_text(c.text or "") for c in item.findall("category") if c.get("domain") == "post_tag"],
        author=plain_text(authors.get(login, login)),
        page=kind == "page",
        draft=status == "draft",
        old_addresses=tuple(a for a in (item.findtext("link", "").strip(), *ids) if a),
    )


def _wp_date(local: str, utc: str) -> datetime:
    """The time WordPress showed (``post_date``, the blog's local time), kept as it is: the site's
    ``Date:`` is read in the site's zone.  A draft never scheduled has neither: its UTC time,
    else the epoch."""
    for value in (local, utc):
        if value.strip() and value.strip() != WP_EMPTY_DATE:
            try:
                return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
    return datetime(1970, 1, 1)


def _paragraphs(html: str) -> str:
    """WordPress stores paragraphs as blank lines: give them their <p>."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", html.replace("\r\n", "\n")) if block.strip()]
    return "\n".join(block if BLOCK_START.match(block) else f"<p>{block}</p>" for block in blocks)


def feed_posts(data: bytes, zone: ZoneInfo | None = None) -> list[Post]:
    """A feed's entries; their times (UTC once feedparser has read them) in the site's ``zone``."""
    zone = zone or ZoneInfo("Europe/Paris")
    parsed = feedparser.parse(data)
    if not parsed.get("version"):
        raise CitoyensError(_("neither a WordPress export nor an RSS/Atom feed"))
    posts = []
    for entry in parsed.entries:
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        html = entry.content[0].value if entry.get("content") else entry.get("summary", "")
        tags = [plain_text(t.get("term", "")) for t in entry.get("tags", ()) if t.get("term")]
        posts.append(
            Post(
                title=plain_text(entry.get("title", "")),
                date=(
                    datetime(*moment[:6], tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None)
                    if moment
                    else datetime(1970, 1, 1)
                ),
                html=html,
                category=tags[0] if tags else "",
                tags=tags[1:],
                author=plain_text(entry.get("author", "")),
            )
        )
    return posts


def _write_post(post: Post, content: Path, policy: FetchPolicy, report: ImportReport, blog: OldBlog) -> None:
    slug = slugify(post.slug or post.title, POST_SLUG_LENGTH)
    path = content / post.file
    if path.exists():
        report.skipped.append(_("{path} already exists; kept as it is", path=path.name))
        return
    html = clean_html(_captions(post.html))
    depth = _depth(html)
    if depth > MAX_HTML_DEPTH:
        report.skipped.append(
            _(
                "'{title}': its HTML is nested {depth} levels deep (at most {limit}); not"
                " imported, simplify it in WordPress",
                title=post.title or slug,
                depth=depth,
                limit=MAX_HTML_DEPTH,
            )
        )
        return
    token = secrets.token_hex(8)
    image_mark, page_mark = f"citoyens-image-{token}:", f"citoyens-page-{token}:"  # {static}, {filename}
    html = _download_images(html, content, policy, report, image_mark)
    html = _old_links(html, blog, page_mark)
    html, figures = _set_figures_aside(html, token)
    body = _literal(markdownify(html, heading_style="ATX", bullets="-").strip())
    for marker, figure in figures.items():  # raw HTML on one line: a block in either Markdown dialect
        body = body.replace(marker, figure.translate(ENTITIES))
    body = body.replace(image_mark, "{static}").replace(page_mark, "{filename}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(_header(post, slug) + "\n\n" + body + "\n")
    report.written.append(path)
    shown = path.relative_to(content.parent.parent.parent).as_posix()
    for name in _shortcodes(body):
        report.warnings.append(
            _("{file}: WordPress shortcode [{name}] left as text; replace it by hand", file=shown, name=name)
        )


def _captions(html: str) -> str:
    """WordPress's ``[caption]…[/caption]`` as a figure: the image, then its caption."""

    def figure(found: re.Match) -> str:
        inner = found.group(2).strip()
        image = CAPTIONED_IMAGE.match(inner)
        if image is None:
            return found.group(0)  # no image inside: left as text, and named
        caption = inner[image.end() :].strip()
        if not caption:
            attribute = CAPTION_ATTRIBUTE.search(found.group(1))
            caption = escape(attribute.group(1)) if attribute else ""
        return f"<figure>{image.group(0).strip()}<figcaption>{caption}</figcaption></figure>"

    return CAPTION.sub(figure, html)


def _set_figures_aside(html: str, token: str) -> tuple[str, dict[str, str]]:
    """The figures (sanitised already) out of the way of the Markdown converter, which would
    drop their caption: each one a paragraph of its own holding a marker."""
    figures: dict[str, str] = {}

    def aside(found: re.Match) -> str:
        marker = f"citoyensfigure{token}n{len(figures)}"
        figures[marker] = " ".join(found.group(0).split())
        return f"<p>{marker}</p>"

    return FIGURE.sub(aside, html), figures


def _shortcodes(markdown: str) -> list[str]:
    """The names of the shortcodes left in a text, each once: WordPress's own, or any written
    with attributes or closed by [/name] (a bracketed word alone is just text)."""
    # Each closing tag found once: searching the whole text for each shortcode's was quadratic
    # (an export of 50,000 '[a]' took minutes).
    closed = {name.lower() for name in CLOSING_SHORTCODE.findall(markdown)}
    names: dict[str, None] = {}
    for name, attributes in SHORTCODE.findall(markdown):
        if name.lower() in WORDPRESS_SHORTCODES or "=" in (attributes or "") or name.lower() in closed:
            names.setdefault(name)
    return list(names)


def _old_links(html: str, blog: OldBlog, mark: str) -> str:
    """Links to the old blog's own posts and pages, pointed at their new files (``mark`` stands
    for {filename} until the text is neutralised); Pelican then writes their new address."""

    def replace(found: re.Match) -> str:
        address, _hash, fragment = found.group(2).partition("#")
        post = blog.pages.get(_old_key(address, blog.base) or "")
        if post is None:
            return found.group(0)
        target = f"{mark}/{post.file}" + (f"#{fragment}" if fragment else "")
        return f"{found.group(1)}{target}{found.group(3)}"

    return HREF.sub(replace, html) if blog.pages else html


def _write_redirects(
    folder: Path, blog: OldBlog, site_url: str, language: str, report: ImportReport
) -> Path | None:
    """``folder``: the old blog's addresses sent to the new pages, for the old domain's host —
    ``_redirects`` (Netlify, Cloudflare Pages) and an HTML page at each old path for the others.
    Drafts have no page to lead to; an old address that is not a plain path is left out."""
    lines, pages = [], {}
    for key, post in sorted(blog.pages.items()):
        segments = key.strip("/").split("/")
        plain = len(segments) <= MAX_OLD_DEPTH and all(map(OLD_SEGMENT.match, segments))
        if post.draft or "?" in key or not plain:
            continue
        target = site_url + post.address
        lines.append(f"{key}  {target}  301")
        decoded = [unquote(segment) for segment in segments]
        if not all(map(DECODED_SEGMENT.match, decoded)):
            continue
        page = decoded if decoded[-1].endswith((".html", ".htm")) else [*decoded, "index.html"]
        relative = "/".join(page)
        pages[relative] = redirect_page(target, language, target)
    files = {"_redirects": "".join(f"{line}\n" for line in lines), **pages} if lines else {}
    for relative, text in files.items():
        path = folder / relative
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue  # written by an earlier import of the same export
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            shown = path.relative_to(folder.parent.parent)
            report.skipped.append(_("{path} already exists; kept as it is", path=shown))
    return folder if files else None


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
        if tag.lower() in VOID_ELEMENTS or self_closing:
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
        stem = slugify(Path(name).stem, POST_SLUG_LENGTH)  # a file name has at most 255 bytes
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
