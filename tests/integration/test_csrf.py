"""CSRF tokens are bound to the session: a token works only in the session it was issued to
(issue 7, item 8)."""

from __future__ import annotations

from pathlib import Path

import httpx
from litestar import Litestar

from backend.partners.tables import Force
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round
from tests.integration.conftest import csrf_token, post_form, sign_in
from tests.integration.test_responses import start_respondent

NEW_FORCE = {
    "name": "Planted Force",
    "code": "planted",
    "country": "Nowhere",
    "region": "europe",
    "force_type": "city",
    "size_band": "under_1000",
}


def _client(app: Litestar, cookies: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test", cookies=cookies)


async def test_a_token_from_another_session_is_refused(
    client: httpx.AsyncClient, app: Litestar, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    # The attacker's own session, and the token pair issued to it.
    async with _client(app) as attacker:
        await sign_in(attacker, world.partner_emails[0], PARTNER_PASSWORD)
        token = csrf_token((await attacker.get("/account")).text)
        cookie = attacker.cookies["csrftoken"]
    # The victim (an administrator) is signed in; the attacker has planted her CSRF cookie in
    # the victim's browser (a sibling subdomain can) and submits her token from her own page.
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    async with _client(app, {"session": client.cookies["session"], "csrftoken": cookie}) as victim:
        forged = await victim.post("/staff/forces", data={**NEW_FORCE, "_csrf_token": token})
        forged_api = await victim.post("/api/profile-changes/1/approve", headers={"x-csrftoken": cookie})
    assert (forged.status_code, forged_api.status_code) == (403, 403)
    assert not await Force.exists().where(Force.code == "planted")
    # The victim's own page carries a token of her session, which works.
    done = await post_form(client, "/staff/forces", "/staff/forces", NEW_FORCE)
    assert done.status_code == 303
    assert await Force.exists().where(Force.code == "planted")


async def test_signing_in_or_out_gives_a_new_token(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    before = csrf_token((await client.get("/sign-in")).text)
    await client.post("/sign-in", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "_csrf_token": before})
    # The anonymous token no longer works in the new session: a token planted before sign-in
    # (login CSRF, cookie tossing) is worthless afterwards.
    assert (await client.post("/sign-out", data={"_csrf_token": before})).status_code == 403
    after = csrf_token((await client.get("/staff")).text)
    assert after != before
    assert (await client.post("/sign-out", data={"_csrf_token": after})).status_code == 303
    assert (await client.get("/staff")).status_code == 302  # signed out


async def test_a_respondent_whose_session_ended_still_gets_the_typed_answers_back(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    token = csrf_token((await client.get("/respond/section/barriers")).text)
    # The session cookie expired in the browser while the page stayed open. Without a session
    # the request acts as nobody, so the double-submit check alone applies, and the page that
    # shows what was typed is not replaced by a bare refusal.
    client.cookies.delete("session")
    response = await client.post("/respond/section/barriers", data={"change_wish": "Typed text", "_csrf_token": token})
    assert response.status_code == 403 and "Typed text" in response.text
