"""Fetching a feed over HTTP, politely and defensively.

One bad feed must never hang or blow up the network's build, so every fetch
is bounded: a connect timeout, a read timeout, and a total deadline (a server
trickling one byte every few seconds never trips a read timeout); a cap on the
decoded size (an endless body or a gzip bomb stops there); at most five
redirects, http and https only, and never to an address that is not public
(a feed must not make CI read its own cloud metadata or intranet).  The
address checked is the address connected to: no second DNS lookup in between.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from citoyens_ssg import __version__

# Messages are kept in the feed's cache and said again on the public health page
# in the network's language: ``remembered`` keeps their id and values.
from citoyens_ssg.i18n import remembered as _

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})


@dataclass(frozen=True)
class FetchPolicy:
    connect_timeout: float = 10.0
    read_timeout: float = 10.0
    deadline: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    allow_loopback: bool = False  # tests and local previews serve feeds on 127.0.0.1
    allow_private: bool = False  # network.yaml's planet: allow_private_addresses, for intranet feeds
    user_agent: str = f"citoyens/{__version__} (planet of a citizen media network)"


@dataclass
class FetchResult:
    status: int
    url: str  # after redirects
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    moved_to: str | None = None  # set when every redirect on the way was permanent
    not_modified: bool = False


class FetchError(Exception):
    """The feed could not be fetched; the message says why, for the health page."""

    def __init__(self, message: str, status: int | None = None, retry_after: str | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def fetch(
    url: str, policy: FetchPolicy, etag: str | None = None, last_modified: str | None = None
) -> FetchResult:
    deadline = time.monotonic() + policy.deadline
    current, moved_to, permanent_so_far = url, None, True
    for _hop in range(policy.max_redirects + 1):
        connection, response = _request(current, policy, deadline, etag, last_modified)
        try:
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(_("redirect without a Location header"), response.status)
                current = urljoin(current, location.strip())
                permanent_so_far = permanent_so_far and response.status in PERMANENT
                moved_to = current if permanent_so_far else None
                continue
            headers = {name.lower(): value for name, value in response.getheaders()}
            if response.status == 304:
                return FetchResult(304, current, headers=headers, moved_to=moved_to, not_modified=True)
            if response.status >= 400:
                raise FetchError(
                    _("the server answered HTTP {status}", status=response.status),
                    response.status,
                    headers.get("retry-after"),
                )
            body = _read_body(response, connection, headers, policy, deadline)
            return FetchResult(response.status, current, body, headers, moved_to)
        finally:
            connection.close()
    raise FetchError(_("more than {count} redirects (a loop?)", count=policy.max_redirects))


def _request(url: str, policy: FetchPolicy, deadline: float, etag: str | None, last_modified: str | None):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(_("only http and https addresses can be fetched, not '{url}'", url=url[:200]))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _public_address(parts.hostname, port, policy)
    timeout = min(policy.connect_timeout, _remaining(deadline, policy))
    connection_class = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = connection_class(parts.hostname, port, address, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, "
        "*/*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        connection.request("GET", path, headers=headers)
        # http.client drops connection.sock once the response says it will
        # close; the socket stays the one the body is read from.
        connection.pinned_socket = connection.sock
        connection.pinned_socket.settimeout(min(policy.read_timeout, _remaining(deadline, policy)))
        return connection, connection.getresponse()
    except ssl.SSLError as error:
        connection.close()
        raise FetchError(_("secure connection refused: {reason}", reason=error.reason or error)) from None
    except TimeoutError:
        connection.close()
        raise FetchError(_("no answer within {seconds:.0f} s", seconds=policy.read_timeout)) from None
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        raise FetchError(_("connection failed: {reason}", reason=error)) from None


def _remaining(deadline: float, policy: FetchPolicy) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(_("not finished after {seconds:.0f} s; given up", seconds=policy.deadline))
    return left


def _public_address(host: str, port: int, policy: FetchPolicy) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise FetchError(_("unknown host '{host}': {reason}", host=host, reason=error.strerror)) from None
    for *_ignored, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0])
        loopback = policy.allow_loopback and address.is_loopback
        if address.is_global or loopback or _private_allowed(address, policy):
            return sockaddr[0]
    raise FetchError(_("'{host}' is not a public address; refused", host=host))


def _private_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address, policy: FetchPolicy) -> bool:
    """An intranet address, when the network says it follows intranet feeds. Never link-local
    (169.254.x.x: the cloud's metadata service, which holds CI's credentials) nor multicast."""
    return policy.allow_private and address.is_private and not (address.is_link_local or address.is_multicast)


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, not to a second DNS answer."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _read_body(response, connection, headers: dict[str, str], policy: FetchPolicy, deadline: float) -> bytes:
    """The decoded body, stopped at the size cap and the deadline."""
    encoding = headers.get("content-encoding", "identity").lower()
    decoder = (
        zlib.decompressobj(47) if encoding in ("gzip", "x-gzip", "deflate") else None
    )  # 47: any zlib/gzip header
    body = bytearray()
    while True:
        connection.pinned_socket.settimeout(min(policy.read_timeout, _remaining(deadline, policy)))
        try:
            chunk = response.read1(65536)
        except TimeoutError:
            raise FetchError(
                _("no data for {seconds:.0f} s; given up", seconds=policy.read_timeout)
            ) from None
        except (OSError, http.client.HTTPException) as error:
            raise FetchError(_("connection lost while reading: {reason}", reason=error)) from None
        if not chunk:
            break
        _append(body, chunk, decoder, policy.max_bytes)
    if decoder is not None and not decoder.eof:
        raise FetchError(_("compressed body cut short"))
    return bytes(body)


def _append(body: bytearray, chunk: bytes, decoder, cap: int) -> None:
    if decoder is None:
        body += chunk
    else:
        try:
            data = chunk
            while data:
                body += decoder.decompress(data, cap + 1 - len(body))
                data = decoder.unconsumed_tail
                if len(body) > cap:
                    break
        except zlib.error:
            raise FetchError(_("the compressed body is corrupt")) from None
    if len(body) > cap:
        raise FetchError(_("larger than {kilobytes} KB once decoded; given up", kilobytes=cap // 1024))


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (a number or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None
