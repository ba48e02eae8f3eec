"""What the mail feature needs from the settings, set once per process: by `create_app` for
the web app (where messages are written) and by the worker (where they are sent)."""

from __future__ import annotations

from dataclasses import dataclass

from backend.settings import Settings, get_settings


@dataclass(frozen=True)
class MailConfig:
    base_url: str
    secret_key: str
    smtp_host: str
    smtp_port: int
    smtp_username: str
    smtp_password: str
    smtp_starttls: bool
    smtp_tls: bool
    smtp_timeout: float
    mail_from: str
    retry_base: float
    retry_cap: float
    max_attempts: int

    @property
    def local_mailbox(self) -> bool:
        """No SMTP server: messages are delivered to the outbox itself, read on its page."""
        return not self.smtp_host

    @classmethod
    def from_settings(cls, s: Settings) -> MailConfig:
        return cls(
            base_url=s.base_url.rstrip("/"),
            secret_key=s.secret_key,
            smtp_host=s.smtp_host,
            smtp_port=s.smtp_port,
            smtp_username=s.smtp_username,
            smtp_password=s.smtp_password,
            smtp_starttls=s.smtp_starttls,
            smtp_tls=s.smtp_tls,
            smtp_timeout=s.smtp_timeout,
            mail_from=s.mail_from,
            retry_base=s.mail_retry_base,
            retry_cap=s.mail_retry_cap,
            max_attempts=s.mail_max_attempts,
        )


_current: MailConfig | None = None


def configure(settings: Settings) -> MailConfig:
    global _current
    _current = MailConfig.from_settings(settings)
    return _current


def current() -> MailConfig:
    """The configuration `configure` set, else the environment's."""
    return _current or configure(get_settings())
