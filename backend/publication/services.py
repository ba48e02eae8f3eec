"""Publishing a round (aggregate → disclose → immutable snapshot) and reading it back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from backend.analysis.aggregates import aggregate_round
from backend.audit.services import record
from backend.publication.disclosure import DisclosedRound, disclose
from backend.publication.tables import Publication
from backend.rounds.services import get_round, set_status
from backend.rounds.tables import Round
from backend.security.roles import Viewer
from backend.surveys.services import load_version


class PublishRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def publish(round_id: int, actor: Viewer) -> DisclosedRound:
    """Freeze the round's disclosure-controlled results. Closes the round if still open."""
    round_row = await get_round(round_id)
    if round_row is None:
        raise PublishRefused("No such round.")
    if round_row["status"] == "published":
        raise PublishRefused("This round has already been published.")
    survey = await load_version(round_row["version"])
    raw = await aggregate_round(round_id, survey)
    submitted = raw.responses.get(("all", "all"), 0)
    if submitted == 0:
        raise PublishRefused("No force has submitted answers yet: there is nothing to publish.")
    published_ids = {q.id for q in survey.questions() if q.published}
    disclosed = disclose(raw, round_row["min_group_size"], published_ids)
    async with Publication._meta.db.transaction():
        rows = await Round.raw(
            "UPDATE round SET status = 'published' WHERE id = {} AND status <> 'published' RETURNING id",
            round_id,
        )
        if not rows:
            raise PublishRefused("This round has already been published.")
        await Publication.insert(
            Publication(
                round=round_id,
                published_by=actor.person_id,
                min_group_size=disclosed.min_group_size,
                snapshot=json.dumps(disclosed.to_snapshot()),
            )
        )
    await record(
        actor, "round.published", f"round:{round_id}", submitted=submitted, min_group_size=disclosed.min_group_size
    )
    return disclosed


async def get_publication(round_id: int) -> tuple[dict[str, Any], DisclosedRound] | None:
    row = await Publication.select().where(Publication.round == round_id).first()
    if row is None:
        return None
    snapshot = row["snapshot"]
    data = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
    return row, DisclosedRound.from_snapshot(data)


@dataclass(frozen=True)
class PublishedRound:
    round_id: int
    title: str
    questionnaire: str
    published_at: Any
    version_id: int


async def published_rounds() -> list[PublishedRound]:
    rows = await Publication.raw(
        "SELECT p.round, p.published_at, r.title, r.version, q.title AS questionnaire "
        "FROM publication p JOIN round r ON r.id = p.round JOIN questionnaire_version v ON v.id = r.version "
        "JOIN questionnaire q ON q.id = v.questionnaire ORDER BY p.published_at DESC"
    )
    return [PublishedRound(r["round"], r["title"], r["questionnaire"], r["published_at"], r["version"]) for r in rows]


async def close_round(round_id: int, actor: Viewer) -> None:
    await set_status(round_id, "closed")
    await record(actor, "round.closed", f"round:{round_id}")
