"""Refused access goes to the audit trail with who and what, counted rather than repeated
(issue 7, item 12), on the real database that every worker shares."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.audit import services
from backend.audit.services import OTHER_TARGETS, REFUSAL_TARGETS_PER_WINDOW, record_refusal
from backend.audit.tables import AuditEvent
from backend.auth.services import create_sign_in_link
from backend.partners.services import find_person
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round
from tests.integration.conftest import post_form, sign_in


async def _refusals() -> list[dict[str, Any]]:
    return await AuditEvent.select().where(AuditEvent.action.like("access.refused.%")).order_by(AuditEvent.id)


async def _partner(client: httpx.AsyncClient, surveys_dir: Path) -> tuple[Any, int]:
    world = await make_world(surveys_dir, forces=1)
    await sign_in(client, world.partner_emails[0], PARTNER_PASSWORD)
    person = await find_person(world.partner_emails[0])
    assert person is not None
    return world, person.id


async def test_staff_pages_refused_to_a_partner_are_audited_once_with_a_count(
    client: httpx.AsyncClient, surveys_dir: Path
) -> None:
    _, partner_id = await _partner(client, surveys_dir)
    for _ in range(3):
        assert (await client.get("/staff/rounds/1")).status_code == 403
    assert (await client.get("/api/rounds")).status_code == 403
    rows = await _refusals()
    assert [(r["action"], r["subject"], r["occurrences"]) for r in rows] == [
        ("access.refused.staff_only", "GET /staff/rounds/1", 3),
        ("access.refused.staff_only", "GET /api/rounds", 1),
    ]
    assert {r["actor_id"] for r in rows} == {partner_id}
    assert rows[0]["actor_label"].startswith("Contact 0 <contact0@")
    assert rows[0]["last_at"] > rows[0]["occurred_at"]


async def test_unpublished_results_asked_for_by_a_partner_are_audited(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world, partner_id = await _partner(client, surveys_dir)
    round_id = await open_test_round(world, settings.secret_key, force_ids=world.force_ids)
    assert (await client.get(f"/dashboard/rounds/{round_id}")).status_code == 404
    assert (await client.get(f"/api/publications/{round_id}")).status_code == 404
    [row] = await _refusals()
    assert (row["action"], row["subject"], row["occurrences"], row["actor_id"]) == (
        "access.refused.not_published",
        f"round:{round_id}",
        2,
        partner_id,
    )


async def test_respondent_pages_without_a_session_and_bad_links_are_audited_without_the_link(
    client: httpx.AsyncClient,
) -> None:
    token = "not-a-real-token-but-it-could-have-been-one"
    for _ in range(2):
        assert (await client.get("/respond")).status_code == 403
        assert (await client.get(f"/r/{token}")).status_code == 404
    assert (await client.get("/respond/section/anything-at-all")).status_code == 403
    rows = await _refusals()
    assert [(r["action"], r["subject"], r["occurrences"], r["actor_label"]) for r in rows] == [
        ("access.refused.no_respondent_session", "GET /respond", 2, "anonymous"),
        ("access.refused.link_not_valid", "GET /r/{token}", 2, "anonymous"),
        # the route, not the text someone typed into the address
        ("access.refused.no_respondent_session", "GET /respond/section/{section_id}", 1, "anonymous"),
    ]
    assert token not in json.dumps([{k: str(v) for k, v in r.items()} for r in rows])


async def test_a_used_sign_in_link_is_audited_without_the_link(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    token = await create_sign_in_link(world.staff.person_id)
    assert (await post_form(client, f"/sign-in/link/{token}", f"/sign-in/link/{token}", {})).status_code == 303
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as other:
        again = await post_form(other, f"/sign-in/link/{token}", f"/sign-in/link/{token}", {})
    assert again.status_code == 400
    [row] = await _refusals()
    assert (row["action"], row["subject"], row["actor_label"]) == (
        "access.refused.sign_in_link_not_valid",
        "POST /sign-in/link/{token}",
        "anonymous",
    )


async def test_staff_see_refusals_on_the_audit_page(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await _partner(client, surveys_dir)
    for _ in range(4):
        await client.get("/staff/forces")
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as staff:
        await sign_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
        page = await staff.get("/staff/audit")
    assert page.status_code == 200
    assert "access.refused.staff_only" in page.text and "GET /staff/forces" in page.text
    assert "<td>4</td>" in page.text


async def test_walking_through_targets_cannot_flood_the_trail(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await _partner(client, surveys_dir)
    asked = REFUSAL_TARGETS_PER_WINDOW + 15
    for round_id in range(1000, 1000 + asked):
        assert (await client.get(f"/api/publications/{round_id}")).status_code == 404
    rows = await _refusals()
    assert len(rows) == REFUSAL_TARGETS_PER_WINDOW + 1
    assert rows[-1]["subject"] == OTHER_TARGETS and rows[-1]["occurrences"] == 15
    assert sum(r["occurrences"] for r in rows) == asked


async def test_concurrent_repeats_count_on_one_row(app) -> None:  # type: ignore[no-untyped-def]
    """Workers share nothing but the database: simultaneous refusals (on several pooled
    connections) must still land on one row with the right count."""
    await asyncio.gather(*(record_refusal(None, "no_respondent_session", "GET /respond") for _ in range(24)))
    [row] = await _refusals()
    assert row["occurrences"] == 24


async def test_a_new_window_starts_a_new_row(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    monkeypatch.setattr(services, "REFUSAL_WINDOW", timedelta(seconds=1))
    await record_refusal(None, "no_respondent_session", "GET /respond")
    await asyncio.sleep(1.1)
    await record_refusal(None, "no_respondent_session", "GET /respond")
    assert [r["occurrences"] for r in await _refusals()] == [1, 1]
