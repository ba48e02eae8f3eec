"""The per-process session cache (security/session_cache.py): while the process listens for
changes to `key_value`, a session read once is served without a statement; any change to it,
made here or by another process, is seen at the next read; without the listener nothing is kept.
(Across the workers of a real server: tests/cli/test_session_revocation.py.)"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar, Request, get
from litestar.params import FromPath

from backend import pg_listen
from backend.database import current_dsn
from backend.security import session_cache, store
from backend.security.sessions import session_config
from backend.security.store import PostgresStore
from backend.settings import Settings
from tests.integration.conftest import eventually, listening


def _app(settings: Settings) -> Litestar:
    @get("/put/{value:str}", sync_to_thread=False)
    def put(request: Request[Any, Any, Any], value: FromPath[str]) -> str:
        request.set_session({**request.session, "value": value})
        return value

    @get("/read", sync_to_thread=False)
    def read(request: Request[Any, Any, Any]) -> dict[str, Any]:
        return dict(request.session)

    @get("/clear", sync_to_thread=False)
    def clear(request: Request[Any, Any, Any]) -> str:
        request.clear_session()
        return "cleared"

    return Litestar(
        [put, read, clear],
        middleware=[session_config(settings).middleware],
        stores={"sessions": PostgresStore("sessions")},
    )


@contextmanager
def loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The session reads that reach PostgreSQL."""
    seen: list[str] = []
    real = store.fetchrow

    async def counted(sql: str, *args: Any) -> Any:
        seen.append(sql)
        return await real(sql, *args)

    with monkeypatch.context() as m:
        m.setattr(store, "fetchrow", counted)
        yield seen


def _session_id(response: httpx.Response) -> str:
    match = re.search(r"(?:^|, )session=([0-9a-f]+)", response.headers.get("set-cookie", ""))
    assert match
    return match.group(1)


async def test_a_session_read_once_is_then_kept(
    app: Litestar, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with (
        listening(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(settings)), base_url="http://t") as c,
    ):
        await c.get("/put/a")
        with loads(monkeypatch) as seen:
            for _ in range(3):
                assert (await c.get("/read")).json() == {"value": "a"}
        assert seen == [store.LOAD_SESSION]  # the first read; then from the cache
        # A change made here is seen at the next request.
        await c.get("/put/b")
        assert (await c.get("/read")).json() == {"value": "b"}
        await c.get("/clear")
        assert (await c.get("/read")).json() == {}


async def test_a_change_by_another_process_is_seen_at_once(
    app: Litestar, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with (
        listening(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(settings)), base_url="http://t") as c,
    ):
        session_id = _session_id(await c.get("/put/a"))
        key = f"sessions:{session_id}"
        assert (await c.get("/read")).json() == {"value": "a"}
        assert session_cache.get(key) is not None
        other = await asyncpg.connect(current_dsn())  # another process's connection: a sign-out elsewhere
        try:
            await other.execute("DELETE FROM key_value WHERE key = $1", key)
            waited = await eventually(lambda: session_cache.get(key) is None, seconds=2.0)
            assert (await c.get("/read")).json() == {}
            # A revocation by an expiry moved into the past, and a changed value, are heard too.
            session_id = _session_id(await c.get("/put/c"))
            key = f"sessions:{session_id}"
            assert (await c.get("/read")).json() == {"value": "c"}
            await other.execute("UPDATE key_value SET expires_at = now() - interval '1 second' WHERE key = $1", key)
            await eventually(lambda: session_cache.get(key) is None, seconds=2.0)
            assert (await c.get("/read")).json() == {}
        finally:
            await other.close()
    assert waited < 1.0


async def test_renewals_do_not_notify_but_truncation_does(app: Litestar, settings: Settings) -> None:
    async with (
        listening(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(settings)), base_url="http://t") as c,
    ):
        key = f"sessions:{_session_id(await c.get('/put/a'))}"
        await c.get("/read")
        other = await asyncpg.connect(current_dsn())
        try:
            before = session_cache.generation
            await other.execute("UPDATE key_value SET expires_at = expires_at + interval '1 hour' WHERE key = $1", key)
            await asyncio.sleep(0.2)
            assert session_cache.generation == before and session_cache.get(key) is not None
            await other.execute("TRUNCATE key_value")
            await eventually(lambda: session_cache.get(key) is None, seconds=2.0)
        finally:
            await other.close()


async def test_nothing_is_kept_while_not_listening(
    app: Litestar, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with (
        listening(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(settings)), base_url="http://t") as c,
    ):
        key = f"sessions:{_session_id(await c.get('/put/a'))}"
        await c.get("/read")
        assert session_cache.get(key) is not None
        # The listening connection drops (a restarted database, a network cut): the cache is
        # emptied and unused until it listens again.
        killer = await asyncpg.connect(current_dsn())
        try:
            await killer.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            )
        finally:
            await killer.close()
        await eventually(lambda: not session_cache.active(), seconds=2.0)
        assert session_cache.get(key) is None
        with loads(monkeypatch) as seen:
            await c.get("/read")
            await c.get("/read")
        assert seen == [store.LOAD_SESSION] * 2
        # It listens again by itself.
        await eventually(lambda: session_cache.active(), seconds=pg_listen.RECONNECT_EVERY + 5)
