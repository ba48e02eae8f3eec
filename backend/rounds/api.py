"""Staff JSON API for rounds: list them, open one, follow one (counts, summary, invitations
with their personal links), and give an invitation a new link. Closing and publishing:
publication/api.py.

Like every POST, opening a round and replacing a link need the CSRF token of the session: send
the value of the `csrftoken` cookie (`__Host-csrftoken` with SECURE_COOKIES; set by any GET
after signing in) in the `X-CSRFToken` header. Answers are never cached (`no-store`): they
hold personal links.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.params import JSONBody

from backend.analysis.summary import QuestionSummary
from backend.i18n import pick
from backend.responses.services import response_counts
from backend.rounds.schemas import LinkedInvitation
from backend.rounds.services import (
    NewRound,
    closing_time,
    get_round,
    linked_invitations,
    list_rounds,
    new_round_problems,
    renew_link,
    round_overview,
    start_round,
)
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.web.errors import invalid, refusals
from backend.web.forms import Form
from backend.web.params import Injected, PathId

NO_STORE = CacheControlHeader(no_store=True)
_CSRF = (
    " Like every POST, send the `csrftoken` cookie's value (`__Host-csrftoken` over HTTPS), as set "
    "by a GET after signing in, in the `X-CSRFToken` header."
)


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


class NewRoundRequest(Form):
    """A round to open: what the page's form asks. Text is cleaned as the page cleans it (NUL
    dropped, the title's surrounding spaces stripped)."""

    stripped: ClassVar[frozenset[str]] = frozenset({"title"})

    title: str
    #: the questionnaire version's id (GET /api/questionnaires); it must be fully translated
    version: int
    #: the forces to invite (GET /api/forces): one invitation per contact who answers for each
    forces: list[int]
    #: published results only show groups with at least this many responding forces (3 or more)
    min_group_size: int = 5
    #: the last day answers are taken (until 23:59 UTC); none: no closing date
    closes_on: date | None = None


class RoundOpened(msgspec.Struct):
    id: int
    #: personal invitations made (GET /api/rounds/{round_id}/invitations for the links)
    invitations: int
    #: what the page says once the round is open
    message: str


class InvitationOut(msgspec.Struct):
    id: int
    round_id: int
    force_id: int
    force_name: str
    person_name: str
    email: str
    #: the personal link to hand on (a secret: whoever has it answers for the force)
    link: str
    first_opened_at: datetime | None
    last_opened_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime
    #: draft | submitted; null: the force has not started
    response_status: str | None
    submitted_at: datetime | None


class SummaryRow(msgspec.Struct):
    label: str
    figure: str
    #: a share of the responses, like "40%"; empty where it means nothing
    share: str


class QuestionSummaryOut(msgspec.Struct):
    question_id: str
    label: str
    type: str
    #: whether partners may see it once published
    published: bool
    #: forces that answered
    n: int
    rows: list[SummaryRow]
    #: the answers to a free-text question (staff only; never published)
    texts: list[str]


class RoundDetail(msgspec.Struct):
    id: int
    title: str
    #: draft | open | closed | published
    status: str
    questionnaire: str
    version_id: int
    version: str
    min_group_size: int
    opens_at: datetime | None
    closes_at: datetime | None
    forces_invited: int
    submitted: int
    drafts: int
    #: per question, raw figures over every submitted response (staff see everything)
    summary: list[QuestionSummaryOut]


def _invitation(round_id: int, inv: LinkedInvitation) -> InvitationOut:
    return InvitationOut(
        id=inv.id,
        round_id=round_id,
        force_id=inv.force_id,
        force_name=inv.force_name,
        person_name=inv.person_name,
        email=inv.email,
        link=inv.link,
        first_opened_at=inv.first_opened_at,
        last_opened_at=inv.last_opened_at,
        revoked_at=inv.revoked_at,
        expires_at=inv.expires_at,
        response_status=inv.response_status,
        submitted_at=inv.submitted_at,
    )


def _question(s: QuestionSummary) -> QuestionSummaryOut:
    rows = [SummaryRow(label, figure, share) for label, figure, share in s.rows]
    return QuestionSummaryOut(s.question_id, s.label, s.type, s.published, s.n, rows, list(s.texts))


