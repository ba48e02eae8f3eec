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

from backend.security.tables import KeyValue

log = logging.getLogger(__name__)

#: The advisory lock that lets one worker at a time purge expired rows (any constant unique
#: to this purpose; "pxpurge" in ASCII).
PURGE_LOCK = 0x70787075726765


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
        await KeyValue.raw(
            "INSERT INTO key_value (key, value, expires_at) VALUES ({}, {}, {}::timestamptz) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at",
            self._key(key),
            data,
            _expiry(expires_in),
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        if renew_for is not None:
            rows = await KeyValue.raw(
                "UPDATE key_value SET expires_at = CASE WHEN expires_at IS NULL THEN NULL "
                "ELSE {}::timestamptz END WHERE key = {} AND (expires_at IS NULL OR expires_at > now()) "
                "RETURNING value",
                _expiry(renew_for),
                self._key(key),
            )
        else:
            rows = await KeyValue.raw(
                "SELECT value FROM key_value WHERE key = {} AND (expires_at IS NULL OR expires_at > now())",
                self._key(key),
            )
        return bytes(rows[0]["value"]) if rows else None

    async def delete(self, key: str) -> None:
        await KeyValue.raw("DELETE FROM key_value WHERE key = {}", self._key(key))

    async def delete_all(self) -> None:
        await KeyValue.raw("DELETE FROM key_value WHERE key LIKE {}", f"{self.namespace}:%")

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        rows = await KeyValue.raw(
            "SELECT ceil(extract(epoch FROM expires_at - now()))::int AS seconds FROM key_value "
            "WHERE key = {} AND expires_at > now()",
            self._key(key),
        )
        return rows[0]["seconds"] if rows else None

    async def delete_expired(self) -> int:
        rows = await KeyValue.raw("DELETE FROM key_value WHERE expires_at <= now() RETURNING 1")
        return len(rows)


async def purge_expired() -> int | None:
    """Delete expired rows (sessions); None when another worker is doing it
    right now (so that N workers do not run the same DELETE N times over)."""
    async with KeyValue._meta.db.transaction():
        rows = await KeyValue.raw("SELECT pg_try_advisory_xact_lock({}) AS locked", PURGE_LOCK)
        if not rows[0]["locked"]:
            return None
        return await PostgresStore().delete_expired()


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
