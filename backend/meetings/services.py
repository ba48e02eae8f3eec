"""The meetings' services: staff create, edit, announce and cancel meetings and publish their
summary (audited); partners (and staff) register within the capacity, with a waiting list, and
cancel; the attendee list is staff's only (partners get counts and their own status).

Registrations of one meeting are serialised by a row lock on the meeting (`FOR UPDATE`), taken
by every registration, cancellation and edit of the capacity, so concurrent registrations never
exceed the capacity and the waiting list keeps the order of registration (`position`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from backend.audit.services import record
from backend.database import execute, fetch, fetchrow, json_value, transaction
from backend.exchange.markdown import render
from backend.i18n import Language, Shown
from backend.meetings.calendar import meeting_calendar
from backend.meetings.checks import Invalid, MeetingInput, MeetingValues, check_meeting, check_summary
from backend.meetings.schemas import (
    LinkedReport,
    LinkedRound,
    MeetingRow,
    MeetingState,
    NoticeKind,
    NoticeRow,
    PackMeeting,
    RegistrationRow,
    RegistrationState,
)
from backend.security.roles import Viewer

__all__ = ["Invalid", "MeetingInput", "Refused"]


class Refused(Exception):
    """An action that cannot be done now (`status_code` 404 or 409); nothing changed."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


COLUMNS = """m.id, m.title, m.default_language, m.starts_at, m.ends_at, m.timezone, m.place, m.online_url,
m.agenda, m.capacity, m.registration_deadline, m.state, m.sequence, m.summary, m.summary_published_at,
m.announced_at, m.created_at, m.updated_at,
(SELECT count(*) FROM meeting_registration r WHERE r.meeting = m.id AND r.state = 'registered') AS registered,
(SELECT count(*) FROM meeting_registration r WHERE r.meeting = m.id AND r.state = 'waitlisted') AS waitlisted"""


def _row(r: dict[str, Any]) -> MeetingRow:
    values = {**r}
    for name in ("title", "agenda", "summary"):
        values[name] = json_value(r[name]) or {}
    return msgspec.convert(values, MeetingRow)


async def list_meetings(viewer: Viewer) -> list[MeetingRow]:
    """Upcoming first (soonest first), then past ones (latest first); partners never see drafts."""
    rows = await fetch(
        f"SELECT {COLUMNS} FROM meeting m WHERE ($1 OR m.state <> 'draft') "
        "ORDER BY (m.ends_at < now()), CASE WHEN m.ends_at >= now() THEN m.starts_at END ASC, m.starts_at DESC",
        viewer.is_staff,
    )
    return [_row(r) for r in rows]


async def get_meeting(meeting_id: int, viewer: Viewer | None) -> MeetingRow | None:
    """The meeting, or None when the viewer may not see it (drafts: staff only; None: anyone's
    view, as a partner's)."""
    staff = viewer is not None and viewer.is_staff
    r = await fetchrow(
        f"SELECT {COLUMNS} FROM meeting m WHERE m.id = $1 AND ($2 OR m.state <> 'draft')", meeting_id, staff
    )
    return None if r is None else _row(r)


LINKED_REPORTS = """
SELECT l.id, l.title, l.default_language, l.published FROM meeting_report mr
JOIN library_report l ON l.id = mr.report WHERE mr.meeting = $1 AND ($2 OR l.published)
ORDER BY l.published_on DESC, l.id"""

#: A round is published when it has a publication (partners see those only).
LINKED_ROUNDS = """
SELECT r.id, r.title, r.titles, EXISTS (SELECT 1 FROM publication p WHERE p.round = r.id) AS published
FROM meeting_round mr JOIN round r ON r.id = mr.round WHERE mr.meeting = $1 ORDER BY r.id"""


async def linked_reports(meeting_id: int, viewer: Viewer | None) -> list[LinkedReport]:
    staff = viewer is not None and viewer.is_staff
    rows = await fetch(LINKED_REPORTS, meeting_id, staff)
    return [msgspec.convert({**r, "title": json_value(r["title"]) or {}}, LinkedReport) for r in rows]


