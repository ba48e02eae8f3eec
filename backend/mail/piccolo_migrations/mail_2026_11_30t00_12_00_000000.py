from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-30T00:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the job queue's own tables and functions: procrastinate's schema (docs/mail.md)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mail", description=DESCRIPTION)

    async def run():
        # procrastinate's schema as the installed version ships it (pinned in pyproject.toml:
        # a newer procrastinate comes with a migration here that runs its own SQL migrations).
        from procrastinate.schema import SchemaManager

        from backend.database import execute

        # Several statements: `execute` without arguments (PostgreSQL's simple protocol), on
        # the migration's transaction.
        await execute(SchemaManager.get_schema())

    manager.add_raw(run)
    return manager
