"""Rounds through the JSON API, as on the staff pages: opening a round (the page's checks and
messages, a 422 naming each field, nothing opened), a round with its summary, the invitations
with their personal links, and a new link for one; staff only, audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from backend.audit.services import recent
from backend.partners.services import create_person
from backend.rounds.services import list_rounds, round_invitations
from backend.settings import Settings
from tests.factories import (
    PARTNER_PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    World,
    make_world,
    open_test_round,
    submit_random,
)
from tests.integration.conftest import post_form, sign_in


async def api_client(client: httpx.AsyncClient, email: str, password: str) -> dict[str, str]:
    """Sign in; a GET of the API sets the CSRF cookie. Returns the header POSTs send it in."""
    assert (await sign_in(client, email, password)).status_code == 303
    assert (await client.get("/api/account")).status_code == 200
    return {"x-csrftoken": client.cookies["csrftoken"]}


def new_round(world: World, **changes: Any) -> dict[str, Any]:
    return {"title": "API round", "version": world.version_id, "forces": world.force_ids, **changes}


async def test_open_a_round(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=3)
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    body = new_round(world, title="  API round ", min_group_size=3, closes_on="2099-12-31")
    assert (await client.post("/api/rounds", json=body)).status_code == 403  # no CSRF token
    assert await list_rounds() == []

    opened = await client.post("/api/rounds", json=body, headers=headers)
    assert opened.status_code == 201, opened.text
    result = opened.json()
    assert result["invitations"] == 3
    assert result["message"] == "Round opened with 3 personal invitation links."
    [listed] = await list_rounds()
    assert (listed.id, listed.title, listed.min_group_size) == (result["id"], "API round", 3)
    assert listed.closes_at is not None and listed.closes_at.isoformat() == "2099-12-31T23:59:00+00:00"
    [event] = [e for e in await recent() if e.action == "round.opened"]
    assert event.subject == f"round:{result['id']}" and event.actor_label == f"Sam Staff <{STAFF_EMAIL}>"
    assert event.details == {"forces": world.force_ids, "invitations": 3}


async def test_a_round_that_cannot_be_opened_is_a_422_naming_each_field(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=2)
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    refused = await client.post(
        "/api/rounds",
        json=new_round(world, title=" ", version=999, forces=[world.force_ids[0], 99999999999], min_group_size=2),
        headers=headers,
    )
    assert refused.status_code == 422
    problems = {p["key"]: p["message"] for p in refused.json()["extra"]}
    assert problems == {
        "version": "Choose a questionnaire version.",
        "title": "Enter a title for the round.",
        "forces": "One of the chosen forces does not exist.",
        "min_group_size": "The minimum group size must be at least 3, so that a force subtracting its own "
        "answer still faces at least two others.",
    }
    far = await client.post("/api/rounds", json=new_round(world, closes_on="9999-12-31"), headers=headers)
    assert far.status_code == 422
    assert far.json()["extra"] == [
        {"key": "closes_on", "message": "The closing date must be within the next hundred years."}
    ]
    # the wrong type, a missing field or a date that is none: Litestar's 400, naming the field
    for field, body in (
        ("version", new_round(world, version="one")),
        ("forces", {"title": "T", "version": world.version_id}),
        ("closes_on", new_round(world, closes_on="2099-02-30")),
    ):
        bad = await client.post("/api/rounds", json=body, headers=headers)
        assert bad.status_code == 400, body
        [problem] = bad.json()["extra"]
        assert field in (problem["key"], problem["message"]) or f"`{field}`" in problem["message"], problem
    assert await list_rounds() == []
    assert not [e for e in await recent() if e.action == "round.opened"]


async def test_a_round_its_invitations_and_a_new_link(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=3)
    round_id = await open_test_round(world, settings.secret_key)
    await submit_random(round_id, world, world.force_ids[:2])
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)

    detail = await client.get(f"/api/rounds/{round_id}")
    assert detail.status_code == 200 and detail.headers["cache-control"] == "no-store"
    found = detail.json()
    assert (found["status"], found["forces_invited"], found["submitted"], found["drafts"]) == ("open", 3, 2, 0)
    assert found["version_id"] == world.version_id and found["summary"]
    assert all(q["n"] <= 2 for q in found["summary"])
    assert any(row["label"] for q in found["summary"] for row in q["rows"])

    listed = await client.get(f"/api/rounds/{round_id}/invitations")
    assert listed.status_code == 200 and listed.headers["cache-control"] == "no-store"
    invitations = listed.json()
    assert [i["force_name"] for i in invitations] == ["Force 0", "Force 1", "Force 2"]
    assert [i["response_status"] for i in invitations] == ["submitted", "submitted", None]
    first = invitations[0]
    assert first["link"].startswith("http://test/r/") and "nonce" not in first
    assert (await client.get(first["link"].removeprefix("http://test"))).status_code == 200

    assert (await client.post(f"/api/invitations/{first['id']}/replace")).status_code == 403  # no CSRF token
    replaced = await client.post(f"/api/invitations/{first['id']}/replace", headers=headers)
    assert replaced.status_code == 200
    new = replaced.json()
    assert new["id"] == first["id"] and new["round_id"] == round_id and new["link"] != first["link"]
    assert (await client.get(first["link"].removeprefix("http://test"))).status_code == 404
    assert (await client.get(new["link"].removeprefix("http://test"))).status_code == 200
    again = (await client.get(f"/api/rounds/{round_id}/invitations")).json()
    assert [i["link"] for i in again] == [new["link"], *(i["link"] for i in invitations[1:])]
    assert [e.subject for e in await recent() if e.action == "invitation.replaced"] == [f"invitation:{first['id']}"]

    for path in (f"/api/rounds/{round_id + 1}", f"/api/rounds/{round_id + 1}/invitations"):
        assert (await client.get(path)).status_code == 404, path
    assert (await client.post("/api/invitations/999/replace", headers=headers)).status_code == 404
    assert (await client.post("/api/invitations/99999999999/replace", headers=headers)).status_code == 400
    assert len([e for e in await recent() if e.action == "invitation.replaced"]) == 1


async def test_only_staff_open_rounds_and_see_links(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=2)
    round_id = await open_test_round(world, settings.secret_key)
    invitation = (await round_invitations(round_id))[0]
    before = invitation.nonce
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as anonymous:
        assert (await anonymous.get(f"/api/rounds/{round_id}/invitations")).status_code == 401
        assert (await anonymous.get(f"/api/rounds/{round_id}")).status_code == 401

    headers = await api_client(client, world.partner_emails[0], PARTNER_PASSWORD)
    assert (await client.get(f"/api/rounds/{round_id}")).status_code == 403
    assert (await client.get(f"/api/rounds/{round_id}/invitations")).status_code == 403
    assert (await client.post("/api/rounds", json=new_round(world), headers=headers)).status_code == 403
    replaced = await client.post(f"/api/invitations/{invitation.id}/replace", headers=headers)
    assert replaced.status_code == 403
    assert len(await list_rounds()) == 1
    assert (await round_invitations(round_id))[0].nonce == before
    refusals = [e for e in await recent() if e.action == "access.refused.staff_only"]
    assert {e.subject for e in refusals} >= {"POST /api/rounds", f"POST /api/invitations/{invitation.id}/replace"}

    # analysts are staff: they open rounds and replace links as the pages let them
    await create_person("analyst@example.org", "Ann Analyst", "analyst", password=STAFF_PASSWORD)
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as analyst:
        headers = await api_client(analyst, "analyst@example.org", STAFF_PASSWORD)
        assert (await analyst.post("/api/rounds", json=new_round(world), headers=headers)).status_code == 201
        replaced = await analyst.post(f"/api/invitations/{invitation.id}/replace", headers=headers)
        assert replaced.status_code == 200


async def test_the_pages_share_the_services(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    """The staff pages call what the API calls: an unknown invitation is a 404 with nothing
    audited, and the closing date's message stands beside its field."""
    world = await make_world(surveys_dir, forces=1)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    missing = await post_form(client, "/staff", "/staff/invitations/999/replace", {"round": "1"})
    assert missing.status_code == 404
    assert not [e for e in await recent() if e.action == "invitation.replaced"]
    data = [("title", "T"), ("version", str(world.version_id)), ("forces", str(world.force_ids[0]))]
    past = await post_form(client, "/staff/rounds/new", "/staff/rounds", [*data, ("closes_on", "2000-01-01")])
    assert past.status_code == 400
    assert 'id="closes_on-error"' in past.text and "The closing date must be in the future." in past.text
    opened = await post_form(client, "/staff/rounds/new", "/staff/rounds", data)
    assert opened.status_code == 303
    assert [e.action for e in await recent()].count("round.opened") == 1
