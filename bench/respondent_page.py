"""The respondent's question page and autosave against a bare route of the same app, served by
`practice-exchange serve` and loaded by wrk, and the question page's latency at a fixed
offered rate (open loop).

    .venv/bin/python bench/respondent_page.py [--seconds 8] [--connections 8] [--repeat 3]
                                              [--workers 1] [--rate 200] [--open-seconds 10]
                                              [--stack auto|asyncio]

Seeds a round of the real questionnaire for `connections` forces into a fresh database and
opens each force's personal link once: every connection keeps its own respondent session (and
its own response, so that autosaves do not conflict). Rows, each a wrk run (bench/harness.py):

- bare, no cookie: `GET /bench/bare` (no database, no template) with no cookie at all;
- bare, session cookie: the same with the respondent's session and CSRF cookies (what the
  session costs);
- question page: `GET /respond/section/strategy`;
- autosave: `POST /respond/section/strategy/autosave`, form fields, the session's CSRF token
  in `X-CSRFToken` and the revision of the previous answer (every save is a real save).

Then the question page at `--rate` requests/s, open loop (bench/openloop.py). The figures go
into docs/performance.md: ratios against the baseline measured in the same run, never
pass/fail timings. Needs wrk (Debian: apt-get install wrk; the script stops at once, saying so,
when it is missing). `--stack asyncio` serves with asyncio's event loop and h11 instead of
uvloop and httptools (uvicorn[standard]), to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    BARE_PATH,
    ROOT,
    STACKS,
    Session,
    WrkResult,
    free_port,
    fresh_database,
    machine_load,
    open_link,
    reload,
    require_wrk,
    serve,
    settings_for,
    wrk,
)
from openloop import get_request, open_loop

SECTION = "/respond/section/strategy"
AUTOSAVE = f"{SECTION}/autosave"
#: What the page would post as someone answers its first questions (the revision is added).
AUTOSAVE_BODY = "has_drug_strategy=yes&strategy_adopted=2020-01-01&strategy_harm_goals=yes"


async def seed(base_url: str, secret_key: str, forces: int) -> list[str]:
    """`forces` forces with a respondent each, a round of the real questionnaire for them all,
    and their personal links."""
    from backend.database import DB
    from backend.partners.services import create_force, create_person
    from backend.rounds.services import NewRound, invitation_url, open_round, round_invitations
    from backend.security.roles import Viewer
    from backend.surveys.services import sync_folder
    from backend.surveys.tables import QuestionnaireVersion

    await DB.start_connection_pool(min_size=1, max_size=2)
    try:
        await sync_folder(ROOT / "surveys")
        staff = await create_person("bench@example.org", "Bench", "admin")
        force_ids = []
        for i in range(forces):
            force = await create_force(f"Bench force {i}", f"bench-{i}", "X", "europe", "national", "under_1000")
            await create_person(f"r{i}@example.org", f"R{i}", "partner", force_id=force, can_respond=True)
            force_ids.append(force)
        version = (
            await QuestionnaireVersion.select(QuestionnaireVersion.id)
            .where(QuestionnaireVersion.source_name == "drug-market-practice.yaml")
            .first()
        )
        assert version is not None
        creator = Viewer(staff, "B", "b", "admin", None, False, "en")
        round_id, _ = await open_round(NewRound("Bench", version["id"], force_ids, 3, None), secret_key, creator)
        return [invitation_url(base_url, secret_key, i.nonce) for i in await round_invitations(round_id)]
    finally:
        await DB.close_connection_pool()


def throughput(base: str, sessions: list[Session], seconds: float, repeat: int) -> dict[str, float]:
    connections = len(sessions)
    targets: dict[str, tuple[str, list[Session], str | None]] = {
        "bare, no cookie": (BARE_PATH, [], None),
        "bare, session cookie": (BARE_PATH, sessions, None),
        "question page": (SECTION, sessions, None),
        "autosave": (AUTOSAVE, sessions, AUTOSAVE_BODY),
    }

    def run(path: str, jar: list[Session], body: str | None, seconds: float) -> WrkResult:
        if body is not None:  # autosaves start from the revision the responses are at now
            jar = [reload(base, s, SECTION) for s in jar]
        return wrk(base + path, seconds, connections, jar, body=body)

    for path, jar, body in targets.values():
        run(path, jar, body, 1)  # warm-up: caches, pools, the interpreter
    runs: dict[str, list[WrkResult]] = {name: [] for name in targets}
    for n in range(repeat):
        for name, (path, jar, body) in targets.items():
            result = run(path, jar, body, seconds)
            if result.errors:
                raise SystemExit(f"{name}: {result.errors} errors (status >= 400 or socket errors)")
            runs[name].append(result)
            print(f"run {n + 1}: {name:22} {result.row()}", flush=True)
    rps = {name: statistics.median(r.requests_per_second for r in results) for name, results in runs.items()}
    cpu = {name: statistics.median(r.cpu_us for r in results) for name, results in runs.items()}
    bare, bare_cpu = rps["bare, no cookie"], cpu["bare, no cookie"]
    print(f"\nmedians of {repeat} ({connections} connections, {seconds:g} s each):")
    for name, value in rps.items():
        # The CPU ratio is what the throughput ratio would be on a machine where the server
        # alone is the bottleneck (here it shares the cores with wrk, PostgreSQL and others).
        cpu_ratio = (
            f"   server CPU {cpu[name]:6.0f} µs/request, bare's / this {bare_cpu / cpu[name]:5.2f}" if cpu[name] else ""
        )
        print(f"  {name:22} {value:9.1f} req/s   / bare {value / bare:5.2f}{cpu_ratio}")
    return rps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=8, help="connections, each with its own session")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each row, interleaved; medians reported")
    parser.add_argument("--workers", type=int, default=1, help="serve --workers")
    parser.add_argument("--rate", type=float, default=200.0, help="open loop: offered requests/s (0: skip)")
    parser.add_argument("--open-seconds", type=float, default=10.0, help="open loop: measured seconds")
    parser.add_argument("--stack", choices=STACKS, default="auto", help="auto: as `serve` (uvloop, httptools)")
    args = parser.parse_args()
    require_wrk()

    print("before:", machine_load(args.stack), flush=True)
    with fresh_database() as dsn:
        port = free_port()
        settings = settings_for(dsn, port, secrets.token_urlsafe(32))
        links = asyncio.run(seed(settings.base_url, settings.secret_key, args.connections))
        with serve(settings, port, workers=args.workers, stack=args.stack) as base:
            sessions = [open_link(base, link, SECTION) for link in links]
            if args.seconds > 0:
                throughput(base, sessions, args.seconds, args.repeat)
            if args.rate > 0:
                requests = [get_request(f"127.0.0.1:{port}", SECTION, s.cookie) for s in sessions]
                result = open_loop("127.0.0.1", port, requests, rate=args.rate, seconds=args.open_seconds)
                print(f"\nquestion page, open loop ({args.workers} worker(s)): {result.row()}")
    print("after: ", machine_load(args.stack))


if __name__ == "__main__":
    main()
