"""Read an XLSForm workbook (.xlsx) into our written form, reporting every problem with its
sheet and Excel row (the header is row 1), e.g. `survey row 14: repeats are not supported`.

Nothing is imported half-way: callers write a definition only when the problem list is empty.
The converted data is also run through `read_definition`, and its problems (and warnings) are
reported against the row the question, option or group came from.

Choices made where XLSForm says more than our model (see `conventions.py` for the column mapping):
- Questions outside any group go into a section of their own (id `main`, `main_2`, …; title:
  the form title); each run of ungrouped questions between groups becomes one such section.
- A group inside a group is flattened into the outer section: its label is dropped and its
  `relevant` is added (with `and`) to the `relevant` of every question inside it.
- A group without a label takes its name as title; a form without form_title takes its id.
- Metadata types that ask the respondent nothing (start, end, today, deviceid, username, …)
  are skipped silently. Repeats, calculations, media and location/file/barcode types,
  triggers, choice filters, default answers, read-only rows, required expressions and
  expressions outside the subset of `expressions.py` are reported as unsupported.
- A constraint without constraint_message gets a generic "answer not allowed" message.
- A row whose label, hint or message lacks a language the form has (another row's column
  `label::Français (fr)`) imports, as in ODK, with one warning per row naming the columns it
  lacks; respondents see the default language's text there.
- form_id becomes the questionnaire id made into a slug (lower case, `_` → `-`); no version → "1".
- Question and group names are not renamed (expressions refer to them): a name that is not a
  valid id (lower-case letter first, then a-z, 0-9, _) is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import openpyxl

from backend.surveys.format.model import Survey
from backend.surveys.format.parse import read_definition
from backend.surveys.format.problems import Problem
from backend.surveys.format.spec import SLUG_PATTERN
from backend.surveys.xlsform import rows
from backend.surveys.xlsform.cells import ImportState
from backend.surveys.xlsform.conventions import PX, language_code
from backend.surveys.xlsform.questions import Group, group_kinds, group_question, our_type, question, setting_columns
from backend.surveys.xlsform.sheets import Row, XlsFormProblem, read_sheet

#: Our written-form keys → the column a problem with them points at (a setting `key`: `px_key`).
_COLUMN_OF = {"id": "name", "show_if": "relevant", "help": "hint", "constraints": "constraint", "options": "choices"}
_COLUMN_OF |= {"title": "form_title", "intro": "px_intro", "rows": "rows", "items": "choices", "languages": "languages"}
_COLUMN_OF |= {k: PX + k for k in ("publish", "chart", "description", "privacy_notice", "purpose")}


def _structure(words: list[str]) -> str | None:
    pair = "_".join(w.lower() for w in words[:2])
    for kind in ("begin_group", "end_group", "begin_repeat", "end_repeat"):
        if words[0].lower() == kind or pair == kind:
            return kind
    return None


def _slug(text: str) -> str:
    """A form id as our id: kept as it is when it already is one (so our own exports read back
    unchanged), else lower-cased with runs of other characters turned into hyphens."""
    if re.fullmatch(SLUG_PATTERN, text):
        return text
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _document(state: ImportState, settings: Row | None, name: str) -> dict[str, Any]:
    """The questionnaire's own keys, from the settings sheet."""
    state.locations[()] = (settings.sheet, settings.number) if settings else ("settings", None)
    get = settings.word if settings else (lambda _: "")
    text = (lambda c: settings.text(c, state.default)) if settings else (lambda _: {})
    form_id = _slug(get("form_id")) or _slug(name) or "imported-form"
    fallback = get("form_title") or get("form_id") or name
    state.title = text(PX + "title") or {lang: fallback for lang in state.languages}
    data: dict[str, Any] = {"id": form_id, "version": get("version") or "1", "title": state.title}
    data |= {"default_language": state.default, "languages": list(state.languages)}
    for key in ("description", "privacy_notice"):
        if text(PX + key):
            data[key] = text(PX + key)
    if get(PX + "purpose"):
        data["purpose"] = get(PX + "purpose")
    return data


def _read_choices(state: ImportState, choice_rows: list[Row]) -> None:
    for row in choice_rows:
        rows.unsupported_columns(state, row)
        list_name, code = row.word("list_name"), row.word("name")
        if not list_name or not code:
            state.problem(row, "a choice needs both list_name and name")
            continue
        choices = state.lists.setdefault(list_name, [])
        if any(c == code for _, c in choices):
            state.problem(row, f'choice "{code}" appears twice in list "{list_name}"')
            continue
        choices.append((row, code))


def _read_types(state: ImportState, survey_rows: list[Row]) -> None:
    """Our type of every question name first: an expression may name a question further down."""
    for row in survey_rows:
        words = row.word("type").split() or ["?"]
        if _structure(words) == "begin_group":
            state.group_names.add(row.word("name"))
            if row.word(PX + "type") in group_kinds():
                state.types[row.word("name")] = row.word(PX + "type")
        elif qtype := our_type(words, row):
            state.types.setdefault(row.word("name"), qtype)


