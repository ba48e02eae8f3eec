"""Saving answers: invalid input changes nothing and is shown back as typed; an old revision
cannot overwrite a newer save; submission happens once; stale hidden answers are dropped."""

from __future__ import annotations

import random
import re
from pathlib import Path

import httpx

from backend.demo.answers import random_answers
from backend.responses.services import get_or_create, get_response, save_answers, submit
from backend.rounds.services import invitation_url, round_invitations
from backend.settings import Settings
from backend.surveys.services import load_version
from tests.factories import make_world, open_test_round
from tests.integration.conftest import csrf_token


async def start_respondent(client: httpx.AsyncClient, settings: Settings, round_id: int, force_id: int) -> None:
    invitation = next(i for i in await round_invitations(round_id) if i.force_id == force_id)
    link = invitation_url("", settings.secret_key, invitation.nonce)
    page = await client.get(link)
    await client.post(link, data={"_csrf_token": csrf_token(page.text)})


def revision_of(html: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', html).group(1)


async def test_invalid_input_changes_nothing_and_is_kept(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    page = await client.get("/respond/section/profile")
    response = await client.post(
        "/respond/section/profile",
        data={
            "force_type": "city",
            "population_served": "about a million",
            "revision": revision_of(page.text),
            "action": "continue",
            "_csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'href="#population_served"' in response.text
    assert "Enter a number" in response.text
    assert 'value="about a million"' in response.text  # what was typed comes back
    assert 'value="city" checked' in response.text
    stored = await get_response(round_id, world.force_ids[0])
    assert stored.answers == {} and stored.revision == 0


async def test_required_questions_only_on_continue(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    page = await client.get("/respond/section/profile")
    draft = await client.post(
        "/respond/section/profile",
        data={
            "force_type": "city",
            "revision": revision_of(page.text),
            "action": "draft",
            "_csrf_token": csrf_token(page.text),
        },
    )
    assert draft.status_code == 303 and draft.headers["location"] == "/respond?saved=1"
    stored = await get_response(round_id, world.force_ids[0])
    assert stored.answers == {"force_type": "city"} and stored.revision == 1
    page = await client.get("/respond/section/profile")
    go_on = await client.post(
        "/respond/section/profile",
        data={
            "force_type": "city",
            "revision": revision_of(page.text),
            "action": "continue",
            "_csrf_token": csrf_token(page.text),
        },
    )
    assert go_on.status_code == 400
    assert "Answer this question" in go_on.text or "Choose" in go_on.text


async def test_old_revision_cannot_overwrite(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    stale_page = await client.get("/respond/section/profile")
    # a colleague saves first
    response = await get_response(round_id, world.force_ids[0])
    first = await save_answers(response.id, 0, {"force_type": "customs"}, None)
    assert first.saved and first.revision == 1
    # this tab still carries revision 0
    conflict = await client.post(
        "/respond/section/profile",
        data={"force_type": "city", "revision": "0", "action": "draft", "_csrf_token": csrf_token(stale_page.text)},
    )
    assert conflict.status_code == 409
    assert "Someone else at your force saved" in conflict.text
    assert 'value="city" checked' in conflict.text  # the input is still on the page
    assert revision_of(conflict.text) == "1"  # saving again is now deliberate
    assert (await get_response(round_id, world.force_ids[0])).answers == {"force_type": "customs"}
    again = await client.post(
        "/respond/section/profile",
        data={"force_type": "city", "revision": "1", "action": "draft", "_csrf_token": csrf_token(conflict.text)},
    )
    assert again.status_code == 303
    assert (await get_response(round_id, world.force_ids[0])).answers == {"force_type": "city"}


async def test_autosave_json(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    page = await client.get("/respond/section/profile")
    headers = {"accept": "application/json"}
    ok = await client.post(
        "/respond/section/profile/autosave",
        data={"size_band": "under_1000", "revision": "0", "action": "draft", "_csrf_token": csrf_token(page.text)},
        headers=headers,
    )
    assert ok.status_code == 200 and ok.json() == {"saved": True, "revision": 1}
    stale = await client.post(
        "/respond/section/profile/autosave",
        data={"size_band": "20000_plus", "revision": "0", "action": "draft", "_csrf_token": csrf_token(page.text)},
        headers=headers,
    )
    assert stale.status_code == 409 and stale.json()["reason"] == "conflict"
    bad = await client.post(
        "/respond/section/profile/autosave",
        data={"population_served": "-5", "revision": "1", "action": "draft", "_csrf_token": csrf_token(page.text)},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "population_served"
    assert (await get_response(round_id, world.force_ids[0])).answers == {"size_band": "under_1000"}


async def test_submission_happens_once_and_drops_hidden_answers(settings: Settings, surveys_dir: Path, app) -> None:  # type: ignore[no-untyped-def]
    world = await make_world(surveys_dir, forces=1)
    round_id = await open_test_round(world, settings.secret_key)
    survey = await load_version(world.version_id)
    full = random_answers(survey, random.Random(5))
    full["has_drug_strategy"] = "no"
    full["strategy_adopted"] = "2019-05-01"  # a follow-up hidden once the answer is "no"
    response = await get_or_create(round_id, world.force_ids[0], "en")
    saved = await save_answers(response.id, 0, full, None)
    assert saved.saved
    result = await submit(response.id, saved.revision, survey, "en", None, world.force_ids[0])
    assert result.submitted, result.errors
    stored = await get_response(round_id, world.force_ids[0])
    assert stored.status == "submitted"
    assert "strategy_adopted" not in stored.answers
    assert stored.answers["has_drug_strategy"] == "no"
    again = await submit(response.id, stored.revision, survey, "en", None, world.force_ids[0])
    assert not again.submitted and again.reason == "submitted"
    late = await save_answers(response.id, stored.revision, {"has_drug_strategy": "yes"}, None)
    assert not late.saved and late.reason == "submitted"


async def test_submit_refused_with_missing_required(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    check = await client.get("/respond/check")
    assert "Submit answers" not in check.text  # errors first
    forced = await client.post("/respond/submit", data={"revision": "0", "_csrf_token": csrf_token(check.text)})
    assert forced.status_code == 400
    assert (await get_response(round_id, world.force_ids[0])).status == "draft"


async def test_profile_answers_propose_changes_for_review(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    """Submitting the force profile changes no peer group: each differing answer waits for staff."""
    from backend.audit.services import recent
    from backend.partners.services import get_force
    from backend.profile_changes.services import list_changes
    from backend.rounds.services import round_groups

    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    page = await client.get("/respond/section/profile")
    role = re.search(r'name="drug_enforcement_role" value="([^"]+)"', page.text).group(1)
    saved = await client.post(
        "/respond/section/profile",
        data={
            "force_type": "customs",
            "size_band": "under_1000",
            "region": "africa",
            "population_served": "2,500,000",
            "has_drug_unit": "no",
            "drug_enforcement_role": role,
            "revision": "0",
            "action": "continue",
            "_csrf_token": csrf_token(page.text),
        },
    )
    assert saved.status_code == 303, saved.text[:3000]
    check = await client.get("/respond/check")
    done = await client.post(
        "/respond/submit", data={"revision": revision_of(check.text), "_csrf_token": csrf_token(check.text)}
    )
    assert done.headers["location"] == "/respond/done"
    force = await get_force(world.force_ids[0])
    assert (force.force_type, force.size_band, force.region) == ("national", "20000_plus", "europe")
    assert (await round_groups(round_id))[world.force_ids[0]]["region"] == "europe"
    pending = {c.dimension: c for c in await list_changes("pending")}
    assert {d: (c.old_value, c.new_value) for d, c in pending.items()} == {
        "force_type": ("national", "customs"),
        "size_band": ("20000_plus", "under_1000"),
        "region": ("europe", "africa"),
    }
    assert {(c.force_id, c.round_id) for c in pending.values()} == {(world.force_ids[0], round_id)}
    assert sum(e.action == "profile_change.proposed" for e in await recent()) == 3
    assert (await get_response(round_id, world.force_ids[0])).answers["population_served"] == 2500000


async def test_language_choice(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    overview = await client.get("/respond")
    chosen = await client.post(
        "/respond/language", data={"language": "es", "back": "/respond", "_csrf_token": csrf_token(overview.text)}
    )
    assert chosen.status_code == 303
    spanish = await client.get("/respond/section/profile")
    assert 'lang="es"' in spanish.text
    assert "Guardar y continuar" in spanish.text
    failed = await client.post(
        "/respond/section/profile",
        data={"population_served": "x", "revision": "0", "action": "draft", "_csrf_token": csrf_token(spanish.text)},
    )
    assert "Introduzca un número" in failed.text


async def test_expired_session_shows_what_was_typed(client: httpx.AsyncClient) -> None:
    await client.get("/sign-in")
    token = client.cookies.get("csrftoken")
    response = await client.post(
        "/respond/section/barriers",
        data={"change_wish": "A long answer typed over an hour", "revision": "3", "_csrf_token": token},
    )
    assert response.status_code == 403
    assert "Your session has ended" in response.text
    assert "A long answer typed over an hour" in response.text
    assert "revision" not in response.text.split("<dl")[1]
