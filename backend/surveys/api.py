"""Staff JSON API for questionnaires: the versions loaded, and one version's definition with
how complete each language's translations are (what the staff questionnaire pages show)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException

from backend.security.guards import requires_staff
from backend.surveys import survey_to_data, translation_report
from backend.surveys.schemas import VersionRow
from backend.surveys.services import list_versions, load_version
from backend.web.errors import refusals
from backend.web.params import PathId


class VersionOut(msgspec.Struct):
    #: the version's id: a round is opened with it (POST /api/rounds, `version`)
    id: int
    #: the questionnaire's id in its definition file
    slug: str
    title: str
    #: practice | peer_profile
    purpose: str
    version: str
    #: SHA-256 of the normalised definition: the version's identity
    content_hash: str
    loaded_at: datetime
    #: the definition file it was loaded from
    source_name: str
    #: rounds opened with it
    rounds: int


class LanguageCompleteness(msgspec.Struct):
    language: str
    present: int
    total: int
    complete: bool
    #: each text lacking in this language, in words, like `question "q3" label`
    missing: list[str]


class VersionDetail(msgspec.Struct):
    version: VersionOut
    #: the languages of the questionnaire, the default one first
    languages: list[str]
    #: a round can only be opened with a version whose translations are complete
    translations_complete: bool
    translations: list[LanguageCompleteness]
    #: the normalised definition (`practice-exchange surveys show FILE --json`; docs/questionnaire-format.md)
    definition: dict[str, Any]


def _version(v: VersionRow) -> VersionOut:
    return VersionOut(
        v.id, v.slug, v.title, v.purpose, v.version_label, v.content_hash, v.loaded_at, v.source_name, v.rounds
    )


class QuestionnaireApiController(Controller):
    path = "/api/questionnaires"
    guards = [requires_staff]
    tags = ["questionnaires"]

    @get(
        "/",
        summary="Questionnaire versions",
        description="Every version loaded, grouped by questionnaire, newest first, with how many rounds use "
        "it (staff only).",
        responses=refusals(401, 403),
    )
    async def versions(self) -> list[VersionOut]:
        return [_version(v) for v in await list_versions()]

    @get(
        "/{version_id:int}",
        summary="A questionnaire version",
        description="One version's normalised definition, and how complete each language's translations are "
        "(staff only).",
        responses=refusals(401, 403, 404, says={404: "There is no such version"}),
    )
    async def version(self, version_id: PathId) -> VersionDetail:
        found = next((v for v in await list_versions() if v.id == version_id), None)
        if found is None:
            raise NotFoundException("No such questionnaire version.")
        survey = await load_version(version_id)
        report = translation_report(survey)
        return VersionDetail(
            version=_version(found),
            languages=list(survey.languages),
            translations_complete=report.complete,
            translations=[
                LanguageCompleteness(c.language, c.present, c.total, c.complete, report.missing_in(c.language))
                for c in report.counts
            ],
            definition=survey_to_data(survey),
        )