def _read_survey(state: ImportState, survey_rows: list[Row]) -> None:
    _read_types(state, survey_rows)
    stack: list[Group] = []
    for row in survey_rows:
        words = row.word("type").split()
        structure = _structure(words) if words else None
        if any(g.kind == "repeat" for g in stack):
            _in_repeat(state, row, structure, stack)
        elif structure == "begin_repeat":
            state.problem(row, f"repeats are not supported ({row.word('type')})")
            stack.append(Group("repeat", row))
        elif structure in {"end_group", "end_repeat"}:
            _end(state, row, structure, stack)
        elif not words:
            state.problem(row, "the row has no type")
        elif structure == "begin_group":
            rows.unsupported_columns(state, row)
            _open(state, row, stack)
        elif stack and stack[-1].kind in group_kinds():
            rows.unsupported_columns(state, row)
            stack[-1].children.append(row)
        else:
            _question_row(state, row, words, stack)
    for group in stack:
        state.problem(group.row, f'"{group.row.word("type")}" has no matching end')


def _question_row(state: ImportState, row: Row, words: list[str], stack: list[Group]) -> None:
    if words[0].lower() != "calculate":  # a calculation is reported as unsupported once, by `question`
        rows.unsupported_columns(state, row)
    if built := question(state, row, words):
        _add(state, *built, row, stack)


def _in_repeat(state: ImportState, row: Row, structure: str | None, stack: list[Group]) -> None:
    """Inside a repeat (reported once, at the repeat) only its groups are followed, to find its end."""
    if structure in {"begin_repeat", "begin_group"}:
        stack.append(Group("repeat" if structure == "begin_repeat" else "flat", row))
    elif structure in {"end_group", "end_repeat"}:
        _end(state, row, structure, stack)


def _end(state: ImportState, row: Row, structure: str, stack: list[Group]) -> None:
    if not stack or (stack[-1].kind == "repeat") != (structure == "end_repeat"):
        state.problem(row, f'"{row.word("type")}" has no matching begin')
        return
    group = stack.pop()
    if group.kind in group_kinds() and not any(g.kind == "repeat" for g in stack):
        _add(state, *group_question(state, group), group.row, stack)


def _open(state: ImportState, row: Row, stack: list[Group]) -> None:
    px, name = row.word(PX + "type"), row.word("name")
    condition = rows.condition(state, row, "relevant")
    if any(g.kind in group_kinds() for g in stack):
        state.problem(row, "a group inside a matrix or allocation group is not supported")
        stack.append(Group("flat", row))
    elif px in group_kinds():
        stack.append(Group(px, row, condition))
    elif px:
        state.problem(row, f'px_type "{px}" does not fit a group (only matrix or allocation)')
        stack.append(Group("flat", row))
    elif stack:  # a nested group: flattened into the section that holds it
        stack.append(Group("flat", row, condition))
    else:
        title = row.text("label", state.default) or ({lang: name for lang in state.languages} if name else {})
        section: dict[str, Any] = {"id": name or None, "title": title}
        if intro := row.text(PX + "intro", state.default):
            section["intro"] = intro
        if condition is not None:
            section["show_if"] = condition
        state.locations[("sections", len(state.sections))] = (row.sheet, row.number)
        state.sections.append({**section, "questions": []})
        state.default_open = False
        stack.append(Group("section", row))


def _add(state: ImportState, q: dict[str, Any], option_rows: dict[Any, Row], row: Row, stack: list[Group]) -> None:
    conditions = [g.condition for g in stack if g.kind == "flat" and g.condition is not None]
    if conditions:
        conditions += [q["show_if"]] if "show_if" in q else []
        q["show_if"] = conditions[0] if len(conditions) == 1 else {"all": conditions}
    if not any(g.kind == "section" for g in stack) and not state.default_open:
        taken, sid, n = state.group_names | {s["id"] for s in state.sections}, "main", 1
        while sid in taken:
            n += 1
            sid = f"main_{n}"
        state.locations[("sections", len(state.sections))] = state.locations[()]
        state.sections.append({"id": sid, "title": dict(state.title), "questions": []})
        state.default_open = True
    path = ("sections", len(state.sections) - 1, "questions", len(state.sections[-1]["questions"]))
    state.locations[path] = (row.sheet, row.number)
    for (key, i), option_row in option_rows.items():
        state.locations[(*path, key, i)] = (option_row.sheet, option_row.number)
    state.sections[-1]["questions"].append(q)


def _place(state: ImportState, path: tuple[object, ...]) -> tuple[str, int | None, str]:
    """The sheet, row and column a part of the written form came from."""
    n = next(n for n in range(len(path), -1, -1) if path[:n] in state.locations)
    (sheet, row), tail = state.locations[path[:n]], path[n:]
    column = next((p for p in tail if isinstance(p, str)), "")
    if column == "constraints":
        number = tail[1] + 1 if len(tail) > 1 and isinstance(tail[1], int) else 1
        column = "constraint_message" if "message" in tail[2:] else "constraint"
        column = column if number == 1 else f"{PX}{column}_{number}"
    column = _COLUMN_OF.get(column, PX + column if column in setting_columns() else column)
    return sheet, row, column


