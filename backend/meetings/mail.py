"""The meetings' e-mails, drawn in each recipient's language and queued in the caller's
transaction (docs/mail.md), so if the action rolls back no message exists:

- `meeting_place`: a waitlisted person got a place (someone cancelled, or the capacity grew);
- `meeting_cancelled`: staff cancelled the meeting; to everyone registered or waitlisted, with
  a link to the METHOD:CANCEL calendar file for those who had a place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from backend.database import fetch, json_value
from backend.i18n import pick
from backend.mail.compose import Draft, draft, mail_language
from backend.mail.config import current
from backend.mail.schemas import MessageKind
from backend.mail.services import queue

PROMOTED = """
SELECT r.id, r.position, r.meeting, m.title, m.default_language, m.starts_at, m.timezone, m.place, m.online_url,
       p.id AS person_id, p.email, p.name, p.language
FROM meeting_registration r JOIN meeting m ON m.id = r.meeting JOIN person p ON p.id = r.person
WHERE r.id = ANY($1::int[]) AND r.meeting = $2 AND p.active ORDER BY r.position"""


async def queue_place_messages(meeting_id: int, registration_ids: Sequence[int]) -> list[int]:
    """One message per promoted registration, keyed by the registration and its place in the
    order of registration (`meeting-place:<registration>:<position>`): a rerun writes nothing, and
    someone who cancels, registers again (a new position) and is promoted again is told again."""
    rows = await fetch(PROMOTED, list(registration_ids), meeting_id)
    return await queue(
        [
            _meeting_draft(
                MessageKind.MEETING_PLACE,
                f"meeting-place:{r['id']}:{r['position']}",
                r,
                meeting_id,
                online=bool(r["online_url"]),
            )
            for r in rows
        ]
    )


CANCELLED = """
SELECT r.id, r.state, m.title, m.default_language, m.starts_at, m.timezone, m.place,
       p.id AS person_id, p.email, p.name, p.language
FROM meeting_registration r JOIN meeting m ON m.id = r.meeting JOIN person p ON p.id = r.person
WHERE r.meeting = $1 AND r.state IN ('registered', 'waitlisted') AND p.active ORDER BY r.position"""


async def queue_cancelled_messages(meeting_id: int) -> list[int]:
    """One message per registered or waitlisted person, keyed by the meeting and the person
    (`meeting-cancelled:<meeting>:<person>`): a rerun writes nothing. Those who had a place get
    the link to the calendar file (a link, not an attachment: the queue stores text and HTML
    bodies only, and the file is the same one the meeting's page serves them)."""
    base = current().base_url.rstrip("/")
    rows = await fetch(CANCELLED, meeting_id)
    return await queue(
        [
            _meeting_draft(
                MessageKind.MEETING_CANCELLED,
                f"meeting-cancelled:{meeting_id}:{r['person_id']}",
                r,
                meeting_id,
                had_place=r["state"] == "registered",
                calendar_url=f"{base}/meetings/{meeting_id}/meeting.ics",
            )
            for r in rows
        ]
    )


def _meeting_draft(kind: MessageKind, key: str, r: Mapping[str, Any], meeting_id: int, **values: Any) -> Draft:
    """A message about a meeting to one person, in their language: the meeting's title, time,
    place and page, plus the `values` of its kind."""
    language = mail_language(r["language"])
    title = pick(json_value(r["title"]) or {}, language.code, r["default_language"])
    return draft(
        kind,
        key,
        recipient=r["email"],
        name=r["name"],
        language_code=language.code,
        person_id=r["person_id"],
        subject_values={"meeting": title},
        meeting_title=title,
        starts_at=r["starts_at"],
        timezone=r["timezone"],
        place=r["place"],
        meeting_url=f"{current().base_url.rstrip('/')}/meetings/{meeting_id}",
        **values,
    )
