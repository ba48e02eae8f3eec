"""The demo seeds a discussion on a chart of its published round (issue 12, item 8)."""

from __future__ import annotations

from pathlib import Path

import httpx

from backend.demo.seed import PARTNER_PASSWORD, seed_demo
from backend.settings import Settings
from backend.surveys.services import sync_folder
from tests.integration.test_api_rounds import api_client


async def test_the_demo_has_a_discussion(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    await sync_folder(surveys_dir)
    accounts = await seed_demo("http://test", settings.secret_key)
    await api_client(client, accounts.partner_email, PARTNER_PASSWORD)
    rounds = (await client.get("/api/publications")).json()
    latest = max(rounds, key=lambda r: r["round_id"])
    threads = (await client.get(f"/api/exchange/rounds/{latest['round_id']}/threads")).json()
    discussed = [t for t in threads if t["posts"]]
    assert {t["kind"] for t in discussed} == {"chart", "theme"}
    chart = next(t for t in discussed if t["kind"] == "chart")
    posts = (await client.get(f"/api{chart['path']}")).json()["posts"]
    assert len(posts) == 3 and not any(p["own"] for p in posts) and posts[1]["reply_to"] == 1
    # The demo partner follows the chart's discussion: notices of the others' posts.
    assert len((await client.get("/api/exchange/notices")).json()) == 3
