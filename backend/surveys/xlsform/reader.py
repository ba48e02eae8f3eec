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
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import openpyxl

from backend.surveys.definition import Survey
from backend.surveys.parser import parse_definition
from backend.surveys.xlsform import (
    CHILD_SEPARATOR,
    FALSE_WORDS,
    PX,
    TRUE_WORDS,
    Row,
    XlsFormProblem,
    cell_text,
    language_code,
    read_sheet,
)
from backend.surveys.xlsform.expressions import ExpressionError, parse_expression

Location = tuple[str, int | None]

_UNSUPPORTED_COLUMNS = {"choice_filter": "choice filters", "trigger": "triggers", "calculation": "calculations"}
_UNSUPPORTED_COLUMNS |= {"default": "default answers", "read_only": "read-only questions", "media": "media"}
_METADATA = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email"}
_METADATA |= {"audit", "start-geopoint"} | {f"uri:{m}" for m in ("deviceid", "email", "phonenumber", "username")}
_UNSUPPORTED_TYPES = {"geopoint", "geotrace", "geoshape", "image", "audio", "video", "file", "barcode"}
_UNSUPPORTED_TYPES |= {"acknowledge", "trigger", "hidden", "time", "datetime", "background-audio", "osm"}
_UNSUPPORTED_TYPES |= {"xml-external", "csv-external", "select_one_from_file", "select_multiple_from_file"}
_SIMPLE_TYPES = {"select_multiple": "multiple_choice", "rank": "ranking", "integer": "number", "decimal": "number"}
_SIMPLE_TYPES |= {"range": "scale", "note": "info", "date": "date"}
_COMPOSITE = ("matrix", "allocation")
_INVALID = {"en": "This answer is not allowed.", "fr": "Réponse non acceptée.", "es": "Respuesta no válida."}
#: Our written-form keys → the column a problem with them points at.
_COLUMN_OF = {"id": "name", "show_if": "relevant", "help": "hint", "constraints": "constraint", "options": "choices"}
_COLUMN_OF |= {"title": "form_title", "intro": "px_intro", "rows": "rows", "items": "choices", "languages": "languages"}
_COLUMN_OF |= {k: PX + k for k in ("publish", "chart", "other", "other_label", "dont_know", "not_applicable", "top")}
_COLUMN_OF |= {k: PX + k for k in ("unit", "min", "max", "max_length", "description", "privacy_notice", "purpose")}


@dataclass
class _Group:
    kind: str  # section | flat | repeat | matrix | allocation
    row: Row
    condition: dict[str, Any] | None = None
    children: list[Row] = field(default_factory=list)


def _structure(words: list[str]) -> str | None:
    pair = "_".join(w.lower() for w in words[:2])
    for kind in ("begin_group", "end_group", "begin_repeat", "end_repeat"):
        if words[0].lower() == kind or pair == kind:
            return kind
    return None


def _our_type(words: list[str], row: Row) -> str | None:
    base, px = words[0].lower(), row.word(PX + "type")
    appearance = row.word("appearance").lower().split()
    if base == "select_one":
        return px if px in {"yes_no", "scale"} else "scale" if "likert" in appearance else "single_choice"
    if base == "text":
        return "long_text" if px == "long_text" or "multiline" in appearance else "short_text"
    return _SIMPLE_TYPES.get(base)


