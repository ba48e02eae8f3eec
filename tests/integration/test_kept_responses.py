"""Whole partner pages kept per person (`web/kept_responses.py`) under the data epoch
(`web/data_epoch.py`): served again without a statement while nothing they are drawn from has
changed, and never once anything has, whichever connection changed it; never while a flash
message waits or while the process is not listening. The signed-in person is kept the same way
(`security/guards._session_viewer`). Every page served from what is kept is compared with the
page drawn afresh in tests/integration/test_dashboard_cache.py, which runs once listening."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from backend import pg_listen
from backend.auth.services import create_sign_in_link
from backend.database import current_dsn
from backend.partners.services import create_person
from backend.publication import controllers
from backend.security import guards
from backend.settings import Settings
from backend.web import data_epoch, kept_pages, kept_responses
from tests.factories import PARTNER_PASSWORD, make_world
from tests.integration.conftest import csrf_token, eventually, listening, post_form, sign_in
from tests.integration.test_publication import published_round, staff_client


async def _elsewhere(sql: str, *args: Any) -> None:
    """A change committed by another connection, as another process would make it."""
    connection = await asyncpg.connect(current_dsn())
    try:
        await connection.execute(sql, *args)
    finally:
        await connection.close()


def _no_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, reading the round or the signed-in person fails the test."""

    async def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("read from the database: the page was not served from what is kept")

    monkeypatch.setattr(controllers, "provide_published", refuse)
    monkeypatch.setattr(guards, "active_person", refuse)


