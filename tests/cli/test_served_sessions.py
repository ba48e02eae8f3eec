"""Links and sessions against the real server: `practice-exchange serve --workers 2` on the
test database, so that every check holds whichever worker answers (no worker may remember a
link or a session on its own)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import asyncpg
import httpx
import psutil
import pytest

from backend.responses.services import get_response
from backend.rounds.services import invitation_url, replace_invitation, round_invitations
from tests.conftest import free_port, truncate_all
from tests.factories import make_world, open_test_round

ROOT = Path(__file__).resolve().parents[2]
SECRET = "served-sessions-secret-key-0123456789"
TYPED = "Typed while staff sent a new link"


@contextmanager
def serving(dsn: str, workers: int = 2, **env: str) -> Iterator[str]:
    """`practice-exchange serve --workers N` on `dsn`; yields its base URL once /healthz
    answers, and always stops it (and its workers) afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # A file, not a pipe: a server writing more than a pipe holds would block on it.
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in the finally below)
    command = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend", *command],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": dsn, "SECRET_KEY": SECRET, "BASE_URL": base, "LOG_LEVEL": "WARNING", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"serve exited with {proc.returncode}: {log.read()}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("serve did not answer /healthz within 60 s")
            time.sleep(0.1)
        _wait_for_workers(proc.pid, workers)
        yield base
    finally:
        _stop(proc)
        log.close()


def _wait_for_workers(pid: int, workers: int) -> None:
    """uvicorn's supervisor answers as soon as one worker does; wait for all of them to run."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = psutil.Process(pid).children()
        if len(children) >= workers:
            return
        time.sleep(0.1)


def _stop(proc: subprocess.Popen[str]) -> None:
    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    proc.terminate()
    try:
        proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
    for child in family:
        with suppress(psutil.NoSuchProcess):
            child.kill()


def _csrf(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def _set_up(dsn: str, surveys_dir: Path) -> tuple[int, int, int, str]:
    await truncate_all(dsn)
    world = await make_world(surveys_dir, forces=1, survey="force-profile.yaml")
    round_id = await open_test_round(world, SECRET)
    invitation = (await round_invitations(round_id))[0]
    return round_id, world.force_ids[0], invitation.id, invitation_url("", SECRET, invitation.nonce)


async def _new_link(round_id: int) -> str:
    return invitation_url("", SECRET, (await round_invitations(round_id))[0].nonce)


async def _key_exists(dsn: str, key: str) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        return bool(await conn.fetchval("SELECT count(*) FROM key_value WHERE key = $1", key))
    finally:
        await conn.close()


async def _insert_expired(dsn: str, key: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO key_value (key, value, expires_at) VALUES ($1, 'x', now() - interval '1 minute')", key
        )
    finally:
        await conn.close()


@pytest.mark.timeout_sensitive
def test_new_link_ends_sessions_on_every_worker(database_dsn: str, surveys_dir: Path) -> None:
    round_id, force_id, invitation_id, link = asyncio.run(_set_up(database_dsn, surveys_dir))
    with serving(database_dsn, workers=2, SESSION_PURGE_INTERVAL="1") as base:
        with httpx.Client(base_url=base) as respondent:
            start = respondent.get(link)
            assert start.status_code == 200
            opened = respondent.post(link, data={"_csrf_token": _csrf(start.text)})
            assert opened.status_code == 303
            page = respondent.get("/respond/section/profile")
            assert page.status_code == 200
            cookies = dict(respondent.cookies)
        before = asyncio.run(get_response(round_id, force_id))

        asyncio.run(replace_invitation(invitation_id, SECRET))

        # A fresh connection each time, so that the requests spread over both workers.
        for _ in range(8):
            with httpx.Client(base_url=base, cookies=cookies) as c:
                refused = c.get("/respond")
                assert refused.status_code == 403 and "no longer valid" in refused.text
        with httpx.Client(base_url=base, cookies=cookies) as c:
            saved = c.post(
                "/respond/section/profile",
                data={"role_notes": TYPED, "force_type": "city", "revision": "0", "action": "draft"}
                | {"_csrf_token": _csrf(page.text)},
            )
            assert saved.status_code == 403 and TYPED in saved.text and "no longer valid" in saved.text
            submitted = c.post("/respond/submit", data={"revision": "0", "_csrf_token": _csrf(page.text)})
            assert submitted.status_code == 403
        assert asyncio.run(get_response(round_id, force_id)) == before  # nothing was written

        with httpx.Client(base_url=base) as again:
            new_link = asyncio.run(_new_link(round_id))
            start = again.get(new_link)
            assert again.post(new_link, data={"_csrf_token": _csrf(start.text)}).status_code == 303
            assert again.get("/respond").status_code == 200

        # The workers purge expired sessions on their schedule (SESSION_PURGE_INTERVAL=1).
        asyncio.run(_insert_expired(database_dsn, "sessions:abandoned"))
        deadline = time.monotonic() + 15
        while asyncio.run(_key_exists(database_dsn, "sessions:abandoned")):
            assert time.monotonic() < deadline, "expired session not purged"
            time.sleep(0.2)
