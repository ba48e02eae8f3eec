"""What the meetings' pages and JSON routes share: finding the meeting a viewer may see (drafts:
staff only; refusals audited as `not_published`), turning an action's problems and refusals into
HTTP errors (JSON) or a flashed message on the meeting's page (pages), and the calendar file and
attendee CSV answers."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable
from typing import Any, TypeVar

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException
from litestar.plugins.flash import flash
from litestar.response import Redirect

from backend.audit.refusals import refused
from backend.i18n import Language
from backend.meetings.checks import Invalid
from backend.meetings.schemas import MeetingRow, RegistrationRow
from backend.meetings.services import Refused, calendar_file, get_meeting
from backend.security.roles import Viewer
from backend.web.errors import invalid
from backend.web.render import redirect

T = TypeVar("T")

NOT_FOUND = "There is no such meeting."


async def visible_meeting(request: Request[Any, Any, Any], viewer: Viewer, meeting_id: int) -> MeetingRow:
    found = await get_meeting(meeting_id, viewer)
    if found is None:
        await refused(request, viewer, "not_published", f"meeting:{meeting_id}")
        raise NotFoundException(NOT_FOUND)
    return found


def http_error(exc: Refused) -> HTTPException:
    return HTTPException(status_code=exc.status_code, detail=exc.message)


async def or_http_error(action: Awaitable[T]) -> T:
    """The action's result, for the JSON routes: its problems as a 422 naming each field, its
    refusal as its HTTP error."""
    try:
        return await action
    except Invalid as exc:
        raise invalid(exc.problems) from exc
    except Refused as exc:
        raise http_error(exc) from exc


async def back_to_meeting(
    request: Request[Any, Any, Any], meeting_id: int, action: Awaitable[object], done: str
) -> Redirect:
    """Run a page's action and go back to the meeting's page, flashing its refusal or `done`."""
    try:
        await action
    except Refused as exc:
        flash(request, exc.message, "error")
    else:
        flash(request, done, "success")
    return redirect(f"/meetings/{meeting_id}")


async def calendar_for(
    request: Request[Any, Any, Any], viewer: Viewer, meeting_id: int, language: Language, base_url: str
) -> Response[bytes]:
    """The meeting's calendar file for this viewer; 404 without a place (staff always have one)."""
    await visible_meeting(request, viewer, meeting_id)
    found = await calendar_file(meeting_id, viewer, language, base_url)
    if found is None:
        raise NotFoundException("There is no calendar file for you: register for the meeting first.")
    return calendar_response(*found)


def calendar_response(meeting: MeetingRow, content: bytes) -> Response[bytes]:
    return Response(
        content=content,
        media_type="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def attendees_csv(meeting: MeetingRow, rows: list[RegistrationRow]) -> Response[bytes]:
    """The attendee list as CSV (staff only): state, position, name, e-mail, force, when."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["state", "position", "name", "email", "force", "registered_at"])
    for r in rows:
        writer.writerow(
            [
                r.state.value,
                r.position,
                _safe(r.name),
                _safe(r.email),
                _safe(r.force_name or ""),
                r.created_at.isoformat(),
            ]
        )
    return Response(
        content=out.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="meeting-{meeting.id}-attendees.csv"',
            "Cache-Control": "private, no-store",
        },
    )


def _safe(text: str) -> str:
    # A cell starting with = + - @ would be a formula in a spreadsheet: quoted as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