class RoundApiController(Controller):
    path = "/api/rounds"
    guards = [requires_staff]
    tags = ["rounds"]
    cache_control = NO_STORE

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

    @post(
        "/",
        summary="Open a round",
        description="Open a round of a questionnaire version for the chosen forces: one personal invitation "
        "per contact who answers for each, and each force's peer groups frozen for the round, as the "
        "staff page does (the same checks and messages). Written to the audit trail (`round.opened`)." + _CSRF,
        status_code=201,
        responses=refusals(401, 403, 422),
    )
    async def open_round(
        self, viewer: Injected[Viewer], settings: Injected[Settings], data: JSONBody[NewRoundRequest]
    ) -> RoundOpened:
        new_round = NewRound(
            data.title,
            data.version,
            data.forces,
            data.min_group_size,
            closing_time(data.closes_on) if data.closes_on else None,
        )
        problems: dict[str, str] = {}
        for problem in await new_round_problems(new_round, settings.min_group_size_floor):
            problems.setdefault(problem.field, problem.message)
        if problems:
            raise invalid(problems)
        round_id, invited = await start_round(new_round, settings.secret_key, viewer)
        message = (
            f"Round opened with {invited} personal invitation links."
            if invited
            else "The round is open, but none of the chosen forces has a contact who answers."
        )
        return RoundOpened(round_id, invited, message)

    @get(
        "/{round_id:int}",
        summary="A round",
        description="A round as its staff page shows it: the round, its questionnaire version, response "
        "counts and a summary per question (raw figures; staff only).",
        responses=refusals(401, 403, 404),
    )
    async def round_detail(self, round_id: PathId, settings: Injected[Settings]) -> RoundDetail:
        found = await round_overview(round_id, settings.base_url, settings.secret_key)
        if found is None:
            raise NotFoundException("No such round.")
        r, survey = found.round, found.survey
        return RoundDetail(
            id=r.id,
            title=r.title,
            status=r.status,
            questionnaire=pick(survey.title, survey.default_language, survey.default_language),
            version_id=r.version_id,
            version=survey.version,
            min_group_size=r.min_group_size,
            opens_at=r.opens_at,
            closes_at=r.closes_at,
            forces_invited=found.forces_invited,
            submitted=found.counts.submitted,
            drafts=found.counts.drafts,
            summary=[_question(s) for s in found.summary],
        )

    @get("/{round_id:int}/responses", summary="Response counts of a round", responses=refusals(401, 403, 404))
    async def counts(self, round_id: PathId) -> ResponseCounts:
        """How many forces have submitted, and how many have a draft (staff only)."""
        round_row = await get_round(round_id)
        if round_row is None:
            raise NotFoundException("No such round.")
        counts = await response_counts(round_id)
        return ResponseCounts(round_id, round_row.status, counts.submitted, counts.drafts)

    @get(
        "/{round_id:int}/invitations",
        summary="Invitations of a round, with their personal links",
        description="Who is invited, for which force, whether they opened their link and how far their "
        "force's response is, and each personal link to hand on (staff only; never cached).",
        responses=refusals(401, 403, 404),
    )
    async def invitations(self, round_id: PathId, settings: Injected[Settings]) -> list[InvitationOut]:
        if await get_round(round_id) is None:
            raise NotFoundException("No such round.")
        return [
            _invitation(round_id, inv)
            for inv in await linked_invitations(round_id, settings.base_url, settings.secret_key)
        ]


class InvitationApiController(Controller):
    path = "/api/invitations"
    guards = [requires_staff]
    tags = ["rounds"]
    cache_control = NO_STORE

    @post(
        "/{invitation_id:int}/replace",
        summary="Give an invitation a new personal link",
        description="The old link stops working at once (sessions opened with it end); the answer holds the "
        "new one. Written to the audit trail (`invitation.replaced`)." + _CSRF,
        status_code=200,
        responses=refusals(401, 403, 404, says={404: "There is no such invitation; nothing changed"}),
    )
    async def replace(
        self, invitation_id: PathId, viewer: Injected[Viewer], settings: Injected[Settings]
    ) -> InvitationOut:
        round_id = await renew_link(invitation_id, settings.secret_key, viewer)
        if round_id is None:
            raise NotFoundException("No such invitation.")
        invitations = await linked_invitations(round_id, settings.base_url, settings.secret_key)
        replaced = next((inv for inv in invitations if inv.id == invitation_id), None)
        if replaced is None:  # pragma: no cover - invitations are never deleted
            raise NotFoundException("No such invitation.")
        return _invitation(round_id, replaced)