async def linked_rounds(meeting_id: int, viewer: Viewer | None) -> list[LinkedRound]:
    staff = viewer is not None and viewer.is_staff
    rows = [{**r, "titles": json_value(r["titles"]) or {}} for r in await fetch(LINKED_ROUNDS, meeting_id)]
    return [msgspec.convert(r, LinkedRound) for r in rows if staff or r["published"]]


async def meeting_for_pack(meeting_id: int, language: Language) -> PackMeeting | None:
    """What a briefing pack (backend/briefing) says about an announced meeting, in `language`:
    title, times, place, the agenda as sanitised HTML, and the linked rounds and reports that
    partners may read (published ones). None for a draft, a cancelled or an unknown meeting."""
    found = await get_meeting(meeting_id, None)
    if found is None or found.state != MeetingState.ANNOUNCED:
        return None
    agenda = found.shown_agenda(language)
    return PackMeeting(
        meeting_id=found.id,
        title=found.shown_title(language),
        starts_at=found.starts_at,
        ends_at=found.ends_at,
        timezone=found.timezone,
        place=found.place or language.gettext("Online"),
        online=bool(found.online_url),
        agenda_html=render(agenda.text) if agenda else "",
        round_ids=[r.id for r in await linked_rounds(meeting_id, None)],
        report_ids=[r.id for r in await linked_reports(meeting_id, None)],
    )


# -- staff: create, edit, announce, cancel, summary ---------------------------------------------


async def _check_links(values: MeetingValues, language: Language) -> None:
    problems = {}
    if values.report_ids:
        found = {
            r["id"] for r in await fetch("SELECT id FROM library_report WHERE id = ANY($1::int[])", values.report_ids)
        }
        if set(values.report_ids) - found:
            problems["report_ids"] = language.gettext("Choose reports of the library.")
    if values.round_ids:
        found = {r["id"] for r in await fetch("SELECT id FROM round WHERE id = ANY($1::int[])", values.round_ids)}
        if set(values.round_ids) - found:
            problems["round_ids"] = language.gettext("Choose rounds from the list.")
    if problems:
        raise Invalid(problems)


async def _store_links(meeting_id: int, values: MeetingValues) -> None:
    await execute("DELETE FROM meeting_report WHERE meeting = $1", meeting_id)
    await execute("DELETE FROM meeting_round WHERE meeting = $1", meeting_id)
    if values.report_ids:
        await execute(
            "INSERT INTO meeting_report (meeting, report) SELECT $1, unnest($2::int[])", meeting_id, values.report_ids
        )
    if values.round_ids:
        await execute(
            "INSERT INTO meeting_round (meeting, round) SELECT $1, unnest($2::int[])", meeting_id, values.round_ids
        )


INSERT = """
INSERT INTO meeting (title, default_language, starts_at, ends_at, timezone, place, online_url, agenda, capacity,
  registration_deadline, state, sequence, summary, created_by, created_at, updated_at)
VALUES ($1::jsonb, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, 'draft', 0, '{}'::jsonb, $11, now(), now())
RETURNING id"""

UPDATE = """
UPDATE meeting SET title = $2::jsonb, default_language = $3, starts_at = $4, ends_at = $5, timezone = $6, place = $7,
  online_url = $8, agenda = $9::jsonb, capacity = $10, registration_deadline = $11,
  sequence = sequence + CASE WHEN state = 'draft' THEN 0 ELSE 1 END, updated_at = now()
WHERE id = $1"""


def _columns(values: MeetingValues) -> tuple[Any, ...]:
    """The meeting's checked values in the column order INSERT and UPDATE both use."""
    return (
        _json(values.title),
        values.default_language,
        values.starts_at,
        values.ends_at,
        values.timezone,
        values.place,
        values.online_url,
        _json(values.agenda),
        values.capacity,
        values.registration_deadline,
    )


def _json(value: object) -> str:
    return msgspec.json.encode(value).decode()


