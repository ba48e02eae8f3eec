"""E-mail digests of new posts in followed threads: a partner's choice (none, daily, weekly;
audited), and the periodic run that queues one digest per person due (`digest_schedule.py`).

A digest carries no attribution (`digest_plan.py`): the thread, its round, the post's number,
the day and a plain-text excerpt. Only visible posts written since the person's last digest by
someone else, in threads they follow and may still see (`threads.resolve`); nothing is queued
when there is nothing new. One digest per person and period: the person's row is locked
(`FOR UPDATE SKIP LOCKED`) while their digest is queued and their `since` moved on, in one
transaction, and the message's idempotency key (`digest:<person>:<period>`) makes a second
worker or a rerun write nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.audit.services import record
from backend.database import execute, fetch, fetchrow, transaction
from backend.exchange.digest_plan import (
    DigestItem,
    DigestSection,
    Frequency,
    PostSeen,
    SectionKind,
    excerpt,
    idempotency_key,
    is_due,
    period,
    section,
    select_posts,
    worth_sending,
)
from backend.exchange.threads import resolve, thread_key
from backend.i18n import Language
from backend.mail.compose import draft, mail_language
from backend.mail.config import current
from backend.mail.links import DIGEST_OFF, link_ref, opt_out_person
from backend.mail.schemas import MessageKind
from backend.mail.services import queue
from backend.meetings.digest import meetings_section
from backend.practice.digest import practice_section
from backend.security.roles import Viewer

CHOICE = "SELECT frequency FROM exchange_digest WHERE person = $1"
CHOOSE = """
INSERT INTO exchange_digest (person, frequency, since, last_period, updated_at) VALUES ($1, $2, now(), '', now())
ON CONFLICT (person) DO UPDATE SET frequency = EXCLUDED.frequency, updated_at = now(),
  since = CASE WHEN exchange_digest.frequency = 'none' THEN now() ELSE exchange_digest.since END"""

#: Everyone who chose a digest, with their person (active only).
CHOSEN = """
SELECT d.person, d.frequency, d.last_period FROM exchange_digest d JOIN person p ON p.id = d.person
WHERE d.frequency <> 'none' AND p.active ORDER BY d.person"""

#: One person's choice, locked while their digest is written (another worker skips it).
LOCK = """
SELECT d.frequency, d.since, d.last_period, p.email, p.name, p.language FROM exchange_digest d
JOIN person p ON p.id = d.person WHERE d.person = $1 AND p.active FOR UPDATE OF d SKIP LOCKED"""

#: Posts in the threads a person follows, written since `$2`, with their number in the thread.
NEW_POSTS = """
SELECT p.id, p.thread, p.author, p.state, p.body, p.created_at,
       (SELECT count(*) FROM exchange_post q WHERE q.thread = p.thread AND q.id <= p.id) AS number
