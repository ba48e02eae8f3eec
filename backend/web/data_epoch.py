"""The epoch of what partner pages are drawn from, per process: a number that moves on whenever
PostgreSQL says that data changed, so that what was kept under an older epoch is never used again.

Why: the partner dashboard is drawn from published snapshots, rounds, forces, their answers,
practice notes and the signed-in person, which change rarely, but reading them costs several
statements a request (docs/performance.md). With the epoch, a page kept once is served without a
statement until any of them changes.

How it stays right:
- triggers (web migration 2026-12-04T09:00) notify `page_data_changed` on every committed change
  to those tables (drafts being saved and sign-ins excepted: no kept page shows them); this
  process hears them on its listening connection (`pg_listen`) and moves the epoch on;
- `current()` is None while the process is not listening (before the connection is up, after it
  drops, in an app run without the lifespan): then nothing is kept or served from what is kept;
- this process's own unsafe requests (POST, PUT, PATCH, DELETE) move the epoch on when they answer
  (`moved_on_by_writes`, a before-send hook), so that the page after a form sent here never waits
  for the notification of its own change;
- a value worked out from the database is kept only if the epoch did not move while it was being
  worked out (`still`), so an older read never lands under a newer epoch.

The window left is the one of `security/session_cache.py`: another process may serve a kept page
between another process's commit and its reading of the notification (well under a millisecond
on one host).
"""

from __future__ import annotations

from litestar.types import Message, Scope

from backend import pg_listen
from backend.security.roles import SAFE_METHODS

#: The channel of the `page_data_changed` triggers (the payload names the table).
CHANNEL = "page_data_changed"

_epoch = 0
_listening = 0


def current() -> int | None:
    """The epoch, or None when this process is not listening (nothing may be kept or served)."""
    return _epoch if _listening else None


def move_on(_payload: str = "") -> None:
    """Whatever was kept is out of date from now on."""
    global _epoch
    _epoch += 1


def still(epoch: int | None) -> bool:
    """Whether `epoch` (read before working something out) is still the current one."""
    return epoch is not None and epoch == current()


def _up() -> None:
    global _listening
    move_on()
    _listening += 1


def _down() -> None:
    global _listening
    _listening -= 1
    move_on()


pg_listen.subscribe(pg_listen.Subscriber(CHANNEL, move_on, _up, _down))


def answering_a_write(message: Message, scope: Scope) -> bool:
    """Whether `message` starts the answer to a request that may have written (any method but
    GET, HEAD, OPTIONS): what a before-send hook that forgets kept data asks."""
    return message["type"] == "http.response.start" and scope.get("method", "GET") not in SAFE_METHODS


async def moved_on_by_writes(message: Message, scope: Scope) -> None:
    """A before-send hook: a request that may have written moves the epoch on as it answers."""
    if answering_a_write(message, scope):
        move_on()
