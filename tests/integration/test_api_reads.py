"""What the staff questionnaire and audit pages show, through the JSON API: versions, one
version's definition and translations, the audit trail; staff only."""

from __future__ import annotations

from pathlib import Path

import httpx

from backend.audit.services import record
from backend.surveys.services import list_versions, sync_folder
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.integration.test_api_rounds import api_client
from tests.integration.test_translation_gaps import PARTIAL


async def test_questionnaire_versions(client: httpx.AsyncClient, surveys_dir: Path, tmp_path: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    (tmp_path / "partial.yaml").write_text(PARTIAL)
    await sync_folder(tmp_path)
    partial_id = next(v.id for v in await list_versions() if v.slug == "partial")
    await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)

    listed = await client.get("/api/questionnaires")
    assert listed.status_code == 200
    versions = {v["id"]: v for v in listed.json()}
    assert set(versions) == {world.version_id, partial_id}
    assert versions[world.version_id]["slug"] == "drug-market-practice"
    assert versions[world.version_id]["source_name"] == "drug-market-practice.yaml"
    assert len(versions[world.version_id]["content_hash"]) == 64

    complete = (await client.get(f"/api/questionnaires/{world.version_id}")).json()
    assert complete["version"] == versions[world.version_id] and complete["translations_complete"] is True
    assert complete["definition"]["id"] == "drug-market-practice"
    assert complete["definition"]["sections"] and complete["languages"][0] == "en"
    partial = (await client.get(f"/api/questionnaires/{partial_id}")).json()
    assert partial["translations_complete"] is False
    fr = next(c for c in partial["translations"] if c["language"] == "fr")
    assert (fr["present"], fr["total"], fr["complete"]) == (3, 5, False)
    assert fr["missing"] == ['question "q1" help', 'question "q2" label']

    assert (await client.get("/api/questionnaires/999")).status_code == 404
    assert (await client.get("/api/questionnaires/99999999999")).status_code == 400


async def test_audit_trail(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    for i in range(3):
        await record(world.staff, "test.event", f"thing:{i}", n=i)
    await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    events = await client.get("/api/audit")
    assert events.status_code == 200 and events.headers["cache-control"] == "no-store"
    signed_in, *tests = events.json()  # the latest first: signing in is audited too
    assert signed_in["subject"] == f"person:{world.staff.person_id}"
    assert [(e["subject"], e["details"]) for e in tests] == [
        ("thing:2", {"n": 2}),
        ("thing:1", {"n": 1}),
        ("thing:0", {"n": 0}),
    ]
    assert tests[0]["actor_label"] == f"Sam Staff <{STAFF_EMAIL}>" and tests[0]["action"] == "test.event"
    assert [e["id"] for e in (await client.get("/api/audit?limit=2")).json()] == [signed_in["id"], tests[0]["id"]]
    for limit in ("0", "1001", "many"):
        assert (await client.get(f"/api/audit?limit={limit}")).status_code == 400, limit


async def test_only_staff_read_questionnaires_and_the_audit_trail(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    paths = ("/api/questionnaires", f"/api/questionnaires/{world.version_id}", "/api/audit")
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as anonymous:
        for path in paths:
            assert (await anonymous.get(path)).status_code == 401, path
    await api_client(client, world.partner_emails[0], PARTNER_PASSWORD)
    for path in paths:
        assert (await client.get(path)).status_code == 403, path
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as staff:
        await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        refused = (await staff.get("/api/audit")).json()
        assert {e["subject"] for e in refused if e["action"] == "access.refused.staff_only"} == {
            "GET /api/questionnaires",
            f"GET /api/questionnaires/{world.version_id}",
            "GET /api/audit",
        }
