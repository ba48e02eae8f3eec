"""The reports library (docs/library.md): staff publish a PDF report through the page and the
JSON API, with every bad input refused by field and nothing stored; partners list, search,
read and download published reports and never see unpublished ones; every change is audited."""

from __future__ import annotations

from pathlib import Path

import httpx

from backend.audit.services import recent
from backend.database import fetch
from backend.demo.library import tiny_pdf
from backend.demo.seed import PARTNER_PASSWORD as DEMO_PARTNER_PASSWORD
from backend.demo.seed import seed_demo
from backend.settings import Settings
from backend.surveys.services import sync_folder
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.integration.conftest import csrf_token, form_data, sign_in
from tests.integration.test_api_rounds import api_client
from tests.integration.test_exchange import client_like

PDF = tiny_pdf("Test report")


def fields(**changes: str) -> dict[str, str]:
    return {
        "default_language": "en",
        "title_en": "Closing open-air markets",
        "title_fr": "Fermer les marchés à ciel ouvert",
        "summary_en": "What five cities learned about displacement.",
        "summary_fr": "Ce que cinq villes ont appris du déplacement.",
        "authors": "A. Researcher; B. Analyst",
        "published_on": "2026-10-01",
        **changes,
    }


async def stored() -> tuple[int, int]:
    reports = await fetch("SELECT count(*) AS n FROM library_report")
    files = await fetch("SELECT count(*) AS n FROM library_file")
    return int(reports[0]["n"]), int(files[0]["n"])


async def upload_page(
    client: httpx.AsyncClient, data: dict[str, str], file: tuple[str, bytes, str] | None, themes: list[str]
) -> httpx.Response:
    token = csrf_token((await client.get("/staff/library/new")).text)
    body = form_data({**data, "themes": themes}, _csrf_token=token)
    files = {"file": file} if file else {"file": ("", b"", "application/octet-stream")}
    return await client.post("/staff/library/new", data=body, files=files)


async def test_staff_publish_and_partners_read_and_download(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=3)
    async with client_like(client) as staff, client_like(client) as partner:
        await sign_in(staff, STAFF_EMAIL, STAFF_PASSWORD)
        # Bad inputs: each names its field, nothing is stored.
        bad = await upload_page(staff, fields(), ("notes.txt", b"hello", "text/plain"), ["strategy"])
        assert bad.status_code == 400 and "The file is not a PDF" in bad.text and 'id="file-error"' in bad.text
        fake = await upload_page(staff, fields(), ("fake.pdf", b"<html>", "application/pdf"), [])
        assert fake.status_code == 400 and "The file is not a PDF" in fake.text
        missing = await upload_page(staff, fields(title_en=""), ("r.pdf", PDF, "application/pdf"), [])
        assert missing.status_code == 400 and 'id="title_en-error"' in missing.text
        assert "Give the title in the report" in missing.text
        nofile = await upload_page(staff, fields(), None, [])
        assert nofile.status_code == 400 and "Choose the report" in nofile.text
        assert await stored() == (0, 0)

        good = await upload_page(
            staff, fields(), ("Open markets: été 2026.pdf", PDF, "application/pdf"), ["strategy", "targeting"]
        )
        assert good.status_code == 303, good.text
        report_path = good.headers["location"]
        assert await stored() == (1, 1)

        await sign_in(partner, world.partner_emails[0], PARTNER_PASSWORD)
        listed = await partner.get("/library")
        assert listed.status_code == 200 and "Closing open-air markets" in listed.text
        assert "Closing open-air" in (await partner.get("/library", params={"q": "five cities"})).text
        assert "Closing open-air" in (await partner.get("/library", params={"theme": "targeting"})).text
        assert "Closing open-air" not in (await partner.get("/library", params={"theme": "integrity"})).text
        page = await partner.get(report_path)
        assert page.status_code == 200 and "A. Researcher" in page.text and "/staff/library" not in page.text

        pdf = await partner.get(f"{report_path}/pdf")
        assert pdf.status_code == 200 and pdf.content == PDF
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"] == 'attachment; filename="Open-markets-ete-2026.pdf"'
        assert pdf.headers["x-content-type-options"] == "nosniff"
        assert "no-store" in pdf.headers["cache-control"]

        # French page: the French title and summary; a language without a title falls back, marked.
        await partner.post("/language", data={"language": "fr", "next": "/", "_csrf_token": csrf_token(listed.text)})
        french = await partner.get(report_path)
        assert "Fermer les marchés à ciel ouvert" in french.text and "Télécharger" in french.text, french.text[-3000:]
        await partner.post("/language", data={"language": "es", "next": "/", "_csrf_token": csrf_token(french.text)})
        spanish = await partner.get(report_path)
        assert '<h1 lang="en">Closing open-air markets</h1>' in spanish.text

        # Partners cannot publish; unpublished reports are invisible to them (404), staff still see them.
        token = csrf_token(listed.text)
        refused = await partner.post(
            "/staff/library/new", data={"_csrf_token": token}, files={"file": ("r.pdf", PDF, "application/pdf")}
        )
        assert refused.status_code == 403
        report_id = report_path.rsplit("/", 1)[1]
        token = csrf_token((await staff.get(report_path)).text)
        assert (
            await staff.post(f"/staff/library/{report_id}/unpublish", data={"_csrf_token": token})
        ).status_code == 303
        assert (await partner.get(report_path)).status_code == 404
        assert (await partner.get(f"{report_path}/pdf")).status_code == 404
        assert "Closing open-air" not in (await partner.get("/library")).text
        assert (await staff.get(report_path)).status_code == 200
        assert await stored() == (1, 1)  # never deleted

    actions = [e.action for e in await recent()]
    for action in ("library.report.publish", "library.report.download", "library.report.unpublish"):
        assert action in actions
    assert "access.refused.not_published" in actions


