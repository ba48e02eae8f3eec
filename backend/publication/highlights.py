"""What the round dashboard leads with, for the page and the JSON API alike: the viewer's force's
findings in the chosen group (`summary.summarise`) and what changed since the previous published
round of the questionnaire (`summary.changes`, with `previous.previous_round`). Only from the
published snapshots and the viewer's force's own answers; nothing for staff (no own answers)."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from backend.i18n import Language
from backend.publication.dashboard import SectionPanels
from backend.publication.deps import Published
from backend.publication.previous import previous_round
from backend.publication.summary import SummaryItem, changes, summarise


@dataclass(frozen=True)
class Highlights:
    summary: list[SummaryItem]
    changed: list[SummaryItem]


async def highlights(
    published: Published, sections: list[SectionPanels], group: tuple[str, str], language: Language
) -> Highlights:
    """The findings of the round's page `sections` (already built for `group` and `language`)."""
    own = published.own
    if not own:
        return Highlights([], [])
    found = summarise(sections, published.disclosed, group, own, language)
    force_id = published.force.id if published.force else None
    before = await previous_round(published.round.id, published.disclosed, force_id)
    if before is None:
        return Highlights(found, [])
    moved = changes(
        sections, published.disclosed, group, own, language, before.disclosed, before.own, before.comparable
    )
    return Highlights(found, moved)


class SummaryPoint(msgspec.Struct):
    question_id: str
    #: "minority", "outside" or "changed"
    kind: str
    text: str
    #: the id of the question's chart on the round's page (`/dashboard/rounds/{id}#{anchor}`)
    anchor: str


class SummaryDetail(msgspec.Struct):
    dimension: str
    value: str
    points: list[SummaryPoint]
    changed: list[SummaryPoint]


def summary_detail(found: Highlights, group: tuple[str, str]) -> SummaryDetail:
    def points(items: list[SummaryItem]) -> list[SummaryPoint]:
        return [SummaryPoint(i.question_id, i.kind, i.text, i.anchor) for i in items]

    return SummaryDetail(group[0], group[1], points(found.summary), points(found.changed))
