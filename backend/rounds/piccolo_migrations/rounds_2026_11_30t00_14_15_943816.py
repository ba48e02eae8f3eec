from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSONB
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T00:14:15:943816"
VERSION = "1.38.0"
DESCRIPTION = "round.titles: the title in each language"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="rounds", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Round",
        tablename="round",
        column_name="titles",
        db_column_name="titles",
        column_class_name="JSONB",
        column_class=JSONB,
        params={
            "default": "{}",
            "null": False,
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
