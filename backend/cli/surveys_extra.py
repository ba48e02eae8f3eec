"""`surveys diff` and `surveys schema`: comparing definition files, and the JSON Schema.

The lead wires them into `backend/cli/main.py`, e.g.:

    p = surveys_sub.add_parser("diff", help="what changed between two definition files")
    p.add_argument("a"); p.add_argument("b"); p.set_defaults(func=surveys_extra.diff_command)
    p = surveys_sub.add_parser("schema", help="print or write the JSON Schema of the format")
    p.add_argument("--output", "-o"); p.set_defaults(func=surveys_extra.schema_command)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from backend.cli.runtime import CliError
from backend.surveys.definition import Survey
from backend.surveys.diff import diff_surveys, format_diff
from backend.surveys.files import load_file
from backend.surveys.jsonschema import schema_text

#: Exit statuses of `surveys diff`, as diff(1): same content, differences, trouble.
SAME, DIFFERENT, INVALID = 0, 1, 2


def _load(name: str) -> Survey | None:
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
    a, b = _load(args.a), _load(args.b)
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
