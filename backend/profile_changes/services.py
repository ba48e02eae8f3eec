"""Changes to a force's peer groups: proposed by its force-profile answers, decided by staff.

A force's answers never change its groups directly: otherwise a force could move itself
between groups just before a publication. Each answer that differs from the force's current
attribute becomes a pending change; an administrator approves (the force's attribute
changes) or rejects it. Rounds already opened keep the groups they froze
(`rounds.services.round_groups`); an approved change applies to rounds opened afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import msgspec
from piccolo.query import Select

from backend.audit.services import record
from backend.database import execute
from backend.i18n import N_, SOURCE_LANGUAGE, Language, language_for
from backend.partners.peer_groups import DIMENSIONS, VALUES
from backend.partners.services import current_groups, set_peer_group
from backend.profile_changes.schemas import ProfileChangeRow, ProfileChangeStatus
from backend.profile_changes.tables import ProfileChange
from backend.security.roles import Viewer

#: Taken in the transaction of a proposal (and released at its end).
LOCK_FORCE = "SELECT id FROM force WHERE id = $1 FOR UPDATE"


class DecisionRefused(Exception):
    """A decision that cannot be made: `status_code` (404 unknown, 409 already decided) and
    a message for the person who asked. Nothing was changed."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def proposed_values(answers: Mapping[str, Any]) -> dict[str, str]:
    """The peer-group values a profile response gives: known codes only (anything else is
    not a group a force can be placed in)."""
    return {dim: value for dim in DIMENSIONS if isinstance(value := answers.get(dim), str) and value in VALUES[dim]}


async def propose_changes(force_id: int, round_id: int | None, answers: Mapping[str, Any]) -> list[int]:
    """Record a pending change for every answered value that differs from the force's current
    attribute; return the new changes' ids.

    The newer answer wins: an older pending change for the same dimension is rejected (with
    no decider), also when the newer answer agrees with the current value, since the force
    no longer asks for it.
    """
    proposed = proposed_values(answers)
    if not proposed:
        return []
    created = []
    async with ProfileChange._meta.db.transaction():
        # Serialises proposals and approvals for one force, so "at most one pending change
        # per force and dimension" (a partial unique index) holds without a retry.
        await execute(LOCK_FORCE, force_id)
        current = (await current_groups([force_id])).get(force_id)
        if current is None:
            return []
        for dim, value in proposed.items():
            await _supersede(force_id, dim, round_id)
            if value != current[dim]:
                created.append(await _insert(force_id, round_id, dim, current[dim], value))
    return created


async def _supersede(force_id: int, dimension: str, round_id: int | None) -> None:
    rows = (
        await ProfileChange.update(
            {ProfileChange.status: ProfileChangeStatus.REJECTED, ProfileChange.decided_at: datetime.now(UTC)}
        )
        .where(
            (ProfileChange.force == force_id)
            & (ProfileChange.dimension == dimension)
            & (ProfileChange.status == ProfileChangeStatus.PENDING)
        )
        .returning(ProfileChange.id, ProfileChange.new_value)
    )
    for row in rows:
        await record(
            None,
            "profile_change.superseded",
            f"profile_change:{row['id']}",
            force=force_id,
            dimension=dimension,
            new=row["new_value"],
            by_round=round_id,
        )


async def _insert(force_id: int, round_id: int | None, dimension: str, old: str, new: str) -> int:
    rows = await ProfileChange.insert(
        ProfileChange(force=force_id, round=round_id, dimension=dimension, old_value=old, new_value=new)
    ).returning(ProfileChange.id)
    change_id: int = rows[0]["id"]
    await record(
        None,
        "profile_change.proposed",
        f"profile_change:{change_id}",
        force=force_id,
        round=round_id,
        dimension=dimension,
        old=old,
        new=new,
    )
    return change_id


async def decide(change_id: int, approve: bool, actor: Viewer, language: Language | None = None) -> ProfileChangeRow:
    """Approve (the force's attribute takes the new value) or reject a pending change, and
    write the decision to the audit trail, all in one transaction; return the change.

    Raises DecisionRefused when there is no such change or it was already decided (its
    message in `language`: English unless given).
    """
    status = ProfileChangeStatus.APPROVED if approve else ProfileChangeStatus.REJECTED
    async with ProfileChange._meta.db.transaction():
        # Conditional on `pending`: of two people deciding at once, the second is refused.
        rows = (
            await ProfileChange.update(
                {
                    ProfileChange.status: status,
                    ProfileChange.decided_by: actor.person_id,
                    ProfileChange.decided_at: datetime.now(UTC),
                }
            )
            .where((ProfileChange.id == change_id) & (ProfileChange.status == ProfileChangeStatus.PENDING))
            .returning(
                ProfileChange.force,
                ProfileChange.round,
                ProfileChange.dimension,
                ProfileChange.old_value,
                ProfileChange.new_value,
            )
        )
        if not rows:
            raise await _refusal(change_id, language or language_for(SOURCE_LANGUAGE))
        change = rows[0]
        if approve:
            await set_peer_group(change["force"], change["dimension"], change["new_value"])
        await record(
            actor,
            f"profile_change.{status}",
            f"profile_change:{change_id}",
            force=change["force"],
            round=change["round"],
            dimension=change["dimension"],
            old=change["old_value"],
            new=change["new_value"],
        )
    found = await get_change(change_id)
    assert found is not None
    return found


