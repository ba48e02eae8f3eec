"""A Litestar `Store` in PostgreSQL (sessions, shared by all workers), and the scheduled purge
of its expired rows."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.stores.base import NamespacedStore

from backend.database import execute, fetch, fetchrow, transaction
from backend.security import session_cache

log = logging.getLogger(__name__)

#: The advisory lock that lets one worker at a time purge expired rows (any constant unique
#: to this purpose; "pxpurge" in ASCII).
PURGE_LOCK = 0x70787075726765

SET = """
INSERT INTO key_value (key, value, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at"""
#: A key that never expires keeps no expiry when read with `renew_for`.
GET_RENEWED = """
UPDATE key_value SET expires_at = CASE WHEN expires_at IS NULL THEN NULL ELSE $2::timestamptz END
WHERE key = $1 AND (expires_at IS NULL OR expires_at > now())
RETURNING value"""
GET = "SELECT value FROM key_value WHERE key = $1 AND (expires_at IS NULL OR expires_at > now())"
#: A live session and, in the same statement, its expiry moved to now + $2 seconds, but only
#: when that moves it by more than $3 seconds: a session in use is written at most once every
#: $3 seconds, not at every request. `renewed` says whether it was.
LOAD_SESSION = """
WITH found AS (
    SELECT key, value, expires_at FROM key_value
    WHERE key = $1 AND (expires_at IS NULL OR expires_at > now())
), renewed AS (
    UPDATE key_value k SET expires_at = now() + $2::integer * interval '1 second'
    FROM found
    WHERE k.key = found.key AND found.expires_at < now() + ($2::integer - $3::integer) * interval '1 second'
    RETURNING 1
)
SELECT found.value, EXISTS (SELECT FROM renewed) AS renewed,
       extract(epoch FROM found.expires_at - now())::float8 AS seconds_left
FROM found"""
#: A session stored under a new key ($2) and the old key ($1) deleted, in one statement.
REPLACE = """
WITH gone AS (DELETE FROM key_value WHERE key = $1)
INSERT INTO key_value (key, value, expires_at) VALUES ($2, $3, $4)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at"""
DELETE = "DELETE FROM key_value WHERE key = $1"
DELETE_NAMESPACE = "DELETE FROM key_value WHERE key LIKE $1"
EXPIRES_IN = """
SELECT ceil(extract(epoch FROM expires_at - now()))::int AS seconds FROM key_value
WHERE key = $1 AND expires_at > now()"""
DELETE_EXPIRED = "DELETE FROM key_value WHERE expires_at <= now() RETURNING 1"
#: Held until the end of the transaction it is taken in.
TRY_PURGE_LOCK = "SELECT pg_try_advisory_xact_lock($1) AS locked"


def _expiry(expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
    return datetime.now(UTC) + timedelta(seconds=seconds)


class PostgresStore(NamespacedStore):
    """Keys are stored as `namespace:key` in the `key_value` table."""

    __slots__ = ("namespace",)

    def __init__(self, namespace: str = "default") -> None:
        super().__init__()
        self.namespace = namespace

    def with_namespace(self, namespace: str) -> PostgresStore:
        return PostgresStore(f"{self.namespace}_{namespace}")

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        # Forgotten before (reads under way are then not kept) and after (nor one that began
        # before the write was committed).
        session_cache.forget(self._key(key))
        await execute(SET, self._key(key), data, _expiry(expires_in))
        session_cache.forget(self._key(key))

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        if renew_for is not None:
            row = await fetchrow(GET_RENEWED, self._key(key), _expiry(renew_for))
        else:
            row = await fetchrow(GET, self._key(key))
        return None if row is None else bytes(row["value"])

    async def load(self, key: str, renew_for: int, renew_every: int) -> tuple[bytes, bool] | None:
        """A live value and whether its expiry was renewed for `renew_for` seconds, which is
        done (in the same statement) only when the stored expiry is more than `renew_every`
        seconds older than that; None when there is no live value.

        Served from this process's `session_cache` when it holds the key (then not renewed:
        an entry is kept a few seconds, far less than `renew_every`, so renewals are at most
        that much later than without the cache)."""
        full_key = self._key(key)
        kept = session_cache.get(full_key)
        if kept is not None:
            return kept, False
        seen = session_cache.generation
        row = await fetchrow(LOAD_SESSION, full_key, renew_for, renew_every)
        if row is None:
            return None
        value = bytes(row["value"])
        left = row["seconds_left"]
        session_cache.put(full_key, value, None if left is None else float(left), seen)
        return value, bool(row["renewed"])

    async def replace(self, old_key: str, key: str, value: bytes, expires_in: int | timedelta | None) -> None:
        """`set(key, …)` and `delete(old_key)`, as one statement."""
        session_cache.forget(self._key(old_key))
        session_cache.forget(self._key(key))
        await execute(REPLACE, self._key(old_key), self._key(key), value, _expiry(expires_in))
        session_cache.forget(self._key(old_key))
        session_cache.forget(self._key(key))

    async def delete(self, key: str) -> None:
        session_cache.forget(self._key(key))
        await execute(DELETE, self._key(key))
        session_cache.forget(self._key(key))

    async def delete_all(self) -> None:
        session_cache.forget()
        await execute(DELETE_NAMESPACE, f"{self.namespace}:%")
        session_cache.forget()

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = await fetchrow(EXPIRES_IN, self._key(key))
        return None if row is None else int(row["seconds"])

    async def delete_expired(self) -> int:
        return len(await fetch(DELETE_EXPIRED))


async def purge_expired() -> int | None:
    """Delete expired rows (sessions); None when another worker is doing it
    right now (so that N workers do not run the same DELETE N times over)."""
    async with transaction():
        row = await fetchrow(TRY_PURGE_LOCK, PURGE_LOCK)
        removed = await PostgresStore().delete_expired() if row and row["locked"] else None
    return removed


async def _purge_forever(interval: float) -> None:
    # Each worker starts at a random point of the interval, so workers do not all wake at once.
    await asyncio.sleep(random.uniform(0, interval))  # noqa: S311 (a delay, not a secret)
    while True:
        try:
            removed = await purge_expired()
            if removed:
                log.info("purged %d expired sessions", removed)
        except Exception:
            # A database hiccup must not end the schedule: the next round tries again.
            log.warning("purging expired sessions failed", exc_info=True)
        await asyncio.sleep(interval)


def expired_purge_lifespan(interval: float) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A Litestar lifespan that purges expired rows every `interval` seconds (0: never)
    while the app runs; `delete_expired` is otherwise never called, and rows of abandoned
    sessions would pile up in `key_value` for ever."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        if interval <= 0:
            yield
            return
        task = asyncio.create_task(_purge_forever(interval), name="purge-expired-sessions")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan
