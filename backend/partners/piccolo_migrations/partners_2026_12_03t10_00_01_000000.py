from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T10:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "partner_role of existing partner contacts: lead respondent if they answer, else viewer"

FORWARDS = (
    """UPDATE person SET partner_role = CASE WHEN can_respond THEN 'lead_respondent' ELSE 'viewer' END
    WHERE role = 'partner' AND partner_role IS NULL""",
    "UPDATE force SET deactivated_at = created_at WHERE NOT active AND deactivated_at IS NULL",
    "UPDATE person SET deactivated_at = created_at WHERE NOT active AND deactivated_at IS NULL",
)
BACKWARDS = ("UPDATE person SET partner_role = NULL",)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="partners", description=DESCRIPTION)

    async def run():
        for statement in FORWARDS:
            await engine_finder().run_ddl(statement)

    async def run_backwards():
        for statement in BACKWARDS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
