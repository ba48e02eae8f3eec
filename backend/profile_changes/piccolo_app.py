"""Piccolo app config of `backend.profile_changes`: its table and migrations.

A package of its own because a change refers to a round, and `rounds` already depends on
`partners`: a partners migration could not refer to the round table.
"""

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="profile_changes",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["backend.profile_changes.tables"], exclude_imported=True),
    migration_dependencies=["backend.partners.piccolo_app", "backend.rounds.piccolo_app"],
    commands=[],
)
