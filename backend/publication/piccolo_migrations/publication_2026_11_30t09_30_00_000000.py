from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.constraints import Unique
from piccolo.engine import engine_finder

ID = "2026-11-30T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one publication per round and version: the raw constraint becomes the table's Unique constraint"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="publication", description=DESCRIPTION)

    # Written by hand: `Publication.one_per_version` replaces the raw constraint of
    # 2026-11-30T09:00 (auto would add the constraint beside it, a duplicate). Raw statements
    # run first, in the same transaction as the constraint, so the pair is never unguarded.
    async def drop_raw_constraint():
        await engine_finder().run_ddl("ALTER TABLE publication DROP CONSTRAINT publication_round_version_key")

    async def restore_raw_constraint():
        await engine_finder().run_ddl(
            "ALTER TABLE publication ADD CONSTRAINT publication_round_version_key UNIQUE (round, version)"
        )

    manager.add_raw(drop_raw_constraint)
    manager.add_raw_backwards(restore_raw_constraint)

    manager.add_constraint(
        table_class_name="Publication",
        tablename="publication",
        constraint_name="one_per_version",
        constraint_class=Unique,
        params={"columns": ["round", "version"], "nulls_distinct": True},
        schema=None,
    )

    return manager
