from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.constraints import Unique
from piccolo.engine import engine_finder

ID = "2026-11-29T22:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one response per force and round: the unique index becomes the table's Unique constraint"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="responses", description=DESCRIPTION)

    # Written by hand: `Response.one_per_force` replaces the raw unique index of
    # 2026-11-29T08:10 (auto would add the constraint beside it, a duplicate). Raw statements
    # run first, in the same transaction as the constraint, so the pair is never unguarded.
    async def drop_index():
        await engine_finder().run_ddl("DROP INDEX response_round_force_key")

    async def restore_index():
        await engine_finder().run_ddl("CREATE UNIQUE INDEX response_round_force_key ON response (round, force)")

    manager.add_raw(drop_index)
    manager.add_raw_backwards(restore_index)

    manager.add_constraint(
        table_class_name="Response",
        tablename="response",
        constraint_name="one_per_force",
        constraint_class=Unique,
        params={"columns": ["round", "force"], "nulls_distinct": True},
        schema=None,
    )

    return manager
