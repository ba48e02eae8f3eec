"""The staff analysis workspace on real PostgreSQL: its figures equal the round's SQL
aggregation, filters and cross-tabs count the right forces, bad input is refused by field,
partners are refused, free-text coding is audited, allocation corrections are recorded from
the respondent pages, and no figure only the workspace shows reaches a partner."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from backend.analysis.aggregates import aggregate_round
from backend.audit.tables import AuditEvent
from backend.database import fetch
from backend.partners.peer_groups import ALL
from backend.responses.tables import Response
from backend.settings import Settings
from backend.surveys.services import load_version
from tests.factories import (
    PARTNER_PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    World,
    make_world,
    open_test_round,
    submit_random,
)
from tests.integration.conftest import csrf_token, post_form, sign_in
from tests.integration.test_responses import revision_of, start_respondent
from tests.integration.test_staff_languages import assert_no_english, visible_text


def headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def staff(client: httpx.AsyncClient) -> httpx.AsyncClient:
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    await client.get("/staff")
    return client


async def round_with_answers(
    settings: Settings, surveys_dir: Path, forces: int = 8
) -> tuple[World, int, dict[int, Any]]:
    world = await make_world(surveys_dir, forces=forces)
    round_id = await open_test_round(world, settings.secret_key)
    answers = await submit_random(round_id, world, world.force_ids[: forces - 1], seed=7)
    # a draft is never analysed
    await Response.insert(Response(round=round_id, force=world.force_ids[-1], status="draft", answers="{}"))
    return world, round_id, answers


def by_id(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in result["questions"]}


async def test_figures_equal_the_sql_aggregation(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world, round_id, _answers = await round_with_answers(settings, surveys_dir)
    await staff(client)
    result = (await client.get(f"/api/rounds/{round_id}/analysis")).json()
    assert result["published"] is False and result["records"] == 7 and result["kept"] == 7
    survey = await load_version(world.version_id)
    raw = await aggregate_round(round_id, survey)
    questions = by_id(result)
    for qid, rq in raw.questions.items():
        mine = questions[qid]
        assert mine["n"] == rq.n.get(ALL, 0), qid
        data = rq.data.get(ALL, {})
        if rq.kind in {"categorical", "multi", "ranking", "matrix"}:
            expected = {k: v for k, v in data.get("counts", {}).items() if k is not None}
            assert mine["figures"]["counts"] == expected, qid
        elif rq.kind == "numeric" and data:
            for key in ("p25", "median", "p75", "mean"):
                assert abs(mine["figures"][key] - data[key]) < 1e-9, (qid, key)
        elif rq.kind == "allocation" and rq.n.get(ALL):
            for item, total in data["sums"].items():
                assert abs(mine["figures"]["means"][item] - round(total / rq.n[ALL], 1)) < 1e-9

    page = await client.get(f"/staff/rounds/{round_id}/analysis")
    assert page.status_code == 200
    assert 'data-testid="not-published"' in page.text
    assert "Not published · All responding forces (n = 7)" in page.text
    round_page = await client.get(f"/staff/rounds/{round_id}")
    assert f'href="/staff/rounds/{round_id}/analysis"' in round_page.text


async def test_filters_breakdowns_and_crosstab(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    _world, round_id, answers = await round_with_answers(settings, surveys_dir)
    await staff(client)
    groups = {
        r["force"]: r["region"] for r in await fetch("SELECT force, region FROM round_force WHERE round = $1", round_id)
    }
    europe = [f for f in answers if groups[f] == "europe"]
    filtered = (await client.get(f"/api/rounds/{round_id}/analysis", params={"group": "region:europe"})).json()
    assert filtered["kept"] == len(europe) and filtered["filters"]["group"] == "region:europe"

    yes = [f for f, a in answers.items() if a.get("has_drug_strategy") == "yes"]
    by_answer = (
        await client.get(f"/api/rounds/{round_id}/analysis", params={"answer": "has_drug_strategy:yes"})
    ).json()
    assert by_answer["kept"] == len(yes)
    assert by_id(by_answer)["has_drug_strategy"]["figures"]["counts"] == ({"yes": len(yes)} if yes else {})

    params = {"rows": "has_drug_strategy", "columns": "naloxone_carried", "by": "force_type"}
    result = (await client.get(f"/api/rounds/{round_id}/analysis", params=params)).json()
    ct = result["crosstab"]
    both = [a for a in answers.values() if a.get("has_drug_strategy") and a.get("naloxone_carried")]
    assert ct["total"] == len(both)
    for i, r in enumerate(ct["row_codes"]):
        for j, c in enumerate(ct["column_codes"]):
            expected = sum(1 for a in both if a["has_drug_strategy"] == r and a["naloxone_carried"] == c)
            assert ct["counts"][i][j] == expected
        assert ct["row_totals"][i] == sum(ct["counts"][i])
        if ct["row_totals"][i]:
            assert ct["row_percent"][i][0] == round(100 * ct["counts"][i][0] / ct["row_totals"][i], 1)
    breakdown = by_id(result)["has_drug_strategy"]["breakdown"]
    assert breakdown["dimension"] == "force_type"
    assert sum(g["n"] for g in breakdown["groups"]) == by_id(result)["has_drug_strategy"]["n"]

    page = await client.get(f"/staff/rounds/{round_id}/analysis", params=params)
    assert 'data-testid="crosstab"' in page.text and 'data-testid="breakdown-has_drug_strategy"' in page.text


async def test_bad_input_is_refused_by_field(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    _world, round_id, _answers = await round_with_answers(settings, surveys_dir)
    await staff(client)
    for params, field in [
        ({"group": "planet:mars"}, "group"),
        ({"answer": "has_drug_strategy:perhaps"}, "answer"),
        ({"answer": "targeting_example:x"}, "answer"),
        ({"by": "colour"}, "by"),
        ({"rows": "has_drug_strategy", "columns": "has_drug_strategy"}, "columns"),
        ({"rows": "naloxone_trained_pct", "columns": "has_drug_strategy"}, "rows"),
    ]:
        refused = await client.get(f"/api/rounds/{round_id}/analysis", params=params)
        assert refused.status_code == 422, params
        assert field in [e["key"] for e in refused.json()["extra"]], params
        page = await client.get(f"/staff/rounds/{round_id}/analysis", params=params)
        assert page.status_code == 400 and "There is a problem" in page.text
    assert (await client.get("/api/rounds/999999/analysis")).status_code == 404
    assert (await client.get(f"/staff/rounds/{round_id}/analysis/coding/has_drug_strategy")).status_code == 404


async def test_partners_are_refused(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world, round_id, _answers = await round_with_answers(settings, surveys_dir)
    await sign_in(client, world.partner_emails[0], PARTNER_PASSWORD)
    await client.get("/dashboard")
    assert (await client.get(f"/api/rounds/{round_id}/analysis")).status_code == 403
    assert (await client.get(f"/api/rounds/{round_id}/coding/targeting_example")).status_code == 403
    added = await client.post(
        f"/api/rounds/{round_id}/coding/targeting_example/themes", json={"name": "x"}, headers=headers(client)
    )
    assert added.status_code == 403
    page = await client.get(f"/staff/rounds/{round_id}/analysis")
    assert page.status_code in {302, 303, 403}
    assert "Not published" not in page.text
    assert await fetch("SELECT id FROM coding_theme") == []


async def test_coding_is_audited(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    _world, round_id, answers = await round_with_answers(settings, surveys_dir)
    await staff(client)
    qid = "targeting_example"
    base = f"/api/rounds/{round_id}/coding/{qid}"
    coding = (await client.get(base)).json()
    texts = [a for a in answers.values() if isinstance(a.get(qid), str) and a[qid].strip()]
    assert coding["published"] is False and len(coding["answers"]) == len(texts) == coding["uncoded"]
    assert len(texts) >= 2

    a = (await client.post(f"{base}/themes", json={"name": "  Violence  "}, headers=headers(client))).json()
    b = (await client.post(f"{base}/themes", json={"name": "Health"}, headers=headers(client))).json()
    assert a["name"] == "Violence"
    duplicate = await client.post(f"{base}/themes", json={"name": "violence"}, headers=headers(client))
    assert duplicate.status_code == 422 and duplicate.json()["extra"][0]["key"] == "name"
    empty = await client.post(f"{base}/themes", json={"name": " "}, headers=headers(client))
    assert empty.status_code == 422

    first, second = coding["answers"][0]["response_id"], coding["answers"][1]["response_id"]
    tagged = await client.put(f"{base}/answers/{first}", json={"themes": [a["id"], b["id"]]}, headers=headers(client))
    assert tagged.status_code == 200 and tagged.json() == sorted([a["id"], b["id"]])
    await client.put(f"{base}/answers/{second}", json={"themes": [b["id"]]}, headers=headers(client))
    stranger = await client.put(f"{base}/answers/{first}", json={"themes": [999999]}, headers=headers(client))
    assert stranger.status_code == 422
    counts = {t["name"]: t["count"] for t in (await client.get(base)).json()["themes"]}
    assert counts == {"Violence": 1, "Health": 2}

    renamed = await client.patch(f"{base}/themes/{a['id']}", json={"name": "Market violence"}, headers=headers(client))
    assert renamed.status_code == 200
    merged = await client.post(f"{base}/themes/{a['id']}/merge", json={"into": b["id"]}, headers=headers(client))
    assert merged.status_code == 200
    after = (await client.get(base, params={"by": "region"})).json()
    assert [(t["name"], t["count"]) for t in after["themes"]] == [("Health", 2)]
    assert sum(after["themes"][0]["by_group"].values()) == 2
    assert (await client.delete(f"{base}/themes/{b['id']}", headers=headers(client))).status_code == 200
    assert (await client.get(base)).json()["themes"] == []

    actions = [e["action"] for e in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)]
    for action in (
        "coding.theme.added",
        "coding.answer.tagged",
        "coding.theme.renamed",
        "coding.theme.merged",
        "coding.theme.deleted",
    ):
        assert action in actions
    refused = [e for e in await AuditEvent.select().where(AuditEvent.action == "coding.theme.added")]
    assert len(refused) == 2  # refused input changed nothing

    # the page: names hidden by default, a theme added and an answer tagged without JavaScript
    page_url = f"/staff/rounds/{round_id}/analysis/coding/{qid}"
    page = await client.get(page_url)
    assert page.status_code == 200 and 'data-testid="force-name"' not in page.text
    added = await post_form(client, page_url, f"{page_url}/themes", {"name": "Partnership"})
    assert added.status_code == 303
    theme_id = int(re.search(r'name="themes" value="(\d+)"', (await client.get(page_url)).text).group(1))
    done = await post_form(client, page_url, f"{page_url}/answers/{first}", {"themes": str(theme_id)})
    assert done.status_code == 303
    shown = await client.get(page_url + "?forces=1")
    assert 'data-testid="force-name"' in shown.text
    assert f'value="{theme_id}" checked' in shown.text
    refused_page = await post_form(client, page_url, f"{page_url}/themes", {"name": "partnership"})
    assert refused_page.status_code == 400 and "already has a theme of that name" in refused_page.text


async def test_allocation_corrections_are_recorded(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=2)
    round_id = await open_test_round(world, settings.secret_key)
    force = world.force_ids[0]
    await start_respondent(client, settings, round_id, force)
    survey = await load_version(world.version_id)
    question = next(q for q in survey.questions() if q.type == "allocation")
    page = await client.get("/respond/section/resources")
    data = {f"{question.id}.{i.code}": "30" for i in question.settings.items}
    data |= {"revision": revision_of(page.text), "action": "continue", "_csrf_token": csrf_token(page.text)}
    refused = await client.post("/respond/section/resources", data=data)
    assert refused.status_code == 400
    rows = await fetch("SELECT force, question_id, total FROM allocation_correction WHERE round = $1", round_id)
    assert [(r["force"], r["question_id"]) for r in rows] == [(force, question.id)]
    assert rows[0]["total"] == 30.0 * len(question.settings.items)

    # once the force has submitted, the workspace counts the correction for its question
    await Response.update({Response.status: "submitted"}).where(Response.round == round_id)
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as staff_client:
        await staff(staff_client)
        result = (await staff_client.get(f"/api/rounds/{round_id}/analysis")).json()
    assert by_id(result)[question.id]["allocation_corrections"] == {"forces": 1, "times": 1}


async def test_partner_outputs_hold_no_workspace_figure(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    """A group of one force is never shown to partners, published or not: the workspace shows
    it, and neither the partner pages nor the partner API ever say it."""
    world, round_id, answers = await round_with_answers(settings, surveys_dir)
    await staff(client)
    marker = "Not published"
    # publish the round, then look for the workspace's one-force figure everywhere partners look
    assert (await client.post(f"/api/rounds/{round_id}/close", headers=headers(client))).status_code == 201
    published = await client.post(f"/api/rounds/{round_id}/publish", json={"confirm": True}, headers=headers(client))
    assert published.status_code == 201, published.text
    groups = {
        r["force"]: r["region"] for r in await fetch("SELECT force, region FROM round_force WHERE round = $1", round_id)
    }
    lonely = next(region for region in set(groups.values()) if sum(1 for f in answers if groups[f] == region) == 1)
    one = (await client.get(f"/api/rounds/{round_id}/analysis", params={"group": f"region:{lonely}"})).json()
    assert one["kept"] == 1
    page = (await client.get(f"/staff/rounds/{round_id}/analysis", params={"group": f"region:{lonely}"})).text
    assert "(n = 1)" in page

    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as partner:
        await sign_in(partner, world.partner_emails[1], PARTNER_PASSWORD)
        seen = []
        for url in (
            "/dashboard",
            f"/dashboard/rounds/{round_id}",
            f"/dashboard/rounds/{round_id}?group=region:{lonely}",
        ):
            response = await partner.get(url)
            seen.append(response.text)
        api = await partner.get(f"/api/publications/{round_id}")
        assert api.status_code == 200
        seen.append(api.text)
        for text in seen:
            assert marker not in text and "(n = 1)" not in text
        published_json = api.json()
        for q in published_json["questions"]:
            for g in q["groups"]:
                if (g["dimension"], g["value"]) == ("region", lonely):
                    assert g["withheld"] is True and g["forces"] is None and g["figures"] == {}
        assert json.dumps(published_json).count('"forces": 1,') == 0


async def test_pages_in_french_and_spanish(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    _world, round_id, _answers = await round_with_answers(settings, surveys_dir)
    await staff(client)
    params = {"rows": "has_drug_strategy", "columns": "naloxone_carried", "by": "region"}
    expected = {
        "fr": ["Espace d'analyse", "Non publié", "Tableau croisé de deux questions", "Grille de codage"],
        "es": ["Espacio de análisis", "No publicado", "Tabla cruzada de dos preguntas", "Libro de códigos"],
    }
    for code, words in expected.items():
        await post_form(client, "/staff", "/language", {"language": code, "next": "/staff"})
        pages = [
            await client.get(f"/staff/rounds/{round_id}/analysis", params=params),
            await client.get(f"/staff/rounds/{round_id}/analysis/coding/targeting_example"),
        ]
        text = " ".join(visible_text(p) for p in pages)
        for page in pages:
            assert page.status_code == 200 and f'<html lang="{code}">' in page.text
            assert_no_english(page)
        for word in words:
            assert word in text, (code, word)
