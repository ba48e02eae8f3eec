"""JSON API of the analysis workspace (staff only, like its pages: the same guards, checks
and audit). Nothing here is disclosure-controlled or ever published."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post, put
from litestar.datastructures import CacheControlHeader
from litestar.params import FromQuery, JSONBody, Parameter

from backend.analysis.workspace import codebook
from backend.analysis.workspace.codebook import CodingRefused
from backend.analysis.workspace.query import read_query
from backend.analysis.workspace.schemas import (
    BreakdownOut,
    CodedAnswerOut,
    CodingOut,
    CorrectionsOut,
    CrossTabOut,
    DontKnowOut,
    FiltersOut,
    GroupFiguresOut,
    MergeRequest,
    PublishThemes,
    QuestionOut,
    StraightLineOut,
    TagsRequest,
    ThemeDeleted,
    ThemeName,
    ThemeOut,
    WorkspaceOut,
)
from backend.analysis.workspace.services import round_and_survey, text_question, workspace
from backend.analysis.workspace.themes import theme_counts, uncoded
from backend.analysis.workspace.view import Panel, Workspace
from backend.partners.peer_groups import DIMENSIONS
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.web.errors import invalid, refusals
from backend.web.params import Injected, PathId

NO_STORE = CacheControlHeader(no_store=True)
_CSRF = " Send the `csrftoken` cookie's value in the `X-CSRFToken` header."
QuestionId = Annotated[str, Parameter(max_length=100)]
_QUERY = (
    " Query: `group` (`dimension:value`, e.g. `region:europe`), `answer` (`question:code`, repeatable: "
    "forces that gave each), `by` (`region`, `force_type` or `size_band`: a breakdown per question), "
    "`rows` and `columns` (two closed questions: their cross-tab). Every figure is raw and never "
    "published (`published: false`); a bad value is a 422 naming its field."
)


def _question(p: Panel) -> QuestionOut:
    b = p.breakdown
    breakdown = None
    if b is not None:
        if b.table is not None:
            groups = [
                GroupFiguresOut(
                    v,
                    b.table.row_totals[i],
                    {"counts": {c: b.table.counts[i][j] for j, c in enumerate(b.table.column_codes)}},
                )
                for i, v in enumerate(b.groups)
            ]
        else:
            groups = [
                GroupFiguresOut(v, f.n if f else 0, f.figures if f else {})
                for v, f in zip(b.groups, b.figures, strict=True)
            ]
        breakdown = BreakdownOut(b.dimension, groups)
    dk = p.dont_know
    c = p.corrections
    return QuestionOut(
        id=p.question.id,
        type=p.question.type,
        publishable=p.question.published,
        n=p.n,
        figures=p.figures.figures if p.figures else None,
        breakdown=breakdown,
        dont_know=DontKnowOut(dk.n, dk.dont_know, round(dk.rate, 4)) if dk else None,
        straight_lines=[StraightLineOut(s.force_id, s.force_name, s.code) for s in p.straight_lines],
        allocation_corrections=CorrectionsOut(c.forces, c.times) if c else None,
    )


def _workspace(round_id: int, view: Workspace, group: tuple[str, str] | None, answers: list[str]) -> WorkspaceOut:
    ct = None
    if view.crosstab is not None:
        t = view.crosstab.table
        percent = [
            [None if (s := t.row_share(i, j)) is None else round(100 * s, 1) for j in range(len(t.column_codes))]
            for i in range(len(t.row_codes))
        ]
        ct = CrossTabOut(
            view.crosstab.rows.id,
            view.crosstab.columns.id,
            list(t.row_codes),
            list(t.column_codes),
            [list(r) for r in t.counts],
            list(t.row_totals),
            list(t.column_totals),
            t.total,
            percent,
        )
    return WorkspaceOut(
        round_id=round_id,
        published=False,
        records=view.records,
        kept=view.kept,
        filters=FiltersOut(f"{group[0]}:{group[1]}" if group else None, answers),
        questions=[_question(p) for s in view.sections for p in s.panels],
        crosstab=ct,
    )


class AnalysisApiController(Controller):
    path = "/api/rounds/{round_id:int}"
    guards = [requires_staff]
    tags = ["analysis"]
    cache_control = NO_STORE

    @get(
        "/analysis",
        summary="A round's analysis workspace",
        description="Every question's raw figures over the submitted responses (staff only, never "
        "published), filtered, broken down, with a cross-tab and the response-quality flags, as the "
        "workspace page shows them." + _QUERY,
        responses=refusals(401, 403, 404, 422),
    )
    async def analysis(
        self,
        round_id: PathId,
        group: FromQuery[str] = "",
        answer: FromQuery[list[str] | None] = None,
        by: FromQuery[str] = "",
        rows: FromQuery[str] = "",
        columns: FromQuery[str] = "",
    ) -> WorkspaceOut:
        _found, survey = await round_and_survey(round_id)
        query = read_query(survey, group, answer, by, rows, columns)
        if query.errors:
            raise invalid(query.errors)
        view, _records = await workspace(round_id, survey, query)
        answers = [f"{q}:{c}" for q, c in query.filters.answers]
        return _workspace(round_id, view, query.filters.group, answers)

    @get(
        "/coding/{question_id:str}",
        summary="A text question's answers and codebook",
        description="Every submitted answer to a free-text question with the themes it carries (and its "
        "force), the question's codebook and each theme's count; `by` (`region`, `force_type`, "
        "`size_band`) counts them per group too. Staff only: neither the text nor the counts are published.",
        responses=refusals(401, 403, 404, 422),
    )
    async def coding(self, round_id: PathId, question_id: QuestionId, by: FromQuery[str] = "") -> CodingOut:
        _found, survey = await round_and_survey(round_id)
        text_question(survey, question_id)
        if by and by not in DIMENSIONS:
            raise invalid({"by": "Choose a breakdown from the list."})
        themes = await codebook.themes(round_id, question_id)
        answers = await codebook.coded_answers(round_id, question_id)
        counts = theme_counts(themes, answers, by or None)
        return CodingOut(
            round_id=round_id,
            question_id=question_id,
            published=False,
            themes=[ThemeOut(c.theme.id, c.theme.name, c.count, dict(c.by_group)) for c in counts],
            answers=[
                CodedAnswerOut(a.response_id, a.force_name, dict(a.groups), a.text, sorted(a.theme_ids))
                for a in answers
            ],
            uncoded=uncoded(answers),
            publish_themes=await codebook.publishing(round_id, question_id),
        )

    async def _checked(self, round_id: int, question_id: str) -> None:
        _found, survey = await round_and_survey(round_id)
        text_question(survey, question_id)

    @post(
        "/coding/{question_id:str}/themes",
        summary="Add a theme to a codebook",
        description="Audited (`coding.theme.added`)." + _CSRF,
        status_code=201,
        responses=refusals(401, 403, 404, 422),
    )
    async def add_theme(
        self, round_id: PathId, question_id: QuestionId, viewer: Injected[Viewer], data: JSONBody[ThemeName]
    ) -> ThemeOut:
        await self._checked(round_id, question_id)
        try:
            theme = await codebook.add_theme(viewer, round_id, question_id, data.name)
        except CodingRefused as exc:
            raise invalid({exc.field: exc.message}) from exc
        return ThemeOut(theme.id, theme.name)

    @patch(
        "/coding/{question_id:str}/themes/{theme_id:int}",
        summary="Rename a theme",
        description="Its answers keep it. Audited (`coding.theme.renamed`)." + _CSRF,
        responses=refusals(401, 403, 404, 422),
    )
    async def rename_theme(
        self,
        round_id: PathId,
        question_id: QuestionId,
        theme_id: PathId,
        viewer: Injected[Viewer],
        data: JSONBody[ThemeName],
    ) -> ThemeOut:
        await self._checked(round_id, question_id)
        try:
            theme = await codebook.rename_theme(viewer, round_id, question_id, theme_id, data.name)
        except CodingRefused as exc:
            raise invalid({exc.field: exc.message}) from exc
        return ThemeOut(theme.id, theme.name)

    @post(
        "/coding/{question_id:str}/themes/{theme_id:int}/merge",
        summary="Merge a theme into another",
        description="Its answers carry `into` instead; it is deleted. Audited (`coding.theme.merged`)." + _CSRF,
        status_code=200,
        responses=refusals(401, 403, 404, 422),
    )
    async def merge_theme(
        self,
        round_id: PathId,
        question_id: QuestionId,
        theme_id: PathId,
        viewer: Injected[Viewer],
        data: JSONBody[MergeRequest],
    ) -> ThemeOut:
        await self._checked(round_id, question_id)
        try:
            theme = await codebook.merge_themes(viewer, round_id, question_id, theme_id, data.into)
        except CodingRefused as exc:
            raise invalid({exc.field: exc.message}) from exc
        return ThemeOut(theme.id, theme.name)

    @delete(
        "/coding/{question_id:str}/themes/{theme_id:int}",
        summary="Delete a theme",
        description="The answers lose it. Audited (`coding.theme.deleted`)." + _CSRF,
        status_code=200,
        responses=refusals(401, 403, 404, 422),
    )
    async def delete_theme(
        self, round_id: PathId, question_id: QuestionId, theme_id: PathId, viewer: Injected[Viewer]
    ) -> ThemeDeleted:
        await self._checked(round_id, question_id)
        try:
            await codebook.delete_theme(viewer, round_id, question_id, theme_id)
        except CodingRefused as exc:
            raise invalid({exc.field: exc.message}) from exc
        return ThemeDeleted(theme_id)

    @put(
        "/coding/{question_id:str}/answers/{response_id:int}",
        summary="Set an answer's themes",
        description="The answer (a force's response) carries exactly `themes`. Audited "
        "(`coding.answer.tagged`)." + _CSRF,
        responses=refusals(401, 403, 404, 422),
    )
    async def tag_answer(
        self,
        round_id: PathId,
        question_id: QuestionId,
        response_id: PathId,
        viewer: Injected[Viewer],
        data: JSONBody[TagsRequest],
    ) -> list[int]:
        await self._checked(round_id, question_id)
        try:
            return sorted(await codebook.set_tags(viewer, round_id, question_id, response_id, data.themes))
        except CodingRefused as exc:
            raise invalid({exc.field: exc.message}) from exc

    @put(
        "/coding/{question_id:str}/publish",
        summary="Publish a text question's theme counts with the round, or not",
        description="`publish: true`: from the round's next publication or correction, the question's coded "
        "theme counts are published like a multiple choice, through disclosure control (the text never is); "
        "`false`: no longer. What is published already never changes. Audited (`coding.publish.chosen`, "
        "`coding.publish.withdrawn`)." + _CSRF,
        responses=refusals(401, 403, 404),
    )
    async def publish_themes(
        self, round_id: PathId, question_id: QuestionId, viewer: Injected[Viewer], data: JSONBody[PublishThemes]
    ) -> PublishThemes:
        _found, survey = await round_and_survey(round_id)
        text_question(survey, question_id)
        return PublishThemes(await codebook.set_publishing(viewer, round_id, question_id, data.publish))
