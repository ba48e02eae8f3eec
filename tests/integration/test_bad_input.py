"""Client input never causes a server error: ids beyond PostgreSQL's `integer`, over-long
names, NUL characters, odd cookies and query values get a 4xx; and a 4xx is not logged as an
error (issue 7, item 9). The JSON API is also fuzzed by test_schemathesis.py."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from backend.partners.tables import Force, Person
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round
from tests.integration.conftest import post_form, sign_in
from tests.integration.test_responses import revision_of, start_respondent

TOO_BIG = "99999999999"  # over 2**31 - 1
FORCE = {
    "name": "F",
    "code": "f-new",
    "country": "C",
    "region": "europe",
    "force_type": "city",
    "size_band": "under_1000",
}


def _client(app: Litestar) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_ids_beyond_the_integer_range_are_refused(
    client: httpx.AsyncClient, app: Litestar, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    staff_pages = [
        f"/staff/rounds/{TOO_BIG}",
        f"/staff/rounds/{TOO_BIG}/preview",
        f"/staff/rounds/1/publications/{TOO_BIG}/report",
        f"/staff/questionnaires/{TOO_BIG}",
        f"/api/rounds/{TOO_BIG}/responses",
        f"/api/rounds/{TOO_BIG}/preview",
        f"/api/publications/{TOO_BIG}",
        "/staff/rounds/0",
        "/staff/rounds/-1",
    ]
    for path in staff_pages:
        assert (await client.get(path)).status_code == 400, path
    assert (await post_form(client, "/staff", f"/staff/rounds/{TOO_BIG}/close", {})).status_code == 400
    assert (await post_form(client, "/staff", f"/staff/invitations/{TOO_BIG}/replace", {})).status_code == 400
    async with _client(app) as partner:
        await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)
        for path in (f"/api/publications/{TOO_BIG}", f"/dashboard/rounds/{TOO_BIG}", f"/dashboard/trends/{TOO_BIG}"):
            assert (await partner.get(path)).status_code == 400, path


async def test_over_long_and_odd_form_values_get_messages(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)

    async def add_force(**changes: str) -> httpx.Response:
        return await post_form(client, "/staff/forces", "/staff/forces", {**FORCE, **changes})

    async def add_person(**changes: str) -> httpx.Response:
        person = {"person_name": "P", "email": "p@example.org", "role": "partner", "force": str(world.force_ids[0])}
        return await post_form(client, "/staff/forces", "/staff/forces/people", {**person, **changes})

    long_name = await add_force(name="x" * 201)
    assert long_name.status_code == 400 and "Use 200 characters or fewer." in long_name.text
    assert (await add_force(country="x" * 101)).status_code == 400
    long_person = await add_person(person_name="x" * 201)
    assert long_person.status_code == 400 and "Use 200 characters or fewer." in long_person.text
    assert (await add_person(email="a" * 250 + "@example.org")).status_code == 400
    for force in (TOO_BIG, "²", "999"):  # out of range; a digit int() refuses; no such force
        assert (await add_person(force=force)).status_code == 400, force
    round_form = {"title": "T", "version": str(world.version_id), "forces": [str(world.force_ids[0])]}
    far = await post_form(client, "/staff/rounds/new", "/staff/rounds", {**round_form, "closes_on": "9999-12-31"})
    assert far.status_code == 400 and "within the next hundred years" in far.text
    # NUL cannot be stored by PostgreSQL and is never typed: it is dropped.
    assert (await add_force(name="Nul\x00 Force")).status_code == 303
    assert await Force.exists().where(Force.name == "Nul Force")
    round_id = await open_test_round(world, settings.secret_key)
    garbled = await post_form(client, f"/staff/rounds/{round_id}", "/staff/invitations/1/replace", {"round": "abc"})
    assert garbled.status_code == 303
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as anonymous:
        nul_email = await post_form(anonymous, "/sign-in", "/sign-in", {"email": "a\x00@b.c", "password": "x"})
        assert nul_email.status_code == 400
    assert await Person.count() == 2  # nothing was added by the refused forms


async def test_respondent_input_out_of_range(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    page = "/respond/section/barriers"
    stale = await post_form(client, page, page, {"change_wish": "x", "action": "draft", "revision": TOO_BIG})
    assert stale.status_code == 409  # an impossible revision is never the current one
    typed = await client.get(page)
    saved = await post_form(
        client, page, page, {"change_wish": "With a\x00NUL", "action": "draft", "revision": revision_of(typed.text)}
    )
    assert saved.status_code == 303


async def test_odd_cookies_query_values_and_paths(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    long = "x" * 5000
    for cookies in ({"session": long}, {"session": "null"}, {"csrftoken": long}, {"session": "é" * 64}):
        async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as c:
            for name, value in cookies.items():
                c.headers["cookie"] = f"{name}={value}"
            assert (await c.get("/sign-in")).status_code == 200, cookies
            refused = await c.post("/sign-in", data={"email": "a@b.c", "password": "x", "_csrf_token": long})
            assert refused.status_code == 403, cookies
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    for path, params in [
        ("/sign-in", {"next": long}),
        ("/staff/profile-changes", {"status": long}),
        ("/api/profile-changes", {"status": long}),
        ("/api/rounds/1/preview", {"correction": long}),
        ("/dashboard", {"group": long}),
        ("/staff/questionnaires/1", {"lang": long}),
    ]:
        response = await client.get(path, params=params)
        assert response.status_code < 500, (path, response.status_code)
    for path in ("/static/" + "x" * 300, "/static/%00", "/vendor/swagger-ui/" + "x" * 300):
        assert (await client.get(path)).status_code == 404, path


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _logged() -> Iterator[list[logging.LogRecord]]:
    """Every record of the app's loggers (Litestar's does not propagate to the root)."""
    handler = _Records()
    loggers = [logging.getLogger(), logging.getLogger("litestar")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


async def test_client_errors_are_not_logged_as_errors(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _logged() as records:
        assert (await client.get("/no/such/page")).status_code == 404
        assert (await client.delete("/sign-in")).status_code == 405
        assert (await client.post("/sign-in", data={"email": "a@b.c"})).status_code == 403
        assert (await client.get("/api/rounds")).status_code == 401
    errors = [r for r in records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage()[:200] for r in errors]

    async def unhealthy() -> bool:
        raise RuntimeError("the database check itself failed")

    monkeypatch.setattr("backend.ops.api.database_ok", unhealthy)
    with _logged() as records:
        assert (await client.get("/healthz")).status_code == 500
    errors = [r for r in records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None  # a server error: once, with its traceback
