"""Autosave has its own JSON route (`POST /respond/section/{id}/autosave`, in the OpenAPI
document): it answers JSON whatever the Accept header says, and the page itself answers HTML."""

from __future__ import annotations

from pathlib import Path

import httpx

from backend.publication.services import close_round
from backend.settings import Settings
from tests.factories import make_world, open_test_round
from tests.integration.conftest import csrf_token
from tests.integration.test_responses import start_respondent

HTML = {"accept": "text/html"}


async def test_autosave_answers_json_and_the_page_html(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    await client.get("/sign-in")
    anonymous = await client.post(
        "/respond/section/profile/autosave", data={"_csrf_token": client.cookies["csrftoken"]}, headers=HTML
    )
    assert anonymous.status_code == 403 and anonymous.headers["content-type"].startswith("application/json")
    assert "personal link" in anonymous.json()["detail"]

    await start_respondent(client, settings, round_id, world.force_ids[0])
    token = csrf_token((await client.get("/respond/section/profile")).text)
    unknown = await client.post("/respond/section/nowhere/autosave", data={"_csrf_token": token}, headers=HTML)
    assert unknown.status_code == 404 and unknown.json()["status_code"] == 404
    # The page save, sent like autosave used to be (a header asking for JSON), answers HTML.
    page = await client.post(
        "/respond/section/profile",
        data={"size_band": "under_1000", "revision": "0", "action": "draft", "_csrf_token": token},
        headers={"x-autosave": "1", "accept": "application/json"},
    )
    assert page.status_code == 303 and page.headers["location"] == "/respond?saved=1"

    await close_round(round_id, world.staff)
    closed = await client.post(
        "/respond/section/profile/autosave",
        data={"size_band": "20000_plus", "revision": "1", "_csrf_token": token},
        headers=HTML,
    )
    assert closed.status_code == 409 and closed.json() == {"saved": False, "reason": "closed"}
