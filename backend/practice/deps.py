"""What the practice bank's pages and JSON routes share: finding a note the viewer may see
(a refusal is audited and answers 404, as a note that does not exist does), and the search
filters read from the query string and checked."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException

from backend.audit.refusals import refused
from backend.i18n import Language
from backend.practice.checks import PAGE_MAX, check_filters
from backend.practice.schemas import NoteRow
from backend.practice.services import Filters, Invalid, get_note
from backend.security.roles import Viewer

NOT_FOUND = "There is no such practice note."


async def visible_note(request: Request[Any, Any, Any], viewer: Viewer, note_id: int) -> NoteRow:
    found = await get_note(note_id, viewer)
    if found is None:
        await refused(request, viewer, "not_published", f"practice_note:{note_id}")
        raise NotFoundException(NOT_FOUND)
    return found


async def not_author(request: Request[Any, Any, Any], viewer: Viewer, note_id: int) -> None:
    """Audit an attempt to change someone else's note."""
    await refused(request, viewer, "not_author", f"practice_note:{note_id}")


def read_filters(
    language: Language, q: str, problem: str, status: str, theme: str, question: str, lang: str, page: int
) -> Filters:
    """The search's filters as sent (NUL dropped: PostgreSQL text cannot hold it), or `Invalid`
    naming each bad parameter."""
    q, problem, status, theme, question, lang = (
        v.replace("\x00", "").strip() for v in (q, problem, status, theme, question, lang)
    )
    problems = check_filters(q, problem, status, theme, question, lang, language)
    if problems:
        raise Invalid(problems)
    return Filters(q, problem, status, theme, question, lang, max(1, min(page, PAGE_MAX)))
