"""Colleagues at one force: the lead respondent invites a colleague (a person at the force, a
link of their own, mailed in their language); both edit the force's one response; every
change goes to each answer's history (who, when, before → after), refused saves included, and
the force and staff read it."""

from __future__ import annotations

from pathlib import Path

import httpx

from backend.database import fetch, fetchrow
from backend.responses import colleagues
from backend.responses.services import get_response
from backend.rounds.services import invitation_url, round_invitations
from backend.settings import Settings
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.test_responses import revision_of, start_respondent


async def _open_link(client: httpx.AsyncClient, settings: Settings, round_id: int, email: str) -> None:
    invitation = next(i for i in await round_invitations(round_id) if i.email == email)
    link = invitation_url("", settings.secret_key, invitation.nonce)
    page = await client.get(link)
    assert page.status_code == 200
    await client.post(link, data={"_csrf_token": csrf_token(page.text)})


async def test_two_colleagues_edit_one_response_and_keep_its_history(  # type: ignore[no-untyped-def]
    app, client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    force_id = world.force_ids[0]
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, force_id)  # Contact 0, the lead respondent

    page = await client.get("/respond/colleagues")
    assert page.status_code == 200 and "Invite a colleague" in page.text
    token = csrf_token(page.text)
    # Bad input: every problem named, nothing created.
    bad = await client.post("/respond/colleagues", data={"name": " ", "email": "not-an-address", "_csrf_token": token})
    assert bad.status_code == 400
    assert "Enter your colleague&#39;s name." in bad.text and "in the right format" in bad.text
    assert 'value="not-an-address"' in bad.text  # what was typed stays
    assert await fetch("SELECT id FROM person WHERE email = 'not-an-address'") == []

    done = await client.post(
        "/respond/colleagues",
        data={"name": "Camille Durand", "email": "Camille@Force0.example.org", "language": "fr", "_csrf_token": token},
    )
    assert done.status_code == 303
    colleague = await fetchrow("SELECT id, force, partner_role, can_respond, language FROM person WHERE email = $1",
                               "camille@force0.example.org")  # fmt: skip
    assert colleague is not None and colleague["force"] == force_id
    assert colleague["partner_role"] == "colleague" and colleague["can_respond"] and colleague["language"] == "fr"
    invitation = next(i for i in await round_invitations(round_id) if i.email == "camille@force0.example.org")
    message = await fetchrow("SELECT kind, language, subject FROM message WHERE person = $1", colleague["id"])
    assert message is not None and message["kind"] == "invitation" and message["language"] == "fr"
    audit = await fetchrow("SELECT details FROM audit_event WHERE action = 'colleague.invited'")
    assert audit is not None
    # Inviting the same person again changes nothing.
    again = await client.post(
        "/respond/colleagues",
        data={"name": "Camille Durand", "email": "camille@force0.example.org", "_csrf_token": token},
    )
    assert again.status_code == 409 and "already has a link" in again.text
    assert len([i for i in await round_invitations(round_id) if i.email == "camille@force0.example.org"]) == 1
    listed = (await client.get("/respond/api/colleagues")).json()
    assert listed["can_invite"] is True and {m["name"] for m in listed["members"]} == {"Contact 0", "Camille Durand"}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as other:
        await _open_link(other, settings, round_id, "camille@force0.example.org")
        assert invitation.force_id == force_id
        # A colleague cannot invite (the JSON route says so too).
        mine = (await other.get("/respond/api/colleagues")).json()
        assert mine["can_invite"] is False
        refused = await other.post(
            "/respond/api/colleagues",
            json={"name": "X", "email": "x@force0.example.org"},
            headers={"x-csrftoken": csrf_token((await other.get("/respond/colleagues")).text)},
        )
        assert refused.status_code == 403  # (said in French, the colleague's language)
        assert await fetch("SELECT id FROM person WHERE email = 'x@force0.example.org'") == []

        # Both open the page at revision 0; the lead saves first.
        lead_page = await client.get("/respond/section/profile")
        colleague_page = await other.get("/respond/section/profile")
        assert revision_of(lead_page.text) == revision_of(colleague_page.text) == "0"
        first = await client.post(
            "/respond/section/profile",
            data={"force_type": "city", "revision": "0", "action": "draft", "_csrf_token": csrf_token(lead_page.text)},
        )
        assert first.status_code == 303
        late = await other.post(
            "/respond/section/profile",
            data={"force_type": "customs", "revision": "0", "action": "draft",
                  "_csrf_token": csrf_token(colleague_page.text)},
        )  # fmt: skip
        # The conflict names who saved first; the colleague's input stays on their page ...
        # (in French, the colleague's language)
        assert late.status_code == 409 and "Contact 0" in late.text and 'data-testid="conflict"' in late.text
        assert 'value="customs" checked' in late.text
        # ... and in the history, marked as not saved.
        history = (await client.get("/respond/api/history", params={"question": "force_type"})).json()
        assert [(c["person_name"], c["old"], c["new"], c["saved"]) for c in history] == [
            ("Camille Durand", "City or municipal police", "Customs service", False),
            ("Contact 0", "", "City or municipal police", True),
        ]
        # Saving deliberately again goes through, and is kept as a change by the colleague.
        second = await other.post(
            "/respond/section/profile",
            data={"force_type": "customs", "revision": "1", "action": "draft", "_csrf_token": csrf_token(late.text)},
        )
        assert second.status_code == 303
        response = await get_response(round_id, force_id)
        assert response is not None and response.answers == {"force_type": "customs"}

    # The force reads the history per question on its pages.
    shown = await client.get("/respond/history", params={"question": "force_type"})
    assert shown.status_code == 200 and shown.text.count("<tr") == 4  # the head and three changes
    assert "Camille Durand" in shown.text and "Not saved" in shown.text
    assert (await client.get("/respond/history", params={"question": "nowhere"})).status_code == 404
    assert (await client.get("/respond/api/history", params={"section": "nowhere"})).status_code == 404

    # Staff read it too (audited); partners and respondents cannot.
    assert (await client.get(f"/api/rounds/{round_id}/forces/{force_id}/history")).status_code == 401
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    staff = (await client.get(f"/api/rounds/{round_id}/forces/{force_id}/history")).json()
    assert staff["force_name"] == "Force 0" and len(staff["changes"]) == 3
    assert staff["changes"][0]["new"] == "Customs service" and staff["changes"][0]["saved"] is True
    page = await client.get(f"/staff/rounds/{round_id}/forces/{force_id}/history")
    assert page.status_code == 200 and "Camille Durand" in page.text
    assert f"/staff/rounds/{round_id}/forces/{force_id}/history" in (await client.get(f"/staff/rounds/{round_id}")).text
    reads = await fetch("SELECT actor_id FROM audit_event WHERE action = 'response.history.read'")
    assert len(reads) == 2
    assert (await client.get(f"/api/rounds/{round_id}/forces/999/history")).status_code == 404