FROM exchange_post p JOIN exchange_follow f ON f.thread = p.thread AND f.person = $1
WHERE p.created_at > $2 ORDER BY p.created_at, p.id"""

DONE = "UPDATE exchange_digest SET since = $2, last_period = $3 WHERE person = $1"


async def digest_choice(person_id: int) -> Frequency:
    row = await fetchrow(CHOICE, person_id)
    return Frequency.NONE if row is None else Frequency(row["frequency"])


async def choose(viewer: Viewer, frequency: Frequency, via: str = "account") -> Frequency:
    """Record the reader's choice (audited when it changes); returns the one they had. Switching
    on from none starts from now: the first digest tells of posts written after the choice."""
    async with transaction():
        before = await digest_choice(viewer.person_id)
        await execute(CHOOSE, viewer.person_id, frequency.value)
        if before != frequency:
            await record(viewer, "digest.chosen", f"person:{viewer.person_id}", frequency=frequency.value, via=via)
    return before


async def off_link_person(token: str) -> tuple[int, str, bool] | None:
    """(person, name, already off) of a link that switches digests off; None if it is not one."""
    person_id = opt_out_person(current().secret_key, token, DIGEST_OFF)
    if person_id is None:
        return None
    row = await fetchrow("SELECT name FROM person WHERE id = $1", person_id)
    if row is None:
        return None
    return person_id, str(row["name"]), await digest_choice(person_id) == Frequency.NONE


async def switch_off(person_id: int, via: str) -> bool:
    """No more digests (idempotent); the change is audited. Whether this switched them off."""
    async with transaction():
        if await digest_choice(person_id) == Frequency.NONE:
            return False
        await execute(CHOOSE, person_id, Frequency.NONE.value)
        await record(None, "digest.chosen", f"person:{person_id}", frequency="none", via=via)
    return True


async def discussion_section(person_id: int, since: datetime, language: Language, base_url: str) -> DigestSection:
    """New posts in the threads the person follows and may still see, without attribution."""
    rows = await fetch(NEW_POSTS, person_id, since)
    posts = [
        PostSeen(r["id"], r["thread"], r["author"], int(r["number"]), r["state"], r["body"], r["created_at"])
        for r in rows
    ]
    items = []
    contexts = {}
    for p in select_posts(posts, person_id, since):
        if p.thread_id not in contexts:
            key = await thread_key(p.thread_id)
            contexts[p.thread_id] = None if key is None else await resolve(key, language)
        context = contexts[p.thread_id]
        if context is None:
            continue
        items.append(
            DigestItem(
                thread_title=str(context.title),
                round_title=str(context.round_title),
                path=f"{base_url.rstrip('/')}{context.key.path}#post-{p.post_id}",
                number=p.number,
                day=p.created_at.date(),
                excerpt=excerpt(p.body),
            )
        )
    return section(SectionKind.DISCUSSIONS, items)


async def send_digest(person_id: int, now: datetime) -> int | None:
    """Queue this person's digest if it is due and has something new; the message id, else None.
    Practice notes and meetings will add sections of their own beside discussions."""
    config = current()
    async with transaction():
        row = await fetchrow(LOCK, person_id)
        if row is None:
            return None
        frequency = Frequency(row["frequency"])
        if not is_due(frequency, row["last_period"] or None, now):
            return None
        language = mail_language(row["language"])
        sections = [await discussion_section(person_id, row["since"], language, config.base_url)]
        sections.append(await practice_section(person_id, row["since"], language, config.base_url))
        sections.append(await meetings_section(person_id, row["since"], language, config.base_url))
        this_period = period(frequency, now)
        if not worth_sending(sections):
            # Nothing new: nothing sent, and the next new post waits for the next period.
            await execute(DONE, person_id, row["since"], this_period)
            return None
        message = draft(
            MessageKind.DIGEST,
            idempotency_key(person_id, frequency, now),
            recipient=row["email"],
            name=row["name"],
            language_code=language.code,
            person_id=person_id,
            link_ref=link_ref(DIGEST_OFF, str(person_id)),
            frequency=frequency.value,
            sections=[_shown(s) for s in sections if s.items],
        )
        ids = await queue([message])
        await execute(DONE, person_id, now, this_period)
    return ids[0] if ids else None


def _shown(s: DigestSection) -> dict[str, object]:
    """A section as the templates read it (`url` for the item's link)."""
    items = [
        {
            "thread_title": i.thread_title,
            "round_title": i.round_title,
            "url": i.path,
            "number": i.number,
            "day": i.day,
            "excerpt": i.excerpt,
        }
        for i in s.items
    ]
    return {"kind": s.kind.value, "items": items, "more": s.more}


async def send_due_digests(now: datetime | None = None) -> list[int]:
    """Every digest due now (the periodic task's work): the ids of the messages queued."""
    now = now or datetime.now(UTC)
    sent = []
    for row in await fetch(CHOSEN):
        if is_due(Frequency(row["frequency"]), row["last_period"] or None, now):
            message = await send_digest(int(row["person"]), now)
            if message is not None:
                sent.append(message)
    return sent
