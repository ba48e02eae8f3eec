"""Configuration: one Settings object, every field read from one environment variable."""

from __future__ import annotations

import ipaddress
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


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, not {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    """Items separated by commas or spaces. Unlike the other variables, set but empty means
    an empty list (e.g. TRUSTED_PROXIES= trusts no proxy), not the default."""
    raw = os.environ.get(name)
    return (default if raw is None else raw).replace(",", " ").split()


def _env_networks(name: str, default: str) -> list[str]:
    """Addresses or networks (CIDR): checked here, because uvicorn's proxy handling would take a
    mistyped one for a host name and silently never match it."""
    items = _env_list(name, default)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise ValueError(f"{name} must list IP addresses or networks (CIDR), not {item!r}") from exc
    return items


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
    """Public address of the site, used to build invitation and sign-in links; `https://`
    turns on Strict-Transport-Security."""

    allowed_hosts: list[str] = field(default_factory=lambda: _env_list("ALLOWED_HOSTS", ""))
    """Host names accepted in the Host header besides BASE_URL's (any port; `*.example.org` for
    subdomains). Other hosts get 400, except on /healthz."""

    trusted_proxies: list[str] = field(default_factory=lambda: _env_networks("TRUSTED_PROXIES", "127.0.0.1 ::1"))
    """Addresses or networks of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto
    are believed. Empty: none (the connecting address is the client's)."""

    surveys_dir: Path = field(default_factory=lambda: Path(_env("SURVEYS_DIR", str(REPO_ROOT / "surveys"))))
    """Folder of questionnaire definitions loaded at start-up."""

    library_max_bytes: int = field(default_factory=lambda: _env_int("LIBRARY_MAX_BYTES", 20 * 1024 * 1024))
    """Largest PDF staff may upload to the reports library (bytes; docs/library.md)."""

    session_max_age: int = field(default_factory=lambda: _env_int("SESSION_MAX_AGE", 8 * 3600))
    """Seconds a signed-in session stays valid without activity."""

    session_purge_interval: int = field(default_factory=lambda: _env_int("SESSION_PURGE_INTERVAL", 600))
    """Seconds between purges of expired sessions from the database (each worker runs the
    purge; one at a time does the work). 0 turns the purge off."""

    secure_cookies: bool = field(default_factory=lambda: _env_bool("SECURE_COOKIES", False))
    """Send cookies with the Secure flag under `__Host-` names, and Strict-Transport-Security
    (set true behind HTTPS)."""

    min_group_size_floor: int = field(default_factory=lambda: _env_int("MIN_GROUP_SIZE_FLOOR", 3))
    """The smallest minimum group size a round may be given (disclosure control); values below 3 are
    ignored: disclosure control never shows a group of fewer than 3 forces."""

    exchange_edit_minutes: int = field(default_factory=lambda: _env_int("EXCHANGE_EDIT_MINUTES", 30))
    """How long after writing it the author of a discussion post may edit it (docs/exchange.md)."""

    sign_in_rate_limit: int = field(default_factory=lambda: _env_int("SIGN_IN_RATE_LIMIT", 20))
    """Attempts allowed per minute on one account (the e-mail signed in to) and on one link."""

    address_rate_limit: int = field(default_factory=lambda: _env_int("ADDRESS_RATE_LIMIT", 100))
    """Sign-in attempts, and separately personal-link requests, allowed per client address per
    minute: higher than SIGN_IN_RATE_LIMIT, so that a room of people behind one address can sign in."""

    signup_rate_limit: int = field(default_factory=lambda: _env_int("SIGNUP_RATE_LIMIT", 30))
    """Uses of the public sign-up and "my data" forms (pages and JSON) allowed per client
    address per hour (docs/signup.md)."""

    signup_purge_days: int = field(default_factory=lambda: _env_int("SIGNUP_PURGE_DAYS", 7))
    """Days after its confirmation link expired that a sign-up never confirmed is deleted, with
    its consent history and messages (a periodic task of the mail queue; docs/signup.md)."""

    smtp_host: str = field(default_factory=lambda: _env("SMTP_HOST", ""))
    """Mail server for outgoing mail (docs/mail.md). Empty: no server; `demo` then delivers to
    its local mailbox (the Outbox page), and `worker` refuses to start."""

    smtp_port: int = field(default_factory=lambda: _env_int("SMTP_PORT", 1025))
    """Mail server port."""

    smtp_username: str = field(default_factory=lambda: _env("SMTP_USERNAME", ""))
    """Mail server user name (empty: no authentication)."""

    smtp_password: str = field(default_factory=lambda: _env("SMTP_PASSWORD", ""))
    """Mail server password."""

    smtp_starttls: bool = field(default_factory=lambda: _env_bool("SMTP_STARTTLS", False))
    """Upgrade the mail connection with STARTTLS."""

    smtp_tls: bool = field(default_factory=lambda: _env_bool("SMTP_TLS", False))
    """Connect to the mail server over TLS from the start (implicit TLS, usually port 465);
    SMTP_STARTTLS instead upgrades a plain connection (usually port 587)."""

    smtp_timeout: float = field(default_factory=lambda: _env_float("SMTP_TIMEOUT", 30.0))
    """Seconds to wait for the mail server (connecting, each reply)."""

    mail_retry_base: float = field(default_factory=lambda: _env_float("MAIL_RETRY_BASE", 10.0))
    """Seconds before the first retry of a message the mail server did not take (it was
    unreachable, or answered 4xx); each later wait doubles, up to MAIL_RETRY_CAP."""

    mail_retry_cap: float = field(default_factory=lambda: _env_float("MAIL_RETRY_CAP", 3600.0))
    """The longest wait between two attempts at one message, in seconds."""

    mail_max_attempts: int = field(default_factory=lambda: _env_int("MAIL_MAX_ATTEMPTS", 25))
    """Attempts at one message before it is marked failed (25, with the defaults above: some
    16 hours of retries)."""

    mail_from: str = field(
        default_factory=lambda: _env("MAIL_FROM", "Practice Exchange <noreply@practice-exchange.test>")
    )
    """Sender address of outgoing mail."""

    mail_worker_in_process: bool = field(default_factory=lambda: _env_bool("MAIL_WORKER_IN_PROCESS", False))
    """Work the mail queue inside the web server's process (`demo` sets it). In production run
    `practice-exchange worker` instead, as many as you like."""

    log_level: str = field(default_factory=lambda: _env("LOG_LEVEL", "INFO"))
    """Python logging level of the application."""

    log_client_addresses: bool = field(default_factory=lambda: _env_bool("LOG_CLIENT_ADDRESSES", False))
    """Name the client's address in the rate-limit warnings (and nowhere else). Off: no log line
    holds a client address."""

    debug: bool = field(default_factory=lambda: _env_bool("DEBUG", False))
    """Litestar debug mode: tracebacks in responses. Never in production."""

    @property
    def uses_default_secret(self) -> bool:
        return self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 16

    @property
    def served_over_https(self) -> bool:
        """Browsers reach the site over HTTPS: BASE_URL says so, or cookies are Secure (which
        only work over HTTPS). Responses then carry Strict-Transport-Security."""
        return self.base_url.lower().startswith("https://") or self.secure_cookies


def get_settings() -> Settings:
    return Settings()
