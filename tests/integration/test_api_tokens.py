"""Personal API tokens on real PostgreSQL: made by staff on the account page and through the API,
shown once and stored hashed, scoped read or write, expiring, revocable, audited;
`Authorization: Bearer` works on /api/ only, with the person's own guards, without CSRF, and
never on a page; wrong tokens are rate-limited per address."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import httpx

from backend.audit.services import recent
from backend.database import execute, fetch
from backend.partners.services import find_person
from backend.security.api_tokens import TokenScope, create_token
from backend.security.guards import viewer_of
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.integration.conftest import post_form, sign_in
from tests.integration.test_api_partners import FORCE
from tests.integration.test_api_rounds import api_client


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def _make(client: httpx.AsyncClient, headers: dict[str, str], scope: str, days: int | None = 30) -> str:
    made = await client.post(
        "/api/account/tokens", json={"name": f"{scope} script", "scope": scope, "days": days}, headers=headers
    )
    assert made.status_code == 201, made.text
    return str(made.json()["token"])


async def test_tokens_made_used_scoped_and_revoked_through_the_api(
    app: object, client: httpx.AsyncClient, surveys_dir: Path
) -> None:
    await make_world(surveys_dir, forces=1)
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    refused = await client.post(
        "/api/account/tokens", json={"name": " ", "scope": "all", "days": 9999}, headers=headers
    )
    assert refused.status_code == 400 or {p["key"] for p in refused.json()["extra"]} == {"token_name", "scope", "days"}
    refused = await client.post(
        "/api/account/tokens", json={"name": " ", "scope": "read", "days": 9999}, headers=headers
    )
    assert refused.status_code == 422 and {p["key"] for p in refused.json()["extra"]} == {"token_name", "days"}
    read = await _make(client, headers, "read")
    write = await _make(client, headers, "write", days=None)
    assert read.startswith("pxt_") and len(read) == 47
    # stored as a hash only
    rows = await fetch("SELECT token_hash, prefix FROM api_token ORDER BY id")
    assert [r["token_hash"] for r in rows] == [hashlib.sha256(t.encode()).hexdigest() for t in (read, write)]
    listed = (await client.get("/api/account/tokens")).json()
    assert read not in str(listed) and {t["scope"] for t in listed} == {"read", "write"}

    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as bare:  # type: ignore[attr-defined]
        got = await bare.get("/api/forces", headers=bearer(read))
        assert got.status_code == 200 and [f["name"] for f in got.json()] == ["Force 0"]
        assert "set-cookie" not in got.headers  # no session, no CSRF cookie
        used = await fetch("SELECT scope, last_used_at FROM api_token WHERE last_used_at IS NOT NULL")
        assert [r["scope"] for r in used] == ["read"]
        # a read token may not write; a write token writes without any CSRF token, audited as its person
        assert (await bare.post("/api/forces", json=FORCE, headers=bearer(read))).status_code == 403
        added = await bare.post("/api/forces", json=FORCE, headers=bearer(write))
        assert added.status_code == 201, added.text
        [event] = [e for e in await recent() if e.action == "force.created"]
        assert event.actor_label.endswith(f"<{STAFF_EMAIL}>")
        # a token cannot make tokens
        assert (
            await bare.post("/api/account/tokens", json={"name": "x", "scope": "write"}, headers=bearer(write))
        ).status_code == 403
        # revoked: refused at once
        token_id = next(t["id"] for t in listed if t["scope"] == "read")
        assert (await client.post(f"/api/account/tokens/{token_id}/revoke", headers=headers)).status_code == 200
        assert (await client.post(f"/api/account/tokens/{token_id}/revoke", headers=headers)).status_code == 404
        gone = await bare.get("/api/forces", headers=bearer(read))
        assert gone.status_code == 401 and "invalid_token" in gone.headers["www-authenticate"]
        # expired: refused
        await execute("UPDATE api_token SET expires_at = now() - interval '1 second' WHERE scope = 'write'")
        assert (await bare.get("/api/forces", headers=bearer(write))).status_code == 401
    actions = [e.action for e in await recent() if e.action.startswith("api_token.")]
    assert sorted(actions) == ["api_token.created", "api_token.created", "api_token.revoked"]


async def test_a_token_has_its_persons_guards_and_never_opens_a_page(
    client: httpx.AsyncClient, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    partner = await find_person(world.partner_emails[0])
    staff = await find_person(STAFF_EMAIL)
    assert partner and staff
    partner_token, _ = await create_token(viewer_of(partner), "odd", TokenScope.WRITE, None)
    staff_token, _ = await create_token(viewer_of(staff), "ok", TokenScope.WRITE, None)
    # a partner's token (never made by the pages, which are for staff) has a partner's rights only
    assert (await client.get("/api/forces", headers=bearer(partner_token))).status_code == 403
    assert (await client.get("/api/account", headers=bearer(partner_token))).json()["email"] == world.partner_emails[0]
    # pages ignore the header: not signed in
    for page in ("/staff/forces", "/account", "/staff/forces/import"):
        response = await client.get(page, headers=bearer(staff_token), follow_redirects=False)
        assert response.status_code in (302, 303, 401), (page, response.status_code)
    # a page's POST with a token and no CSRF token is refused
    assert (await client.post("/staff/forces", data=FORCE, headers=bearer(staff_token))).status_code == 403
    # on /api/ the token alone counts: a partner's session cookie beside a staff token is ignored,
    # and a staff session beside a wrong token does not rescue it
    assert (await sign_in(client, world.partner_emails[0], PARTNER_PASSWORD)).status_code == 303
    assert (await client.get("/api/forces", headers=bearer(staff_token))).status_code == 200
    await client.post("/sign-out", data={})  # best effort; sign in as staff in a fresh client below
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as staff_client:  # type: ignore[attr-defined]
        await api_client(staff_client, STAFF_EMAIL, STAFF_PASSWORD)
        assert (await staff_client.get("/api/forces", headers=bearer("pxt_" + "x" * 43))).status_code == 401
        assert (await staff_client.get("/api/forces")).status_code == 200
    # a deactivated person's tokens stop working
    await execute("UPDATE person SET active = false WHERE id = $1", staff.id)
    assert (await client.get("/api/forces", headers=bearer(staff_token))).status_code == 401


async def test_wrong_tokens_are_rate_limited_per_address(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    await make_world(surveys_dir, forces=1)
    staff = await find_person(STAFF_EMAIL)
    assert staff
    good, _ = await create_token(viewer_of(staff), "ok", TokenScope.READ, 30)
    settings.address_rate_limit = 3
    codes = [(await client.get("/api/forces", headers=bearer(f"pxt_{i:043d}"))).status_code for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    limited = await client.get("/api/forces", headers=bearer(good))
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    await execute("DELETE FROM rate_limit_counter")
    assert (await client.get("/api/forces", headers=bearer(good))).status_code == 200


async def test_tokens_on_the_account_page(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    refused = await post_form(
        client, "/account", "/account/tokens", {"token_name": "", "scope": "read", "days": "7000"}
    )
    assert refused.status_code == 400
    assert "Name the token after what will use it" in refused.text and "Choose when the token expires." in refused.text
    made = await post_form(
        client, "/account", "/account/tokens", {"token_name": "nightly export", "scope": "write", "days": "90"}
    )
    assert made.status_code == 200
    token = re.search(r'<code id="new-token" class="token">(pxt_[^<]+)</code>', made.text)
    assert token
    again = await client.get("/account")
    assert token.group(1) not in again.text and "nightly export" in again.text  # shown once
    assert (await client.get("/api/forces", headers=bearer(token.group(1)))).status_code == 200
    token_id = (await fetch("SELECT id FROM api_token"))[0]["id"]
    revoked = await post_form(client, "/account", f"/account/tokens/{token_id}/revoke", {})
    assert revoked.status_code == 303
    assert (await client.get("/api/forces", headers=bearer(token.group(1)))).status_code == 401
    # partners have no tokens section and cannot make one
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as partner:  # type: ignore[attr-defined]
        assert (await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)).status_code == 303
        assert "API tokens" not in (await partner.get("/account")).text
        made = await post_form(
            partner, "/account", "/account/tokens", {"token_name": "x", "scope": "read", "days": "30"}
        )
        assert made.status_code == 403


async def test_the_openapi_document_declares_the_bearer_scheme(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiToken"]["description"],
    }
    assert {"apiToken": []} in schema["security"]
    assert "/api/account/tokens" in schema["paths"]
