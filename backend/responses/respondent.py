"""The respondent's situation on each request: which invitation, round, questionnaire,
response and language; and what the pages show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.exceptions import PermissionDeniedException

from backend.i18n import negotiate
from backend.responses.services import get_or_create
from backend.rounds.services import invitation_context
from backend.security.roles import INVITATION_KEY
from backend.surveys.answers import Answers, section_status, visible_answers
from backend.surveys.conditions import evaluate
from backend.surveys.definition import Section, Survey
from backend.surveys.services import load_version

LANG_KEY = "respondent_lang"


@dataclass
class Respondent:
    invitation: dict[str, Any]
    survey: Survey
    response: dict[str, Any]
    lang: str

    @property
    def editable(self) -> bool:
        return self.invitation["round_status"] == "open" and self.response["status"] == "draft"

    @property
    def answers(self) -> Answers:
        return self.response["answers"]

    def shown_sections(self) -> list[Section]:
        kept = visible_answers(self.survey, self.answers)
        return [s for s in self.survey.sections if s.show_if is None or evaluate(s.show_if, kept)]

    def section(self, section_id: str) -> Section | None:
        for s in self.survey.sections:
            if s.id == section_id:
                return s
        return None

    def next_section(self, section: Section) -> Section | None:
        shown = self.shown_sections()
        ids = [s.id for s in self.survey.sections]
        later = ids[ids.index(section.id) + 1 :]
        for s in shown:
            if s.id in later:
                return s
        return None

    def previous_section(self, section: Section) -> Section | None:
        shown = self.shown_sections()
        ids = [s.id for s in self.survey.sections]
        earlier = ids[: ids.index(section.id)]
        candidates = [s for s in shown if s.id in earlier]
        return candidates[-1] if candidates else None

    def task_list(self) -> list[tuple[Section, str]]:
        return [(s, section_status(self.survey, s, self.answers)) for s in self.shown_sections()]


def choose_language(request: Request[Any, Any, Any], survey: Survey, person_language: str | None) -> str:
    session = request.scope.get("session")
    chosen = session.get(LANG_KEY) if isinstance(session, dict) else None
    if chosen in survey.languages:
        return str(chosen)
    if person_language in survey.languages:
        return str(person_language)
    return negotiate(request.headers.get("accept-language"), survey.languages, survey.default_language)


async def load_respondent(request: Request[Any, Any, Any]) -> Respondent:
    session = request.scope.get("session")
    invitation_id = session.get(INVITATION_KEY) if isinstance(session, dict) else None
    if not isinstance(invitation_id, int):
        raise PermissionDeniedException("Open the personal link you were sent to answer the questionnaire.")
    invitation = await invitation_context(invitation_id)
    if invitation is None:
        raise PermissionDeniedException("Your link is no longer valid. Ask the project team for a new one.")
    survey = await load_version(invitation["version"])
    lang = choose_language(request, survey, invitation["language"])
    response = await get_or_create(invitation["round"], invitation["force"], lang)
    return Respondent(invitation, survey, response, lang)
