"""Integration tests: the app in the test's own event loop (so test code and app share one
connection pool), over httpx's ASGI transport, against the session's real database."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from backend import pg_listen
from backend.app import create_app
from backend.database import current_dsn
from backend.piccolo_conf import DB
from backend.responses import context_cache
from backend.security import session_cache
from backend.settings import Settings
from backend.web import data_epoch
from tests.conftest import truncate_all

SECRET = "test-secret-key-0123456789abcdef"


def _every_cache_listening() -> bool:
    return session_cache.active() and data_epoch.current() is not None and context_cache.active()


@asynccontextmanager
async def listening() -> AsyncIterator[None]:
    """This process listening to PostgreSQL (`pg_listen`, as the app's lifespan does) until the
    block ends: every cache that follows notifications (sessions, the data epoch, respondents'
    contexts) is in use meanwhile, and none after."""
    async with pg_listen.listening(current_dsn)(None):
        deadline = time.monotonic() + 10
        while not _every_cache_listening():
            assert time.monotonic() < deadline, "the listener did not connect"
            await asyncio.sleep(0.01)
        yield
    assert not session_cache.active() and data_epoch.current() is None and not context_cache.active()


async def eventually(check: Callable[[], bool], seconds: float) -> float:
    """Seconds until `check()` holds (fails after `seconds`)."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < seconds, "not within the time allowed"
        await asyncio.sleep(0.001)
    return time.monotonic() - start


@pytest.fixture
def settings(database_dsn: str, surveys_dir: Path, tmp_path: Path) -> Settings:
    s = Settings()
    s.database_url = database_dsn
    s.secret_key = SECRET
    s.base_url = "http://test"
    s.surveys_dir = surveys_dir
    s.data_dir = tmp_path
    s.sign_in_rate_limit = 1000
    s.address_rate_limit = 1000
    return s


@pytest.fixture
async def app(settings: Settings, database_dsn: str):  # type: ignore[no-untyped-def]
    """The app with what its lifespan provides (the pool, app.state.settings).

    Litestar's `app.lifespan()` cannot be held open across a pytest-asyncio fixture (set-up
    and tear-down run in different tasks, which anyio's cancel scopes refuse); the browser
    tests run the real server, lifespan included.
    """
    await truncate_all(database_dsn)
    application = create_app(settings)
    application.state.settings = settings
    await DB.start_connection_pool(min_size=1, max_size=4)
    try:
        yield application
    finally:
        await DB.close_connection_pool()


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


def csrf_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def post_form(client: httpx.AsyncClient, page: str, action: str, data: dict | list, **kwargs) -> httpx.Response:  # type: ignore[type-arg]
    """GET `page` for its CSRF token, then POST `data` to `action` like a browser would."""
    token = csrf_token((await client.get(page)).text)
    return await client.post(action, data=form_data(data, _csrf_token=token), **kwargs)


def form_data(data: dict | list, **extra: str) -> dict[str, list[str]]:  # type: ignore[type-arg]
    """A form body with repeated fields (httpx takes lists as repeated values)."""
    items = list(data.items()) if isinstance(data, dict) else list(data)
    out: dict[str, list[str]] = {}
    for key, value in [*items, *extra.items()]:
        out.setdefault(key, []).extend(value if isinstance(value, list) else [value])
    return out


async def sign_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await post_form(client, "/sign-in", "/sign-in", {"email": email, "password": password})
