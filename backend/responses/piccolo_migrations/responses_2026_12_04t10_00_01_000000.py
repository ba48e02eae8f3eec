from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-04T10:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "answer_change read by response and question in order (the history views)"

# Separate from the migration adding the table: Piccolo runs raw steps before adding tables.
CREATE = "CREATE INDEX answer_change_response_question ON answer_change (response, question, id)"
DROP = "DROP INDEX answer_change_response_question"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="responses", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(CREATE)

    async def run_backwards():
        await engine_finder().run_ddl(DROP)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
