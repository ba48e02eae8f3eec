"""The previous published round of the same questionnaire, for the dashboard's "what changed"
(`summary.changes`): its published snapshot (what partners see of it: audited together with
this round), the viewer's force's answers in it, and which questions can be compared."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from backend.database import fetchrow
from backend.publication.disclosure import DisclosedRound
from backend.publication.services import partner_round
from backend.surveys import diff_surveys
from backend.surveys.services import load_version


@dataclass(frozen=True)
class PreviousRound:
    disclosed: DisclosedRound
    own: dict[str, Any]
    #: the questions published in both rounds and comparable from one to the other
    comparable: frozenset[str]


#: Comparable questions by (earlier version, later version, questions in both): versions never change.
_COMPARABLE: OrderedDict[tuple[int, int, frozenset[str]], frozenset[str]] = OrderedDict()
MAX_CACHED = 32


async def _comparable(before: int, after: int, questions: frozenset[str]) -> frozenset[str]:
    key = (before, after, questions)
    found = _COMPARABLE.get(key)
    if found is None:
        diff = diff_surveys(await load_version(before), await load_version(after))
        found = frozenset(q for q in questions if (c := diff.question(q)) is None or c.comparable)
        _COMPARABLE[key] = found
        while len(_COMPARABLE) > MAX_CACHED:
            _COMPARABLE.popitem(last=False)
    return found


#: The latest published round of the same questionnaire before round $1, with both rounds'
#: questionnaire versions (rounds are in the order they were created, as in the trends).
PREVIOUS = """
SELECT b.id AS round, b.version AS before_version, r.version AS after_version
FROM round r JOIN questionnaire_version v ON v.id = r.version
JOIN round b ON b.id < r.id JOIN questionnaire_version bv ON bv.id = b.version AND bv.questionnaire = v.questionnaire
WHERE r.id = $1 AND EXISTS (SELECT 1 FROM publication p WHERE p.round = b.id)
ORDER BY b.id DESC LIMIT 1"""


async def previous_round(round_id: int, disclosed: DisclosedRound, force_id: int | None) -> PreviousRound | None:
    """The latest published round of the same questionnaire before `round_id` (None: none), in
    two statements (its snapshot is read once per process)."""
    row = await fetchrow(PREVIOUS, round_id)
    if row is None:
        return None
    found = await partner_round(row["round"], force_id)
    if found is None:
        return None
    both = frozenset(disclosed.questions) & frozenset(found.disclosed.questions)
    comparable = await _comparable(row["before_version"], row["after_version"], both)
    return PreviousRound(found.disclosed, found.own, comparable)
