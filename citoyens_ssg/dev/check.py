"""``citoyens check``: every problem a build would meet, and what readers would suffer, without publishing.

- the configuration (every problem of every file);
- each content file: what the build refuses (encoding, size, metadata, dates)
  and what readers would suffer: an image without alt text or missing, a
  ``{filename}`` link to no file, a category that looks like a typo of another,
  a date far in the future, a draft forgotten for months;
- the whole network built into a temporary folder (nothing published), then
  every internal link and image of every page followed, across sites.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from PIL import Image

from citoyens_ssg import clock
from citoyens_ssg.config.load import NetworkConfig, SiteConfig, load_network
from citoyens_ssg.config.sites import slugify
from citoyens_ssg.content import checks as content_checks
from citoyens_ssg.content import static_files
from citoyens_ssg.content.paths import PLACEHOLDERS, content_file, without_placeholder
from citoyens_ssg.dev.links import BrokenLink, broken_links
from citoyens_ssg.errors import Problem
from citoyens_ssg.i18n import _
from citoyens_ssg.pipeline.build import BuildOptions, build
from citoyens_ssg.site.settings import DEFAULT_CATEGORY
from citoyens_ssg.site.templating import PAGE_BACKGROUND, contrast, readable_accent, six_digits
from citoyens_ssg.tools.scaffold import PLACEHOLDER, usual_category

IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<target>[^)\s]+)")
INTERNAL_LINK = re.compile(r"\]\((?P<target>\{(?:filename|static|attach)\}[^)\s#]+)")
CODE_SPAN = re.compile(r"`[^`]*`")
LISTINGS = ("category", "tag", "author")  # Pelican's folders of pages listing many articles
DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")  # new-post's file names: 2026-03-01-atelier.md
FUTURE_BY_MISTAKE = timedelta(days=365)
FORGOTTEN_DRAFT = timedelta(days=90)
PODCAST_COVER = 1400  # pixels, the smallest side Apple Podcasts accepts


@dataclass
class Findings:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # What the trial build's problems are traced back to, so that each is said once, on its source:
    missing: set[tuple[str, str]] = field(default_factory=set)  # (site, file name) a source names in vain
    sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (site, page name) → source file

    def extend(self, other: Findings) -> None:
        self.errors += other.errors
        self.warnings += other.warnings
        self.missing |= other.missing
        self.sources |= other.sources


def check_network(root: Path, build_links: bool = True) -> Findings:
    """Everything wrong with the network; raises ConfigError like a build."""
    network = load_network(root)
    findings = Findings()
    for site in network.sites:
        findings.extend(check_site(network, site))
    if build_links:
        findings.extend(check_built_links(network, findings))
    return findings


def check_site(network: NetworkConfig, site: SiteConfig) -> Findings:
    entries = content_checks.refused_entries(site.folder)
    findings = Findings(
        [Problem(_shown(network, path), reason) for path, reason in entries],
        _accent(network, site) + _description(site),
    )
    if findings.errors:
        return findings
    refused = content_checks.refused_files(site)
    refused += static_files.content_refusals(site.content_dir, content_checks.EXTENSIONS_WITH_DOT)
    findings.errors += [Problem(_shown(network, path), message) for path, message in refused]
    if not site.content_dir.is_dir():
        return findings
    categories: dict[str, list[tuple[Path, int]]] = {}
    episodes: list[Path] = []
    for path in sorted(site.content_dir.rglob("*")):
        if path.suffix.lower() in content_checks.EXTENSIONS_WITH_DOT and path.is_file():
            findings.extend(_check_file(network, site, path, categories, episodes))
    findings.warnings += _category_typos(network, categories)
    if episodes:
        shown = f"sites/{site.slug}/site.yaml"
        findings.warnings += [Problem(shown, message) for message in _podcast_wants(site)]
    return findings


def _podcast_wants(site: SiteConfig) -> list[str]:
    """What podcast directories (Apple Podcasts, Spotify…) ask of podcast.xml that the site leaves out;
    the feed is published without it."""
    podcast = site.podcast
    wants = []
    if not (podcast.get("email") or site.contact.email):
        wants.append(
            _(
                "the podcast has no owner e-mail, which podcast directories ask for: "
                "add podcast: email: (or contact: email:)"
            )
        )
    image = podcast.get("image") or site.logo
    size = _image_size(site.content_dir / image) if image else None
    if not image or not image.lower().endswith((".jpg", ".png")) or size is None or min(size) < PODCAST_COVER:
        wants.append(
            _(
                "podcast directories ask for a square JPEG or PNG cover of at least "
                "{pixels}×{pixels} pixels: add podcast: image:",
                pixels=PODCAST_COVER,
            )
        )
    if not podcast.get("category"):
        wants.append(
            _("the podcast has no category; 'Society & Culture' is used: choose one with podcast: category:")
        )
    return wants


def _image_size(path: Path) -> tuple[int, int] | None:
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _accent(network: NetworkConfig, site: SiteConfig) -> list[Problem]:
    readable = readable_accent(site.accent_color)
    if readable == six_digits(site.accent_color.lower()):
        return []
    ratio = contrast(site.accent_color, PAGE_BACKGROUND)
    message = _(
        "accent_color '{color}' is too light to read as text (contrast {ratio:.1f}:1, at least 4.5:1 "
        "needed); pages use '{readable}' instead",
        color=site.accent_color,
        ratio=ratio,
        readable=readable,
    )
    return [Problem(f"sites/{site.slug}/site.yaml", message)]


def _description(site: SiteConfig) -> list[Problem]:
    """The site's one sentence, in the directory, the search engines and the portal:
    new-site leaves it empty."""
    if site.description.strip():
        return []
    shown = f"sites/{site.slug}/site.yaml"
    try:
        lines = (site.folder / "site.yaml").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    line = next((n for n, text in enumerate(lines, start=1) if text.startswith("description:")), None)
    return [
        Problem(
            shown,
            _(
                "the site has no description: write one sentence that presents the association "
                "(description: in site.yaml)"
            ),
            line=line,
        )
    ]


def _shown(network: NetworkConfig, path: Path) -> str:
    return str(path.relative_to(network.root))


def _check_file(
    network: NetworkConfig, site: SiteConfig, path: Path, categories: dict, episodes: list[Path]
) -> Findings:
    found = Findings()
    shown = _shown(network, path)
    try:
        content_checks.check_location(path, site.folder)
        text = content_checks.decode_source(path.read_bytes())
        content_checks.check_nesting(text)
        header = content_checks.read_header(text)
        found.warnings += [
            Problem(shown, message, line=line)
            for line, message in content_checks.check_header(header, site.timezone)
        ]
    except content_checks.ContentError as error:
        found.errors.append(Problem(shown, str(error), line=error.line))
        return found
    fields = {f.key: f for f in header}
    found.sources |= {(site.slug, name): shown for name in _page_names(path, fields)}
    if "category" in fields:
        categories.setdefault(fields["category"].value, []).append((path, fields["category"].line))
    if "audio" in fields:
        episodes.append(path)
    found.warnings += _dates(shown, fields, site.timezone)
    found.extend(_unfinished(shown, fields, text))
    if _filed_under_default(site, path, fields):
        found.warnings.append(
            Problem(
                shown,
                _(
                    "no Category: this article is filed under '{category}': "
                    "add a line Category: (for example Category: {example})",
                    category=DEFAULT_CATEGORY,
                    example=_usual_example(categories),
                ),
                line=1,
            )
        )
    for number, line in _prose_lines(text):
        found.extend(_references(shown, path, site, line, number))
    return found


def _page_names(path: Path, fields: dict) -> set[str]:
    """The names Pelican may give this file's page: its Slug:, its title's slug, its file name's."""
    names = {path.stem, DATE_PREFIX.sub("", path.stem)}
    for key in ("slug", "title"):
        if key in fields:
            names.add(slugify(fields[key].value))
    return names


