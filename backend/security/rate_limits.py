"""Rate limits on the endpoints that check secrets (passwords, links), counted atomically in
PostgreSQL so that they hold across any number of workers and machines.

Not Litestar's RateLimitMiddleware: it reads a counter from its store, changes it in Python
and writes it back, under a lock only its own process holds, so two workers can both read 19
and both let an attempt through (two workers let 37 of 60 concurrent attempts through a limit
of 20). Its `Store` interface has no atomic increment, so that cannot be fixed from outside.
Here each attempt is counted by one `INSERT … ON CONFLICT DO UPDATE … RETURNING` on a
counter row (`rate_limit_counter`), which PostgreSQL serialises on the row: N concurrent
attempts see the counts 1 to N, and exactly the limit get through.

What is counted, in windows of a minute that start at a bucket's first attempt:

- POST `/sign-in`: the account (the e-mail signed in to, normalised) against
  SIGN_IN_RATE_LIMIT, and the client address against the higher ADDRESS_RATE_LIMIT (a room of
  people behind one address signs in to different accounts);
- POST `/sign-in/link/{token}`: that link, and the address (the same address bucket);
- GET and POST `/r/{token}`: that personal link (SIGN_IN_RATE_LIMIT), and the address (a
  bucket of its own, ADDRESS_RATE_LIMIT): guessing links is limited by the address, since a
  guesser tries a new token each time. GET counts because the start page looks the token up.

The sign-up's public forms (`signup/deps.py`) count their own bucket per address with these
counters, over an hour (SIGNUP_RATE_LIMIT), and one per e-mail address for the messages they send.

The client address is the one `security/proxies.py` settled on (X-Forwarded-For only from
TRUSTED_PROXIES). Keys are hashes: the table holds no e-mail, link or address.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.base import DefineMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from backend.database import execute, fetch
from backend.partners.services import normalise_email
from backend.security.logs import redact
from backend.settings import Settings

log = logging.getLogger(__name__)

#: Seconds in a window.
WINDOW = 60

#: One statement per attempt, whatever the number of buckets. A bucket whose window has ended
#: starts again at 1; a refused attempt still counts but never extends the window. Rows are
#: upserted in key order, so two attempts sharing two buckets cannot deadlock.
COUNT = """
INSERT INTO rate_limit_counter AS c (key, hits, reset_at)
SELECT k, 1, now() + $1::int * interval '1 second' FROM unnest($2::varchar[]) WITH ORDINALITY AS t(k, n) ORDER BY n
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.reset_at <= now() THEN 1 ELSE c.hits + 1 END,
    reset_at = CASE WHEN c.reset_at <= now() THEN EXCLUDED.reset_at ELSE c.reset_at END
