"""Rounds and invitations: opening a round for chosen forces, personal links, closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import msgspec

from backend.analysis.aggregates import aggregate_round
from backend.analysis.summary import summarise
from backend.audit.services import record
from backend.database import execute, fetch, fetchrow
from backend.partners.peer_groups import DIMENSIONS
from backend.partners.services import current_groups, list_forces, respondents_at
from backend.publication.disclosure import MIN_GROUP_SIZE_FLOOR
from backend.responses.schemas import ResponseRow
from backend.responses.services import response_counts, response_from_json, text_answers
from backend.rounds.schemas import (
    InvitationContext,
    InvitationRow,
    LinkedInvitation,
    OpenedInvitation,
    RoundListing,
    RoundOverview,
    RoundRow,
    RoundStatus,
)
from backend.rounds.tables import Invitation, Round, RoundForce
from backend.security.roles import Viewer
from backend.security.tokens import derive_token, hash_token, new_nonce, same_hash
from backend.surveys import FREE_TEXT_TYPES, Survey, incomplete_message
from backend.surveys.services import list_versions, load_version

INVITATION_PURPOSE = "invitation"
#: How long links stay usable after a round's closing date (to read back, or late answers
#: once staff reopen); links of rounds with no closing date last this long from creation.
LINK_GRACE = timedelta(days=60)
#: The latest closing date a new round may have, from today: generous, but it keeps the
#: links' expiry (closing date + LINK_GRACE) within the calendar Python can compute.
LONGEST_ROUND = timedelta(days=100 * 365)

LIST_ROUNDS = """
SELECT r.id, r.title, r.status, r.opens_at, r.closes_at, r.min_group_size, r.created_at,
       v.version_label, q.title AS questionnaire, q.slug,
       (SELECT count(DISTINCT i.force) FROM invitation i WHERE i.round = r.id) AS forces_invited,
       (SELECT count(*) FROM response x WHERE x.round = r.id AND x.status = 'submitted') AS submitted,
       (SELECT count(*) FROM response x WHERE x.round = r.id AND x.status = 'draft') AS drafts
FROM round r JOIN questionnaire_version v ON v.id = r.version JOIN questionnaire q ON q.id = v.questionnaire
ORDER BY r.id DESC"""

#: The latest open round of a questionnaire (by its slug).
LATEST_OPEN_ROUND = """
SELECT r.id FROM round r JOIN questionnaire_version v ON v.id = r.version
JOIN questionnaire q ON q.id = v.questionnaire
WHERE r.status = 'open' AND q.slug = $1 ORDER BY r.id DESC LIMIT 1"""

ROUND_INVITATIONS = """
SELECT i.id, i.nonce, i.first_opened_at, i.last_opened_at, i.revoked_at, i.expires_at,
       p.name AS person_name, p.email, f.id AS force_id, f.name AS force_name,
       x.status AS response_status, x.submitted_at
