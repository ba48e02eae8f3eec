"""Publishing a free-text question's coded theme counts (issue 13, item 2): staff opt in on the
coding page or through the API (audited), the preview shows the theme chart with what would be
withheld, publishing puts the counts through disclosure control like a multiple choice, partners
see only the disclosure-controlled counts and their own force's themes marked, no partner route
ever carries another force's text, and a codebook edited after publication changes nothing that
partners see until a correction is published."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar

from backend.audit.tables import AuditEvent
from backend.responses.tables import Response
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, make_world, open_test_round, submit_random
from tests.integration.conftest import sign_in
from tests.integration.test_exchange import partner_get_paths
from tests.integration.test_publication import headers, staff_client
from tests.unit.test_coded_themes import TEXT, THEMES, TWELVE


def secret(i: int) -> str:
    return f"Confidential wish number {i:02d} of this force"


def themes_result(result: dict[str, Any]) -> dict[str, Any]:
    question = next(q for q in result["questions"] if q["id"] == TEXT)
    overall = next(g for g in question["groups"] if (g["dimension"], g["value"]) == ("all", "all"))
    return {"kind": question["kind"], "themes": question["themes"], "n": overall["forces"], **overall["figures"]}


def theme_panel(page: str) -> str:
    start = page.index(f'id="result-{TEXT}"')
    return page[start : page.index("</article>", start)]


async def test_published_theme_counts_are_disclosure_controlled_and_frozen(
    app: Litestar, client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=12)
    await staff_client(client)
    h = headers(client)
    round_id = await open_test_round(world, settings.secret_key)
    given = await submit_random(round_id, world, world.force_ids, seed=11)
    for i, force_id in enumerate(world.force_ids):
        await Response.update({Response.answers: json.dumps({**given[force_id], TEXT: secret(i)})}).where(
            (Response.round == round_id) & (Response.force == force_id)
        )

    # the codebook and each answer's themes (the TWELVE pattern: "Data sharing" at force 0 only)
    base = f"/api/rounds/{round_id}/coding/{TEXT}"
    ids = {}
    for name in THEMES:
        made = await client.post(f"{base}/themes", json={"name": name}, headers=h)
        assert made.status_code == 201, made.text
        ids[name] = made.json()["id"]
    coding = (await client.get(base)).json()
    assert coding["publish_themes"] is False
    response_of = {int(a["force_name"].split()[-1]): a["response_id"] for a in coding["answers"]}
    for i, tags in TWELVE.items():
        put = await client.put(
            f"{base}/answers/{response_of[i]}", json={"themes": [ids[t] for t in tags or []]}, headers=h
        )
        assert put.status_code == 200, put.text

    # not chosen: nothing of the question is in the preview
    preview = (await client.get(f"/api/rounds/{round_id}/preview")).json()
    assert TEXT not in {q["id"] for q in preview["results"]["questions"]}

    # staff opt in through the coding page (audited), and the API says so
    page = (await client.get(f"/staff/rounds/{round_id}/analysis/coding/{TEXT}")).text
    assert 'data-testid="publish-themes"' in page
    chosen = await client.post(
        f"/staff/rounds/{round_id}/analysis/coding/{TEXT}/publish", data={"publish": "1"}, headers=h
    )
    assert chosen.status_code in (302, 303)
    assert (await client.get(base)).json()["publish_themes"] is True
    assert (await client.put(f"{base}/publish", json={"publish": True}, headers=h)).json() == {"publish": True}
    assert (await client.put(f"{base}/publish", json={"publish": "yes"}, headers=h)).status_code == 400
    actions = [e["action"] for e in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)]
    assert actions.count("coding.publish.chosen") == 1  # the second choice changed nothing

    # the preview: the theme chart, with "Data sharing" withheld (the crowd rule) and reported
    assert (await client.post(f"/api/rounds/{round_id}/close", headers=h)).status_code == 201
    preview = (await client.get(f"/api/rounds/{round_id}/preview")).json()
    assert themes_result(preview["results"]) == {
        "kind": "multi",
        "themes": sorted(THEMES, key=str.lower),  # the codebook's order
        "n": 12,
        "counts": {"Training": 7, "Funding": 4, "Data sharing": None},
    }
    assert any(w["item"] == "Data sharing" and w["group"] == "All partner forces" for w in preview["withheld"])
    staff_page = unescape((await client.get(f"/staff/rounds/{round_id}/preview")).text)
    panel = theme_panel(staff_page)
    assert "Themes coded by project staff · All partner forces (n = 12)" in panel
    assert re.search(r"Data sharing</th><td>withheld</td>", panel)
    assert secret(0) not in staff_page

    done = await client.post(f"/api/rounds/{round_id}/publish", json={"confirm": True}, headers=h)
    assert done.status_code == 201, done.text

    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as partner:
        await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)
        await partner.get("/dashboard")
        api = (await partner.get(f"/api/publications/{round_id}")).json()
        assert themes_result(api)["counts"] == {"Training": 7, "Funding": 4, "Data sharing": None}
        dashboard = unescape((await partner.get(f"/dashboard/rounds/{round_id}")).text)
        panel = theme_panel(dashboard)
        assert 'data-testid="coded-themes"' in panel and "Your force's themes are marked." in panel
        # force 0's themes: "Training" marked; "Data sharing" is its own but withheld for the group
        assert re.search(r"Training</th><td>7</td><td>[^<]*</td><td>✔</td>", panel)
        assert re.search(r"Data sharing</th><td>withheld</td><td>withheld</td><td>✔</td>", panel)
        fr = unescape((await partner.get(f"/dashboard/rounds/{round_id}", headers={"accept-language": "fr"})).text)
        assert "Thèmes codés par l'équipe du projet" in theme_panel(fr) and "Training" in theme_panel(fr)

        # no partner route carries another force's text
        values = [{"round_id": round_id, "questionnaire_id": 1, "version_id": world.version_id}]
        paths = partner_get_paths(app, values)
        assert f"/dashboard/rounds/{round_id}" in paths and f"/api/publications/{round_id}" in paths
        before: dict[str, str] = {}
        for path in paths:
            answer = await partner.get(path)
            for i in range(1, 12):
                assert secret(i) not in answer.text, (path, i)
            if path in (f"/api/publications/{round_id}", f"/api/publications/{round_id}/summary"):
                before[path] = answer.text
        before["page"] = theme_panel(dashboard)
        assert secret(0) not in before["page"]  # not even the force's own text, on its chart

        # a codebook edited after publication changes nothing partners see
        await client.patch(f"{base}/themes/{ids['Training']}", json={"name": "Skills"}, headers=h)
        await client.post(f"{base}/themes/{ids['Funding']}/merge", json={"into": ids["Data sharing"]}, headers=h)
        await client.put(f"{base}/answers/{response_of[0]}", json={"themes": []}, headers=h)
        for path in (f"/api/publications/{round_id}", f"/api/publications/{round_id}/summary"):
            assert (await partner.get(path)).text == before[path], path
        again = unescape((await partner.get(f"/dashboard/rounds/{round_id}")).text)
        assert theme_panel(again) == before["page"]

        # a correction publishes the codebook as it is now
        corrected = await client.post(
            f"/api/rounds/{round_id}/publish", json={"confirm": True, "correction": True}, headers=h
        )
        assert corrected.status_code == 201, corrected.text
        now = themes_result((await partner.get(f"/api/publications/{round_id}")).json())
        assert now["themes"] == ["Data sharing", "Skills"] and now["counts"]["Skills"] == 6  # force 0 lost its themes
        assert "Training" not in theme_panel(unescape((await partner.get(f"/dashboard/rounds/{round_id}")).text))

        # partners cannot choose what is published
        await partner.get("/api/account")  # sets the CSRF cookie
        refused = await partner.put(
            f"{base}/publish", json={"publish": False}, headers={"x-csrftoken": partner.cookies.get("csrftoken", "")}
        )
        assert refused.status_code == 403
