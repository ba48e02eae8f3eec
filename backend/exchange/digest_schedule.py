"""The digests' clock, on the mail queue's procrastinate app (its workers run it): every hour,
queue the e-mail digests that are due (`digest.send_due_digests`). One run at a time
(`queueing_lock`); safe to repeat (one digest per person and period)."""

from __future__ import annotations

import logging

from procrastinate import JobContext

from backend.exchange.digest import send_due_digests
from backend.mail.queue import QUEUE, queue_app

log = logging.getLogger(__name__)


@queue_app.periodic(cron="5 * * * *", periodic_id="exchange.digests")
@queue_app.task(name="exchange.digests", queue=QUEUE, queueing_lock="exchange.digests", pass_context=True)
async def run_digests(context: JobContext, timestamp: int) -> None:
    sent = await send_due_digests()
    if sent:
        log.info("%s e-mail digests queued", len(sent))
