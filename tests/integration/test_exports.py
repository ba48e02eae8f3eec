"""Exports of a round's responses (docs/exports.md): every format read back with the library a
researcher would use (pyreadstat, openpyxl, csv) and compared with the stored answers, question
kind by question kind; labels in French; formula injection; streaming; guards and audit."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import math
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pyreadstat
import pytest

from backend.audit.services import recent
from backend.exports import services as export_services
from backend.partners.services import create_person
from backend.responses.tables import Response
from backend.settings import Settings
from backend.surveys import answer_codes_with_labels, visible_answers
from backend.surveys.format.model import Survey
from backend.surveys.services import load_version
from backend.surveys.tables import QuestionnaireVersion
from tests.factories import (
    PARTNER_PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    World,
    make_world,
    open_test_round,
    submit_random,
)
from tests.integration.conftest import sign_in

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


async def _round_with_answers(settings: Settings, surveys_dir: Path) -> tuple[World, int, dict[int, dict[str, Any]]]:
    world = await make_world(surveys_dir, forces=6)
    round_id = await open_test_round(world, settings.secret_key)
    answers = await submit_random(round_id, world, world.force_ids[:5], seed=7)
    # The first force's free text tries every formula start.
    first = world.force_ids[0]
    answers[first] = {
        **answers[first],
        "targeting_example": FORMULAS[0],
        "change_wish": FORMULAS[1],
        "partnership_example": FORMULAS[3] + FORMULAS[4] + FORMULAS[5],
    }
    await Response.update({Response.answers: json.dumps(answers[first])}).where(
        (Response.round == round_id) & (Response.force == first)
    )
    # A draft, left out unless asked for.
    await Response.insert(
        Response(round=round_id, force=world.force_ids[5], status="draft", answers=json.dumps({"change_wish": "draft"}))
    )
    return world, round_id, answers


def _codebook_columns(book: openpyxl.Workbook) -> dict[tuple[str, str], str]:
    """(question id, variable label) → variable name, from the codebook's "variables" sheet."""
    rows = list(book["variables"].iter_rows(values_only=True))
    return {(str(r[2] or ""), str(r[1])): str(r[0]) for r in rows[1:]}


def _expected(survey: Survey, answers: dict[str, Any], lang: str) -> list[tuple[str, str, str, Any]]:
    """(question id, label of the variable, what the cell holds, the expected value) for every
    question of every kind, from the stored answers; ("label", text) for coded cells."""
    seen = visible_answers(survey, answers)
    out: list[tuple[str, str, str, Any]] = []
    for q in survey.questions():
        if not q.collects_answer:
            continue
        label = q.label.get(lang) or q.label[survey.default_language]
        value = seen.get(q.id)
        labels = dict(answer_codes_with_labels(q, lang, survey.default_language))
        if q.type in ("single_choice", "yes_no", "scale"):
            out.append((q.id, label, "label", labels[value] if value is not None else None))
        elif q.type == "multiple_choice":
            for code, option in labels.items():
                out.append((q.id, f"{label}: {option}", "value", None if value is None else int(code in value)))
        elif q.type == "matrix":
            for row in q.settings.rows:
                row_label = row.label.get(lang) or row.label["en"]
                out.append((q.id, f"{label}: {row_label}", "label", labels[value[row.code]] if value else None))
        elif q.type == "ranking":
            for item in q.settings.items:
                item_label = item.label.get(lang) or item.label["en"]
                position = value.index(item.code) + 1 if value and item.code in value else None
                out.append((q.id, f"{label}: {item_label}", "value", position))
        elif q.type == "allocation":
            for item in q.settings.items:
                item_label = item.label.get(lang) or item.label["en"]
                out.append((q.id, f"{label}: {item_label} (%)", "value", value[item.code] if value else None))
        elif q.type == "number":
            unit = q.settings.unit.get(lang) or q.settings.unit.get("en")
            out.append((q.id, f"{label} ({unit})" if unit else label, "value", value))
        elif q.type == "date":
            out.append((q.id, label, "value", dt.date.fromisoformat(value) if value else None))
        else:
            out.append((q.id, label, "value", value))
    return out


