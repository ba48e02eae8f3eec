"""The meetings' JSON API: the same actions, guards, checks and audit as their pages. Partners
(and staff) list and read meetings, register, cancel and download the calendar file; they see
the number of places left and their own status, never who else registered. Staff create, edit,
announce and cancel meetings, read the attendee list (JSON or CSV) and publish the summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import JSONBody

from backend.i18n import Language
from backend.meetings.checks import MeetingInput
from backend.meetings.deps import NOT_FOUND, attendees_csv, calendar_for, or_http_error, visible_meeting
from backend.meetings.schemas import MeetingRow
from backend.meetings.services import (
    announce,
    attendees,
    cancel_meeting,
    cancel_registration,
    create_meeting,
    edit_meeting,
    list_meetings,
    mark_notices_read,
    notices,
    publish_summary,
    register,
    waitlist_place,
)
from backend.meetings.views import MeetingView, meeting_view
from backend.security.guards import requires_partner, requires_staff
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.web.errors import refusals
from backend.web.params import Injected, PathId

NO_STORE = CacheControlHeader(no_store=True)

_STAFF = (
    " Staff only; written to the audit trail. With a session, send the `csrftoken` cookie's value in the "
    "`X-CSRFToken` header; with a personal API token (`Authorization: Bearer …`, write scope), no CSRF token."
)


class LinkOut(msgspec.Struct):
    id: int
    title: str
    title_lang: str
    path: str


class MeetingOut(msgspec.Struct):
    id: int
    #: in the reader's language, else the meeting's default language (`title_lang` says which)
    title: str
    title_lang: str
    titles: dict[str, str]
    default_language: str
    #: UTC
    starts_at: dt.datetime
    ends_at: dt.datetime
    #: the IANA zone the meeting was set in (show the times in it)
    timezone: str
    place: str
    #: the meeting has an online link
    online: bool
    #: the link itself: registered attendees and staff only ("" otherwise)
    online_url: str
    #: the agenda as sanitised HTML, in the reader's language (else the default)
    agenda_html: str
    #: every language's Markdown
    agenda: dict[str, str]
    capacity: int
    places_left: int
    registration_deadline: dt.datetime | None
    registration_open: bool
    #: draft (staff only) | announced | cancelled
    state: str
    #: the calendar file's SEQUENCE
    sequence: int
    #: the reader's own registration: registered | waitlisted | cancelled, or null
    my_status: str | None
    #: the reader's place on the waiting list (1: next), when waitlisted
    waitlist_place: int | None
    #: the unattributed summary as sanitised HTML, once published ("" before)
    summary_html: str
    summary_published_at: dt.datetime | None
    reports: list[LinkOut]
    #: linked rounds whose results are published (staff also see the others)
    rounds: list[LinkOut]
    #: the meeting's discussion (announced meetings), else null
    discussion: str | None
    #: the calendar file, for registered attendees and staff, else null
    calendar: str | None


class RegistrationOut(msgspec.Struct):
    meeting_id: int
    #: registered | waitlisted | cancelled, or null (never registered)
    state: str | None
    waitlist_place: int | None
    places_left: int


class AttendeeOut(msgspec.Struct):
    """Staff only."""

    person_id: int
    name: str
    email: str
    force: str | None
    state: str
    position: int
    registered_at: dt.datetime


class SummaryIn(msgspec.Struct):
    #: Markdown by language (en, fr, es): at least one; no names of who said what
    summary: dict[str, str]


class NoticeOut(msgspec.Struct):
    id: int
    meeting_id: int
    meeting_title: str
    #: announced | promoted (a place from the waiting list) | cancelled
    kind: str
    date: dt.date
    read: bool
    path: str


class Done(msgspec.Struct):
    ok: bool
    count: int | None = None


def meeting_out(v: MeetingView) -> MeetingOut:
    m = v.meeting
    return MeetingOut(
        id=m.id,
        title=v.title.text,
        title_lang=v.title.lang,
        titles=m.title,
        default_language=m.default_language,
        starts_at=m.starts_at,
        ends_at=m.ends_at,
        timezone=m.timezone,
        place=m.place,
        online=bool(m.online_url),
        online_url=v.online_url,
        agenda_html=v.agenda_html,
        agenda=m.agenda,
        capacity=m.capacity,
        places_left=m.places_left,
        registration_deadline=m.registration_deadline,
        registration_open=v.registration_open,
        state=m.state.value,
        sequence=m.sequence,
        my_status=v.mine.state.value if v.mine else None,
        waitlist_place=v.waitlist_place,
        summary_html=v.summary_html if m.summary_published_at else "",
        summary_published_at=m.summary_published_at,
        reports=[
            LinkOut(r.id, str(t), t.lang, f"/library/{r.id}") for r in v.reports for t in [r.shown_title(v.language)]
        ],
        rounds=[
            LinkOut(r.id, str(t), t.lang, f"/dashboard/rounds/{r.id}")
            for r in v.rounds
            for t in [r.shown_title(v.language)]
        ],
        discussion=f"/exchange/meetings/{m.id}" if v.discussable else None,
        calendar=f"/api/meetings/{m.id}/ics" if v.has_calendar else None,
    )


async def _out(meeting: MeetingRow, viewer: Viewer, language: Language) -> MeetingOut:
    return meeting_out(await meeting_view(meeting, viewer, language))


class MeetingsApiController(Controller):
    path = "/api/meetings"
    guards = [requires_partner]
    tags = ["meetings"]
    cache_control = NO_STORE

    @get(
        "/",
        summary="List meetings",
        description="Upcoming meetings soonest first, then past ones. Partners see announced and cancelled "
        "meetings; staff also drafts.",
        responses=refusals(401, 403),
    )
    async def index(self, viewer: Injected[Viewer], language: Injected[Language]) -> list[MeetingOut]:
        return [await _out(m, viewer, language) for m in await list_meetings(viewer)]

    @get(
        "/notices",
        summary="Meeting notices",
        description="In-app notices: a meeting was announced or cancelled, or a place from the waiting list is "
        "now the reader's. Newest first.",
        responses=refusals(401, 403),
    )
    async def notices(self, viewer: Injected[Viewer], language: Injected[Language]) -> list[NoticeOut]:
        return [
            NoticeOut(
                n.id,
                m.id,
                m.shown_title(language).text,
                n.kind.value,
                n.created_at.date(),
                n.read_at is not None,
                f"/meetings/{m.id}",
            )
            for n, m in await notices(viewer)
        ]

    @post("/notices/read", summary="Mark every meeting notice read", status_code=200, responses=refusals(401, 403))
    async def read_notices(self, viewer: Injected[Viewer]) -> Done:
        return Done(True, await mark_notices_read(viewer))

    @get("/{meeting_id:int}", summary="Read a meeting", responses=refusals(401, 403, 404))
    async def read(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> MeetingOut:
        return await _out(await visible_meeting(request, viewer, meeting_id), viewer, language)

    @post(
        "/{meeting_id:int}/register",
        summary="Register for a meeting",
        description="A place while there is one, else the waiting list (in order of registration). Registering "
        "again changes nothing. 409 after the registration deadline, for a past or cancelled meeting. Audited.",
        status_code=200,
        responses=refusals(401, 403, 404, 409),
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> RegistrationOut:
        await visible_meeting(request, viewer, meeting_id)
        mine = await or_http_error(register(meeting_id, viewer, language))
        found = await visible_meeting(request, viewer, meeting_id)
        return RegistrationOut(meeting_id, mine.state.value, await waitlist_place(mine), found.places_left)

    @post(
        "/{meeting_id:int}/unregister",
        summary="Cancel one's registration",
        description="Frees the place (or leaves the waiting list); the first person on the waiting list gets it "
        "and is told by e-mail and an in-app notice. Cancelling again changes nothing. Audited.",
        status_code=200,
        responses=refusals(401, 403, 404),
    )
    async def unregister(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> RegistrationOut:
        await visible_meeting(request, viewer, meeting_id)
        mine = await or_http_error(cancel_registration(meeting_id, viewer, language))
        found = await visible_meeting(request, viewer, meeting_id)
        return RegistrationOut(meeting_id, mine.state.value if mine else None, None, found.places_left)

    @get(
        "/{meeting_id:int}/ics",
        summary="The meeting's calendar file",
        description="`text/calendar` (RFC 5545) for registered attendees and staff: a UID stable per meeting, "
        "SEQUENCE counting changes, METHOD:CANCEL once cancelled. 404 for anyone without a place. Audited.",
        responses=refusals(401, 403, 404),
        media_type="text/calendar",
    )
    async def ics(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
    ) -> Response[bytes]:
        return await calendar_for(request, viewer, meeting_id, language, settings.base_url)

    # -- staff -----------------------------------------------------------------------------

    @post(
        "/",
        summary="Create a meeting",
        description="A draft: partners see it once announced. Times are local to `timezone` (an IANA zone), "
        "YYYY-MM-DDTHH:MM. Problems are a 422 naming each field (`title_en`, `starts_at`, `timezone`, "
        "`capacity`, …); nothing is stored." + _STAFF,
        guards=[requires_staff],
        status_code=201,
        responses=refusals(401, 403, 422),
    )
    async def create(
        self, viewer: Injected[Viewer], language: Injected[Language], data: JSONBody[MeetingInput]
    ) -> MeetingOut:
        meeting = await or_http_error(create_meeting(data, viewer, language))
        return await _out(meeting, viewer, language)

    @post(
        "/{meeting_id:int}",
        summary="Edit a meeting",
        description="Every field is replaced. After announcing, each change adds one to the calendar file's "
        "SEQUENCE; a larger capacity gives places to the waiting list. 409 for a cancelled meeting; 422 names "
        "each field." + _STAFF,
        guards=[requires_staff],
        status_code=200,
        responses=refusals(401, 403, 404, 409, 422),
    )
    async def edit(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: JSONBody[MeetingInput],
    ) -> MeetingOut:
        await visible_meeting(request, viewer, meeting_id)
        meeting = await or_http_error(edit_meeting(meeting_id, data, viewer, language))
        return await _out(meeting, viewer, language)

    @post(
        "/{meeting_id:int}/announce",
        summary="Announce a meeting",
        description="Partners see it, may register and discuss it; each gets an in-app notice and the meeting in "
        "their next e-mail digest. Announcing again changes nothing; 409 once cancelled." + _STAFF,
        guards=[requires_staff],
        status_code=200,
        responses=refusals(401, 403, 404, 409),
    )
    async def announce(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> MeetingOut:
        await visible_meeting(request, viewer, meeting_id)
        meeting = await or_http_error(announce(meeting_id, viewer, language))
        return await _out(meeting, viewer, language)

    @post(
        "/{meeting_id:int}/cancel",
        summary="Cancel a meeting",
        description="Registration closes; registered and waitlisted people get an in-app notice; the calendar "
        "file says METHOD:CANCEL." + _STAFF,
        guards=[requires_staff],
        status_code=200,
        responses=refusals(401, 403, 404),
    )
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> MeetingOut:
        await visible_meeting(request, viewer, meeting_id)
        meeting = await or_http_error(cancel_meeting(meeting_id, viewer, language))
        return await _out(meeting, viewer, language)

    @get(
        "/{meeting_id:int}/attendees",
        summary="The attendee list",
        description="Registered, waitlisted (in order) and cancelled people with their names, e-mails and forces. "
        "Staff only.",
        guards=[requires_staff],
        responses=refusals(401, 403, 404),
    )
    async def attendees(
        self, request: Request[Any, Any, Any], meeting_id: PathId, viewer: Injected[Viewer]
    ) -> list[AttendeeOut]:
        await visible_meeting(request, viewer, meeting_id)
        return [
            AttendeeOut(r.person, r.name, r.email, r.force_name, r.state.value, r.position, r.created_at)
            for r in await attendees(meeting_id)
        ]

    @get(
        "/{meeting_id:int}/attendees.csv",
        summary="The attendee list as CSV",
        description="`text/csv`: state, position, name, email, force, registered_at. Staff only.",
        guards=[requires_staff],
        responses=refusals(401, 403, 404),
        media_type="text/csv",
    )
    async def attendees_csv(
        self, request: Request[Any, Any, Any], meeting_id: PathId, viewer: Injected[Viewer]
    ) -> Response[bytes]:
        found = await visible_meeting(request, viewer, meeting_id)
        return attendees_csv(found, await attendees(meeting_id))

    @post(
        "/{meeting_id:int}/summary",
        summary="Publish the meeting's summary",
        description="After the meeting has started: Markdown by language, unattributed (Chatham House Rule); "
        "partners read it on the meeting's page. Publishing again replaces it. 409 before the meeting; 422 names "
        "the field (`summary_en`, …)." + _STAFF,
        guards=[requires_staff],
        status_code=200,
        responses=refusals(401, 403, 404, 409, 422),
    )
    async def summary(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: JSONBody[SummaryIn],
    ) -> MeetingOut:
        await visible_meeting(request, viewer, meeting_id)
        meeting = await or_http_error(publish_summary(meeting_id, data.summary, viewer, language))
        return await _out(meeting, viewer, language)


__all__ = ["NOT_FOUND", "MeetingsApiController"]
