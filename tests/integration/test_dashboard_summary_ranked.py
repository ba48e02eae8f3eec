"""The dashboard's summary through the round page and its JSON route, for allocations and rankings:
the viewer's force's share far from the group's published average and an item it ranked first
where few did, linked to their charts, in English and French; nothing from withheld figures."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import httpx

from backend.responses.tables import Response
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, make_world, open_test_round, submit_random
from tests.integration.conftest import sign_in
from tests.integration.test_dashboard_summary import summary_of
from tests.integration.test_publication import headers, staff_client
from tests.unit.test_dashboard_summary_ranked import OUTLIER, UNUSUAL_RANKING, round_of


async def test_allocation_and_ranking_findings_link_to_their_charts(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=12)
    await staff_client(client)
    round_id = await open_test_round(world, settings.secret_key)
    given = await submit_random(round_id, world, world.force_ids, seed=5)
    wanted = round_of({"effort_allocation": OUTLIER, "priority_ranking": UNUSUAL_RANKING})
    for force_id, mine in zip(world.force_ids, wanted, strict=True):
        answers = {**given[force_id], **mine}
        await Response.update({Response.answers: json.dumps(answers)}).where(
            (Response.round == round_id) & (Response.force == force_id)
        )
    assert (await client.post(f"/api/rounds/{round_id}/close", headers=headers(client))).status_code == 201
    done = await client.post(f"/api/rounds/{round_id}/publish", json={"confirm": True}, headers=headers(client))
    assert done.status_code == 201, done.text

    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as partner:
        await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)
        page = (await partner.get(f"/dashboard/rounds/{round_id}")).text
        summary = unescape(summary_of(page))
        assert 'href="#result-effort_allocation"' in summary and 'href="#result-priority_ranking"' in summary
        assert "“Enforcement against possession and use”: your force's share, 60%, is well above" in summary
        assert "Your force ranked “Disrupting organised crime groups” first, as did 1 of the 12 forces" in summary
        ids = set(re.findall(r'<article class="result" id="(result-[a-z0-9_]+)"', page))
        assert {"result-effort_allocation", "result-priority_ranking"} <= ids
        api = (await partner.get(f"/api/publications/{round_id}/summary")).json()
        kinds = {(p["question_id"], p["kind"]) for p in api["points"]}
        assert {("effort_allocation", "outside"), ("priority_ranking", "minority")} <= kinds
        # "asset_recovery" is ranked by no force: nothing is said of it
        assert "asset" not in " ".join(p["text"] for p in api["points"]).lower()
        fr = unescape(
            summary_of((await partner.get(f"/dashboard/rounds/{round_id}", headers={"accept-language": "fr"})).text)
        )
        assert "Votre organisation a classé « " in fr or "Votre organisation a classé “" in fr
        assert re.search(r"60[\u00a0\u202f ]%", fr)
