"""Piccolo app config of `backend.practice`: practice notes, their texts per language, tags,
contact requests and in-app notices."""

import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="practice",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["backend.practice.tables"], exclude_imported=True),
    migration_dependencies=["backend.partners.piccolo_app"],
    commands=[],
)
