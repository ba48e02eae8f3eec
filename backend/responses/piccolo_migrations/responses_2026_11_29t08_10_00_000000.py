from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T08:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one response per force and round"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="responses", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX response_round_force_key ON response (round, force)"
        )

    async def run_backwards():
        await engine_finder().run_ddl("DROP INDEX response_round_force_key")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