async def test_api_upload_edit_and_guards(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=3)
    settings.library_max_bytes = 2000
    async with client_like(client) as staff, client_like(client) as partner:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        hp = await api_client(partner, world.partner_emails[0], PARTNER_PASSWORD)
        big = PDF + b"%" * 3000
        too_big = await staff.post(
            "/api/library/reports",
            data=fields(),
            files={"file": ("big.pdf", big, "application/pdf")},
            headers=hs,
        )
        assert too_big.status_code == 422
        assert [p["key"] for p in too_big.json()["extra"]] == ["file"] and "too big" in too_big.text
        wrong = await staff.post(
            "/api/library/reports",
            data=fields(published_on="yesterday", themes="nowhere"),
            files={"file": ("r.pdf", PDF, "application/pdf")},
            headers=hs,
        )
        assert wrong.status_code == 422
        assert {p["key"] for p in wrong.json()["extra"]} == {"published_on", "themes"}
        assert await stored() == (0, 0)

        created = await staff.post(
            "/api/library/reports",
            data=fields(themes="strategy,measurement"),
            files={"file": ("r.pdf", PDF, "application/pdf")},
            headers=hs,
        )
        assert created.status_code == 201, created.text
        report = created.json()
        assert report["themes"] == ["strategy", "measurement"] and report["published"] is True

        assert (
            await partner.post(
                "/api/library/reports", data=fields(), files={"file": ("r.pdf", PDF, "application/pdf")}, headers=hp
            )
        ).status_code == 403
        listed = (await partner.get("/api/library/reports", params={"theme": "measurement"})).json()
        assert [r["id"] for r in listed] == [report["id"]]
        read = await partner.get(f"/api/library/reports/{report['id']}")
        assert read.status_code == 200 and read.json()["title"] == "Closing open-air markets"
        pdf = await partner.get(report["pdf"])
        assert pdf.status_code == 200 and pdf.content == PDF

        body = {"title": {"en": "Markets, revisited"}, "published_on": "2026-10-02", "themes": ["strategy"]}
        edited = await staff.post(f"/api/library/reports/{report['id']}", json=body, headers=hs)
        assert edited.status_code == 200 and edited.json()["title"] == "Markets, revisited"
        bad_edit = await staff.post(
            f"/api/library/reports/{report['id']}", json={**body, "title": {"fr": "Marchés"}}, headers=hs
        )
        assert bad_edit.status_code == 422 and [p["key"] for p in bad_edit.json()["extra"]] == ["title_en"]
        assert (await partner.get(report["pdf"])).content == PDF  # the PDF kept
        other = tiny_pdf("Second edition")
        not_pdf = await staff.post(
            f"/api/library/reports/{report['id']}/file", files={"file": ("r.pdf", b"MZ", "application/pdf")}, headers=hs
        )
        assert not_pdf.status_code == 422 and (await partner.get(report["pdf"])).content == PDF
        replaced = await staff.post(
            f"/api/library/reports/{report['id']}/file",
            files={"file": ("r2.pdf", other, "application/pdf")},
            headers=hs,
        )
        assert replaced.status_code == 200 and replaced.json()["filename"] == "r2.pdf"
        assert (await partner.get(report["pdf"])).content == other
        gone = await staff.post(f"/api/library/reports/{report['id']}/unpublish", headers=hs)
        assert gone.status_code == 200 and gone.json()["published"] is False
        assert (await partner.get(f"/api/library/reports/{report['id']}")).status_code == 404
        assert (await partner.get("/api/library/reports")).json() == []
        assert len((await staff.get("/api/library/reports")).json()) == 1
        back = await staff.post(f"/api/library/reports/{report['id']}/publish", headers=hs)
        assert back.json()["published"] is True

    actions = [e.action for e in await recent()]
    for action in (
        "library.report.publish",
        "library.report.edit",
        "library.report.unpublish",
        "library.report.republish",
    ):
        assert action in actions


async def test_the_demo_has_a_report(client: httpx.AsyncClient, settings: Settings, surveys_dir: Path) -> None:
    await sync_folder(surveys_dir)
    accounts = await seed_demo("http://test", settings.secret_key)
    await api_client(client, accounts.partner_email, DEMO_PARTNER_PASSWORD)
    [report] = (await client.get("/api/library/reports")).json()
    assert report["themes"] == ["strategy", "targeting"] and set(report["titles"]) == {"en", "fr", "es"}
    pdf = await client.get(report["pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-1.4") and pdf.content.endswith(b"%%EOF\n")
