"""Colleagues at one force: a lead respondent invites people to help answer. Each colleague
becomes a person at the force (partner role `colleague`) with a personal link of their own
for the round, mailed through the queue in their language; everyone edits the force's one
response, and each answer keeps its history (`history.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import msgspec

from backend.audit.services import record
from backend.database import execute, fetch, fetchrow, transaction
from backend.i18n import LANGUAGES, Language
from backend.partners.schemas import PartnerRole, PersonRow
from backend.partners.services import active_person, create_person, find_person, is_email, normalise_email
from backend.rounds.schemas import InvitationContext, RoundStatus
from backend.rounds.services import invite_people
from backend.security.roles import Role

#: The force's people who answer, with their link for the round (if any).
TEAM = """
SELECT p.id, p.name, p.email, p.partner_role, p.language, i.id AS invitation, i.created_at AS invited_at,
       i.first_opened_at, i.last_opened_at
FROM person p
LEFT JOIN LATERAL (SELECT * FROM invitation i WHERE i.person = p.id AND i.round = $2 AND i.revoked_at IS NULL
                   ORDER BY i.id DESC LIMIT 1) i ON true
WHERE p.force = $1 AND p.active AND p.can_respond
ORDER BY p.partner_role = 'lead_respondent' DESC, p.name, p.id"""

#: A viewer at the force asked to help becomes a colleague (they answer from now on).
MAKE_COLLEAGUE = "UPDATE person SET partner_role = 'colleague', can_respond = true WHERE id = $1"

INVITED = "SELECT 1 FROM invitation WHERE round = $1 AND person = $2 AND revoked_at IS NULL"

NAME_LENGTH = 200

#: A personal link is all a lead respondent shows: whoever holds it cannot make the service
#: mail more than this many people at the force for one round (staff can add more).
MAX_LINKS_PER_FORCE = 25
LINKS_AT_FORCE = "SELECT count(*) AS n FROM invitation WHERE round = $1 AND force = $2 AND revoked_at IS NULL"


class TeamMember(msgspec.Struct, frozen=True):
    """Someone at the force who answers, and how far they are with this round's link."""

    id: int
    name: str
    email: str
    partner_role: PartnerRole | None
    language: str | None
    #: their invitation in this round (None: not invited to it)
    invitation: int | None
    invited_at: datetime | None
    first_opened_at: datetime | None
    last_opened_at: datetime | None


class ColleagueRefused(Exception):
    """Why a colleague cannot be invited: `problems` ({field: message}, in the lead's
    language) for input to correct, or `status_code` 403/409 with one message."""

    def __init__(self, status_code: int, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.status_code = status_code
        self.problems = problems


@dataclass(frozen=True)
class Invited:
    person_id: int
    name: str
    email: str
    #: a new person (False: someone already at the force)
    created: bool


async def team(round_id: int, force_id: int) -> list[TeamMember]:
    return msgspec.convert(await fetch(TEAM, force_id, round_id), list[TeamMember])


async def is_lead(person_id: int, force_id: int) -> bool:
    person = await active_person(person_id)
    return person is not None and person.force_id == force_id and person.partner_role == PartnerRole.LEAD_RESPONDENT


def _input_problems(name: str, email: str, language: str, words: Language) -> dict[str, str]:
    problems = {}
    if not name.strip():
        problems["name"] = words.gettext("Enter your colleague's name.")
    elif len(name.strip()) > NAME_LENGTH:
        problems["name"] = words.gettext("Use %(max)d characters or fewer for the name.", max=NAME_LENGTH)
    if not email.strip():
        problems["email"] = words.gettext("Enter your colleague's e-mail address.")
    elif not is_email(normalise_email(email)):
        problems["email"] = words.gettext("Enter an e-mail address in the right format, like name@example.org.")
    if language and language not in LANGUAGES:
        problems["language"] = words.gettext("Choose English, French or Spanish.")
    return problems


async def _existing_problem(found: PersonRow, force_id: int, words: Language) -> dict[str, str]:
    if found.force_id != force_id:
        return {
            "email": words.gettext(
                "This e-mail address belongs to someone outside your force: ask the project team to add them."
            )
        }
    if not found.active:
        return {"email": words.gettext("This person was deactivated: ask the project team to add them again.")}
    return {}


async def invite_colleague(
    invitation: InvitationContext,
    name: str,
    email: str,
    language: str,
    secret_key: str,
    words: Language,
    responded: bool = False,
) -> Invited:
    """Invite a colleague to help answer the force's response to the round, on behalf of the
    lead respondent whose invitation this is: every problem at once, nothing changed then.
    Someone already at the force is invited with their current details (a viewer becomes a
    colleague); a new address becomes a colleague at the force."""
    if not await is_lead(invitation.person_id, invitation.force_id):
        raise ColleagueRefused(403, {"": words.gettext("Only your force's lead respondent can invite colleagues.")})
    if invitation.round_status != RoundStatus.OPEN or responded:
        raise ColleagueRefused(
            409, {"": words.gettext("This questionnaire no longer takes answers: there is nothing to help with.")}
        )
    problems = _input_problems(name, email, language, words)
    if problems:
        raise ColleagueRefused(400, problems)
    address = normalise_email(email)
    async with transaction():
        links = await fetchrow(LINKS_AT_FORCE, invitation.round_id, invitation.force_id)
        if links is not None and links["n"] >= MAX_LINKS_PER_FORCE:
            too_many = words.gettext(
                "%(num)d people at your force already have a link for this questionnaire: "
                "ask the project team to add more.",
                num=MAX_LINKS_PER_FORCE,
            )
            raise ColleagueRefused(409, {"": too_many})
        found = await find_person(address)
        if found is not None:
            problems = await _existing_problem(found, invitation.force_id, words)
            if problems:
                raise ColleagueRefused(400, problems)
            if await fetchrow(INVITED, invitation.round_id, found.id) is not None:
                raise ColleagueRefused(
                    409,
                    {"email": words.gettext("%(name)s already has a link for this questionnaire.", name=found.name)},
                )
            if found.partner_role not in (PartnerRole.LEAD_RESPONDENT, PartnerRole.COLLEAGUE):
                await execute(MAKE_COLLEAGUE, found.id)
            person_id, shown_name, created = found.id, found.name, False
        else:
            person_id = await create_person(
                address,
                name.strip(),
                Role.PARTNER,
                force_id=invitation.force_id,
                language=language or invitation.language or None,
                partner_role=PartnerRole.COLLEAGUE,
            )
            shown_name, created = name.strip(), True
        person = await active_person(person_id)
        assert person is not None
        made = await invite_people(invitation.round_id, [person], invitation.closes_at, secret_key)
        await record(
            None,
            "colleague.invited",
            f"round:{invitation.round_id}",
            force=invitation.force_id,
            person=person_id,
            invitation=made[0] if made else None,
            by_person=invitation.person_id,
            new_person=created,
        )
    return Invited(person_id, shown_name, address, created)
