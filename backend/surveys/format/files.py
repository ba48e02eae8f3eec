"""Reading definition files from disk, with problems located as `file:line:column`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backend.surveys.format.model import Survey
from backend.surveys.format.parse import read_definition
from backend.surveys.format.yaml_positions import YamlSyntaxError, load_located

DEFINITION_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LocatedProblem:
    file: str
    line: int
    column: int
    message: str
    #: A warning (a missing translation) does not stop the file being used.
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {'warning: ' if self.warning else ''}{self.message}"


@dataclass
class LoadedFile:
    path: Path
    survey: Survey | None
    source: str = ""
    problems: list[LocatedProblem] = field(default_factory=list)
    #: Texts that lack a translation (respondents see the default language's text).
    warnings: list[LocatedProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.survey is not None and not self.problems


def load_text(text: str, name: str, *, strict: bool = False) -> LoadedFile:
    """The questionnaire in `text` with its problems and warnings; `strict`: warnings (missing
    translations) are problems too."""
    try:
        located = load_located(text)
    except YamlSyntaxError as exc:
        return LoadedFile(Path(name), None, text, [LocatedProblem(name, exc.line, exc.column, exc.message)])
    problems = [
        LocatedProblem(name, *pos, f'duplicate key "{path[-1]}" (the later value wins in YAML; remove one)')
        for path, pos in located.duplicate_keys
    ]
    parsed = read_definition(located.data)
    for p in parsed.problems:
        problems.append(LocatedProblem(name, *located.where(p.path, key=p.at_key), p.message))
    warnings: list[LocatedProblem] = []
    for p in parsed.warnings:
        where = located.where(p.path, key=p.at_key)
        (problems if strict else warnings).append(LocatedProblem(name, *where, p.message, warning=not strict))
    problems.sort(key=lambda p: (p.line, p.column))
    warnings.sort(key=lambda p: (p.line, p.column))
    return LoadedFile(Path(name), parsed.survey if not problems else None, text, problems, warnings)


def load_file(path: Path, *, strict: bool = False) -> LoadedFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return LoadedFile(path, None, "", [LocatedProblem(str(path), 1, 1, f"not UTF-8 text: {exc.reason}")])
    except OSError as exc:
        return LoadedFile(path, None, "", [LocatedProblem(str(path), 1, 1, f"cannot read: {exc.strerror}")])
    return load_text(text, str(path), strict=strict)


def definition_files(paths: list[Path]) -> list[Path]:
    """Files named directly, plus definition files found in named folders (not recursively
    into `schema.json` and other non-definition files)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix in DEFINITION_SUFFIXES))
        else:
            out.append(p)
    return out
