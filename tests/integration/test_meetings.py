"""Meetings (docs/meetings.md), against the real database and a real SMTP server on loopback:
staff create, announce, edit and cancel meetings; partners register within the capacity, wait
in order, cancel, and the first waiting person gets the place with an e-mail and a notice;
concurrent registrations never exceed the capacity; the deadline, idempotency, the staff-only
attendee list, the calendar file read back with icalendar, bad input by field, the summary,
and the meeting's and a report's discussion threads with their guards."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import icalendar

from backend.audit.services import recent
from backend.database import execute, fetch
from backend.i18n import language_for
from backend.mail import config as mail_config
from backend.meetings.checks import MeetingInput
from backend.meetings.services import Refused, create_meeting, meeting_for_pack, register
from backend.partners.services import find_person, set_language
from backend.security.guards import viewer_of
from backend.security.roles import Viewer
from backend.settings import Settings
from tests.factories import PARTNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD, World, make_world
from tests.integration.conftest import csrf_token, form_data, post_form, sign_in
from tests.integration.test_api_rounds import api_client
from tests.integration.test_exchange import client_like, published_world
from tests.integration.test_mail import mail_settings, parts, smtp, work  # noqa: F401 - fixtures
from tests.mail_server import MailServer

EN = language_for("en")


def local(days: float, hour: int = 14) -> str:
    """A local time `days` from now (YYYY-MM-DDTHH:MM)."""
    day = (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).date()
    return f"{day.isoformat()}T{hour:02d}:00"


def meeting_json(**changes: Any) -> dict[str, Any]:
    return {
        "title": {"en": "Peer exchange", "fr": "Échange entre pairs"},
        "default_language": "en",
        "starts_at": local(10, 14),
        "ends_at": local(10, 16),
        "timezone": "Europe/Paris",
        "place": "Lyon",
        "online_url": "https://meet.example.org/px",
        "agenda": {"en": "1. **Welcome**\n2. <script>alert(1)</script>"},
        "capacity": 2,
        **changes,
    }


async def partner(world: World, i: int) -> Viewer:
    found = await find_person(world.partner_emails[i])
    assert found is not None
    return viewer_of(found)


async def announced(client: httpx.AsyncClient, headers: dict[str, str], **changes: Any) -> int:
    made = await client.post("/api/meetings", json=meeting_json(**changes), headers=headers)
    assert made.status_code == 201, made.text
    meeting_id = int(made.json()["id"])
    assert (await client.post(f"/api/meetings/{meeting_id}/announce", headers=headers)).status_code == 200
    return meeting_id


async def test_capacity_waitlist_and_promotion_by_mail(
    mail_settings: Settings,  # noqa: F811
    app: Any,
    client: httpx.AsyncClient,
    smtp: MailServer,  # noqa: F811
    surveys_dir: Path,
    database_dsn: str,
) -> None:
    mail_config.configure(mail_settings)
    world = await make_world(surveys_dir, forces=4)
    french = await find_person(world.partner_emails[2])
    assert french is not None
    await set_language(french.id, "fr")
    async with client_like(client) as staff:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        # A draft: partners do not see it.
        draft = (await staff.post("/api/meetings", json=meeting_json(), headers=hs)).json()
        assert draft["state"] == "draft" and draft["online_url"] == "https://meet.example.org/px"
        assert "<script>" not in draft["agenda_html"] and "<strong>Welcome</strong>" in draft["agenda_html"]
        meeting_id = draft["id"]
        clients, headers = [], []
        for i in range(4):
            c = client_like(client)
            clients.append(c)
            headers.append(await api_client(c, world.partner_emails[i], PARTNER_PASSWORD))
        try:
            assert (await clients[0].get(f"/api/meetings/{meeting_id}")).status_code == 404
            assert (
                await clients[0].post(f"/api/meetings/{meeting_id}/register", headers=headers[0])
            ).status_code == 404
            assert all(m["id"] != meeting_id for m in (await clients[0].get("/api/meetings")).json())
            announce = await staff.post(f"/api/meetings/{meeting_id}/announce", headers=hs)
            assert announce.json()["state"] == "announced"
            # Every partner has an in-app notice of the new meeting.
            notices = (await clients[3].get("/api/meetings/notices")).json()
            assert [n["kind"] for n in notices] == ["announced"]

            seen = (await clients[0].get(f"/api/meetings/{meeting_id}")).json()
            assert seen["places_left"] == 2 and seen["my_status"] is None
            assert seen["online"] and seen["online_url"] == ""  # the link: registered attendees only
            assert seen["calendar"] is None

            states = []
            for i in range(4):
                answer = await clients[i].post(f"/api/meetings/{meeting_id}/register", headers=headers[i])
                assert answer.status_code == 200, answer.text
                states.append((answer.json()["state"], answer.json()["waitlist_place"]))
            assert states == [("registered", None), ("registered", None), ("waitlisted", 1), ("waitlisted", 2)]
            # Registering twice changes nothing.
            again = await clients[0].post(f"/api/meetings/{meeting_id}/register", headers=headers[0])
            assert again.json()["state"] == "registered" and again.json()["places_left"] == 0
            mine = (await clients[0].get(f"/api/meetings/{meeting_id}")).json()
            assert mine["online_url"] == "https://meet.example.org/px" and mine["calendar"]
            third = (await clients[3].get(f"/api/meetings/{meeting_id}")).json()
            assert third["my_status"] == "waitlisted" and third["waitlist_place"] == 2 and third["online_url"] == ""

            # The attendee list is staff's only, in JSON, CSV and as a page.
            for path in (f"/api/meetings/{meeting_id}/attendees", f"/api/meetings/{meeting_id}/attendees.csv",
                         f"/staff/meetings/{meeting_id}/attendees"):  # fmt: skip
                assert (await clients[0].get(path)).status_code == 403, path
            listed = (await staff.get(f"/api/meetings/{meeting_id}/attendees")).json()
            assert [(a["name"], a["state"]) for a in listed] == [
                ("Contact 0", "registered"),
                ("Contact 1", "registered"),
                ("Contact 2", "waitlisted"),
                ("Contact 3", "waitlisted"),
            ]
            attendee_page = await staff.get(f"/staff/meetings/{meeting_id}/attendees")
            assert attendee_page.status_code == 200 and "contact3@force3.example.org" in attendee_page.text
            staff_page = await staff.get(f"/meetings/{meeting_id}")
            assert "2 registered" in staff_page.text and "2 waiting" in staff_page.text
            assert (await staff.get("/staff/meetings")).status_code == 200
            assert (await staff.get(f"/staff/meetings/{meeting_id}/edit")).status_code == 200
            csv_text = (await staff.get(f"/api/meetings/{meeting_id}/attendees.csv")).text
            assert "contact2@force2.example.org" in csv_text and csv_text.splitlines()[0].endswith("registered_at")
            # Partners never see who else registered, on any of the meeting's pages or routes.
            for path in (f"/meetings/{meeting_id}", "/meetings", f"/api/meetings/{meeting_id}", "/api/meetings"):
                text = (await clients[3].get(path)).text
                for other in ("Contact 0", "Contact 1", "contact0@", "contact1@", "Force 0", "Force 1"):
                    assert other not in text, (path, other)

            # Cancelling frees the place: the first waiting (French) contact gets it, by e-mail too.
            cancelled = await clients[1].post(f"/api/meetings/{meeting_id}/unregister", headers=headers[1])
            assert cancelled.json()["state"] == "cancelled"
            assert (await clients[1].post(f"/api/meetings/{meeting_id}/unregister", headers=headers[1])).json()[
                "state"
            ] == "cancelled"
            promoted = (await clients[2].get(f"/api/meetings/{meeting_id}")).json()
            assert promoted["my_status"] == "registered" and promoted["places_left"] == 0
            assert (await clients[3].get(f"/api/meetings/{meeting_id}")).json()["waitlist_place"] == 1
            kinds = [n["kind"] for n in (await clients[2].get("/api/meetings/notices")).json()]
            assert kinds == ["promoted", "announced"]
            await work(database_dsn)
            received = smtp.to(world.partner_emails[2])
            assert len(received) == 1
            message = received[0]
            assert message["Content-Language"] == "fr" and message["Subject"].startswith("Une place")
            body = message.get_body(("plain",))
            assert body is not None
            text = body.get_content()
            assert "Échange entre pairs" in text and f"/meetings/{meeting_id}" in text
            assert smtp.to(world.partner_emails[3]) == []  # still waiting: no message

            # A larger capacity gives the next waiting person a place.
            bigger = await staff.post(f"/api/meetings/{meeting_id}", json=meeting_json(capacity=3), headers=hs)
            assert bigger.status_code == 200 and bigger.json()["sequence"] == 1
            assert (await clients[3].get(f"/api/meetings/{meeting_id}")).json()["my_status"] == "registered"
        finally:
            for c in clients:
                await c.aclose()
    actions = [(e.action, e.subject) for e in await recent(100)]
    for action in ("meeting.create", "meeting.announce", "meeting.register", "meeting.unregister", "meeting.edit",
                   "meeting.waitlist.promote"):  # fmt: skip
        assert (action, f"meeting:{meeting_id}") in actions, action


async def test_concurrent_registrations_never_exceed_the_capacity(app: Any, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=8)
    meeting = await create_meeting(MeetingInput(**meeting_json(capacity=3)), world.staff, EN)
    await execute("UPDATE meeting SET state = 'announced', announced_at = now() WHERE id = $1", meeting.id)
    viewers = [await partner(world, i) for i in range(8)]
    results = await asyncio.gather(*(register(meeting.id, v, EN) for v in viewers + viewers))
    rows = await fetch(
        "SELECT state, count(*) AS n FROM meeting_registration WHERE meeting = $1 GROUP BY state", meeting.id
    )
    assert {r["state"]: r["n"] for r in rows} == {"registered": 3, "waitlisted": 5}
    # Each person has one registration, whichever of their two requests came first.
    assert len({(r.person, r.state) for r in results}) == 8
    positions = await fetch(
        "SELECT position FROM meeting_registration WHERE meeting = $1 ORDER BY position", meeting.id
    )
    assert [p["position"] for p in positions] == list(range(1, 9))


async def test_deadline_past_cancelled_and_draft_refuse_registration(
    app: Any, client: httpx.AsyncClient, surveys_dir: Path, settings: Settings
) -> None:
    world = await make_world(surveys_dir, forces=2)
    async with client_like(client) as staff, client_like(client) as reader:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        hr = await api_client(reader, world.partner_emails[0], PARTNER_PASSWORD)
        closed = await announced(
            staff, hs, registration_deadline=local(-1, 9), starts_at=local(5), ends_at=local(5, 16)
        )
        late = await reader.post(f"/api/meetings/{closed}/register", headers=hr)
        assert late.status_code == 409 and "closed" in late.json()["detail"]
        past = await announced(staff, hs, starts_at=local(-2), ends_at=local(-2, 16))
        gone = await reader.post(f"/api/meetings/{past}/register", headers=hr)
        assert gone.status_code == 409 and "taken place" in gone.json()["detail"]
        open_one = await announced(staff, hs)
        assert (await reader.post(f"/api/meetings/{open_one}/register", headers=hr)).status_code == 200
        cancel = await staff.post(f"/api/meetings/{open_one}/cancel", headers=hs)
        assert cancel.json()["state"] == "cancelled" and cancel.json()["sequence"] == 1
        refused = await reader.post(f"/api/meetings/{open_one}/register", headers=hr)
        assert refused.status_code == 200 and refused.json()["state"] == "registered"  # idempotent: still theirs
        other = await partner(world, 1)
        try:
            await register(open_one, other, EN)
        except Refused as exc:
            assert exc.status_code == 409 and "cancelled" in exc.message
        else:
            raise AssertionError("registered for a cancelled meeting")
        # The cancellation is in the calendar file, for those who had a place.
        ics = await reader.get(f"/api/meetings/{open_one}/ics")
        assert ics.status_code == 200
        calendar = icalendar.Calendar.from_ical(ics.content)
        assert str(calendar["METHOD"]) == "CANCEL"
        event = calendar.walk("VEVENT")[0]
        assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
        notices = (await reader.get("/api/meetings/notices")).json()
        assert notices[0]["kind"] == "cancelled"
        assert (await staff.post(f"/api/meetings/{open_one}", json=meeting_json(), headers=hs)).status_code == 409
        # The page says so and offers no registration.
        page = (await reader.get(f"/meetings/{open_one}")).text
        assert 'id="cancelled"' in page and 'id="register"' not in page


async def test_cancelling_a_meeting_mails_everyone_in_their_language(
    mail_settings: Settings,  # noqa: F811
    app: Any,
    client: httpx.AsyncClient,
    smtp: MailServer,  # noqa: F811
    surveys_dir: Path,
    database_dsn: str,
) -> None:
    mail_config.configure(mail_settings)
    world = await make_world(surveys_dir, forces=4)
    languages = ["en", "fr", "es", "fr"]
    for i, code in enumerate(languages):
        found = await find_person(world.partner_emails[i])
        assert found is not None
        await set_language(found.id, code)
    async with client_like(client) as staff:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        meeting_id = await announced(staff, hs, title={"en": "Peer exchange", "fr": "Échange entre pairs",
                                                       "es": "Intercambio entre pares"})  # fmt: skip
        # Contacts 0 and 1 get the two places, 2 waits; 3 never registers.
        for i in range(3):
            await register(meeting_id, await partner(world, i), EN)
        await work(database_dsn)
        assert smtp.messages == []  # registering sends nothing
        cancel = await staff.post(f"/api/meetings/{meeting_id}/cancel", headers=hs)
        assert cancel.status_code == 200 and cancel.json()["state"] == "cancelled"
        # Cancelling twice writes nothing more.
        assert (await staff.post(f"/api/meetings/{meeting_id}/cancel", headers=hs)).status_code == 200
    await work(database_dsn)
    expected = {
        0: ("en", "Meeting cancelled: Peer exchange", "Peer exchange", True),
        1: ("fr", "Réunion annulée : Échange entre pairs", "Échange entre pairs", True),
        2: ("es", "Reunión cancelada: Intercambio entre pares", "Intercambio entre pares", False),
    }
    for i, (code, subject, title, had_place) in expected.items():
        received = smtp.to(world.partner_emails[i])
        assert len(received) == 1, (i, [m["Subject"] for m in received])
        message = received[0]
        assert message["Content-Language"] == code and message["Subject"] == subject
        text, html = parts(message)
        assert title in text and title in html and f"http://test/meetings/{meeting_id}" in text
        calendar = f"http://test/meetings/{meeting_id}/meeting.ics"
        assert (calendar in text) is had_place and (calendar in html) is had_place
    assert smtp.to(world.partner_emails[3]) == []  # not registered: no message
    assert len(smtp.messages) == 3
    rows = await fetch("SELECT language, state FROM message WHERE kind = 'meeting_cancelled' ORDER BY language")
    assert [(r["language"], r["state"]) for r in rows] == [("en", "sent"), ("es", "sent"), ("fr", "sent")]
    # The in-app notice is still there, for the same people only.
    notices = await fetch(
        "SELECT person FROM meeting_notice WHERE meeting = $1 AND kind = 'cancelled' ORDER BY person", meeting_id
    )
    assert len(notices) == 3
    # Staff preview the kind in every language, as the others.
    async with client_like(client) as staff:
        await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        for code in ("en", "fr", "es"):
            shown = await staff.get("/api/mail/previews/meeting_cancelled", params={"language": code})
            assert shown.status_code == 200 and shown.json()["language"] == code, shown.text
        page = await staff.get("/staff/outbox/previews", params={"kind": "meeting_cancelled", "lang": "es"})
        assert page.status_code == 200 and "Reunión cancelada" in page.text


async def test_calendar_file_read_back(app: Any, client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=2)
    async with client_like(client) as staff, client_like(client) as reader, client_like(client) as other:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        hr = await api_client(reader, world.partner_emails[0], PARTNER_PASSWORD)
        await sign_in(other, world.partner_emails[1], PARTNER_PASSWORD)
        meeting_id = await announced(staff, hs, starts_at="2027-03-09T14:00", ends_at="2027-03-09T16:30")
        assert (await reader.get(f"/api/meetings/{meeting_id}/ics")).status_code == 404  # not registered
        await reader.post(f"/api/meetings/{meeting_id}/register", headers=hr)
        first = await reader.get(f"/meetings/{meeting_id}/meeting.ics")
        assert first.status_code == 200 and first.headers["content-type"] == "text/calendar; charset=utf-8"
        assert "attachment" in first.headers["content-disposition"]
        calendar = icalendar.Calendar.from_ical(first.content)
        assert str(calendar["METHOD"]) == "PUBLISH"
        event = calendar.walk("VEVENT")[0]
        start = event.decoded("DTSTART")
        assert start.tzinfo is not None and str(event["DTSTART"].params["TZID"]) == "Europe/Paris"
        assert start == dt.datetime(2027, 3, 9, 13, 0, tzinfo=dt.UTC)  # 14:00 in Paris, winter time
        assert event.decoded("DTEND") == dt.datetime(2027, 3, 9, 15, 30, tzinfo=dt.UTC)
        assert calendar.walk("VTIMEZONE")  # the zone's definition travels with the file
        assert str(event["LOCATION"]) == "Lyon" and str(event["URL"]) == "https://meet.example.org/px"
        assert "Welcome" in str(event["DESCRIPTION"]) and int(event["SEQUENCE"]) == 0
        uid = str(event["UID"])
        assert uid == f"meeting-{meeting_id}@test"
        # A change after announcing: the same UID, one more SEQUENCE.
        moved = meeting_json(starts_at="2027-03-09T15:00", ends_at="2027-03-09T17:00", timezone="UTC")
        assert (await staff.post(f"/api/meetings/{meeting_id}", json=moved, headers=hs)).status_code == 200
        event = icalendar.Calendar.from_ical((await reader.get(f"/api/meetings/{meeting_id}/ics")).content).walk(
            "VEVENT"
        )[0]
        assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == dt.datetime(2027, 3, 9, 15, 0, tzinfo=dt.UTC)
        assert "TZID" not in event["DTSTART"].params
        # Someone without a place gets no file.
        assert (await other.get(f"/meetings/{meeting_id}/meeting.ics")).status_code == 404
    actions = [(e.action, e.subject) for e in await recent(50)]
    assert ("meeting.calendar.download", f"meeting:{meeting_id}") in actions


async def test_bad_input_names_the_field_and_stores_nothing(
    app: Any, client: httpx.AsyncClient, surveys_dir: Path
) -> None:
    await make_world(surveys_dir, forces=1)
    async with client_like(client) as staff:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        cases = [
            ({"title": {"fr": "Seulement en français"}}, "title_en"),
            ({"timezone": "Mars/Olympus"}, "timezone"),
            ({"starts_at": "tomorrow"}, "starts_at"),
            ({"ends_at": local(10, 13)}, "ends_at"),
            ({"capacity": 0}, "capacity"),
            ({"capacity": 99_999_999}, "capacity"),
            ({"place": "", "online_url": ""}, "place"),
            ({"online_url": "javascript:alert(1)"}, "online_url"),
            ({"registration_deadline": local(11)}, "registration_deadline"),
            ({"report_ids": [99]}, "report_ids"),
            ({"round_ids": [2_147_483_648]}, "round_ids"),
            ({"default_language": "de"}, "default_language"),
        ]
        for changes, field in cases:
            answer = await staff.post("/api/meetings", json=meeting_json(**changes), headers=hs)
            assert answer.status_code == 422, (changes, answer.text)
            assert field in [e["key"] for e in answer.json()["extra"]], (changes, answer.json())
        wrong_type = await staff.post("/api/meetings", json=meeting_json(capacity="many"), headers=hs)
        assert wrong_type.status_code == 400 and "capacity" in wrong_type.text
        assert (await fetch("SELECT count(*) AS n FROM meeting"))[0]["n"] == 0

        # The page keeps what was typed and names the field.
        page = await staff.get("/staff/meetings/new")
        body = form_data(
            {"default_language": "en", "title_en": "Kept title", "starts_at": "2027-01-01T10:00",
             "ends_at": "2027-01-01T09:00", "timezone": "Europe/London", "place": "Rome", "capacity": "ten"},
            _csrf_token=csrf_token(page.text),
        )  # fmt: skip
        again = await staff.post("/staff/meetings/new", data=body)
        assert again.status_code == 400
        assert 'id="ends_at-error"' in again.text and 'id="capacity-error"' in again.text
        assert 'value="Kept title"' in again.text and 'value="Rome"' in again.text
        assert (await fetch("SELECT count(*) AS n FROM meeting"))[0]["n"] == 0


async def test_summary_after_the_meeting(app: Any, client: httpx.AsyncClient, surveys_dir: Path) -> None:
    world = await make_world(surveys_dir, forces=1)
    async with client_like(client) as staff, client_like(client) as reader:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        await sign_in(reader, world.partner_emails[0], PARTNER_PASSWORD)
        upcoming = await announced(staff, hs)
        early = await staff.post(f"/api/meetings/{upcoming}/summary", json={"summary": {"en": "x"}}, headers=hs)
        assert early.status_code == 409
        held = await announced(staff, hs, starts_at=local(-1), ends_at=local(-1, 16))
        empty = await staff.post(f"/api/meetings/{held}/summary", json={"summary": {"en": "  "}}, headers=hs)
        assert empty.status_code == 422 and empty.json()["extra"][0]["key"] == "summary_en"
        assert "Summary of the meeting" not in (await reader.get(f"/meetings/{held}")).text
        done = await post_form(
            staff,
            f"/staff/meetings/{held}/summary",
            f"/staff/meetings/{held}/summary",
            {"summary_en": "Forces agreed that **displacement** needs measuring.", "summary_fr": ""},
        )
        assert done.status_code == 303
        page = (await reader.get(f"/meetings/{held}")).text
        assert "Summary of the meeting" in page and "<strong>displacement</strong>" in page
        french = (await reader.get(f"/meetings/{held}", headers={"accept-language": "fr"})).text
        assert 'lang="en"' in french  # the English summary, marked as such
        assert (await reader.get(f"/staff/meetings/{held}/summary")).status_code == 403
    actions = [(e.action, e.subject) for e in await recent(50)]
    assert ("meeting.summary.publish", f"meeting:{held}") in actions


async def test_meeting_and_report_threads_and_their_guards(
    app: Any, client: httpx.AsyncClient, surveys_dir: Path, settings: Settings
) -> None:
    world, round_id = await published_world(settings, surveys_dir)
    from backend.demo.library import seed_library

    report_id = await seed_library(world.staff)
    async with client_like(client) as staff, client_like(client) as reader:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        hr = await api_client(reader, world.partner_emails[0], PARTNER_PASSWORD)
        draft = (await staff.post("/api/meetings", json=meeting_json(round_ids=[round_id]), headers=hs)).json()
        # A draft meeting has no thread for partners (nor staff: it exists once announced).
        assert (await reader.get(f"/api/exchange/meetings/{draft['id']}")).status_code == 404
        assert (await reader.get(f"/exchange/meetings/{draft['id']}")).status_code == 404
        assert (
            await reader.post(f"/api/exchange/meetings/{draft['id']}/posts", json={"body": "x"}, headers=hr)
        ).status_code == 404
        await staff.post(f"/api/meetings/{draft['id']}/announce", headers=hs)
        thread = (await reader.get(f"/api/exchange/meetings/{draft['id']}")).json()
        assert thread["kind"] == "meeting" and thread["round_id"] is None and thread["title"] == "Peer exchange"
        assert thread["path"] == f"/exchange/meetings/{draft['id']}"
        posted = await reader.post(
            f"/api/exchange/meetings/{draft['id']}/posts", json={"body": "Looking forward to it."}, headers=hr
        )
        assert posted.status_code == 201 and posted.json()["own"] and "author" not in posted.json()
        assert (
            await reader.post(f"/api/exchange/meetings/{draft['id']}/follow", json={"follow": True}, headers=hr)
        ).status_code == 200
        page = (await reader.get(f"/exchange/meetings/{draft['id']}")).text
        assert "Looking forward to it." in page and f'href="/meetings/{draft["id"]}"' in page
        meeting_page = (await reader.get(f"/meetings/{draft['id']}")).text
        assert f'href="/exchange/meetings/{draft["id"]}"' in meeting_page
        assert f'href="/dashboard/rounds/{round_id}"' in meeting_page  # the published round
        # The report's thread, linked from the report's page.
        report_page = (await reader.get(f"/library/{report_id}")).text
        assert f'href="/exchange/reports/{report_id}"' in report_page
        on_report = await post_form(
            reader, f"/exchange/reports/{report_id}", f"/exchange/reports/{report_id}", {"body": "Useful study."}
        )
        assert on_report.status_code == 303
        assert "Useful study." in (await reader.get(f"/api/exchange/reports/{report_id}")).text
        # Unpublished report, cancelled meeting: their threads are gone for partners.
        await staff.post(f"/api/library/reports/{report_id}/unpublish", headers=hs)
        assert (await reader.get(f"/api/exchange/reports/{report_id}")).status_code == 404
        assert (await reader.get(f"/exchange/reports/{report_id}")).status_code == 404
        await staff.post(f"/api/meetings/{draft['id']}/cancel", headers=hs)
        assert (await reader.get(f"/api/exchange/meetings/{draft['id']}")).status_code == 404
        assert (await reader.get("/api/exchange/meetings/99999")).status_code == 404
        # A meeting's thread cannot be reached under a round.
        assert (await reader.get(f"/api/exchange/rounds/{round_id}/meetings/{draft['id']}")).status_code == 404


async def test_round_links_only_when_published_and_the_pack(
    app: Any, client: httpx.AsyncClient, surveys_dir: Path, settings: Settings
) -> None:
    world, published = await published_world(settings, surveys_dir)
    from tests.factories import open_test_round

    unpublished = await open_test_round(world, settings.secret_key)
    async with client_like(client) as staff, client_like(client) as reader:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        await api_client(reader, world.partner_emails[0], PARTNER_PASSWORD)
        meeting_id = await announced(staff, hs, round_ids=[published, unpublished])
        seen = (await reader.get(f"/api/meetings/{meeting_id}")).json()
        assert [r["id"] for r in seen["rounds"]] == [published]
        assert f"/dashboard/rounds/{unpublished}" not in (await reader.get(f"/meetings/{meeting_id}")).text
        assert {r["id"] for r in (await staff.get(f"/api/meetings/{meeting_id}")).json()["rounds"]} == {
            published,
            unpublished,
        }
    pack = await meeting_for_pack(meeting_id, language_for("fr"))
    assert pack is not None and pack.title.text == "Échange entre pairs" and pack.round_ids == [published]
    assert "<strong>Welcome</strong>" in pack.agenda_html and "<script>" not in pack.agenda_html


async def test_new_meetings_in_the_digest(app: Any, client: httpx.AsyncClient, surveys_dir: Path) -> None:
    from backend.exchange.digest import choose, send_due_digests
    from backend.exchange.digest_plan import Frequency

    world = await make_world(surveys_dir, forces=2)
    reader = await partner(world, 0)
    await choose(reader, Frequency.DAILY)
    async with client_like(client) as staff:
        hs = await api_client(staff, STAFF_EMAIL, STAFF_PASSWORD)
        draft = (await staff.post("/api/meetings", json=meeting_json(), headers=hs)).json()
        # A draft is in nobody's digest.
        assert await send_due_digests(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)) == []
        await execute("UPDATE exchange_digest SET last_period = ''")
        await staff.post(f"/api/meetings/{draft['id']}/announce", headers=hs)
    sent = await send_due_digests(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    assert len(sent) == 1
    rows = await fetch("SELECT body_text, body_html, recipient FROM message WHERE id = $1", sent[0])
    assert rows[0]["recipient"] == world.partner_emails[0]
    assert "New meetings" in rows[0]["body_text"] and "Peer exchange" in rows[0]["body_text"]
    assert f"http://test/meetings/{draft['id']}" in rows[0]["body_html"] and "Lyon" in rows[0]["body_text"]


async def test_the_demo_has_an_upcoming_meeting(
    client: httpx.AsyncClient, settings: Settings, surveys_dir: Path
) -> None:
    from backend.demo.seed import PARTNER_PASSWORD as DEMO_PARTNER_PASSWORD
    from backend.demo.seed import seed_demo
    from backend.surveys.services import sync_folder

    await sync_folder(surveys_dir)
    accounts = await seed_demo("http://test", settings.secret_key)
    headers = await api_client(client, accounts.partner_email, DEMO_PARTNER_PASSWORD)
    [meeting] = (await client.get("/api/meetings")).json()
    assert meeting["state"] == "announced" and meeting["registration_open"] and meeting["timezone"] == "Europe/Paris"
    assert set(meeting["titles"]) == {"en", "fr", "es"}
    assert [r["path"] for r in meeting["reports"]] == [f"/library/{meeting['reports'][0]['id']}"]
    assert len(meeting["rounds"]) == 1 and meeting["discussion"] == f"/exchange/meetings/{meeting['id']}"
    registered = await client.post(f"/api/meetings/{meeting['id']}/register", headers=headers)
    assert registered.json()["state"] == "registered"
