from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "rate_limit_counter: atomic rate-limit counters shared by all workers"

# Counters used to live in key_value as JSON read, changed and written back: two workers
# could both read 19 and both let an attempt through. One row per bucket, bumped by a single
# INSERT ... ON CONFLICT DO UPDATE, cannot lose a count.
FORWARDS = (
    """
CREATE TABLE rate_limit_counter (
    key varchar(100) PRIMARY KEY,
    hits integer NOT NULL,
    reset_at timestamptz NOT NULL
)
""",
    "CREATE INDEX rate_limit_counter_reset_at ON rate_limit_counter (reset_at)",
    "DELETE FROM key_value WHERE key LIKE 'rate_limit:%'",
)

BACKWARDS = ("DROP TABLE rate_limit_counter",)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="security", description=DESCRIPTION)

    async def run():
        for statement in FORWARDS:
            await engine_finder().run_ddl(statement)

    async def run_backwards():
        for statement in BACKWARDS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
