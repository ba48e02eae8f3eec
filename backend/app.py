"""create_app(): assembles Litestar from the feature packages, and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import plotly
import swagger_ui_bundle
from litestar import Litestar, get
from litestar.config.compression import CompressionConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import File
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from backend import __version__
from backend.audit.controllers import AuditController
from backend.auth.controllers import AuthController
from backend.database import pool_lifespan
from backend.i18n import pick, t
from backend.ops.api import HealthController
from backend.partners.controllers import AccountController, PartnersController
from backend.partners.peer_groups import dimension_label, label
from backend.profile_changes.api import ProfileChangeApiController
from backend.profile_changes.controllers import ProfileChangeController
from backend.publication.api import PublicationApiController, StaffPublicationApiController
from backend.publication.controllers import DashboardController
from backend.publication.staff import StaffPublicationController
from backend.responses.api import AutosaveController
from backend.responses.controllers import RespondentController
from backend.rounds.api import RoundApiController
from backend.rounds.controllers import StaffRoundController
from backend.security.csrf import csrf_middleware
from backend.security.deps import provide_viewer
from backend.security.embed import script_json
from backend.security.headers import security_headers_hook
from backend.security.hosts import allowed_hosts_middleware
from backend.security.logs import logging_config
from backend.security.proxies import proxy_headers_middleware
from backend.security.rate_limits import rate_limit_middleware
from backend.security.sessions import session_config
from backend.security.store import PostgresStore, expired_purge_lifespan
from backend.settings import REPO_ROOT, Settings, get_settings
from backend.surveys import choice_options
from backend.surveys.controllers import QuestionnaireController
from backend.web.errors import EXCEPTION_HANDLERS
from backend.web.params import plausible_file_path

FRONTEND = REPO_ROOT / "frontend"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_URL = f"/vendor/plotly-{plotly.__version__}.min.js"
SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)
SWAGGER_URL = "/vendor/swagger-ui"
ONE_YEAR = 365 * 24 * 3600


@get(PLOTLY_URL, include_in_schema=False, cache=False)
async def plotly_js() -> File:
    """plotly.js from the plotly wheel, served from our origin; the version is in the URL, so
    browsers may keep it for a year."""
    return File(
        path=PLOTLY_JS,
        content_disposition_type="inline",
        media_type="text/javascript",
        headers={"cache-control": f"public, max-age={ONE_YEAR}, immutable"},
    )


def _template_globals(engine: JinjaTemplateEngine) -> None:
    engine.engine.globals.update(
        pick=pick,
        choice_options=choice_options,
        t=t,
        group_label=label,
        dimension_label=dimension_label,
        plotly_url=PLOTLY_URL,
        app_version=__version__,
    )
    # JSON in pages goes through one escaper: `</script>` or `<!--` in an answer stays inert.
    engine.engine.filters["tojson"] = script_json


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()

    def provide_settings() -> Settings:
        return settings

    def on_startup(app: Litestar) -> None:
        app.state.settings = settings

    @asynccontextmanager
    async def database_pool(_: Litestar) -> AsyncIterator[None]:
        async with pool_lifespan(settings.db_pool_size):
            yield

    templates = TemplateConfig(
        directory=FRONTEND / "templates", engine=JinjaTemplateEngine, engine_callback=_template_globals
    )

    return Litestar(
        route_handlers=[
            AuthController,
            AccountController,
            HealthController,
            RespondentController,
            AutosaveController,
            StaffRoundController,
            PartnersController,
            ProfileChangeController,
            QuestionnaireController,
            AuditController,
            DashboardController,
            PublicationApiController,
            StaffPublicationController,
            StaffPublicationApiController,
            RoundApiController,
            ProfileChangeApiController,
            plotly_js,
            create_static_files_router(
                path="/static",
                directories=[FRONTEND / "static"],
                include_in_schema=False,
                cache_control=None,
                guards=[plausible_file_path],
            ),
            create_static_files_router(
                path=SWAGGER_URL, directories=[SWAGGER_DIR], include_in_schema=False, guards=[plausible_file_path]
            ),
        ],
        # What handlers may declare: `settings`, and `viewer` (the signed-in person) on guarded routes.
        dependencies={"settings": Provide(provide_settings, sync_to_thread=False), "viewer": Provide(provide_viewer)},
        on_startup=[on_startup],
        # Entered in order, left in reverse: the purge stops before the pool closes.
        lifespan=[database_pool, expired_purge_lifespan(settings.session_purge_interval)],
        stores={"sessions": PostgresStore("sessions")},
        # Headers go on in a before_send hook: it also sees the router's 404/405 and the
        # responses the app-level exception handler makes from middleware errors.
        before_send=[security_headers_hook(settings.served_over_https)],
        middleware=[
            allowed_hosts_middleware(settings),  # first: a foreign Host costs no database query
            proxy_headers_middleware(settings),  # the client's address, for the rate limits
            session_config(settings).middleware,
            rate_limit_middleware(settings),  # atomic counters in PostgreSQL (security/rate_limits.py)
            csrf_middleware(settings),  # bound to the session; replaces Litestar's csrf_config
        ],
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024, gzip_compress_level=6),
        template_config=templates,
        # Flash messages live in the session until `base.html` shows them (`get_flashes()`).
        plugins=[FlashPlugin(config=FlashConfig(template_config=templates))],
        openapi_config=OpenAPIConfig(
            title="Practice Exchange API",
            version=__version__,
            description="Staff and partner JSON API. Partner endpoints return only disclosure-controlled results.",
            path="/schema",
            render_plugins=[
                SwaggerRenderPlugin(
                    js_url=f"{SWAGGER_URL}/swagger-ui-bundle.js",
                    css_url=f"{SWAGGER_URL}/swagger-ui.css",
                    standalone_preset_js_url=f"{SWAGGER_URL}/swagger-ui-standalone-preset.js",
                    path="/",
                    favicon="<link rel='icon' href='data:,'>",
                )
            ],
        ),
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        # No link secrets and no client addresses in any line; exceptions: see security/logs.py.
        logging_config=logging_config(settings.log_level),
        debug=settings.debug,
    )
