"""Where the CLI's database is: DATABASE_URL, or the embedded server in DATA_DIR."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections.abc import Iterator

from backend.database import EmbeddedPostgres, check_connection, configure
from backend.settings import Settings


class CliError(Exception):
    """Reported as one line and exit status 1 (2 for bad usage)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@contextlib.contextmanager
def database(settings: Settings, *, embedded_ok: bool = True) -> Iterator[str]:
    """Configure the engine for the session's database; stop an embedded one afterwards."""
    if settings.database_url:
        configure(settings.database_url)
        asyncio.run(check_connection(settings.database_url))
        yield settings.database_url
        return
    if not embedded_ok:
        raise CliError("DATABASE_URL is not set (this command needs a PostgreSQL server to connect to)")
    embedded = EmbeddedPostgres(settings.data_dir)
    dsn = embedded.start()
    configure(dsn)
    try:
        yield dsn
    finally:
        embedded.stop()


def ensure_port_free(host: str, port: int) -> None:
    if not 0 < port < 65536:
        raise CliError(f"--port must be between 1 and 65535, not {port}", status=2)
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CliError(f"port {port} on {host} is already in use (choose another with --port)") from exc
            raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
