"""The contact route: a reader writes to a note's author through staff. The request is stored
and shown to staff, who see the author and forward it (or decline it); the reader never learns
who the author is unless the author answers them. Both steps are audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from backend.audit.services import record
from backend.database import fetch, fetchrow, transaction
from backend.i18n import Language
from backend.practice.checks import check_message
from backend.practice.schemas import ContactRow, NoteRow, NoteState
from backend.practice.services import Invalid, WrongState
from backend.practice.tables import ContactRequest
from backend.security.roles import Viewer

#: What staff may do with a request.
OUTCOMES = ("forwarded", "declined")

CONTACTS = """
SELECT c.id, c.note AS note_id, c.message, c.state, c.created_at,
       coalesce((SELECT t.title FROM practice_text t WHERE t.note = n.id AND t.language = n.original_language), '')
         AS note_title,
       s.name AS sender_name, s.email AS sender_email, sf.name AS sender_force,
       a.name AS author_name, a.email AS author_email, af.name AS author_force, n.attribution
FROM practice_contact c JOIN practice_note n ON n.id = c.note
LEFT JOIN person s ON s.id = c.sender LEFT JOIN force sf ON sf.id = s.force
LEFT JOIN person a ON a.id = n.author LEFT JOIN force af ON af.id = n.author_force"""


def _row(r: dict[str, Any]) -> ContactRow:
    return msgspec.convert(r, ContactRow)


async def request_contact(note: NoteRow, message: str, viewer: Viewer, language: Language) -> int:
    """Store a message to the author of a published note, for staff to forward; its id."""
    if note.state != NoteState.PUBLISHED:
        raise WrongState(language.gettext("Only the author of a published note can be contacted."))
    problems = check_message(message, language)
    if problems:
        raise Invalid(problems)
    async with transaction():
        rows = await ContactRequest.insert(
            ContactRequest(note=note.id, sender=viewer.person_id, message=message.replace("\x00", "").strip())
        )
        contact_id = int(rows[0]["id"])
        await record(viewer, "practice.contact.requested", f"practice_note:{note.id}", contact=contact_id)
    return contact_id


async def list_contacts(state: str = "open") -> list[ContactRow]:
    """Contact requests for staff, oldest first (`state`: open, forwarded, declined or all)."""
    if state == "all":
        rows = await fetch(f"{CONTACTS} ORDER BY c.created_at, c.id")
    else:
        rows = await fetch(f"{CONTACTS} WHERE c.state = $1 ORDER BY c.created_at, c.id", state)
    return [_row(r) for r in rows]


async def get_contact(contact_id: int) -> ContactRow | None:
    r = await fetchrow(f"{CONTACTS} WHERE c.id = $1", contact_id)
    return None if r is None else _row(r)


async def handle_contact(contact_id: int, outcome: str, viewer: Viewer, language: Language) -> ContactRow | None:
    """Staff mark a request forwarded (they wrote to the author) or declined; None: no such request."""
    if outcome not in OUTCOMES:
        raise Invalid({"outcome": language.gettext("Choose forwarded or declined.")})
    if await get_contact(contact_id) is None:
        return None
    async with transaction():
        await ContactRequest.update(
            {
                ContactRequest.state: outcome,
                ContactRequest.handled_by: viewer.person_id,
                ContactRequest.handled_at: dt.datetime.now(dt.UTC),
            }
        ).where(ContactRequest.id == contact_id)
        await record(viewer, f"practice.contact.{outcome}", f"practice_contact:{contact_id}")
    return await get_contact(contact_id)
