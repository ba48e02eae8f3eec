"""The peer exchange's pages in another language in a real browser (issue 12: "all tested, in en,
fr and es"), in the style of the acceptance test of issue 9 (`test_languages.py`, whose helpers
this reuses). In French and in Spanish: a partner reads the practice bank (list, search
results, a note, the write form with its errors, a refused page), the meetings (list, a meeting they are
registered for) and the discussions of a meeting and of a report; an anonymous visitor who chose
the language with the header's switch reads the page about the initiative and the sign-up form;
staff read the practice review queue, the meetings' staff pages, the briefing-pack pages and the
sign-ups to review. On
every page: `<html lang>` is the language, no axe-core violation, **no English interface text**
(the catalogue's English messages). And the briefing pack, a PDF, has its headings in the
language and no English interface text either.

The data written here (notes, a meeting, a report, posts) is in no language at all ("Lorem
ipsum"), so that only the interface can be English.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from backend.database import execute
from backend.demo.library import tiny_pdf
from backend.exchange.posts import write_post
from backend.exchange.schemas import ThreadKey, ThreadKind
from backend.i18n import language_for
from backend.library.checks import ReportInput, Upload
from backend.library.services import create_report
from backend.meetings.checks import MeetingInput
from backend.meetings.services import announce, create_meeting, register
from backend.partners.services import find_person, set_language
from backend.practice.checks import NoteInput
from backend.practice.services import create_note, publish_note, submit_note
from backend.security.guards import viewer_of
from backend.security.roles import Viewer
from backend.signup.checks import SignupInput
from backend.signup.services import sign_up
from tests.browser import test_languages
from tests.browser.conftest import SECRET, Server
from tests.browser.test_languages import LANGS, Place, Reader, english_pieces, new_context, sign_in
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD

# The fixtures of the acceptance test of issue 9: the same people, round and published round.
place = test_languages.place
published = test_languages.published
lang_page = test_languages.lang_page

EN = language_for("en")
#: Words in no language: what partners and staff write is theirs, and no part of the interface.
LOREM = "Lorem ipsum dolor sit amet."
#: Which partner reads the exchange in each language (the other partners write).
READER = {"fr": 6, "es": 7}


@dataclass
class Exchange:
    """What the pages show: a published note, one waiting for review, an announced meeting with
    posts and registrations, a published report with a post, a sign-up waiting for staff."""

    note: int
    waiting_note: int
    meeting: int
    report: int


def lorem_note(title: str) -> NoteInput:
    return NoteInput(
        title=title,
        problems=["market_violence"],
        approach=LOREM,
        partners=LOREM,
        resources=LOREM,
        outcome=LOREM,
        status_label="promising",
        attribution="anonymous",
        themes=["targeting"],
        questions=["focused_deterrence"],
    )


async def partner_viewer(place: Place, i: int) -> Viewer:
    found = await find_person(place.partner_emails[i])
    assert found is not None
    return viewer_of(found)


async def build_exchange(place: Place, round_id: int) -> Exchange:
    staff = place.world.staff
    author, other = await partner_viewer(place, 3), await partner_viewer(place, 4)
    note = await create_note(lorem_note("Lorem ipsum"), author, EN)
    note = await publish_note(await submit_note(note, author, EN), staff, EN)
    waiting = await submit_note(await create_note(lorem_note("Dolor sit amet"), other, EN), other, EN)

    neutral = {"en": "Lorem ipsum", "fr": "Lorem ipsum", "es": "Lorem ipsum"}
    report = ReportInput(
        title=neutral,
        summary={lang: LOREM for lang in neutral},
        authors="Lorem Ipsum",
        published_on="2026-09-15",
        themes=["targeting"],
    )
    upload = Upload("lorem.pdf", "application/pdf", tiny_pdf("Lorem ipsum"))
    report_id = (await create_report(report, upload, staff, 20 * 1024 * 1024, EN)).id
    day = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    meeting = await create_meeting(
        MeetingInput(
            title=neutral,
            agenda={lang: "1. Lorem ipsum\n2. **Dolor** sit amet" for lang in ("en", "fr", "es")},
            starts_at=f"{day}T14:00",
            ends_at=f"{day}T16:00",
            timezone="Europe/Paris",
            place="Lyon",
            online_url="https://meet.example.org/lorem",
            capacity=8,
            report_ids=[report_id],
            round_ids=[round_id],
        ),
        staff,
        EN,
    )
    await announce(meeting.id, staff, EN)
    for i in (*READER.values(), 3):
        await register(meeting.id, await partner_viewer(place, i), EN)

    # A post in each discussion by someone else, so the readers see posts that are not theirs.
    for key in (
        ThreadKey(ThreadKind.MEETING, None, str(meeting.id)),
        ThreadKey(ThreadKind.REPORT, None, str(report_id)),
    ):
        written = await write_post(key, author, LOREM, None, False, EN)
        await write_post(key, other, "Lorem ipsum.", written.id, False, EN)

    await sign_up(
        SignupInput(
            name="Ana Lima",
            role="Lorem ipsum",
            organisation="Polícia Civil",
            country="BR",
            email="ana.lima@example.org",
            language="es",
            interests=["harm_reduction"],
            consent=True,
        ),
        EN,
        SECRET,
        "web",
    )
    await execute("UPDATE signup SET status = 'confirmed', confirmed_at = now(), subscribed = true")
    return Exchange(note.id, waiting.id, meeting.id, report_id)


@pytest.fixture(scope="module")
def exchange(server: Server, place: Place, published: int) -> Exchange:
    return server.run(lambda: build_exchange(place, published))  # type: ignore[no-any-return]


def visit(page: Any, url: str) -> None:
    """Go to a page that must be there (an error page would be in the language too)."""
    answer = page.goto(url)
    assert answer is not None and answer.status == 200, (url, answer and answer.status)


def read_as_partner(server: Server, place: Place, lang: str, page: Any) -> None:
    index = READER[lang]
    server.run(lambda: set_language(place.partner_ids[index], lang))
    sign_in(page, server.base_url, place.partner_emails[index], PARTNER_PASSWORD)


@LANGS
def test_the_practice_bank_has_no_english(
    server: Server, place: Place, exchange: Exchange, lang: str, lang_page: Any
) -> None:
    page, base, reader = lang_page, server.base_url, Reader(lang)
    read_as_partner(server, place, lang, page)
    visit(page, f"{base}/practice")
    assert page.locator(f"a[href='/practice/{exchange.note}']").count() >= 1
    reader.read(page, "practice bank")
    visit(page, f"{base}/practice?q=lorem")
    assert page.locator(f"a[href='/practice/{exchange.note}']").count() >= 1
    reader.read(page, "practice bank, search results")
    visit(page, f"{base}/practice?q=zzzzqqq")
    reader.read(page, "practice bank, nothing found")
    visit(page, f"{base}/practice/{exchange.note}")
    reader.read(page, "a practice note")
    visit(page, f"{base}/practice/new")
    reader.read(page, "the form to write a note")
    page.locator("#save").click()
    page.wait_for_load_state()
    assert page.locator("#title-error").count() == 1
    reader.read(page, "the form to write a note, with errors")
    visit(page, f"{base}/practice/mine")
    reader.read(page, "my practice notes")
    refused = page.goto(f"{base}/practice/{exchange.note}/edit")  # someone else's note
    assert refused is not None and refused.status == 403
    reader.read(page, "refused: only the note's author may edit it")
    assert not page.js_errors
    reader.verdict()


@LANGS
def test_meetings_and_their_discussions_have_no_english(
    server: Server, place: Place, exchange: Exchange, lang: str, lang_page: Any
) -> None:
    page, base, reader = lang_page, server.base_url, Reader(lang)
    read_as_partner(server, place, lang, page)
    visit(page, f"{base}/meetings")
    assert page.locator(f"a[href='/meetings/{exchange.meeting}']").count() >= 1
    reader.read(page, "meetings")
    visit(page, f"{base}/meetings/{exchange.meeting}")
    assert page.locator("#unregister").count() == 1  # registered
    reader.read(page, "a meeting, registered")
    visit(page, f"{base}/exchange/meetings/{exchange.meeting}")
    assert page.locator("article.post").count() == 2
    reader.read(page, "a meeting's discussion")
    visit(page, f"{base}/exchange/reports/{exchange.report}")
    posts = page.locator("article.post").count()
    assert posts >= 2  # (and the other language's reader's post, when that test ran first)
    reader.read(page, "a report's discussion")
    # The reader's own post, marked as theirs.
    page.get_by_role("textbox").first.fill(LOREM)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    assert page.locator("article.post").count() == posts + 1
    reader.read(page, "a report's discussion, with the reader's post")
    assert not page.js_errors
    reader.verdict()


SWITCH = {"fr": "Français", "es": "Español"}


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_public_pages_have_no_english(server: Server, browser: Any, exchange: Exchange, lang: str) -> None:
    # An anonymous visitor whose browser asks for English chooses the language with the switch.
    context = new_context(browser, "en-GB")
    page, base, reader = context.new_page(), server.base_url, Reader(lang)
    try:
        visit(page, f"{base}/about")
        assert page.locator("html").get_attribute("lang") == "en"
        page.get_by_role("button", name=SWITCH[lang]).click()
        page.wait_for_load_state()
        assert page.url == f"{base}/about"
        reader.read(page, "about the initiative")
        visit(page, f"{base}/signup")
        reader.read(page, "the sign-up form")
        page.locator("#sign-up").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary, [id$=-error]").count() >= 1
        reader.read(page, "the sign-up form, with errors")
        reader.verdict()
    finally:
        context.close()


@LANGS
def test_the_exchange_staff_pages_have_no_english(
    server: Server, place: Place, published: int, exchange: Exchange, lang: str, lang_page: Any
) -> None:
    page, base, reader = lang_page, server.base_url, Reader(lang)
    server.run(lambda: set_language(place.staff_id, lang))
    sign_in(page, base, STAFF_EMAIL, STAFF_PASSWORD)
    visit(page, f"{base}/staff/practice")
    assert page.locator("#waiting").count() == 1
    reader.read(page, "practice review queue")
    visit(page, f"{base}/staff/meetings")
    reader.read(page, "staff meetings")
    visit(page, f"{base}/staff/meetings/new")
    reader.read(page, "the form to create a meeting")
    page.locator("#save").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary, [id$=-error]").count() >= 1
    reader.read(page, "the form to create a meeting, with errors")
    visit(page, f"{base}/staff/meetings/{exchange.meeting}/edit")
    reader.read(page, "the form to edit a meeting")
    visit(page, f"{base}/meetings/{exchange.meeting}")
    reader.read(page, "a meeting, staff")
    visit(page, f"{base}/staff/meetings/{exchange.meeting}/attendees")
    reader.read(page, "a meeting's attendees")
    visit(page, f"{base}/staff/meetings/{exchange.meeting}/summary")
    reader.read(page, "the form for a meeting's summary")
    visit(page, f"{base}/staff/meetings/{exchange.meeting}/briefing")
    reader.read(page, "a meeting's briefing packs")
    visit(page, f"{base}/staff/rounds/{published}/briefing")
    reader.read(page, "a round's briefing packs")
    visit(page, f"{base}/staff/signups")
    assert page.locator('[data-testid="signup"]').count() == 1
    reader.read(page, "sign-ups to review")
    reader.verdict()


# ---- the briefing pack ------------------------------------------------------------------------

#: The pack's headings (frontend/templates/briefing/pack.html).
PACK_HEADINGS = ("Briefing pack", "Prepared for", "Results", "Key findings", "Questions for discussion")


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)


@LANGS
def test_the_briefing_pack_has_no_english(
    server: Server, place: Place, published: int, lang: str, lang_page: Any
) -> None:
    page, base = lang_page, server.base_url
    read_as_partner(server, place, lang, page)
    answer = page.request.get(f"{base}/dashboard/rounds/{published}/briefing.pdf")
    assert answer.status == 200 and answer.body().startswith(b"%PDF-")
    assert answer.headers["content-disposition"].rstrip('"').endswith(f"-{lang}.pdf")
    text = pdf_text(answer.body())
    translations = language_for(lang)
    missing = [h for h in PACK_HEADINGS if translations.gettext(h) not in text]
    assert not missing, f"headings not in {lang!r}: {missing}"
    english = {}
    for pattern, piece in english_pieces(lang):
        if found := pattern.search(text):
            english[piece] = text[max(0, found.start() - 25) : found.end() + 25]
    assert not english, f"English in the {lang!r} pack: " + " | ".join(
        f"{p!r} in “…{c}…”" for p, c in sorted(english.items())
    )
    assert re.search(r"\d", text)  # figures are there
