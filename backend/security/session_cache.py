"""A per-process read cache of session rows, kept only while PostgreSQL tells this process about
every change to them (LISTEN/NOTIFY), so that signing out, a new session id at sign-in and a
replaced link end the old session everywhere at once.

Why: reading the session is one round trip to PostgreSQL per request, some 55 µs of a worker's
CPU against 145 µs for a whole bare request (docs/performance.md); issue 10 asks that a route with
a session cookie cost no more than 1/0.9 of one without.

How it stays right:
- a trigger on `key_value` (security migration 2026-12-01T10:00) sends `NOTIFY key_value_changed`
  with the key for every delete, every change of a value and every expiry moved earlier (renewals,
  which move it later, do not: a cached value stays right), and '*' for TRUNCATE; notifications
  go out when the writing transaction commits, to every listening process;
- each process listens on a connection of its own (`pg_listen.listening`, a Litestar lifespan);
  the cache
  is used only while that connection is up: before it is, after it drops (emptied at once) and
  in an app run without the lifespan (tests' bare ASGI transports), every read goes to PostgreSQL;
- this process's own writes forget the key at once (`forget`), before the statement runs;
- a row read from PostgreSQL is not kept if any notification or write arrived while it was being
  read (the `generation` counter), so an older read can never overwrite a newer forget;
- an entry is kept at most `TTL` seconds, and never beyond the session's own expiry: what is
  kept goes stale for at most that long even if a notification were lost;
- only live sessions are kept; an unknown id is always looked up.

The window left: another worker may accept a signed-out session in the time between the commit
of the sign-out and its reading of the notification (PostgreSQL sends it at commit; measured in
microseconds to a millisecond on one host). `tests/integration/test_session_cache.py` checks that
a sign-out in one process ends the session for the next request in another.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from backend import pg_listen

#: The channel the `key_value` trigger notifies, with the changed key ('*': all of them).
CHANNEL = "key_value_changed"
#: Seconds an entry is kept at most (a backstop: notifications make it stale at once).
TTL = 5.0
#: Sessions kept per process, least recently used first out (some hundred bytes each).
MAX_ENTRIES = 10_000

_entries: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
#: Listening connections now up in this process (the cache is used only while there is one).
_listeners = 0
#: Bumped by every notification and every local write: a read that saw another value of it
#: when it started is not kept.
generation = 0


def active() -> bool:
    return _listeners > 0


def get(key: str) -> bytes | None:
    """The kept value of `key`, if it is live and this process is listening."""
    if not _listeners:
        return None
    entry = _entries.get(key)
    if entry is None:
        return None
    value, deadline = entry
    if deadline <= time.monotonic():
        _entries.pop(key, None)
        return None
    _entries.move_to_end(key)
    return value


def put(key: str, value: bytes, seconds_left: float | None, seen_generation: int) -> None:
    """Keep `value`, read from PostgreSQL when `generation` was `seen_generation`, for at most
    `TTL` seconds and never beyond `seconds_left` (None: the row never expires)."""
    if not _listeners or seen_generation != generation:
        return
    keep = TTL if seconds_left is None else min(TTL, seconds_left)
    if keep <= 0:
        return
    _entries[key] = (value, time.monotonic() + keep)
    _entries.move_to_end(key)
    while len(_entries) > MAX_ENTRIES:
        _entries.popitem(last=False)


def forget(key: str | None = None) -> None:
    """Forget `key` (None: everything), before it is written or deleted, or when notified."""
    global generation
    generation += 1
    if key is None or key == "*":
        _entries.clear()
    else:
        _entries.pop(key, None)


def _up() -> None:
    global _listeners
    # Whatever was kept before this moment may have changed unseen.
    forget()
    _listeners += 1


def _down() -> None:
    global _listeners
    _listeners -= 1
    forget()


pg_listen.subscribe(pg_listen.Subscriber(CHANNEL, forget, _up, _down))