async def create_meeting(data: MeetingInput, viewer: Viewer, language: Language) -> MeetingRow:
    """A draft meeting (partners do not see it until it is announced); `Invalid` stores nothing."""
    values = check_meeting(data, language)
    await _check_links(values, language)
    async with transaction():
        row = await fetchrow(
            INSERT,
            *_columns(values),
            viewer.person_id,
        )
        assert row is not None
        meeting_id = int(row["id"])
        await _store_links(meeting_id, values)
        await record(viewer, "meeting.create", f"meeting:{meeting_id}")
    found = await get_meeting(meeting_id, viewer)
    assert found is not None
    return found


async def _locked(meeting_id: int) -> dict[str, Any] | None:
    """The meeting's row, locked until the transaction ends (registrations wait for it)."""
    return await fetchrow("SELECT id, state, capacity FROM meeting WHERE id = $1 FOR UPDATE", meeting_id)


async def edit_meeting(meeting_id: int, data: MeetingInput, viewer: Viewer, language: Language) -> MeetingRow:
    """Change a meeting (not a cancelled one). After announcing, each change counts one more in
    the calendar file's SEQUENCE; a larger capacity gives waitlisted people their place."""
    values = check_meeting(data, language)
    await _check_links(values, language)
    async with transaction():
        locked = await _locked(meeting_id)
        if locked is None:
            raise Refused(404, language.gettext("There is no such meeting."))
        if locked["state"] == MeetingState.CANCELLED:
            raise Refused(409, language.gettext("This meeting is cancelled: it cannot be changed."))
        await execute(
            UPDATE,
            meeting_id,
            *_columns(values),
        )
        await _store_links(meeting_id, values)
        promoted = await _fill_places(meeting_id, values.capacity)
        await record(viewer, "meeting.edit", f"meeting:{meeting_id}", promoted=len(promoted))
    found = await get_meeting(meeting_id, viewer)
    assert found is not None
    return found


ANNOUNCE_NOTICES = """
INSERT INTO meeting_notice (person, meeting, kind, created_at)
SELECT p.id, $1, 'announced', now() FROM person p WHERE p.role = 'partner' AND p.active AND p.force IS NOT NULL"""


async def announce(meeting_id: int, viewer: Viewer, language: Language) -> MeetingRow:
    """A draft becomes announced: partners see it, can register and discuss it, get an in-app
    notice now and the meeting in their next e-mail digest. Announcing twice does nothing."""
    async with transaction():
        locked = await _locked(meeting_id)
        if locked is None:
            raise Refused(404, language.gettext("There is no such meeting."))
        if locked["state"] == MeetingState.CANCELLED:
            raise Refused(409, language.gettext("This meeting is cancelled: it cannot be announced."))
        if locked["state"] == MeetingState.DRAFT:
            await execute(
                "UPDATE meeting SET state = 'announced', announced_at = now(), updated_at = now() WHERE id = $1",
                meeting_id,
            )
            await execute(ANNOUNCE_NOTICES, meeting_id)
            await record(viewer, "meeting.announce", f"meeting:{meeting_id}")
    found = await get_meeting(meeting_id, viewer)
    assert found is not None
    return found


CANCEL_NOTICES = """
INSERT INTO meeting_notice (person, meeting, kind, created_at)
SELECT r.person, $1, 'cancelled', now() FROM meeting_registration r
WHERE r.meeting = $1 AND r.state IN ('registered', 'waitlisted')"""


async def cancel_meeting(meeting_id: int, viewer: Viewer, language: Language) -> MeetingRow:
    """Cancel a meeting: registration closes, registered and waitlisted people get a notice and
    an e-mail in their language (`meeting_cancelled`), and the calendar file (SEQUENCE one more)
    says METHOD:CANCEL. Cancelling twice does nothing."""
    async with transaction():
        locked = await _locked(meeting_id)
        if locked is None:
            raise Refused(404, language.gettext("There is no such meeting."))
        if locked["state"] != MeetingState.CANCELLED:
            await execute(
                "UPDATE meeting SET state = 'cancelled', sequence = sequence + 1, updated_at = now() WHERE id = $1",
                meeting_id,
            )
            await execute(CANCEL_NOTICES, meeting_id)
            # Imported here, as in `_fill_places`: keeps this module's import light.
            from backend.meetings.mail import queue_cancelled_messages

            await queue_cancelled_messages(meeting_id)
            await record(viewer, "meeting.cancel", f"meeting:{meeting_id}")
    found = await get_meeting(meeting_id, viewer)
    assert found is not None
    return found


