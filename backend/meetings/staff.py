"""The meetings' staff pages: the list (drafts too), the form to create and edit a meeting,
announcing and cancelling it, the attendee list (page and CSV) and the summary afterwards.
Every change is audited; the same actions in JSON: `api.py`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.i18n import LANGUAGES, Language
from backend.meetings.checks import Invalid, utc_to_local, zones
from backend.meetings.deps import attendees_csv, back_to_meeting, visible_meeting
from backend.meetings.forms import read_meeting_form, read_summary_form
from backend.meetings.schemas import MeetingRow
from backend.meetings.services import (
    Refused,
    announce,
    attendees,
    cancel_meeting,
    create_meeting,
    edit_meeting,
    linked_reports,
    linked_rounds,
    list_meetings,
    publish_summary,
    report_choices,
    round_choices,
)
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render


async def _values(meeting: MeetingRow | None, viewer: Viewer) -> dict[str, Any]:
    if meeting is None:
        return {
            "default_language": "en",
            "timezone": "Europe/London",
            "capacity": "20",
            "report_ids": [],
            "round_ids": [],
        }
    zone = meeting.timezone
    values: dict[str, Any] = {
        "default_language": meeting.default_language,
        "starts_at": utc_to_local(meeting.starts_at, zone),
        "ends_at": utc_to_local(meeting.ends_at, zone),
        "timezone": zone,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "capacity": str(meeting.capacity),
        "registration_deadline": utc_to_local(meeting.registration_deadline, zone)
        if meeting.registration_deadline
        else "",
        "report_ids": [r.id for r in await linked_reports(meeting.id, viewer)],
        "round_ids": [r.id for r in await linked_rounds(meeting.id, viewer)],
    }
    for code in LANGUAGES:
        values[f"title_{code}"] = meeting.title.get(code, "")
        values[f"agenda_{code}"] = meeting.agenda.get(code, "")
    return values


class StaffMeetingsController(Controller):
    path = "/staff/meetings"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    async def _form(
        self,
        request: Request[Any, Any, Any],
        values: dict[str, Any],
        meeting_id: int | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        return await render(
            request,
            "meetings/edit.html",
            status_code=400 if errors else 200,
            values=values,
            meeting_id=meeting_id,
            errors=errors or {},
            languages=LANGUAGES,
            reports=await report_choices(),
            rounds=await round_choices(),
            zones=sorted(zones()),
            page_path="/staff/meetings/new" if meeting_id is None else f"/staff/meetings/{meeting_id}/edit",
        )

    @get("/")
    async def index(self, request: Request[Any, Any, Any], viewer: Injected[Viewer]) -> Template:
        """Every meeting, drafts included, with its registrations counted."""
        return await render(request, "meetings/staff_index.html", meetings=await list_meetings(viewer))

    @get("/new")
    async def new(self, request: Request[Any, Any, Any], viewer: Injected[Viewer]) -> Template:
        """The form to create a meeting (a draft until it is announced)."""
        return await self._form(request, await _values(None, viewer))

    @post("/new")
    async def create(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template | Redirect:
        """Create the draft; with any problem, the form again with what was typed, nothing stored."""
        data, values, _ = await read_meeting_form(request)
        try:
            meeting = await create_meeting(data, viewer, language)
        except Invalid as exc:
            return await self._form(request, values, errors=exc.problems)
        flash(
            request,
            language.gettext("The meeting is saved as a draft: partners see it once you announce it."),
            "success",
        )
        return redirect(f"/meetings/{meeting.id}")

    @get("/{meeting_id:int}/edit")
    async def edit(self, request: Request[Any, Any, Any], meeting_id: PathId, viewer: Injected[Viewer]) -> Template:
        """The form to change a meeting."""
        found = await visible_meeting(request, viewer, meeting_id)
        return await self._form(request, await _values(found, viewer), meeting_id)

    @post("/{meeting_id:int}/edit")
    async def save(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Template | Redirect:
        """Save the changes; with any problem, the form again and nothing changed."""
        await visible_meeting(request, viewer, meeting_id)
        data, values, _ = await read_meeting_form(request)
        try:
            await edit_meeting(meeting_id, data, viewer, language)
        except Invalid as exc:
            return await self._form(request, values, meeting_id, errors=exc.problems)
        except Refused as exc:
            flash(request, exc.message, "error")
            return redirect(f"/meetings/{meeting_id}")
        flash(request, language.gettext("The meeting is saved."), "success")
        return redirect(f"/meetings/{meeting_id}")

    @post("/{meeting_id:int}/announce")
    async def announce(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Redirect:
        """Announce the meeting to partners (a notice each; the e-mail digest)."""
        await visible_meeting(request, viewer, meeting_id)
        done = language.gettext("The meeting is announced: partners can register.")
        return await back_to_meeting(request, meeting_id, announce(meeting_id, viewer, language), done)

    @post("/{meeting_id:int}/cancel")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Redirect:
        """Cancel the meeting (registered people are told)."""
        await visible_meeting(request, viewer, meeting_id)
        await cancel_meeting(meeting_id, viewer, language)
        flash(request, language.gettext("The meeting is cancelled."), "success")
        return redirect(f"/meetings/{meeting_id}")

    @get("/{meeting_id:int}/attendees")
    async def attendees_page(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Template:
        """Who registered, who waits (in order), who cancelled."""
        found = await visible_meeting(request, viewer, meeting_id)
        return await render(
            request,
            "meetings/attendees.html",
            meeting=found,
            title=found.shown_title(language),
            rows=await attendees(meeting_id),
        )

    @get("/{meeting_id:int}/attendees.csv")
    async def attendees_csv(
        self, request: Request[Any, Any, Any], meeting_id: PathId, viewer: Injected[Viewer]
    ) -> Response[bytes]:
        """The attendee list as CSV."""
        found = await visible_meeting(request, viewer, meeting_id)
        return attendees_csv(found, await attendees(meeting_id))

    @get("/{meeting_id:int}/summary")
    async def summary_form(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Template:
        """The form to write the meeting's unattributed summary."""
        found = await visible_meeting(request, viewer, meeting_id)
        values = {f"summary_{code}": found.summary.get(code, "") for code in LANGUAGES}
        return await render(
            request, "meetings/summary.html", meeting=found, title=found.shown_title(language), values=values,
            errors={}, languages=LANGUAGES,
        )  # fmt: skip

    @post("/{meeting_id:int}/summary")
    async def publish_summary(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Template | Redirect:
        """Publish the summary; with any problem, the form again with what was typed."""
        found = await visible_meeting(request, viewer, meeting_id)
        summary = await read_summary_form(request)
        try:
            await publish_summary(meeting_id, summary, viewer, language)
        except Invalid as exc:
            values = {f"summary_{code}": summary.get(code, "") for code in LANGUAGES}
            return await render(
                request, "meetings/summary.html", 400, meeting=found, title=found.shown_title(language),
                values=values, errors=exc.problems, languages=LANGUAGES,
            )  # fmt: skip
        except Refused as exc:
            flash(request, exc.message, "error")
            return redirect(f"/meetings/{meeting_id}")
        flash(request, language.gettext("The summary is published: partners read it on the meeting's page."), "success")
        return redirect(f"/meetings/{meeting_id}")
