from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T00:14:16:000000"
VERSION = "1.38.0"
DESCRIPTION = "round.titles for rounds opened before titles had languages"

# Separate from the migration adding the column: Piccolo runs raw steps before adding columns.
# A round opened earlier has one title, written in its questionnaire's default language:
# `titles` gets it under that language (`title` stays as it is).
BACKFILL = """
UPDATE round r
SET titles = jsonb_build_object(coalesce(v.definition->>'default_language', 'en'), r.title)
FROM questionnaire_version v
WHERE v.id = r.version AND r.titles = '{}'::jsonb
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="rounds", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(BACKFILL)

    async def run_backwards():
        await engine_finder().run_ddl("UPDATE round SET titles = '{}'::jsonb")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
