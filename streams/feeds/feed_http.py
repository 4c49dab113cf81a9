"""One HTTP GET of a feed, bounded: a total deadline and a size cap, Retry-After read.

The deadline covers the whole request (name lookup, connect, redirects, headers and
every byte of the body): a server that drips bytes is abandoned at the deadline, not
after ``timeout`` seconds of silence per read. Bodies are asked for uncompressed
(``Accept-Encoding: identity``) and read at most ``max_bytes + 1`` bytes, so neither a
large nor a compressed document can grow the process. Only http:// and https:// are
fetched, redirects included, so no source can make the poller read a local file.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass
from datetime import UTC

import aiohttp

_ACCEPT = ("application/rss+xml, application/atom+xml, application/vnd.iptc.g2.newsitem+xml, "
           "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
_USER_AGENT = "wirestream-feed/0.1"
_CHUNK = 64 * 1024
_MAX_REDIRECTS = 5
# Statuses whose Retry-After says when to ask again (RFC 9110 §10.2.3, RFC 6585 §4).
RETRY_AFTER_STATUSES = frozenset({429, 503})


class FetchError(Exception):
    """A fetch that gave no document. ``reason`` is the skip reason counted in metrics
    (deadline, too_large, http_error, unreachable); ``retry_at`` is the Unix time before
    which the server asked not to be asked again, when it said so."""

    def __init__(self, reason: str, message: str, *, retry_at: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_at = retry_at


@dataclass(frozen=True, slots=True)
class Fetched:
    body: bytes | None  # None: 304 Not Modified
    content_type: str | None
    validators: dict[str, str]  # ETag / Last-Modified to send back next time


def retry_after_delay(value: str | None, *, now: float, cap_s: float) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP-date), at most
    ``cap_s``; None when absent, unreadable or already past."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        delay = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # "-0000": UTC, as HTTP-dates always are
            when = when.replace(tzinfo=UTC)
        delay = when.timestamp() - now
    if delay <= 0:
        return None
    return min(delay, cap_s)


async def fetch(url: str, validators: dict[str, str], *, deadline_s: float, max_bytes: int,
                retry_after_max_s: float) -> Fetched:
    """GET ``url`` conditionally (ETag / Last-Modified); raise FetchError unless a 2xx
    document of at most ``max_bytes`` or a 304 came back within ``deadline_s``."""
    headers = {"User-Agent": _USER_AGENT, "Accept": _ACCEPT, "Accept-Encoding": "identity"}
    if validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    try:
        async with asyncio.timeout(deadline_s):
            return await _get(url, headers, validators, max_bytes=max_bytes,
                              retry_after_max_s=retry_after_max_s)
    except TimeoutError:  # asyncio's deadline, or one of aiohttp's own timeouts
        raise FetchError("deadline", f"abandoned at the deadline: no complete response "
                                     f"within {deadline_s:g} s") from None
    except aiohttp.ClientError as exc:
        raise FetchError("unreachable", f"cannot fetch: {exc or type(exc).__name__}") from None
    except (OSError, ValueError) as exc:  # resets, malformed URLs
        raise FetchError("unreachable", f"cannot fetch: {exc}") from None


async def _get(url: str, headers: dict[str, str], validators: dict[str, str], *,
               max_bytes: int, retry_after_max_s: float) -> Fetched:
    # trust_env: the same HTTP(S)_PROXY / NO_PROXY rules as urllib; auto_decompress off,
    # so a compressed body can never expand past the cap.
    async with (
        aiohttp.ClientSession(trust_env=True, auto_decompress=False,
                              timeout=aiohttp.ClientTimeout(total=None)) as session,
        session.get(url, headers=headers, max_redirects=_MAX_REDIRECTS) as response,
    ):
        status = response.status
        if status == 304:
            return Fetched(None, None, validators)
        if status >= 300:
            message = f"HTTP {status} {response.reason or ''}".rstrip()
            retry_at = None
            if status in RETRY_AFTER_STATUSES:
                now = time.time()
                asked = retry_after_delay(response.headers.get("Retry-After"), now=now,
                                          cap_s=float("inf"))
                if asked is not None:
                    delay = min(asked, retry_after_max_s)
                    retry_at = now + delay
                    message += f" (Retry-After: {asked:.0f} s" + (
                        f", waiting the cap of {delay:.0f} s)" if delay < asked else ")")
            raise FetchError("http_error", message, retry_at=retry_at)
        if (response.content_length or 0) > max_bytes:
            raise FetchError("too_large", f"response larger than {max_bytes} bytes "
                                          f"(Content-Length {response.content_length})")
        body = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            body += chunk
            if len(body) > max_bytes:
                raise FetchError("too_large", f"response larger than {max_bytes} bytes")
        new = {key: value for key, value in (
            ("etag", response.headers.get("ETag")),
            ("last_modified", response.headers.get("Last-Modified"))) if value}
        return Fetched(bytes(body), response.headers.get("Content-Type"), new)
