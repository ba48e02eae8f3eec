from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import JSONB
from piccolo.columns.column_types import Serial
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Publication(Table, tablename="publication", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-11-30T09:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "record in Piccolo's migration state what the raw migration 2026-11-30T09:00 did"


class RecordOnly(MigrationManager):
    """Written by hand around what `--auto` generated: the raw migration 2026-11-30T09:00
    made the publication_basis table, publication.version, and publication.round no longer
    unique alone with SQL, which Piccolo's picture of the schema (built from the migrations'
    operations) does not see, so `--auto` would make them again. These operations put them
    in that picture; running them changes nothing in the database."""

    async def run(self, backwards: bool = False) -> None:
        return None


async def forwards():
    manager = RecordOnly(
        migration_id=ID, app_name="publication", description=DESCRIPTION
    )

    manager.add_table(
        class_name="PublicationBasis",
        tablename="publication_basis",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="PublicationBasis",
        tablename="publication_basis",
        column_name="publication",
        db_column_name="publication",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Publication,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": True,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="PublicationBasis",
        tablename="publication_basis",
        column_name="basis",
        db_column_name="basis",
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

    manager.add_column(
        table_class_name="PublicationBasis",
        tablename="publication_basis",
        column_name="report",
        db_column_name="report",
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

    manager.add_column(
        table_class_name="Publication",
        tablename="publication",
        column_name="version",
        db_column_name="version",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 1,
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

    manager.alter_column(
        table_class_name="Publication",
        tablename="publication",
        column_name="round",
        db_column_name="round",
        params={"unique": False},
        old_params={"unique": True},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
