"""The question page is kept whole per process and served again while nothing it is drawn from
changed (`responses/kept_page.py`, issue 10): each page shown still has a page id of its own,
every save (by anyone at the force) shows at once, a replaced or revoked link ends access at
once, flash messages show once, and no force ever gets another's page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from litestar import Litestar, Request, get
from litestar.plugins.flash import flash
from litestar.response import Redirect

from backend.responses import kept_page
from backend.rounds.services import invitation_url, replace_invitation, round_invitations
from backend.rounds.tables import Invitation
from backend.settings import Settings
from backend.web import kept_pages
from tests.factories import make_world, open_test_round
from tests.integration.conftest import csrf_token
from tests.integration.test_responses import revision_of, start_respondent

PAGE = "/respond/section/profile"
FLASH_PATH = "/test/flash"
FLASH_MESSAGE = "A message shown once"


def _page_id(html: str) -> str:
    match = re.search(r'name="page" value="([^"]*)"', html)
    assert match, "page has no page field"
    return match.group(1)


def _without_page_id(html: str) -> str:
    return re.sub(r'name="page" value="[^"]*"', 'name="page" value=""', html)


def _checked_size(html: str) -> list[str]:
    return re.findall(r'name="size_band" value="([^"]+)" checked', html)


async def _load(client: httpx.AsyncClient) -> str:
    page = await client.get(PAGE)
    assert page.status_code == 200, page.text
    assert kept_page.PAGE_MARKER not in page.text
    return page.text


async def _autosave(client: httpx.AsyncClient, size: str) -> None:
    page = await _load(client)
    saved = await client.post(
        f"{PAGE}/autosave",
        data={
            "size_band": size,
            "revision": revision_of(page),
            "page": _page_id(page),
            "_csrf_token": csrf_token(page),
        },
    )
    assert saved.status_code == 200, saved.text


async def _open_link(client: httpx.AsyncClient, settings: Settings, round_id: int, email: str) -> int:
    invitation = next(i for i in await round_invitations(round_id) if i.email == email)
    link = invitation_url("", settings.secret_key, invitation.nonce)
    page = await client.get(link)
    assert page.status_code == 200
    await client.post(link, data={"_csrf_token": csrf_token(page.text)})
    return invitation.id


async def test_the_same_page_again_with_a_new_page_id(app: Litestar, settings: Settings, surveys_dir: Path) -> None:
    kept_pages.clear()
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        await start_respondent(client, settings, round_id, world.force_ids[0])
        await _load(client)  # the response starts here: not in the row read, so not kept
        assert kept_pages.kept_bytes() == 0
        first = await _load(client)  # drawn and kept
        assert kept_pages.kept_bytes() > 0
        pages = [first, await _load(client), await _load(client)]  # served from what is kept
        ids = [_page_id(p) for p in pages]
        assert len(set(ids)) == len(ids) and all(len(i) >= 20 for i in ids)
        assert {_without_page_id(p) for p in pages} == {_without_page_id(first)}


async def test_every_save_shows_at_once(app: Litestar, settings: Settings, surveys_dir: Path) -> None:
    kept_pages.clear()
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://test") as lead,
        httpx.AsyncClient(transport=transport, base_url="http://test") as colleague,
    ):
        await start_respondent(lead, settings, round_id, world.force_ids[0])
        await _autosave(lead, "under_1000")
        for _ in range(2):  # drawn, then kept
            page = await _load(lead)
            assert _checked_size(page) == ["under_1000"] and revision_of(page) == "1"

        # The same answer saved again: only the revision (and the time) moves on, and the page
        # must carry it, or its next save would be refused as a conflict.
        await _autosave(lead, "under_1000")
        page = await _load(lead)
        assert _checked_size(page) == ["under_1000"] and revision_of(page) == "2"

        # Another delegate of the same force (another invitation of the round) saves the page.
        token = csrf_token((await lead.get("/respond/colleagues")).text)
        invited = await lead.post(
            "/respond/colleagues",
            data={"name": "Camille Durand", "email": "camille@force0.example.org", "_csrf_token": token},
        )
        assert invited.status_code == 303
        await _open_link(colleague, settings, round_id, "camille@force0.example.org")
        theirs = await _load(colleague)
        saved = await colleague.post(
            PAGE,
            data={
                "size_band": "20000_plus",
                "revision": revision_of(theirs),
                "page": _page_id(theirs),
                "action": "draft",
                "_csrf_token": csrf_token(theirs),
            },
        )
        assert saved.status_code == 303, saved.text
        page = await _load(lead)
        assert _checked_size(page) == ["20000_plus"] and revision_of(page) == "3"
        # and the lead's save on it goes through (its revision is current)
        await _autosave(lead, "1000_4999")
        assert _checked_size(await _load(colleague)) == ["1000_4999"]


async def test_a_replaced_or_revoked_link_ends_access_at_once(
    app: Litestar, settings: Settings, surveys_dir: Path
) -> None:
    kept_pages.clear()
    world = await make_world(surveys_dir, forces=2, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://test") as a,
        httpx.AsyncClient(transport=transport, base_url="http://test") as b,
    ):
        replaced = await _open_link(a, settings, round_id, world.partner_emails[0])
        revoked = await _open_link(b, settings, round_id, world.partner_emails[1])
        for client in (a, b):
            for _ in range(3):  # the response starts, then the page is drawn and kept
                await _load(client)
        await replace_invitation(replaced, settings.secret_key)
        await Invitation.update({Invitation.revoked_at: datetime.now(UTC)}).where(Invitation.id == revoked)
        for client in (a, b):
            refused = await client.get(PAGE)
            assert refused.status_code == 403 and "no longer valid" in refused.text
            assert 'name="size_band"' not in refused.text


async def test_a_flash_message_shows_once(app: Litestar, settings: Settings, surveys_dir: Path) -> None:
    @get(FLASH_PATH, sync_to_thread=False)
    def flashing(request: Request) -> Redirect:  # type: ignore[type-arg]
        flash(request, FLASH_MESSAGE, "info")
        return Redirect(path=PAGE, status_code=303)

    app.register(flashing)
    kept_pages.clear()
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        await start_respondent(client, settings, round_id, world.force_ids[0])
        await _load(client)  # the response starts
        # A page drawn with a message waiting is not kept: the next one shows none.
        assert (await client.get(FLASH_PATH)).status_code == 303
        assert (await _load(client)).count(FLASH_MESSAGE) == 1
        assert kept_pages.kept_bytes() == 0
        assert FLASH_MESSAGE not in await _load(client)
        # A page kept is not served while a message waits: it shows, once.
        assert kept_pages.kept_bytes() > 0
        assert (await client.get(FLASH_PATH)).status_code == 303
        assert (await _load(client)).count(FLASH_MESSAGE) == 1
        assert FLASH_MESSAGE not in await _load(client)


@pytest.mark.parametrize("same_token", [False, True], ids=["own-sessions", "same-form-token"])
async def test_no_force_gets_another_forces_page(
    app: Litestar, settings: Settings, surveys_dir: Path, monkeypatch: pytest.MonkeyPatch, same_token: bool
) -> None:
    if same_token:
        # Each session's CSRF token alone keeps pages apart; with it made the same, what was read
        # (the force, its response) must still.
        monkeypatch.setattr(kept_page, "form_token", lambda request: "the same")
    kept_pages.clear()
    world = await make_world(surveys_dir, forces=2, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://test") as a,
        httpx.AsyncClient(transport=transport, base_url="http://test") as b,
    ):
        clients = {"Force 0": a, "Force 1": b}
        for force_id, client in zip(world.force_ids, clients.values(), strict=True):
            await start_respondent(client, settings, round_id, force_id)
            await _load(client)  # the response starts
        # Nothing answered yet, at either force: each page still says which force it is for.
        for _ in range(2):
            for name, client in clients.items():
                page = await _load(client)
                assert _checked_size(page) == [] and f"Answering for {name}" in page
        await _autosave(a, "under_1000")
        await _autosave(b, "20000_plus")
        for _ in range(2):
            page_a, page_b = await _load(a), await _load(b)
            assert _checked_size(page_a) == ["under_1000"] and "Answering for Force 0" in page_a
            assert _checked_size(page_b) == ["20000_plus"] and "Answering for Force 1" in page_b
            assert csrf_token(page_a) == a.cookies["csrftoken"] and csrf_token(page_b) == b.cookies["csrftoken"]
