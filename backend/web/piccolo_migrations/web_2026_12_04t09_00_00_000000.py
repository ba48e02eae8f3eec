from backend.database import ddl_migration

ID = "2026-12-04T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "NOTIFY page_data_changed on every change to what partner pages are drawn from"

# Each process keeps whole partner pages and the signed-in person (web/data_epoch.py) only while
# it listens on this channel: any committed change to a table they are drawn from must reach
# every process. One notification per statement (PostgreSQL folds identical notifications of
# one transaction into one). Drafts being saved (`response` rows that are not submitted, before
# and after) and sign-ins (`person.last_sign_in_at` alone) notify nothing: no kept page shows
# them, and they are the frequent writes.
STATEMENT_TABLES = (
    "force",
    "round",
    "round_force",
    "publication",
    "publication_themes",
    "questionnaire",
    "questionnaire_version",
    "practice_note",
    "practice_text",
    "practice_tag",
)

FORWARDS = (
    """
CREATE FUNCTION page_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('page_data_changed', TG_TABLE_NAME);
    RETURN NULL;
END
$$""",
    *(
        f"CREATE TRIGGER {table}_page_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION page_data_changed()"
        for table in STATEMENT_TABLES
    ),
    "CREATE TRIGGER person_page_data_insert_delete AFTER INSERT OR DELETE OR TRUNCATE ON person "
    "FOR EACH STATEMENT EXECUTE FUNCTION page_data_changed()",
    """
CREATE TRIGGER person_page_data_update AFTER UPDATE ON person FOR EACH ROW
WHEN ((to_jsonb(NEW) - 'last_sign_in_at') IS DISTINCT FROM (to_jsonb(OLD) - 'last_sign_in_at'))
EXECUTE FUNCTION page_data_changed()""",
    "CREATE TRIGGER response_page_data_truncate AFTER TRUNCATE ON response "
    "FOR EACH STATEMENT EXECUTE FUNCTION page_data_changed()",
    "CREATE TRIGGER response_page_data_insert AFTER INSERT ON response FOR EACH ROW "
    "WHEN (NEW.status = 'submitted') EXECUTE FUNCTION page_data_changed()",
    "CREATE TRIGGER response_page_data_delete AFTER DELETE ON response FOR EACH ROW "
    "WHEN (OLD.status = 'submitted') EXECUTE FUNCTION page_data_changed()",
    "CREATE TRIGGER response_page_data_update AFTER UPDATE ON response FOR EACH ROW "
    "WHEN (OLD.status = 'submitted' OR NEW.status = 'submitted') EXECUTE FUNCTION page_data_changed()",
)

BACKWARDS = (
    *(f"DROP TRIGGER IF EXISTS {table}_page_data ON {table}" for table in STATEMENT_TABLES),
    "DROP TRIGGER IF EXISTS person_page_data_insert_delete ON person",
    "DROP TRIGGER IF EXISTS person_page_data_update ON person",
    "DROP TRIGGER IF EXISTS response_page_data_truncate ON response",
    "DROP TRIGGER IF EXISTS response_page_data_insert ON response",
    "DROP TRIGGER IF EXISTS response_page_data_delete ON response",
    "DROP TRIGGER IF EXISTS response_page_data_update ON response",
    "DROP FUNCTION IF EXISTS page_data_changed()",
)


async def forwards():
    return ddl_migration(ID, "web", DESCRIPTION, FORWARDS, BACKWARDS)
