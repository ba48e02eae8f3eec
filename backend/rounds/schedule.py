"""The rounds' clock, on the mail queue's procrastinate app (its workers run it: `practice-exchange
worker`, or the demo's worker in process): each minute, open the scheduled rounds whose time
has come (their invitations go out) and send the reminders that are due. One run at a time
(`queueing_lock`); both steps are safe to repeat."""

from __future__ import annotations

import logging

from procrastinate import JobContext

from backend.mail.config import current
from backend.mail.queue import QUEUE, queue_app
from backend.rounds.lifecycle import open_due_rounds
from backend.rounds.reminders import send_due_reminders

log = logging.getLogger(__name__)


async def tick() -> tuple[dict[int, int], dict[int, int]]:
    """Open due rounds, then send due reminders: ({round: invitations}, {round: reminders})."""
    opened = await open_due_rounds(current().secret_key)
    reminded = await send_due_reminders()
    for round_id, invited in opened.items():
        log.info("round %s opened on schedule: %s invitations", round_id, invited)
    for round_id, sent in reminded.items():
        log.info("round %s: %s reminders", round_id, sent)
    return opened, reminded


@queue_app.periodic(cron="* * * * *", periodic_id="rounds.schedule")
@queue_app.task(name="rounds.schedule", queue=QUEUE, queueing_lock="rounds.schedule", pass_context=True)
async def run_schedule(context: JobContext, timestamp: int) -> None:
    await tick()
