"""Staff JSON API for rounds."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException

from backend.responses.services import response_counts
from backend.rounds.services import get_round, list_rounds
from backend.security.guards import requires_staff
from backend.web.errors import refusals
from backend.web.params import PathId


class RoundSummary(msgspec.Struct):
    id: int
    title: str
    status: str
    questionnaire: str
    version: str
    min_group_size: int
    forces_invited: int
    submitted: int
    drafts: int
    closes_at: str | None


class ResponseCounts(msgspec.Struct):
    round_id: int
    status: str
    submitted: int
    drafts: int


class RoundApiController(Controller):
    path = "/api/rounds"
    guards = [requires_staff]
    tags = ["rounds"]

    @get("/", summary="All rounds", responses=refusals(401, 403))
    async def rounds(self) -> list[RoundSummary]:
        """Every round with its questionnaire version and response counts (staff only)."""
        return [
            RoundSummary(
                id=r.id,
                title=r.title,
                status=r.status,
                questionnaire=r.questionnaire,
                version=r.version_label,
                min_group_size=r.min_group_size,
                forces_invited=r.forces_invited,
                submitted=r.submitted,
                drafts=r.drafts,
                closes_at=r.closes_at.isoformat() if r.closes_at else None,
            )
            for r in await list_rounds()
        ]

    @get("/{round_id:int}/responses", summary="Response counts of a round", responses=refusals(401, 403, 404))
    async def counts(self, round_id: PathId) -> ResponseCounts:
        """How many forces have submitted, and how many have a draft (staff only)."""
        round_row = await get_round(round_id)
        if round_row is None:
            raise NotFoundException("No such round.")
        counts = await response_counts(round_id)
        return ResponseCounts(round_id, round_row.status, counts.submitted, counts.drafts)
