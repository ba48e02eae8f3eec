"""Each kind of message, gathered from the database and queued in the caller's transaction:
the actions that cause them (opening a round, a new link, a submission, a publication, a
sign-in link) call these."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.database import fetch, fetchrow, json_value
from backend.i18n import LANGUAGES, pick
from backend.mail.compose import AnswerRow, AnswerSection, Draft, draft, mail_language
from backend.mail.config import current
from backend.mail.links import OPT_OUT, link_ref
from backend.mail.schemas import MessageKind
from backend.mail.services import queue
from backend.security.tables import SignInLink
from backend.security.tokens import derive_token, hash_token, new_nonce
from backend.surveys import answer_text, shown_question_ids
from backend.surveys.services import load_version

INVITATIONS = """
SELECT i.id, i.nonce, r.title AS round_title, r.titles AS round_titles, r.closes_at, r.version, f.name AS force_name,
       p.id AS person_id, p.email, p.name, p.language
FROM invitation i JOIN round r ON r.id = i.round JOIN force f ON f.id = i.force JOIN person p ON p.id = i.person
WHERE i.id = ANY($1::int[]) AND i.revoked_at IS NULL AND p.active ORDER BY i.id"""

#: Reminders with what they say: the invitation's link, the round, how far the force is.
REMINDERS = """
SELECT m.id, i.nonce, r.title AS round_title, r.titles AS round_titles, r.closes_at, r.version, f.name AS force_name,
       p.id AS person_id, p.email, p.name, p.language, x.status AS response_status
FROM reminder m JOIN invitation i ON i.id = m.invitation JOIN round r ON r.id = m.round
JOIN force f ON f.id = i.force JOIN person p ON p.id = m.person
LEFT JOIN response x ON x.round = i.round AND x.force = i.force
WHERE m.id = ANY($1::int[]) AND i.revoked_at IS NULL AND p.active ORDER BY m.id"""

SUBMITTED = """
SELECT x.id, x.answers, x.submitted_at, x.language AS response_language, r.title AS round_title,
       r.titles AS round_titles, r.version,
       f.name AS force_name, p.id AS person_id, p.email, p.name, p.language
FROM response x JOIN round r ON r.id = x.round JOIN force f ON f.id = x.force JOIN person p ON p.id = $2
WHERE x.id = $1 AND x.status = 'submitted' AND p.active"""

#: Partner contacts at the forces of a round: who sees its results.
PARTNER_VIEWERS = """
SELECT p.id AS person_id, p.email, p.name, p.language, f.name AS force_name, r.title AS round_title,
       r.titles AS round_titles
FROM round_force rf JOIN round r ON r.id = rf.round JOIN force f ON f.id = rf.force
JOIN person p ON p.force = f.id
WHERE rf.round = $1 AND p.role = 'partner' AND p.active ORDER BY p.id"""


def round_title(row: dict[str, Any], code: str) -> str:
    """The round's title in the recipient's language `code` (`rounds/titles.py`: staff may
    give it in each language), else the title in the questionnaire's default language."""
    titles = json_value(row.get("round_titles")) or {}
    title = titles.get(code) if isinstance(titles, dict) else None
    return title if isinstance(title, str) and title.strip() else str(row["round_title"])


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


async def queue_invitations(invitation_ids: Sequence[int]) -> list[int]:
    """An invitation with its personal link to each invitation's person. Keyed by the link:
    the same link is sent once, a new link (`rounds.services.replace_invitation`) again."""
    rows = await fetch(INVITATIONS, list(invitation_ids))
    surveys = {v: await load_version(v) for v in {r["version"] for r in rows}}
    drafts = []
    for r in rows:
        survey = surveys[r["version"]]
        language = mail_language(r["language"])
        # Questionnaire text in the mail's language where the questionnaire has it.
        d = survey.default_language
        drafts.append(
            draft(
                MessageKind.INVITATION,
                f"invitation:{r['id']}:{_digest(r['nonce'])}",
                recipient=r["email"],
                name=r["name"],
                language_code=language.code,
                person_id=r["person_id"],
                link_ref=link_ref("invitation", r["nonce"]),
                subject_values={"round": round_title(r, language.code)},
                round_title=round_title(r, language.code),
                force_name=r["force_name"],
                questionnaire=pick(survey.title, language.code, d),
                purpose=pick(survey.description, language.code, d) if survey.description else "",
                privacy_notice=pick(survey.privacy_notice, language.code, d) if survey.privacy_notice else "",
                closes_at=r["closes_at"],
            )
        )
    return await queue(drafts)


