from backend.database import ddl_migration

ID = "2026-11-30T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "refused access counted on one row per actor, refusal, target and hour"

FORWARDS = (
    "ALTER TABLE audit_event ADD COLUMN occurrences integer NOT NULL DEFAULT 1",
    "ALTER TABLE audit_event ADD COLUMN last_at timestamptz NULL",
    "ALTER TABLE audit_event ADD COLUMN aggregate_key varchar(120) NULL",
    # NULLs are distinct: every ordinary event has none, and only counted ones collide.
    "ALTER TABLE audit_event ADD CONSTRAINT audit_event_aggregate_key_key UNIQUE (aggregate_key)",
)

BACKWARDS = (
    "ALTER TABLE audit_event DROP COLUMN aggregate_key",
    "ALTER TABLE audit_event DROP COLUMN last_at",
    "ALTER TABLE audit_event DROP COLUMN occurrences",
)


async def forwards():
    return ddl_migration(ID, "audit", DESCRIPTION, FORWARDS, BACKWARDS)
