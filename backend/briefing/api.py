"""The packs' JSON API: the same downloads as the pages (same guards, same audit), and staff's
questions for discussion per round."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, put
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import JSONBody, QueryParameter

from backend.briefing.checks import QuestionsInvalid
from backend.briefing.deps import ForceParam, GroupParam, meeting_pack_pdf, round_pack_pdf
from backend.briefing.services import save_questions, stored_questions
from backend.i18n import LANGUAGES, Language, language_for
from backend.rounds.services import get_round
from backend.security.guards import requires_partner, requires_staff
from backend.security.roles import Viewer
from backend.web.errors import invalid, refusals
from backend.web.params import Injected, PathId

_PDF = (
    " `application/pdf` as an attachment, in `language` (en, fr, es; default: the caller's language); "
    "written to the audit trail. Partners get their own force's pack (`force` may name only it: another force "
    "is a 403); staff name the force with `force`."
)

#: The pack's language, `?language=`: en, fr or es (default: the caller's).
LanguageParam = Annotated[str, QueryParameter(name="language", max_length=5, description="en, fr or es")]


def _language(code: str, fallback: Language) -> Language:
    if not code:
        return fallback
    if code not in LANGUAGES:
        raise ValidationException("language: use en, fr or es.")
    return language_for(code)


class BriefingApiController(Controller):
    guards = [requires_partner]
    tags = ["briefing packs"]

    @get(
        "/api/publications/{round_id:int}/briefing.pdf",
        summary="Download a round's briefing pack",
        description="The published round as the force's dashboard shows it (charts with their tables, withheld "
        "notes, key findings, related reports and practice notes, questions for discussion), compared with "
        "`group` as on the dashboard." + _PDF,
        media_type="application/pdf",
        responses=refusals(401, 403, 404, says={404: "The round is not published, or there is no such force"}),
    )
    async def round_pack(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        group: GroupParam = "all",
        force: ForceParam = None,
        lang: LanguageParam = "",
    ) -> Response[bytes]:
        return await round_pack_pdf(request, viewer, round_id, force, _language(lang, language), group)

    @get(
        "/api/meetings/{meeting_id:int}/briefing.pdf",
        summary="Download a meeting's briefing pack",
        description="The announced meeting (title, when, where, agenda) and each of its published rounds as the "
        "force's dashboard shows it, with the reports linked to it." + _PDF,
        media_type="application/pdf",
        responses=refusals(401, 403, 404, says={404: "No such announced meeting, or no such force"}),
    )
    async def meeting_pack(
        self,
        request: Request[Any, Any, Any],
        meeting_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        force: ForceParam = None,
        lang: LanguageParam = "",
    ) -> Response[bytes]:
        return await meeting_pack_pdf(request, viewer, meeting_id, force, _language(lang, language))


class BriefingQuestionsOut(msgspec.Struct):
    round_id: int
    #: staff's questions by language (en, fr, es); all empty: packs draw them from the findings
    questions: dict[str, list[str]]


class BriefingQuestionsIn(msgspec.Struct):
    #: en, fr and es (any left out: none in that language), each a list of questions
    questions: dict[str, list[str]]


class BriefingQuestionsApiController(Controller):
    path = "/api/rounds/{round_id:int}/briefing/questions"
    guards = [requires_staff]
    tags = ["briefing packs"]

    async def _round(self, round_id: int) -> None:
        if await get_round(round_id) is None:
            raise NotFoundException("There is no such round.")

    @get("/", summary="A round's questions for discussion", responses=refusals(401, 403, 404))
    async def read(self, round_id: PathId) -> BriefingQuestionsOut:
        """What staff wrote for the round's briefing packs (staff only)."""
        await self._round(round_id)
        stored = await stored_questions(round_id)
        return BriefingQuestionsOut(round_id, {code: stored.get(code, []) for code in LANGUAGES})

    @put(
        "/",
        summary="Write a round's questions for discussion",
        description="Replaces them (at most 12 a language, each at most 400 characters; problems are a 422 naming "
        "`questions_en`, `questions_fr` or `questions_es`, and nothing changes). Empty lists everywhere: packs draw "
        "their questions from each force's key findings again. Staff only; written to the audit trail. With a "
        "session, send the `csrftoken` cookie's value in the `X-CSRFToken` header.",
        responses=refusals(401, 403, 404, 422),
    )
    async def write(
        self,
        round_id: PathId,
        data: JSONBody[BriefingQuestionsIn],
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> BriefingQuestionsOut:
        await self._round(round_id)
        try:
            saved = await save_questions(round_id, data.questions, viewer)
        except QuestionsInvalid as exc:
            problems = {field: language.gettext(message, **values) for field, (message, values) in exc.problems.items()}
            raise invalid(problems) from exc
        return BriefingQuestionsOut(round_id, saved)
