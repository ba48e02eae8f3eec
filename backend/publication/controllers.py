"""The partner dashboard (pages) and the publication API (JSON). Both are built only from
published snapshots (disclosure-controlled; the latest version of each round) and the viewer's
own force's answers."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.response import Template

from backend.api_errors import refusals
from backend.audit.refusals import refused
from backend.pages import render
from backend.params import PathId
from backend.partners.peer_groups import ALL, label
from backend.partners.services import get_force
from backend.publication.dashboard import build_panels, group_choices, parse_group
from backend.publication.disclosure import DisclosedRound
from backend.publication.schemas import (
    PublicationDetail,
    PublicationSummary,
    TrendResult,
    TrendsDetail,
    TrendSeries,
    publication_detail,
)
from backend.publication.services import PublicationRow, get_publication, published_rounds
from backend.publication.trends import Trend, TrendRound, build_trends
from backend.responses.services import get_response
from backend.rounds.services import get_round, round_groups
from backend.security.guards import load_viewer, requires_partner
from backend.security.roles import Viewer
from backend.surveys.services import load_version


async def _own_answers(viewer: Viewer, round_id: int) -> dict[str, Any]:
    if viewer.force_id is None:
        return {}
    response = await get_response(round_id, viewer.force_id)
    if response is None or response["status"] != "submitted":
        return {}
    return response["answers"]  # type: ignore[no-any-return]


async def _viewer(request: Request[Any, Any, Any]) -> Viewer:
    viewer = await load_viewer(request)
    assert viewer is not None  # the guard let the request through
    return viewer


async def _published(
    request: Request[Any, Any, Any], viewer: Viewer, round_id: int
) -> tuple[PublicationRow, DisclosedRound, dict[str, Any]]:
    """The round's latest publication (404 while the round is unpublished: audited, as a
    partner asking for results before they are published may be trying to get at answers)."""
    found = await get_publication(round_id)
    round_row = await get_round(round_id)
    if found is None or round_row is None:
        await refused(request, viewer, "not_published", f"round:{round_id}")
        raise NotFoundException("These results have not been published.")
    publication, disclosed = found
    return publication, disclosed, round_row


async def _force_groups(viewer: Viewer, round_id: int | None) -> dict[str, Any] | None:
    """The viewer's force's peer groups: as frozen in the round if it took part, else current."""
    if viewer.force_id is None:
        return None
    if round_id is not None:
        frozen = (await round_groups(round_id)).get(viewer.force_id)
        if frozen:
            return frozen
    return await get_force(viewer.force_id)


async def _trend_rounds(questionnaire_id: int) -> list[TrendRound]:
    rounds = [r for r in await published_rounds() if r.questionnaire_id == questionnaire_id]
    out = []
    for r in sorted(rounds, key=lambda r: r.round_id):
        found = await get_publication(r.round_id)
        if found is not None:
            out.append(TrendRound(r.round_id, r.title, await load_version(r.version_id), found[1]))
    return out


async def _trends(viewer: Viewer, questionnaire_id: int, group: str) -> tuple[list[Trend], Any, str, Any]:
    rounds = await _trend_rounds(questionnaire_id)
    if len(rounds) < 2:
        raise NotFoundException("Trends need at least two published rounds of the same questionnaire.")
    latest = rounds[-1]
    choices = group_choices(await _force_groups(viewer, None), viewer.is_staff, latest.disclosed)
    chosen = parse_group(group, choices)
    lang = viewer.language if viewer.language in latest.survey.languages else latest.survey.default_language
    return build_trends(rounds, chosen, lang, label(*chosen)), choices, chosen, rounds


class DashboardController(Controller):
    path = "/dashboard"
    guards = [requires_partner]
    tags = ["pages: partners"]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        """Published rounds this partner can compare themselves in, and trends across rounds."""
        viewer = await _viewer(request)
        force = await get_force(viewer.force_id) if viewer.force_id else None
        rounds = await published_rounds()
        per_questionnaire: dict[int, list[Any]] = {}
        for r in rounds:
            per_questionnaire.setdefault(r.questionnaire_id, []).append(r)
        trends = [(qid, rs[0].questionnaire, len(rs)) for qid, rs in per_questionnaire.items() if len(rs) >= 2]
        return await render(request, "dashboard/index.html", rounds=rounds, force=force, trends=trends)

    @get("/rounds/{round_id:int}")
    async def round_dashboard(
        self, request: Request[Any, Any, Any], round_id: PathId, group: FromQuery[str] = "all"
    ) -> Template:
        """One published round: each question's chart for the chosen group, own answers marked."""
        viewer = await _viewer(request)
        publication, disclosed, round_row = await _published(request, viewer, round_id)
        survey = await load_version(round_row["version"])
        force = await get_force(viewer.force_id) if viewer.force_id else None
        choices = group_choices(await _force_groups(viewer, round_id), viewer.is_staff, disclosed)
        chosen = parse_group(group, choices)
        own = await _own_answers(viewer, round_id)
        lang = viewer.language if viewer.language in survey.languages else survey.default_language
        return await render(
            request,
            "dashboard/round.html",
            round=round_row,
            published_at=publication.published_at,
            version=publication.version,
            survey=survey,
            sections=build_panels(survey, disclosed, chosen, own, lang),
            choices=choices,
            chosen=group if chosen != ALL else "all",
            responding=next((g for g in disclosed.responses if g.key == chosen), None),
            force=force,
            own_submitted=bool(own),
            min_group_size=disclosed.min_group_size,
            preview=False,
        )

    @get("/trends/{questionnaire_id:int}")
    async def trends_page(
        self, request: Request[Any, Any, Any], questionnaire_id: PathId, group: FromQuery[str] = "all"
    ) -> Template:
        """How the chosen group's published figures moved from round to round."""
        viewer = await _viewer(request)
        trends, choices, chosen, rounds = await _trends(viewer, questionnaire_id, group)
        return await render(
            request,
            "dashboard/trends.html",
            trends=trends,
            choices=choices,
            chosen=group if chosen != ALL else "all",
            rounds=rounds,
            questionnaire_id=questionnaire_id,
        )


