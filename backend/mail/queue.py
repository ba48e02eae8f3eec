"""The job queue: procrastinate, on the application's own PostgreSQL (its tables come with the
migrations: mail/piccolo_migrations). One job per message (`mail.send`), deferred in the
transaction that writes the message; retried with exponential backoff while the mail server
is away; a periodic sweep (`mail.sweep`) that puts back what a dead worker left behind."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from procrastinate import App, BaseRetryStrategy, JobContext, RetryDecision
from procrastinate.jobs import Job
from procrastinate.types import JSONDict

from backend.database import fetch
from backend.mail.config import current
from backend.mail.connector import QueueConnector
from backend.mail.delivery import MailUnavailable, deliver

log = logging.getLogger(__name__)

QUEUE = "mail"
#: Seconds without a heartbeat after which a worker is taken for dead, and its jobs retried.
STALLED_AFTER = 60

#: Deferring runs on the connection of the caller's transaction (asyncpg), with no pool; a
#: worker opens the app with a pool of its own (`run_worker`).
#: `backend.rounds.schedule` runs on it too: each minute, opening due rounds and sending due reminders.
#: `backend.exchange.digest_schedule` too: each hour, the e-mail digests that are due.
#: `backend.signup.schedule` too: each hour, deleting sign-ups never confirmed (SIGNUP_PURGE_DAYS).
SCHEDULES = ["backend.rounds.schedule", "backend.exchange.digest_schedule", "backend.signup.schedule"]
queue_app = App(connector=QueueConnector(), import_paths=[__name__, *SCHEDULES])


class Backoff(BaseRetryStrategy):
    """Try again after MAIL_RETRY_BASE seconds, then twice as long each time, at most
    MAIL_RETRY_CAP, until MAIL_MAX_ATTEMPTS; only while the server did not take the message."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        config = current()
        if not isinstance(exception, MailUnavailable) or job.attempts + 1 >= config.max_attempts:
            return None
        wait = backoff(job.attempts, config.retry_base, config.retry_cap)
        return RetryDecision(retry_at=datetime.now(UTC) + timedelta(seconds=wait))


def backoff(attempts: int, base: float, cap: float) -> float:
    """Seconds to wait after the attempt numbered `attempts` (0 for the first)."""
    return float(min(cap, base * 2**attempts))


@queue_app.task(name="mail.send", queue=QUEUE, retry=Backoff(), pass_context=True)
async def send_message(context: JobContext, message_id: int) -> None:
    assert context.job is not None
    await deliver(message_id, final_attempt=context.job.attempts + 1 >= current().max_attempts)


async def defer_sending(message_ids: Sequence[int], connection: Any) -> None:
    """A `mail.send` job for each message, on `connection` (the caller's transaction's)."""
    if message_ids:
        await send_message.configure(connection=connection).batch_defer_async(*_jobs(message_ids))


def _jobs(message_ids: Sequence[int]) -> list[JSONDict]:
    return [{"message_id": i} for i in message_ids]


#: Queued messages with no job waiting or running: their job was lost (a job deferred outside
#: a transaction, or deleted by hand). Normally none.
ORPHANS = """
SELECT m.id FROM message m
WHERE m.state = 'queued' AND m.created_at < now() - interval '1 minute'
  AND NOT EXISTS (
    SELECT 1 FROM procrastinate_jobs j
    WHERE j.task_name = 'mail.send' AND j.status IN ('todo', 'doing')
      AND (j.args ->> 'message_id')::bigint = m.id)
ORDER BY m.id LIMIT 1000"""


@queue_app.periodic(cron="* * * * *", periodic_id="mail.sweep")
@queue_app.task(name="mail.sweep", queue=QUEUE, queueing_lock="mail.sweep", pass_context=True)
async def sweep(context: JobContext, timestamp: int) -> None:
    await sweep_once(queue_app)


async def sweep_once(app: App) -> int:
    """Retry the jobs of workers that died mid-job, and give queued messages without a job a
    new one; returns how many jobs it started again or made."""
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER))
    for job in stalled:
        log.warning("retrying job %s of a worker that stopped answering", job.id)
        await app.job_manager.retry_job(job)
    orphans = [int(r["id"]) for r in await fetch(ORPHANS)]
    if orphans:
        await send_message.batch_defer_async(*_jobs(orphans))
    return len(stalled) + len(orphans)


async def run_worker(dsn: str, concurrency: int = 10, *, wait: bool = True, signals: bool = True) -> None:
    """Work the mail queue until stopped (SIGINT/SIGTERM when `signals`), or, with
    `wait=False`, until it is empty. The queue app gets a pool of its own (psycopg) for the
    worker's time: deferring in a transaction never needs one."""
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(
        conninfo=dsn, min_size=1, max_size=concurrency + 2, open=False, check=AsyncConnectionPool.check_connection
    )
    await pool.open(wait=True)
    try:
        async with queue_app.open_async(pool):
            await queue_app.run_worker_async(
                queues=[QUEUE],
                concurrency=concurrency,
                wait=wait,
                install_signal_handlers=signals,
                delete_jobs="successful",
                name="mail",
                fetch_job_polling_interval=1.0,
            )
    finally:
        await pool.close()


@asynccontextmanager
async def worker_in_background(dsn: str, concurrency: int = 4) -> AsyncIterator[None]:
    """A worker in this process's event loop for the duration of the block (the demo)."""
    import asyncio
    import contextlib

    # A line per job suits a worker's own log, not the demo's terminal.
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    task = asyncio.create_task(run_worker(dsn, concurrency, signals=False), name="mail-worker")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