FROM invitation i JOIN person p ON p.id = i.person JOIN force f ON f.id = i.force
LEFT JOIN response x ON x.round = i.round AND x.force = i.force
WHERE i.round = $1 ORDER BY f.name, p.name"""

#: An invitation as `InvitationContext`, with what decides whether its link may be used.
_INVITATION_COLUMNS = """
SELECT i.id, i.round AS round_id, i.person AS person_id, i.force AS force_id, r.version AS version_id,
       r.status AS round_status, r.title AS round_title, r.closes_at, f.name AS force_name,
       p.name AS person_name, p.language, i.token_hash, i.revoked_at, i.expires_at"""
_INVITATION_FROM = """
FROM invitation i JOIN round r ON r.id = i.round JOIN force f ON f.id = i.force JOIN person p ON p.id = i.person"""
_INVITATION = _INVITATION_COLUMNS + _INVITATION_FROM
INVITATION_BY_TOKEN = _INVITATION + " WHERE i.token_hash = $1"
#: Only while the link the session was opened with (its hash, $2) is still the invitation's
#: and usable.
_USABLE_LINK = " WHERE i.id = $1 AND i.token_hash = $2 AND i.revoked_at IS NULL AND i.expires_at > now()"
INVITATION_CONTEXT = _INVITATION + _USABLE_LINK
#: What every respondent request reads, in one query: the invitation and its round as
#: INVITATION_CONTEXT, and the force's response in the round as JSON (NULL before the first
#: page has created it).
RESPONDENT_CONTEXT = (
    _INVITATION_COLUMNS
    + ", to_jsonb(x) AS response"
    + _INVITATION_FROM
    + " LEFT JOIN response x ON x.round = i.round AND x.force = i.force"
    + _USABLE_LINK
)
MARK_OPENED = """
UPDATE invitation SET first_opened_at = coalesce(first_opened_at, $2), last_opened_at = $2 WHERE id = $1"""


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


def check_new_round(
    data: NewRound, min_floor: int, known_forces: set[int], now: datetime, survey: Survey | None = None
) -> list[RoundInputError]:
    """Every problem with a new round; `survey` (the chosen version) must be fully translated."""
    errors = []
    if survey is not None and (incomplete := incomplete_message(survey)):
        errors.append(RoundInputError("version", incomplete))
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
        errors.append(RoundInputError("closes_on", "The closing date must be in the future."))
    elif data.closes_at is not None and data.closes_at > now + LONGEST_ROUND:
        errors.append(RoundInputError("closes_on", "The closing date must be within the next hundred years."))
    return errors


def closing_time(day: date) -> datetime:
    """A round closing on `day` takes answers until the end of that day (23:59 UTC)."""
    return datetime.combine(day, time(23, 59), tzinfo=UTC)


async def new_round_problems(data: NewRound, min_group_size_floor: int) -> list[RoundInputError]:
    """Every problem with a new round, against what is stored now (the page and the API check
    the same way): a stored, fully translated version; known forces; a minimum group size of at
    least the configured floor (`MIN_GROUP_SIZE_FLOOR` at the least)."""
    problems = []
    survey = None
    if data.version_id in {v.id for v in await list_versions()}:
        survey = await load_version(data.version_id)
    else:
        problems.append(RoundInputError("version", "Choose a questionnaire version."))
    known = {f.id for f in await list_forces()}
    floor = max(min_group_size_floor, MIN_GROUP_SIZE_FLOOR)
    return problems + check_new_round(data, floor, known, datetime.now(UTC), survey)


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
                status=RoundStatus.OPEN,
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
                    person=person.id,
                    force=person.force_id,
                    nonce=nonce,
                    token_hash=hash_token(invitation_token(secret_key, nonce)),
                    expires_at=expires,
                )
            )
        if invitations:
            await Invitation.insert(*invitations)
    return round_id, len(invitations)


async def start_round(data: NewRound, secret_key: str, actor: Viewer) -> tuple[int, int]:
    """`open_round` for a person, written to the audit trail (the page and the API); returns
    (round id, invitations made)."""
    round_id, invited = await open_round(data, secret_key, actor)
    await record(actor, "round.opened", f"round:{round_id}", forces=data.force_ids, invitations=invited)
    return round_id, invited


async def _freeze_groups(round_id: int, force_ids: list[int]) -> None:
    """One `round_force` row per chosen force (with respondents or not): the round's results
    are grouped by these values, so a force cannot change its groups once the round is open."""
    groups = await current_groups(force_ids)
    if groups:
        await RoundForce.insert(
            *(
                RoundForce(
                    round=round_id,
                    force=force_id,
                    region=values["region"],
                    force_type=values["force_type"],
                    size_band=values["size_band"],
                )
                for force_id, values in groups.items()
            )
        )


async def round_groups(round_id: int) -> dict[int, dict[str, str]]:
    """The peer groups of each force in a round, as frozen when it opened:
    force id → {"region": …, "force_type": …, "size_band": …}."""
    rows = await RoundForce.select(RoundForce.force, *(getattr(RoundForce, d) for d in DIMENSIONS)).where(
        RoundForce.round == round_id
    )
    return {r["force"]: {d: r[d] for d in DIMENSIONS} for r in rows}


async def list_rounds() -> list[RoundListing]:
    return msgspec.convert(await fetch(LIST_ROUNDS), list[RoundListing])


async def get_round(round_id: int) -> RoundRow | None:
    row = await Round.select().where(Round.id == round_id).first()
    return None if row is None else msgspec.convert(row, RoundRow)


async def latest_open_round(questionnaire_slug: str) -> int | None:
    """The id of the newest open round of a questionnaire, if any."""
    row = await fetchrow(LATEST_OPEN_ROUND, questionnaire_slug)
    return None if row is None else int(row["id"])


async def round_invitations(round_id: int) -> list[InvitationRow]:
    return msgspec.convert(await fetch(ROUND_INVITATIONS, round_id), list[InvitationRow])


async def linked_invitations(round_id: int, base_url: str, secret_key: str) -> list[LinkedInvitation]:
    """A round's invitations, each with its personal link (empty for an unknown round)."""
    return [
        LinkedInvitation(**msgspec.structs.asdict(inv), link=invitation_url(base_url, secret_key, inv.nonce))
        for inv in await round_invitations(round_id)
    ]


