"""Signing out and revoking a session take effect at once on every worker of a real
`practice-exchange serve --workers 2`, although each worker keeps the sessions it read
(security/session_cache.py): the next request, whichever worker answers it, is signed out."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.cli.test_served_sessions import serving
from tests.conftest import truncate_all
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world

#: A page only a signed-in staff member gets (others are sent to sign in).
STAFF_PAGE = "/staff"


def _csrf(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def _sign_in(base: str) -> dict[str, str]:
    with httpx.Client(base_url=base) as c:
        token = _csrf(c.get("/sign-in").text)
        signed_in = c.post("/sign-in", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "_csrf_token": token})
        assert signed_in.status_code in (302, 303)
        return dict(c.cookies)


def _signed_in_everywhere(base: str, cookies: dict[str, str], times: int = 12) -> list[bool]:
    """Whether each of `times` requests, each on a new connection (so that both workers answer
    some, and each keeps the session once read), was served as signed in."""
    out = []
    for _ in range(times):
        with httpx.Client(base_url=base, cookies=cookies) as c:
            out.append(c.get(STAFF_PAGE).status_code == 200)
    return out


async def _delete_session(dsn: str, session_id: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DELETE FROM key_value WHERE key = $1", f"sessions:{session_id}")
    finally:
        await conn.close()


async def _set_up(dsn: str, surveys_dir: Path) -> None:
    await truncate_all(dsn)
    await make_world(surveys_dir, forces=1, survey="force-profile.yaml")


@pytest.mark.timeout_sensitive
def test_sign_out_and_revocation_end_the_session_on_every_worker(database_dsn: str, surveys_dir: Path) -> None:
    asyncio.run(_set_up(database_dsn, surveys_dir))
    with serving(database_dsn, workers=2) as base:
        cookies = _sign_in(base)
        assert all(_signed_in_everywhere(base, cookies))  # now kept by both workers
        with httpx.Client(base_url=base, cookies=cookies) as c:
            token = _csrf(c.get(STAFF_PAGE).text)
            assert c.post("/sign-out", data={"_csrf_token": token}).status_code in (302, 303)
        # At once: the very next requests, on either worker, are signed out.
        assert not any(_signed_in_everywhere(base, cookies))

        # Revoked from outside the server (another process deletes the row).
        cookies = _sign_in(base)
        assert all(_signed_in_everywhere(base, cookies))
        asyncio.run(_delete_session(database_dsn, cookies["session"]))
        assert not any(_signed_in_everywhere(base, cookies))
