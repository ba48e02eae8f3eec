"""The partner dashboard (pages) and the publication API (JSON). Both are built only from
published snapshots (disclosure-controlled) and the viewer's own force's answers."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend.pages import render
from backend.partners.services import get_force
from backend.publication.dashboard import build_panels, group_choices, parse_group
from backend.publication.disclosure import DisclosedRound
from backend.publication.services import get_publication, published_rounds
from backend.responses.services import get_response
from backend.rounds.services import get_round
from backend.security.guards import load_viewer, requires_partner
from backend.security.roles import Viewer
from backend.surveys.services import load_version


async def _own_answers(viewer: Viewer, round_id: FromPath[int]) -> dict[str, Any]:
    if viewer.force_id is None:
        return {}
    response = await get_response(round_id, viewer.force_id)
    if response is None or response["status"] != "submitted":
        return {}
    return response["answers"]


async def _published(
    request: Request[Any, Any, Any], round_id: int
) -> tuple[Viewer, dict[str, Any], DisclosedRound, dict[str, Any]]:
    """Who asks, and the round's publication (404 while the round is unpublished)."""
    viewer = await load_viewer(request)
    assert viewer is not None  # the guard let the request through
    found = await get_publication(round_id)
    if found is None:
        raise NotFoundException("These results have not been published.")
    publication, disclosed = found
    round_row = await get_round(round_id)
    assert round_row is not None
    return viewer, publication, disclosed, round_row


class DashboardController(Controller):
    path = "/dashboard"
    guards = [requires_partner]
    tags = ["pages: partners"]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        """Published rounds this partner can compare themselves in."""
        viewer = await load_viewer(request)
        force = await get_force(viewer.force_id) if viewer and viewer.force_id else None
        return await render(request, "dashboard/index.html", rounds=await published_rounds(), force=force)

    @get("/rounds/{round_id:int}")
    async def round_dashboard(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], group: FromQuery[str] = "all"
    ) -> Template:
        viewer, publication, disclosed, round_row = await _published(request, round_id)
        survey = await load_version(round_row["version"])
        force = await get_force(viewer.force_id) if viewer.force_id else None
        choices = group_choices(force, viewer.is_staff, disclosed)
        chosen = parse_group(group, choices)
        own = await _own_answers(viewer, round_id)
        lang = viewer.language if viewer.language in survey.languages else survey.default_language
        sections = build_panels(survey, disclosed, chosen, own, lang)
        responding = next((g for g in disclosed.responses if g.key == chosen), None)
        return await render(
            request,
            "dashboard/round.html",
            round=round_row,
            publication=publication,
            survey=survey,
            sections=sections,
            choices=choices,
            chosen=group if chosen != ("all", "all") else "all",
            responding=responding,
            force=force,
            own_submitted=bool(own),
            min_group_size=disclosed.min_group_size,
        )


class GroupFigures(msgspec.Struct):
    dimension: str
    value: str
    forces: int | None
    withheld: str | None
    figures: dict[str, Any]


class QuestionResult(msgspec.Struct):
    id: str
    kind: str
    groups: list[GroupFigures]


class PublicationSummary(msgspec.Struct):
    round_id: int
    title: str
    questionnaire: str
    published_at: str


class PublicationDetail(msgspec.Struct):
    round_id: int
    title: str
    min_group_size: int
    published_at: str
    responding: list[GroupFigures]
    questions: list[QuestionResult]
    own_answers: dict[str, Any]


class PublicationApiController(Controller):
    path = "/api/publications"
    guards = [requires_partner]
    tags = ["publications"]

    @get("/", summary="Published rounds")
    async def list_publications(self) -> list[PublicationSummary]:
        """Every round whose disclosure-controlled results have been published."""
        return [
            PublicationSummary(r.round_id, r.title, r.questionnaire, r.published_at.isoformat())
            for r in await published_rounds()
        ]

    @get("/{round_id:int}", summary="Results of one published round")
    async def get_results(self, request: Request[Any, Any, Any], round_id: FromPath[int]) -> PublicationDetail:
        """The published snapshot: per question and peer group, the number of forces and the
        figures, or why a group is withheld; plus the caller's own force's answers."""
        viewer, publication, disclosed, round_row = await _published(request, round_id)

        def groups(items: Any) -> list[GroupFigures]:
            return [GroupFigures(g.key[0], g.key[1], g.n, g.suppressed_reason, dict(g.figures)) for g in items]

        return PublicationDetail(
            round_id=round_id,
            title=round_row["title"],
            min_group_size=disclosed.min_group_size,
            published_at=publication["published_at"].isoformat(),
            responding=groups(disclosed.responses),
            questions=[QuestionResult(q.question_id, q.kind, groups(q.groups)) for q in disclosed.questions.values()],
            own_answers=await _own_answers(viewer, round_id),
        )
