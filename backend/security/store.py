"""A Litestar `Store` in PostgreSQL: sessions and rate-limit counters shared by all workers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar.stores.base import NamespacedStore

from backend.security.tables import KeyValue


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
