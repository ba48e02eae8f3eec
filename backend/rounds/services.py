"""Rounds and invitations: opening a round for chosen forces, personal links, closing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import msgspec

from backend.analysis.aggregates import aggregate_round
from backend.analysis.summary import summarise
from backend.audit.services import record
from backend.database import execute, fetch, fetchrow, json_value
from backend.i18n import SOURCE_LANGUAGE, Language, language_for
from backend.mail.notices import queue_invitations
from backend.partners.peer_groups import DIMENSIONS
from backend.partners.schemas import PersonRow
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
from backend.rounds.titles import stored_titles, title_problems
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
SELECT r.id, r.title, r.titles, r.status, r.opens_at, r.closes_at, r.min_group_size, r.created_at,
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
#: With the round's title in every language (the link's start page shows it).
INVITATION_BY_TOKEN = _INVITATION_COLUMNS + ", r.titles AS round_titles" + _INVITATION_FROM + " WHERE i.token_hash = $1"
#: Only while the link the session was opened with (its hash, $2) is still the invitation's
#: and usable.
_USABLE_LINK = " WHERE i.id = $1 AND i.token_hash = $2 AND i.revoked_at IS NULL AND i.expires_at > now()"
INVITATION_CONTEXT = _INVITATION + _USABLE_LINK
#: What every respondent request reads, in one query: the invitation and its round as
#: INVITATION_CONTEXT, and the force's response in the round as JSON (NULL before the first
#: page has created it), with the md5 of its row's text (as the `respondent_changed` trigger
#: and the save compute it: responses/context_cache.py).
RESPONDENT_CONTEXT = (
    _INVITATION_COLUMNS
    + ", to_jsonb(x) AS response, md5(x::text) AS response_digest"
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
    #: in the questionnaire's default language
    title: str
    version_id: int
    force_ids: list[int]
    min_group_size: int
    closes_at: datetime | None
    #: the title in other languages, {language: title} (`titles.py`); empty ones are left out
    titles: Mapping[str, str] = field(default_factory=dict)
    #: when it opens (invitations go out then: `lifecycle.open_due_rounds`); None: at once
    opens_at: datetime | None = None
    #: kept as a draft: nobody is invited until staff open or schedule it
    draft: bool = False
    #: reminders this many days before the deadline, at most `reminder_cap` per person
    reminder_days: tuple[int, ...] = (7, 2)
    reminder_cap: int = 2


def check_new_round(
    data: NewRound,
    min_floor: int,
    known_forces: set[int],
    now: datetime,
    survey: Survey | None = None,
    language: Language | None = None,
) -> list[RoundInputError]:
    """Every problem with a new round, in `language` (English unless given); `survey` (the
    chosen version) must be fully translated."""
    words = language or language_for(SOURCE_LANGUAGE)
    errors = []
    if survey is not None and (incomplete := incomplete_message(survey, words)):
        errors.append(RoundInputError("version", incomplete))
    if not data.title.strip():
        errors.append(RoundInputError("title", words.gettext("Enter a title for the round.")))
    elif len(data.title) > 300:
        errors.append(RoundInputError("title", words.gettext("Use 300 characters or fewer for the title.")))
    if not data.force_ids:
        errors.append(RoundInputError("forces", words.gettext("Choose at least one force to invite.")))
    elif not set(data.force_ids) <= known_forces:
        errors.append(RoundInputError("forces", words.gettext("One of the chosen forces does not exist.")))
    if data.min_group_size < min_floor:
        errors.append(
            RoundInputError(
                "min_group_size",
                words.gettext(
                    "The minimum group size must be at least %(floor)d, so that a force "
                    "subtracting its own answer still faces at least two others.",
                    floor=min_floor,
                ),
            )
        )
    elif data.min_group_size > 100:
        errors.append(RoundInputError("min_group_size", words.gettext("The minimum group size must be 100 or less.")))
    if data.opens_at is not None and data.opens_at <= now:
        errors.append(RoundInputError("opens_at", words.gettext("The opening time must be in the future.")))
    elif data.opens_at is not None and data.closes_at is not None and data.opens_at >= data.closes_at:
        errors.append(RoundInputError("opens_at", words.gettext("The round must open before its closing date.")))
    errors += schedule_problems(data.reminder_days, data.reminder_cap, words)
    if data.closes_at is not None and data.closes_at <= now:
        errors.append(RoundInputError("closes_on", words.gettext("The closing date must be in the future.")))
    elif data.closes_at is not None and data.closes_at > now + LONGEST_ROUND:
        errors.append(
            RoundInputError("closes_on", words.gettext("The closing date must be within the next hundred years."))
        )
    return errors


#: The most reminders a schedule may have, and the farthest before the deadline one may go.
MOST_REMINDERS = 10
LONGEST_REMINDER_DAYS = 365


def schedule_problems(days: Sequence[int], cap: int, words: Language) -> list[RoundInputError]:
    """What is wrong with a reminder schedule: days before the deadline, and a cap per person."""
    errors = []
    if len(days) > MOST_REMINDERS or any(d < 0 or d > LONGEST_REMINDER_DAYS for d in days):
        errors.append(
            RoundInputError(
                "reminder_days",
                words.gettext(
                    "Give at most %(most)d numbers of days before the deadline, each from 0 to %(days)d.",
                    most=MOST_REMINDERS,
                    days=LONGEST_REMINDER_DAYS,
                ),
            )
        )
    if cap < 0 or cap > MOST_REMINDERS:
        errors.append(
            RoundInputError(
                "reminder_cap",
                words.gettext("The number of reminders per person must be from 0 to %(most)d.", most=MOST_REMINDERS),
            )
        )
    return errors


def opening_time(text: str) -> datetime:
    """A moment typed as YYYY-MM-DDTHH:MM (a `datetime-local` field; a space will do), in UTC.
    ValueError when it is not one."""
    moment = datetime.fromisoformat(text.strip().replace(" ", "T"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def reminder_days(text: str) -> list[int]:
    """ "7, 2" as [7, 2]; ValueError unless whole numbers separated by commas or spaces."""
    return [int(part) for part in text.replace(",", " ").split()]


def closing_time(day: date) -> datetime:
    """A round closing on `day` takes answers until the end of that day (23:59 UTC)."""
    return datetime.combine(day, time(23, 59), tzinfo=UTC)


async def new_round_problems(
    data: NewRound, min_group_size_floor: int, language: Language | None = None
) -> list[RoundInputError]:
    """Every problem with a new round, against what is stored now (the page and the API check
    the same way): a stored, fully translated version; known forces; a minimum group size of at
    least the configured floor (`MIN_GROUP_SIZE_FLOOR` at the least). In `language` (English
    unless given: the JSON API)."""
    words = language or language_for(SOURCE_LANGUAGE)
    problems = []
    survey = None
    if data.version_id in {v.id for v in await list_versions()}:
        survey = await load_version(data.version_id)
    else:
        problems.append(RoundInputError("version", words.gettext("Choose a questionnaire version.")))
    known = {f.id for f in await list_forces()}
    floor = max(min_group_size_floor, MIN_GROUP_SIZE_FLOOR)
    problems += check_new_round(data, floor, known, datetime.now(UTC), survey, words)
    default, languages = (survey.default_language, survey.languages) if survey else (None, ())
    for problem in title_problems(data.title, data.titles, default, languages):
        problems.append(RoundInputError(problem.field, problem.worded(words)))
    return problems


def invitation_token(secret_key: str, nonce: str) -> str:
    return derive_token(secret_key, INVITATION_PURPOSE, nonce)


def invitation_url(base_url: str, secret_key: str, nonce: str) -> str:
    return f"{base_url.rstrip('/')}/r/{invitation_token(secret_key, nonce)}"


async def open_round(data: NewRound, secret_key: str, creator: Viewer | None) -> tuple[int, int]:
    """Create a round and freeze the chosen forces' peer groups for it: open at once, with an
    invitation for every respondent at the chosen forces; or scheduled (`opens_at`: invitations
    go out when it opens, `lifecycle.open_due_rounds`); or a draft. Returns (round id,
    invitations made)."""
    now = datetime.now(UTC)
    default_language = (await load_version(data.version_id)).default_language
    if data.draft:
        status = RoundStatus.DRAFT
    elif data.opens_at is not None and data.opens_at > now:
        status = RoundStatus.SCHEDULED
    else:
        status = RoundStatus.OPEN
    async with Round._meta.db.transaction():
        rows = await Round.insert(
            Round(
                title=data.title.strip(),
                titles=json.dumps(stored_titles(data.title, data.titles, default_language)),
                version=data.version_id,
                status=status,
                opens_at=now if status == RoundStatus.OPEN else data.opens_at,
                closes_at=data.closes_at,
                min_group_size=data.min_group_size,
                reminder_days=json.dumps(sorted(set(data.reminder_days), reverse=True)),
                reminder_cap=data.reminder_cap,
                created_by=creator.person_id if creator else None,
            )
        ).returning(Round.id)
        round_id: int = rows[0]["id"]
        await _freeze_groups(round_id, data.force_ids)
        invited = await invite_forces(round_id, data.force_ids, data.closes_at, secret_key) if status == "open" else 0
    return round_id, invited


async def invite_forces(round_id: int, force_ids: list[int], closes_at: datetime | None, secret_key: str) -> int:
    """An invitation for every respondent at these forces who has none in the round yet, each
    queued by mail with its personal link (in the caller's transaction); returns how many."""
    already = {r["person"] for r in await Invitation.select(Invitation.person).where(Invitation.round == round_id)}
    people = [p for p in await respondents_at(force_ids) if p.id not in already]
    return len(await invite_people(round_id, people, closes_at, secret_key))


async def invite_people(
    round_id: int, people: Sequence[PersonRow], closes_at: datetime | None, secret_key: str
) -> list[int]:
    """An invitation for each of these people at their force (a lead respondent's colleague:
    `responses/colleagues.py`), each queued by mail with its personal link; their ids."""
    now = datetime.now(UTC)
    expires = (closes_at or now) + LINK_GRACE
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
    if not invitations:
        return []
    made = await Invitation.insert(*invitations).returning(Invitation.id)
    ids = [int(row["id"]) for row in made]
    # Each invitation by mail, with its personal link: queued in this transaction.
    await queue_invitations(ids)
    return ids


async def start_round(data: NewRound, secret_key: str, actor: Viewer) -> tuple[int, int]:
    """`open_round` for a person, written to the audit trail (the page and the API); returns
    (round id, invitations made)."""
    round_id, invited = await open_round(data, secret_key, actor)
    found = await get_round(round_id)
    if found is not None and found.status == RoundStatus.OPEN:
        await record(actor, "round.opened", f"round:{round_id}", forces=data.force_ids, invitations=invited)
    elif found is not None:
        opens = found.opens_at.isoformat() if found.opens_at else None
        await record(actor, f"round.{found.status}", f"round:{round_id}", forces=data.force_ids, opens_at=opens)
    return round_id, invited


async def _freeze_groups(round_id: int, force_ids: list[int]) -> None:
    """One `round_force` row per chosen force (with respondents or not): the round's results
    are grouped by these values, so a force cannot change its groups once the round is open.
    A force already in the round keeps its row (`lifecycle.refreeze_groups` refreshes them
    when a scheduled round opens)."""
    known = {r["force"] for r in await RoundForce.select(RoundForce.force).where(RoundForce.round == round_id)}
    groups = {f: v for f, v in (await current_groups(force_ids)).items() if f not in known}
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
    rows = [{**row, "titles": json_value(row["titles"])} for row in await fetch(LIST_ROUNDS)]
    return msgspec.convert(rows, list[RoundListing])


async def get_round(round_id: int) -> RoundRow | None:
    row = await Round.select().where(Round.id == round_id).output(load_json=True).first()
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


async def round_overview(
    round_id: int, base_url: str, secret_key: str, language: Language | None = None
) -> RoundOverview | None:
    """What staff see of a round: who is invited (with their personal links), response counts,
    a summary per question (in `language`: English unless given) and the published versions;
    None when there is no such round."""
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
        summary=summarise(survey, raw, await text_answers(round_id, text_ids), language),
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
    row["round_titles"] = json_value(row["round_titles"])
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


@dataclass(frozen=True)
class ReadContext:
    """A RESPONDENT_CONTEXT row, read."""

    invitation: InvitationContext
    #: None until the force's first page creates it
    response: ResponseRow | None
    #: md5 of the response row's text (None with no response)
    response_digest: str | None
    #: `invitation_fingerprint` of the invitation's columns
    invitation_part: bytes
    expires_at: datetime

    @property
    def fingerprint(self) -> bytes:
        return context_fingerprint(self.invitation_part, self.response_digest or "")


async def respondent_context(invitation_id: int, link_hash: str) -> ReadContext | None:
    """`invitation_context` and the force's response in the round (None until its first page
    creates it), in one query; with what names the row (`context_fingerprint`)."""
    row = await fetchrow(RESPONDENT_CONTEXT, invitation_id, link_hash)
    if row is None:
        return None
    response = row.pop("response")
    digest = row.pop("response_digest")
    expires_at = row["expires_at"]
    invitation_part = hashlib.blake2b(repr(tuple(row.values())).encode(), digest_size=16).digest()
    return ReadContext(
        msgspec.convert(row, InvitationContext),
        None if response is None else response_from_json(response),
        digest,
        invitation_part,
        expires_at,
    )


def context_fingerprint(invitation_part: bytes, response_digest: str) -> bytes:
    """What names a respondent's context: a digest of the invitation's columns as read (the
    link, its round's status and title, the force's and person's names, the questionnaire's
    version: `invitation_part`) and of the response row (`response_digest`, md5 of its text:
    revision, status, answers, who saved when). The same only for the same context, so a page
    kept under it (`responses/kept_page.py`) is drawn from exactly what is current; a digest
    rather than the values keeps keys small however long the answers."""
    return hashlib.blake2b(invitation_part + response_digest.encode(), digest_size=16).digest()


async def replace_invitation(invitation_id: int, secret_key: str) -> int | None:
    """Give an invitation a new link (also a revoked one: reissued), and send it; the old one
    stops working. Returns the invitation's round
    (None: there is no such invitation, and nothing changed)."""
    nonce = new_nonce()
    async with Invitation._meta.db.transaction():
        rows = (
            await Invitation.update(
                {
                    Invitation.nonce: nonce,
                    Invitation.token_hash: hash_token(invitation_token(secret_key, nonce)),
                    # a revoked invitation is given back a link: reissued
                    Invitation.revoked_at: None,
                }
            )
            .where(Invitation.id == invitation_id)
            .returning(Invitation.round)
        )
        if rows:
            # The new link by mail (the old one, already sent, no longer works).
            await queue_invitations([invitation_id])
    return int(rows[0]["round"]) if rows else None


async def renew_link(invitation_id: int, secret_key: str, actor: Viewer) -> int | None:
    """`replace_invitation` for a person, written to the audit trail (the page and the API)."""
    round_id = await replace_invitation(invitation_id, secret_key)
    if round_id is not None:
        await record(actor, "invitation.replaced", f"invitation:{invitation_id}")
    return round_id
