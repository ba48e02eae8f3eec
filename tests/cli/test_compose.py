"""compose.yaml cannot be run here (no Docker engine), so it is checked by reading, and what
its app service runs (migrate, then serve, configured by DATABASE_URL) is run for real."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_services() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "app", "worker", "mailpit"}
    pg = services["postgres"]
    assert "pgdata:/var/lib/postgresql/data" in pg["volumes"]
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    app = services["app"]
    assert app["build"] == "."
    assert app["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    env = app["environment"]
    assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")  # compose refuses to start without one
    assert env["SMTP_HOST"] == "mailpit"
    assert "pgdata" in compose()["volumes"]


def test_compose_worker_sends_the_apps_mail() -> None:
    services = compose()["services"]
    worker, app = services["worker"], services["app"]
    assert worker["command"] == ["practice-exchange", "worker"]
    assert worker["build"] == app["build"]
    # After the app has migrated (its healthcheck passes), with the same database and secret.
    assert worker["depends_on"] == {"app": {"condition": "service_healthy"}}
    for name in ("DATABASE_URL", "SECRET_KEY", "BASE_URL", "MAIL_FROM"):
        assert worker["environment"][name] == app["environment"][name], name
    assert worker["environment"]["SMTP_HOST"] == "${SMTP_HOST:-mailpit}"


def test_compose_trusts_forwarded_for_from_its_own_network_only() -> None:
    subnets = [c["subnet"] for c in compose()["networks"]["default"]["ipam"]["config"]]
    env = compose()["services"]["app"]["environment"]
    assert env["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-" + ",".join(subnets) + "}"
    assert "ALLOWED_HOSTS" in env


def test_dockerfile_runs_as_non_root() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile


def test_the_app_command_runs(database_dsn: str) -> None:
    """Run the app service's command, as compose would, with the test database as DATABASE_URL."""
    command = compose()["services"]["app"]["command"]
    assert command[:2] == ["sh", "-c"]
    steps = [shlex.split(s.replace("exec ", "")) for s in command[2].split("&&")]
    assert [s[:2] for s in steps] == [["practice-exchange", "migrate"], ["practice-exchange", "serve"]]
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_dsn, "SECRET_KEY": "compose-test-secret-key-1234567890"}
    migrate = subprocess.run(
        [sys.executable, "-m", "backend", *steps[0][1:]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert migrate.returncode == 0, migrate.stderr
    serve_args = [a if a != "8000" else str(port) for a in steps[1][1:]]
    serve_args = [a if a != "0.0.0.0" else "127.0.0.1" for a in serve_args]
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend", *serve_args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(200):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                if response.status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response.json() == {"status": "ok", "database": "ok"}
        # two workers answer; both see the same sessions (kept in PostgreSQL)
        assert httpx.get(f"http://127.0.0.1:{port}/sign-in").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
