"""`surveys validate | show | load | diff | schema`: questionnaire files from the command line."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from backend.cli.runtime import CliError, database
from backend.database import migrate, pool_lifespan
from backend.settings import get_settings
from backend.surveys import (
    Survey,
    definition_files,
    diff_surveys,
    format_diff,
    load_file,
    schema_text,
    to_json,
    to_yaml,
)
from backend.surveys.services import sync_folder


def validate(args: argparse.Namespace) -> int:
    """Exit 0 when every file is valid; else print every problem as file:line:column: message.

    A text that lacks a translation is a warning (printed, `file:line:column: warning: …`; the
    file is valid, respondents see the default language's text), or with --strict a problem.
    """
    strict = bool(getattr(args, "strict", False))
    paths = [Path(p) for p in (args.paths or [str(get_settings().surveys_dir)])]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise CliError(f"no such file or folder: {missing[0]}", status=2)
    files = definition_files(paths)
    if not files:
        raise CliError("no questionnaire files (*.yaml, *.yml) found", status=2)
    problems = warnings = 0
    for path in files:
        loaded = load_file(path, strict=strict)
        for problem in sorted(loaded.problems + loaded.warnings, key=lambda p: (p.line, p.column)):
            print(problem)
        problems += len(loaded.problems)
        warnings += len(loaded.warnings)
    if problems:
        print(f"{problems} problem(s) in {len(files)} file(s)")
        return 1
    note = f" ({warnings} missing translation(s): warnings; --strict makes them errors)" if warnings else ""
    print(f"{len(files)} questionnaire file(s) valid{note}")
    return 0


def show(args: argparse.Namespace) -> int:
    loaded = load_file(Path(args.file))
    if not loaded.ok or loaded.survey is None:
        for problem in loaded.problems:
            print(problem)
        return 1
    print(to_json(loaded.survey) if args.json else to_yaml(loaded.survey), end="" if not args.json else "\n")
    return 0


async def _load(folder: Path) -> list[str]:
    async with pool_lifespan(2):
        await migrate()
        report = await sync_folder(folder)
    lines = [f"invalid, not loaded: {p}" for p in report.problems]
    lines += [f"new version: {label}" for label in report.created]
    lines += [f"unchanged: {label}" for label in report.unchanged]
    lines += [f"translations incomplete (no round can use it yet): {label}" for label in report.incomplete]
    return lines


def load(args: argparse.Namespace) -> int:
    settings = get_settings()
    folder = Path(args.folder) if args.folder else settings.surveys_dir
    if not folder.is_dir():
        raise CliError(f"no such folder: {folder}", status=2)
    with database(settings):
        lines = asyncio.run(_load(folder))
    print("\n".join(lines))
    return 1 if any(line.startswith("invalid") for line in lines) else 0


#: Exit statuses of `surveys diff`, as diff(1): same content, differences, trouble.
SAME, DIFFERENT, INVALID = 0, 1, 2


def _definition(name: str) -> Survey | None:
    path = Path(name)
    if not path.exists():
        raise CliError(f"no such file: {path}", status=INVALID)
    if path.is_dir():
        raise CliError(f"{path} is a folder; give two definition files", status=INVALID)
    loaded = load_file(path)
    for problem in loaded.problems:
        print(problem)
    return loaded.survey if loaded.ok else None


def diff_command(args: argparse.Namespace) -> int:
    """Print what changed from definition file `args.a` to `args.b`.

    Exit 0: no differences; 1: differences (printed); 2: a file is missing or invalid
    (its problems are printed as file:line:column: message).
    """
    a, b = _definition(args.a), _definition(args.b)
    if a is None or b is None:
        invalid = [name for name, s in ((args.a, a), (args.b, b)) if s is None]
        print(f"cannot compare: {' and '.join(invalid)} {'is' if len(invalid) == 1 else 'are'} not valid")
        return INVALID
    diff = diff_surveys(a, b)
    print(format_diff(diff), end="")
    return SAME if diff.identical else DIFFERENT


def schema_command(args: argparse.Namespace) -> int:
    """Write the JSON Schema of the definition format to `args.output`, or print it."""
    text = schema_text()
    output = getattr(args, "output", None)
    if not output:
        print(text, end="")
        return 0
    path = Path(output)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from exc
    print(f"JSON Schema written to {path}")
    return 0