def _unfinished(shown: str, fields: dict, text: str) -> Findings:
    """What new-post wrote and nobody replaced: its placeholder text, an empty Summary:."""
    found = Findings()
    draft = "status" in fields and fields["status"].value.lower() == "draft"
    number = next((n for n, line in enumerate(text.splitlines(), start=1) if PLACEHOLDER in line), None)
    if number is not None:
        message = _(
            "the article still holds the text new-post wrote ('{text}'): write the article in its place",
            text=PLACEHOLDER,
        )
        (found.warnings if draft else found.errors).append(Problem(shown, message, line=number))
    summary = fields.get("summary")
    if summary is not None and not summary.value.strip():
        message = _(
            "Summary: is empty: write one sentence for the listings, the feeds "
            "and the social networks, or remove the line"
        )
        found.warnings.append(Problem(shown, message, line=summary.line))
    return found


def _filed_under_default(site: SiteConfig, path: Path, fields: dict) -> bool:
    """An article naming no category, in no folder that would be its category, where the site
    sets no DEFAULT_CATEGORY of its own: it is filed under citoyens' catch-all, « Divers »."""
    in_folder = path.parent != site.content_dir and site.pelican.get("USE_FOLDER_AS_CATEGORY", True)
    page = path.relative_to(site.content_dir).parts[0] == "pages"
    return not (page or in_folder or "category" in fields or "DEFAULT_CATEGORY" in site.pelican)