async def publish_summary(meeting_id: int, summary: dict[str, str], viewer: Viewer, language: Language) -> MeetingRow:
    """Publish (or correct) the unattributed summary of a meeting that took place; partners read it
    on the meeting's page."""
    found = await get_meeting(meeting_id, viewer)
    if found is None:
        raise Refused(404, language.gettext("There is no such meeting."))
    if found.state != MeetingState.ANNOUNCED or found.starts_at > now():
        raise Refused(409, language.gettext("A summary is published after the meeting has taken place."))
    texts = check_summary(summary, found.default_language, language)
    async with transaction():
        await execute(
            "UPDATE meeting SET summary = $2::jsonb, summary_published_at = now(), updated_at = now() WHERE id = $1",
            meeting_id,
            _json(texts),
        )
        await record(viewer, "meeting.summary.publish", f"meeting:{meeting_id}")
    published = await get_meeting(meeting_id, viewer)
    assert published is not None
    return published


# -- registrations ---------------------------------------------------------------------------

REGISTRATION = """
SELECT r.id, r.meeting, r.person, r.state, r.position, r.created_at, r.updated_at FROM meeting_registration r
WHERE r.meeting = $1 AND r.person = $2"""

ATTENDEES = """
SELECT r.id, r.meeting, r.person, r.state, r.position, r.created_at, r.updated_at, p.name, p.email,
       f.name AS force_name
FROM meeting_registration r JOIN person p ON p.id = r.person LEFT JOIN force f ON f.id = p.force
WHERE r.meeting = $1
ORDER BY CASE r.state WHEN 'registered' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, r.position"""

REGISTER = """
INSERT INTO meeting_registration (meeting, person, state, position, created_at, updated_at)
VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 1 FROM meeting_registration WHERE meeting = $1), now(), now())
ON CONFLICT (meeting, person) DO UPDATE SET state = EXCLUDED.state, position = EXCLUDED.position, updated_at = now(),
  created_at = now()"""

COUNT_REGISTERED = "SELECT count(*) AS n FROM meeting_registration WHERE meeting = $1 AND state = 'registered'"


async def my_registration(meeting_id: int, viewer: Viewer) -> RegistrationRow | None:
    row = await fetchrow(REGISTRATION, meeting_id, viewer.person_id)
    return None if row is None else msgspec.convert(row, RegistrationRow)


async def attendees(meeting_id: int) -> list[RegistrationRow]:
    """Everyone who registered, waits or cancelled, with names and forces: staff only (the
    routes that call this are guarded so)."""
    return msgspec.convert(await fetch(ATTENDEES, meeting_id), list[RegistrationRow])


async def register(meeting_id: int, viewer: Viewer, language: Language) -> RegistrationRow:
    """Register the viewer: a place while there is one, else the waiting list (in order of
    registration). Registering again changes nothing. Refused after the deadline, for a past or
    cancelled meeting."""
    async with transaction():
        locked = await _locked(meeting_id)
        found = await get_meeting(meeting_id, viewer)
        if locked is None or found is None:
            raise Refused(404, language.gettext("There is no such meeting."))
        mine = await my_registration(meeting_id, viewer)
        if mine is not None and mine.state != RegistrationState.CANCELLED:
            return mine
        if found.state == MeetingState.CANCELLED:
            raise Refused(409, language.gettext("This meeting is cancelled."))
        if found.state != MeetingState.ANNOUNCED:
            raise Refused(409, language.gettext("This meeting is not announced yet."))
        moment = now()
        if found.is_past(moment):
            raise Refused(409, language.gettext("This meeting has already taken place."))
        if moment >= found.closes_at:
            raise Refused(409, language.gettext("Registration for this meeting has closed."))
        counted = await fetchrow(COUNT_REGISTERED, meeting_id)
        assert counted is not None
        state = RegistrationState.REGISTERED if counted["n"] < found.capacity else RegistrationState.WAITLISTED
        await execute(REGISTER, meeting_id, viewer.person_id, state.value)
        await record(viewer, "meeting.register", f"meeting:{meeting_id}", state=state.value)
        mine = await my_registration(meeting_id, viewer)
    assert mine is not None
    return mine