#: Why a change cannot be decided again, by the decision it already has.
_ALREADY = {
    ProfileChangeStatus.APPROVED: N_("This change was already approved; nothing was changed."),
    ProfileChangeStatus.REJECTED: N_("This change was already rejected; nothing was changed."),
}


async def _refusal(change_id: int, words: Language) -> DecisionRefused:
    row = await ProfileChange.select(ProfileChange.status).where(ProfileChange.id == change_id).first()
    if row is None:
        return DecisionRefused(404, words.gettext("There is no profile change %(id)d.", id=change_id))
    already = _ALREADY.get(row["status"], N_("This change was already decided; nothing was changed."))
    return DecisionRefused(409, words.gettext(already))


def _query() -> Select:
    return ProfileChange.select(
        *ProfileChange.all_columns(),
        ProfileChange.force.name.as_alias("force_name"),
        ProfileChange.round.title.as_alias("round_title"),
        ProfileChange.decided_by.name.as_alias("decided_by_name"),
    )


async def list_changes(
    status: ProfileChangeStatus = ProfileChangeStatus.PENDING, limit: int = 500
) -> list[ProfileChangeRow]:
    """Changes with `status`, pending ones oldest first (the order to review them in),
    decided ones latest decision first; with the force's name, the round's title and who
    decided."""
    if status not in set(ProfileChangeStatus):
        raise ValueError(f"status: unknown status {status!r}")
    query = _query().where(ProfileChange.status == status)
    if status == ProfileChangeStatus.PENDING:
        rows = await query.order_by(ProfileChange.id).limit(limit)
    else:
        rows = await query.order_by(ProfileChange.decided_at, ProfileChange.id, ascending=False).limit(limit)
    return msgspec.convert(rows, list[ProfileChangeRow])


async def recent_decisions(limit: int = 20) -> list[ProfileChangeRow]:
    """The latest approved or rejected changes, latest first (no decider: a newer answer
    replaced it)."""
    rows = (
        await _query()
        .where(ProfileChange.status != ProfileChangeStatus.PENDING)
        .order_by(ProfileChange.decided_at, ProfileChange.id, ascending=False)
        .limit(limit)
    )
    return msgspec.convert(rows, list[ProfileChangeRow])


async def get_change(change_id: int) -> ProfileChangeRow | None:
    row = await _query().where(ProfileChange.id == change_id).first()
    return None if row is None else msgspec.convert(row, ProfileChangeRow)


async def count_pending() -> int:
    return await ProfileChange.count().where(ProfileChange.status == ProfileChangeStatus.PENDING)


async def change_by_staff(force_id: int, values: Mapping[str, str], actor: Viewer, source: str) -> list[int]:
    """Staff set a force's peer groups (its edit page, its API route, a registry import): the
    same path as a reviewed change, decided at once by the administrator who made it. Each
    value that differs from the force's current one becomes a `profile_change` approved by
    `actor`, applied to the force (rounds already opened keep the groups they froze) and
    audited as `profile_change.approved` with `source`; a pending change for that dimension is
    superseded. Runs in the caller's transaction when there is one. Returns the changes' ids."""
    for dim, value in values.items():
        if value not in VALUES.get(dim, {}):
            raise ValueError(f"{dim}: unknown value {value!r}")
    made = []
    async with ProfileChange._meta.db.transaction():
        await execute(LOCK_FORCE, force_id)
        current = (await current_groups([force_id])).get(force_id)
        if current is None:
            raise ValueError(f"no force {force_id}")
        for dim, value in values.items():
            if value == current[dim]:
                continue
            await _supersede(force_id, dim, None)
            rows = await ProfileChange.insert(
                ProfileChange(
                    force=force_id,
                    round=None,
                    dimension=dim,
                    old_value=current[dim],
                    new_value=value,
                    status=ProfileChangeStatus.APPROVED,
                    decided_by=actor.person_id,
                    decided_at=datetime.now(UTC),
                )
            ).returning(ProfileChange.id)
            change_id: int = rows[0]["id"]
            await set_peer_group(force_id, dim, value)
            await record(
                actor,
                "profile_change.approved",
                f"profile_change:{change_id}",
                force=force_id,
                round=None,
                dimension=dim,
                old=current[dim],
                new=value,
                source=source,
            )
            made.append(change_id)
    return made
