"""What the dashboard keeps per process (its page body: `publication/page_cache.py` and
`web/kept_pages.py`; its findings: `publication/highlights.py`; its panels: `web/fragments.py`)
never shows one force another force's answers, and never outlives what it
was made from: a page served from what is kept is the page drawn afresh, for each force in turn,
and a correction (a new publication version) shows at once."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.auth.services import create_sign_in_link
from backend.database import execute, fetchrow, json_value
from backend.partners.services import create_person
from backend.publication import highlights, page_cache
from backend.publication.deps import Published
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.web import fragments, kept_pages, kept_responses
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round, submit_random
from tests.integration.conftest import csrf_token, listening, post_form, sign_in
from tests.integration.test_api_rounds import api_client
from tests.integration.test_practice import _published
from tests.integration.test_publication import headers, published_round, staff_client

#: What changes from one request to the next whatever is kept (the session's CSRF token).
_PER_REQUEST = re.compile(r'(name="_csrf_token" value=")[^"]+"|(name="csrf-token" content=")[^"]+"')


def _stable(page: str) -> str:
    return _PER_REQUEST.sub(lambda m: (m.group(1) or m.group(2)) + '-"', page)


def _squash(page: str) -> str:
    """A page with its runs of white space as one space (a flash message leaves its indent)."""
    return re.sub(r"\s+", " ", page)


def _own_answers(page: str) -> dict[str, str]:
    """Each chart's "Your force answered" marker, by question."""
    out = {}
    for qid, body in re.findall(r'<article class="result" id="result-([a-z0-9_]+)"(.*?)</article>', page, flags=re.S):
        found = re.search(r'class="own-answer">(.*?)</p>', body, flags=re.S)
        if found:
            out[qid] = found.group(1)
    return out


def _summary(page: str) -> str:
    start = page.index('data-testid="summary"')
    return page[start : page.index("</section>", start)]


def _forget() -> None:
    fragments.clear()
    highlights.forget()
    kept_pages.clear()
    kept_responses.clear()