async def cancel_registration(meeting_id: int, viewer: Viewer, language: Language) -> RegistrationRow | None:
    """Cancel the viewer's registration (or their place on the waiting list): a place that frees
    goes to the first waitlisted person, who is told by e-mail and an in-app notice. Cancelling
    again changes nothing; None when they never registered."""
    async with transaction():
        locked = await _locked(meeting_id)
        found = await get_meeting(meeting_id, viewer)
        if locked is None or found is None:
            raise Refused(404, language.gettext("There is no such meeting."))
        mine = await my_registration(meeting_id, viewer)
        if mine is None or mine.state == RegistrationState.CANCELLED:
            return mine
        await execute("UPDATE meeting_registration SET state = 'cancelled', updated_at = now() WHERE id = $1", mine.id)
        await record(viewer, "meeting.unregister", f"meeting:{meeting_id}", was=mine.state.value)
        if found.state == MeetingState.ANNOUNCED and not found.is_past(now()):
            await _fill_places(meeting_id, found.capacity)
        mine = await my_registration(meeting_id, viewer)
    return mine


PROMOTE = """
UPDATE meeting_registration SET state = 'registered', updated_at = now()
WHERE id IN (SELECT id FROM meeting_registration WHERE meeting = $1 AND state = 'waitlisted' ORDER BY position LIMIT $2)
RETURNING id, person"""


async def _fill_places(meeting_id: int, capacity: int) -> list[int]:
    """Give free places to the waiting list, first come first served (the meeting is locked by
    the caller); each promoted person gets an e-mail and a notice. Their person ids."""
    counted = await fetchrow(COUNT_REGISTERED, meeting_id)
    assert counted is not None
    free = capacity - int(counted["n"])
    if free <= 0:
        return []
    promoted = await fetch(PROMOTE, meeting_id, free)
    if not promoted:
        return []
    # Mail's services are imported here: mail depends on nothing of ours, and this keeps the
    # module's import light for the briefing packs.
    from backend.meetings.mail import queue_place_messages

    people = [int(r["person"]) for r in promoted]
    await execute(
        "INSERT INTO meeting_notice (person, meeting, kind, created_at) "
        "SELECT unnest($2::int[]), $1, 'promoted', now()",
        meeting_id,
        people,
    )
    await queue_place_messages(meeting_id, [int(r["id"]) for r in promoted])
    await record(None, "meeting.waitlist.promote", f"meeting:{meeting_id}", people=people)
    return people


# -- calendar file -------------------------------------------------------------------------------


async def calendar_file(
    meeting_id: int, viewer: Viewer, language: Language, base_url: str
) -> tuple[MeetingRow, bytes] | None:
    """The meeting's .ics for a registered attendee (or staff); None when the viewer has no
    place. A cancelled meeting's file says METHOD:CANCEL (for those who had a place)."""
    found = await get_meeting(meeting_id, viewer)
    if found is None or (found.state == MeetingState.DRAFT and not viewer.is_staff):
        return None
    mine = await my_registration(meeting_id, viewer)
    if not viewer.is_staff and (mine is None or mine.state != RegistrationState.REGISTERED):
        return None
    agenda = found.shown_agenda(language)
    page = f"{base_url.rstrip('/')}/meetings/{meeting_id}"
    description = "\n\n".join(part for part in (agenda.text if agenda else "", page) if part)
    content = meeting_calendar(
        meeting_id=meeting_id,
        base_url=base_url,
        title=found.shown_title(language).text,
        starts_at=found.starts_at,
        ends_at=found.ends_at,
        timezone=found.timezone,
        place=found.place,
        online_url=found.online_url,
        description=description,
        sequence=found.sequence,
        cancelled=found.state == MeetingState.CANCELLED,
        stamp=found.updated_at,
    )
    await record(viewer, "meeting.calendar.download", f"meeting:{meeting_id}")
    return found, content


