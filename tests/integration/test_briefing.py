"""Briefing packs (docs/briefing.md): a partner downloads the PDF of a published round from the
dashboard and through the API, in their language; it holds the round's title, the confidentiality
notice, the key findings the dashboard shows and exactly the dashboard's published figures (a
withheld figure stays withheld); another force's pack and an unpublished round are refused; staff
write the questions for discussion and download any force's pack; every download is audited."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import httpx
from pypdf import PdfReader

from backend.audit.services import recent
from backend.briefing.services import published_for, round_of_pack
from backend.i18n import language_for
from backend.publication.dashboard import WITHHELD_TEXT
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, make_world, open_test_round
from tests.integration.conftest import csrf_token, form_data, sign_in
from tests.integration.test_exchange import client_like
from tests.integration.test_publication import headers, published_round, staff_client


def pdf_text(response: httpx.Response) -> str:
    """The PDF's text, every run of white space one space (lines wrap anywhere on paper)."""
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def group_of(result: dict[str, Any], question: str, key: tuple[str, str]) -> dict[str, Any]:
    q = next(q for q in result["questions"] if q["id"] == question)
    return next(g for g in q["groups"] if (g["dimension"], g["value"]) == key)


async def test_partner_pack_is_the_dashboard_in_the_readers_language(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=12)
    await staff_client(client)
    round_id = await published_round(client, world, settings)
    async with client_like(client) as partner:
        await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)
        page = (await partner.get(f"/dashboard/rounds/{round_id}")).text
        link = re.search(r'href="([^"]+)" download data-testid="briefing-pack"', page)
        assert link and link.group(1) == f"/dashboard/rounds/{round_id}/briefing.pdf"

        text = pdf_text(await partner.get(link.group(1)))
        assert "Test round" in text and "Briefing pack" in text
        assert "Confidential: for the use of Force 0 only." in text and "Chatham House Rule" in text
        # the key findings: the dashboard's summary, word for word
        summary = (await partner.get(f"/api/publications/{round_id}/summary")).json()
        assert summary["points"], "the seeded answers make some answer of force 1 stand out"
        for point in summary["points"]:
            assert flat(point["text"]) in text, point["text"]
        assert "Questions for discussion" in text and "Drawn from your force's key findings." in text

        # exactly the figures of the dashboard's JSON route for this viewer
        results = (await partner.get(f"/api/publications/{round_id}")).json()
        published = await published_for(round_id, world.force_ids[0])
        assert published is not None
        english = language_for("en")
        part, _themes, _slug = await round_of_pack(published, english)
        charts = {c.question_id: c for t in part.themes for c in t.charts}
        assert set(charts) == {q["id"] for q in results["questions"]}
        withheld_all = 0
        for qid, chart in charts.items():
            figures = group_of(results, qid, ("all", "all"))
            if figures["withheld"]:
                withheld_all += 1
                assert chart.drawing is None and not chart.rows, qid
                continue
            assert f"(n = {figures['forces']})" in chart.caption, qid
            counts = figures["figures"].get("counts")
            if results_kind(results, qid) in {"categorical", "multi"}:
                shown = {row[0]: row[1] for row in chart.rows}
                for value in counts.values():
                    assert ("withheld" if value is None else str(value)) in shown.values(), (qid, value)
        assert text.count(flat(WITHHELD_TEXT)) == withheld_all

        # a withheld figure stays withheld: in the force's own group with the most withheld
        # figures (a region of few forces), the pack withholds exactly what the JSON withholds
        assert published.groups
        counted = {
            dim: sum(1 for q in results["questions"] if group_of(results, q["id"], (dim, value))["withheld"])
            for dim, value in published.groups.items()
        }
        dim = max(counted, key=lambda d: counted[d])
        assert counted[dim] > withheld_all, "a small own group withholds more than all forces"
        mine = f"{dim}:{published.groups[dim]}"
        own_group = pdf_text(await partner.get(f"/dashboard/rounds/{round_id}/briefing.pdf?group={mine}"))
        assert own_group.count(flat(WITHHELD_TEXT)) == counted[dim]
        part_mine, _t, _s = await round_of_pack(published, english, mine)
        for chart in (c for t in part_mine.themes for c in t.charts):
            figures = group_of(results, chart.question_id, (dim, published.groups[dim]))
            assert (chart.drawing is None) == figures["withheld"], chart.question_id
            if not figures["withheld"]:
                assert f"(n = {figures['forces']})" in chart.caption

        # in French and in Spanish: the page's language, or `language` through the API
        fr_page = (await partner.get(f"/dashboard/rounds/{round_id}", headers={"accept-language": "fr"})).text
        fr = pdf_text(
            await partner.get(f"/dashboard/rounds/{round_id}/briefing.pdf", headers={"accept-language": "fr"})
        )
        assert "Dossier de préparation" in fr and "Confidentiel" in fr and "Briefing pack" not in fr
        fr_items = re.findall(r'<li data-kind="[a-z]+">.*?<br>(.*?)</li>', fr_page, flags=re.S)
        assert fr_items
        for item in fr_items:
            assert flat(item.replace("&#39;", "'").replace("&amp;", "&")) in fr, item
        es = pdf_text(await partner.get(f"/api/publications/{round_id}/briefing.pdf?language=es"))
        assert "Dosier de preparación" in es and "Confidencial" in es
        bad = await partner.get(f"/api/publications/{round_id}/briefing.pdf?language=xx")
        assert bad.status_code == 400 and "language" in bad.text

        # guards: another force's pack, an unpublished round
        other = await partner.get(f"/dashboard/rounds/{round_id}/briefing.pdf?force={world.force_ids[1]}")
        assert other.status_code == 403
        api_other = await partner.get(f"/api/publications/{round_id}/briefing.pdf?force={world.force_ids[1]}")
        assert api_other.status_code == 403
        own = await partner.get(f"/api/publications/{round_id}/briefing.pdf?force={world.force_ids[0]}")
        assert own.status_code == 200
        unpublished = await open_test_round(world, settings.secret_key)
        assert (await partner.get(f"/dashboard/rounds/{unpublished}/briefing.pdf")).status_code == 404
        assert (await partner.get(f"/api/publications/{unpublished}/briefing.pdf")).status_code == 404
        assert (await partner.get("/meetings/999999/briefing.pdf")).status_code == 404
        # staff pages and the questions' API are for staff
        assert (await partner.get(f"/staff/rounds/{round_id}/briefing")).status_code == 403
        assert (await partner.get(f"/api/rounds/{round_id}/briefing/questions")).status_code == 403

    events = await recent(50)
    downloads = [e for e in events if e.action == "briefing.pack.download"]
    assert any(e.details.get("force") == world.force_ids[0] and e.details.get("language") == "fr" for e in downloads)
    assert any(e.action == "access.refused.other_force" for e in events)


