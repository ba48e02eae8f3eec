from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T20:52:36:000000"
VERSION = "1.38.0"
DESCRIPTION = "at most one pending change per force and dimension"

# A partial unique index, which Piccolo's columns cannot express; in a migration of its own
# because Piccolo runs raw steps before creating tables.


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="profile_changes", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX profile_change_one_pending ON profile_change (force, dimension) "
            "WHERE status = 'pending'"
        )

    async def run_backwards():
        await engine_finder().run_ddl("DROP INDEX profile_change_one_pending")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
