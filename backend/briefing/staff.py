"""Staff's page for a round's briefing packs: write the questions for discussion (per language,
one per line) and download any force's pack to prepare a meeting. The same in JSON: `api.py`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.briefing.checks import QuestionsInvalid, from_text
from backend.briefing.services import save_questions, stored_questions
from backend.i18n import LANGUAGES, Language
from backend.meetings.services import meeting_for_pack
from backend.partners.services import list_forces
from backend.publication.services import get_publication
from backend.rounds.schemas import RoundRow
from backend.rounds.services import get_round
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.surveys.services import load_version
from backend.web.params import Injected, PathId
from backend.web.render import redirect, render


async def _round(round_id: int) -> RoundRow:
    found = await get_round(round_id)
    if found is None:
        raise NotFoundException("There is no such round.")
    return found


class StaffBriefingController(Controller):
    path = "/staff/rounds/{round_id:int}/briefing"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        round_row: RoundRow,
        language: Language,
        values: dict[str, str],
        errors: dict[str, str] | None = None,
    ) -> Template:
        survey = await load_version(round_row.version_id)
        return await render(
            request,
            "briefing/staff.html",
            status_code=400 if errors else 200,
            round=round_row,
            title=round_row.shown_title(language, survey.default_language),
            published=await get_publication(round_row.id) is not None,
            forces=await list_forces(),
            values=values,
            errors=errors or {},
            languages=LANGUAGES,
        )

    @get("/")
    async def page(self, request: Request[Any, Any, Any], round_id: PathId, language: Injected[Language]) -> Template:
        """The round's questions for discussion, and a force's pack to download."""
        round_row = await _round(round_id)
        stored = await stored_questions(round_id)
        values = {f"questions_{code}": "\n".join(stored.get(code, [])) for code in LANGUAGES}
        return await self._page(request, round_row, language, values)

    @post("/")
    async def save(
        self, request: Request[Any, Any, Any], round_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template | Redirect:
        """Save the questions (one per line in each language); with a problem, the form again with
        what was typed, and nothing changed."""
        round_row = await _round(round_id)
        form = await request.form()
        values = {}
        for code in LANGUAGES:
            value = form.get(f"questions_{code}")
            values[f"questions_{code}"] = value if isinstance(value, str) else ""
        questions = {code: from_text(values[f"questions_{code}"]) for code in LANGUAGES}
        try:
            await save_questions(round_id, questions, viewer)
        except QuestionsInvalid as exc:
            errors = {field: language.gettext(message, **v) for field, (message, v) in exc.problems.items()}
            return await self._page(request, round_row, language, values, errors)
        flash(request, language.gettext("The questions for discussion are saved."), "success")
        return redirect(f"/staff/rounds/{round_id}/briefing")


class StaffMeetingBriefingController(Controller):
    path = "/staff/meetings/{meeting_id:int}/briefing"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @get("/")
    async def page(self, request: Request[Any, Any, Any], meeting_id: PathId, language: Injected[Language]) -> Template:
        """A force's pack of an announced meeting, to download (its rounds' questions are written
        on each round's briefing page)."""
        meeting = await meeting_for_pack(meeting_id, language)
        if meeting is None:
            raise NotFoundException("There is no such announced meeting.")
        return await render(
            request,
            "briefing/staff_meeting.html",
            meeting=meeting,
            forces=await list_forces(),
            round_ids=meeting.round_ids,
        )
