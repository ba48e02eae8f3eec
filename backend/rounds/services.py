"""Rounds and invitations: opening a round for chosen forces, personal links, closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.partners.peer_groups import DIMENSIONS
from backend.partners.services import current_groups, respondents_at
from backend.rounds.tables import Invitation, Round, RoundForce
from backend.security.roles import Viewer
from backend.security.tokens import derive_token, hash_token, new_nonce, same_hash

INVITATION_PURPOSE = "invitation"
#: How long links stay usable after a round's closing date (to read back, or late answers
#: once staff reopen); links of rounds with no closing date last this long from creation.
LINK_GRACE = timedelta(days=60)
#: The latest closing date a new round may have, from today: generous, but it keeps the
#: links' expiry (closing date + LINK_GRACE) within the calendar Python can compute.
LONGEST_ROUND = timedelta(days=100 * 365)


class RoundInputError(ValueError):
    """Bad input for a round: `field` names the form field, the message says what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class NewRound:
    title: str
    version_id: int
    force_ids: list[int]
    min_group_size: int
    closes_at: datetime | None


def check_new_round(data: NewRound, min_floor: int, known_forces: set[int], now: datetime) -> list[RoundInputError]:
    errors = []
    if not data.title.strip():
        errors.append(RoundInputError("title", "Enter a title for the round."))
    elif len(data.title) > 300:
        errors.append(RoundInputError("title", "Use 300 characters or fewer for the title."))
    if not data.force_ids:
        errors.append(RoundInputError("forces", "Choose at least one force to invite."))
    elif not set(data.force_ids) <= known_forces:
        errors.append(RoundInputError("forces", "One of the chosen forces does not exist."))
    if data.min_group_size < min_floor:
        errors.append(
            RoundInputError(
                "min_group_size",
                f"The minimum group size must be at least {min_floor}, so that a force "
                "subtracting its own answer still faces at least two others.",
            )
        )
    elif data.min_group_size > 100:
        errors.append(RoundInputError("min_group_size", "The minimum group size must be 100 or less."))
    if data.closes_at is not None and data.closes_at <= now:
        errors.append(RoundInputError("closes_at", "The closing date must be in the future."))
    elif data.closes_at is not None and data.closes_at > now + LONGEST_ROUND:
        errors.append(RoundInputError("closes_at", "The closing date must be within the next hundred years."))
    return errors


def invitation_token(secret_key: str, nonce: str) -> str:
    return derive_token(secret_key, INVITATION_PURPOSE, nonce)


def invitation_url(base_url: str, secret_key: str, nonce: str) -> str:
    return f"{base_url.rstrip('/')}/r/{invitation_token(secret_key, nonce)}"


async def open_round(data: NewRound, secret_key: str, creator: Viewer | None) -> tuple[int, int]:
    """Create an open round with an invitation for every respondent at the chosen forces, and
    freeze the chosen forces' peer groups for it; returns (round id, invitations made)."""
    now = datetime.now(UTC)
    async with Round._meta.db.transaction():
        rows = await Round.insert(
            Round(
                title=data.title.strip(),
                version=data.version_id,
                status="open",
                opens_at=now,
                closes_at=data.closes_at,
                min_group_size=data.min_group_size,
                created_by=creator.person_id if creator else None,
            )
        ).returning(Round.id)
        round_id: int = rows[0]["id"]
        await _freeze_groups(round_id, data.force_ids)
        people = await respondents_at(data.force_ids)
        expires = (data.closes_at or now) + LINK_GRACE
        invitations = []
        for person in people:
            nonce = new_nonce()
            invitations.append(
                Invitation(
                    round=round_id,
                    person=person["id"],
                    force=person["force"],
                    nonce=nonce,
                    token_hash=hash_token(invitation_token(secret_key, nonce)),
                    expires_at=expires,
                )
            )
        if invitations:
            await Invitation.insert(*invitations)
    return round_id, len(invitations)


async def _freeze_groups(round_id: int, force_ids: list[int]) -> None:
    """One `round_force` row per chosen force (with respondents or not): the round's results
    are grouped by these values, so a force cannot change its groups once the round is open."""
    groups = await current_groups(force_ids)
    if groups:
        await RoundForce.insert(
            *(RoundForce(round=round_id, force=force_id, **values) for force_id, values in groups.items())
        )


async def round_groups(round_id: int) -> dict[int, dict[str, str]]:
    """The peer groups of each force in a round, as frozen when it opened:
    force id → {"region": …, "force_type": …, "size_band": …}."""
    rows = await RoundForce.select(RoundForce.force, *(getattr(RoundForce, d) for d in DIMENSIONS)).where(
        RoundForce.round == round_id
    )
    return {r["force"]: {d: r[d] for d in DIMENSIONS} for r in rows}


