"""The respondent journey's fixes (issue 9): a page's own saves never conflict with each other,
a real conflict says who saved and when; the task list shows progress and the way on; the
privacy notice is on the start page; the receipt has a reference and a printable copy."""

from __future__ import annotations

import random
import re
from pathlib import Path

import httpx
from markupsafe import escape

from backend.demo.answers import random_answers
from backend.i18n import language_for
from backend.partners.services import create_person
from backend.responses.services import get_or_create, get_response, receipt_reference, save_answers
from backend.rounds.services import invitation_url, round_invitations
from backend.settings import Settings
from backend.surveys import shown_question_ids
from backend.surveys.services import load_version
from tests.factories import STAFF_EMAIL, STAFF_PASSWORD, make_world, open_test_round
from tests.integration.conftest import csrf_token, sign_in
from tests.integration.test_responses import revision_of, start_respondent

JSON = {"accept": "application/json"}


def page_id_of(html: str) -> str:
    return re.search(r'name="page" value="([^"]+)"', html).group(1)


async def profile_page(client: httpx.AsyncClient) -> tuple[str, str, str]:
    """The force-profile page: its CSRF token, revision and page id."""
    page = await client.get("/respond/section/profile")
    return csrf_token(page.text), revision_of(page.text), page_id_of(page.text)


