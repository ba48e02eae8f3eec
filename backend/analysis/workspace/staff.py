"""Staff pages of the analysis workspace: a round's unpublished charts, breakdowns, filters,
cross-tab and quality flags, and the coding of its free-text answers. Staff only (guarded
here; partner modules may not import this package: `.importlinter`)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, Parameter
from litestar.response import Redirect, Template

from backend.analysis.workspace import codebook
from backend.analysis.workspace.breakdown import group_values
from backend.analysis.workspace.codebook import CodingRefused
from backend.analysis.workspace.forms import MergeForm, PublishThemesForm, TagsForm, ThemeNameForm
from backend.analysis.workspace.query import WorkspaceQuery, read_query
from backend.analysis.workspace.records import closed_questions
from backend.analysis.workspace.services import round_and_survey, text_question, workspace
from backend.analysis.workspace.themes import theme_counts, uncoded
from backend.i18n import N_, Language
from backend.partners.peer_groups import DIMENSIONS
from backend.security.guards import requires_staff
from backend.security.roles import Viewer
from backend.surveys import FREE_TEXT_TYPES, answer_codes_with_labels
from backend.web.forms import FORM
from backend.web.params import Injected, PathId, form_int
from backend.web.render import redirect, render

QuestionId = Annotated[str, Parameter(max_length=100)]


class StaffAnalysisController(Controller):
    path = "/staff/rounds/{round_id:int}/analysis"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @get("/")
    async def analysis(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        language: Injected[Language],
        group: FromQuery[str] = "",
        answer: FromQuery[list[str] | None] = None,
        by: FromQuery[str] = "",
        rows: FromQuery[str] = "",
        columns: FromQuery[str] = "",
    ) -> Template:
        """Every question's chart from the raw answers (never published), broken down by a
        peer-group dimension, filtered by a group and by answers, with a cross-tab of two
        closed questions and the response-quality flags."""
        found, survey = await round_and_survey(round_id)
        query = read_query(survey, group, answer, by, rows, columns)
        errors = {k: language.gettext(v) for k, v in query.errors.items()}
        if errors:
            query = WorkspaceQuery()  # bad input changes nothing: the whole round, unfiltered
        view, records = await workspace(round_id, survey, query, language)
        groups = [(d, v) for d in DIMENSIONS for v in group_values(records, d)]
        closed = closed_questions(survey)
        options = {q.id: dict(answer_codes_with_labels(q, language.code, survey.default_language)) for q in closed}
        labels = {q.id: language.text(q.label, survey.default_language) for q in closed}
        answer_filters = [
            (qid, code, language.gettext("%(question)s: %(answer)s", question=labels[qid], answer=options[qid][code]))
            for qid, code in query.filters.answers
        ]
        return await render(
            request,
            "staff/analysis.html",
            status_code=400 if errors else 200,
            round=found,
            survey=survey,
            view=view,
            query=query,
            errors=errors,
            asked={"group": group, "answer": answer or [], "by": by, "rows": rows, "columns": columns},
            groups=groups,
            closed_options=[(q, labels[q.id], list(options[q.id].items())) for q in closed],
            answer_filters=answer_filters,
            dimensions=list(DIMENSIONS),
        )

    async def _coding_page(
        self,
        request: Request[Any, Any, Any],
        round_id: int,
        question_id: str,
        show_forces: bool,
        by: str,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        found, survey = await round_and_survey(round_id)
        question = text_question(survey, question_id)
        themes = await codebook.themes(round_id, question_id)
        answers = await codebook.coded_answers(round_id, question_id)
        dimension = by if by in DIMENSIONS else None
        return await render(
            request,
            "staff/coding.html",
            status_code=status_code,
            round=found,
            survey=survey,
            question=question,
            themes=themes,
            answers=answers,
            counts=theme_counts(themes, answers, dimension),
            uncoded=uncoded(answers),
            show_forces=show_forces,
            by=dimension,
            by_values=sorted({a.groups.get(dimension, "") for a in answers}) if dimension else [],
            dimensions=list(DIMENSIONS),
            errors=errors or {},
            text_questions=[q for q in survey.questions() if q.type in FREE_TEXT_TYPES],
            publish_themes=await codebook.publishing(round_id, question_id),
        )

    @get("/coding/{question_id:str}")
    async def coding(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        question_id: QuestionId,
        forces: FromQuery[str] = "",
        by: FromQuery[str] = "",
    ) -> Template:
        """Every answer to a text question, the question's codebook, and each theme's count
        (by group too). Force names are hidden unless asked for (`forces=1`), so that coding
        is not swayed by who wrote what."""
        return await self._coding_page(request, round_id, question_id, forces == "1", by)

    def _back(self, round_id: int, question_id: str, request: Request[Any, Any, Any], anchor: str = "") -> Redirect:
        keep = "?forces=1" if request.query_params.get("forces") == "1" else ""
        return redirect(f"/staff/rounds/{round_id}/analysis/coding/{question_id}{keep}{anchor}")

    async def _refused(
        self, request: Request[Any, Any, Any], round_id: int, question_id: str, exc: CodingRefused, language: Language
    ) -> Template:
        show = request.query_params.get("forces") == "1"
        errors = {exc.field: language.gettext(exc.message)}
        return await self._coding_page(request, round_id, question_id, show, "", errors, status_code=400)

    @post("/coding/{question_id:str}/themes")
    async def add_theme(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        question_id: QuestionId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ThemeNameForm, FORM],
    ) -> Template | Redirect:
        """Add a theme to the question's codebook."""
        _found, survey = await round_and_survey(round_id)
        text_question(survey, question_id)
        try:
            await codebook.add_theme(viewer, round_id, question_id, data.name)
        except CodingRefused as exc:
            return await self._refused(request, round_id, question_id, exc, language)
        return self._back(round_id, question_id, request)

    @post("/coding/{question_id:str}/themes/{theme_id:int}/rename")
    async def rename_theme(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        question_id: QuestionId,
        theme_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ThemeNameForm, FORM],
    ) -> Template | Redirect:
        """Rename a theme (its answers keep it)."""
        _found, survey = await round_and_survey(round_id)
        text_question(survey, question_id)
        try:
            await codebook.rename_theme(viewer, round_id, question_id, theme_id, data.name)
        except CodingRefused as exc:
            return await self._refused(request, round_id, question_id, exc, language)
        return self._back(round_id, question_id, request)

    @post("/coding/{question_id:str}/themes/{theme_id:int}/merge")
    async def merge_theme(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        question_id: QuestionId,
        theme_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[MergeForm, FORM],
    ) -> Template | Redirect:
        """Merge a theme into another: its answers carry the other; it is deleted."""
        _found, survey = await round_and_survey(round_id)
        text_question(survey, question_id)
        try:
            await codebook.merge_themes(viewer, round_id, question_id, theme_id, form_int(data.into) or 0)
        except CodingRefused as exc:
            return await self._refused(request, round_id, question_id, exc, language)
        return self._back(round_id, question_id, request)

    @post("/coding/{question_id:str}/themes/{theme_id:int}/delete")
    async def delete_theme(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        question_id: QuestionId,
        theme_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Template | Redirect:
        """Delete a theme (the answers lose it)."""
        _found, survey = await round_and_survey(round_id)
        text_question(survey, question_id)
        try:
            await codebook.delete_theme(viewer, round_id, question_id, theme_id)
        except CodingRefused as exc:
            return await self._refused(request, round_id, question_id, exc, language)
        return self._back(round_id, question_id, request)

    @post("/coding/{question_id:str}/answers/{response_id:int}")
    async def tag_answer(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        question_id: QuestionId,
        response_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[TagsForm, FORM],
    ) -> Template | Redirect:
        """Set the themes of one answer (the boxes ticked)."""
        _found, survey = await round_and_survey(round_id)
        text_question(survey, question_id)
        chosen = [form_int(t) for t in data.themes]
        try:
            if any(t is None for t in chosen):
                raise CodingRefused("themes", N_("Choose themes of this question's codebook."))
            await codebook.set_tags(viewer, round_id, question_id, response_id, [t for t in chosen if t])
        except CodingRefused as exc:
            return await self._refused(request, round_id, question_id, exc, language)
        return self._back(round_id, question_id, request, f"#answer-{response_id}")

    @post("/coding/{question_id:str}/publish")
    async def publish_themes(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        question_id: QuestionId,
        viewer: Injected[Viewer],
        data: Annotated[PublishThemesForm, FORM],
    ) -> Redirect:
        """Publish the question's coded theme counts with the round (through disclosure control,
        from its next publication or correction), or stop."""
        _found, survey = await round_and_survey(round_id)
        text_question(survey, question_id)
        await codebook.set_publishing(viewer, round_id, question_id, data.publish == "1")
        return self._back(round_id, question_id, request, "#publish-themes")
