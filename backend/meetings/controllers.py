"""The meetings' pages for partners (and staff): the list, a meeting's page (register, cancel,
the calendar file, its discussion, its summary afterwards) and the notices. The same in JSON:
`api.py`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import Language
from backend.meetings.deps import back_to_meeting, calendar_for, visible_meeting
from backend.meetings.schemas import RegistrationState
from backend.meetings.services import (
    Refused,
    cancel_registration,
    list_meetings,
    mark_notices_read,
    notices,
    register,
)
from backend.meetings.views import meeting_view
from backend.security.guards import requires_partner
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render


class MeetingsController(Controller):
    path = "/meetings"
    guards = [requires_partner]
    tags = ["pages: partners"]
    include_in_schema = False

    @get("/")
    async def index(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template:
        """Upcoming meetings, then past ones, with places left and the reader's own status."""
        views = [await meeting_view(m, viewer, language) for m in await list_meetings(viewer)]
        return await render(
            request,
            "meetings/index.html",
            upcoming=[v for v in views if not v.past],
            past=[v for v in views if v.past],
            notices=(await notices(viewer))[:10],
        )

    @get("/{meeting_id:int}")
    async def meeting(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Template:
        """A meeting: when, where, agenda, linked reports and rounds, registration, discussion, summary."""
        found = await visible_meeting(request, viewer, meeting_id)
        return await render(request, "meetings/meeting.html", view=await meeting_view(found, viewer, language))

    @post("/{meeting_id:int}/register")
    async def register(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Redirect:
        """Register: a place, or the waiting list when the meeting is full."""
        await visible_meeting(request, viewer, meeting_id)
        try:
            mine = await register(meeting_id, viewer, language)
        except Refused as exc:
            flash(request, exc.message, "error")
            return redirect(f"/meetings/{meeting_id}")
        if mine.state == RegistrationState.REGISTERED:
            flash(request, language.gettext("You are registered for this meeting."), "success")
        else:
            flash(request, language.gettext("The meeting is full: you are on the waiting list."), "success")
        return redirect(f"/meetings/{meeting_id}")

    @post("/{meeting_id:int}/unregister")
    async def unregister(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Redirect:
        """Cancel one's registration (the place goes to the first on the waiting list)."""
        await visible_meeting(request, viewer, meeting_id)
        done = language.gettext("Your registration is cancelled.")
        return await back_to_meeting(request, meeting_id, cancel_registration(meeting_id, viewer, language), done)

    @get("/{meeting_id:int}/meeting.ics")
    async def ics(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
    ) -> Response[bytes]:
        """The calendar file, for registered attendees (and staff)."""
        return await calendar_for(request, viewer, meeting_id, language, settings.base_url)

    @post("/notices/read")
    async def read_notices(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Mark every meeting notice read."""
        await mark_notices_read(viewer)
        flash(request, language.gettext("Every notice is marked read."), "success")
        return redirect("/meetings")
