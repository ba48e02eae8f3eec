"""What a session costs the database (issue 10, item 2): one statement to read it, which also
renews its expiry at most once a minute; nothing written when a request leaves it as it was;
one statement to write it when it changed, also when it gets a new id."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from litestar import Litestar, Request, get
from litestar.params import FromPath

from backend.database import fetchrow
from backend.security import store
from backend.security.sessions import RENEW_EVERY, rotate_session, session_config
from backend.security.store import PostgresStore
from backend.settings import Settings

EXPIRY = "SELECT xmin::text AS version, extract(epoch FROM expires_at - now()) AS left FROM key_value WHERE key = $1"


def _app(settings: Settings) -> Litestar:
    @get("/put/{value:str}", sync_to_thread=False)
    def put(request: Request[Any, Any, Any], value: FromPath[str]) -> str:
        request.set_session({**request.session, "value": value})
        return value

    @get("/read", sync_to_thread=False)
    def read(request: Request[Any, Any, Any]) -> dict[str, Any]:
        return dict(request.session)

    @get("/same", sync_to_thread=False)
    def same(request: Request[Any, Any, Any]) -> str:
        request.set_session(dict(request.session))  # a new dict, equal to the stored one
        return "same"

    @get("/rotate", sync_to_thread=False)
    def rotate(request: Request[Any, Any, Any]) -> str:
        rotate_session(request)
        return "rotated"

    @get("/clear", sync_to_thread=False)
    def clear(request: Request[Any, Any, Any]) -> str:
        request.clear_session()
        return "cleared"

    return Litestar(
        [put, read, same, rotate, clear],
        middleware=[session_config(settings).middleware],
        stores={"sessions": PostgresStore("sessions")},
    )


@contextmanager
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The statements the session store runs, as they run."""
    seen: list[str] = []
    real_fetchrow, real_execute = store.fetchrow, store.execute

    async def counted_fetchrow(sql: str, *args: Any) -> Any:
        seen.append(sql)
        return await real_fetchrow(sql, *args)

    async def counted_execute(sql: str, *args: Any) -> Any:
        seen.append(sql)
        return await real_execute(sql, *args)

    with monkeypatch.context() as m:
        m.setattr(store, "fetchrow", counted_fetchrow)
        m.setattr(store, "execute", counted_execute)
        yield seen


def _session_cookie(response: httpx.Response) -> str | None:
    match = re.search(r"(?:^|, )session=([^;]*)", response.headers.get("set-cookie", ""))
    return match.group(1) if match else None


async def _row(session_id: str) -> dict[str, Any]:
    row = await fetchrow(EXPIRY, f"sessions:{session_id}")
    assert row is not None
    return row


async def test_unchanged_session_is_read_once_and_never_written(
    app: Litestar, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(settings)), base_url="http://test") as c:
        session_id = _session_cookie(await c.get("/put/a"))
        assert session_id
        stored = await _row(session_id)
        with statements(monkeypatch) as seen:
            for path in ("/read", "/same", "/read"):
                response = await c.get(path)
                assert response.status_code == 200
                assert _session_cookie(response) is None  # no cookie to send: nothing changed
        assert seen == [store.LOAD_SESSION] * 3
        assert (await _row(session_id))["version"] == stored["version"]  # the row was not written
        assert (await c.get("/read")).json() == {"value": "a"}


async def test_changed_session_is_written_in_one_statement(
    app: Litestar, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(settings)), base_url="http://test") as c:
        with statements(monkeypatch) as seen:
            first = _session_cookie(await c.get("/put/a"))  # no session yet: one write
        assert first and seen == [store.SET]
        with statements(monkeypatch) as seen:
            assert _session_cookie(await c.get("/put/b")) == first
        assert seen == [store.LOAD_SESSION, store.SET]
        with statements(monkeypatch) as seen:
            second = _session_cookie(await c.get("/rotate"))
        # The new id written and the old one deleted together.
        assert second and second != first and seen == [store.LOAD_SESSION, store.REPLACE]
        assert (await c.get("/read")).json() == {"value": "b"}
        assert await fetchrow("SELECT 1 FROM key_value WHERE key = $1", f"sessions:{first}") is None
        with statements(monkeypatch) as seen:
            assert _session_cookie(await c.get("/clear")) == "null"
        assert seen == [store.LOAD_SESSION, store.DELETE]
        assert await fetchrow("SELECT 1 FROM key_value WHERE key = $1", f"sessions:{second}") is None


async def test_expiry_is_renewed_at_most_once_a_minute(
    app: Litestar, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    max_age = settings.session_max_age
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(settings)), base_url="http://test") as c:
        session_id = _session_cookie(await c.get("/put/a"))
        assert session_id
        key = f"sessions:{session_id}"
        # Renewed less than a minute ago: left alone.
        recent = "UPDATE key_value SET expires_at = now() + make_interval(secs => $2) WHERE key = $1"
        await fetchrow(recent, key, max_age - RENEW_EVERY / 2)
        before = await _row(session_id)
        response = await c.get("/read")
        assert _session_cookie(response) is None
        assert (await _row(session_id))["version"] == before["version"]
        # Renewed more than a minute ago: moved on to a full max age by the read itself, and
        # the browser is sent the cookie again (its copy expires with the stored one).
        await fetchrow(recent, key, max_age - 2 * RENEW_EVERY)
        with statements(monkeypatch) as seen:
            response = await c.get("/read")
        assert seen == [store.LOAD_SESSION]
        assert _session_cookie(response) == session_id
        assert f"Max-Age={max_age}" in response.headers["set-cookie"]
        assert max_age - 5 <= float((await _row(session_id))["left"]) <= max_age
        # And not again on the next request.
        renewed = await _row(session_id)
        assert _session_cookie(await c.get("/read")) is None
        assert (await _row(session_id))["version"] == renewed["version"]
