from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the page the last save of a response came from (a page's own saves are no conflict)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="responses", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Response",
        tablename="response",
        column_name="saved_by_page",
        db_column_name="saved_by_page",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
