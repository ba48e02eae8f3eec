"""The partner registry on real PostgreSQL: importing CSV and XLSX files (every problem by row
and column, nothing imported until the file is clean, one transaction), editing, deactivating
and merging forces and people through the pages and the API, with guards and audit."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import openpyxl

from backend.audit.services import recent
from backend.database import fetch
from backend.partners.services import create_person, find_person, get_force, list_forces
from backend.profile_changes.schemas import ProfileChangeStatus
from backend.profile_changes.services import list_changes
from backend.registry.imports import template_csv, template_xlsx
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round
from tests.integration.conftest import csrf_token, post_form, sign_in
from tests.integration.test_api_rounds import api_client

FORCES_CSV = (
    "code,name,country,region,force_type,size_band,officers,population_served\n"
    'north-city,North City Police,Utopia,europe,city,1000_4999,"2,400",850000\n'
    "south-state,South State Police,Utopia,Latin America and the Caribbean,regional,5000_19999,,\n"
)
PEOPLE_CSV = (
    "email,name,force_code,role,language\n"
    "ana.lopez@example.org,Ana López,north-city,lead_respondent,es\n"
    "ben@example.org,Ben Okafor,north-city,colleague,\n"
    "cleo@example.org,Cléo Martin,south-state,viewer,fr\n"
)


async def _actions(prefix: str) -> list[Any]:
    return [e for e in await recent(500) if e.action.startswith(prefix)]


def _workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _upload(client: httpx.AsyncClient, name: str, content: bytes) -> httpx.Response:
    token = csrf_token((await client.get("/staff/forces/import")).text)
    return await client.post(
        "/staff/forces/import", data={"_csrf_token": token}, files={"file": (name, content, "application/octet-stream")}
    )


async def _confirm(client: httpx.AsyncClient, page: str) -> httpx.Response:
    import html
    import re

    fields = dict(re.findall(r'<input type="hidden" name="(filename|payload|_csrf_token)" value="([^"]*)"', page))
    if "_csrf_token" not in fields:
        fields["_csrf_token"] = csrf_token(page)
    fields = {k: html.unescape(v) for k, v in fields.items()}
    return await client.post("/staff/forces/import/confirm", data=fields)


async def test_a_file_with_bad_rows_lists_every_problem_and_imports_nothing(
    client: httpx.AsyncClient, surveys_dir: Path
) -> None:
    await make_world(surveys_dir, forces=2)
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    bad = (
        "code,name,country,region,force_type,size_band,officers,colour\n"
        "north-city,North City Police,Utopia,mars,city,1000_4999,12.5,red\n"  # row 2: region, officers
        "north-city,Other Name,Utopia,europe,city,1000_4999,,\n"  # row 3: duplicate code in file
        "new-one,Force 0,Utopia,europe,city,under_1000,,\n"  # row 4: name of a registered force
        "Bad Code,,Utopia,europe,unknown,huge,,\n"  # row 5: code, name missing, type, size
    )
    refused = await _upload(client, "forces.csv", bad.encode())
    assert refused.status_code == 400
    page = refused.text
    assert "The file has 9 problems. Nothing was imported." in page
    expected = [
        ("1", "colour", "Unknown column"),
        ("2", "region", "Unknown value mars"),
        ("2", "officers", "Enter a whole number"),
        ("3", "code", "This code is also on row 2."),
        ("4", "name", "registered with the code force-0"),
        ("5", "name", "This value is missing."),
        ("5", "code", "Use a short code"),
        ("5", "force_type", "Unknown value unknown"),
    ]
    rows = _problem_rows(page)
    for row, column, words in expected:
        assert any(r == row and c == column and words in m for r, c, m in rows), (row, column, words, rows)
    assert any(r == "5" and c == "size_band" for r, c, _ in rows)
    assert 'name="payload"' not in page  # no import button
    assert len(await list_forces()) == 2 and not await _actions("registry.")

    people = (
        "email,name,force_code,role,language\n"
        "not-an-email,Ann,force-0,lead_respondent,en\n"
        "contact1@force1.example.org,Moved,force-0,viewer,\n"  # registered at force-1
        "staff@example.org,Sam,force-0,viewer,\n"  # staff
        "ok@example.org,Ok,force-9,boss,de\n"
        "OK@example.org,Twice,force-0,viewer,\n"
        ",,,,\n"
        "nobody@example.org,,,,\n"
    )
    rows = _problem_rows((await _upload(client, "people.csv", people.encode())).text)
    for row, column, words in [
        ("2", "email", "Enter an e-mail address"),
        ("3", "force_code", "registered at force-1"),
        ("4", "email", "belongs to project staff"),
        ("5", "force_code", "No active force has the code force-9"),
        ("5", "role", "Unknown role boss"),
        ("5", "language", "Unknown language de"),
        ("6", "email", "also on row 5"),
        ("8", "name", "This value is missing."),
        ("8", "force_code", "This value is missing."),
        ("8", "role", "This value is missing."),
    ]:
        assert any(r == row and c == column and words in m for r, c, m in rows), (row, column, words, rows)
    assert await find_person("ok@example.org") is None


def _problem_rows(page: str) -> list[tuple[str, str, str]]:
    import html
    import re

    table = page.split('id="problems"', 1)[1].split("</table>", 1)[0]
    out = []
    for tr in re.findall(r"<tr><td>(.*?)</td></tr>", table, re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in tr.split("</td><td>")]
        out.append((cells[1], cells[2], cells[3]))
    return out


async def test_a_clean_csv_with_bom_imports_in_one_go(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    await make_world(surveys_dir, forces=1)
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    preview = await _upload(client, "forces.csv", ("\ufeff" + FORCES_CSV).encode())
    assert preview.status_code == 200, preview.text
    assert "Ready to import" in preview.text and await get_force(99) is None
    assert len(await list_forces()) == 1  # the preview imports nothing
    done = await _confirm(client, preview.text)
    assert done.status_code == 303
    forces = {f.code: f for f in await list_forces()}
    north = forces["north-city"]
    assert (north.officers, north.population_served, north.size_band) == (2400, 850000, "1000_4999")
    assert forces["south-state"].region == "latin_america" and forces["south-state"].officers is None
    # people, semicolon-separated as a French Excel writes them, may refer to the new forces
    people = PEOPLE_CSV.replace(",", ";")
    preview = await _upload(client, "people.csv", ("\ufeff" + people).encode("utf-8"))
    assert preview.status_code == 200, preview.text
    assert (await _confirm(client, preview.text)).status_code == 303
    ana = await find_person("ana.lopez@example.org")
    ben = await find_person("ben@example.org")
    cleo = await find_person("cleo@example.org")
    assert ana and ben and cleo
    assert (ana.name, ana.partner_role, ana.can_respond, ana.language) == ("Ana López", "lead_respondent", True, "es")
    assert (ben.partner_role, ben.can_respond, ben.language) == ("colleague", True, None)
    assert (cleo.partner_role, cleo.can_respond, cleo.force_id) == ("viewer", False, forces["south-state"].id)
    [summary, _] = await _actions("registry.imported")
    assert summary.details["people_created"] == 3 and summary.details["forces_created"] == 0

    # importing again with changes updates; a new group goes through an approved profile change
    again = FORCES_CSV.replace("1000_4999", "5000_19999").replace("Utopia,europe", "Utopia Land,europe")
    preview = await _upload(client, "forces.csv", again.encode())
    assert preview.status_code == 200 and "update" in preview.text
    assert (await _confirm(client, preview.text)).status_code == 303
    north = next(f for f in await list_forces() if f.code == "north-city")
    assert (north.size_band, north.country) == ("5000_19999", "Utopia Land")
    [change] = await list_changes(ProfileChangeStatus.APPROVED)
    assert (change.force_id, change.dimension, change.new_value) == (north.id, "size_band", "5000_19999")


async def test_an_xlsx_workbook_with_both_sheets_and_the_templates(
    client: httpx.AsyncClient, surveys_dir: Path
) -> None:
    await make_world(surveys_dir, forces=1)
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    workbook = _workbook(
        {
            "people": [
                ["email", "name", "force_code", "role"],
                ["dee@example.org", "Dee", "east-port", "Lead respondent"],
            ],
            "forces": [
                ["code", "name", "country", "region", "force_type", "size_band", "officers"],
                ["east-port", "East Port Police", "Utopia", "africa", "customs", "under_1000", 300],
            ],
        }
    )
    preview = await _upload(client, "registry.xlsx", workbook)
    assert preview.status_code == 200, preview.text
    assert (await _confirm(client, preview.text)).status_code == 303
    east = next(f for f in await list_forces() if f.code == "east-port")
    dee = await find_person("dee@example.org")
    assert east.officers == 300 and dee and dee.force_id == east.id and dee.partner_role == "lead_respondent"

    bad = _workbook(
        {"forces": [["code", "name", "country", "region", "force_type", "size_band"], ["x", "", "", "", "", ""]]}
    )
    rows = _problem_rows((await _upload(client, "bad.xlsx", bad)).text)
    assert ("2", "code", "Use a short code of lower-case letters, digits and hyphens, like met-police.") in rows
    assert {c for r, c, _ in rows if r == "2"} >= {"name", "country", "region", "force_type", "size_band"}
    not_a_workbook = await _upload(client, "broken.xlsx", b"PK\x03\x04 not really")
    assert "This is not an XLSX workbook that can be read." in not_a_workbook.text

    # the templates: the workbook, as it is downloaded, is a clean file (one example each)
    downloaded = await client.get("/staff/forces/import/template.xlsx")
    assert downloaded.status_code == 200 and downloaded.content[:2] == b"PK"
    assert template_xlsx()[:2] == b"PK"
    csv_template = await client.get("/staff/forces/import/forces.csv")
    assert csv_template.content.startswith("\ufeffcode,name".encode()) and csv_template.content == template_csv(
        "forces"
    )
    clean = await _upload(client, "template.xlsx", downloaded.content)
    assert clean.status_code == 200 and "Ready to import" in clean.text


async def test_the_import_api_and_its_guards(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    files = {"file": ("forces.csv", FORCES_CSV.encode(), "text/csv")}
    preview = await client.post("/api/registry/import/preview", files=files, headers=headers)
    assert preview.status_code == 200, preview.text
    assert [p["action"] for p in preview.json()["plan"]] == ["create", "create"] and preview.json()["problems"] == []
    bad = {"file": ("forces.csv", FORCES_CSV.replace("europe", "mars").encode(), "text/csv")}
    refused = await client.post("/api/registry/import", files=bad, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["extra"] == [{"key": "file:2:region", "message": refused.json()["extra"][0]["message"]}]
    assert len(await list_forces()) == 1
    done = await client.post("/api/registry/import", files=files, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["summary"]["forces_created"] == 2

    partner = httpx.AsyncClient(transport=client._transport, base_url="http://test")  # type: ignore[attr-defined]
    async with partner:
        partner_headers = await api_client(partner, world.partner_emails[0], PARTNER_PASSWORD)
        assert (await partner.post("/api/registry/import", files=files, headers=partner_headers)).status_code == 403
        assert (await partner.get("/staff/forces/import")).status_code == 403


async def test_edit_deactivate_and_merge_forces_on_the_pages(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=4)
    round_id = await open_test_round(world, settings.secret_key, force_ids=world.force_ids[:2])
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    first, second, third, fourth = world.force_ids
    page = f"/staff/forces/{third}"
    refused = await post_form(
        client, page, page, {"name": "", "code": "force-0", "country": "X", "region": "mars", "officers": "many"}
    )
    assert refused.status_code == 400
    for message in (
        "Enter the force&#39;s name.",
        "Another force already uses this code.",
        "Choose the region.",
        "Enter a whole number",
    ):
        assert message in refused.text
    values = {
        "name": "Force Three",
        "code": "force-three",
        "country": "Country",
        "region": "africa",
        "force_type": "city",
        "size_band": "5000_19999",
        "officers": "1 200",
        "population_served": "",
    }
    saved = await post_form(client, page, page, values)
    assert saved.status_code == 303, saved.text.split("error-summary", 1)[-1][:600]
    force = await get_force(third)
    assert force and (force.name, force.code, force.officers, force.region) == (
        "Force Three",
        "force-three",
        1200,
        "africa",
    )
    [updated] = await _actions("force.updated")
    assert updated.details["changes"]["name"] == ["Force 2", "Force Three"]
    assert {c.dimension for c in await list_changes(ProfileChangeStatus.APPROVED)} == {"region", "force_type"}

    # the round opened before keeps the groups it froze
    frozen = await fetch("SELECT force, region FROM round_force WHERE round = $1 ORDER BY force", round_id)
    assert [r["region"] for r in frozen] == ["europe", "europe"]

    # deactivate: not offered to new rounds; history stays
    assert (await post_form(client, page, f"{page}/deactivate", {})).status_code == 303
    assert third not in {f.id for f in await list_forces()}
    assert (await get_force(third)).active is False  # type: ignore[union-attr]
    assert (await post_form(client, page, f"{page}/reactivate", {})).status_code == 303
    assert third in {f.id for f in await list_forces()}
    assert [e.action for e in await _actions("force.") if "activated" in e.action] == [
        "force.reactivated",
        "force.deactivated",
    ]

    # merge: both in the same round is refused, nothing moves
    merged = await post_form(client, f"/staff/forces/{first}", f"/staff/forces/{first}/merge", {"into": str(second)})
    assert merged.status_code == 303 and merged.headers["location"] == f"/staff/forces/{first}"
    assert "Both forces took part in the same round" in (await client.get(f"/staff/forces/{first}")).text
    assert (await get_force(first)).active  # type: ignore[union-attr]
    # merge the round's force into one that was not in it: its people, invitations, response rows move
    merged = await post_form(client, f"/staff/forces/{first}", f"/staff/forces/{first}/merge", {"into": str(fourth)})
    assert merged.status_code == 303 and merged.headers["location"] == f"/staff/forces/{fourth}"
    gone = await get_force(first)
    assert gone and (gone.active, gone.merged_into) == (False, fourth)
    contact = await find_person(world.partner_emails[0])
    assert contact and contact.force_id == fourth
    assert [r["force"] for r in await fetch("SELECT force FROM invitation WHERE round = $1", round_id)].count(
        fourth
    ) == 1
    [event] = await _actions("force.merged")
    assert event.details["into"] == fourth and event.details["moved"]["person.force"] == 1


async def test_edit_deactivate_and_merge_people_through_the_api(client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=2)
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    contact = await find_person(world.partner_emails[0])
    assert contact
    refused = await client.patch(
        f"/api/people/{contact.id}",
        json={"email": world.partner_emails[1], "partner_role": "boss", "preferred_language": "de", "name": ""},
        headers=headers,
    )
    assert refused.status_code == 422
    assert {p["key"] for p in refused.json()["extra"]} == {"email", "partner_role", "language", "person_name"}
    edited = await client.patch(
        f"/api/people/{contact.id}", json={"partner_role": "viewer", "preferred_language": "fr"}, headers=headers
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["partner_role"], edited.json()["can_respond"], edited.json()["language"]) == (
        "viewer",
        False,
        "fr",
    )
    [event] = await _actions("person.updated")
    assert event.details["changes"]["partner_role"] == ["lead_respondent", "viewer"]

    # a duplicate record at the same force, merged into the first
    dup_id = await create_person("dup@example.org", "Dup", "partner", force_id=world.force_ids[0], can_respond=True)
    other_force = await client.post(
        f"/api/people/{dup_id}/merge", json={"into": (await find_person(world.partner_emails[1])).id}, headers=headers
    )  # type: ignore[union-attr]
    assert other_force.status_code == 409
    merged = await client.post(f"/api/people/{dup_id}/merge", json={"into": contact.id}, headers=headers)
    assert merged.status_code == 200 and merged.json()["id"] == contact.id
    dup = await find_person("dup@example.org")
    assert dup and (dup.active, dup.merged_into) == (False, contact.id)
    assert (await client.post(f"/api/people/{dup_id}/reactivate", headers=headers)).status_code == 409

    # deactivated: cannot sign in
    deactivated = await client.post(f"/api/people/{contact.id}/deactivate", headers=headers)
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    async with httpx.AsyncClient(transport=client._transport, base_url="http://test") as other:  # type: ignore[attr-defined]
        assert (await sign_in(other, world.partner_emails[0], PARTNER_PASSWORD)).status_code != 303
        partner_headers = await api_client(other, world.partner_emails[1], PARTNER_PASSWORD)
        assert (await other.post(f"/api/people/{contact.id}/reactivate", headers=partner_headers)).status_code == 403
        assert (
            await other.patch(f"/api/forces/{world.force_ids[0]}", json={"name": "X"}, headers=partner_headers)
        ).status_code == 403
    me = await find_person(STAFF_EMAIL)
    assert (await client.post(f"/api/people/{me.id}/deactivate", headers=headers)).status_code == 409  # type: ignore[union-attr]
    assert {e.action for e in await _actions("person.")} >= {"person.updated", "person.merged", "person.deactivated"}

    # forces through the API: edit (groups by profile change), deactivate
    force = await client.patch(
        f"/api/forces/{world.force_ids[1]}", json={"officers": 50, "size_band": "20000_plus"}, headers=headers
    )
    assert force.status_code == 200 and (force.json()["officers"], force.json()["size_band"]) == (50, "20000_plus")
    assert (
        await client.patch(f"/api/forces/{world.force_ids[1]}", json={"region": "mars"}, headers=headers)
    ).status_code == 422
    gone = await client.post(f"/api/forces/{world.force_ids[1]}/deactivate", headers=headers)
    assert gone.json()["active"] is False
    assert world.force_ids[1] not in [f["id"] for f in (await client.get("/api/forces")).json()]
    assert world.force_ids[1] in [f["id"] for f in (await client.get("/api/forces?include_inactive=true")).json()]


async def test_people_invited_to_one_round_are_not_merged(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    twin = await create_person("twin@example.org", "Twin", "partner", force_id=world.force_ids[0], can_respond=True)
    await open_test_round(world, settings.secret_key)  # both are invited
    headers = await api_client(client, STAFF_EMAIL, STAFF_PASSWORD)
    contact = await find_person(world.partner_emails[0])
    assert contact
    refused = await client.post(f"/api/people/{twin}/merge", json={"into": contact.id}, headers=headers)
    assert refused.status_code == 409 and "invited to the same round" in refused.json()["detail"]
    assert (await find_person("twin@example.org")).active  # type: ignore[union-attr]
    assert not [e for e in await recent() if e.action == "person.merged"]
