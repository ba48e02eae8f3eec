"""What disclosure control withholds on the demo data: the demo is seeded into a fresh database
(the same code as `practice-exchange demo`) and each published version's suppression report is
counted by reason.

    .venv/bin/python bench/disclosure_demo.py

Uses DATABASE_URL's server (a fresh database is created and dropped) or an embedded PostgreSQL.
The table goes into docs/performance.md and docs/disclosure-control.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.database import DB, EmbeddedPostgres, configure, fetch, migrate  # noqa: E402
from backend.demo.seed import seed_demo  # noqa: E402
from backend.publication.disclosure import DisclosedRound  # noqa: E402
from backend.surveys.services import sync_folder  # noqa: E402


async def report() -> None:
    await migrate()
    await DB.start_connection_pool(min_size=1, max_size=2)
    try:
        await sync_folder(ROOT / "surveys")
        await seed_demo("http://127.0.0.1:8000", secrets.token_urlsafe(32))
        rows = await fetch(
            "SELECT r.title, p.version, p.min_group_size, p.snapshot, b.report, "
            "(SELECT count(*) FROM response x WHERE x.round = r.id AND x.status = 'submitted') AS forces "
            "FROM publication p JOIN round r ON r.id = p.round JOIN publication_basis b ON b.publication = p.id "
            "ORDER BY p.published_at"
        )
        print(
            "| round | forces | k | cells shown | withheld: threshold | dominance | follows | crowd | linear | diff. |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for row in rows:
            snapshot = row["snapshot"]
            disclosed = DisclosedRound.from_snapshot(json.loads(snapshot) if isinstance(snapshot, str) else snapshot)
            entries = row["report"]
            entries = json.loads(entries) if isinstance(entries, str) else entries
            cells = [e for e in entries if e["question"] is not None]  # type: ignore[union-attr]
            reasons = Counter(e["exposure"]["check"] if "exposure" in e else e["reason"] for e in cells)
            shown = len(disclosed.shown_cells())
            total = shown + len(cells)
            print(
                f"| {row['title']} | {row['forces']} | {row['min_group_size']} | {shown} of {total} "
                f"({100 * shown / total:.0f}%) | {reasons['threshold']} | {reasons['dominance']} | "
                f"{reasons['parent']} | {reasons['crowd']} | {reasons['linear']} | {reasons['difference']} |"
            )
    finally:
        await DB.close_connection_pool()


def main() -> None:
    folder = None
    server_dsn = os.environ.get("DATABASE_URL")
    embedded = None
    if not server_dsn:
        folder = Path(tempfile.mkdtemp(prefix="px-bench-"))
        folder.chmod(0o755)
        embedded = EmbeddedPostgres(folder)
        server_dsn = embedded.start()
    name = f"px_bench_{secrets.token_hex(3)}"
    parts = urlsplit(server_dsn)
    dsn = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(server_dsn)
        await conn.execute(sql)
        await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        configure(dsn)
        asyncio.run(report())
    finally:
        asyncio.run(admin(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if embedded is not None:
            embedded.stop()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
