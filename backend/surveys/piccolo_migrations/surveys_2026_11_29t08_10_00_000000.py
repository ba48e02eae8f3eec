from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T08:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "questionnaire versions are immutable"

CREATE = (
    """
CREATE FUNCTION questionnaire_version_immutable() RETURNS trigger AS $$
BEGIN
    IF NEW.definition IS DISTINCT FROM OLD.definition
       OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
       OR NEW.source IS DISTINCT FROM OLD.source THEN
        RAISE EXCEPTION 'questionnaire versions are immutable (version %)', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER questionnaire_version_immutable
    BEFORE UPDATE ON questionnaire_version
    FOR EACH ROW EXECUTE FUNCTION questionnaire_version_immutable()
""",
)

DROP = (
    "DROP TRIGGER questionnaire_version_immutable ON questionnaire_version",
    "DROP FUNCTION questionnaire_version_immutable()",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="surveys", description=DESCRIPTION)

    async def run():
        for statement in CREATE:
            await engine_finder().run_ddl(statement)

    async def run_backwards():
        for statement in DROP:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