async def test_a_pages_own_autosave_is_no_conflict(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    token, revision, page_id = await profile_page(client)
    assert revision == "0"
    auto = await client.post(
        "/respond/section/profile/autosave",
        data={"size_band": "under_1000", "revision": "0", "page": page_id, "_csrf_token": token},
        headers=JSON,
    )
    assert auto.json() == {"saved": True, "revision": 1}
    # The page's button, sent before the autosave's reply came back (still revision 0): the
    # server knows the last save was this page's own, so it is no conflict.
    fields = {"size_band": "1000_4999", "force_type": "city", "action": "draft", "_csrf_token": token}
    own = await client.post("/respond/section/profile", data={**fields, "revision": "0", "page": page_id})
    assert own.status_code == 303 and own.headers["location"] == "/respond?saved=1"
    stored = await get_response(round_id, world.force_ids[0])
    assert stored.answers == {"size_band": "1000_4999", "force_type": "city"} and stored.revision == 2

    # An autosave of that page arriving late (it was sent before the button) is older than the
    # page's own last save: autosaves stay strict, so it never overwrites it.
    late = await client.post(
        "/respond/section/profile/autosave",
        data={"size_band": "under_1000", "revision": "0", "page": page_id, "_csrf_token": token},
        headers=JSON,
    )
    assert late.status_code == 409 and late.json()["reason"] == "conflict"
    assert (await get_response(round_id, world.force_ids[0])).answers["size_band"] == "1000_4999"

    # Another page (another tab) with the old revision: the same person saved, so it says "you".
    other = await client.post(
        "/respond/section/profile", data={**fields, "size_band": "20000_plus", "revision": "0", "page": "another-tab"}
    )
    assert other.status_code == 409
    when = language_for("en").datetime(stored.updated_at)
    assert f"You saved this questionnaire in another tab, window or device on {when}" in other.text
    assert "Someone else" not in other.text
    assert 'value="20000_plus" checked' in other.text  # the input is kept
    assert revision_of(other.text) == "2" and page_id_of(other.text) != "another-tab"


async def test_a_colleagues_save_says_who_and_when(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    colleague = await create_person(
        "colleague@force0.example.org", "Alex Colleague", "partner", force_id=world.force_ids[0], can_respond=True
    )
    round_id = await open_test_round(world, settings.secret_key)
    mine = next(i for i in await round_invitations(round_id) if i.person_name == "Contact 0")
    link = invitation_url("", settings.secret_key, mine.nonce)
    await client.post(link, data={"_csrf_token": csrf_token((await client.get(link)).text)})
    token, revision, page_id = await profile_page(client)
    check = await client.get("/respond/check")
    response = await get_response(round_id, world.force_ids[0])
    assert (await save_answers(response.id, 0, {"force_type": "customs"}, colleague)).saved
    when = language_for("en").datetime((await get_response(round_id, world.force_ids[0])).updated_at)
    said = f"Alex Colleague at your force saved this questionnaire on {when}, after you opened this page."

    auto = await client.post(
        "/respond/section/profile/autosave",
        data={"force_type": "city", "revision": revision, "page": page_id, "_csrf_token": token},
        headers=JSON,
    )
    assert auto.status_code == 409
    assert auto.json()["message"].startswith(said)
    page = await client.post(
        "/respond/section/profile",
        data={"force_type": "city", "revision": revision, "page": page_id, "action": "draft", "_csrf_token": token},
    )
    assert page.status_code == 409 and said in page.text
    assert "Your entries on this page have not been saved yet" in page.text
    # "Check your answers" was opened at revision 0, before the colleague saved
    submitted = await client.post("/respond/submit", data={"revision": "0", "_csrf_token": csrf_token(check.text)})
    assert submitted.status_code == 409 and said in submitted.text
    assert "The answers below include those changes" in submitted.text
    assert (await get_response(round_id, world.force_ids[0])).answers == {"force_type": "customs"}


async def test_task_list_shows_progress_and_the_way_on(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    fresh = (await client.get("/respond")).text
    assert "0 of 10 sections done" in fresh
    assert re.search(r'<a class="button" href="/respond/section/strategy"[^>]*>Start</a>', fresh)
    assert '<a class="button button-secondary" href="/respond/check">Check your answers</a>' in fresh
    assert "<details" not in fresh and 'id="privacy-heading"' in fresh

    # the first section answered in full: "Continue" goes to the second
    survey = await load_version(world.version_id)
    everything = random_answers(survey, random.Random(3), skip_optional=0)
    first = {q.id: everything[q.id] for q in survey.sections[0].questions if q.id in everything}
    response = await get_or_create(round_id, world.force_ids[0], "en")
    assert (await save_answers(response.id, 0, first, None)).saved
    later = (await client.get("/respond")).text
    assert "1 of 10 sections done" in later
    assert re.search(r'<a class="button" href="/respond/section/measurement"[^>]*>Continue</a>', later)

    # everything answered: checking the answers is the main button
    assert (await save_answers(response.id, 1, everything, None)).saved
    done = (await client.get("/respond")).text
    assert "10 of 10 sections done" in done
    assert '<a class="button" href="/respond/check">Check your answers</a>' in done
    assert "Continue</a>" not in done


async def test_privacy_notice_in_full_on_the_start_page(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    round_id = await open_test_round(world, settings.secret_key)
    invitation = (await round_invitations(round_id))[0]
    start = await client.get(invitation_url("", settings.secret_key, invitation.nonce))
    notice = start.text.split('<section class="privacy-notice')[1].split("</section>")[0]
    assert "How your answers are used" in notice
    assert "Only the project staff who run Practice Exchange see your answers in full" in notice
    assert start.text.index("privacy-notice") < start.text.index("Start now")
    assert "<details" not in start.text


async def test_receipt_reference_and_printable_answers(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    round_id = await open_test_round(world, settings.secret_key)
    await start_respondent(client, settings, round_id, world.force_ids[0])
    early = await client.get("/respond/print")
    assert early.status_code == 303 and early.headers["location"] == "/respond"
    survey = await load_version(world.version_id)
    answers = random_answers(survey, random.Random(8), skip_optional=1)  # optional ones: "Not answered"
    response = await get_or_create(round_id, world.force_ids[0], "en")
    assert (await save_answers(response.id, 0, answers, None)).saved
    check = await client.get("/respond/check")
    await client.post(
        "/respond/submit", data={"revision": revision_of(check.text), "_csrf_token": csrf_token(check.text)}
    )

    submitted = await get_response(round_id, world.force_ids[0])
    reference = receipt_reference(submitted)
    assert reference is not None
    done = await client.get("/respond/done")
    assert f'<strong data-testid="reference">{reference}</strong>' in done.text
    assert 'href="/respond/print"' in done.text
    printable = await client.get("/respond/print")
    assert printable.status_code == 200 and reference in printable.text
    shown = shown_question_ids(survey, submitted.answers)
    asked = [q for s in survey.sections for q in s.questions if q.collects_answer and q.id in shown]
    assert len(asked) > 30
    for q in asked:
        assert str(escape(q.label["en"])) in printable.text
    assert "Not answered" in printable.text
    assert "Force 0" in printable.text and "Test round" in printable.text


async def test_staff_preview_shows_the_same_date_boxes_and_matrix_rows(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    world = await make_world(surveys_dir, forces=1)
    await sign_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    preview = await client.get(f"/staff/questionnaires/{world.version_id}")
    assert preview.status_code == 200
    for part in ("day", "month", "year"):
        assert re.search(rf'name="strategy_adopted\.{part}"[^>]*disabled', preview.text.replace("\n", " "))
    assert 'data-matrix-row="informants"' in preview.text