def _same(cell: Any, expected: Any) -> bool:
    if expected is None:
        # unanswered (empty), or not asked (-9 where the variable is coded)
        return cell is None or cell == "" or cell == -9 or (isinstance(cell, float) and math.isnan(cell))
    if isinstance(cell, dt.datetime) and isinstance(expected, dt.date):
        return cell.date() == expected
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return cell is not None and float(cell) == float(expected)
    return bool(cell == expected)


async def test_exports_read_back_match_the_answers_for_every_kind(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world, round_id, answers = await _round_with_answers(settings, surveys_dir)
    survey = await load_version(world.version_id)
    version = await QuestionnaireVersion.select().where(QuestionnaireVersion.id == world.version_id).first()
    assert version is not None
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    by_name = {f"Force {i}": force_id for i, force_id in enumerate(world.force_ids)}

    book_file = await client.get(f"/api/rounds/{round_id}/codebook", params={"format": "xlsx", "language": "fr"})
    assert book_file.status_code == 200
    codebook = openpyxl.load_workbook(io.BytesIO(book_file.content), read_only=True)
    columns = _codebook_columns(codebook)
    about = dict(codebook["about"].iter_rows(values_only=True))
    assert about["content_hash"] == version["content_hash"] and about["language"] == "fr"

    files: dict[str, bytes] = {}
    for fmt in ("sav", "dta", "xlsx", "csv"):
        got = await client.get(f"/api/rounds/{round_id}/export", params={"format": fmt, "language": "fr"})
        assert got.status_code == 200, got.text
        assert got.headers["x-questionnaire-hash"] == version["content_hash"]
        assert version["content_hash"][:12] in got.headers["content-disposition"]
        files[fmt] = got.content

    # SPSS: variable labels, value labels (in French), user-missing codes, file label and notes.
    sav_path = Path(settings.data_dir) / "r.sav"
    sav_path.write_bytes(files["sav"])
    sav, sav_meta = pyreadstat.read_sav(str(sav_path), user_missing=True)
    assert version["content_hash"][:12] in sav_meta.file_label
    assert any(version["content_hash"] in note for note in sav_meta.notes)
    assert sav_meta.column_names_to_labels["has_drug_strategy"] == survey.question("has_drug_strategy").label["fr"]
    assert set(sav["force_name"]) == {f"Force {i}" for i in range(5)}  # submitted only
    missing = sav_meta.missing_ranges["has_drug_strategy"]
    assert [r["lo"] for r in missing] == [r["hi"] for r in missing] == [-7.0, -8.0, -9.0]
    assert sav_meta.variable_value_labels["has_drug_strategy"] == {1.0: "Oui", 2.0: "Non"}

    # Stata: the same variables, labels and codes.
    dta_path = Path(settings.data_dir) / "r.dta"
    dta_path.write_bytes(files["dta"])
    dta, dta_meta = pyreadstat.read_dta(str(dta_path))
    assert list(dta.columns) == list(sav.columns)
    assert dta_meta.variable_value_labels["has_drug_strategy"] == {1: "Oui", 2: "Non"}
    assert version["content_hash"][:12] in dta_meta.file_label

    # XLSX: the same columns; the "about" sheet; dates as dates.
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    sheet = list(book["responses"].iter_rows(values_only=True))
    assert list(sheet[0]) == list(sav.columns)
    assert dict(book["about"].iter_rows(values_only=True))["content_hash"] == version["content_hash"]
    xlsx_rows = [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]

    # CSV: UTF-8 with a byte-order mark, the same columns.
    text = files["csv"].decode("utf-8-sig")
    csv_rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(csv_rows[0]) == list(sav.columns)

    checked_kinds: set[str] = set()
    for i, row in sav.iterrows():
        force_id = by_name[row["force_name"]]
        dta_row = dta.iloc[int(str(i))]
        xlsx_row = next(r for r in xlsx_rows if r["force_name"] == row["force_name"])
        csv_row = next(r for r in csv_rows if r["force_name"] == row["force_name"])
        for qid, label, holds, expected in _expected(survey, answers[force_id], "fr"):
            name = columns[(qid, label)]
            checked_kinds.add(survey.question(qid).type)
            for cell, labels in (
                (row[name], sav_meta.variable_value_labels),
                (dta_row[name], dta_meta.variable_value_labels),
            ):
                if holds == "label":
                    shown = labels[name].get(cell) if cell is not None and not _missing(cell) else None
                    assert shown == expected, (qid, name, cell, expected)
                else:
                    assert _same(cell, expected), (qid, name, cell, expected)
            if holds == "value" and not isinstance(expected, str):
                assert _same(xlsx_row[name], expected), (qid, name, xlsx_row[name], expected)
                in_csv = expected.isoformat() if isinstance(expected, dt.date) else expected
                assert _same(_number(csv_row[name]), in_csv), (qid, name, csv_row[name], expected)
    assert checked_kinds == {q.type for q in survey.questions() if q.collects_answer}

    # Formula starts are neutralised in CSV and XLSX (and left as written in SPSS).
    first = next(r for r in csv_rows if r["force_name"] == "Force 0")
    assert first["targeting_example"] == "'" + FORMULAS[0] and first["change_wish"] == "'" + FORMULAS[1]
    assert first["partnership_example"] == "'" + FORMULAS[3] + FORMULAS[4] + FORMULAS[5]
    first_xlsx = next(r for r in xlsx_rows if r["force_name"] == "Force 0")
    assert first_xlsx["targeting_example"] == "'" + FORMULAS[0]
    assert sav.loc[sav["force_name"] == "Force 0", "targeting_example"].iloc[0] == FORMULAS[0]

    # Drafts on request; labels instead of codes on request.
    drafts = await client.get(f"/api/rounds/{round_id}/export", params={"format": "csv", "drafts": "true"})
    rows = list(csv.DictReader(io.StringIO(drafts.content.decode("utf-8-sig"), newline="")))
    assert {r["status"] for r in rows} == {"submitted", "draft"} and len(rows) == 6
    worded = await client.get(
        f"/staff/rounds/{round_id}/export", params={"format": "csv", "lang": "es", "values": "labels"}
    )
    rows = list(csv.DictReader(io.StringIO(worded.content.decode("utf-8-sig"), newline="")))
    assert {r["has_drug_strategy"] for r in rows} <= {"Sí", "No"}

    # Every export is in the audit trail: who, which round, which format, which language.
    exported = [e for e in await recent(50) if e.action == "round.exported"]
    assert len(exported) == 7
    assert {(e.details["format"], e.details["language"]) for e in exported} >= {
        ("sav", "fr"),
        ("dta", "fr"),
        ("csv", "es"),
    }
    assert all(e.subject == f"round:{round_id}" and e.actor_id == world.staff.person_id for e in exported)


def _missing(cell: Any) -> bool:
    return isinstance(cell, float) and math.isnan(cell)


def _number(text: str) -> Any:
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text


async def test_codebook_lists_every_variable_with_codes_and_conditions(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    _, round_id, _ = await _round_with_answers(settings, surveys_dir)
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    page = await client.get(f"/staff/rounds/{round_id}/codebook", params={"format": "html", "lang": "fr"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in page.text
    assert "<code>has_drug_strategy</code>" in page.text and "Oui" in page.text
    # The condition of a conditional question, in words.
    row = page.text[page.text.index('id="var-strategy_adopted"') :].split("</tr>")[0]
    assert "Répondez seulement si" in row and "Oui" in row  # asked only if the strategy question is "yes"
    api = await client.get(f"/api/rounds/{round_id}/codebook", params={"format": "html", "language": "es"})
    assert api.status_code == 200 and '<html lang="es">' in api.text
    round_page = await client.get(f"/staff/rounds/{round_id}")
    assert f'action="/staff/rounds/{round_id}/export"' in round_page.text


async def test_bad_choices_are_refused_naming_the_field(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    _, round_id, _ = await _round_with_answers(settings, surveys_dir)
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    got = await client.get(f"/api/rounds/{round_id}/export", params={"format": "pdf", "language": "de"})
    assert got.status_code == 422
    assert {e["key"] for e in got.json()["extra"]} == {"format", "language"}
    page = await client.get(f"/staff/rounds/{round_id}/export", params={"format": "pdf"})
    assert page.status_code in (302, 303) and page.headers["location"].endswith(f"/staff/rounds/{round_id}#export")
    assert (await client.get("/api/rounds/999999/export")).status_code == 404
    assert not [e for e in await recent(50) if e.action == "round.exported"]


async def test_partners_are_refused_and_analysts_allowed(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world, round_id, _ = await _round_with_answers(settings, surveys_dir)
    assert (await sign_in(client, world.partner_emails[0], PARTNER_PASSWORD)).status_code == 303
    for path in (f"/api/rounds/{round_id}/export", f"/api/rounds/{round_id}/codebook"):
        assert (await client.get(path)).status_code == 403
    refused = await client.get(f"/staff/rounds/{round_id}/export")
    assert refused.status_code in (302, 303, 403) and not refused.content.startswith(b"\xef\xbb\xbf")
    assert not [e for e in await recent(50) if e.action == "round.exported"]

    client.cookies.clear()
    await create_person("analyst@example.org", "Ann Analyst", "analyst", password=STAFF_PASSWORD)
    assert (await sign_in(client, "analyst@example.org", STAFF_PASSWORD)).status_code == 303
    got = await client.get(f"/api/rounds/{round_id}/export", params={"format": "dta"})
    assert got.status_code == 200
    assert [e.actor_label for e in await recent(50) if e.action == "round.exported"] == [
        "Ann Analyst <analyst@example.org>"
    ]


async def test_the_csv_streams_line_by_line(
    app: Any, settings: Settings, surveys_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read from the database a few responses at a time and sent as they are read: the body
    arrives in many messages, with no Content-Length (a large round is never held whole)."""
    world = await make_world(surveys_dir, forces=8)
    round_id = await open_test_round(world, settings.secret_key)
    await submit_random(round_id, world, world.force_ids, seed=3)
    monkeypatch.setattr(export_services, "CHUNK", 3)
    reads: list[int] = []
    real_fetch = export_services.fetch

    async def counting_fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
        rows = await real_fetch(sql, *args)
        if sql == export_services.RESPONSES:
            reads.append(len(rows))
        return rows

    monkeypatch.setattr(export_services, "fetch", counting_fetch)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
        cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())

    messages: list[dict[str, Any]] = []
    requested = False
    done = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()  # the client stays until the whole body is sent
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": f"/api/rounds/{round_id}/export",
        "raw_path": f"/api/rounds/{round_id}/export".encode(),
        "query_string": b"format=csv",
        "root_path": "",
        "headers": [(b"host", b"test"), (b"cookie", cookies.encode())],
        "client": ("127.0.0.1", 1234),
        "server": ("test", 80),
        "state": {},
    }
    await app(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    assert start["status"] == 200
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    assert "content-length" not in headers
    bodies = [m for m in messages if m["type"] == "http.response.body" and m.get("body")]
    assert len(bodies) >= 9  # the header line and each force's line, sent one by one
    assert reads == [3, 3, 2]  # read three at a time
    lines = b"".join(m["body"] for m in bodies).decode("utf-8-sig").splitlines()
    assert len(lines) == 9


async def test_a_round_without_responses_exports_its_variables(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=2)
    round_id = await open_test_round(world, settings.secret_key)
    assert (await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)).status_code == 303
    for fmt in ("csv", "xlsx", "sav", "dta"):
        got = await client.get(f"/api/rounds/{round_id}/export", params={"format": fmt})
        assert got.status_code == 200, (fmt, got.text)
    path = Path(settings.data_dir) / "empty.sav"
    empty = await client.get(f"/api/rounds/{round_id}/export", params={"format": "sav"})
    path.write_bytes(empty.content)
    data, meta = pyreadstat.read_sav(str(path))
    assert len(data) == 0 and "has_drug_strategy" in meta.column_names