RETURNING key, hits, greatest(1, ceil(extract(epoch FROM reset_at - now())))::int AS retry_after
"""
#: SKIP LOCKED: the sweep never waits for a row an attempt is counting on, so the two cannot
#: deadlock (the sweep would otherwise lock its rows in no particular order).
SWEEP = """
DELETE FROM rate_limit_counter WHERE key IN (
    SELECT key FROM rate_limit_counter WHERE reset_at < now() FOR UPDATE SKIP LOCKED
)
"""


#: Seconds until the fullest of some buckets lets attempts through again (no row: none is full).
WAIT = """SELECT max(greatest(1, ceil(extract(epoch FROM reset_at - now())))::int) AS retry_after
FROM rate_limit_counter WHERE key = ANY($1::varchar[]) AND reset_at > now() AND hits >= $2"""


#: Paths of personal links (the sign-up's links: docs/signup.md).
LINK_PREFIXES = (
    "/r/",
    "/reminders/off/",
    "/digest/off/",
    "/signup/confirm/",
    "/signup/unsubscribe/",
    "/signup/my-data/",
)


@dataclass(frozen=True)
class Bucket:
    key: str
    limit: int


def bucket(kind: str, value: str, limit: int) -> Bucket:
    return Bucket(f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:40]}", limit)


async def count_attempt(buckets: Sequence[Bucket], window: int = WINDOW) -> int | None:
    """Count one attempt in each bucket. None when every bucket is within its limit; else the
    seconds until the latest full bucket lets attempts through again."""
    ordered = sorted(buckets, key=lambda b: b.key)
    rows = await fetch(COUNT, window, [b.key for b in ordered])
    limits = {b.key: b.limit for b in ordered}
    waits = [row["retry_after"] for row in rows if row["hits"] > limits[row["key"]]]
    return max(waits) if waits else None


async def current_wait(buckets: Sequence[Bucket]) -> int | None:
    """Without counting: None when no bucket has reached its limit, else the seconds to wait.
    (For attempts counted only when they fail: API tokens.)"""
    waits = []
    for b in buckets:
        row = await fetch(WAIT, [b.key], b.limit)
        if row and row[0]["retry_after"] is not None:
            waits.append(int(row[0]["retry_after"]))
    return max(waits) if waits else None


def address_of(scope: Scope) -> str:
    """The client's address as one bucket: an IPv6 client usually holds a whole /64, and
    counting each of its addresses apart would give it 2⁶⁴ budgets."""
    client = scope.get("client")
    host = client[0] if client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


async def _email(request: Request[Any, Any, Any]) -> str:
    # Litestar keeps the parsed form in the scope: CSRF and the handler read it again for free.
    value = (await request.form()).get("email", "")
    return normalise_email(value if isinstance(value, str) else "")


async def buckets_for(request: Request[Any, Any, Any], settings: Settings) -> list[Bucket]:
    """The buckets an attempt counts against (none for requests that check no secret)."""
    method, path = request.method, request.url.path
    address = address_of(request.scope)
    if method == "POST" and path.startswith("/sign-in"):
        buckets = [bucket("sign-in-address", address, settings.address_rate_limit)]
        if path == "/sign-in":
            buckets.append(bucket("account", await _email(request), settings.sign_in_rate_limit))
        elif path.startswith("/sign-in/link/"):
            buckets.append(bucket("sign-in-link", path.removeprefix("/sign-in/link/"), settings.sign_in_rate_limit))
        return buckets
    for prefix in LINK_PREFIXES:  # personal links: tried one by one by a guesser
        if method in ("GET", "HEAD", "POST") and path.startswith(prefix):
            return [
                bucket("link-address", address, settings.address_rate_limit),
                bucket("link", path.removeprefix(prefix), settings.sign_in_rate_limit),
            ]
    return []


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self._next_sweep = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            buckets = await buckets_for(Request(scope, receive), self.settings)
            if buckets:
                retry_after = await count_attempt(buckets)
                await self._sweep()
                if retry_after is not None:
                    self._warn(scope)
                    raise TooManyRequestsException(headers={"retry-after": str(retry_after)})
        await self.app(scope, receive, send)

    async def _sweep(self) -> None:
        """Delete ended windows, at most once a window per worker: the table keeps only the
        buckets of the last minute, however many accounts or links were tried."""
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + WINDOW
            await execute(SWEEP)

    def _warn(self, scope: Scope) -> None:
        """A warning for each refused request, so that an operator learns of guessing. The only
        log line that may name a client's address, and only when the operator opted in
        (LOG_CLIENT_ADDRESSES): elsewhere an address would identify respondents."""
        where = f"{scope.get('method', '')} {redact(scope['path'])}"
        if self.settings.log_client_addresses:
            client = scope.get("client")
            log.warning("rate limit reached: %s from %s", where, client[0] if client else "unknown")
        else:
            log.warning("rate limit reached: %s", where)


def rate_limit_middleware(settings: Settings) -> DefineMiddleware:
    return DefineMiddleware(RateLimitMiddleware, settings=settings)
