"""`practice-exchange translations`: keep the interface's `.po` files in step with the code
(docs/translations.md). Needs the source tree (templates and `babel.cfg`), not a database."""

from __future__ import annotations

import argparse
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.pofile import write_po

from backend.cli.runtime import CliError
from backend.i18n import tools


def _source_tree() -> None:
    if not tools.MAPPING.exists():
        raise CliError(f"{tools.MAPPING} is missing: run this in a copy of the source tree")


def extract(args: argparse.Namespace) -> int:
    """Every message in the code and templates, as a .po template (for translators' tools)."""
    _source_tree()
    buffer = BytesIO()
    write_po(buffer, tools.extract(), width=100, sort_output=True, include_lineno=False)
    if args.output:
        Path(args.output).write_bytes(buffer.getvalue())
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(buffer.getvalue().decode())
    return 0


def update(args: argparse.Namespace) -> int:
    _source_tree()
    languages = tuple(args.languages) or None
    unknown = [code for code in languages or () if code not in tools.translated_languages()]
    if unknown:
        raise CliError(f"not an interface language: {', '.join(unknown)} (see LANGUAGES in backend/i18n/catalogues.py)")
    areas = tuple(args.area) or None
    if unknown_areas := [a for a in areas or () if a not in tools.AREAS]:
        raise CliError(f"not an area: {', '.join(unknown_areas)} (one of {', '.join(tools.AREAS)})")
    for path in tools.update(languages, areas):
        print(path.relative_to(tools.REPO_ROOT))
    return 0


def check(args: argparse.Namespace) -> int:
    _source_tree()
    problems = tools.check(tuple(args.languages) or None)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("every message is translated")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("translations", help="interface translations: extract, update and check the .po files")
    commands = parser.add_subparsers(dest="translations_command", required=True, parser_class=type(parser))
    p = commands.add_parser("extract", help="print (or write) every message of the code and templates as a .pot")
    p.add_argument("-o", "--output", help="file to write (default: print)")
    p.set_defaults(func=extract)
    p = commands.add_parser("update", help="bring the .po files in step with the code (new, changed, unused messages)")
    p.add_argument("languages", nargs="*", help="languages to update (default: every one but English)")
    p.add_argument("--area", action="append", default=[], help="only this area's files (repeatable; default: all)")
    p.set_defaults(func=update)
    p = commands.add_parser("check", help="list every message without a usable translation; exit 1 if any")
    p.add_argument("languages", nargs="*", help="languages to check (default: every one but English)")
    p.set_defaults(func=check)
