"""create_app(): assembles Litestar from the feature packages, and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import swagger_ui_bundle
from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from backend import __version__, pg_listen
from backend.analysis.workspace.api import AnalysisApiController
from backend.analysis.workspace.staff import StaffAnalysisController
from backend.audit.api import AuditApiController
from backend.audit.controllers import AuditController
from backend.auth.controllers import AuthController
from backend.briefing.api import BriefingApiController, BriefingQuestionsApiController
from backend.briefing.controllers import BriefingController
from backend.briefing.staff import StaffBriefingController, StaffMeetingBriefingController
from backend.database import current_dsn, pool_lifespan
from backend.exchange.api import ExchangeApiController, ModerationApiController
from backend.exchange.controllers import ExchangeController
from backend.exchange.digest_controllers import DigestApiController, DigestOffController, DigestPageController
from backend.exchange.staff import ModerationController
from backend.exports.api import ExportApiController
from backend.exports.controllers import ExportController
from backend.i18n import load_all, pick, t
from backend.library.api import LibraryApiController
from backend.library.controllers import LibraryController
from backend.library.staff import StaffLibraryController
from backend.mail import config as mail_config
from backend.mail.api import MailPreviewApiController, OutboxApiController
from backend.mail.controllers import OutboxController, ReminderOptOutController
from backend.mail.queue import worker_in_background
from backend.meetings.api import MeetingsApiController
from backend.meetings.controllers import MeetingsController
from backend.meetings.staff import StaffMeetingsController
from backend.ops.api import HealthController
from backend.partners.api import AccountApiController, ForceApiController, PeopleApiController, TokenApiController
from backend.partners.controllers import AccountController
from backend.partners.peer_groups import dimension_label, label
from backend.partners.staff import PartnersController
from backend.practice.api import PracticeApiController, PracticeStaffApiController
from backend.practice.controllers import PracticeController
from backend.practice.staff import StaffPracticeController
from backend.profile_changes.api import ProfileChangeApiController
from backend.profile_changes.controllers import ProfileChangeController
from backend.publication.api import PublicationApiController, StaffPublicationApiController
from backend.publication.controllers import DashboardController
from backend.publication.staff import StaffPublicationController
from backend.registry.api import ImportApiController, RegistryForceApiController, RegistryPeopleApiController
from backend.registry.staff import RegistryController
from backend.responses.api import AutosaveController
from backend.responses.controllers import RespondentController
from backend.responses.deps import forget_on_writes
from backend.responses.staff import StaffResponseController
from backend.responses.staff_api import StaffResponseApiController
from backend.responses.team_api import TeamApiController
from backend.responses.team_pages import TeamController
from backend.rounds.api import (
    InvitationApiController,
    InvitationLifecycleApiController,
    RoundApiController,
    RoundLifecycleApiController,
)
from backend.rounds.controllers import RoundLifecycleController, StaffRoundController
from backend.security.bearer import bearer_middleware
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
from backend.signup.api import SignupApiController, StaffSignupApiController
from backend.signup.controllers import PublicController
from backend.signup.staff import StaffSignupController
from backend.surveys import choice_options
from backend.surveys.api import QuestionnaireApiController
from backend.surveys.controllers import QuestionnaireController
from backend.web.assets import ASSET_VERSION, PLOTLY_URL, PRECOMPRESSED, plotly_js, versioned_cache_middleware
from backend.web.data_epoch import moved_on_by_writes
from backend.web.errors import EXCEPTION_HANDLERS
from backend.web.fragments import cached
from backend.web.language import provide_language
from backend.web.language_switch import choose_language
from backend.web.params import plausible_file_path
from backend.web.templating import install_i18n, translating

FRONTEND = REPO_ROOT / "frontend"
SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)
SWAGGER_URL = "/vendor/swagger-ui"


def _template_globals(engine: JinjaTemplateEngine) -> None:
    # _(), gettext, ngettext, {% trans %}, the date/number filters: web/templating.py.
    install_i18n(engine.engine)
    # Templates are read once per process: asking the file system whether each one changed, at
    # every render, was a measurable part of a page's time (docs/performance.md). Restart to
    # see a changed template.
    engine.engine.auto_reload = False
    engine.engine.globals.update(
        # parts of pages rendered once and kept (web/fragments.py)
        cached=cached,
        pick=pick,
        choice_options=choice_options,
        t=t,
        # peer groups' names in the page's language
        group_label=translating(label),
        dimension_label=translating(dimension_label),
        plotly_url=PLOTLY_URL,
        # the version in our static files' URLs (`?v=`): see web/assets.py
        app_version=ASSET_VERSION,
    )
    # JSON in pages goes through one escaper: `</script>` or `<!--` in an answer stays inert.
    engine.engine.filters["tojson"] = script_json


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    load_all()  # every language's catalogues, compiled once: a broken .po file stops the start
    mail_config.configure(settings)  # links and addresses in messages, the SMTP server (mail/)

    def provide_settings() -> Settings:
        return settings

    def on_startup(app: Litestar) -> None:
        app.state.settings = settings

    @asynccontextmanager
    async def database_pool(_: Litestar) -> AsyncIterator[None]:
        async with pool_lifespan(settings.db_pool_size):
            if settings.mail_worker_in_process:  # the demo: the mail queue's worker in this process
                async with worker_in_background(settings.database_url):
                    yield
            else:
                yield

    templates = TemplateConfig(
        directory=FRONTEND / "templates", engine=JinjaTemplateEngine, engine_callback=_template_globals
    )

    return Litestar(
        route_handlers=[
            AuthController,
            AccountController,
            choose_language,
            HealthController,
            RespondentController,
            AutosaveController,
            TeamController,
            TeamApiController,
            StaffResponseController,
            StaffResponseApiController,
            StaffRoundController,
            RoundLifecycleController,
            PartnersController,
            RegistryController,
            ProfileChangeController,
            QuestionnaireController,
            AuditController,
            DashboardController,
            PublicationApiController,
            StaffPublicationController,
            StaffPublicationApiController,
            RoundApiController,
            InvitationApiController,
            RoundLifecycleApiController,
            InvitationLifecycleApiController,
            ProfileChangeApiController,
            ForceApiController,
            PeopleApiController,
            RegistryForceApiController,
            RegistryPeopleApiController,
            ImportApiController,
            AccountApiController,
            TokenApiController,
            QuestionnaireApiController,
            AuditApiController,
            ExportController,
            ExportApiController,
            StaffAnalysisController,
            AnalysisApiController,
            OutboxController,
            ReminderOptOutController,
            OutboxApiController,
            MailPreviewApiController,
            ExchangeController,
            ModerationController,
            ExchangeApiController,
            DigestPageController,
            DigestApiController,
            DigestOffController,
            ModerationApiController,
            LibraryController,
            StaffLibraryController,
            LibraryApiController,
            BriefingController,
            StaffBriefingController,
            StaffMeetingBriefingController,
            BriefingApiController,
            BriefingQuestionsApiController,
            PublicController,
            StaffSignupController,
            SignupApiController,
            StaffSignupApiController,
            MeetingsController,
            StaffMeetingsController,
            MeetingsApiController,
            PracticeController,
            StaffPracticeController,
            PracticeApiController,
            PracticeStaffApiController,
            plotly_js,
            create_static_files_router(
                path="/static",
                directories=[FRONTEND / "static"],
                include_in_schema=False,
                cache_control=None,
                guards=[plausible_file_path],
                middleware=[versioned_cache_middleware],
            ),
            create_static_files_router(
                path=SWAGGER_URL, directories=[SWAGGER_DIR], include_in_schema=False, guards=[plausible_file_path]
            ),
        ],
        # What handlers may declare: `settings`, `language` (the request's: web/language.py), and
        # `viewer` (the signed-in person) on guarded routes.
        dependencies={
            "settings": Provide(provide_settings, sync_to_thread=False),
            "viewer": Provide(provide_viewer),
            "language": Provide(provide_language),
        },
        on_startup=[on_startup],
        # Entered in order, left in reverse: the purge stops before the pool closes.
        lifespan=[
            database_pool,
            expired_purge_lifespan(settings.session_purge_interval),
            # Sessions read are kept a few seconds per process, and partner pages while nothing
            # they are drawn from changes, while it hears of every change (pg_listen.py).
            pg_listen.listening(current_dsn),
        ],
        stores={"sessions": PostgresStore("sessions")},
        # Headers go on in a before_send hook: it also sees the router's 404/405 and the
        # responses the app-level exception handler makes from middleware errors.
        # A request that may have written moves the data epoch on as it answers, so that the
        # page after it is never one kept from before (web/data_epoch.py).
        # The same for the respondent's context kept per process (responses/context_cache.py).
        before_send=[security_headers_hook(settings.served_over_https), moved_on_by_writes, forget_on_writes],
        middleware=[
            allowed_hosts_middleware(settings),  # first: a foreign Host costs no database query
            proxy_headers_middleware(settings),  # the client's address, for the rate limits
            bearer_middleware(),  # /api/ with an API token: no cookie, no CSRF (security/bearer.py)
            session_config(settings).middleware,
            rate_limit_middleware(settings),  # atomic counters in PostgreSQL (security/rate_limits.py)
            csrf_middleware(settings),  # bound to the session; replaces Litestar's csrf_config
        ],
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=1024, gzip_compress_level=6, exclude_opt_key=PRECOMPRESSED
        ),
        template_config=templates,
        # Flash messages live in the session until `base.html` shows them (`get_flashes()`).
        plugins=[FlashPlugin(config=FlashConfig(template_config=templates))],
        openapi_config=OpenAPIConfig(
            title="Practice Exchange API",
            version=__version__,
            description="Staff and partner JSON API. Partner endpoints return only disclosure-controlled results.",
            path="/schema",
            # Either a signed-in session (cookie; POSTs also need X-CSRFToken) or a staff member's
            # personal API token (docs/security.md, "API tokens").
            components=Components(
                security_schemes={
                    "session": SecurityScheme(
                        type="apiKey",
                        name="session",
                        security_scheme_in="cookie",
                        description="The session of a signed-in person (`__Host-session` over HTTPS). Every "
                        "POST also needs the `csrftoken` cookie's value in the `X-CSRFToken` header.",
                    ),
                    "apiToken": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="A staff member's personal API token (`pxt_…`, made on the account page or "
                        "with POST /api/account/tokens): `Authorization: Bearer <token>`, on /api/ routes only. "
                        "It acts with its owner's guards; a `read` token allows GET only. No cookie and no "
                        "CSRF token are involved. A wrong token counts against the address's rate limit.",
                    ),
                }
            ),
            security=[{"session": []}, {"apiToken": []}],
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
