"""Aggregating a round (`analysis.aggregates.aggregate_round`) against one hand-written SQL pass
over the same answers, at growing numbers of submitted responses, with the memory it takes.

    .venv/bin/python bench/aggregation.py [--sizes 10000,100000] [--repeat 3]

For each size, a round of the real questionnaire with that many forces, each with a submitted
response (answers drawn from 2,000 sets made by `demo.answers.random_answers`, so every kind of
question is answered as respondents would), spread over every peer group. Then, each timed
`--repeat` times (median reported):

- the aggregation: everything staff and publication read, from `aggregate_round`;
- the baseline: one hand-written statement that reads every answer to the same questions once
  and counts each distinct answer (as text) per group with the same GROUPING SETS: the least
  any aggregation must do, one pass over every answer with nothing computed beyond counting,
  its rows fetched into Python. (`aggregate_round` makes four such passes, since kinds of
  answer unpack their values differently: categorical answers with who answered every
  question, lists, numbers, objects.)

"memory" is the peak of Python allocations during one aggregation (tracemalloc): it stays
flat as responses grow, since only per-group figures come back from the database. The figures
go into docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, fresh_database, machine_load

from backend.analysis.aggregates import (
    _DIMS,
    _GROUPING_COLUMNS,
    _GROUPING_FLAGS,
    _JOIN_GROUPS,
    _SCALAR,
    _sets,
    aggregate_round,
)
from backend.database import DB, execute, fetch, fetchrow
from backend.demo.answers import random_answers
from backend.partners.peer_groups import VALUES
from backend.surveys import AGGREGATE_KIND, Survey
from backend.surveys.services import load_version, sync_folder

#: The baseline: every answer read once, counted per distinct value and group.
SINGLE_PASS = (
    f"SELECT e.key AS q, e.value #>> '{{}}' AS v, {_GROUPING_FLAGS}, {_GROUPING_COLUMNS}, count(*) AS n "
    f"FROM response r {_JOIN_GROUPS} CROSS JOIN LATERAL jsonb_each(r.answers) e "
    "WHERE r.round = $1 AND r.status = 'submitted' AND e.key = ANY($2::text[]) "
    f"GROUP BY {_sets('e.key', _SCALAR)}"
)

POOL = 2000


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]"


async def make_round(version_id: int, survey: Survey, size: int, pool: list[str]) -> int:
    """A round with `size` forces, each in peer groups of its own mix, each with a submitted
    response drawn from `pool`; its id."""
    regions, types, bands = (list(VALUES[d]) for d in _DIMS)
    row = await fetchrow(
        "INSERT INTO round (title, version, status, min_group_size, created_at) "
        "VALUES ($1, $2, 'closed', 3, now()) RETURNING id",
        f"Bench round of {size}",
        version_id,
    )
    assert row is not None
    round_id = int(row["id"])
    first = await fetchrow("SELECT coalesce(max(id), 0) AS last FROM force")
    assert first is not None
    offset = int(first["last"])
    await execute(
        "INSERT INTO force (name, code, country, region, force_type, size_band, active, created_at) "
        f"SELECT 'Force ' || g, 'bench-{round_id}-' || g, 'X', "
        f"({_array(regions)})[1 + g % {len(regions)}], ({_array(types)})[1 + (g / 7) % {len(types)}], "
        f"({_array(bands)})[1 + (g / 3) % {len(bands)}], true, now() FROM generate_series(1, $1) g",
        size,
    )
    await execute(
        "INSERT INTO round_force (round, force, region, force_type, size_band) "
        "SELECT $1, f.id, f.region, f.force_type, f.size_band FROM force f WHERE f.id > $2",
        round_id,
        offset,
    )
    await execute(
        "INSERT INTO response (round, force, status, revision, answers, language, started_at, updated_at, "
        "submitted_at) SELECT $1, f.id, 'submitted', 1, ($3::jsonb[])[1 + f.id % array_length($3::jsonb[], 1)], 'en', "
        "now(), now(), now() FROM force f WHERE f.id > $2",
        round_id,
        offset,
        pool,
    )
    await execute("ANALYZE response")
    await execute("ANALYZE round_force")
    return round_id


async def timed(repeat: int, *works: Callable[[], Awaitable[object]]) -> list[float]:
    """The median time of each of `works`, run `repeat` times in turn (interleaved, so that a
    change in the machine's load weighs on all of them alike)."""
    times: list[list[float]] = [[] for _ in works]
    for _ in range(repeat):
        for spent, work in zip(times, works, strict=True):
            started = time.perf_counter()
            await work()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


async def run(sizes: list[int], repeat: int) -> None:
    import json

    await DB.start_connection_pool(min_size=1, max_size=2)
    try:
        await sync_folder(ROOT / "surveys")
        row = await fetchrow(
            "SELECT id FROM questionnaire_version WHERE source_name = 'drug-market-practice.yaml' ORDER BY id LIMIT 1"
        )
        assert row is not None
        version_id = int(row["id"])
        survey = await load_version(version_id)
        rng = random.Random(7)
        pool = [json.dumps(random_answers(survey, rng)) for _ in range(POOL)]
        ids = [q.id for q in survey.questions() if q.type in AGGREGATE_KIND]
        print(f"{len(ids)} aggregated questions; answers drawn from {POOL} random sets", flush=True)
        print(f"{'responses':>10} {'aggregation':>12} {'single pass':>12} {'ratio':>6} {'peak memory':>12}")
        for size in sizes:
            round_id = await make_round(version_id, survey, size, pool)
            await aggregate_round(round_id, survey)  # warm: plans, caches
            await fetch(SINGLE_PASS, round_id, ids)
            aggregation, single = await timed(
                repeat, lambda r=round_id: aggregate_round(r, survey), lambda r=round_id: fetch(SINGLE_PASS, r, ids)
            )
            tracemalloc.start()
            await aggregate_round(round_id, survey)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"{size:>10} {aggregation:>11.2f}s {single:>11.2f}s {aggregation / single:>6.2f} {peak / 1e6:>10.1f}MB",
                flush=True,
            )
    finally:
        await DB.close_connection_pool()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="numbers of submitted responses, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("before:", machine_load(), flush=True)
    with fresh_database():
        asyncio.run(run([int(s) for s in args.sizes.split(",")], args.repeat))
    print("after: ", machine_load())


if __name__ == "__main__":
    main()
