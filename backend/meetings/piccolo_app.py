"""Piccolo app config of `backend.meetings`: meetings, their links and registrations."""

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="meetings",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["backend.meetings.tables"], exclude_imported=True),
    migration_dependencies=[
        "backend.partners.piccolo_app",
        "backend.rounds.piccolo_app",
        "backend.library.piccolo_app",
    ],
    commands=[],
)
