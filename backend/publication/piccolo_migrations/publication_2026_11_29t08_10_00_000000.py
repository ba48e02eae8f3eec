from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T08:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "publications are immutable"

CREATE = (
    """
CREATE FUNCTION publication_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'publications are immutable snapshots (publication %)', OLD.id;
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER publication_immutable
    BEFORE UPDATE ON publication
    FOR EACH ROW EXECUTE FUNCTION publication_immutable()
""",
)

DROP = (
    "DROP TRIGGER publication_immutable ON publication",
    "DROP FUNCTION publication_immutable()",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="publication", description=DESCRIPTION)

    async def run():
        for statement in CREATE:
            await engine_finder().run_ddl(statement)

    async def run_backwards():
        for statement in DROP:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