async def round_overview(round_id: int, base_url: str, secret_key: str) -> RoundOverview | None:
    """What staff see of a round: who is invited (with their personal links), response counts,
    a summary per question and the published versions; None when there is no such round."""
    # Publishing builds on rounds (its services read them), so it is imported here, not above.
    from backend.publication.services import publication_versions

    found = await get_round(round_id)
    if found is None:
        return None
    survey = await load_version(found.version_id)
    invitations = await linked_invitations(round_id, base_url, secret_key)
    raw = await aggregate_round(round_id, survey)
    text_ids = [q.id for q in survey.questions() if q.type in FREE_TEXT_TYPES]
    return RoundOverview(
        round=found,
        survey=survey,
        invitations=invitations,
        forces_invited=len({inv.force_id for inv in invitations}),
        counts=await response_counts(round_id),
        summary=summarise(survey, raw, await text_answers(round_id, text_ids)),
        versions=await publication_versions(round_id),
    )


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


async def _usable_invitation(token: str) -> tuple[InvitationContext, str]:
    """The invitation of a link's token and the token's hash; InvitationRefused unless the
    link may be used."""
    digest = hash_token(token)
    row = await fetchrow(INVITATION_BY_TOKEN, digest)
    if (
        row is None
        or not same_hash(row["token_hash"], digest)
        or row["revoked_at"] is not None
        or row["expires_at"] <= datetime.now(UTC)
    ):
        raise InvitationRefused(LINK_REFUSED)
    return msgspec.convert(row, InvitationContext), digest


async def peek_invitation(token: str) -> InvitationContext:
    """What a link's start page shows, without recording anything."""
    invitation, _ = await _usable_invitation(token)
    return invitation


async def open_invitation(token: str) -> OpenedInvitation:
    """The invitation a link's token belongs to, if it may still be used."""
    invitation, digest = await _usable_invitation(token)
    await execute(MARK_OPENED, invitation.id, datetime.now(UTC))
    return OpenedInvitation(invitation.id, invitation.round_id, invitation.person_id, invitation.force_id, digest)


async def invitation_context(invitation_id: int, link_hash: str) -> InvitationContext | None:
    """What a respondent page needs to know about its invitation: None when the link the
    session was opened with (`link_hash`) was replaced, revoked or has expired."""
    row = await fetchrow(INVITATION_CONTEXT, invitation_id, link_hash)
    return None if row is None else msgspec.convert(row, InvitationContext)


async def respondent_context(invitation_id: int, link_hash: str) -> tuple[InvitationContext, ResponseRow | None] | None:
    """`invitation_context` and the force's response in the round (None until its first page
    creates it), in one query."""
    row = await fetchrow(RESPONDENT_CONTEXT, invitation_id, link_hash)
    if row is None:
        return None
    response = row.pop("response")
    return msgspec.convert(row, InvitationContext), None if response is None else response_from_json(response)


async def replace_invitation(invitation_id: int, secret_key: str) -> int | None:
    """Give an invitation a new link; the old one stops working. Returns the invitation's round
    (None: there is no such invitation, and nothing changed)."""
    nonce = new_nonce()
    rows = (
        await Invitation.update(
            {
                Invitation.nonce: nonce,
                Invitation.token_hash: hash_token(invitation_token(secret_key, nonce)),
            }
        )
        .where(Invitation.id == invitation_id)
        .returning(Invitation.round)
    )
    return int(rows[0]["round"]) if rows else None


async def renew_link(invitation_id: int, secret_key: str, actor: Viewer) -> int | None:
    """`replace_invitation` for a person, written to the audit trail (the page and the API)."""
    round_id = await replace_invitation(invitation_id, secret_key)
    if round_id is not None:
        await record(actor, "invitation.replaced", f"invitation:{invitation_id}")
    return round_id
