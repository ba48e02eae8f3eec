"""The practice bank's enums (problem categories, status labels, states, attribution), with their
labels as translatable messages, and the typed rows its services return."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import msgspec

from backend.i18n import N_, Language


class Problem(StrEnum):
    """The problem a note addresses: a fixed list, so notes can be filtered by it."""

    MARKET_VIOLENCE = "market_violence"
    CORRUPTION = "corruption"
    HEALTH_HARMS = "health_harms"
    PUBLIC_NUISANCE = "public_nuisance"
    EXPLOITATION = "exploitation"
    DRUG_DEATHS = "drug_deaths"
    ORGANISED_CRIME = "organised_crime"
    OTHER = "other"


PROBLEM_LABELS: dict[Problem, str] = {
    Problem.MARKET_VIOLENCE: N_("Market violence"),
    Problem.CORRUPTION: N_("Corruption"),
    Problem.HEALTH_HARMS: N_("Health harms (HIV, hepatitis, overdose)"),
    Problem.PUBLIC_NUISANCE: N_("Public nuisance"),
    Problem.EXPLOITATION: N_("Exploitation of young or vulnerable people"),
    Problem.DRUG_DEATHS: N_("Drug-related deaths"),
    Problem.ORGANISED_CRIME: N_("Organised crime and money laundering"),
    Problem.OTHER: N_("Another problem"),
}


class StatusLabel(StrEnum):
    """What the evidence says, as the College of Policing's practice bank labels it."""

    WORKED = "worked"
    PROMISING = "promising"
    NEW = "new"
    DIDNT_WORK = "didnt_work"


STATUS_LABELS: dict[StatusLabel, str] = {
    StatusLabel.WORKED: N_("Worked"),
    StatusLabel.PROMISING: N_("Promising"),
    StatusLabel.NEW: N_("New"),
    StatusLabel.DIDNT_WORK: N_("Didn't work"),
}


class Attribution(StrEnum):
    #: the author's force is named (never the person)
    NAMED = "named"
    ANONYMOUS = "anonymous"


class NoteState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


STATE_LABELS: dict[NoteState, str] = {
    NoteState.DRAFT: N_("Draft"),
    NoteState.SUBMITTED: N_("Waiting for review"),
    NoteState.PUBLISHED: N_("Published"),
    NoteState.RETURNED: N_("Returned for changes"),
    NoteState.WITHDRAWN: N_("Withdrawn"),
}

#: The states in which the author may still change the note.
EDITABLE = frozenset({NoteState.DRAFT, NoteState.RETURNED})

#: The text fields of a note, in the order of the form.
TEXT_FIELDS = ("title", "approach", "partners", "resources", "outcome")

TAG_KINDS = ("theme", "question")


def problem_label(code: str, language: Language) -> str:
    try:
        return language.gettext(PROBLEM_LABELS[Problem(code)])
    except ValueError:
        return code


def status_label(code: str, language: Language) -> str:
    try:
        return language.gettext(STATUS_LABELS[StatusLabel(code)])
    except ValueError:
        return code


def state_label(code: str, language: Language) -> str:
    try:
        return language.gettext(STATE_LABELS[NoteState(code)])
    except ValueError:
        return code


class NoteTexts(msgspec.Struct, frozen=True):
    """A note's words in one language."""

    language: str
    title: str
    approach: str = ""
    partners: str = ""
    resources: str = ""
    outcome: str = ""


class Tag(msgspec.Struct, frozen=True):
    questionnaire: str
    #: theme | question
    kind: str
    #: a section id (theme) or question id (question)
    subject: str


class NoteRow(msgspec.Struct, frozen=True):
    """A note as stored, every language's words with it. `author_*` are for staff (and the
    author) only: partner-facing output goes through `api.note_out` / the templates' rules."""

    id: int
    problems: list[str]
    status_label: str
    original_language: str
    attribution: str
    state: str
    staff_comment: str
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    published_at: dt.datetime | None
    author_id: int | None
    author_name: str | None
    author_email: str | None
    author_force_id: int | None
    author_force_name: str | None
    author_force_code: str | None
    texts: dict[str, NoteTexts]
    tags: list[Tag]

    def shown(self, language: Language) -> NoteTexts:
        """The words in the reader's language when translated, else in the original language."""
        return self.texts.get(language.code) or self.texts[self.original_language]

    def own(self, person_id: int) -> bool:
        return self.author_id == person_id

    def status_text(self, language: Language) -> str:
        return status_label(self.status_label, language)

    def state_text(self, language: Language) -> str:
        return state_label(self.state, language)

    def problem_texts(self, language: Language) -> list[str]:
        return [problem_label(p, language) for p in self.problems]

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE

    def shown_force(self) -> str | None:
        """What partners see of the author: the force's name on a named note, else nothing."""
        return self.author_force_name if self.attribution == Attribution.NAMED else None

    def themes(self) -> list[str]:
        return [t.subject for t in self.tags if t.kind == "theme"]

    def questions(self) -> list[str]:
        return [t.subject for t in self.tags if t.kind == "question"]


class NoteListing(msgspec.Struct, frozen=True):
    """A page of notes and how many there are in all."""

    notes: list[NoteRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class ContactRow(msgspec.Struct, frozen=True):
    """A contact request as staff see it: the note, its author and the sender."""

    id: int
    note_id: int
    note_title: str
    message: str
    state: str
    created_at: dt.datetime
    sender_name: str | None
    sender_email: str | None
    sender_force: str | None
    author_name: str | None
    author_email: str | None
    author_force: str | None
    attribution: str


class OnDashboard(msgspec.Struct, frozen=True):
    """A published note tagged with a chart's question or a theme, as the dashboard links it."""

    id: int
    title: str
    #: the title's language, when it is not the reader's (marked with `lang`)
    lang: str | None
