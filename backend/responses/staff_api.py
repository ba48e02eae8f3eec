"""Staff JSON route for a force's answer history (the page: `staff.py`), audited as there."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException

from backend.i18n import Language
from backend.responses.history import force_history
from backend.responses.schemas import AnswerChangeOut
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.errors import refusals
from backend.web.params import Injected, PathId


class ForceAnswerHistory(msgspec.Struct, frozen=True):
    round_id: int
    round_title: str
    force_id: int
    force_name: str
    #: the latest first
    changes: list[AnswerChangeOut]


class StaffResponseApiController(Controller):
    path = "/api/rounds"
    guards = [requires_staff]
    tags = ["responses"]

    @get(
        "/{round_id:int}/forces/{force_id:int}/history",
        summary="The history of a force's answers",
        description="Every change to the force's answers in the round, the latest first: who (a person at the "
        "force), when, before and after in words, and saves refused because someone else saved first "
        "(`saved` false). Written to the audit trail (`response.history.read`; staff only).",
        responses=refusals(401, 403, 404, says={404: "There is no such round, or the force has no response in it"}),
    )
    async def answer_history(
        self, round_id: PathId, force_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> ForceAnswerHistory:
        found = await force_history(round_id, force_id, viewer, language.code)
        if found is None:
            raise NotFoundException("There is no such round, or the force has no response in it")
        return msgspec.convert(found, ForceAnswerHistory, from_attributes=True)
