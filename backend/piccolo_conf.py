"""Piccolo configuration: the engine and the app registry (used by the `piccolo` CLI too).

The engine's DSN is filled in by `backend.database.configure()` before first use, because an
embedded PostgreSQL's address is only known once it has started.
"""

import os

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine


class DeferredPostgresEngine(PostgresEngine):
    """A PostgresEngine that does not connect while being constructed.

    Piccolo's engine checks the server version (a real connection) in `__init__`; ours is
    built at import time, before the database's address is known, so the check is skipped.
    """

    async def check_version(self) -> None:
        return None

    async def prep_database(self) -> None:
        return None


DB = DeferredPostgresEngine(config={"dsn": os.environ.get("DATABASE_URL", "")})

APP_REGISTRY = AppRegistry(
    apps=[
        "backend.security.piccolo_app",
        "backend.partners.piccolo_app",
        "backend.surveys.piccolo_app",
        "backend.rounds.piccolo_app",
        "backend.profile_changes.piccolo_app",
        "backend.responses.piccolo_app",
        "backend.publication.piccolo_app",
        "backend.audit.piccolo_app",
        "backend.mail.piccolo_app",
        "backend.exchange.piccolo_app",
        "backend.library.piccolo_app",
        "backend.signup.piccolo_app",
        "backend.practice.piccolo_app",
        "backend.briefing.piccolo_app",
        "backend.meetings.piccolo_app",
        "backend.analysis.workspace.piccolo_app",
        "backend.web.piccolo_app",
    ]
)
