"""Configuration: one Settings object, every field read from one environment variable."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The placeholder `serve` refuses: a real deployment must set its own SECRET_KEY.
DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key-change-me"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Settings:
    database_url: str = field(default_factory=lambda: _env("DATABASE_URL", ""))
    """PostgreSQL DSN (postgresql://user:pass@host:port/db). Empty: start an embedded
    PostgreSQL whose data lives in DATA_DIR (demo and tests only)."""

    db_pool_size: int = field(default_factory=lambda: _env_int("DB_POOL_SIZE", 10))
    """Largest number of database connections each worker process keeps open."""

    data_dir: Path = field(default_factory=lambda: Path(_env("DATA_DIR", str(REPO_ROOT / "var"))))
    """Folder for local state: the embedded database's files (DATA_DIR/pgdata)."""

    secret_key: str = field(default_factory=lambda: _env("SECRET_KEY", DEFAULT_SECRET_KEY))
    """Signs CSRF tokens and derives invitation links. `serve` refuses the default."""

    base_url: str = field(default_factory=lambda: _env("BASE_URL", "http://127.0.0.1:8000"))
    """Public address of the site, used to build invitation and sign-in links."""

    surveys_dir: Path = field(default_factory=lambda: Path(_env("SURVEYS_DIR", str(REPO_ROOT / "surveys"))))
    """Folder of questionnaire definitions loaded at start-up."""

    session_max_age: int = field(default_factory=lambda: _env_int("SESSION_MAX_AGE", 8 * 3600))
    """Seconds a signed-in session stays valid without activity."""

    secure_cookies: bool = field(default_factory=lambda: _env_bool("SECURE_COOKIES", False))
    """Send cookies with the Secure flag (set true behind HTTPS)."""

    min_group_size_floor: int = field(default_factory=lambda: _env_int("MIN_GROUP_SIZE_FLOOR", 3))
    """The smallest minimum group size a round may be given (disclosure control); values below 3 are
    ignored: disclosure control never shows a group of fewer than 3 forces."""

    sign_in_rate_limit: int = field(default_factory=lambda: _env_int("SIGN_IN_RATE_LIMIT", 20))
    """Sign-in attempts allowed per client address per minute."""

    smtp_host: str = field(default_factory=lambda: _env("SMTP_HOST", "127.0.0.1"))
    """Mail server for outgoing mail (the mail features read these; nothing sends mail yet)."""

    smtp_port: int = field(default_factory=lambda: _env_int("SMTP_PORT", 1025))
    """Mail server port."""

    smtp_username: str = field(default_factory=lambda: _env("SMTP_USERNAME", ""))
    """Mail server user name (empty: no authentication)."""

    smtp_password: str = field(default_factory=lambda: _env("SMTP_PASSWORD", ""))
    """Mail server password."""

    smtp_starttls: bool = field(default_factory=lambda: _env_bool("SMTP_STARTTLS", False))
    """Upgrade the mail connection with STARTTLS."""

    mail_from: str = field(
        default_factory=lambda: _env("MAIL_FROM", "Practice Exchange <noreply@practice-exchange.test>")
    )
    """Sender address of outgoing mail."""

    log_level: str = field(default_factory=lambda: _env("LOG_LEVEL", "INFO"))
    """Python logging level of the application."""

    debug: bool = field(default_factory=lambda: _env_bool("DEBUG", False))
    """Litestar debug mode: tracebacks in responses. Never in production."""

    @property
    def uses_default_secret(self) -> bool:
        return self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 16


def get_settings() -> Settings:
    return Settings()
