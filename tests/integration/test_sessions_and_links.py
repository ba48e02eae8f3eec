"""Links and sessions (issue 7, items 1–4): a replaced or revoked link ends the sessions
opened with it; session ids are only ever the server's; sessions hold only what they must
and expired ones are purged; personal links are rate-limited and refused all alike."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from litestar import Litestar, Request, get
from litestar.params import FromPath

from backend.app import create_app
from backend.responses.services import get_response
from backend.rounds.services import invitation_url, replace_invitation, round_invitations
from backend.rounds.tables import Invitation
from backend.security.sessions import MAX_SESSION_BYTES, rotate_session, session_config
from backend.security.store import PURGE_LOCK, PostgresStore, expired_purge_lifespan, purge_expired
from backend.security.tables import KeyValue
from backend.settings import Settings
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round
from tests.integration.conftest import csrf_token, sign_in

TYPED = "A long answer typed over an hour"


async def _link(settings: Settings, round_id: int) -> tuple[int, str]:
    invitation = (await round_invitations(round_id))[0]
    return invitation.id, invitation_url("", settings.secret_key, invitation.nonce)


async def _open(client: httpx.AsyncClient, link: str) -> None:
    page = await client.get(link)
    opened = await client.post(link, data={"_csrf_token": csrf_token(page.text)})
    assert opened.status_code == 303 and opened.headers["location"] == "/respond"


async def _respondent(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> tuple[int, int, int]:
    """A round of one force whose respondent has opened the link: (round, force, invitation)."""
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    invitation_id, link = await _link(settings, round_id)
    await _open(client, link)
    return round_id, world.force_ids[0], invitation_id


async def _session_rows() -> list[dict[str, Any]]:
    return await KeyValue.raw("SELECT key, length(value) AS size FROM key_value WHERE key LIKE 'sessions:%'")


def _session_cookie(response: httpx.Response) -> str | None:
    match = re.search(r"(?:^|, )session=([^;]*)", response.headers.get("set-cookie", ""))
    return match.group(1) if match else None


async def _assert_respondent_access_ended(
    client: httpx.AsyncClient, round_id: int, force_id: int, page_html: str
) -> None:
    """Reading, saving (as a page and as autosave) and submitting are all refused, nothing is
    written, and what was being typed comes back on the page."""
    before = await get_response(round_id, force_id)
    token = csrf_token(page_html)
    overview = await client.get("/respond")
    assert overview.status_code == 403 and "no longer valid" in overview.text
    saved = await client.post(
        "/respond/section/profile",
        data={"role_notes": TYPED, "force_type": "city", "revision": "0", "action": "draft", "_csrf_token": token},
    )
    assert saved.status_code == 403
    assert "Your session has ended" in saved.text and "no longer valid" in saved.text
    assert TYPED in saved.text  # nothing typed is lost
    autosave = await client.post(
        "/respond/section/profile/autosave",
        data={"force_type": "city", "revision": "0", "action": "draft", "_csrf_token": token},
        headers={"accept": "application/json"},
    )
    assert autosave.status_code == 403
    submitted = await client.post("/respond/submit", data={"revision": "0", "_csrf_token": token})
    assert submitted.status_code == 403
    after = await get_response(round_id, force_id)
    assert after == before and after is not None and after.status == "draft"


# Item 1: "New link" (and revoking or expiry) ends every session opened with the old link.


async def test_new_link_ends_sessions_opened_with_the_old_one(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    round_id, force_id, invitation_id = await _respondent(client, settings, surveys_dir)
    page = await client.get("/respond/section/profile")
    assert page.status_code == 200
    await replace_invitation(invitation_id, settings.secret_key)
    await _assert_respondent_access_ended(client, round_id, force_id, page.text)
    # The session no longer holds the invitation at all (later pages still say why); the new
    # link opens it again.
    assert "no longer valid" in (await client.get("/respond")).text
    stored = await PostgresStore("sessions").get(client.cookies["session"])
    assert stored is not None and b"invitation_id" not in stored
    _, new_link = await _link(settings, round_id)
    await _open(client, new_link)
    assert (await client.get("/respond")).status_code == 200


async def test_revoked_or_expired_link_ends_its_sessions(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    round_id, force_id, invitation_id = await _respondent(client, settings, surveys_dir)
    page = await client.get("/respond/section/profile")
    await Invitation.update({Invitation.revoked_at: datetime.now(UTC)}).where(Invitation.id == invitation_id)
    await _assert_respondent_access_ended(client, round_id, force_id, page.text)

    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as other:
        await Invitation.update({Invitation.revoked_at: None}).where(Invitation.id == invitation_id)
        _, link = await _link(settings, round_id)
        await _open(other, link)
        page = await other.get("/respond/section/profile")
        assert page.status_code == 200
        past = datetime.now(UTC) - timedelta(minutes=1)
        await Invitation.update({Invitation.expires_at: past}).where(Invitation.id == invitation_id)
        await _assert_respondent_access_ended(other, round_id, force_id, page.text)


# Item 2: the server alone chooses session ids.


def _session_app(settings: Settings) -> Litestar:
    """Just the session middleware and its store, with handlers that write, rotate and read."""

    @get("/put/{size:int}", sync_to_thread=False)
    def put(request: Request[Any, Any, Any], size: FromPath[int]) -> dict[str, int]:
        request.set_session({**request.session, "data": "x" * size})
        return {"size": size}

    @get("/rotate", sync_to_thread=False)
    def rotate(request: Request[Any, Any, Any]) -> dict[str, bool]:
        rotate_session(request)
        request.set_session({**request.session, "rotated": True})
        return {"rotated": True}

    @get("/see", sync_to_thread=False)
    def see(request: Request[Any, Any, Any]) -> dict[str, Any]:
        return dict(request.scope.get("session") or {})

    return Litestar(
        [put, rotate, see],
        middleware=[session_config(settings).middleware],
        stores={"sessions": PostgresStore("sessions")},
    )


async def test_unknown_session_id_is_never_adopted(app: Litestar, settings: Settings) -> None:
    planted = "b" * 64  # has the form of one of our ids, but the server never issued it
    transport = httpx.ASGITransport(app=_session_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test", cookies={"session": planted}) as c:
        response = await c.get("/put/3")
    issued = _session_cookie(response)
    assert issued and issued != planted
    keys = {row["key"] for row in await _session_rows()}
    assert keys == {f"sessions:{issued}"}


async def test_rotated_session_id_is_invalid_at_once(app: Litestar, settings: Settings) -> None:
    transport = httpx.ASGITransport(app=_session_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        first = _session_cookie(await c.get("/put/3"))
        second = _session_cookie(await c.get("/rotate"))
        assert first and second and first != second
        assert (await c.get("/see")).json() == {"data": "xxx", "rotated": True}
    async with httpx.AsyncClient(transport=transport, base_url="http://test", cookies={"session": first}) as old:
        assert (await old.get("/see")).json() == {}
    assert {row["key"] for row in await _session_rows()} == {f"sessions:{second}"}


async def test_sign_in_ends_the_session_it_replaced(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    """A respondent session that signs in gets a new id; the old id opens nothing afterwards."""
    await _respondent(client, settings, surveys_dir)
    before = client.cookies.get("session")
    assert (await client.get("/respond")).status_code == 200
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    after = client.cookies.get("session")
    assert before and after and before != after
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test", cookies={"session": before}) as c:
        assert (await c.get("/respond")).status_code == 403
    assert f"sessions:{before}" not in {row["key"] for row in await _session_rows()}


async def test_malformed_or_oversized_session_cookie_gets_a_fresh_session(client: httpx.AsyncClient) -> None:
    cookies = [
        b"session=" + b"x" * 5000,
        b"session=" + b"A" * 64,
        b"session=null",
        b"session=",
        b'session="quoted value"',
        b"session=%00%ff",
        b"session=\xc3\xa9t\xc3\xa9",
        b"session=" + b"a" * 63 + b"; session=" + b"a" * 65,
    ]
    for cookie in cookies:
        for path in ("/sign-in", "/respond", "/r/not-a-real-token"):
            response = await client.get(path, headers={"cookie": cookie})
            assert response.status_code < 500, (cookie[:40], path, response.status_code)
            assert _session_cookie(response) in (None, "null") or re.fullmatch(
                "[0-9a-f]{64}", _session_cookie(response) or ""
            )
    assert await _session_rows() == []


# Item 3: sessions hold only what they must; expired ones are purged.


async def test_language_switch_stores_only_known_languages(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    token = csrf_token((await client.get("/sign-in")).text)
    # Anonymous: nothing is stored, however much is sent.
    big = await client.post("/respond/language", data={"language": "x" * 200_000, "_csrf_token": token})
    assert big.status_code < 500
    assert await _session_rows() == []
    # A respondent: an unknown code is ignored; a shipped language is kept.
    await _respondent(client, settings, surveys_dir)
    token = csrf_token((await client.get("/respond")).text)
    await client.post("/respond/language", data={"language": "x" * 100_000, "_csrf_token": token})
    assert max(row["size"] for row in await _session_rows()) < 1024
    assert 'lang="en"' in (await client.get("/respond/section/profile")).text
    await client.post("/respond/language", data={"language": "es", "_csrf_token": token})
    assert 'lang="es"' in (await client.get("/respond/section/profile")).text


async def test_oversized_session_is_not_stored(app: Litestar, settings: Settings) -> None:
    transport = httpx.ASGITransport(app=_session_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        assert (await c.get("/put/10")).status_code == 200
        assert (await c.get(f"/put/{MAX_SESSION_BYTES * 4}")).status_code == 200
        assert (await c.get("/see")).json() == {"data": "x" * 10}  # the stored session is unchanged
    assert max(row["size"] for row in await _session_rows()) <= MAX_SESSION_BYTES


async def test_expired_rows_are_purged_on_a_schedule(app: Litestar, database_dsn: str) -> None:
    store = PostgresStore("sessions")
    await store.set("old", b"x", expires_in=-5)
    await store.set("live", b"y", expires_in=600)
    # While another worker purges (holds the lock), this one leaves the rows alone.
    other = await asyncpg.connect(database_dsn)
    try:
        await other.execute("SELECT pg_advisory_lock($1)", PURGE_LOCK)
        assert await purge_expired() is None
        await other.execute("SELECT pg_advisory_unlock($1)", PURGE_LOCK)
    finally:
        await other.close()
    assert await KeyValue.count().where(KeyValue.key == "sessions:old") == 1
    # The app's lifespan runs the purge every interval.
    async with expired_purge_lifespan(0.05)(app):
        for _ in range(100):
            if not await KeyValue.count().where(KeyValue.key == "sessions:old"):
                break
            await asyncio.sleep(0.05)
    assert await KeyValue.count().where(KeyValue.key == "sessions:old") == 0
    assert await store.get("live") == b"y"


# Item 4: personal links are rate-limited on GET too, and every unusable link looks the same.


async def test_link_start_page_is_rate_limited(app: Litestar, settings: Settings) -> None:
    settings.address_rate_limit = 3  # a guesser tries new tokens: the limit per address stops it
    strict = create_app(settings)
    strict.state.settings = settings
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=strict), base_url="http://test") as c:
        codes = [(await c.get(f"/r/guess-{i}")).status_code for i in range(5)]
    assert codes[:3] == [404, 404, 404]
    assert codes[3:] == [429, 429]


def _without_tokens(html: str) -> str:
    return re.sub(r'value="[0-9a-f]{64,}"', 'value=""', html)


async def test_invalid_expired_revoked_and_replaced_links_look_the_same(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=4, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    invitations = await round_invitations(round_id)
    links = [invitation_url("", settings.secret_key, i.nonce) for i in invitations]
    await Invitation.update({Invitation.expires_at: datetime.now(UTC) - timedelta(days=1)}).where(
        Invitation.id == invitations[0].id
    )
    await Invitation.update({Invitation.revoked_at: datetime.now(UTC)}).where(Invitation.id == invitations[1].id)
    await replace_invitation(invitations[2].id, settings.secret_key)
    refused = {
        "invalid": "/r/not-a-real-token",
        "truncated": links[3][:-5],
        "expired": links[0],
        "revoked": links[1],
        "replaced": links[2],
    }
    pages = {}
    for what, link in refused.items():
        shown = await client.get(link)
        used = await client.post(link, data={"_csrf_token": csrf_token((await client.get("/sign-in")).text)})
        assert shown.status_code == used.status_code == 404, what
        pages[what] = _without_tokens(shown.text)
        assert _without_tokens(used.text) == pages[what], what
        assert "Ask the project team for a new one" in shown.text
    assert len(set(pages.values())) == 1, {k: re.findall(r"<p>[^<]*</p>", v) for k, v in pages.items()}
    assert (await client.get(links[3])).status_code == 200


async def test_the_pages_saying_why_speak_the_respondents_language(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    """The language the respondent chose outlives their link (like any explicit choice): the
    pages that say what happened, and the refused link's page, are in it (issue 9)."""
    _, _, invitation_id = await _respondent(client, settings, surveys_dir)
    page = await client.get("/respond/section/profile")
    chosen = await client.post(
        "/respond/language",
        data={"language": "fr", "back": "/respond/section/profile", "_csrf_token": csrf_token(page.text)},
    )
    assert chosen.status_code == 303
    page = await client.get("/respond/section/profile")
    assert '<html lang="fr">' in page.text
    await replace_invitation(invitation_id, settings.secret_key)
    saved = await client.post(
        "/respond/section/profile",
        data={"role_notes": TYPED, "revision": "0", "action": "draft", "_csrf_token": csrf_token(page.text)},
    )
    assert saved.status_code == 403 and '<html lang="fr">' in saved.text
    text = html.unescape(saved.text)
    assert "Votre session a pris fin" in text and "Votre lien n'est plus valide" in text, text[text.find("<main") :]
    assert TYPED in saved.text
    overview = await client.get("/respond")
    assert overview.status_code == 403
    assert "Votre lien n'est plus valide. Demandez-en un nouveau" in html.unescape(overview.text)
    refused = await client.get(f"/r/{'x' * 43}")
    assert refused.status_code == 404 and "Lien non valide" in refused.text
    assert "Ce lien n'est pas valide" in html.unescape(refused.text)
