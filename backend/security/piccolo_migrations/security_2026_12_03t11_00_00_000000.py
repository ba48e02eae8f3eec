from backend.database import ddl_migration

ID = "2026-12-03T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "key_value: NOTIFY key_value_changed on every change a kept session must follow"

# Each process keeps the sessions it read for a few seconds (security/session_cache.py) only
# while it listens on this channel: a deleted row, a changed value or an expiry moved earlier
# must reach every process when it is committed. Renewals (an expiry moved later) notify
# nothing: what is kept stays right, and they happen once a minute per session in use.
FORWARDS = (
    """
CREATE FUNCTION key_value_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('key_value_changed', '*');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('key_value_changed', OLD.key);
    ELSE
        PERFORM pg_notify('key_value_changed', NEW.key);
        IF NEW.key IS DISTINCT FROM OLD.key THEN
            PERFORM pg_notify('key_value_changed', OLD.key);
        END IF;
    END IF;
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER key_value_deleted AFTER DELETE ON key_value FOR EACH ROW EXECUTE FUNCTION key_value_changed()",
    """
CREATE TRIGGER key_value_updated AFTER UPDATE ON key_value FOR EACH ROW
WHEN (NEW.value IS DISTINCT FROM OLD.value OR NEW.key IS DISTINCT FROM OLD.key
      OR NEW.expires_at < OLD.expires_at OR (OLD.expires_at IS NULL AND NEW.expires_at IS NOT NULL))
EXECUTE FUNCTION key_value_changed()""",
    "CREATE TRIGGER key_value_changed_truncate AFTER TRUNCATE ON key_value FOR EACH STATEMENT "
    "EXECUTE FUNCTION key_value_changed()",
)

BACKWARDS = (
    "DROP TRIGGER IF EXISTS key_value_changed_truncate ON key_value",
    "DROP TRIGGER IF EXISTS key_value_updated ON key_value",
    "DROP TRIGGER IF EXISTS key_value_deleted ON key_value",
    "DROP FUNCTION IF EXISTS key_value_changed()",
)


async def forwards():
    return ddl_migration(ID, "security", DESCRIPTION, FORWARDS, BACKWARDS)
