from backend.database import ddl_migration

ID = "2026-12-04T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "NOTIFY respondent_changed on every change to what respondent requests read"

# Each process keeps respondents' contexts (the invitation, its round, the force's response:
# responses/context_cache.py) only while it listens on this channel. A response names itself
# and the md5 of its row's text (what the process that saved it kept: its own save is then no
# change); an invitation names itself; anything else a context shows (a round, a force, a
# person's name or language, a questionnaire) sends '*'. Sign-ins (a person's
# last_sign_in_at alone) send nothing.
FORWARDS = (
    """
CREATE FUNCTION respondent_response_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('respondent_changed', '*');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('respondent_changed', 'response:' || OLD.id || ':-');
    ELSE
        PERFORM pg_notify('respondent_changed', 'response:' || NEW.id || ':' || md5(NEW::text));
    END IF;
    RETURN NULL;
END
$$""",
    """
CREATE FUNCTION respondent_invitation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('respondent_changed', '*');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('respondent_changed', 'invitation:' || OLD.id);
    ELSE
        PERFORM pg_notify('respondent_changed', 'invitation:' || NEW.id);
    END IF;
    RETURN NULL;
END
$$""",
    """
CREATE FUNCTION respondent_all_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('respondent_changed', '*');
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER response_respondent AFTER INSERT OR UPDATE OR DELETE ON response "
    "FOR EACH ROW EXECUTE FUNCTION respondent_response_changed()",
    "CREATE TRIGGER response_respondent_truncate AFTER TRUNCATE ON response "
    "FOR EACH STATEMENT EXECUTE FUNCTION respondent_response_changed()",
    "CREATE TRIGGER invitation_respondent AFTER UPDATE OR DELETE ON invitation "
    "FOR EACH ROW EXECUTE FUNCTION respondent_invitation_changed()",
    "CREATE TRIGGER invitation_respondent_truncate AFTER TRUNCATE ON invitation "
    "FOR EACH STATEMENT EXECUTE FUNCTION respondent_invitation_changed()",
    *(
        f"CREATE TRIGGER {table}_respondent AFTER UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION respondent_all_changed()"
        for table in ("round", "force", "questionnaire_version")
    ),
    "CREATE TRIGGER person_respondent_delete AFTER DELETE OR TRUNCATE ON person "
    "FOR EACH STATEMENT EXECUTE FUNCTION respondent_all_changed()",
    """
CREATE TRIGGER person_respondent_update AFTER UPDATE ON person FOR EACH ROW
WHEN ((to_jsonb(NEW) - 'last_sign_in_at') IS DISTINCT FROM (to_jsonb(OLD) - 'last_sign_in_at'))
EXECUTE FUNCTION respondent_all_changed()""",
)

BACKWARDS = (
    "DROP TRIGGER IF EXISTS person_respondent_update ON person",
    "DROP TRIGGER IF EXISTS person_respondent_delete ON person",
    *(f"DROP TRIGGER IF EXISTS {table}_respondent ON {table}" for table in ("round", "force", "questionnaire_version")),
    "DROP TRIGGER IF EXISTS invitation_respondent_truncate ON invitation",
    "DROP TRIGGER IF EXISTS invitation_respondent ON invitation",
    "DROP TRIGGER IF EXISTS response_respondent_truncate ON response",
    "DROP TRIGGER IF EXISTS response_respondent ON response",
    "DROP FUNCTION IF EXISTS respondent_all_changed()",
    "DROP FUNCTION IF EXISTS respondent_invitation_changed()",
    "DROP FUNCTION IF EXISTS respondent_response_changed()",
)


async def forwards():
    return ddl_migration(ID, "web", DESCRIPTION, FORWARDS, BACKWARDS)
