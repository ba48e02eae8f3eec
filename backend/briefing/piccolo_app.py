"""Piccolo app config of `backend.briefing`: a round's questions for discussion."""

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="briefing",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["backend.briefing.tables"], exclude_imported=True),
    migration_dependencies=["backend.partners.piccolo_app", "backend.rounds.piccolo_app"],
    commands=[],
)
