"""JSON shapes of published results: the same for partners (publication API) and for staff's
preview of what partners will see, built only from disclosure-controlled types; and the read
models the publication services return (which publication, when, by whom)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec

from backend.i18n import Language, Shown
from backend.publication.disclosure import DisclosedGroup, DisclosedRound
from backend.rounds.titles import shown_title


class GroupFigures(msgspec.Struct):
    """One group's figures, or withheld: then `forces` is null and `figures` empty, whatever the
    reason (too few forces, or protecting a force's answer); the two are not told apart."""

    dimension: str
    value: str
    withheld: bool
    forces: int | None
    #: counts per answer code; quartiles (p25, median, p75); or per item/option/row, where a
    #: withheld item is null
    figures: dict[str, Any]


class QuestionResult(msgspec.Struct):
    id: str
    kind: str
    groups: list[GroupFigures]
    #: a free-text question's coded themes (a "multi" whose options they are), in order and named as
    #: project staff wrote them when it was published; empty for every other question
    themes: list[str] = msgspec.field(default_factory=list)


class PublicationSummary(msgspec.Struct):
    round_id: int
    #: in the questionnaire's default language
    title: str
    questionnaire: str
    questionnaire_id: int
    version: int
    published_at: datetime
    #: the title in every language it was given in, {language: title}
    titles: dict[str, str] = {}


class PublicationDetail(msgspec.Struct):
    round_id: int
    title: str
    #: corrections are new versions; this is the latest
    version: int
    min_group_size: int
    published_at: datetime | None
    responding: list[GroupFigures]
    questions: list[QuestionResult]
    own_answers: dict[str, Any]
    #: the title in every language it was given in, {language: title}
    titles: dict[str, str] = {}


def group_figures(items: Iterable[DisclosedGroup]) -> list[GroupFigures]:
    return [GroupFigures(g.key[0], g.key[1], g.withheld, g.n, dict(g.figures)) for g in items]


def publication_detail(
    disclosed: DisclosedRound,
    title: str,
    published_at: datetime | None,
    own_answers: dict[str, Any],
    titles: dict[str, str] | None = None,
) -> PublicationDetail:
    return PublicationDetail(
        round_id=disclosed.round_id,
        title=title,
        version=disclosed.version,
        min_group_size=disclosed.min_group_size,
        published_at=published_at,
        responding=group_figures(disclosed.responses),
        questions=[
            QuestionResult(q.question_id, q.kind, group_figures(q.groups), list(q.themes))
            for q in disclosed.questions.values()
        ],
        own_answers=own_answers,
        titles=titles or {},
    )


class TrendSeries(msgspec.Struct):
    name: str
    values: list[float | None]


class TrendResult(msgspec.Struct):
    question_id: str
    label: str
    measure: str
    rounds: list[str]
    forces: list[int | None]
    series: list[TrendSeries]


class TrendsDetail(msgspec.Struct):
    questionnaire_id: int
    dimension: str
    value: str
    trends: list[TrendResult]


class PublicationRow(msgspec.Struct, frozen=True):
    """One version of a round's publication (its snapshot is read apart, as a `DisclosedRound`)."""

    id: int
    round_id: int = msgspec.field(name="round")
    version: int
    published_at: datetime
    #: the person who published it
    published_by: int | None


class PublicationVersionRow(msgspec.Struct, frozen=True):
    """A published version as staff list them."""

    id: int
    version: int
    published_at: datetime
    min_group_size: int
    #: the name of who published it
    published_by: str | None


class PublishedRound(msgspec.Struct, frozen=True):
    """A published round (its latest version) with its questionnaire."""

    round_id: int = msgspec.field(name="round")
    #: in the questionnaire's default language
    title: str
    #: the title in every language it was given in (`rounds/titles.py`)
    titles: dict[str, str]
    questionnaire: str
    questionnaire_id: int
    published_at: datetime
    version_id: int
    version: int

    def shown_title(self, language: Language, default_language: str) -> Shown:
        """The title in `language`, else in the questionnaire's default language."""
        return shown_title(language, self.titles, self.title, default_language)
