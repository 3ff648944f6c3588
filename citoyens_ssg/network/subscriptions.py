"""The planet's external subscriptions: poll, parse, clean, remember.

Each subscription has a small cache file (under ``.citoyens/planet/``, never
in the published tree) holding the HTTP validators, its health and its last
good entries.  A feed that fails keeps those entries; a feed that answers 410
is not polled again; a permanent redirect is followed from then on and shown
on the health page so the address in network.yaml can be updated.  With
``offline`` nothing is fetched: the planet is rebuilt from the cache alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import feedparser

from citoyens_ssg import clock, output
from citoyens_ssg.config.load import NetworkConfig, Subscription
from citoyens_ssg.content.sanitize import clean_html, plain_text, safe_link
from citoyens_ssg.i18n import N_, in_language, said_again, stored_form
from citoyens_ssg.i18n import remembered as _  # said again on the health page, in the network's language
from citoyens_ssg.network.fetch import FetchError, FetchPolicy, fetch, retry_after_seconds
from citoyens_ssg.site.manifest import Enclosure, Entry
from citoyens_ssg.workpaths import WorkPaths

logger = logging.getLogger(__name__)
STATE_FORMAT = 2
FETCH_THREADS = 8
ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
MAX_TITLE = 300
ACCEPTED_BOZO = (feedparser.CharacterEncodingOverride,)  # declared UTF-8, was Latin-1: decoded anyway


@dataclass
class FeedState:
    """What the cache remembers of one subscription."""

    url: str  # the address fetched (the configured one, or where a 301 led)
    configured_url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    gone: bool = False
    moved_to: str | None = None
    retry_not_before: float | None = None
    last_attempt: str | None = None
    last_success: str | None = None
    last_status: int | None = None
    last_error: str | None = None  # in the language of the build that fetched it, for logs
    warning: str | None = None
    said: dict = field(default_factory=dict)  # last_error and warning, to say again in any language
    entries: list[dict] = field(default_factory=list)
    first_seen: dict[str, str] = field(default_factory=dict)

    def entry_objects(self) -> list[Entry]:
        return [Entry.from_json(data) for data in self.entries]


def cache_dir(network: NetworkConfig) -> Path:
    return WorkPaths.of(network.root).planet


def load_state(folder: Path, subscription: Subscription) -> FeedState:
    path = folder / f"{subscription.key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("format", None) == STATE_FORMAT:
            state = FeedState(**data)
            if state.configured_url != subscription.url:  # network.yaml now names another address
                state = replace(
                    state,
                    url=subscription.url,
                    configured_url=subscription.url,
                    etag=None,
                    last_modified=None,
                    gone=False,
                    moved_to=None,
                    retry_not_before=None,
                )
            return state
    except (OSError, ValueError, TypeError):
        pass
    return FeedState(url=subscription.url, configured_url=subscription.url)


def save_state(folder: Path, subscription: Subscription, state: FeedState) -> None:
    data = {"format": STATE_FORMAT, **asdict(state)}
    output.write_file(
        folder,
        f"{subscription.key}.json",
        json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
    )


def update_all(network: NetworkConfig, policy: FetchPolicy, offline: bool = False) -> dict[str, FeedState]:
    """Poll every subscription (concurrently) unless offline; return their states."""
    folder = cache_dir(network)
    subscriptions = network.planet.feeds
    if offline or not subscriptions:
        return {s.key: load_state(folder, s) for s in subscriptions}
    if network.planet.allow_private_addresses:
        policy = replace(policy, allow_private=True)
    with ThreadPoolExecutor(max_workers=min(FETCH_THREADS, len(subscriptions))) as pool:
        states = pool.map(lambda s: poll(folder, s, policy), subscriptions)
        return {s.key: state for s, state in zip(subscriptions, states)}


def failing(network: NetworkConfig) -> list[str]:
    """The names of the external feeds whose last fetch failed, as the cache says."""
    folder = cache_dir(network)
    return [s.name for s in network.planet.feeds if (state := load_state(folder, s)).last_error or state.gone]


def poll(folder: Path, subscription: Subscription, policy: FetchPolicy) -> FeedState:
    state = load_state(folder, subscription)
    if state.gone or (state.retry_not_before and state.retry_not_before > time.time()):
        return state
    fetched_at = clock.now()
    state.last_attempt = fetched_at.isoformat()
    try:
        result = fetch(state.url, policy, state.etag, state.last_modified)
        if not result.not_modified:
            _read_feed(state, subscription, result, fetched_at)
        state.etag = result.headers.get("etag", state.etag)
        state.last_modified = result.headers.get("last-modified", state.last_modified)
        if result.moved_to:
            state.url = state.moved_to = result.moved_to
        state.last_status, state.last_error, state.last_success = result.status, None, fetched_at.isoformat()
        state.said.pop("last_error", None)
        state.retry_not_before = None
    except FetchError as error:
        _record_failure(state, error)
    save_state(folder, subscription, state)
    return state


def _record_failure(state: FeedState, error: FetchError) -> None:
    state.last_status, state.last_error = error.status, str(error)
    state.said["last_error"] = stored_form(error.args[0])
    if error.status == 410:
        state.gone = True
    wait = retry_after_seconds(error.retry_after, time.time()) if error.status in (429, 503) else None
    state.retry_not_before = time.time() + min(wait, 86400) if wait else None
    logger.info("feed %s: %s", state.url, error)


def _read_feed(state: FeedState, subscription: Subscription, result, fetched_at: datetime) -> None:
    content_type = result.headers.get("content-type", "")
    if "json" in content_type or result.body.lstrip()[:1] == b"{":
        raise FetchError(_("a JSON Feed: not supported yet, give the RSS or Atom address"), result.status)
    if ENTITY_DECLARATION.search(result.body[:65536]):
        # Billion laughs and external entities: no honest feed declares entities.
        raise FetchError(_("the feed declares XML entities (<!ENTITY>); refused"), result.status)
    parsed = feedparser.parse(result.body, response_headers=result.headers)
    if not parsed.get("version"):
        raise FetchError(_("not a feed (an HTML page or an empty answer?)"), result.status)
    if parsed.bozo and not isinstance(parsed.bozo_exception, ACCEPTED_BOZO):
        raise FetchError(
            _("malformed feed, kept the previous entries: {reason}", reason=parsed.bozo_exception),
            result.status,
        )
    state.warning = _("the feed declares the wrong encoding; read anyway") if parsed.bozo else None
    state.said["warning"] = stored_form(state.warning)
    base = safe_link(parsed.feed.get("link"), result.url) or result.url
    entries = normalise(parsed.entries, subscription, base, fetched_at, state.first_seen)
    state.entries = [entry.to_json() for entry in entries]


def normalise(
    raw_entries, subscription: Subscription, base: str, fetched_at: datetime, first_seen: dict[str, str]
) -> list[Entry]:
    """Clean, dated, deduplicated entries, the newest ``max_entries`` kept."""
    entries: dict[str, Entry] = {}
    for raw in raw_entries:
        entry = _entry(raw, base, fetched_at, first_seen)
        if entry is not None and entry.id not in entries and _wanted(entry, subscription):
            entries[entry.id] = entry
    newest = sorted(entries.values(), key=lambda e: (e.date, e.id), reverse=True)
    return newest[: subscription.max_entries]


def _entry(raw, base: str, fetched_at: datetime, first_seen: dict[str, str]) -> Entry | None:
    link = safe_link(raw.get("link"), base)
    title = plain_text(raw.get("title", ""))[:MAX_TITLE]  # when empty: "(untitled)", in the page's language
    identity = (raw.get("id") or "").strip() or "sha1:" + hashlib.sha1(
        (link or title).encode("utf-8")
    ).hexdigest()
    seen = first_seen.setdefault(identity, fetched_at.isoformat())
    updated = _date(raw["updated_parsed"]) if "updated" in raw else None
    date = _date(raw["published_parsed"]) if "published" in raw else None
    first = datetime.fromisoformat(seen)
    date = date or updated or first
    if date > fetched_at:  # an entry dated 2100 is not news forever: it counts from when we saw it
        date = first
    html = raw.get("content", [{}])[0].get("value") if raw.get("content") else raw.get("summary", "")
    return Entry(
        id=identity,
        title=title,
        url=link or base,
        date=date,
        summary=clean_html(html or "", base_url=link or base, link_rel="nofollow noopener"),
        updated=min(updated, fetched_at) if updated else None,
        authors=tuple(filter(None, [plain_text(raw.get("author", ""))])),
        tags=tuple(plain_text(tag.get("term", "")) for tag in raw.get("tags", ()) if tag.get("term")),
        enclosures=_enclosures(raw, base),
    )


def _enclosures(raw, base: str) -> tuple[Enclosure, ...]:
    found = []
    for enclosure in raw.get("enclosures", ()):
        url = safe_link(enclosure.get("href"), base)
        length = str(enclosure.get("length", "")).strip()
        if url and length.isdigit():
            found.append(
                Enclosure(
                    url, int(length), plain_text(enclosure.get("type", "")) or "application/octet-stream"
                )
            )
    return tuple(found)


def _date(parsed) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def _wanted(entry: Entry, subscription: Subscription) -> bool:
    words = {t.casefold() for t in entry.tags}
    text = f"{entry.title} {entry.summary}".casefold()

    def matches(term: str) -> bool:
        return term.casefold() in words or term.casefold() in text

    if subscription.include and not any(matches(t) for t in subscription.include):
        return False
    return not any(matches(t) for t in subscription.exclude)


@dataclass(frozen=True)
class Health:
    """One subscription as the health page shows it."""

    name: str
    url: str
    home: str
    state: str  # ok, stale, failing, gone, moved, never (not fetched yet: an offline build, serve)
    last_success: str | None
    last_attempt: str | None
    last_status: int | None
    last_error: str | None
    warning: str | None
    moved_to: str | None
    entries: int
    days_since_last_post: int | None


def health(
    subscription: Subscription, state: FeedState, stale_after_days: int, language: str = "fr"
) -> Health:
    entries = state.entry_objects()
    newest = max((e.date for e in entries), default=None)
    reference = (
        datetime.fromisoformat(state.last_success or state.last_attempt)
        if (state.last_success or state.last_attempt)
        else None
    )
    days = (reference - newest).days if newest and reference else None
    if state.gone:
        kind = "gone"
    elif not (state.last_attempt or state.last_success):
        kind = "never"
    elif state.last_error:
        kind = "failing"
    elif state.moved_to:
        kind = "moved"
    elif days is not None and days > stale_after_days:
        kind = "stale"
    else:
        kind = "ok"
    return Health(
        subscription.name,
        subscription.url,
        subscription.home,
        kind,
        state.last_success,
        state.last_attempt,
        state.last_status,
        said_again(language, state.said.get("last_error"), state.last_error),
        said_again(language, state.said.get("warning"), state.warning),
        state.moved_to,
        len(entries),
        days,
    )


def external_entries(states: dict[str, FeedState], language: str = "fr") -> dict[str, list[Entry]]:
    untitled = in_language(language, N_("(untitled)"))
    return {
        key: [entry if entry.title else replace(entry, title=untitled) for entry in state.entry_objects()]
        for key, state in states.items()
    }
