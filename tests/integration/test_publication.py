"""Publishing through the JSON API and the pages: closing first, the preview is what partners
get, confirmation, corrections as versions, the audit across rounds that staff can create
through the UI, frozen peer groups, trends across two published rounds, and the guards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from backend.audit.tables import AuditEvent
from backend.partners.services import set_peer_group
from backend.publication.basis import ALL
from backend.responses.tables import Response
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
from tests.integration.conftest import sign_in


def headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def staff_client(client: httpx.AsyncClient) -> httpx.AsyncClient:
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    await client.get("/staff")  # sets the CSRF cookie
    return client


async def published_round(client: httpx.AsyncClient, world: World, settings: Settings, **kw: Any) -> int:
    round_id = await open_test_round(world, settings.secret_key, **kw)
    await submit_random(round_id, world, world.force_ids, seed=round_id)
    assert (await client.post(f"/api/rounds/{round_id}/close", headers=headers(client))).status_code == 201
    done = await client.post(f"/api/rounds/{round_id}/publish", json={"confirm": True}, headers=headers(client))
    assert done.status_code == 201, done.text
    return round_id


def group(result: dict[str, Any], question: str, key: tuple[str, str]) -> dict[str, Any]:
    q = next(q for q in result["questions"] if q["id"] == question)
    return next(g for g in q["groups"] if (g["dimension"], g["value"]) == key)


async def test_publish_through_the_api(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=10)
    round_id = await open_test_round(world, settings.secret_key)
    await submit_random(round_id, world, world.force_ids[:9], seed=3)
    await Response.insert(Response(round=round_id, force=world.force_ids[9], status="draft", answers="{}"))
    await staff_client(client)

    # an open round is refused, with the drafts that would not be counted
    preview = (await client.get(f"/api/rounds/{round_id}/preview")).json()
    assert preview["refused"].startswith("Close the round before publishing")
    assert "1 force has answers in draft" in preview["refused"]
    assert (preview["submitted"], preview["drafts"], preview["version"]) == (9, 1, 1)
    refused = await client.post(f"/api/rounds/{round_id}/publish", json={"confirm": True}, headers=headers(client))
    assert refused.status_code == 409 and "Close the round" in refused.json()["detail"]
    assert (await client.post(f"/api/rounds/{round_id}/close", headers=headers(client))).status_code == 201
    assert (await client.post(f"/api/rounds/{round_id}/close", headers=headers(client))).status_code == 409

    # the preview is exactly what partners will get, and says what is withheld and why
    preview = (await client.get(f"/api/rounds/{round_id}/preview")).json()
    assert preview["refused"] is None
    assert preview["withheld"] and {w["code"] for w in preview["withheld"]} >= {"threshold"}
    unconfirmed = await client.post(f"/api/rounds/{round_id}/publish", json={"confirm": False}, headers=headers(client))
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.text
    assert (await client.get(f"/api/rounds/{round_id}/publications")).json() == []
    done = await client.post(f"/api/rounds/{round_id}/publish", json={"confirm": True}, headers=headers(client))
    assert done.status_code == 201
    again = await client.post(f"/api/rounds/{round_id}/publish", json={"confirm": True}, headers=headers(client))
    assert again.status_code == 409 and "publish a correction" in again.json()["detail"]

    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as partner:
        await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)
        seen = (await partner.get(f"/api/publications/{round_id}")).json()
        for key in ("questions", "responding", "min_group_size", "version"):
            assert seen[key] == preview["results"][key]
        # partners cannot preview or publish
        assert (await partner.get(f"/api/rounds/{round_id}/preview")).status_code == 403
        await partner.get("/dashboard")
        forbidden = await partner.post(
            f"/api/rounds/{round_id}/publish", json={"confirm": True}, headers=headers(partner)
        )
        assert forbidden.status_code == 403

    # a correction is a new version, audited with the first; partners see the latest
    correction = (await client.get(f"/api/rounds/{round_id}/preview?correction=true")).json()
    assert correction["version"] == 2 and correction["refused"] is None
    corrected = await client.post(
        f"/api/rounds/{round_id}/publish", json={"confirm": True, "correction": True}, headers=headers(client)
    )
    assert corrected.status_code == 201 and corrected.json()["version"] == 2
    versions = (await client.get(f"/api/rounds/{round_id}/publications")).json()
    assert [v["version"] for v in versions] == [2, 1] and versions[0]["published_by"] == "Sam Staff"
    report = (await client.get(f"/api/rounds/{round_id}/publications/1/report")).json()
    assert report and all(set(r) == {"question", "group", "item", "code", "reason"} for r in report)
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as partner:
        await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)
        assert (await partner.get(f"/api/publications/{round_id}")).json()["version"] == 2
        assert [p["version"] for p in (await partner.get("/api/publications")).json()] == [2]
    actions = [e["action"] for e in await AuditEvent.select(AuditEvent.action)]
    assert actions.count("round.published") == 1 and actions.count("round.correction_published") == 1
    assert "round.closed" in actions


async def test_pages_preview_report_and_versions(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=8)
    await staff_client(client)
    round_id = await published_round(client, world, settings)
    page = (await client.get(f"/staff/rounds/{round_id}")).text
    assert "Preview a correction" in page and "/publications/1/report" in page
    report = (await client.get(f"/staff/rounds/{round_id}/publications/1/report")).text
    assert 'data-testid="suppression-report"' in report and "Fewer than 3 forces answered" in report
    preview = await client.get(f"/staff/rounds/{round_id}/preview?correction=true&group=region:europe")
    assert preview.status_code == 200 and "Publish the correction" in preview.text
    assert (await client.get("/staff/rounds/999/preview")).status_code == 404


async def test_one_force_joining_cannot_be_subtracted(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    """Two rounds that staff can open through the UI, the second with one more force: "all
    forces" of the second round minus the first would be that force's answers."""
    world = await make_world(surveys_dir, forces=10)
    await staff_client(client)
    first = await open_test_round(world, settings.secret_key, force_ids=world.force_ids)
    answers = await submit_random(first, world, world.force_ids[:9], seed=5)
    await client.post(f"/api/rounds/{first}/close", headers=headers(client))
    await client.post(f"/api/rounds/{first}/publish", json={"confirm": True}, headers=headers(client))
    second = await open_test_round(world, settings.secret_key, force_ids=world.force_ids)
    for force_id in world.force_ids[:9]:  # the same answers as before, and one more force
        await Response.insert(
            Response(
                round=second, force=force_id, status="submitted", revision=1, answers=json.dumps(answers[force_id])
            )
        )
    await submit_random(second, world, world.force_ids[9:], seed=6)
    await client.post(f"/api/rounds/{second}/close", headers=headers(client))
    preview = (await client.get(f"/api/rounds/{second}/preview")).json()
    first_results = (await client.get(f"/api/publications/{first}")).json()
    shown_before = [q["id"] for q in first_results["questions"] if not group(first_results, q["id"], ALL)["withheld"]]
    assert shown_before, "the first round shows some questions for all forces"
    for qid in shown_before:
        assert group(preview["results"], qid, ALL)["withheld"], qid
    assert any(w["code"] == "linear" and w["group"] == "All partner forces" for w in preview["withheld"])