def _usual_example(categories: dict[str, list]) -> str:
    return usual_category({name: len(found) for name, found in categories.items()})


def _prose_lines(text: str):
    """(number, line) outside code: an example of Markdown in backticks is not a link."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced and not line.startswith(("    ", "\t")):
            yield number, CODE_SPAN.sub("", line)


def _dates(shown: str, fields: dict, timezone: str) -> list[Problem]:
    date_field = fields.get("date")
    if date_field is None:
        return []
    written = datetime.fromisoformat(date_field.value.replace(" ", "T", 1))
    written = written if written.tzinfo else written.replace(tzinfo=ZoneInfo(timezone))
    now = clock.now()
    if written - now > FUTURE_BY_MISTAKE:
        return [
            Problem(
                shown,
                _(
                    "dated {date}, more than a year ahead: a typo in the year? (it stays unpublished until "
                    "then)",
                    date=date_field.value,
                ),
                line=date_field.line,
            )
        ]
    status = fields.get("status")
    if status and status.value.lower() == "draft" and now - written > FORGOTTEN_DRAFT:
        return [
            Problem(
                shown,
                _(
                    "a draft since {date}: publish it (remove Status: draft) or delete it",
                    date=date_field.value,
                ),
                line=status.line,
            )
        ]
    return []


def _references(shown: str, path: Path, site: SiteConfig, line: str, number: int) -> Findings:
    found = Findings()
    for match in IMAGE.finditer(line):
        if not match.group("alt").strip():
            found.warnings.append(
                Problem(
                    shown,
                    _(
                        "image {src} has no alt text: describe it for people who cannot see it",
                        src=match.group("target"),
                    ),
                    line=number,
                )
            )
    for match in list(IMAGE.finditer(line)) + list(INTERNAL_LINK.finditer(line)):
        target = match.group("target")
        if "://" in target or target.startswith(("mailto:", "#")):
            continue
        resolved = _resolve(target, path, site)
        if resolved is not None and not resolved.is_file():
            found.missing.add((site.slug, PurePosixPath(target).name))
            found.errors.append(
                Problem(
                    shown,
                    _("{target} does not exist (check the name and the folder)", target=target),
                    line=number,
                )
            )
    return found


def _resolve(target: str, path: Path, site: SiteConfig) -> Path | None:
    if not target.startswith(PLACEHOLDERS) and target.startswith(("/", "{")):
        return None  # a site address or a placeholder we do not know: left to the link check of the build
    return (
        content_file(target, path, site.content_dir) or (path.parent / without_placeholder(target)).resolve()
    )


def _category_typos(network: NetworkConfig, categories: dict[str, list[tuple[Path, int]]]) -> list[Problem]:
    warnings = []
    for name, uses in categories.items():
        others = [other for other in categories if other != name and len(categories[other]) > len(uses)]
        close = difflib.get_close_matches(name, others, n=1, cutoff=0.8)
        if len(uses) == 1 and close:
            path, line = uses[0]
            warnings.append(
                Problem(
                    _shown(network, path),
                    _(
                        "unknown category '{name}' — did you mean '{other}', used elsewhere in the site?",
                        name=name,
                        other=close[0],
                    ),
                    line=line,
                )
            )
    return warnings


def check_built_links(network: NetworkConfig, known: Findings | None = None) -> Findings:
    """Build into a temporary folder (nothing published) and follow every internal link; what the
    file checks (``known``) already said is not said again, and each problem is named on its source."""
    known = known or Findings()
    said = {_said(problem) for problem in known.errors + known.warnings}
    missing: dict[str, set[str]] = {}  # by site: another site's file of that name is another file
    for site, name in known.missing:
        missing.setdefault(site, set()).add(name)

    def new(problem: Problem, site: str) -> bool:
        names = missing.get(site, ())
        return _said(problem) not in said and not any(_names(problem, name) for name in names)

    with tempfile.TemporaryDirectory(prefix="citoyens-check-") as folder:
        output = Path(folder) / "output"
        report = build(BuildOptions(network.root, output_dir=output, offline=True))
        findings = Findings(
            [p for r in report.sites for p in r.problems if new(p, r.slug)],
            [p for r in report.sites for p in r.warnings if new(p, r.slug)],
        )
        links = broken_links(output, network.url)
    findings.errors += _links_on_sources(network, links, known)
    return findings


def _names(problem: Problem, file_name: str) -> bool:
    """Whether the problem speaks of this file: its whole name, not the start or end of a longer
    one (a missing ``logo.png`` is not ``site-logo.png``, a missing ``logo`` is not ``logo.png``)."""
    return re.search(rf"(?<![\w.-]){re.escape(file_name)}(?![\w-]|\.\w)", str(problem)) is not None


def _said(problem: Problem) -> tuple[str, str]:
    """A problem as the file checks and the build both word it (their spacing aside), its line aside:
    the build does not always know it."""
    return problem.file, re.sub(r"\s", "", problem.message)


def _links_on_sources(network: NetworkConfig, links: list[BrokenLink], known: Findings) -> list[Problem]:
    """Each broken link once: on its source file, or on a listing's address when no source has it
    (a listing repeats the summaries of the articles, links included)."""
    found = [(link, _on_source(network, link, known)) for link in links]
    on_sources = {
        link.url for link, problem in found if problem is not None and problem.file.startswith("sites/")
    }
    seen: set[tuple[str, str]] = set()
    problems = []
    for link, problem in found:
        if problem is None or (problem.file, link.url) in seen:
            continue
        if problem.file.startswith("sites/") or link.url not in on_sources:
            seen.add((problem.file, link.url))
            problems.append(problem)
    return problems


def _on_source(network: NetworkConfig, link: BrokenLink, known: Findings) -> Problem | None:
    """A broken link of a built page, on the file it comes from (its line when the link is written
    there); None when a file check already said the file it points to is missing."""
    site, _sep, page = link.page.partition("/")
    address = unquote(urlsplit(link.url).path)
    # The portal and the planet link to the sites' pages: the site is the address's first folder.
    owner = address.lstrip("/").split("/")[0] if address.startswith("/") else site
    target = PurePosixPath(address).name
    if (owner, target) in known.missing:
        return None
    listing = PurePosixPath(page).parent.name in LISTINGS
    source = None if listing else known.sources.get((site, PurePosixPath(page).stem))
    if source is None:  # a listing or a template's link: named by the page's address
        return Problem("/" + link.page, link.message)
    lines = (network.root / source).read_text(encoding="utf-8", errors="replace").splitlines()
    number = next((n for n, line in enumerate(lines, start=1) if target and target in line), None)
    return Problem(source, link.message, line=number)
