from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T20:52:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "round_force for rounds opened before groups were frozen"

# Separate from the migration creating the table: Piccolo runs raw steps before creating
# tables. Rounds opened earlier get their invited forces' attributes as they are now (the
# best record there is). Every response comes through an invitation, so aggregation (which
# joins round_force) loses no response.
BACKFILL = """
INSERT INTO round_force (round, force, region, force_type, size_band)
SELECT t.round, t.force, f.region, f.force_type, f.size_band
FROM (SELECT DISTINCT round, force FROM invitation) t
JOIN force f ON f.id = t.force
ON CONFLICT (round, force) DO NOTHING
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="rounds", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(BACKFILL)

    async def run_backwards():
        await engine_finder().run_ddl("DELETE FROM round_force")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
