"""The fields of a question that depend on its type: options, items, rows, bounds and limits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.surveys import spec
from backend.surveys.definition import DONT_KNOW_CODE, FREE_TEXT_TYPES, NOT_APPLICABLE_CODE, OTHER_CODE, Option
from backend.surveys.value_reader import ValueReader
from backend.surveys.yamlpos import Path


class QuestionFields(ValueReader):
    """The per-type part of reading a question (a mixin of the definition parser)."""

    def options(
        self,
        raw: object,
        path: Path,
        *,
        what: str,
        minimum: int,
        allow_exclusive: bool = False,
        reserved: tuple[str, ...] = (),
    ) -> tuple[Option, ...]:
        if raw is None:
            self.problem(path[:-1], f'missing required key "{path[-1]}"')
            return ()
        if not isinstance(raw, list):
            self.problem(path, f'"{path[-1]}" must be a list of {what}')
            return ()
        if len(raw) < minimum:
            self.problem(path, f'"{path[-1]}" needs at least {minimum} {what}; found {len(raw)}')
        out = []
        codes: dict[str, int] = {}
        for i, item in enumerate(raw):
            where = (*path, i)
            o = self.mapping(item, where, f"one of the {what}")
            if o is None:
                continue
            self.check_keys(
                o, spec.OPTION_KEYS if allow_exclusive else spec.OPTION_KEYS[:2], where, f"one of the {what}"
            )
            code = self.string(o, "code", where, pattern=spec.CODE_PATTERN, hint="use letters, digits, _ . and -")
            label = self.text(o, "label", where, required=True)
            exclusive = self.boolean(o, "exclusive", where) if allow_exclusive else False
            if code is None:
                continue
            if code in codes:
                self.problem((*where, "code"), f'option code "{code}" is used twice (also by item {codes[code] + 1})')
            elif code in reserved:
                self.problem(
                    (*where, "code"),
                    f'option code "{code}" collides with the code '
                    "the format adds itself for this question's extra option",
                )
            codes[code] = i
            out.append(Option(code=code, label=label, exclusive=exclusive))
        return tuple(out)

    def type_fields(self, qtype: str, q: dict[str, Any], path: Path) -> dict[str, Any]:
        f: dict[str, Any] = {}
        if qtype in {"single_choice", "multiple_choice", "yes_no", "scale", "matrix"}:
            f["dont_know"] = self.boolean(q, "dont_know", path)
        if qtype in {"scale", "matrix"}:
            f["not_applicable"] = self.boolean(q, "not_applicable", path)
        if qtype in {"single_choice", "multiple_choice"}:
            f["other"] = self.boolean(q, "other", path)
            f["other_label"] = self.text(q, "other_label", path)
        reserved = tuple(
            code
            for code, on in (
                (OTHER_CODE, f.get("other")),
                (DONT_KNOW_CODE, f.get("dont_know")),
                (NOT_APPLICABLE_CODE, f.get("not_applicable")),
            )
            if on
        )
        if qtype in {"single_choice", "multiple_choice"}:
            f["options"] = self.options(
                q.get("options"),
                (*path, "options"),
                what="options",
                minimum=2,
                reserved=reserved,
                allow_exclusive=qtype == "multiple_choice",
            )
        if qtype == "single_choice":
            f["widget"] = self.choice(q, "widget", path, spec.WIDGETS, "radios")
        if qtype == "scale":
            f["options"] = self.options(
                q.get("options"), (*path, "options"), what="scale points", minimum=2, reserved=reserved
            )
        if qtype == "matrix":
            f["rows"] = self.options(q.get("rows"), (*path, "rows"), what="rows", minimum=1)
            f["options"] = self.options(
                q.get("options"), (*path, "options"), what="scale points", minimum=2, reserved=reserved
            )
        if qtype in {"allocation", "ranking"}:
            f["items"] = self.options(q.get("items"), (*path, "items"), what="items", minimum=2)
        if qtype == "ranking":
            f["top"] = self.positive_int(q, "top", path)
            if f["top"] is not None and f["items"] and f["top"] > len(f["items"]):
                self.problem((*path, "top"), f"top {f['top']} is larger than the {len(f['items'])} items to rank")
        if qtype == "number":
            f["integer"] = self.boolean(q, "integer", path)
            f["unit"] = self.text(q, "unit", path)
            f["min"] = self.number(q, "min", path)
            f["max"] = self.number(q, "max", path)
            for key in ("min", "max"):
                if f["integer"] and f[key] is not None and f[key] != int(f[key]):
                    self.problem((*path, key), f'"{key}" must be a whole number for an integer question')
        if qtype == "date":
            f["min"] = self.date(q, "min", path)
            f["max"] = self.date(q, "max", path)
        if qtype in {"number", "date"} and f["min"] is not None and f["max"] is not None and f["min"] > f["max"]:
            self.problem((*path, "min"), f"min {f['min']} is greater than max {f['max']}")
        if qtype in FREE_TEXT_TYPES:
            f["max_length"] = self.positive_int(q, "max_length", path)
        return f

    def date(self, raw: dict[str, Any], key: str, path: Path) -> str | None:
        if key not in raw or raw[key] is None:
            return None
        value = raw[key]
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            self.problem((*path, key), f'"{key}" must be a date written YYYY-MM-DD, not {value!r}')
            return None
