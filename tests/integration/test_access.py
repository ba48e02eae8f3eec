"""Roles are enforced by guards: staff pages need staff, dashboards need a partner (or staff),
a respondent link grants only its own force's response."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from backend.auth.services import create_sign_in_link
from backend.rounds.services import invitation_url, round_invitations
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round
from tests.integration.conftest import csrf_token, post_form, sign_in


async def test_anonymous_is_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    for path in ("/staff", "/dashboard", "/staff/rounds/new", "/account"):
        response = await client.get(path)
        assert response.status_code == 302, path
        assert response.headers["location"].startswith("/sign-in?next=")
    api = await client.get("/api/rounds", headers={"accept": "application/json"})
    assert api.status_code == 401


async def test_partner_cannot_see_staff_pages(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    await sign_in(client, world.partner_emails[0], PARTNER_PASSWORD)
    assert (await client.get("/staff")).status_code == 403
    assert (await client.get("/staff/rounds/1")).status_code == 403
    assert (await client.get("/api/rounds")).status_code == 403
    assert (await client.get("/dashboard")).status_code == 200


async def test_wrong_password_changes_nothing_and_says_so(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    response = await sign_in(client, STAFF_EMAIL, "wrong password!")
    assert response.status_code == 400
    assert "e-mail address or password is not right" in response.text
    assert (await client.get("/staff")).status_code == 302
    empty = await sign_in(client, "", "")
    assert "Enter your e-mail address" in empty.text and "Enter your password" in empty.text


async def test_sign_in_rotates_session_id(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    planted = "a" * 64
    async with httpx.AsyncClient(
        transport=client._transport,
        base_url="http://test",
        cookies={"session": planted},
    ) as browser:
        page = await browser.get("/sign-in")
        response = await browser.post(
            "/sign-in", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "_csrf_token": csrf_token(page.text)}
        )
    issued = response.cookies.get("session")
    assert issued and issued != planted


async def test_next_parameter_cannot_leave_the_site(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    token = csrf_token((await client.get("/sign-in")).text)
    response = await client.post(
        "/sign-in",
        data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "next": "//evil.example", "_csrf_token": token},
    )
    assert response.headers["location"] == "/staff"


async def test_post_without_csrf_token_is_refused(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    await client.get("/sign-in")
    response = await client.post("/sign-in", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    assert response.status_code == 403
    assert (await client.get("/staff")).status_code == 302


async def test_one_time_sign_in_link(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    token = await create_sign_in_link(world.staff.person_id)
    page = await client.get(f"/sign-in/link/{token}")
    assert page.status_code == 200 and "one-time link" in page.text
    assert (await client.get("/staff")).status_code == 302  # GET did not sign in
    used = await client.post(f"/sign-in/link/{token}", data={"_csrf_token": csrf_token(page.text)})
    assert used.status_code == 303 and used.headers["location"] == "/staff"
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as other:
        again = await post_form(other, f"/sign-in/link/{token}", f"/sign-in/link/{token}", {})
        assert again.status_code == 400 and "not valid" in again.text


async def test_respondent_link_grants_only_its_own_response(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=2, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    invitations = {i.force_id: i for i in await round_invitations(round_id)}
    link = invitation_url("", settings.secret_key, invitations[world.force_ids[0]].nonce)
    page = await client.get(link)
    await client.post(link, data={"_csrf_token": csrf_token(page.text)})
    overview = await client.get("/respond")
    assert "Force 0" in overview.text and "Force 1" not in overview.text
    # the respondent session opens no staff or partner page
    assert (await client.get("/staff")).status_code == 302
    assert (await client.get("/dashboard")).status_code == 302
    assert (await client.get("/api/publications/1")).status_code == 401


async def test_bad_and_replaced_links_are_refused(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    assert (await client.get("/r/not-a-real-token")).status_code == 404
    assert (await client.get("/respond")).status_code == 403
    invitation = (await round_invitations(round_id))[0]
    old = invitation_url("", settings.secret_key, invitation.nonce)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    page = await client.get(f"/staff/rounds/{round_id}")
    replaced = await client.post(
        f"/staff/invitations/{invitation.id}/replace",
        data={"round": str(round_id), "_csrf_token": csrf_token(page.text)},
    )
    assert replaced.status_code == 303
    assert (await client.get(old)).status_code == 404
    new_links = re.findall(
        r'value="http://test(/r/[A-Za-z0-9_-]+)"', (await client.get(f"/staff/rounds/{round_id}")).text
    )
    assert new_links and new_links[0] != old
    assert (await client.get(new_links[0])).status_code == 200


async def test_sign_in_is_rate_limited(client: httpx.AsyncClient, app, settings: Settings, surveys_dir: Path) -> None:  # type: ignore[no-untyped-def]
    await make_world(surveys_dir, forces=1)
    settings.sign_in_rate_limit = 3  # per account (tests/integration/test_rate_limits.py: the rest)
    # a fresh app with a low limit, sharing the database and pool
    from backend.app import create_app

    strict = create_app(settings)
    strict.state.settings = settings
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=strict), base_url="http://test") as c:
        codes = [(await sign_in(c, STAFF_EMAIL, "wrong password!")).status_code for _ in range(5)]
    assert codes[:3] == [400, 400, 400]
    assert 429 in codes[3:]
