"""What the round dashboard leads with, for the page and the JSON API alike: the viewer's force's
findings in the chosen group (`summary.summarise`) and what changed since the previous published
round of the questionnaire (`summary.changes`, with `previous.previous_round`). Only from the
published snapshots and the viewer's force's own answers; nothing for staff (no own answers).

Both are worked out once per process for what they depend on and kept (`_KEPT`): a summary is
some 1.5 ms of Python per request otherwise, the largest part of the dashboard's time (see
docs/performance.md). The key names everything the findings are made of: the publication
(immutable: a correction is a new version, so a new key), the previous round's publication (read
at every request: a correction of it changes the key at once, in every worker), the group, the
language, the viewer's force and its answers in both rounds. The force is in the key on purpose,
even where two forces' answers are alike: findings are never shared between forces."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import msgspec

from backend.i18n import Language
from backend.publication.dashboard import SectionPanels
from backend.publication.deps import Published
from backend.publication.previous import PreviousRound, previous_round
from backend.publication.services import publication_key
from backend.publication.summary import SummaryItem, changes, summarise


@dataclass(frozen=True)
class Highlights:
    summary: list[SummaryItem]
    changed: list[SummaryItem]


async def highlights(
    published: Published, sections: list[SectionPanels], group: tuple[str, str], language: Language
) -> Highlights:
    """The findings of the round's page `sections` (already built for `group` and `language`)."""
    if not published.own:
        return Highlights([], [])
    force_id = published.force.id if published.force else None
    before = await previous_round(published.round.id, published.disclosed, force_id)
    return found_with(published, sections, group, language, before)


def found_with(
    published: Published,
    sections: list[SectionPanels],
    group: tuple[str, str],
    language: Language,
    before: PreviousRound | None,
) -> Highlights:
    """As `highlights`, with the previous round already read at this request (`before`, from
    `previous.previous_round`: the dashboard reads it once for its page's key too)."""
    own = published.own
    if not own:
        return Highlights([], [])
    force_id = published.force.id if published.force else None
    key: Hashable = (
        publication_key(published.publication),
        group,
        language.code,
        force_id,
        answers_key(own),
        answers_key(getattr(published, "own_themes", None) or {}),
        None if before is None else (before.publication, answers_key(before.own), before.comparable),
    )
    found = _KEPT.get(key)
    if found is not None:
        _KEPT.move_to_end(key)
        return found
    summary = summarise(sections, published.disclosed, group, own, language)
    moved = (
        []
        if before is None
        else changes(
            sections, published.disclosed, group, own, language, before.disclosed, before.own, before.comparable
        )
    )
    found = _KEPT[key] = Highlights(summary, moved)
    while len(_KEPT) > MAX_KEPT:
        _KEPT.popitem(last=False)
    return found


#: Findings by everything they depend on (see the module's docstring); least recently used
#: first out: a few hundred forces × groups × languages, some kilobytes each.
_KEPT: OrderedDict[Hashable, Highlights] = OrderedDict()
MAX_KEPT = 1024


def answers_key(answers: dict[str, Any]) -> bytes:
    """Answers as part of a key: the same answers give the same bytes (keys sorted)."""
    return msgspec.json.encode(answers, order="sorted", enc_hook=str)


def forget() -> None:
    """Forget every kept finding (tests)."""
    _KEPT.clear()


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
