"""Peer groups are frozen per round; force-profile answers only propose changes, which
administrators approve or reject (page and API, audited); nobody else can decide."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

import httpx

from backend.analysis.aggregates import aggregate_round
from backend.audit.services import recent
from backend.database import fetch
from backend.partners.services import create_force, create_person, get_force, set_peer_group
from backend.profile_changes.services import (
    DecisionRefused,
    decide,
    get_change,
    list_changes,
    propose_changes,
)
from backend.rounds.services import round_groups, round_invitations
from backend.settings import Settings
from backend.surveys.services import load_version
from tests.factories import (
    PARTNER_PASSWORD,
    REGIONS,
    SIZES,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    TYPES,
    World,
    make_world,
    open_test_round,
    submit_random,
)
from tests.integration.conftest import post_form, sign_in

PAGE = "/staff/profile-changes"


async def _actions() -> list[str]:
    return [e.action for e in await recent()]


async def _pending_region_change(world: World, settings: Settings, region: str = "africa") -> tuple[int, int]:
    """A round with force 0 proposing a new region; returns (round id, change id)."""
    round_id = await open_test_round(world, settings.secret_key)
    [change_id] = await propose_changes(world.force_ids[0], round_id, {"region": region})
    return round_id, change_id


async def test_round_groups_are_frozen_when_the_round_opens(app, settings: Settings, surveys_dir: Path) -> None:  # type: ignore[no-untyped-def]
    world = await make_world(surveys_dir, forces=8)
    # a force with no respondent is in the round's groups too (it just has no link)
    silent = await create_force("Silent force", "silent", "Country", "africa", "customs", "under_1000")
    round_id = await open_test_round(world, settings.secret_key, force_ids=[*world.force_ids, silent])
    groups = await round_groups(round_id)
    assert groups == {
        **{
            f: {"region": REGIONS[i], "force_type": TYPES[i], "size_band": SIZES[i]}
            for i, f in enumerate(world.force_ids)
        },
        silent: {"region": "africa", "force_type": "customs", "size_band": "under_1000"},
    }
    assert silent not in {i.force_id for i in await round_invitations(round_id)}

    await submit_random(round_id, world, world.force_ids)
    survey = await load_version(world.version_id)
    before = await aggregate_round(round_id, survey)
    assert before.responses[("region", "europe")] == 4

    # force 0 moves to Africa afterwards: the open round does not notice
    await set_peer_group(world.force_ids[0], "region", "africa")
    assert await round_groups(round_id) == groups
    after = await aggregate_round(round_id, survey)
    assert after.responses == before.responses
    assert {q: r.n for q, r in after.questions.items()} == {q: r.n for q, r in before.questions.items()}

    # a round opened now groups force 0 with Africa
    later = await open_test_round(world, settings.secret_key)
    assert (await round_groups(later))[world.force_ids[0]]["region"] == "africa"


async def test_migration_backfills_rounds_opened_before(app, settings: Settings, surveys_dir: Path) -> None:  # type: ignore[no-untyped-def]
    world = await make_world(surveys_dir, forces=3)
    round_id = await open_test_round(world, settings.secret_key)
    await fetch("DELETE FROM round_force WHERE round = $1", round_id)  # as before the migration
    backfill = importlib.import_module("backend.rounds.piccolo_migrations.rounds_2026_11_29t20_52_20_000000")
    await fetch(backfill.BACKFILL)
    assert set(await round_groups(round_id)) == set(world.force_ids)
    await fetch(backfill.BACKFILL)  # running it again adds nothing
    assert len(await fetch("SELECT 1 FROM round_force WHERE round = $1", round_id)) == 3


async def test_only_known_differing_values_become_changes_and_the_newest_wins(
    app, settings: Settings, surveys_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    world = await make_world(surveys_dir, forces=1)  # europe, national, 20000_plus
    round_id = await open_test_round(world, settings.secret_key)
    force = world.force_ids[0]
    same_or_unknown = {"region": "europe", "force_type": "police_of_atlantis", "size_band": 12}
    assert await propose_changes(force, round_id, same_or_unknown) == []

    [first] = await propose_changes(force, round_id, {"region": "africa"})
    [second] = await propose_changes(force, None, {"region": "latin_america"})
    replaced = await get_change(first)
    assert replaced.status == "rejected" and replaced.decided_by_id is None
    assert [c.id for c in await list_changes("pending")] == [second]
    # a newer answer that agrees with the current value withdraws the pending change
    assert await propose_changes(force, round_id, {"region": "europe"}) == []
    assert await list_changes("pending") == []
    assert (await get_force(force)).region == "europe"
    assert (await _actions()).count("profile_change.superseded") == 2


async def test_admin_approves_on_the_page_and_later_rounds_use_it(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=2)
    round_id, change_id = await _pending_region_change(world, settings)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert "1 force-profile change awaiting review" in (await client.get("/staff")).text
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert "Force 0" in page.text and "Europe → <strong>Africa</strong>" in page.text
    assert "Test round" in page.text

    approved = await post_form(client, PAGE, f"{PAGE}/{change_id}/approve", {})
    assert approved.status_code == 303 and approved.headers["location"] == PAGE
    after = await client.get(PAGE)
    assert "Approved. Force 0: region is now Africa" in after.text
    assert "No changes are waiting for review." in after.text

    assert (await get_force(world.force_ids[0])).region == "africa"
    assert (await round_groups(round_id))[world.force_ids[0]]["region"] == "europe"  # opened before
    later = await open_test_round(world, settings.secret_key)
    assert (await round_groups(later))[world.force_ids[0]]["region"] == "africa"

    decided = await get_change(change_id)
    assert decided.status == "approved" and decided.decided_by_id == world.staff.person_id
    event = next(e for e in await recent() if e.action == "profile_change.approved")
    assert event.subject == f"profile_change:{change_id}"
    assert event.actor_id == world.staff.person_id
    details = event.details
    assert (details["old"], details["new"], details["force"]) == ("europe", "africa", world.force_ids[0])


async def test_reject_leaves_the_force_unchanged_and_deciding_twice_is_refused(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    _, change_id = await _pending_region_change(world, settings)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    rejected = await post_form(client, PAGE, f"{PAGE}/{change_id}/reject", {})
    assert rejected.status_code == 303
    assert "Rejected. Force 0: region is unchanged." in (await client.get(PAGE)).text
    assert (await get_force(world.force_ids[0])).region == "europe"
    assert (await get_change(change_id)).status == "rejected"
    assert "profile_change.rejected" in await _actions()

    again = await post_form(client, PAGE, f"{PAGE}/{change_id}/approve", {})
    assert again.status_code == 303
    assert "This change was already rejected; nothing was changed." in (await client.get(PAGE)).text
    assert (await get_force(world.force_ids[0])).region == "europe"
    missing = await post_form(client, PAGE, f"{PAGE}/999/approve", {})
    assert missing.status_code == 303
    assert "There is no profile change 999." in (await client.get(PAGE)).text
    assert (await _actions()).count("profile_change.approved") == 0


async def test_two_decisions_at_once_only_one_counts(app, settings: Settings, surveys_dir: Path) -> None:  # type: ignore[no-untyped-def]
    world = await make_world(surveys_dir, forces=1)
    _, change_id = await _pending_region_change(world, settings)
    results = await asyncio.gather(
        decide(change_id, True, world.staff), decide(change_id, False, world.staff), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, DecisionRefused)]
    assert len(refused) == 1 and refused[0].status_code == 409
    status = (await get_change(change_id)).status
    assert ((await get_force(world.force_ids[0])).region == "africa") == (status == "approved")
    assert sum(a in ("profile_change.approved", "profile_change.rejected") for a in await _actions()) == 1


async def test_json_api(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=2)
    round_id, change_id = await _pending_region_change(world, settings)
    [other_id] = await propose_changes(world.force_ids[1], round_id, {"size_band": "under_1000"})
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    listed = await client.get("/api/profile-changes")
    assert listed.status_code == 200
    first = listed.json()[0]
    assert [c["id"] for c in listed.json()] == [change_id, other_id]
    assert first["force_name"] == "Force 0" and first["round_id"] == round_id
    assert (first["dimension_label"], first["old_label"], first["new_label"]) == ("Region", "Europe", "Africa")
    assert first["status"] == "pending" and first["decided_by"] is None

    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    assert (await client.post(f"/api/profile-changes/{change_id}/approve")).status_code == 403  # no CSRF token
    assert (await get_change(change_id)).status == "pending"
    approved = await client.post(f"/api/profile-changes/{change_id}/approve", headers=headers)
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved" and approved.json()["decided_by"] == "Sam Staff"
    assert (await get_force(world.force_ids[0])).region == "africa"
    rejected = await client.post(f"/api/profile-changes/{other_id}/reject", headers=headers)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert (await get_force(world.force_ids[1])).size_band == SIZES[1]

    twice = await client.post(f"/api/profile-changes/{change_id}/reject", headers=headers)
    assert twice.status_code == 409
    assert twice.json()["detail"] == "This change was already approved; nothing was changed."
    assert (await get_force(world.force_ids[0])).region == "africa"
    missing = await client.post("/api/profile-changes/999/approve", headers=headers)
    assert missing.status_code == 404 and missing.json()["detail"] == "There is no profile change 999."

    assert (await client.get("/api/profile-changes")).json() == []
    assert [c["id"] for c in (await client.get("/api/profile-changes?status=approved")).json()] == [change_id]
    assert [c["id"] for c in (await client.get("/api/profile-changes?status=rejected")).json()] == [other_id]
    assert (await client.get("/api/profile-changes?status=maybe")).status_code == 400
    actions = await _actions()
    assert actions.count("profile_change.approved") == 1 and actions.count("profile_change.rejected") == 1


async def test_partners_and_analysts_cannot_decide(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    _, change_id = await _pending_region_change(world, settings)
    await create_person("analyst@example.org", "Ann Analyst", "analyst", password=STAFF_PASSWORD)

    await sign_in(client, world.partner_emails[0], PARTNER_PASSWORD)
    assert (await client.get(PAGE)).status_code == 403
    assert (await post_form(client, "/dashboard", f"{PAGE}/{change_id}/approve", {})).status_code == 403
    assert (await client.get("/api/profile-changes")).status_code == 403
    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    assert (await client.post(f"/api/profile-changes/{change_id}/approve", headers=headers)).status_code == 403

    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as analyst:
        await sign_in(analyst, "analyst@example.org", STAFF_PASSWORD)
        page = await analyst.get(PAGE)
        assert page.status_code == 200 and "Africa" in page.text
        assert f"{PAGE}/{change_id}/approve" not in page.text  # no buttons for analysts
        assert (await post_form(analyst, PAGE, f"{PAGE}/{change_id}/approve", {})).status_code == 403
        assert (await analyst.get("/api/profile-changes")).status_code == 200
        headers = {"x-csrftoken": analyst.cookies["csrftoken"]}
        assert (await analyst.post(f"/api/profile-changes/{change_id}/reject", headers=headers)).status_code == 403

    assert (await get_change(change_id)).status == "pending"
    assert (await get_force(world.force_ids[0])).region == "europe"
    assert not {"profile_change.approved", "profile_change.rejected"} & set(await _actions())
