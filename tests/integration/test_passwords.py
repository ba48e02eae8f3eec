"""Every way of setting a password applies the same rules (issue 7, item 13): the account page
says why a password is refused and keeps the old one; the services refuse it too."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from backend.auth.services import authenticate
from backend.partners.services import create_person, set_password
from backend.security.passwords import COMMON, TOO_SHORT, PasswordRejected
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.integration.conftest import post_form, sign_in


async def _change(client: httpx.AsyncClient, new: str) -> httpx.Response:
    return await post_form(
        client, "/account", "/account/password", {"current": STAFF_PASSWORD, "new": new, "repeat": new}
    )


@pytest.mark.parametrize(("new", "message"), [("elevenchars", TOO_SHORT), ("Qwerty123456", COMMON)])
async def test_account_page_refuses_with_the_reason(
    client: httpx.AsyncClient, surveys_dir: Path, new: str, message: str
) -> None:
    await make_world(surveys_dir, forces=1)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    response = await _change(client, new)
    assert response.status_code == 400
    assert message.replace("'", "&#39;") in response.text
    assert await authenticate(STAFF_EMAIL, STAFF_PASSWORD) is not None  # unchanged


async def test_account_page_accepts_a_long_uncommon_password(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert (await _change(client, "lantern orchard pebble")).status_code == 303
    assert await authenticate(STAFF_EMAIL, "lantern orchard pebble") is not None


async def test_services_refuse_too(app, surveys_dir: Path) -> None:  # type: ignore[no-untyped-def]
    world = await make_world(surveys_dir, forces=1)
    with pytest.raises(PasswordRejected, match="most common"):
        await set_password(world.staff.person_id, "iloveyou1234")
    with pytest.raises(PasswordRejected, match="at least 12"):
        await create_person("new@example.org", "New", "analyst", password="short")
    assert await authenticate(STAFF_EMAIL, STAFF_PASSWORD) is not None