@pytest.fixture(autouse=True, params=["not listening", "listening"])
async def whole_pages(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Each test twice: without and with this process listening to PostgreSQL, i.e. without and
    with whole pages kept per person (`web/kept_responses.py`) in front of the kept bodies."""
    _forget()
    if request.param == "not listening":
        yield
        return
    async with listening():
        yield


Client = httpx.AsyncClient


async def _mismatches(clients: dict[str, Client], paths: list[str]) -> list[tuple[str, str]]:
    """Each (person, page) whose page served from what is kept, after the others' pages in both
    orders, is not the page drawn afresh for them from nothing kept."""
    fresh = {}
    for path in paths:
        for name, c in clients.items():
            _forget()
            fresh[name, path] = _stable((await c.get(path)).text)
    _forget()
    order = [*clients.items(), *reversed(clients.items()), *clients.items()]
    return sorted(
        {(name, path) for path in paths for name, c in order if _stable((await c.get(path)).text) != fresh[name, path]}
    )


def _choices(page: str) -> list[str]:
    """The group picker's choices."""
    picker = page[page.index('class="group-picker"') : page.index("</select>")]
    return re.findall(r'<option value="([^"]+)"', picker)


async def test_kept_pages_are_each_forces_own_and_follow_corrections(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=12)
    await staff_client(client)
    first = await published_round(client, world, settings)
    round_id = await published_round(client, world, settings)
    page = f"/dashboard/rounds/{round_id}"
    pages = [f"/dashboard/rounds/{first}", page]  # with no previous round, and with one
    transport = client._transport
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://test") as a,
        httpx.AsyncClient(transport=transport, base_url="http://test") as b,
    ):
        await sign_in(a, world.partner_emails[0], PARTNER_PASSWORD)
        await sign_in(b, world.partner_emails[1], PARTNER_PASSWORD)
        fresh = {}
        for path in pages:
            for name, partner in (("a", a), ("b", b)):
                _forget()  # each force's page drawn from nothing kept
                fresh[name, path] = _stable((await partner.get(path)).text)
        # Now from what is kept, in both orders, again and again: always each force's own page.
        for path in pages:
            for partner, name in ((a, "a"), (b, "b"), (b, "b"), (a, "a"), (a, "a"), (b, "b")):
                assert _stable((await partner.get(path)).text) == fresh[name, path], (name, path)
        mine, theirs = _own_answers(fresh["a", page]), _own_answers(fresh["b", page])
        assert mine and theirs and mine != theirs
        assert 'data-testid="summary"' in fresh["a", page]
        assert _summary(fresh["a", pages[0]]) != _summary(fresh["b", pages[0]])

        # A correction with other answers of force a: its page shows them at once, from
        # the new version (nothing kept from version 1 is shown), and b's page follows too.
        survey_answers = await _answers(world.force_ids[1], round_id)
        await execute(
            "UPDATE response SET answers = $1::jsonb WHERE round = $2 AND force = $3",
            json.dumps(survey_answers),
            round_id,
            world.force_ids[0],
        )
        done = await client.post(
            f"/api/rounds/{round_id}/publish", json={"confirm": True, "correction": True}, headers=headers(client)
        )
        assert done.status_code == 201, done.text
        corrected = _stable((await a.get(page)).text)
        assert "corrected (version 2)" in corrected
        assert _own_answers(corrected) == theirs  # a now answered as b did
        after_b = _stable((await b.get(page)).text)
        _forget()
        assert corrected == _stable((await a.get(page)).text)
        _forget()
        assert after_b == _stable((await b.get(page)).text)

        # A correction of the previous round (force a's answers in it changed) shows at once on
        # this round's page: its key reads the previous round's latest publication every time.
        await a.get(page)  # kept
        await execute(
            "UPDATE response SET answers = $1::jsonb WHERE round = $2 AND force = $3",
            json.dumps(await _answers(world.force_ids[2], first)),
            first,
            world.force_ids[0],
        )
        done = await client.post(
            f"/api/rounds/{first}/publish", json={"confirm": True, "correction": True}, headers=headers(client)
        )
        assert done.status_code == 201, done.text
        served = _stable((await a.get(page)).text)
        assert _summary(served) != _summary(corrected)  # "since the previous round" moved
        _forget()
        assert served == _stable((await a.get(page)).text)


