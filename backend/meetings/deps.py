"""What the meetings' pages and JSON routes share: finding the meeting a viewer may see (drafts:
staff only; refusals audited as `not_published`), turning refusals into HTTP errors, and the
calendar file and attendee CSV answers."""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException

from backend.audit.refusals import refused
from backend.meetings.schemas import MeetingRow, RegistrationRow
from backend.meetings.services import Refused, get_meeting
from backend.security.roles import Viewer

NOT_FOUND = "There is no such meeting."


async def visible_meeting(request: Request[Any, Any, Any], viewer: Viewer, meeting_id: int) -> MeetingRow:
    found = await get_meeting(meeting_id, viewer)
    if found is None:
        await refused(request, viewer, "not_published", f"meeting:{meeting_id}")
        raise NotFoundException(NOT_FOUND)
    return found


def http_error(exc: Refused) -> HTTPException:
    return HTTPException(status_code=exc.status_code, detail=exc.message)


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
