"""Read an XLSForm workbook (.xlsx) into our written form, reporting every problem with its
sheet and Excel row (the header is row 1), e.g. `survey row 14: repeats are not supported`.

Nothing is imported half-way: callers write a definition only when the problem list is empty.
The converted data is also run through `parse_definition`, and its problems are reported
against the row the question, option or group came from.

Choices made where XLSForm says more than our model (see `__init__` for the column mapping):
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
- form_id becomes the questionnaire id made into a slug (lower case, `_` → `-`); no version → "1".
- Question and group names are not renamed (expressions refer to them): a name that is not a
  valid id (lower-case letter first, then a-z, 0-9, _) is reported.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

import openpyxl

from backend.surveys.definition import Survey
from backend.surveys.parser import parse_definition
from backend.surveys.spec import SLUG_PATTERN
from backend.surveys.xlsform import PX, Row, XlsFormProblem, language_code, read_sheet
from backend.surveys.xlsform.types import COMPOSITE, Group, TypeConverter, our_type

#: Our written-form keys → the column a problem with them points at.
_COLUMN_OF = {"id": "name", "show_if": "relevant", "help": "hint", "constraints": "constraint", "options": "choices"}
_COLUMN_OF |= {"title": "form_title", "intro": "px_intro", "rows": "rows", "items": "choices", "languages": "languages"}
_COLUMN_OF |= {k: PX + k for k in ("publish", "chart", "other", "other_label", "dont_know", "not_applicable", "top")}
_COLUMN_OF |= {k: PX + k for k in ("unit", "min", "max", "max_length", "description", "privacy_notice", "purpose")}


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


class _Converter(TypeConverter):
    """The whole workbook: settings, choice lists and the survey sheet's groups; cells and types come from its bases."""

    def document(self, settings: Row | None, name: str) -> dict[str, Any]:
        self.locations[()] = (settings.sheet, settings.number) if settings else ("settings", None)
        get = settings.word if settings else (lambda _: "")
        text = (lambda c: settings.text(c, self.default)) if settings else (lambda _: {})
        form_id = _slug(get("form_id")) or _slug(name) or "imported-form"
        fallback = get("form_title") or get("form_id") or name
        self.title = text(PX + "title") or {lang: fallback for lang in self.languages}
        data: dict[str, Any] = {"id": form_id, "version": get("version") or "1", "title": self.title}
        data |= {"default_language": self.default, "languages": list(self.languages)}
        for key in ("description", "privacy_notice"):
            if text(PX + key):
                data[key] = text(PX + key)
        if get(PX + "purpose"):
            data["purpose"] = get(PX + "purpose")
        return data

    def read_choices(self, rows: list[Row]) -> None:
        for row in rows:
            self.unsupported_columns(row)
            list_name, code = row.word("list_name"), row.word("name")
            if not list_name or not code:
                self.problem(row, "a choice needs both list_name and name")
                continue
            choices = self.lists.setdefault(list_name, [])
            if any(c == code for _, c in choices):
                self.problem(row, f'choice "{code}" appears twice in list "{list_name}"')
                continue
            choices.append((row, code))

    def read_survey(self, rows: list[Row]) -> None:
        for row in rows:  # types first: an expression may name a question further down
            words = row.word("type").split() or ["?"]
            if _structure(words) == "begin_group":
                self.group_names.add(row.word("name"))
                if row.word(PX + "type") in COMPOSITE:
                    self.types[row.word("name")] = row.word(PX + "type")
            elif qtype := our_type(words, row):
                self.types.setdefault(row.word("name"), qtype)
        stack: list[Group] = []
        for row in rows:
            words = row.word("type").split()
            structure = _structure(words) if words else None
            in_repeat = any(g.kind == "repeat" for g in stack)
            if structure == "begin_repeat":
                if not in_repeat:
                    self.problem(row, f"repeats are not supported ({row.word('type')})")
                stack.append(Group("repeat", row))
            elif structure in {"end_group", "end_repeat"}:
                if not stack or (stack[-1].kind == "repeat") != (structure == "end_repeat"):
                    self.problem(row, f'"{row.word("type")}" has no matching begin')
                else:
                    self.close(stack.pop(), stack)
            elif in_repeat:  # reported once, at the repeat; only its groups are followed
                if structure == "begin_group":
                    stack.append(Group("flat", row))
            elif not words:
                self.problem(row, "the row has no type")
            elif structure == "begin_group":
                self.unsupported_columns(row)
                self.open(row, stack)
            elif stack and stack[-1].kind in COMPOSITE:
                self.unsupported_columns(row)
                stack[-1].children.append(row)
            else:
                if words[0].lower() != "calculate":
                    self.unsupported_columns(row)
                if built := self.question(row, words):
                    self.add(*built, row, stack)
        for group in stack:
            self.problem(group.row, f'"{group.row.word("type")}" has no matching end')

    def open(self, row: Row, stack: list[Group]) -> None:
        px, name = row.word(PX + "type"), row.word("name")
        condition = self.condition(row, "relevant")
        if any(g.kind in COMPOSITE for g in stack):
            self.problem(row, "a group inside a matrix or allocation group is not supported")
            stack.append(Group("flat", row))
        elif px in COMPOSITE:
            stack.append(Group(px, row, condition))
        elif px:
            self.problem(row, f'px_type "{px}" does not fit a group (only matrix or allocation)')
            stack.append(Group("flat", row))
        elif stack:  # a nested group: flattened into the section that holds it
            stack.append(Group("flat", row, condition))
        else:
            title = row.text("label", self.default) or ({lang: name for lang in self.languages} if name else {})
            section: dict[str, Any] = {"id": name or None, "title": title}
            if intro := row.text(PX + "intro", self.default):
                section["intro"] = intro
            if condition is not None:
                section["show_if"] = condition
            self.locations[("sections", len(self.sections))] = (row.sheet, row.number)
            self.sections.append({**section, "questions": []})
            self.default_open = False
            stack.append(Group("section", row))

    def close(self, group: Group, stack: list[Group]) -> None:
        if group.kind in COMPOSITE and not any(g.kind == "repeat" for g in stack):
            self.add(*self.composite(group), group.row, stack)

    def add(self, q: dict[str, Any], option_rows: dict[tuple[str, int], Row], row: Row, stack: list[Group]) -> None:
        conditions = [g.condition for g in stack if g.kind == "flat" and g.condition is not None]
        if conditions:
            conditions += [q["show_if"]] if "show_if" in q else []
            q["show_if"] = conditions[0] if len(conditions) == 1 else {"all": conditions}
        if not any(g.kind == "section" for g in stack) and not self.default_open:
            taken, sid, n = self.group_names | {s["id"] for s in self.sections}, "main", 1
            while sid in taken:
                n += 1
                sid = f"main_{n}"
            self.locations[("sections", len(self.sections))] = self.locations[()]
            self.sections.append({"id": sid, "title": dict(self.title), "questions": []})
            self.default_open = True
        path = ("sections", len(self.sections) - 1, "questions", len(self.sections[-1]["questions"]))
        self.locations[path] = (row.sheet, row.number)
        for (key, i), option_row in option_rows.items():
            self.locations[(*path, key, i)] = (option_row.sheet, option_row.number)
        self.sections[-1]["questions"].append(q)

    # ---- after conversion ----------------------------------------------------------------------

    def locate(self, path: tuple[object, ...], message: str) -> XlsFormProblem:
        """A parse_definition problem, placed at the row (and column) its part came from."""
        n = next(n for n in range(len(path), -1, -1) if path[:n] in self.locations)
        (sheet, row), tail = self.locations[path[:n]], path[n:]
        column = next((p for p in tail if isinstance(p, str)), "")
        if column == "constraints":
            number = tail[1] + 1 if len(tail) > 1 and isinstance(tail[1], int) else 1
            column = "constraint_message" if "message" in tail[2:] else "constraint"
            column = column if number == 1 else f"{PX}{column}_{number}"
        column = _COLUMN_OF.get(column, column)
        return XlsFormProblem(sheet, row, f"{column}: {message}" if column else message)