def results_kind(results: dict[str, Any], qid: str) -> str:
    return str(next(q["kind"] for q in results["questions"] if q["id"] == qid))


async def test_staff_write_questions_and_download_any_forces_pack(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=12)
    await staff_client(client)
    round_id = await published_round(client, world, settings)
    path = f"/api/rounds/{round_id}/briefing/questions"
    assert (await client.get(path)).json()["questions"] == {"en": [], "fr": [], "es": []}

    # bad input: named by field, nothing stored; on the page, what was typed is kept
    many = await client.put(path, json={"questions": {"en": [f"Q{i}?" for i in range(13)]}}, headers=headers(client))
    assert many.status_code == 422 and "questions_en" in many.text
    unknown = await client.put(path, json={"questions": {"de": ["Was?"]}}, headers=headers(client))
    assert unknown.status_code == 422 and "questions_de" in unknown.text
    assert (await client.get(path)).json()["questions"]["en"] == []
    page = await client.get(f"/staff/rounds/{round_id}/briefing")
    assert page.status_code == 200 and 'data-testid="staff-pack"' in page.text
    long = "Why? " * 100
    refused = await client.post(
        f"/staff/rounds/{round_id}/briefing",
        data=form_data({"questions_en": "Fine?", "questions_fr": long}, _csrf_token=csrf_token(page.text)),
    )
    assert refused.status_code == 400 and 'id="questions_fr-error"' in refused.text
    assert "Why? Why?" in refused.text and "Fine?" in refused.text
    assert (await client.get(path)).json()["questions"]["en"] == []

    saved = await client.put(
        path,
        json={
            "questions": {
                "en": ["What has your force tried against open-air markets?"],
                "fr": ["Qu'avez-vous essayé ?"],
            }
        },
        headers=headers(client),
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["questions"]["es"] == []

    # staff download a force's pack, as that force would (its findings, its questions)
    text = pdf_text(await client.get(f"/dashboard/rounds/{round_id}/briefing.pdf?force={world.force_ids[3]}"))
    assert "Confidential: for the use of Force 3 only." in text
    assert "What has your force tried against open-air markets?" in text
    assert "Drawn from your force's key findings." not in text
    es = pdf_text(await client.get(f"/api/publications/{round_id}/briefing.pdf?force={world.force_ids[3]}&language=es"))
    assert "What has your force tried against open-air markets?" in es  # no Spanish: the first written
    assert (await client.get(f"/dashboard/rounds/{round_id}/briefing.pdf")).status_code == 400  # which force?
    assert (await client.get(f"/dashboard/rounds/{round_id}/briefing.pdf?force=999999")).status_code == 404

    events = await recent(20)
    assert any(e.action == "briefing.pack.download" and e.details.get("force") == world.force_ids[3] for e in events)
    assert any(e.action == "briefing.questions.edit" for e in events)


async def test_meeting_pack_holds_the_meeting_its_rounds_and_reports(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    from backend.demo.library import seed_library

    world = await make_world(surveys_dir, forces=12)
    await staff_client(client)
    round_id = await published_round(client, world, settings)
    report_id = await seed_library(world.staff)
    meeting = {
        "title": {"en": "Peer exchange in Lyon", "fr": "Échange entre pairs à Lyon"},
        "starts_at": "2099-03-09T14:00",
        "ends_at": "2099-03-09T16:00",
        "timezone": "Europe/Paris",
        "place": "Lyon",
        "capacity": 20,
        "agenda": {"en": "1. **Open-air markets**\n2. What next"},
        "report_ids": [report_id],
        "round_ids": [round_id],
    }
    made = await client.post("/api/meetings", json=meeting, headers=headers(client))
    assert made.status_code == 201, made.text
    meeting_id = int(made.json()["id"])
    async with client_like(client) as partner:
        await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)
        # a draft meeting has no pack yet
        assert (await partner.get(f"/meetings/{meeting_id}/briefing.pdf")).status_code == 404
        assert (await client.post(f"/api/meetings/{meeting_id}/announce", headers=headers(client))).status_code == 200
        text = pdf_text(await partner.get(f"/meetings/{meeting_id}/briefing.pdf"))
        assert "Peer exchange in Lyon" in text and "Lyon" in text and "Open-air markets" in text
        assert "Test round" in text and "Key findings" in text
        assert "Managing open-air drug markets: lessons from five cities" in text  # the linked report
        assert "Confidential: for the use of Force 0 only." in text
        fr = pdf_text(await partner.get(f"/api/meetings/{meeting_id}/briefing.pdf?language=fr"))
        assert "Échange entre pairs à Lyon" in fr and "Principaux constats" in fr
        other = await partner.get(f"/meetings/{meeting_id}/briefing.pdf?force={world.force_ids[1]}")
        assert other.status_code == 403
        assert (await partner.get(f"/staff/meetings/{meeting_id}/briefing")).status_code == 403
    staff_page = await client.get(f"/staff/meetings/{meeting_id}/briefing")
    assert staff_page.status_code == 200 and 'data-testid="staff-meeting-pack"' in staff_page.text
    assert f'href="/staff/rounds/{round_id}/briefing"' in staff_page.text
    staff_pack = await client.get(f"/api/meetings/{meeting_id}/briefing.pdf?force={world.force_ids[4]}")
    assert "Confidential: for the use of Force 4 only." in pdf_text(staff_pack)
