"""`surveys import-xlsform | export-xlsform`: XLSForm (ODK / KoboToolbox) workbooks.

Import writes nothing unless the whole form converts: every problem is printed as
`FORM.xlsx: survey row 14: message` and the exit status is 1. Rows that lack a translation
import with a warning each (`FORM.xlsx: warning: survey row 3: missing translation: label::fr …`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from backend.cli.runtime import CliError
from backend.surveys import load_file, load_text, to_yaml
from backend.surveys.xlsform.expressions import ExpressionError
from backend.surveys.xlsform.reader import convert_xlsform
from backend.surveys.xlsform.writer import build_workbook


def _write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, so that a failure never leaves a
    half-written file where the old one (or none) was."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _check_output_folder(output: Path) -> None:
    if not output.parent.is_dir():
        raise CliError(f"no such folder: {output.parent}", status=2)


def import_command(args: argparse.Namespace) -> int:
    """Convert FORM.xlsx to a definition: to -o/--output, or printed as YAML."""
    form = Path(args.form)
    if not form.is_file():
        raise CliError(f"no such file: {form}", status=2)
    output = Path(args.output) if args.output else None
    if output is not None:
        _check_output_folder(output)
    converted = convert_xlsform(form)
    survey, problems = converted.survey, converted.problems
    if survey is None:
        for problem in problems:
            print(f"{form}: {problem}")
        print(f"{len(problems)} problem(s); nothing imported")
        return 1
    # Texts that lack a translation import (as in ODK): respondents see the default language.
    # Printed YAML goes to stdout alone, so the warnings then go to stderr.
    for warning in converted.warnings:
        print(f"{form}: warning: {warning}", file=sys.stdout if output else sys.stderr)
    text = to_yaml(survey)
    # The written YAML must itself pass `surveys validate`; a failure here is our bug, and
    # is reported rather than written.
    try:
        checked = load_text(text, str(output or "<output>"))
    except ValueError as exc:  # the YAML reader has failed on codes such as 09
        raise CliError(f"cannot import {form}: the definition written for it does not read back ({exc})") from exc
    if checked.problems:
        for located in checked.problems:
            print(located)
        return 1
    if output is None:
        print(text, end="")
        return 0
    try:
        _write_atomically(output, lambda path: path.write_text(text, encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}") from exc
    count = len(survey.questions())
    print(f"imported {form} as {output}: {count} question(s) in {len(survey.sections)} section(s)")
    return 0


def export_command(args: argparse.Namespace) -> int:
    """Write the definition FILE as an XLSForm workbook (-o/--output, required)."""
    source = Path(args.file)
    if not source.is_file():
        raise CliError(f"no such file: {source}", status=2)
    if not args.output:
        raise CliError("give the workbook to write with -o FORM.xlsx", status=2)
    output = Path(args.output)
    if output.suffix.lower() != ".xlsx":
        raise CliError(f"the output must be an .xlsx file, not {output.name}", status=2)
    _check_output_folder(output)
    loaded = load_file(source)
    if not loaded.ok or loaded.survey is None:
        for problem in loaded.problems:
            print(problem)
        return 1
    try:
        workbook = build_workbook(loaded.survey)
    except ExpressionError as exc:
        raise CliError(f"cannot export {source}: {exc}") from exc
    try:
        _write_atomically(output, lambda path: workbook.save(path))
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}") from exc
    print(f"exported {source} to {output}")
    return 0