def _number_text(value: float) -> str:
    value = round(value, 10)
    return str(int(value)) if value.is_integer() else repr(value)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Converter:
    def __init__(self, default: str, languages: list[str], problems: list[XlsFormProblem]) -> None:
        self.default = default
        self.languages = languages
        self.problems = problems
        self.lists: dict[str, list[tuple[Row, str]]] = {}
        self.sections: list[dict[str, Any]] = []
        self.locations: dict[tuple[object, ...], Location] = {}
        self.types: dict[str, str] = {}
        self.names: dict[str, int] = {}
        self.group_names: set[str] = set()
        self.title: dict[str, str] = {}
        self.default_open = False

    def problem(self, row: Row, message: str) -> None:
        self.problems.append(XlsFormProblem(row.sheet, row.number, message))

    # ---- settings and choices ----------------------------------------------------------------

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

    def option(self, row: Row, code: str, with_exclusive: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"code": code, "label": row.text("label", self.default)}
        if with_exclusive and row.raw(PX + "exclusive") is not None:
            out["exclusive"] = self.flag(row, PX + "exclusive")
        return out

    # ---- cells ---------------------------------------------------------------------------------

    def unsupported_columns(self, row: Row) -> None:
        for (column, _), value in row.cells.items():
            if column in _UNSUPPORTED_COLUMNS and cell_text(value).strip().lower() not in FALSE_WORDS:
                self.problem(row, f"{_UNSUPPORTED_COLUMNS[column]} are not supported ({column} {cell_text(value)})")

    def flag(self, row: Row, column: str) -> bool:
        raw = row.raw(column)
        if raw is None or isinstance(raw, bool):
            return bool(raw)
        word = cell_text(raw).strip().lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        extra = " (required expressions are not supported)" if column == "required" else ""
        self.problem(row, f'{column} must be yes or no, not "{cell_text(raw)}"{extra}')
        return False

    @staticmethod
    def number(raw: object, date: bool = False) -> object:
        """A number cell (or a date as text); parse_definition says what is wrong with others."""
        if date or not isinstance(raw, str | float):
            return cell_text(raw).strip() if date else raw
        if isinstance(raw, float):
            return int(raw) if raw.is_integer() else raw
        try:
            return float(raw) if "." in raw else int(raw)
        except ValueError:
            return raw

    def condition(self, row: Row, column: str, self_type: str | None = None) -> dict[str, Any] | None:
        expression = row.word(column)
        if not expression:
            return None
        try:
            return parse_expression(expression, self.types, self_type)
        except ExpressionError as exc:
            self.problem(row, f'{column} "{expression}": {exc}')
            return None

    def constraints(self, row: Row, qtype: str) -> list[dict[str, Any]]:
        numbered = sorted(int(m[1]) for c, _ in row.cells if (m := re.fullmatch(PX + r"constraint_(\d+)", c)))
        columns = [("constraint", "constraint_message")]
        columns += [(f"{PX}constraint_{n}", f"{PX}constraint_message_{n}") for n in numbered]
        out = []
        for column, message_column in columns:
            rule = self.condition(row, column, qtype)
            if rule is not None:
                message = row.text(message_column, self.default)
                message = message or {lang: _INVALID.get(lang, _INVALID["en"]) for lang in self.languages}
                out.append({"rule": rule, "message": message})
        return out

    def common(self, q: dict[str, Any], row: Row) -> None:
        """Fields every question may have, from the row of the question (or of its group)."""
        for key, column in (("help", "hint"), ("required_message", "required_message"), ("other_label", None)):
            value = row.text(column or PX + key, self.default)
            if value:
                q[key] = value
        if self.flag(row, "required"):
            q["required"] = True
        for key in ("other", "dont_know", "not_applicable"):
            if row.raw(PX + key) is not None:
                q[key] = self.flag(row, PX + key)
        for key in ("publish", "chart"):
            if row.word(PX + key):
                q[key] = row.word(PX + key)
        if constraints := self.constraints(row, q["type"]):
            q["constraints"] = constraints

    def claim(self, row: Row, name: str) -> None:
        if name in self.names:
            self.problem(row, f'duplicate name "{name}" (also on row {self.names[name]})')
        self.names.setdefault(name, row.number)

    # ---- the survey sheet ----------------------------------------------------------------------

    def read_survey(self, rows: list[Row]) -> None:
        for row in rows:  # types first: an expression may name a question further down
            words = row.word("type").split() or ["?"]
            if _structure(words) == "begin_group":
                self.group_names.add(row.word("name"))
                if row.word(PX + "type") in _COMPOSITE:
                    self.types[row.word("name")] = row.word(PX + "type")
            elif qtype := _our_type(words, row):
                self.types.setdefault(row.word("name"), qtype)
        stack: list[_Group] = []
        for row in rows:
            words = row.word("type").split()
            structure = _structure(words) if words else None
            in_repeat = any(g.kind == "repeat" for g in stack)
            if structure == "begin_repeat":
                if not in_repeat:
                    self.problem(row, f"repeats are not supported ({row.word('type')})")
                stack.append(_Group("repeat", row))
            elif structure in {"end_group", "end_repeat"}:
                if not stack or (stack[-1].kind == "repeat") != (structure == "end_repeat"):
                    self.problem(row, f'"{row.word("type")}" has no matching begin')
                else:
                    self.close(stack.pop(), stack)
            elif in_repeat:  # reported once, at the repeat; only its groups are followed
                if structure == "begin_group":
                    stack.append(_Group("flat", row))
            elif not words:
                self.problem(row, "the row has no type")
            elif structure == "begin_group":
                self.unsupported_columns(row)
                self.open(row, stack)
            elif stack and stack[-1].kind in _COMPOSITE:
                self.unsupported_columns(row)
                stack[-1].children.append(row)
            else:
                if words[0].lower() != "calculate":
                    self.unsupported_columns(row)
                if built := self.question(row, words):
                    self.add(*built, row, stack)
        for group in stack:
            self.problem(group.row, f'"{group.row.word("type")}" has no matching end')

    def open(self, row: Row, stack: list[_Group]) -> None:
        px, name = row.word(PX + "type"), row.word("name")
        condition = self.condition(row, "relevant")
        if any(g.kind in _COMPOSITE for g in stack):
            self.problem(row, "a group inside a matrix or allocation group is not supported")
            stack.append(_Group("flat", row))
        elif px in _COMPOSITE:
            stack.append(_Group(px, row, condition))
        elif px:
            self.problem(row, f'px_type "{px}" does not fit a group (only matrix or allocation)')
            stack.append(_Group("flat", row))
        elif stack:  # a nested group: flattened into the section that holds it
            stack.append(_Group("flat", row, condition))
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
            stack.append(_Group("section", row))

    def close(self, group: _Group, stack: list[_Group]) -> None:
        if group.kind in _COMPOSITE and not any(g.kind == "repeat" for g in stack):
            self.add(*self.composite(group), group.row, stack)

    def add(self, q: dict[str, Any], option_rows: dict[tuple[str, int], Row], row: Row, stack: list[_Group]) -> None:
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

    def question(self, row: Row, words: list[str]) -> tuple[dict[str, Any], dict[tuple[str, int], Row]] | None:
        base, kind, name = words[0].lower(), " ".join(words), row.word("name")
        if base in _METADATA:
            return None
        if base == "calculate":
            self.problem(row, "calculations are not supported (calculate)")
            return None
        if base in _UNSUPPORTED_TYPES:
            self.problem(row, f"{base} questions are not supported ({kind})")
            return None
        qtype = _our_type(words, row)
        if qtype is None:
            self.problem(row, f'unknown question type "{kind}"')
            return None
        px = row.word(PX + "type")
        if px and px != qtype:
            self.problem(row, f'px_type "{px}" does not fit type "{kind}"')
        self.claim(row, name)
        q: dict[str, Any] = {"id": name or None, "type": qtype, "label": row.text("label", self.default)}
        condition = self.condition(row, "relevant")
        if condition is not None:
            q["show_if"] = condition
        self.common(q, row)
        if qtype == "info":  # a note asks nothing: answer-related columns do not apply
            q = {k: v for k, v in q.items() if k not in {"required", "required_message", "constraints"}}
        option_rows: dict[tuple[str, int], Row] = {}
        if base in {"select_one", "select_multiple", "rank"}:
            option_rows = self.choice_list(q, row, words)
        elif base == "range":
            q["options"] = self.range_points(row)
        elif base == "integer":
            q["integer"] = True
        for key in ("top", "max_length", "min", "max"):
            if row.raw(PX + key) is not None:
                q[key] = self.number(row.raw(PX + key), key in {"min", "max"} and qtype == "date")
        if unit := row.text(PX + "unit", self.default):
            q["unit"] = unit
        return q, option_rows

    def choice_list(self, q: dict[str, Any], row: Row, words: list[str]) -> dict[tuple[str, int], Row]:
        base, list_name, extra = words[0].lower(), words[1] if len(words) > 1 else "", words[2:]
        if extra == ["or_other"] and base != "rank":
            q["other"] = True
        elif extra:
            self.problem(row, f'unexpected "{" ".join(extra)}" after the list name in "{" ".join(words)}"')
        appearance = row.word("appearance").lower().split()
        if q["type"] == "single_choice" and {"minimal", "dropdown", "autocomplete"} & set(appearance):
            q["widget"] = "dropdown"
        if q["type"] == "yes_no":
            return {}  # the format supplies yes and no itself
        choices = self.lists.get(list_name)
        if not list_name:
            self.problem(row, f"{base} needs the name of a choice list")
        elif choices is None:
            self.problem(row, f'{base} refers to missing choice list "{list_name}"')
        key = "items" if q["type"] == "ranking" else "options"
        q[key] = [self.option(r, code, q["type"] == "multiple_choice") for r, code in choices or []]
        return {(key, i): r for i, (r, _) in enumerate(choices or [])}

    def range_points(self, row: Row) -> list[dict[str, Any]]:
        text = row.word("parameters")
        pairs = [p.partition("=") for p in re.split(r"[\s,;]+", text) if p]
        params = {k.strip().lower(): v.strip() for k, sep, v in pairs if sep}
        try:
            start, end, step = (float(params.get(k, d)) for k, d in (("start", "1"), ("end", "10"), ("step", "1")))
        except ValueError:
            self.problem(row, f'range parameters "{text}" must be numbers, as in start=1 end=5 step=1')
            return []
        count = round(abs(end - start) / abs(step)) + 1 if step else 0
        if not 2 <= count <= 50:
            self.problem(row, f'range parameters "{text}" must give between 2 and 50 scale points')
            return []
        step = abs(step) if end >= start else -abs(step)
        codes = [_number_text(start + i * step) for i in range(count)]
        return [{"code": c, "label": {lang: c for lang in self.languages}} for c in codes]

    def composite(self, group: _Group) -> tuple[dict[str, Any], dict[tuple[str, int], Row]]:
        """A matrix or allocation question from its group row and its child rows."""
        row, kind, name = group.row, group.kind, group.row.word("name")
        self.claim(row, name)
        q: dict[str, Any] = {"id": name or None, "type": kind, "label": row.text("label", self.default)}
        if group.condition is not None:
            q["show_if"] = group.condition
        self.common(q, row)
        key, want = ("rows", {"select_one"}) if kind == "matrix" else ("items", {"integer", "decimal"})
        prefix, entries, lists, option_rows = f"{name}{CHILD_SEPARATOR}", [], set(), {}
        for child in group.children:
            words = child.word("type").split()
            if words[0].lower() not in want or not child.word("name").startswith(prefix):
                self.problem(child, f'a {kind} group holds only {" or ".join(sorted(want))} rows named "{prefix}CODE"')
                continue
            if child.word("relevant") or child.word("constraint"):
                self.problem(child, f"relevant and constraint on a {kind} row are not supported; set them on the group")
            lists.add(words[1] if len(words) > 1 else "")
            if self.flag(child, "required"):
                q["required"] = True
            if "required_message" not in q and (message := child.text("required_message", self.default)):
                q["required_message"] = message
            option_rows[(key, len(entries))] = child
            entries.append({"code": child.word("name")[len(prefix) :], "label": child.text("label", self.default)})
        q[key] = entries
        if kind == "matrix" and len(lists) > 1:
            self.problem(row, "the rows of a matrix group must all use one choice list")
        elif kind == "matrix" and lists:
            list_name = lists.pop()
            if list_name not in self.lists:
                self.problem(row, f'the rows of matrix "{name}" refer to missing choice list "{list_name}"')
            q["options"] = [self.option(r, code, False) for r, code in self.lists.get(list_name, [])]
            option_rows |= {("options", i): r for i, (r, _) in enumerate(self.lists.get(list_name, []))}
        return q, option_rows

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