@pytest.fixture
async def world_round(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> tuple[Any, int]:
    kept_responses.clear()
    kept_pages.clear()
    world = await make_world(surveys_dir, forces=12)
    await staff_client(client)
    return world, await published_round(client, world, settings)


async def test_a_page_is_served_again_without_a_statement_until_its_data_changes(
    client: httpx.AsyncClient, world_round: tuple[Any, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    world, round_id = world_round
    page = f"/dashboard/rounds/{round_id}"
    async with listening(), httpx.AsyncClient(transport=client._transport, base_url="http://test") as a:
        await sign_in(a, world.partner_emails[0], PARTNER_PASSWORD)
        first = await a.get(page)
        assert first.status_code == 200 and kept_responses.kept_count() == 1
        with monkeypatch.context() as m:
            _no_reads(m)
            again = await a.get(page)
        assert again.status_code == 200 and again.content == first.content

        # Compressed once for a browser that takes gzip; the same page.
        zipped = await a.get(page, headers={"accept-encoding": "gzip, deflate, br"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in zipped.headers["vary"].lower()
        assert zipped.num_bytes_downloaded < len(first.content) / 4
        assert zipped.content == first.content
        assert (await a.get(page, headers={"accept-encoding": "identity"})).headers.get("content-encoding") is None
        # Security headers are still there.
        assert zipped.headers["x-content-type-options"] == "nosniff"

        # The person renamed by another connection (another process): the next page names them
        # anew, once the notification has arrived.
        before = data_epoch.current()
        await _elsewhere("UPDATE person SET name = 'Renamed Contact' WHERE email = $1", world.partner_emails[0])
        await eventually(lambda: data_epoch.current() != before, seconds=3.0)
        renamed = (await a.get(page)).text
        assert "Renamed Contact" in renamed

        # The force's submitted answers changed by another connection: the page shows them.
        kept = (await a.get(page)).text
        other = await _answers_of(world.force_ids[1], round_id)
        before = data_epoch.current()
        await _elsewhere(
            "UPDATE response SET answers = $1::jsonb WHERE round = $2 AND force = $3",
            json.dumps(other),
            round_id,
            world.force_ids[0],
        )
        await eventually(lambda: data_epoch.current() != before, seconds=3.0)
        assert (await a.get(page)).text != kept

        # A sign-in's time and a draft being saved move nothing on: what is kept stays in use.
        before = data_epoch.current()
        await _elsewhere("UPDATE person SET last_sign_in_at = now() WHERE email = $1", world.partner_emails[0])
        await _elsewhere("UPDATE response SET revision = revision + 1 WHERE status = 'draft'")
        await asyncio.sleep(0.3)
        assert data_epoch.current() == before

        # Deactivated by another connection: refused at the next request, though the person and
        # the page were kept.
        await a.get(page)
        await _elsewhere("UPDATE person SET active = false WHERE email = $1", world.partner_emails[0])
        await eventually(lambda: data_epoch.current() != before, seconds=3.0)
        refused = await a.get(page, follow_redirects=False)
        assert refused.status_code in (302, 303, 401), refused.status_code
        assert "sign-in" in refused.headers.get("location", "")


async def _answers_of(force_id: int, round_id: int) -> dict[str, object]:
    connection = await asyncpg.connect(current_dsn())
    try:
        row = await connection.fetchrow(
            "SELECT answers FROM response WHERE round = $1 AND force = $2", round_id, force_id
        )
    finally:
        await connection.close()
    assert row is not None
    return dict(json.loads(row["answers"]))


async def test_a_write_here_moves_the_epoch_at_once(client: httpx.AsyncClient, world_round: tuple[Any, int]) -> None:
    """A form sent to this process moves the epoch on as it is answered, without waiting for the
    notification: the page after it is never one kept before it."""
    world, round_id = world_round
    page = f"/dashboard/rounds/{round_id}"
    async with listening(), httpx.AsyncClient(transport=client._transport, base_url="http://test") as a:
        await sign_in(a, world.partner_emails[0], PARTNER_PASSWORD)
        await a.get(page)
        before = data_epoch.current()
        # Any unsafe request, even one refused, may have written: the epoch moves.
        assert (await post_form(a, page, "/language", {"language": "fr", "next": page})).status_code == 303
        assert data_epoch.current() != before
        assert '<html lang="fr">' in (await a.get(page)).text


async def test_no_page_is_kept_while_a_flash_waits_or_while_not_listening(
    client: httpx.AsyncClient, world_round: tuple[Any, int]
) -> None:
    world, round_id = world_round
    page = f"/dashboard/rounds/{round_id}"
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as a:
        await sign_in(a, world.partner_emails[0], PARTNER_PASSWORD)
        # Not listening (an app run without its lifespan): nothing kept.
        assert (await a.get(page)).status_code == 200
        assert kept_responses.kept_count() == 0
    second = await create_person("second@force0.example.org", "Second Person", "partner", force_id=world.force_ids[0])
    token = await create_sign_in_link(second)
    async with listening(), httpx.AsyncClient(transport=client._transport, base_url="http://test") as a2:
        link = await a2.get(f"/sign-in/link/{token}")
        used = await a2.post(f"/sign-in/link/{token}", data={"_csrf_token": csrf_token(link.text)})
        assert used.status_code == 303, used.text
        # A flash message waits ("You are signed in…"): that page is drawn afresh, shows it, and
        # is not kept; the next one is kept, without it.
        flashed = (await a2.get(page)).text
        assert 'class="notice notice-info" role="status"' in flashed
        assert kept_responses.kept_count() == 0
        after = (await a2.get(page)).text
        assert 'class="notice notice-info" role="status"' not in after
        assert kept_responses.kept_count() == 1
        assert (await a2.get(page)).text == after


async def test_listening_drops_stop_the_use_of_kept_pages(
    client: httpx.AsyncClient, world_round: tuple[Any, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    world, round_id = world_round
    page = f"/dashboard/rounds/{round_id}"
    async with listening(), httpx.AsyncClient(transport=client._transport, base_url="http://test") as a:
        await sign_in(a, world.partner_emails[0], PARTNER_PASSWORD)
        await a.get(page)
        assert kept_responses.kept_count() == 1
        killer = await asyncpg.connect(current_dsn())
        try:
            await killer.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            )
        finally:
            await killer.close()
        await eventually(lambda: data_epoch.current() is None, seconds=3.0)
        reads: list[int] = []
        real = controllers.provide_published

        async def counted(*args: Any, **kwargs: Any) -> Any:
            reads.append(1)
            return await real(*args, **kwargs)

        monkeypatch.setattr(controllers, "provide_published", counted)
        await a.get(page)
        await a.get(page)
        assert reads == [1, 1]  # drawn from the database each time
        await eventually(lambda: data_epoch.current() is not None, seconds=pg_listen.RECONNECT_EVERY + 5)
