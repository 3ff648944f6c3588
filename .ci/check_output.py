"""Check the built example network as a reader would get it.

- the portal links every association;
- every site has its home page and its own Atom and RSS feeds, valid (RSS 2.0, RFC 4287);
- the planet's RSS and Atom are well-formed, newest first, with absolute links;
- each site's newest article is in the planet.
Prints one line per check and exits 1 on the first failure list.
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import yaml

from citoyens_ssg.network.feed_rules import feed_problems


def parse_feed(path: Path):
    ElementTree.parse(path)  # well-formed XML, or raises
    problems = feed_problems(path.read_bytes())
    if problems:
        raise AssertionError(f"{path}: {'; '.join(problems[:5])}")
    feed = feedparser.parse(path.read_bytes())
    if feed.bozo:
        raise AssertionError(f"{path}: {feed.bozo_exception}")
    return feed


def main(output: Path) -> int:
    failures: list[str] = []
    slugs = sorted(p.name for p in Path("sites").iterdir() if (p / "site.yaml").is_file())
    portal = (output / "index.html").read_text(encoding="utf-8")
    planet = {kind: parse_feed(output / "planet" / f"{kind}.xml") for kind in ("rss", "atom")}
    planet_links = {e.link for e in planet["atom"].entries}
    for kind, feed in planet.items():
        dates = [e.published_parsed for e in feed.entries]
        if dates != sorted(dates, reverse=True):
            failures.append(f"planet/{kind}.xml: entries not newest first")
        if not all(e.link.startswith(("http://", "https://")) for e in feed.entries):
            failures.append(f"planet/{kind}.xml: relative entry link")
    for slug in slugs:
        name = yaml.safe_load((Path("sites") / slug / "site.yaml").read_text(encoding="utf-8"))["name"]
        if not (output / slug / "index.html").is_file():
            failures.append(f"{slug}: no index.html")
        if f"/{slug}/" not in portal or name not in portal:
            failures.append(f"{slug}: not on the portal")
        site_feed = parse_feed(output / slug / "feeds" / "all.atom.xml")
        parse_feed(output / slug / "feeds" / "all.rss.xml")
        if site_feed.entries:
            newest = max(site_feed.entries, key=lambda e: e.published_parsed)
            if newest.link not in planet_links:
                failures.append(f"{slug}: newest article {newest.link} missing from the planet")
        print(f"ok {slug}: {len(site_feed.entries)} entries in its feed")
    print(f"planet: {len(planet['atom'].entries)} entries (Atom), {len(planet['rss'].entries)} (RSS)")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "output")))
