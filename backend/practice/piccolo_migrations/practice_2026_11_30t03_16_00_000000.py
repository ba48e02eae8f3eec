from backend.database import ddl_migration

ID = "2026-11-30T03:16:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "full-text search of practice notes: a tsvector per text in its own language, GIN-indexed"

# Each text's language picks its text-search configuration. The CASE returns regconfig
# constants (resolved when the column is made), so the expression is immutable, as a generated
# column needs. The title weighs most, then the approach and the outcome.
_CONFIG = "CASE language WHEN 'fr' THEN 'french'::regconfig WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END"

FORWARDS = (
    f"""ALTER TABLE practice_text ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector({_CONFIG}, coalesce(title, '')), 'A')
        || setweight(to_tsvector({_CONFIG}, coalesce(approach, '') || ' ' || coalesce(outcome, '')), 'B')
        || setweight(to_tsvector({_CONFIG}, coalesce(partners, '') || ' ' || coalesce(resources, '')), 'C')
    ) STORED""",
    "CREATE INDEX practice_text_search ON practice_text USING gin (search)",
    "CREATE INDEX practice_tag_subject ON practice_tag (questionnaire, kind, subject)",
    "ALTER TABLE practice_note ADD CONSTRAINT practice_note_state_check "
    "CHECK (state IN ('draft', 'submitted', 'published', 'returned', 'withdrawn'))",
    "ALTER TABLE practice_text ADD CONSTRAINT practice_text_language_check CHECK (language IN ('en', 'fr', 'es'))",
)

BACKWARDS = (
    "ALTER TABLE practice_text DROP CONSTRAINT practice_text_language_check",
    "ALTER TABLE practice_note DROP CONSTRAINT practice_note_state_check",
    "DROP INDEX practice_tag_subject",
    "DROP INDEX practice_text_search",
    "ALTER TABLE practice_text DROP COLUMN search",
)


async def forwards():
    return ddl_migration(ID, "practice", DESCRIPTION, FORWARDS, BACKWARDS)
