from backend.database import ddl_migration

ID = "2026-11-30T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "publication versions (corrections) and their staff-only basis and suppression report"

FORWARDS = (
    "ALTER TABLE publication DROP CONSTRAINT IF EXISTS publication_round_key",
    "ALTER TABLE publication ADD COLUMN version integer NOT NULL DEFAULT 1",
    "ALTER TABLE publication ADD CONSTRAINT publication_round_version_key UNIQUE (round, version)",
    """
CREATE TABLE publication_basis (
    id serial PRIMARY KEY,
    publication integer NOT NULL UNIQUE REFERENCES publication (id) ON DELETE CASCADE,
    basis jsonb NOT NULL,
    report jsonb NOT NULL
)
""",
    """
CREATE TRIGGER publication_basis_immutable
    BEFORE UPDATE ON publication_basis
    FOR EACH ROW EXECUTE FUNCTION publication_immutable()
""",
)

BACKWARDS = (
    "DROP TABLE publication_basis",
    "ALTER TABLE publication DROP CONSTRAINT publication_round_version_key",
    "ALTER TABLE publication DROP COLUMN version",
    "ALTER TABLE publication ADD CONSTRAINT publication_round_key UNIQUE (round)",
)


async def forwards():
    return ddl_migration(ID, "publication", DESCRIPTION, FORWARDS, BACKWARDS)
