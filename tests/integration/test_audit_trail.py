"""The audit trail as staff read it: names instead of ids, filters, pages, grouped sign-ins, and
the CSV export (neutralised, audited); the same through the JSON API."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import httpx

from backend.audit.services import record
from backend.rounds.services import round_invitations
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round
from tests.integration.conftest import sign_in


async def _signed_in_three_times(client: httpx.AsyncClient) -> None:
    for _ in range(3):
        client.cookies.clear()
        assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303


async def test_names_grouped_sign_ins_and_filters(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=3)
    round_id = await open_test_round(world, settings.secret_key)
    invitation = (await round_invitations(round_id))[0]
    await record(world.staff, "round.reminded", f"round:{round_id}", reminders=3)
    await record(world.staff, "invitation.replaced", f"invitation:{invitation.id}")
    await record(world.staff, "force.updated", f"force:{world.force_ids[1]}")
    await _signed_in_three_times(client)

    page = await client.get("/staff/audit/")
    assert page.status_code == 200
    # Names, not ids: the round's title, the force's name, the invited person and force.
    assert f'<a href="/staff/rounds/{round_id}">round: Test round</a>' in page.text
    assert "force: Force 1" in page.text
    assert f"invitation: {invitation.person_name} (" in page.text
    # Three sign-ins today, one line.
    assert "3 sign-ins by Sam Staff on" in page.text
    each = await client.get("/staff/audit/", params={"sign_ins": "each"})
    assert "sign-ins by" not in each.text and each.text.count("<td>signed_in</td>") == 3

    # By round: the round's own events and those of its invitations, nothing else.
    api = await client.get("/api/audit", params={"round": round_id})
    assert api.status_code == 200
    subjects = {e["subject"] for e in api.json()}
    assert subjects == {f"round:{round_id}", f"invitation:{invitation.id}"}
    assert {e["subject_name"] for e in api.json() if e["subject_kind"] == "round"} == {"Test round"}
    # By action family and by action.
    family = {e["action"] for e in (await client.get("/api/audit", params={"action": "round"})).json()}
    assert family == {"round.reminded"}
    exact = (await client.get("/api/audit", params={"action": "force.updated"})).json()
    assert [(e["subject_kind"], e["subject_id"], e["subject_name"]) for e in exact] == [
        ("force", world.force_ids[1], "Force 1")
    ]
    # By actor: the staff member's name comes with each event.
    mine = (await client.get("/api/audit", params={"actor": world.staff.person_id, "sign_ins": "grouped"})).json()
    assert mine and {e["actor_name"] for e in mine} == {"Sam Staff"}
    grouped = [e for e in mine if e["grouped"]]
    assert len(grouped) == 1 and grouped[0]["occurrences"] == 3
    # By date: nothing from tomorrow on; everything up to today.
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    assert (await client.get("/api/audit", params={"from": tomorrow})).json() == []
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert len((await client.get("/api/audit", params={"to": today})).json()) == len(
        (await client.get("/api/audit")).json()
    )


async def test_pages(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    for i in range(120):
        await record(world.staff, "test.event", f"thing:{i}", n=i)
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    first = await client.get("/staff/audit/", params={"action": "test.event"})
    assert "Page 1 of 3" in first.text and 'rel="next"' in first.text and 'rel="prev"' not in first.text
    third = await client.get("/staff/audit/", params={"action": "test.event", "page": "3"})
    assert "Page 3 of 3" in third.text and third.text.count("<td>test.event</td>") == 20
    api = await client.get("/api/audit", params={"action": "test.event", "limit": 50, "page": 2})
    assert api.headers["x-total-count"] == "120"
    assert [e["details"]["n"] for e in api.json()] == list(range(69, 19, -1))


async def test_bad_filters_are_named_and_ignored(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    page = await client.get("/staff/audit/", params={"round": "abc", "from": "31/12/2026", "to": "2026-01-01"})
    assert page.status_code == 200
    assert "Round: give a round number, like 3." in page.text and "From: give a date as YYYY-MM-DD." in page.text
    assert 'href="#round"' in page.text  # the error summary links to the field
    refused = await client.get("/staff/audit/audit.csv", params={"round": "abc"})
    assert refused.status_code == 303 and "/staff/audit/?" in refused.headers["location"]
    assert (await client.get("/api/audit", params={"round": "abc"})).status_code == 400
    assert (await client.get("/api/audit", params={"from": "2026-02-01", "to": "2026-01-01"})).status_code == 422


async def test_csv_export_is_neutralised_and_audited(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    await record(world.staff, "test.event", '=HYPERLINK("http://evil.example")', note="+SUM(1)")
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    got = await client.get("/staff/audit/audit.csv", params={"action": "test.event"})
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1
    assert rows[0]["subject"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[0]["actor"] == "Sam Staff"
    api = await client.get("/api/audit/csv", params={"action": "test"})
    assert api.status_code == 200 and len(list(csv.DictReader(io.StringIO(api.content.decode("utf-8-sig"))))) == 1
    exports = (await client.get("/api/audit", params={"action": "audit.exported"})).json()
    assert len(exports) == 2 and {e["details"]["filters"]["action"] for e in exports} == {"test.event", "test"}


async def test_partners_cannot_read_the_trail(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    assert (await sign_in(client, world.partner_emails[0], PARTNER_PASSWORD)).status_code == 303
    for path in ("/api/audit", "/api/audit/csv"):
        assert (await client.get(path)).status_code == 403, path
    page = await client.get("/staff/audit/audit.csv")
    assert page.status_code in (302, 303, 403) and "text/csv" not in page.headers.get("content-type", "")
