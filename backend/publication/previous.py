"""The previous published round of the same questionnaire, for the dashboard's "what changed"
(`summary.changes`): its published snapshot (what partners see of it: audited together with
this round), the viewer's force's answers in it, and which questions can be compared."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import msgspec

from backend.database import fetchrow, json_value
from backend.publication.disclosure import DisclosedRound
from backend.publication.schemas import PublicationRow
from backend.publication.services import _snapshot as snapshot
from backend.publication.services import publication_key
from backend.surveys import diff_surveys
from backend.surveys.services import load_version


@dataclass(frozen=True)
class PreviousRound:
    disclosed: DisclosedRound
    own: dict[str, Any]
    #: the questions published in both rounds and comparable from one to the other
    comparable: frozenset[str]
    #: names the previous round's publication as read (`services.publication_key`): a
    #: correction of it is a new key (for what is kept from it: `highlights`)
    publication: Hashable = None


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


#: The latest published round of the same questionnaire before round $1 (rounds are in the order
#: they were created, as in the trends), with both rounds' questionnaire versions, that round's
#: latest publication and the submitted answers of force $2 (NULL: none) in it: one statement.
PREVIOUS = """
SELECT b.version AS before_version, r.version AS after_version,
       p.id, p.round, p.version, p.published_at, p.published_by, s.answers AS own
FROM round r JOIN questionnaire_version v ON v.id = r.version
JOIN round b ON b.id < r.id
JOIN questionnaire_version bv ON bv.id = b.version AND bv.questionnaire = v.questionnaire
JOIN LATERAL (
    SELECT p2.id, p2.round, p2.version, p2.published_at, p2.published_by FROM publication p2
    WHERE p2.round = b.id ORDER BY p2.version DESC LIMIT 1
) p ON true
LEFT JOIN response s ON s.round = b.id AND s.force = $2 AND s.status = 'submitted'
WHERE r.id = $1
ORDER BY b.id DESC LIMIT 1"""


async def previous_round(round_id: int, disclosed: DisclosedRound, force_id: int | None) -> PreviousRound | None:
    """The latest published round of the same questionnaire before `round_id` (None: none), in
    one statement (its snapshot is read once per process)."""
    row = await fetchrow(PREVIOUS, round_id, force_id)
    if row is None:
        return None
    publication = msgspec.convert(
        {k: row[k] for k in ("id", "round", "version", "published_at", "published_by")}, PublicationRow
    )
    before = await snapshot(publication)
    own = json_value(row["own"]) if row["own"] is not None else {}
    both = frozenset(disclosed.questions) & frozenset(before.questions)
    comparable = await _comparable(row["before_version"], row["after_version"], both)
    return PreviousRound(before, own, comparable, publication_key(publication))