async def test_kept_page_is_the_fresh_page_for_every_force_group_language_and_person(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=12)
    await staff_client(client)
    round_id = await published_round(client, world, settings)
    page = f"/dashboard/rounds/{round_id}"
    transport = client._transport
    async with (
        Client(transport=transport, base_url="http://test") as a,
        Client(transport=transport, base_url="http://test") as b,
        Client(transport=transport, base_url="http://test") as c,
        Client(transport=transport, base_url="http://test") as staff,
    ):
        clients = {"a": a, "b": b, "c": c}
        for i, partner in enumerate(clients.values()):
            await sign_in(partner, world.partner_emails[i], PARTNER_PASSWORD)
        groups = _choices((await a.get(page)).text)
        assert len(groups) >= 3, groups
        paths = [page, *(f"{page}?group={g}" for g in groups[1:3])]
        assert await _mismatches(clients, paths) == []
        for code in ("fr", "es"):
            for partner in clients.values():
                assert (
                    await post_form(partner, page, "/language", {"language": code, "next": page})
                ).status_code == 303
            assert f'<html lang="{code}">' in (await a.get(page)).text
            assert await _mismatches(clients, paths) == []

        # A practice note published beside a chart shows at once, on a page kept before it.
        before = (await a.get(page)).text
        assert 'data-practice="focused_deterrence"' not in before
        async with Client(transport=transport, base_url="http://test") as author:
            ha = await api_client(author, world.partner_emails[3], PARTNER_PASSWORD)
            hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
            await _published(author, ha, staff, hs)
        shown = await a.get(page)
        assert shown.headers["content-type"] == "text/html; charset=utf-8"
        after = shown.text
        assert 'data-practice="focused_deterrence"' in after
        assert await _mismatches(clients, [page]) == []

        # Another person of force a, signed in with a link (a flash message waits for them),
        # served the body kept for a: their own name, CSRF token and flash around it.
        assert (await post_form(a, page, "/language", {"language": "en", "next": page})).status_code == 303
        assert "Contact 0" in _stable((await a.get(page)).text)  # a's page kept, in English
        second = await create_person(
            "second@force0.example.org", "Second Person", "partner", force_id=world.force_ids[0]
        )
        token = await create_sign_in_link(second)
        async with Client(transport=transport, base_url="http://test") as a2:
            link = await a2.get(f"/sign-in/link/{token}")
            used = await a2.post(f"/sign-in/link/{token}", data={"_csrf_token": csrf_token(link.text)})
            assert used.status_code == 303, used.text
            kept = kept_pages.kept_bytes()
            served = (await a2.get(page)).text
            assert kept_pages.kept_bytes() == kept  # served from the body kept for a
            flash = re.search(r'<div class="notice notice-info" role="status">[^<]*</div>', served)
            assert flash, "no flash message"
            assert "Second Person" in served and "Contact 0" not in served
            assert csrf_token(served) == a2.cookies["csrftoken"] != a.cookies["csrftoken"]
            again = (await a2.get(page)).text  # the flash is shown once
            assert _squash(served.replace(flash.group(0), "")) == _squash(again)
            _forget()
            assert _stable(again) == _stable((await a2.get(page)).text)


async def test_no_page_is_shared_between_forces(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forces 0 and 8 share every peer group; with the same answers too, only the force tells
    their pages apart: with it dropped from the key, one is served the other's page."""
    world = await make_world(surveys_dir, forces=12)
    await staff_client(client)
    round_id = await open_test_round(world, settings.secret_key)
    await submit_random(round_id, world, world.force_ids, seed=round_id)
    await execute(
        "UPDATE response SET answers = $1::jsonb WHERE round = $2 AND force = $3",
        json.dumps(await _answers(world.force_ids[0], round_id)),
        round_id,
        world.force_ids[8],
    )
    assert (await client.post(f"/api/rounds/{round_id}/close", headers=headers(client))).status_code == 201
    done = await client.post(f"/api/rounds/{round_id}/publish", json={"confirm": True}, headers=headers(client))
    assert done.status_code == 201, done.text
    page = f"/dashboard/rounds/{round_id}"
    transport = client._transport
    async with (
        Client(transport=transport, base_url="http://test") as a,
        Client(transport=transport, base_url="http://test") as b,
    ):
        await sign_in(a, world.partner_emails[0], PARTNER_PASSWORD)
        await sign_in(b, world.partner_emails[8], PARTNER_PASSWORD)
        clients = {"a": a, "b": b}
        assert await _mismatches(clients, [page]) == []
        mine, theirs = (await a.get(page)).text, (await b.get(page)).text
        assert "<strong>Force 0</strong>" in mine and "<strong>Force 8</strong>" in theirs
        assert _own_answers(mine) == _own_answers(theirs)

        def without_force(published: Published, viewer: Viewer) -> Any:
            return (viewer.is_staff, tuple(sorted((published.groups or {}).items())))

        monkeypatch.setattr(page_cache, "viewer_part", without_force)
        assert ("b", page) in await _mismatches(clients, [page])


async def _answers(force_id: int, round_id: int) -> dict[str, object]:
    row = await fetchrow("SELECT answers FROM response WHERE round = $1 AND force = $2", round_id, force_id)
    assert row is not None
    return dict(json_value(row["answers"]))