async def queue_reminders(reminder_ids: Sequence[int]) -> list[int]:
    """A reminder for each `reminder` row (rounds/reminders.py decides who): the personal link
    again, the deadline, and a link to switch reminders off (also as List-Unsubscribe)."""
    rows = await fetch(REMINDERS, list(reminder_ids))
    surveys = {v: await load_version(v) for v in {r["version"] for r in rows}}
    drafts = []
    for r in rows:
        language = mail_language(r["language"])
        survey = surveys[r["version"]]
        drafts.append(
            draft(
                MessageKind.REMINDER,
                f"reminder:{r['id']}",
                recipient=r["email"],
                name=r["name"],
                language_code=language.code,
                person_id=r["person_id"],
                link_ref=f"{link_ref('invitation', r['nonce'])} {link_ref(OPT_OUT, str(r['person_id']))}",
                subject_values={"round": round_title(r, language.code)},
                round_title=round_title(r, language.code),
                force_name=r["force_name"],
                questionnaire=pick(survey.title, language.code, survey.default_language),
                started=r["response_status"] == "draft",
                closes_at=r["closes_at"],
            )
        )
    return await queue(drafts)


async def queue_receipt(response_id: int, person_id: int | None, answered_in: str) -> list[int]:
    """The receipt of a submission, to the person who submitted: its reference number and a
    copy of the answers, in the language they answered in (else their own)."""
    # Responses' services call this; their reference number is theirs (imported here).
    from backend.responses.services import receipt_reference_of

    if person_id is None:
        return []
    row = await fetchrow(SUBMITTED, response_id, person_id)
    if row is None:
        return []
    survey = await load_version(row["version"])
    code = answered_in if answered_in in LANGUAGES else row["language"]
    answers: dict[str, Any] = json_value(row["answers"]) or {}
    shown = shown_question_ids(survey, answers)
    d = survey.default_language
    sections = []
    for section in survey.sections:
        rows = [
            AnswerRow(pick(q.label, answered_in, d), answer_text(q, answers, answered_in, d) or "—")
            for q in section.questions
            if q.collects_answer and q.id in shown
        ]
        if rows:
            sections.append(AnswerSection(pick(section.title, answered_in, d), rows))
    reference = receipt_reference_of(response_id, row["submitted_at"])
    return await queue(
        [
            draft(
                MessageKind.RECEIPT,
                f"receipt:{response_id}",
                recipient=row["email"],
                name=row["name"],
                language_code=code,
                person_id=row["person_id"],
                subject_values={"reference": reference},
                round_title=round_title(row, code),
                force_name=row["force_name"],
                questionnaire=pick(survey.title, answered_in, d),
                reference=reference,
                submitted_at=row["submitted_at"],
                sections=sections,
            )
        ]
    )


async def queue_published(round_id: int, version: int) -> list[int]:
    """ "Results are published" to every partner contact at the round's forces (each version:
    a correction is announced too)."""
    base = current().base_url
    drafts: list[Draft] = [
        draft(
            MessageKind.PUBLISHED,
            f"published:{round_id}:{version}:{r['person_id']}",
            recipient=r["email"],
            name=r["name"],
            language_code=r["language"],
            person_id=r["person_id"],
            subject_values={"round": round_title(r, mail_language(r["language"]).code)},
            round_title=round_title(r, mail_language(r["language"]).code),
            force_name=r["force_name"],
            version=version,
            results_url=f"{base}/dashboard/rounds/{round_id}",
        )
        for r in await fetch(PARTNER_VIEWERS, round_id)
    ]
    return await queue(drafts)


SIGN_IN_PURPOSE = "sign-in"


async def queue_sign_in_link(
    person_id: int, email: str, name: str, language: str, lifetime: timedelta = timedelta(hours=24)
) -> list[int]:
    """A one-time sign-in link by mail. Its token is derived from SECRET_KEY and a random
    nonce (as invitation links are), so that the message row holds the nonce, never the link;
    `sign_in_link` keeps the token's hash, as for links printed by the CLI."""
    nonce = new_nonce()
    token = derive_token(current().secret_key, SIGN_IN_PURPOSE, nonce)
    await SignInLink.insert(
        SignInLink(person=person_id, token_hash=hash_token(token), expires_at=datetime.now(UTC) + lifetime)
    )
    return await queue(
        [
            draft(
                MessageKind.SIGN_IN,
                f"sign-in:{person_id}:{_digest(nonce)}",
                recipient=email,
                name=name,
                language_code=language,
                person_id=person_id,
                link_ref=link_ref(SIGN_IN_PURPOSE, nonce),
                hours=int(lifetime.total_seconds() // 3600),
            )
        ]
    )