async def list_rounds() -> list[dict[str, Any]]:
    return await Round.raw(
        "SELECT r.id, r.title, r.status, r.opens_at, r.closes_at, r.min_group_size, r.created_at, "
        "v.version_label, q.title AS questionnaire, q.slug, "
        "(SELECT count(DISTINCT i.force) FROM invitation i WHERE i.round = r.id) AS forces_invited, "
        "(SELECT count(*) FROM response x WHERE x.round = r.id AND x.status = 'submitted') AS submitted, "
        "(SELECT count(*) FROM response x WHERE x.round = r.id AND x.status = 'draft') AS drafts "
        "FROM round r JOIN questionnaire_version v ON v.id = r.version "
        "JOIN questionnaire q ON q.id = v.questionnaire ORDER BY r.id DESC"
    )


async def get_round(round_id: int) -> dict[str, Any] | None:
    return await Round.select().where(Round.id == round_id).first()


async def round_invitations(round_id: int) -> list[dict[str, Any]]:
    return await Invitation.raw(
        "SELECT i.id, i.nonce, i.first_opened_at, i.last_opened_at, i.revoked_at, i.expires_at, "
        "p.name AS person_name, p.email, f.id AS force_id, f.name AS force_name, "
        "coalesce(x.status, 'not started') AS response_status, x.submitted_at "
        "FROM invitation i JOIN person p ON p.id = i.person JOIN force f ON f.id = i.force "
        "LEFT JOIN response x ON x.round = i.round AND x.force = i.force "
        "WHERE i.round = {} ORDER BY f.name, p.name",
        round_id,
    )


@dataclass(frozen=True)
class OpenedInvitation:
    invitation_id: int
    round_id: int
    person_id: int
    force_id: int
    #: The link's identity (its token's hash), kept in the session and checked on every
    #: respondent request: a new link or a revocation ends sessions opened with the old one.
    link_hash: str


#: One answer for every unusable link (unknown, mistyped, replaced, revoked or expired): the
#: page must not tell someone trying links which ones exist or once existed.
LINK_REFUSED = (
    "This link is not valid: it may be incomplete, replaced by a newer link, or expired. "
    "Ask the project team for a new one."
)


class InvitationRefused(Exception):
    """The link cannot be used; `reason` is shown to the respondent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def peek_invitation(token: str) -> dict[str, Any]:
    """What a link's start page shows, without recording anything."""
    digest = hash_token(token)
    rows = await Invitation.raw(
        "SELECT i.id, i.token_hash, i.revoked_at, i.expires_at, r.title AS round_title, r.status AS round_status, "
        "r.closes_at, r.version, f.name AS force_name, p.name AS person_name, p.language "
        "FROM invitation i JOIN round r ON r.id = i.round JOIN force f ON f.id = i.force "
        "JOIN person p ON p.id = i.person WHERE i.token_hash = {}",
        digest,
    )
    _refuse_unless_usable(rows[0] if rows else None, digest)
    return rows[0]


def _refuse_unless_usable(row: dict[str, Any] | None, digest: str) -> None:
    if (
        row is None
        or not same_hash(row["token_hash"], digest)
        or row["revoked_at"] is not None
        or row["expires_at"] <= datetime.now(UTC)
    ):
        raise InvitationRefused(LINK_REFUSED)


async def open_invitation(token: str) -> OpenedInvitation:
    """The invitation a link's token belongs to, if it may still be used."""
    digest = hash_token(token)
    row = (
        await Invitation.select(
            Invitation.id,
            Invitation.token_hash,
            Invitation.round,
            Invitation.person,
            Invitation.force,
            Invitation.revoked_at,
            Invitation.expires_at,
            Invitation.round.status,
        )
        .where(Invitation.token_hash == digest)
        .first()
    )
    _refuse_unless_usable(row, digest)
    assert row is not None
    now = datetime.now(UTC)
    await Invitation.raw(
        "UPDATE invitation SET first_opened_at = coalesce(first_opened_at, {}), last_opened_at = {} WHERE id = {}",
        now,
        now,
        row["id"],
    )
    return OpenedInvitation(row["id"], row["round"], row["person"], row["force"], digest)


async def invitation_context(invitation_id: int, link_hash: str) -> dict[str, Any] | None:
    """What a respondent page needs to know about its invitation: None when the link the
    session was opened with (`link_hash`) was replaced, revoked or has expired."""
    rows = await Invitation.raw(
        "SELECT i.id, i.round, i.person, i.force, r.status AS round_status, r.title AS round_title, "
        "r.closes_at, r.version, f.name AS force_name, p.name AS person_name, p.language "
        "FROM invitation i JOIN round r ON r.id = i.round JOIN force f ON f.id = i.force "
        "JOIN person p ON p.id = i.person "
        "WHERE i.id = {} AND i.token_hash = {} AND i.revoked_at IS NULL AND i.expires_at > now()",
        invitation_id,
        link_hash,
    )
    return rows[0] if rows else None


async def set_status(round_id: int, status: str) -> None:
    await Round.update({Round.status: status}).where(Round.id == round_id)


async def replace_invitation(invitation_id: int, secret_key: str) -> None:
    """Give an invitation a new link; the old one stops working."""
    nonce = new_nonce()
    await Invitation.update(
        {
            Invitation.nonce: nonce,
            Invitation.token_hash: hash_token(invitation_token(secret_key, nonce)),
        }
    ).where(Invitation.id == invitation_id)