async def test_peer_groups_are_those_frozen_at_opening(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=8)
    await staff_client(client)
    round_id = await open_test_round(world, settings.secret_key)
    # after opening, every force moves to Africa: the round still counts them where they were
    for force_id in world.force_ids:
        await set_peer_group(force_id, "region", "africa")
    await submit_random(round_id, world, world.force_ids, seed=8)
    await client.post(f"/api/rounds/{round_id}/close", headers=headers(client))
    preview = (await client.get(f"/api/rounds/{round_id}/preview")).json()
    responding = {(g["dimension"], g["value"]): g for g in preview["results"]["responding"]}
    assert responding[("region", "europe")]["forces"] == 4
    assert responding[("region", "africa")]["withheld"]


async def test_trends_across_two_published_rounds(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=12)
    await staff_client(client)
    first = await published_round(client, world, settings)
    second = await published_round(client, world, settings)
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as partner:
        await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)
        listed = (await partner.get("/api/publications")).json()
        questionnaire = listed[0]["questionnaire_id"]
        trends = (await partner.get(f"/api/publications/trends/{questionnaire}")).json()
        assert trends["dimension"] == "all" and trends["trends"]
        both = [
            t
            for t in trends["trends"]
            if any(s["values"][0] is not None and s["values"][1] is not None for s in t["series"])
        ]
        assert both, "some figure is shown in both rounds"
        first_results = (await partner.get(f"/api/publications/{first}")).json()
        second_results = (await partner.get(f"/api/publications/{second}")).json()
        for t in both:
            # built only from the published figures of each round
            assert t["forces"] == [
                group(first_results, t["question_id"], ALL)["forces"],
                group(second_results, t["question_id"], ALL)["forces"],
            ]
        page = await partner.get(f"/dashboard/trends/{questionnaire}?group=region:europe")
        assert page.status_code == 200 and "Trends across rounds" in page.text
        assert f"/dashboard/trends/{questionnaire}" in (await partner.get("/dashboard")).text
        # a group that is not the partner's own falls back to all forces
        other = (await partner.get(f"/api/publications/trends/{questionnaire}?group=region:africa")).json()
        assert other["dimension"] == "all"