async def test_invitations_elsewhere_are_refused(  # type: ignore[no-untyped-def]
    app, client: httpx.AsyncClient, settings: Settings, surveys_dir: Path, monkeypatch
) -> None:
    world = await make_world(surveys_dir, forces=2, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    headers = {"x-csrftoken": csrf_token((await client.get("/respond/colleagues")).text)}
    # Someone at another force, or staff: not ours to invite.
    for email in (world.partner_emails[1], STAFF_EMAIL):
        got = await client.post("/respond/api/colleagues", json={"name": "Someone", "email": email}, headers=headers)
        assert got.status_code == 422 and got.json()["extra"][0]["key"] == "email"
    bad = await client.post(
        "/respond/api/colleagues", json={"name": "", "email": "x", "language": "de"}, headers=headers
    )
    assert bad.status_code == 422 and {e["key"] for e in bad.json()["extra"]} == {"name", "email", "language"}
    made = await client.post(
        "/respond/api/colleagues", json={"name": "Alex Lee", "email": "alex@force0.example.org"}, headers=headers
    )
    assert made.status_code == 201 and made.json()["created"] is True
    assert len(await fetch("SELECT id FROM invitation WHERE round = $1", round_id)) == 3
    # A link cannot make the service mail people without end: a cap per force and round.
    monkeypatch.setattr(colleagues, "MAX_LINKS_PER_FORCE", 2)
    capped = await client.post(
        "/respond/api/colleagues", json={"name": "Sam Roe", "email": "sam@force0.example.org"}, headers=headers
    )
    assert capped.status_code == 409
    assert await fetch("SELECT id FROM person WHERE email = 'sam@force0.example.org'") == []
