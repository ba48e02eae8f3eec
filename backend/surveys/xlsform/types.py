"""The question types of XLSForm: which of ours a type cell means, and converting a question row or group."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from backend.surveys.xlsform import CHILD_SEPARATOR, PX, Row
from backend.surveys.xlsform.row_reader import RowReader

_METADATA = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email"}
_METADATA |= {"audit", "start-geopoint"} | {f"uri:{m}" for m in ("deviceid", "email", "phonenumber", "username")}
_UNSUPPORTED_TYPES = {"geopoint", "geotrace", "geoshape", "image", "audio", "video", "file", "barcode"}
_UNSUPPORTED_TYPES |= {"acknowledge", "trigger", "hidden", "time", "datetime", "background-audio", "osm"}
_UNSUPPORTED_TYPES |= {"xml-external", "csv-external", "select_one_from_file", "select_multiple_from_file"}
_SIMPLE_TYPES = {"select_multiple": "multiple_choice", "rank": "ranking", "integer": "number", "decimal": "number"}
_SIMPLE_TYPES |= {"range": "scale", "note": "info", "date": "date"}
COMPOSITE = ("matrix", "allocation")


@dataclass
class Group:
    """A begin group or begin repeat of the survey sheet, open until its end row."""

    kind: str  # section | flat | repeat | matrix | allocation
    row: Row
    condition: dict[str, Any] | None = None
    children: list[Row] = field(default_factory=list)


def our_type(words: list[str], row: Row) -> str | None:
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


class TypeConverter(RowReader):
    """Turns one question row, or one matrix or allocation group, into a question (a base of the converter)."""

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
        qtype = our_type(words, row)
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

    def composite(self, group: Group) -> tuple[dict[str, Any], dict[tuple[str, int], Row]]:
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
