"""Piccolo app config of `backend.web`: no tables of its own; its migrations add the triggers that
tell every process when what partner pages are drawn from has changed (`web/data_epoch.py`)."""

import os

from piccolo.conf.apps import AppConfig

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="web",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[],
    migration_dependencies=[
        "backend.partners.piccolo_app",
        "backend.surveys.piccolo_app",
        "backend.rounds.piccolo_app",
        "backend.responses.piccolo_app",
        "backend.publication.piccolo_app",
        "backend.practice.piccolo_app",
    ],
    commands=[],
)
