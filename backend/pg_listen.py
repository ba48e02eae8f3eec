"""One connection per process that listens to PostgreSQL's notifications (LISTEN/NOTIFY) for every
per-process cache that must hear of changes made by other processes.

Each cache subscribes (`subscribe`) with its channel, what to do with a notification, and what to
do when listening starts and stops: a cache may be used only while its process is listening,
since what changed meanwhile was not heard. Listening starts with the app (`listening`, a
Litestar lifespan) and comes back by itself after the connection drops. The caches today:

- `security/session_cache.py`: sessions (channel `key_value_changed`);
- `web/data_epoch.py`: what partner pages are drawn from (channel `page_data_changed`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

import asyncpg

log = logging.getLogger(__name__)

#: Seconds between attempts to listen again after the connection dropped.
RECONNECT_EVERY = 1.0


@dataclass(frozen=True)
class Subscriber:
    channel: str
    #: called with each notification's payload
    notified: Callable[[str], None]
    #: called once listening has started (forget what was kept: changes may have gone unheard)
    up: Callable[[], None]
    #: called when listening stops (stop using what is kept)
    down: Callable[[], None]


_SUBSCRIBERS: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Listen on `subscriber.channel` from now on (at import time: before the app starts)."""
    _SUBSCRIBERS.append(subscriber)


def listening(dsn: Callable[[], str]) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A Litestar lifespan that listens on every subscriber's channel while the app runs; `dsn`
    gives the database to listen to."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        task = asyncio.create_task(_listen_forever(dsn), name="pg-listener")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan


def _callback(subscriber: Subscriber) -> Callable[[Any, int, str, object], None]:
    def notified(_connection: Any, _pid: int, _channel: str, payload: object) -> None:
        subscriber.notified(str(payload))

    return notified


async def _listen_forever(dsn: Callable[[], str]) -> None:
    warned = False  # one warning until it listens again, not one a second
    while True:
        dropped = asyncio.Event()
        connection = None
        up: list[Subscriber] = []
        try:
            connection = await asyncpg.connect(dsn())
            connection.add_termination_listener(lambda _c, ended=dropped: ended.set())
            for subscriber in _SUBSCRIBERS:
                await connection.add_listener(subscriber.channel, _callback(subscriber))
            # Listening on every channel from here on; whatever was kept before may have changed unseen.
            for subscriber in _SUBSCRIBERS:
                subscriber.up()
                up.append(subscriber)
            warned = False
            await dropped.wait()
            log.warning("the listening connection dropped; caches read from the database until it is back")
        except Exception as exc:  # whatever it was, the caches are not used meanwhile
            if not warned:
                log.warning("cannot listen to the database (%s); caches read from the database meanwhile", exc)
                warned = True
        finally:
            for subscriber in up:
                subscriber.down()
            if connection is not None and not connection.is_closed():
                with contextlib.suppress(Exception):
                    await asyncio.shield(connection.close(timeout=2))
        await asyncio.sleep(RECONNECT_EVERY)
