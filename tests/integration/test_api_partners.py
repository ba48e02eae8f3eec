"""Forces, people and one's own account through the JSON API, as on the staff forces page and
the account page: the same checks and messages (a 422 naming each field, nothing changed), the
same guards (staff see, administrators add, everyone signed in has an account) and audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from backend.audit.services import recent
from backend.auth.services import authenticate
from backend.partners.services import create_person, find_person, list_forces, list_people
from backend.security.passwords import TOO_SHORT
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.integration.test_api_rounds import api_client

FORCE = {
    "name": "New Force",
    "code": "new-force",
    "country": "Country",
    "region": "africa",
    "force_type": "city",
    "size_band": "under_1000",
}


async def _actions(action: str) -> list[Any]:
    return [e for e in await recent() if e.action == action]


async def test_forces_listed_and_added(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=2)
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    listed = await client.get("/api/forces")
    assert listed.status_code == 200 and listed.headers["cache-control"] == "no-store"
    assert [(f["name"], f["region"], f["region_label"]) for f in listed.json()] == [
        ("Force 0", "europe", "Europe"),
        ("Force 1", "europe", "Europe"),
    ]

    assert (await client.post("/api/forces", json=FORCE)).status_code == 403  # no CSRF token
    added = await client.post("/api/forces", json={**FORCE, "name": " New\x00 Force "}, headers=headers)
    assert added.status_code == 201, added.text
    force = added.json()
    assert (force["name"], force["code"], force["size_band_label"]) == ("New Force", "new-force", "Under 1,000 staff")
    assert force["id"] in {f.id for f in await list_forces()}
    [event] = await _actions("force.created")
    assert event.subject == f"force:{force['id']}" and event.details == {"name": "New Force"}


async def test_a_force_that_cannot_be_added_is_a_422_naming_each_field(
    client: httpx.AsyncClient, surveys_dir: Path
) -> None:
    await make_world(surveys_dir, forces=1)
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    refused = await client.post(
        "/api/forces",
        json={**FORCE, "name": "", "code": "force-0", "region": "mars", "country": "x" * 101},
        headers=headers,
    )
    assert refused.status_code == 422
    assert {p["key"]: p["message"] for p in refused.json()["extra"]} == {
        "name": "Enter the force's name.",
        "code": "Another force already uses this code.",
        "region": "Choose the region.",
        "country": "Use 100 characters or fewer.",
    }
    bad_code = await client.post("/api/forces", json={**FORCE, "code": "Bad Code"}, headers=headers)
    assert bad_code.status_code == 422 and bad_code.json()["extra"][0]["key"] == "code"
    assert (await client.post("/api/forces", json={**FORCE, "name": 3}, headers=headers)).status_code == 400
    missing = {k: v for k, v in FORCE.items() if k != "country"}
    assert (await client.post("/api/forces", json=missing, headers=headers)).status_code == 400
    assert len(await list_forces()) == 1
    assert not await _actions("force.created")


async def test_people_listed_and_added(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=2)
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    listed = await client.get("/api/people")
    assert listed.status_code == 200
    people = {p["email"]: p for p in listed.json()}
    assert people[STAFF_EMAIL]["force_id"] is None and people[STAFF_EMAIL]["role"] == "admin"
    assert people[world.partner_emails[1]]["force_id"] == world.force_ids[1]
    assert people[world.partner_emails[1]]["force_name"] == "Force 1"

    contact = {"person_name": "Pat", "email": " Pat@Example.org", "role": "partner", "force": world.force_ids[0]}
    added = await client.post("/api/people", json={**contact, "can_respond": True}, headers=headers)
    assert added.status_code == 201, added.text
    person = added.json()
    assert (person["email"], person["role"], person["force_id"], person["can_respond"]) == (
        "pat@example.org",
        "partner",
        world.force_ids[0],
        True,
    )
    # staff belong to no force and answer for none, whatever is sent
    analyst = {"person_name": "Ann", "email": "ann@example.org", "role": "analyst", "force": world.force_ids[0]}
    staff = (await client.post("/api/people", json={**analyst, "can_respond": True}, headers=headers)).json()
    assert (staff["force_id"], staff["can_respond"]) == (None, False)
    events = await _actions("person.created")
    assert {(e.subject, e.details["role"]) for e in events} == {
        (f"person:{person['id']}", "partner"),
        (f"person:{staff['id']}", "analyst"),
    }


async def test_a_person_who_cannot_be_added_is_a_422_naming_each_field(
    client: httpx.AsyncClient, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    people = len(await list_people())
    body = {"person_name": "", "email": world.partner_emails[0].upper(), "role": "partner"}
    refused = await client.post("/api/people", json=body, headers=headers)
    assert refused.status_code == 422
    assert {p["key"]: p["message"] for p in refused.json()["extra"]} == {
        "person_name": "Enter the person's name.",
        "email": "Someone already has this e-mail address.",
        "force": "Choose the force this contact belongs to.",
    }
    for force in (999, 99999999999, -1):
        body = {"person_name": "P", "email": "p@example.org", "role": "partner", "force": force}
        refused = await client.post("/api/people", json=body, headers=headers)
        assert refused.status_code == 422 and refused.json()["extra"][0]["key"] == "force", force
    not_an_address = {"person_name": "P", "email": "not an address", "role": "analyst"}
    refused = await client.post("/api/people", json=not_an_address, headers=headers)
    assert refused.json()["extra"] == [{"key": "email", "message": "Enter an e-mail address like name@example.org."}]
    wrong_role = {"person_name": "P", "email": "p@example.org", "role": "boss"}
    bad = await client.post("/api/people", json=wrong_role, headers=headers)
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "role"
    assert len(await list_people()) == people
    assert not await _actions("person.created")


async def test_only_staff_see_and_only_admins_add(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    await create_person("analyst@example.org", "Ann Analyst", "analyst", password=STAFF_PASSWORD)
    person = {"person_name": "P", "email": "p@example.org", "role": "analyst"}
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as anonymous:
        for path in ("/api/forces", "/api/people", "/api/account"):
            assert (await anonymous.get(path)).status_code == 401, path

    headers = await api_client(client, world.partner_emails[0], PARTNER_PASSWORD)
    for path in ("/api/forces", "/api/people"):
        assert (await client.get(path)).status_code == 403, path
    assert (await client.post("/api/forces", json=FORCE, headers=headers)).status_code == 403
    assert (await client.post("/api/people", json=person, headers=headers)).status_code == 403

    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as analyst:
        headers = await api_client(analyst, "analyst@example.org", STAFF_PASSWORD)
        assert (await analyst.get("/api/forces")).status_code == 200
        assert (await analyst.get("/api/people")).status_code == 200
        assert (await analyst.post("/api/forces", json=FORCE, headers=headers)).status_code == 403
        assert (await analyst.post("/api/people", json=person, headers=headers)).status_code == 403

    assert len(await list_forces()) == 1 and await find_person("p@example.org") is None
    refused = {(e.action, e.subject) for e in await recent()}
    assert ("access.refused.staff_only", "POST /api/forces") in refused
    assert ("access.refused.admin_only", "POST /api/people") in refused


async def test_own_account_password_and_language(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    email = world.partner_emails[0]
    headers = await api_client(client, email, PARTNER_PASSWORD)
    account = (await client.get("/api/account")).json()
    assert (account["email"], account["role"], account["force_id"], account["language"]) == (
        email,
        "partner",
        world.force_ids[0],
        None,  # until they choose one: their browser's language applies
    )

    new = "lantern orchard pebble"
    change = {"current": PARTNER_PASSWORD, "new": new, "repeat": new}
    assert (await client.post("/api/account/password", json=change)).status_code == 403  # no CSRF token
    wrong = await client.post("/api/account/password", json={**change, "current": "nope"}, headers=headers)
    assert wrong.status_code == 422
    assert wrong.json()["extra"] == [{"key": "current", "message": "Your current password is not right."}]
    short = await client.post("/api/account/password", json={**change, "new": "short"}, headers=headers)
    assert short.json()["extra"] == [{"key": "new", "message": TOO_SHORT}]
    differ = await client.post("/api/account/password", json={**change, "repeat": new + "!"}, headers=headers)
    assert differ.json()["extra"] == [{"key": "repeat", "message": "The two new passwords are not the same."}]
    assert (await client.post("/api/account/password", json={"new": 12}, headers=headers)).status_code == 400
    for wrong_type in ({}, 12, None):  # a 400 naming the field, not a server error
        bad = await client.post("/api/account/language", json={"code": wrong_type}, headers=headers)
        assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "code", wrong_type
    assert await authenticate(email, PARTNER_PASSWORD) is not None
    assert not await _actions("password.changed")

    changed = await client.post("/api/account/password", json=change, headers=headers)
    assert changed.status_code == 200 and changed.json() == {"message": "Your password has been changed."}
    assert await authenticate(email, new) is not None and await authenticate(email, PARTNER_PASSWORD) is None
    [event] = await _actions("password.changed")
    assert event.subject == f"person:{account['id']}" and event.actor_id == account["id"]

    refused = await client.post("/api/account/language", json={"code": "de"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["extra"] == [
        {"key": "code", "message": "Choose the language of your pages: English, Français, Español."}
    ]
    assert (await find_person(email)).language is None  # type: ignore[union-attr]
    chosen = await client.post("/api/account/language", json={"code": "fr"}, headers=headers)
    assert chosen.status_code == 200 and chosen.json()["language"] == "fr"
    assert (await find_person(email)).language == "fr"  # type: ignore[union-attr]
    assert (await client.get("/api/account")).json()["language"] == "fr"
    assert '<html lang="fr"' in (await client.get("/dashboard")).text
    [event] = await _actions("language.changed")
    assert event.details == {"language": "fr"}
    browser = await client.post("/api/account/language", json={"code": ""}, headers=headers)
    assert browser.status_code == 200 and browser.json()["language"] is None
    assert (await find_person(email)).language is None  # type: ignore[union-attr]
    assert '<html lang="es"' in (await client.get("/dashboard", headers={"accept-language": "es"})).text

    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as anonymous:
        page = await anonymous.get("/sign-in")
        assert page.status_code == 200
        headers = {"x-csrftoken": anonymous.cookies["csrftoken"]}
        assert (await anonymous.post("/api/account/language", json={"code": "es"}, headers=headers)).status_code == 401
        assert (await anonymous.post("/api/account/password", json=change, headers=headers)).status_code == 401
