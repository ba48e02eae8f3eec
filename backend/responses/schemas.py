"""Read models of responses: what the responses services return (never raw rows)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec


class ResponseStatus(StrEnum):
    """A response is a draft until it is submitted, exactly once."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class ResponseRow(msgspec.Struct, frozen=True):
    """A force's response in a round: its answers so far, and where it stands."""

    id: int
    round_id: int = msgspec.field(name="round")
    force_id: int = msgspec.field(name="force")
    status: ResponseStatus
    #: Increases with every save; a save carrying an older revision is refused.
    revision: int
    #: question id → answer (the JSON the respondent pages wrote)
    answers: dict[str, Any]
    language: str
    started_at: datetime
    updated_at: datetime
    updated_by: int | None
    submitted_at: datetime | None
    submitted_by: int | None


class LastSave(msgspec.Struct, frozen=True):
    """Where a response stands after its last save: who saved it, when, and from which page."""

    revision: int
    status: ResponseStatus
    updated_at: datetime
    #: the person who saved (None: saved by no one's invitation, e.g. imported)
    updated_by: int | None
    updated_by_name: str | None
    #: the rendered page the save came from (`services.save_answers`)
    saved_by_page: str | None


class StatusCounts(msgspec.Struct, frozen=True):
    """How many forces of a round have submitted, and how many have a draft."""

    submitted: int = 0
    drafts: int = 0


class AnswerChangeOut(msgspec.Struct, frozen=True):
    """One change to a force's answer (`history.Change` as the JSON API gives it, to the force and
    to staff): who, when, before and after, in the reader's language."""

    id: int
    question_id: str
    question: str
    old: str
    new: str
    person_id: int | None
    person_name: str | None
    changed_at: datetime
    revision: int
    #: False: a save refused because someone else at the force saved first (what was typed, kept)
    saved: bool
