"""What every respondent request reads (`rounds.services.RESPONDENT_CONTEXT`: the invitation, its
round and the force's response), kept per process while PostgreSQL tells it of every change.

Why: that statement is the whole cost of a question page served from what is kept
(`responses/kept_page.py`) beyond the framework's own, and one of the two statements of every
autosave (docs/performance.md, "Respondent pages").

How it stays right (the same scheme as `security/session_cache.py`):
- triggers (web migration 2026-12-04T10:00) notify `respondent_changed` on every committed
  change: `response:<id>:<digest>` for a response (the digest is md5 of the row's text, as
  `RESPONDENT_CONTEXT` and the save also read it), `invitation:<id>` for an invitation, `*` for a
  round, a force, a person (sign-in times aside), a truncation;
- an entry is used only while this process listens (`pg_listen`), at most `TTL` seconds, and only
  while its link has not expired (`expires_at`, checked at each use as the statement would);
- a value read or saved is kept only if nothing changed it meanwhile: `token()` is taken before
  the statement, and `put` refuses when a notification about another state of that response, or
  any other notification, arrived since (a notification of the very state being kept is no
  change: the process's own save is notified too);
- the save itself checks the link and the round in SQL (`responses.services.SAVE_ANSWERS`), so a
  kept context can never let a save through that the statement would refuse; a refused save
  forgets the entry, and the request is answered from what the database says now.

The window left is the session cache's: a request in another process between a commit and that
process reading its notification (well under a millisecond on one host) sees the state before.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from backend import pg_listen
from backend.responses.schemas import ResponseRow
from backend.rounds.services import ReadContext

CHANNEL = "respondent_changed"
#: Seconds an entry is kept at most (a backstop: notifications make it stale at once).
TTL = 30.0
MAX_ENTRIES = 10_000
#: Responses whose last notification is remembered (older ones are forgotten with every entry).
MAX_SEEN = 50_000


@dataclass(frozen=True)
class Context:
    """One respondent's context as read (or as saved by this process), for the link it was
    read with; its response is there (a context read before the response existed is not kept)."""

    read: ReadContext
    link_hash: str

    @property
    def response(self) -> ResponseRow:
        assert self.read.response is not None
        return self.read.response

    @property
    def digest(self) -> str:
        return self.read.response_digest or ""

    def saved(self, response: ResponseRow, digest: str) -> Context:
        """This context with the response as this process's save left it."""
        return Context(replace(self.read, response=response, response_digest=digest), self.link_hash)


_entries: OrderedDict[int, tuple[Context, float]] = OrderedDict()
#: The invitations kept per response (delegates of one force share it).
_by_response: dict[int, set[int]] = {}
#: Notifications so far (a sequence number), the last of each response's, and the last that
#: was not about one response.
_sequence = 0
_seen: dict[int, tuple[int, str]] = {}
_last_other = 0
_listening = 0


def active() -> bool:
    return _listening > 0


def token() -> int:
    """Taken before a statement whose result may be kept (`put`)."""
    return _sequence


def get(invitation_id: int, link_hash: str) -> Context | None:
    """The kept context of this invitation's link, if it is still usable and this process listens."""
    if not _listening:
        return None
    found = _entries.get(invitation_id)
    if found is None:
        return None
    context, deadline = found
    if context.link_hash != link_hash:
        return None
    if deadline <= time.monotonic() or context.read.expires_at <= datetime.now(UTC):
        forget(invitation_id)
        return None
    _entries.move_to_end(invitation_id)
    return context


def put(context: Context, seen_token: int) -> None:
    """Keep `context`, read or saved after `token()` gave `seen_token`, unless anything but this
    very state of its response was notified since."""
    invitation_id = context.read.invitation.id
    forget(invitation_id)
    if not _listening or _last_other > seen_token:
        return
    last = _seen.get(context.response.id)
    if last is not None and last[0] > seen_token and last[1] != context.digest:
        return
    _entries[invitation_id] = (context, time.monotonic() + TTL)
    _by_response.setdefault(context.response.id, set()).add(invitation_id)
    while len(_entries) > MAX_ENTRIES:
        forget(next(iter(_entries)))


def forget(invitation_id: int) -> None:
    found = _entries.pop(invitation_id, None)
    if found is not None:
        kept = _by_response.get(found[0].response.id)
        if kept is not None:
            kept.discard(invitation_id)
            if not kept:
                del _by_response[found[0].response.id]


def _forget_all() -> None:
    global _last_other
    _last_other = _sequence
    _entries.clear()
    _by_response.clear()
    _seen.clear()


def _notified(payload: str) -> None:
    global _sequence, _last_other
    _sequence += 1
    kind, _, rest = payload.partition(":")
    if kind == "response":
        response_id, _, digest = rest.partition(":")
        try:
            rid = int(response_id)
        except ValueError:
            _forget_all()
            return
        if len(_seen) >= MAX_SEEN:
            _forget_all()
        _seen[rid] = (_sequence, digest)
        for invitation_id in list(_by_response.get(rid, ())):
            if _entries[invitation_id][0].digest != digest:
                forget(invitation_id)
    elif kind == "invitation":
        _last_other = _sequence
        try:
            forget(int(rest))
        except ValueError:
            _forget_all()
    else:
        _forget_all()


def _up() -> None:
    global _listening, _sequence
    _sequence += 1
    _forget_all()
    _listening += 1


def _down() -> None:
    global _listening, _sequence
    _listening -= 1
    _sequence += 1
    _forget_all()


def _heard(payload: str) -> None:
    _notified(payload)  # looked up at each call: a test stands in for a lost notification


pg_listen.subscribe(pg_listen.Subscriber(CHANNEL, _heard, _up, _down))


def clear() -> None:
    """Forget everything (tests)."""
    global _sequence
    _sequence += 1
    _forget_all()