class PublicationApiController(Controller):
    path = "/api/publications"
    guards = [requires_partner]
    tags = ["publications"]

    @get("/", summary="Published rounds", responses=refusals(401, 403))
    async def list_publications(self) -> list[PublicationSummary]:
        """Every round whose disclosure-controlled results have been published (latest version)."""
        return [
            PublicationSummary(r.round_id, r.title, r.questionnaire, r.questionnaire_id, r.version, r.published_at)
            for r in await published_rounds()
        ]

    @get(
        "/{round_id:int}",
        summary="Results of one published round",
        responses=refusals(401, 403, 404, says={404: "The round does not exist or is not published"}),
    )
    async def get_results(self, request: Request[Any, Any, Any], round_id: PathId) -> PublicationDetail:
        """The latest published version: per question, every configured peer group with its number
        of forces and figures, or `withheld` (no number, no figures, no reason); plus the
        caller's own force's answers."""
        viewer = await _viewer(request)
        publication, disclosed, round_row = await _published(request, viewer, round_id)
        own = await _own_answers(viewer, round_id)
        return publication_detail(disclosed, round_row["title"], publication.published_at, own)

    @get(
        "/trends/{questionnaire_id:int}",
        summary="Trends across published rounds",
        responses=refusals(401, 403, 404, says={404: "Fewer than two published rounds of this questionnaire"}),
    )
    async def get_trends(
        self, request: Request[Any, Any, Any], questionnaire_id: PathId, group: FromQuery[str] = "all"
    ) -> TrendsDetail:
        """For one questionnaire with at least two published rounds: how the chosen group's figures
        moved, question by question (`group` is `all` or `dimension:value`; partners may choose
        their own force's groups). Only published figures are used: a withheld figure is null."""
        viewer = await _viewer(request)
        trends, _, chosen, _ = await _trends(viewer, questionnaire_id, group)
        return TrendsDetail(
            questionnaire_id,
            chosen[0],
            chosen[1],
            [
                TrendResult(
                    t.question_id,
                    t.label,
                    t.measure,
                    list(t.rounds),
                    list(t.n),
                    [TrendSeries(s.name, list(s.values)) for s in t.series],
                )
                for t in trends
            ],
        )