def _locate(state: ImportState, path: tuple[object, ...], message: str) -> XlsFormProblem:
    """A parse_definition problem, placed at the row (and column) its part came from."""
    sheet, row, column = _place(state, path)
    return XlsFormProblem(sheet, row, f"{column}: {message}" if column else message)


_MISSING = re.compile(r'missing "(.+)" translation')


def _untranslated(state: ImportState, warnings: list[Problem]) -> list[XlsFormProblem]:
    """One warning per row with texts that lack a translation: the columns (`label::fr`) it lacks.

    As in ODK, such a form imports: respondents see the default language's text instead."""
    rows: dict[tuple[str, int | None], list[str]] = {}
    for warning in warnings:
        sheet, row, column = _place(state, warning.path)
        m = _MISSING.fullmatch(warning.message)
        lacking = f"{column}::{m[1]}" if m else f"{column}: {warning.message}"
        if lacking not in rows.setdefault((sheet, row), []):
            rows[(sheet, row)].append(lacking)
    return [
        XlsFormProblem(
            sheet,
            row,
            f'missing translation: {", ".join(columns)} (the default language "{state.default}" is shown instead)',
        )
        for (sheet, row), columns in rows.items()
    ]


def _default_language(settings: Row | None, languages: list[str], problems: list[XlsFormProblem]) -> str:
    raw = settings.word("default_language") if settings else ""
    if settings and raw and raw.lower() != "default":
        code = language_code(raw)
        if code is not None:
            return code
        problems.append(XlsFormProblem(settings.sheet, settings.number, f'default_language "{raw}" names no language'))
    return languages[0] if languages else "en"


@dataclass(frozen=True)
class XlsImport:
    """A workbook converted: the written form, the questionnaire (None when there is any
    problem), every problem, and the warnings that do not stop it (missing translations)."""

    data: dict[str, Any]
    survey: Survey | None
    problems: list[XlsFormProblem]
    warnings: list[XlsFormProblem] = field(default_factory=list)


_SHEET_ORDER = {None: 0, "survey": 1, "choices": 2, "settings": 3}


def _in_order(problems: list[XlsFormProblem]) -> list[XlsFormProblem]:
    return sorted(problems, key=lambda p: (_SHEET_ORDER.get(p.sheet, 4), p.row or 0))


def convert_xlsform(source: str | Path | IO[bytes], name: str | None = None) -> XlsImport:
    """Everything an XLSForm workbook converts to; see `import_xlsform`."""
    if name is None:
        name = Path(source).stem if isinstance(source, str | Path) else "form"
    try:
        workbook = openpyxl.load_workbook(source, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a file that is not a workbook
        return XlsImport({}, None, [XlsFormProblem(None, None, f"not a readable .xlsx workbook ({exc})")])
    sheets = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
    if "survey" not in sheets:
        return XlsImport({}, None, [XlsFormProblem(None, None, 'the workbook has no "survey" sheet')])
    problems: list[XlsFormProblem] = []
    languages: list[str] = []
    read = {s: read_sheet(sheets[s], s, problems, languages) if s in sheets else [] for s in ("survey", "choices")}
    settings_rows = read_sheet(sheets["settings"], "settings", problems, languages) if "settings" in sheets else []
    settings = settings_rows[0] if settings_rows else None
    default = _default_language(settings, languages, problems)
    if default not in languages:
        languages.insert(0, default)
    state = ImportState(default, languages, problems)
    data = _document(state, settings, name)
    _read_choices(state, read["choices"])
    _read_survey(state, read["survey"])
    data["sections"] = state.sections
    if not state.sections:
        problems.append(XlsFormProblem("survey", None, "there are no questions to import"))
    survey, warnings = None, []
    if not any(p.row in {None, 1} for p in problems):  # a broken sheet would only give knock-on problems
        parsed = read_definition(data)
        survey = parsed.survey
        reported = {(p.sheet, p.row) for p in problems}
        located = [_locate(state, p.path, p.message) for p in parsed.problems]
        problems += [p for p in located if p.row is None or (p.sheet, p.row) not in reported]
        warnings = _untranslated(state, parsed.warnings)
    return XlsImport(data, survey if not problems else None, _in_order(problems), _in_order(warnings))


def read_xlsform(
    source: str | Path | IO[bytes], name: str | None = None
) -> tuple[dict[str, Any], list[XlsFormProblem]]:
    """The written form of an XLSForm workbook and every problem found (none: importable).

    `name` (default: the file name) supplies the questionnaire id when settings has no form_id.
    """
    converted = convert_xlsform(source, name)
    return converted.data, converted.problems


def import_xlsform(
    source: str | Path | IO[bytes], name: str | None = None
) -> tuple[Survey | None, list[XlsFormProblem]]:
    """The questionnaire of an XLSForm workbook, or None with every problem found.

    Texts that lack a translation do not stop it (the warnings of `convert_xlsform`)."""
    converted = convert_xlsform(source, name)
    return converted.survey, converted.problems
