"""A version whose translations are incomplete: loaded, counted on the staff questionnaire page,
and refused when a round is opened with it (with what is missing named)."""

from __future__ import annotations

import html
from pathlib import Path

import httpx

from backend.rounds.services import list_rounds
from backend.surveys.services import list_versions, sync_folder
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world
from tests.integration.conftest import post_form, sign_in

PARTIAL = """\
id: partial
version: "1"
title: {en: Partial, fr: Partiel}
languages: [en, fr]
sections:
  - id: main
    title: {en: Main, fr: Principal}
    questions:
      - {id: q1, type: yes_no, label: {en: Q1, fr: Q1}, help: Only in English}
      - {id: q2, type: number, label: Staff}
"""


async def test_incomplete_translations_are_shown_and_refused(
    client: httpx.AsyncClient, surveys_dir: Path, tmp_path: Path
) -> None:
    world = await make_world(surveys_dir, forces=2, survey="force-profile.yaml")
    folder = tmp_path / "surveys"
    folder.mkdir()
    (folder / "partial.yaml").write_text(PARTIAL)
    report = await sync_folder(folder)
    assert report.created == ["partial 1"] and report.incomplete == ["partial 1 (fr: 3 of 5 texts)"]
    signed = await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert signed.status_code == 303

    partial_id = next(v.id for v in await list_versions() if v.slug == "partial")
    page = await client.get(f"/staff/questionnaires/{partial_id}")
    text = html.unescape(page.text)
    assert "en: 5 of 5 texts" in text and "fr: 3 of 5 texts" in text
    assert 'question "q1" help' in text and 'question "q2" label' in text
    complete = html.unescape((await client.get(f"/staff/questionnaires/{world.version_id}")).text)
    assert "fr: " in complete and "Missing in" not in complete

    data = [("title", "Round"), ("version", str(partial_id)), ("min_group_size", "5")]
    data += [("forces", str(f)) for f in world.force_ids]
    refused = await post_form(client, "/staff/rounds/new", "/staff/rounds", data)
    assert refused.status_code == 400
    assert (
        "This version's translations are incomplete: "
        '"fr" lacks 2 of 5 texts (question "q1" help, question "q2" label).'
    ) in html.unescape(refused.text)
    assert await list_rounds() == []

    data[1] = ("version", str(world.version_id))
    opened = await post_form(client, "/staff/rounds/new", "/staff/rounds", data)
    assert opened.status_code == 303