def _default_language(settings: Row | None, languages: list[str], problems: list[XlsFormProblem]) -> str:
    raw = settings.word("default_language") if settings else ""
    if settings and raw and raw.lower() != "default":
        code = language_code(raw)
        if code is not None:
            return code
        problems.append(XlsFormProblem(settings.sheet, settings.number, f'default_language "{raw}" names no language'))
    return languages[0] if languages else "en"


def _convert(
    source: str | Path | IO[bytes], name: str | None
) -> tuple[dict[str, Any], Survey | None, list[XlsFormProblem]]:
    if name is None:
        name = Path(source).stem if isinstance(source, str | Path) else "form"
    try:
        workbook = openpyxl.load_workbook(source, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a file that is not a workbook
        return {}, None, [XlsFormProblem(None, None, f"not a readable .xlsx workbook ({exc})")]
    sheets = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
    if "survey" not in sheets:
        return {}, None, [XlsFormProblem(None, None, 'the workbook has no "survey" sheet')]
    problems: list[XlsFormProblem] = []
    languages: list[str] = []
    read = {s: read_sheet(sheets[s], s, problems, languages) if s in sheets else [] for s in ("survey", "choices")}
    settings_rows = read_sheet(sheets["settings"], "settings", problems, languages) if "settings" in sheets else []
    settings = settings_rows[0] if settings_rows else None
    default = _default_language(settings, languages, problems)
    if default not in languages:
        languages.insert(0, default)
    conv = _Converter(default, languages, problems)
    data = conv.document(settings, name)
    conv.read_choices(read["choices"])
    conv.read_survey(read["survey"])
    data["sections"] = conv.sections
    if not conv.sections:
        problems.append(XlsFormProblem("survey", None, "there are no questions to import"))
    survey = None
    if not any(p.row in {None, 1} for p in problems):  # a broken sheet would only give knock-on problems
        survey, found = parse_definition(data)
        reported = {(p.sheet, p.row) for p in problems}
        located = [conv.locate(p.path, p.message) for p in found]
        problems += [p for p in located if p.row is None or (p.sheet, p.row) not in reported]
    order = {None: 0, "survey": 1, "choices": 2, "settings": 3}
    problems.sort(key=lambda p: (order.get(p.sheet, 4), p.row or 0))
    return data, (survey if not problems else None), problems


def read_xlsform(
    source: str | Path | IO[bytes], name: str | None = None
) -> tuple[dict[str, Any], list[XlsFormProblem]]:
    """The written form of an XLSForm workbook and every problem found (none: importable).

    `name` (default: the file name) supplies the questionnaire id when settings has no form_id.
    """
    data, _, problems = _convert(source, name)
    return data, problems


def import_xlsform(
    source: str | Path | IO[bytes], name: str | None = None
) -> tuple[Survey | None, list[XlsFormProblem]]:
    """The questionnaire of an XLSForm workbook, or None with every problem found."""
    _, survey, problems = _convert(source, name)
    return survey, problems
