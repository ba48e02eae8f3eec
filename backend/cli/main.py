"""The `practice-exchange` command: argument parsing and one-line errors."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from backend.cli import mail, server, staff, surveys, translations, xlsform
from backend.cli.runtime import CliError, database
from backend.database import DatabaseUnavailable, migrate, pool_lifespan
from backend.security.roles import Role
from backend.settings import get_settings


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _migrate(_: argparse.Namespace) -> int:
    async def run() -> list[str]:
        async with pool_lifespan(2):
            return await migrate()

    with database(get_settings()):
        applied = asyncio.run(run())
    print(f"applied {len(applied)} migration(s)" if applied else "database is up to date")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="practice-exchange",
        description="Practice Exchange: questionnaires and anonymised peer comparison for law-enforcement leaders.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("demo", help="run the demo on 127.0.0.1 with an embedded database and demo data")
    p.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    p.set_defaults(func=server.demo)

    p = sub.add_parser("serve", help="run the production server for DATABASE_URL")
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")  # noqa: S104
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.set_defaults(func=server.serve)

    p = sub.add_parser("migrate", help="apply database migrations")
    p.set_defaults(func=_migrate)

    mail.add_parser(sub)

    staff_parser = sub.add_parser("staff", help="project staff accounts")
    staff_sub = staff_parser.add_subparsers(dest="staff_command", required=True, parser_class=_Parser)
    p = staff_sub.add_parser("create", help="create a staff account (password prompted, or a one-time link)")
    p.add_argument("email")
    p.add_argument("--name", help="display name (default: the part before @)")
    p.add_argument("--role", choices=[r.value for r in Role if r.is_staff], default=Role.ADMIN.value)
    p.add_argument("--link", action="store_true", help="print a one-time sign-in link instead of asking a password")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=staff.create)
    p = staff_sub.add_parser("link", help="print a one-time sign-in link for an existing account")
    p.add_argument("email")
    p.add_argument("--send", action="store_true", help="send it by mail (through the queue) instead of printing it")
    p.set_defaults(func=staff.link)

    surveys_parser = sub.add_parser("surveys", help="questionnaire definition files")
    surveys_sub = surveys_parser.add_subparsers(dest="surveys_command", required=True, parser_class=_Parser)
    p = surveys_sub.add_parser("validate", help="check definition files; print every problem")
    p.add_argument("paths", nargs="*", help="files or folders (default: the surveys folder)")
    p.add_argument("--strict", action="store_true", help="missing translations are errors, not warnings")
    p.set_defaults(func=surveys.validate)
    p = surveys_sub.add_parser("show", help="print the normalised definition")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="stable JSON instead of YAML")
    p.set_defaults(func=surveys.show)
    p = surveys_sub.add_parser("load", help="store changed definitions as new versions")
    p.add_argument("folder", nargs="?", help="folder of definitions (default: the surveys folder)")
    p.set_defaults(func=surveys.load)
    p = surveys_sub.add_parser("diff", help="questions added, removed and changed between two definition files")
    p.add_argument("a", help="the older definition file")
    p.add_argument("b", help="the newer definition file")
    p.set_defaults(func=surveys.diff_command)
    p = surveys_sub.add_parser("schema", help="print or write the JSON Schema of the questionnaire format")
    p.add_argument("-o", "--output", help="file to write (default: print)")
    p.set_defaults(func=surveys.schema_command)
    p = surveys_sub.add_parser("import-xlsform", help="convert an XLSForm workbook (ODK, KoboToolbox) to our format")
    p.add_argument("form", help="the .xlsx file")
    p.add_argument("-o", "--output", help="the .yaml file to write (default: print)")
    p.set_defaults(func=xlsform.import_command)
    p = surveys_sub.add_parser("export-xlsform", help="write a questionnaire as an XLSForm workbook")
    p.add_argument("file", help="the definition file (.yaml)")
    p.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    p.set_defaults(func=xlsform.export_command)

    translations.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"practice-exchange: error: {exc.message}", file=sys.stderr)
        return exc.status
    except DatabaseUnavailable as exc:
        print(f"practice-exchange: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except ValueError as exc:  # bad settings, e.g. SESSION_MAX_AGE=abc
        print(f"practice-exchange: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
