"""The purge of sign-ups never confirmed, on the mail queue's procrastinate app (its workers run
it: `practice-exchange worker`, or the demo's worker in process): every hour, delete the
pending sign-ups whose confirmation link expired more than SIGNUP_PURGE_DAYS days ago (data
minimisation; docs/signup.md). One run at a time (`queueing_lock`); safe to repeat."""

from __future__ import annotations

import logging

from procrastinate import JobContext

from backend.mail.queue import QUEUE, queue_app
from backend.settings import get_settings
from backend.signup.services import purge_unconfirmed

log = logging.getLogger(__name__)


async def purge() -> list[int]:
    """Delete the expired unconfirmed sign-ups now: their former ids."""
    purged = await purge_unconfirmed(get_settings().signup_purge_days)
    if purged:
        log.info("%s unconfirmed sign-ups deleted", len(purged))
    return purged


@queue_app.periodic(cron="17 * * * *", periodic_id="signup.purge")
@queue_app.task(name="signup.purge", queue=QUEUE, queueing_lock="signup.purge", pass_context=True)
async def run_purge(context: JobContext, timestamp: int) -> None:
    await purge()
