"""Staff pages for questionnaires: the versions loaded, and a preview of each."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.response import Template

from backend.i18n import Language
from backend.security.guards import requires_staff
from backend.surveys.format.translations import translation_report
from backend.surveys.services import list_versions, load_version
from backend.web.params import Injected, PathId
from backend.web.render import render


class QuestionnaireController(Controller):
    path = "/staff/questionnaires"
    guards = [requires_staff]
    tags = ["pages: staff"]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        return await render(request, "staff/questionnaires.html", versions=await list_versions())

    @get("/{version_id:int}")
    async def preview(
        self,
        request: Request[Any, Any, Any],
        version_id: PathId,
        language: Injected[Language],
        lang: FromQuery[str | None] = None,
    ) -> Template:
        """Every question of a version as respondents see it (read-only), in the language asked
        for, else the page's if the questionnaire has it, else its default; and how complete each
        language's translations are."""
        try:
            survey = await load_version(version_id)
        except LookupError as exc:
            raise NotFoundException() from exc
        if lang not in survey.languages:
            lang = language.code if language.code in survey.languages else survey.default_language
        return await render(
            request,
            "staff/questionnaire.html",
            survey=survey,
            lang=lang,
            version_id=version_id,
            translations=translation_report(survey),
        )