# -- in-app notices ------------------------------------------------------------------------------


async def notices(viewer: Viewer, limit: int = 50) -> list[tuple[NoticeRow, MeetingRow]]:
    """The viewer's meeting notices, newest first, of meetings they can still see."""
    rows = await fetch(
        "SELECT id, meeting, kind, created_at, read_at FROM meeting_notice WHERE person = $1 ORDER BY id DESC LIMIT $2",
        viewer.person_id,
        limit,
    )
    out = []
    for r in rows:
        notice = msgspec.convert(r, NoticeRow)
        found = await get_meeting(notice.meeting, viewer)
        if found is not None:
            out.append((notice, found))
    return out


async def unread_notices(viewer: Viewer) -> int:
    row = await fetchrow(
        "SELECT count(*) AS n FROM meeting_notice WHERE person = $1 AND read_at IS NULL", viewer.person_id
    )
    return 0 if row is None else int(row["n"])


async def mark_notices_read(viewer: Viewer) -> int:
    rows = await fetch(
        "UPDATE meeting_notice SET read_at = now() WHERE person = $1 AND read_at IS NULL RETURNING id",
        viewer.person_id,
    )
    return len(rows)


# -- what other features read --------------------------------------------------------------------


async def announced_title(meeting_id: int, language: Language) -> tuple[Shown, str] | None:
    """(title, the meeting's page) of an announced meeting, for its discussion thread's guard;
    None for a draft, cancelled or unknown meeting."""
    found = await get_meeting(meeting_id, None)
    if found is None or found.state != MeetingState.ANNOUNCED:
        return None
    return found.shown_title(language), f"/meetings/{meeting_id}"


async def announced_since(since: dt.datetime) -> list[MeetingRow]:
    """Meetings announced after `since` that have not started (the e-mail digest's section)."""
    rows = await fetch(
        f"SELECT {COLUMNS} FROM meeting m WHERE m.state = 'announced' AND m.announced_at > $1 AND m.starts_at > now() "
        "ORDER BY m.starts_at",
        since,
    )
    return [_row(r) for r in rows]


__all__ += ["NoticeKind"]


async def waitlist_place(registration: RegistrationRow | None) -> int | None:
    """1 for the first on the waiting list, …; None unless `registration` is waitlisted."""
    if registration is None or registration.state != RegistrationState.WAITLISTED:
        return None
    row = await fetchrow(
        "SELECT count(*) AS n FROM meeting_registration WHERE meeting = $1 AND state = 'waitlisted' AND position <= $2",
        registration.meeting,
        registration.position,
    )
    return None if row is None else int(row["n"])


async def round_choices() -> list[LinkedRound]:
    """Every round, newest first, for the staff form (partners will see only published ones)."""
    rows = await fetch(
        "SELECT r.id, r.title, r.titles, EXISTS (SELECT 1 FROM publication p WHERE p.round = r.id) AS published "
        "FROM round r ORDER BY r.id DESC"
    )
    return [msgspec.convert({**r, "titles": json_value(r["titles"]) or {}}, LinkedRound) for r in rows]


async def report_choices() -> list[LinkedReport]:
    """Every report of the library, newest first, for the staff form."""
    rows = await fetch(
        "SELECT id, title, default_language, published FROM library_report ORDER BY published_on DESC, id DESC"
    )
    return [msgspec.convert({**r, "title": json_value(r["title"]) or {}}, LinkedReport) for r in rows]
