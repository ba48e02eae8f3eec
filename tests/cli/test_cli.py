"""The `practice-exchange` command, run as a real process."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import free_port
from tests.integration.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str, env: dict[str, str] | None = None, input: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
    )


def test_validate_shipped_questionnaires() -> None:
    result = run("surveys", "validate", "surveys/")
    assert result.returncode == 0, result.stdout
    assert "2 questionnaire file(s) valid" in result.stdout


def test_validate_reports_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'id: x\nversion: "1"\ntitle: X\nsections:\n  - id: s\n    title: S\n    questions:\n'
        "      - {id: q, type: numbr, label: Q}\n      - {id: r, type: yes_no, label: R, requird: true}\n"
    )
    result = run("surveys", "validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:8:23: unknown question type 'numbr' (did you mean \"number\"?)" in result.stdout
    assert f'{bad}:9:41: unknown key "requird" in a yes_no question (did you mean "required"?)' in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_warns_about_missing_translations_and_strict_refuses_them(tmp_path: Path) -> None:
    partial = tmp_path / "partial.yaml"
    partial.write_text(
        'id: x\nversion: "1"\ntitle: {en: X, fr: X}\nlanguages: [en, fr]\nsections:\n'
        "  - id: s\n    title: {en: S, fr: S}\n    questions:\n"
        "      - {id: q, type: yes_no, label: Only English}\n"
    )
    result = run("surveys", "validate", str(partial))
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        f'{partial}:9:38: warning: missing "fr" translation',
        "1 questionnaire file(s) valid (1 missing translation(s): warnings; --strict makes them errors)",
    ]
    strict = run("surveys", "validate", "--strict", str(partial))
    assert strict.returncode == 1
    assert strict.stdout.splitlines() == [f'{partial}:9:38: missing "fr" translation', "1 problem(s) in 1 file(s)"]
    assert run("surveys", "validate", "--strict", "surveys/").returncode == 0


def test_show_json_is_stable() -> None:
    first = run("surveys", "show", "surveys/force-profile.yaml", "--json")
    second = run("surveys", "show", "surveys/force-profile.yaml", "--json")
    assert first.returncode == 0 and first.stdout == second.stdout
    assert first.stdout.startswith('{\n  "id": "force-profile",')


def test_serve_refuses_without_database_or_secret() -> None:
    result = run("serve")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("practice-exchange: error: DATABASE_URL is not set")
    result = run("serve", env={"DATABASE_URL": "postgresql://x@127.0.0.1:1/x"})
    assert result.returncode == 1 and "SECRET_KEY" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_database_unreachable_is_one_line() -> None:
    result = run(
        "serve",
        "--port",
        str(free_port()),
        env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "SECRET_KEY": "x" * 40},
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("practice-exchange: error: database unreachable")


def test_port_taken_and_bad_options(database_dsn: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            env={"DATABASE_URL": database_dsn, "SECRET_KEY": "x" * 40},
        )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"practice-exchange: error: port {port} on 127.0.0.1 is already in use (choose another with --port)"
    )
    result = run("serve", "--port", "many")
    assert result.returncode == 2 and "invalid int value" in result.stderr and "Traceback" not in result.stderr


def test_migrate_and_staff_create(database_dsn: str) -> None:
    env = {"DATABASE_URL": database_dsn}
    result = run("migrate", env=env)
    assert result.returncode == 0 and "up to date" in result.stdout
    created = run("staff", "create", "First.Admin@Example.org", "--password-stdin", env=env, input="a long password\n")
    assert created.returncode == 0, created.stderr
    assert "created admin first.admin@example.org" in created.stdout
    again = run("staff", "create", "first.admin@example.org", "--link", env=env)
    assert again.returncode == 1 and "already has an account" in again.stderr
    link = run("staff", "create", "second@example.org", "--link", env=env)
    assert link.returncode == 0 and "/sign-in/link/" in link.stdout
    short = run("staff", "create", "third@example.org", "--password-stdin", env=env, input="elevenchars\n")
    assert short.returncode == 2 and "Use at least 12 characters" in short.stderr
    common = run("staff", "create", "third@example.org", "--password-stdin", env=env, input="Qwerty123456\n")
    assert common.returncode == 2 and "one of the most common passwords" in common.stderr


def _postgres_for(data_dir: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(proc.info.get("cmdline") or [])
        if proc.info.get("name") == "postgres" and str(data_dir) in cmdline:
            found.append(proc)
    return found


@pytest.mark.timeout_sensitive
def test_demo_starts_persists_and_stops_cleanly() -> None:
    # Outside pytest's own temporary tree (0700 folders that pytest may prune): the embedded
    # server runs as its own user when the tests run as root.
    base = Path(tempfile.mkdtemp(prefix="px-demo-test-"))
    base.chmod(0o755)
    data_dir = base / "demo-data"
    try:
        _demo_twice(data_dir)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _demo_twice(data_dir: Path) -> None:
    for attempt in range(2):
        if attempt == 1:
            # As if a demo had been killed outright: its registration is left behind, and must
            # not keep the database running after the next demo stops.
            dead = subprocess.Popen([sys.executable, "-c", "pass"])
            dead.wait()
            (data_dir / "pgdata" / ".handle_pids.json").write_text(f"[{dead.pid}]")
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "backend", "demo", "--port", str(port)],
            cwd=ROOT,
            env={**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "DATA_DIR": str(data_dir)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines = []
        try:
            deadline = time.time() + 90
            while time.time() < deadline:
                line = proc.stdout.readline()  # type: ignore[union-attr]
                lines.append(line)
                if "Serving on" in line:
                    break
            output = "".join(lines)
            assert "Serving on" in output, output
            assert ("demo data created" if attempt == 0 else "demo data already present (kept)") in output
            assert "admin@practice-exchange.test / demo-admin-password" in output
            assert "docs/examples/newcomer-forces.csv" in output  # the newcomer's path (docs/newcomer.md)
            for _ in range(50):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            assert httpx.get(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok", "database": "ok"}
            link = re.search(r"(http://127\.0\.0\.1:\d+/r/\S+)", output)
            assert link, output
            start = httpx.get(link.group(1))
            assert start.status_code == 200 and "Drug market practice 2027" in start.text
            if attempt == 0:
                _demo_features(port, output)
            assert _postgres_for(data_dir)
        finally:
            proc.send_signal(signal.SIGINT)
            rest = proc.communicate(timeout=60)[0]
        assert proc.returncode == 0, rest
        assert "Traceback" not in rest
        time.sleep(0.5)
        assert not _postgres_for(data_dir), "the embedded PostgreSQL was left running"


def _demo_features(port: int, output: str) -> None:
    """The demo's seeds of issue 12 are there: the public page lists the published report and
    links to the sign-up form; the demo partner sees the published practice notes (also beside
    a round's charts), the announced meeting and the library."""
    partner = re.search(r"partner \(.*\): (\S+) / (\S+)", output)
    assert partner, output
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        about = client.get("/about")
        assert about.status_code == 200 and "Managing open-air drug markets" in about.text
        assert 'href="/signup"' in about.text and client.get("/signup").status_code == 200
        page = client.get("/sign-in")
        signed = client.post(
            "/sign-in",
            data={"email": partner.group(1), "password": partner.group(2), "_csrf_token": csrf_token(page.text)},
        )
        assert signed.status_code == 303 and signed.headers["location"] == "/dashboard"
        dashboard = client.get("/dashboard")
        assert dashboard.status_code == 200
        rounds = re.findall(r'href="(/dashboard/rounds/\d+)"', dashboard.text)
        assert rounds, dashboard.text
        assert any(re.search(r'href="/practice/\d+"', client.get(path).text) for path in rounds)
        practice = client.get("/practice")
        assert practice.status_code == 200 and "Naloxone carried by every response officer" in practice.text
        note = re.search(r'href="(/practice/\d+)"', practice.text)
        assert note and client.get(note.group(1)).status_code == 200
        meetings = client.get("/meetings")
        assert meetings.status_code == 200 and "Peer exchange: open-air drug markets" in meetings.text
        meeting = re.search(r'href="(/meetings/\d+)"', meetings.text)
        assert meeting and client.get(meeting.group(1)).status_code == 200
        assert client.get("/library").status_code == 200


def _links(database_dsn: str, secret_key: str) -> tuple[str, str]:
    """A personal invitation path and a one-time sign-in path, made through the services."""
    from backend.auth.services import create_sign_in_link
    from backend.rounds.services import invitation_url, round_invitations
    from tests.conftest import truncate_all
    from tests.factories import make_world, open_test_round

    async def make() -> tuple[str, str]:
        await truncate_all(database_dsn)
        world = await make_world(ROOT / "surveys", forces=1, survey="force-profile.yaml")
        round_id = await open_test_round(world, secret_key)
        nonce = (await round_invitations(round_id))[0].nonce
        sign_in_token = await create_sign_in_link(world.staff.person_id)
        return invitation_url("", secret_key, nonce), f"/sign-in/link/{sign_in_token}"

    return asyncio.run(make())


@pytest.mark.timeout_sensitive
def test_logs_hold_no_link_secret_and_no_client_address(database_dsn: str) -> None:
    secret_key = "log-test-secret-key-0123456789"
    invitation, sign_in_link = _links(database_dsn, secret_key)
    # The server listens on 127.0.0.3 and the client speaks from 127.0.0.1: any "127.0.0.1" in
    # the output is the client's address.
    host, port = "127.0.0.3", free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--host", host, "--port", str(port)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_dsn,
            "SECRET_KEY": secret_key,
            "BASE_URL": "https://px.example.org",
            "SIGN_IN_RATE_LIMIT": "6",
            "ADDRESS_RATE_LIMIT": "6",
            "ALLOWED_HOSTS": host,  # requests name the server by its address, not BASE_URL's host
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        client = httpx.Client(
            base_url=f"http://{host}:{port}", transport=httpx.HTTPTransport(local_address="127.0.0.1")
        )
        _wait_until_up(client)
        start = client.get(invitation)
        assert start.status_code == 200
        assert client.post(invitation, data={"_csrf_token": csrf_token(start.text)}).status_code == 303
        page = client.get(sign_in_link)
        assert page.status_code == 200
        assert client.post(sign_in_link, data={"_csrf_token": csrf_token(page.text)}).status_code == 303
        # guessing links until the rate limit refuses: its warning names no address either
        codes = [client.get(f"/r/guess-{i}-abcdefghijklmnop").status_code for i in range(8)]
        assert codes[0] == 404 and 429 in codes
        client.close()
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=60)[0]
    assert '"GET /r/[redacted] HTTP/1.1" 200' in output, output
    assert '"POST /sign-in/link/[redacted] HTTP/1.1" 303' in output, output
    assert "rate limit reached: GET /r/[redacted]" in output, output
    for secret in (invitation.rsplit("/", 1)[1], sign_in_link.rsplit("/", 1)[1], "guess-"):
        assert secret not in output
    assert "127.0.0.1" not in output, output


def _wait_until_up(client: httpx.Client) -> None:
    for _ in range(150):
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")
