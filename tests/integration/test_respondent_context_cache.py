"""The respondent's context kept per process (`responses/context_cache.py`): while the process
listens, question pages and autosaves run without the context statement, yet every change by
anyone (another delegate, another process, staff) shows at the next request, a replaced or
revoked link ends access, a closed round takes no more answers — and the save checks the link in
SQL, so even a context that missed its notification lets no save through."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar

from backend.database import current_dsn
from backend.responses import context_cache, deps
from backend.settings import Settings
from backend.web import kept_pages
from tests.factories import make_world, open_test_round
from tests.integration.conftest import csrf_token, eventually, listening
from tests.integration.test_kept_responses import _elsewhere
from tests.integration.test_respondent_kept_page import PAGE, _checked_size, _load, _page_id
from tests.integration.test_responses import revision_of, start_respondent


@contextmanager
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the context statements run meanwhile."""
    seen: list[int] = []
    real = deps.respondent_context

    async def counted(*args: Any) -> Any:
        seen.append(1)
        return await real(*args)

    with monkeypatch.context() as m:
        m.setattr(deps, "respondent_context", counted)
        yield seen


async def _autosave(client: httpx.AsyncClient, page: str, size: str, revision: str | None = None) -> httpx.Response:
    return await client.post(
        f"{PAGE}/autosave",
        data={
            "size_band": size,
            "revision": revision or revision_of(page),
            "page": _page_id(page),
            "_csrf_token": csrf_token(page),
        },
    )


@pytest.fixture
async def respondent(app: Litestar, settings: Settings, surveys_dir: Path) -> Any:
    kept_pages.clear()
    context_cache.clear()
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    async with listening(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        await start_respondent(c, settings, round_id, world.force_ids[0])
        await _load(c)  # the response starts
        yield c, round_id


async def test_pages_and_autosaves_run_without_the_context_statement(
    respondent: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = respondent
    page = await _load(client)  # read and kept
    with reads(monkeypatch) as seen:
        page = await _load(client)
        assert seen == []
        for size in ("under_1000", "1000_4999", "5000_19999"):
            saved = await _autosave(client, page, size)
            assert saved.status_code == 200, saved.text
            page = page.replace(
                f'name="revision" value="{revision_of(page)}"', f'name="revision" value="{saved.json()["revision"]}"'
            )
        shown = await _load(client)
    assert seen == []  # each save kept what it saved; its own notification changed nothing
    assert _checked_size(shown) == ["5000_19999"] and revision_of(shown) == "3"


async def test_a_change_by_another_connection_shows_at_the_next_request(
    respondent: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, round_id = respondent
    page = await _load(client)
    before = context_cache.token()
    await _elsewhere(
        """UPDATE response SET answers = answers || '{"size_band": "20000_plus"}'::jsonb, revision = revision + 1
           WHERE round = $1""",
        round_id,
    )
    await eventually(lambda: context_cache.token() != before, seconds=3.0)
    shown = await _load(client)
    assert _checked_size(shown) == ["20000_plus"] and revision_of(shown) == "1"
    # A save on the page shown before is a conflict, as without the cache.
    stale = await _autosave(client, page, "under_1000")
    assert stale.status_code == 409 and stale.json()["reason"] == "conflict"
    assert _checked_size(await _load(client)) == ["20000_plus"]


async def test_a_revoked_link_or_a_closed_round_is_heard(respondent: Any) -> None:
    client, round_id = respondent
    page = await _load(client)
    before = context_cache.token()
    await _elsewhere("UPDATE round SET status = 'closed' WHERE id = $1", round_id)
    await eventually(lambda: context_cache.token() != before, seconds=3.0)
    closed = await _autosave(client, page, "under_1000")
    assert closed.status_code == 409 and closed.json()["reason"] == "closed"
    await _elsewhere("UPDATE round SET status = 'open' WHERE id = $1", round_id)
    page = await _load(client)
    before = context_cache.token()
    await _elsewhere("UPDATE invitation SET revoked_at = now() WHERE round = $1", round_id)
    await eventually(lambda: context_cache.token() != before, seconds=3.0)
    assert (await client.get(PAGE)).status_code == 403


async def test_the_save_checks_the_link_even_when_a_notification_was_missed(
    respondent: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were a notification lost (it is not, while the connection is up), the kept context would
    still say the link is usable: the save's own check refuses, and the answer is the refusal
    the database gives now."""
    client, round_id = respondent
    page = await _load(client)
    await _load(client)
    monkeypatch.setattr(context_cache, "_notified", lambda _payload: None)
    await _elsewhere("UPDATE invitation SET revoked_at = now() WHERE round = $1", round_id)
    await asyncio.sleep(0.2)
    refused = await _autosave(client, page, "under_1000")
    assert refused.status_code == 403, refused.text
    rows = await _rows(round_id)
    assert rows == [(0, None)]  # nothing saved


async def _rows(round_id: int) -> list[tuple[int, object]]:
    connection = await asyncpg.connect(current_dsn())
    try:
        found = await connection.fetch(
            "SELECT revision, answers -> 'size_band' AS size FROM response WHERE round = $1", round_id
        )
    finally:
        await connection.close()
    return [(r["revision"], r["size"]) for r in found]


async def test_nothing_is_kept_while_not_listening(app: Litestar, settings: Settings, surveys_dir: Path) -> None:
    context_cache.clear()
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        await start_respondent(client, settings, round_id, world.force_ids[0])
        await _load(client)
        await _load(client)
        assert not context_cache.active()
        assert context_cache._entries == {}


async def test_the_page_after_a_save_here_shows_it_without_waiting_for_the_notification(
    respondent: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's own save (not an autosave) forgets what this process kept of the context as it
    answers: the next page shows the save even before, or without, its notification."""
    client, _ = respondent
    page = await _load(client)
    await _load(client)  # kept
    monkeypatch.setattr(context_cache, "_notified", lambda _payload: None)
    saved = await client.post(
        PAGE,
        data={
            "size_band": "20000_plus",
            "revision": revision_of(page),
            "page": _page_id(page),
            "action": "draft",
            "_csrf_token": csrf_token(page),
        },
    )
    assert saved.status_code == 303, saved.text
    shown = await _load(client)
    assert _checked_size(shown) == ["20000_plus"] and revision_of(shown) == "1"
