from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-11-30T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "a person's language is empty until they choose one (then the browser's language applies)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="partners", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Person",
        tablename="person",
        column_name="language",
        db_column_name="language",
        params={"null": True, "default": None},
        old_params={"null": False, "default": "en"},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
