"""The practice bank's HTML forms (msgspec Structs decoded from URL-encoded bodies)."""

from __future__ import annotations

from typing import ClassVar

import msgspec

from backend.practice.checks import DEFAULT_QUESTIONNAIRE, NoteInput, TranslationInput
from backend.web.forms import Form


class NoteForm(Form):
    """A note as written on its page (problems, themes and questions are checkboxes)."""

    stripped: ClassVar[frozenset[str]] = frozenset(
        {"original_language", "status_label", "attribution", "questionnaire"}
    )
    lists: ClassVar[frozenset[str]] = frozenset({"problems", "themes", "questions"})
    title: str = ""
    original_language: str = ""
    problems: list[str] | str = msgspec.field(default_factory=list)
    approach: str = ""
    partners: str = ""
    resources: str = ""
    outcome: str = ""
    status_label: str = ""
    attribution: str = ""
    questionnaire: str = DEFAULT_QUESTIONNAIRE
    themes: list[str] | str = msgspec.field(default_factory=list)
    questions: list[str] | str = msgspec.field(default_factory=list)

    def as_input(self) -> NoteInput:
        def listed(value: list[str] | str) -> list[str]:
            return [value] if isinstance(value, str) else list(value)

        return NoteInput(
            title=self.title,
            original_language=self.original_language,
            problems=listed(self.problems),
            approach=self.approach,
            partners=self.partners,
            resources=self.resources,
            outcome=self.outcome,
            status_label=self.status_label,
            attribution=self.attribution,
            questionnaire=self.questionnaire,
            themes=listed(self.themes),
            questions=listed(self.questions),
        )


class TranslationForm(Form):
    stripped: ClassVar[frozenset[str]] = frozenset({"translation_language"})
    translation_language: str = ""
    title: str = ""
    approach: str = ""
    partners: str = ""
    resources: str = ""
    outcome: str = ""

    def as_input(self) -> TranslationInput:
        return TranslationInput(
            translation_language=self.translation_language,
            title=self.title,
            approach=self.approach,
            partners=self.partners,
            resources=self.resources,
            outcome=self.outcome,
        )


class ContactForm(Form):
    message: str = ""


class ReturnForm(Form):
    comment: str = ""


class OutcomeForm(Form):
    """forwarded | declined"""

    stripped: ClassVar[frozenset[str]] = frozenset({"outcome"})
    outcome: str = ""
