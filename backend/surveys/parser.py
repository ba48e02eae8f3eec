"""Turn a definition document (plain data read from YAML or JSON) into the model.

Every fault becomes a `Problem` tied to its path; parsing goes on after a fault so that one
run reports every problem, not just the first.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from backend.surveys import spec
from backend.surveys.conditions import SELF, parse_condition, referenced_questions
from backend.surveys.definition import (
    DONT_KNOW_CODE,
    FREE_TEXT_TYPES,
    NO_CODE,
    NOT_APPLICABLE_CODE,
    NUMERIC_OPS,
    OTHER_CODE,
    QUESTION_TYPES,
    YES_CODE,
    Compare,
    Condition,
    Constraint,
    CountSelected,
    Option,
    Question,
    Section,
    Survey,
    Text,
)
from backend.surveys.problems import Problem, did_you_mean
from backend.surveys.yamlpos import Path


class _Parser:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ("en",)
        self.default_language = "en"
        #: every translatable string seen, for the missing-translation check
        self.texts: list[tuple[Path, Text]] = []

    def problem(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.problems.append(Problem(path, message, at_key=at_key))

    # ---- small readers -------------------------------------------------------------------

    def check_keys(self, raw: dict[str, Any], allowed: tuple[str, ...], path: Path, what: str) -> None:
        for key in raw:
            if key not in allowed:
                self.problem(
                    (*path, key), f'unknown key "{key}" in {what}{did_you_mean(str(key), allowed)}', at_key=True
                )

    def mapping(self, raw: object, path: Path, what: str) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.problem(path, f"{what} must be a mapping (key: value lines)")
            return None
        return raw

    def string(
        self,
        raw: dict[str, Any],
        key: str,
        path: Path,
        *,
        required: bool = True,
        pattern: str | None = None,
        hint: str = "",
    ) -> str | None:
        if key not in raw or raw[key] is None:
            if required:
                self.problem(path, f'missing required key "{key}"')
            return None
        value = raw[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.problem((*path, key), f'"{key}" must be a non-empty string')
            return None
        if pattern and not re.fullmatch(pattern, value):
            self.problem((*path, key), f'"{key}" {value!r} is not valid: {hint}')
            return None
        return value

    def boolean(self, raw: dict[str, Any], key: str, path: Path, default: bool = False) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            self.problem((*path, key), f'"{key}" must be true or false, not {value!r}')
            return default
        return value

    def number(self, raw: dict[str, Any], key: str, path: Path) -> float | None:
        if key not in raw or raw[key] is None:
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem((*path, key), f'"{key}" must be a number, not {value!r}')
            return None
        if not math.isfinite(value):
            self.problem((*path, key), f'"{key}" must be a finite number, not {value!r}')
            return None
        return value

    def positive_int(self, raw: dict[str, Any], key: str, path: Path) -> int | None:
        if key not in raw or raw[key] is None:
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem((*path, key), f'"{key}" must be a whole number of 1 or more, not {value!r}')
            return None
        return value

    def choice(self, raw: dict[str, Any], key: str, path: Path, allowed: tuple[str, ...], default: str) -> str:
        value = raw.get(key, default)
        if value not in allowed:
            self.problem(
                (*path, key),
                f'"{key}" must be one of {", ".join(allowed)}; not {value!r}{did_you_mean(str(value), allowed)}',
            )
            return default
        return str(value)

    def text(self, raw: dict[str, Any], key: str, path: Path, *, required: bool = False) -> Text:
        """A translatable string: plain text (the default language) or {language: text}."""
        if key not in raw or raw[key] is None:
            if required:
                self.problem(path, f'missing required key "{key}"')
            return {}
        value = raw[key]
        where = (*path, key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            text = {self.default_language: value}
        elif isinstance(value, dict):
            text = {}
            for lang, s in value.items():
                if lang not in self.languages:
                    self.problem(
                        (*where, lang),
                        f'language "{lang}" is not in "languages" '
                        f"({', '.join(self.languages)})"
                        f"{did_you_mean(str(lang), self.languages)}",
                        at_key=True,
                    )
                    continue
                if isinstance(s, int | float) and not isinstance(s, bool):
                    s = str(s)  # as for a plain `label: 100`
                if not isinstance(s, str) or not s.strip():
                    self.problem((*where, lang), f'the "{lang}" text of "{key}" must be a non-empty string')
                    continue
                text[str(lang)] = s
        else:
            self.problem(where, f'"{key}" must be text, or a mapping from language to text')
            return {}
        self.texts.append((where, text))
        return text

    # ---- document ------------------------------------------------------------------------

    def survey(self, raw: object) -> Survey | None:
        doc = self.mapping(raw, (), "a questionnaire")
        if doc is None:
            return None
        self.check_keys(doc, spec.SURVEY_KEYS, (), "the questionnaire")
        self.read_languages(doc)
        survey_id = self.string(
            doc, "id", (), pattern=spec.SLUG_PATTERN, hint="use lower-case letters, digits and hyphens"
        )
        version = self.string(doc, "version", ())
        title = self.text(doc, "title", (), required=True)
        description = self.text(doc, "description", ())
        privacy = self.text(doc, "privacy_notice", ())
        purpose = self.choice(doc, "purpose", (), spec.PURPOSES, "practice")
        sections = self.sections(doc.get("sections"), ("sections",))
        if "sections" not in doc:
            self.problem((), 'missing required key "sections"')
        self.check_references(sections)
        self.check_translations()
        if self.problems or survey_id is None or version is None:
            return None
        return Survey(
            id=survey_id,
            version=version,
            title=title,
            default_language=self.default_language,
            languages=self.languages,
            description=description,
            privacy_notice=privacy,
            purpose=purpose,
            sections=tuple(sections),
        )

    def read_languages(self, doc: dict[str, Any]) -> None:
        default = doc.get("default_language", "en")
        if not isinstance(default, str) or not re.fullmatch(spec.LANGUAGE_PATTERN, default):
            self.problem(
                ("default_language",), f"default_language {default!r} is not a language code such as en, fr or es"
            )
            default = "en"
        languages = doc.get("languages", [default])
        if not isinstance(languages, list) or not languages:
            self.problem(("languages",), '"languages" must be a list of language codes')
            languages = [default]
        clean: list[str] = []
        for i, lang in enumerate(languages):
            if not isinstance(lang, str) or not re.fullmatch(spec.LANGUAGE_PATTERN, lang):
                self.problem(("languages", i), f"{lang!r} is not a language code such as en")
            elif lang in clean:
                self.problem(("languages", i), f'language "{lang}" is listed twice')
            else:
                clean.append(lang)
        if default not in clean:
            self.problem(("languages",), f'"languages" must include the default language "{default}"')
            clean.insert(0, default)
        self.default_language = default
        self.languages = tuple(clean)

    def sections(self, raw: object, path: Path) -> list[Section]:
        if raw is None:
            return []
        if not isinstance(raw, list) or not raw:
            self.problem(path, '"sections" must be a non-empty list of sections')
            return []
        out: list[Section] = []
        seen: dict[str, Path] = {}
        for i, item in enumerate(raw):
            where = (*path, i)
            sec = self.mapping(item, where, "a section")
            if sec is None:
                continue
            self.check_keys(sec, spec.SECTION_KEYS, where, "a section")
            sid = self.string(sec, "id", where, pattern=spec.ID_PATTERN, hint="start with a letter; use a-z, 0-9 and _")
            if sid is not None:
                if sid in seen:
                    self.problem((*where, "id"), f'duplicate section id "{sid}"')
                seen[sid] = where
            title = self.text(sec, "title", where, required=True)
            intro = self.text(sec, "intro", where)
            show_if = self.condition(sec, where)
            questions = self.questions(sec.get("questions"), (*where, "questions"))
            if "questions" not in sec:
                self.problem(where, 'missing required key "questions"')
            out.append(
                Section(id=sid or f"section_{i}", title=title, intro=intro, show_if=show_if, questions=tuple(questions))
            )
        return out

    def condition(self, raw: dict[str, Any], path: Path, key: str = "show_if") -> Condition | None:
        if key not in raw or raw[key] is None:
            return None
        return parse_condition(raw[key], (*path, key), self.problems)

    def questions(self, raw: object, path: Path) -> list[Question]:
        if raw is None:
            return []
        if not isinstance(raw, list) or not raw:
            self.problem(path, '"questions" must be a non-empty list')
            return []
        out = []
        for i, item in enumerate(raw):
            q = self.question(item, (*path, i))
            if q is not None:
                out.append(q)
        return out

    def question(self, raw: object, path: Path) -> Question | None:
        q = self.mapping(raw, path, "a question")
        if q is None:
            return None
        qtype = q.get("type")
        if qtype not in QUESTION_TYPES:
            if "type" not in q:
                self.problem(path, 'missing required key "type"')
            else:
                self.problem(
                    (*path, "type"),
                    f"unknown question type {qtype!r}"
                    f"{did_you_mean(str(qtype), QUESTION_TYPES)}; one of "
                    f"{', '.join(QUESTION_TYPES)}",
                )
            return None
        self.check_keys(q, spec.question_keys(qtype), path, f"a {qtype} question")
        qid = self.string(q, "id", path, pattern=spec.ID_PATTERN, hint="start with a letter; use a-z, 0-9 and _")
        label = self.text(q, "label", path, required=True)
        fields: dict[str, Any] = {
            "help": self.text(q, "help", path),
            "required": self.boolean(q, "required", path) if qtype != "info" else False,
            "required_message": self.text(q, "required_message", path),
            "show_if": self.condition(q, path),
            "publish": self.choice(
                q, "publish", path, spec.PUBLISH_POLICIES, "staff" if qtype in FREE_TEXT_TYPES else "compare"
            ),
            "constraints": self.constraints(q.get("constraints"), (*path, "constraints")),
        }
        if qtype in FREE_TEXT_TYPES and fields["publish"] == "compare":
            self.problem((*path, "publish"), 'free-text answers are always staff only; remove "publish: compare"')
        if "chart" in q:
            fields["chart"] = self.choice(q, "chart", path, spec.CHART_HINTS, "bar")
        fields.update(self.type_fields(qtype, q, path))
        if qid is None:
            return None
        return Question(id=qid, type=qtype, label=label, **fields)

    def constraints(self, raw: object, path: Path) -> tuple[Constraint, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(path, '"constraints" must be a list of {rule, message}')
            return ()
        out = []
        for i, item in enumerate(raw):
            where = (*path, i)
            c = self.mapping(item, where, "a constraint")
            if c is None:
                continue
            self.check_keys(c, spec.CONSTRAINT_KEYS, where, "a constraint")
            rule = self.condition(c, where, "rule")
            if "rule" not in c:
                self.problem(where, 'missing required key "rule"')
            message = self.text(c, "message", where, required=True)
            if rule is not None:
                out.append(Constraint(rule=rule, message=message))
        return tuple(out)

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

    # ---- cross-checks --------------------------------------------------------------------

    def check_references(self, sections: list[Section]) -> None:
        seen: dict[str, Question] = {}
        all_ids = {q.id for s in sections for q in s.questions}
        for si, section in enumerate(sections):
            spath: Path = ("sections", si)
            if section.show_if is not None:
                self.check_condition(section.show_if, (*spath, "show_if"), seen, all_ids, None)
            for qi, q in enumerate(section.questions):
                qpath: Path = (*spath, "questions", qi)
                if q.id in seen:
                    self.problem((*qpath, "id"), f'duplicate question id "{q.id}"')
                if q.show_if is not None:
                    self.check_condition(q.show_if, (*qpath, "show_if"), seen, all_ids, None)
                for ci, c in enumerate(q.constraints):
                    self.check_condition(c.rule, (*qpath, "constraints", ci, "rule"), seen, all_ids, q)
                seen.setdefault(q.id, q)

    def check_condition(
        self, cond: Condition, path: Path, earlier: dict[str, Question], all_ids: set[str], this: Question | None
    ) -> None:
        for qid, atom in referenced_questions(cond):
            if qid == SELF or (this is not None and qid == this.id):
                if this is None:
                    self.problem(path, '"." (this question) can only be used in constraints')
                    continue
                target = this
            elif qid in earlier:
                target = earlier[qid]
            elif qid in all_ids:
                self.problem(
                    path,
                    f'condition refers to question "{qid}", which comes later; '
                    "a condition can only use earlier answers",
                )
                continue
            else:
                self.problem(path, f'condition refers to unknown question "{qid}"{did_you_mean(qid, sorted(earlier))}')
                continue
            self.check_atom(atom, target, path)

    def check_atom(self, atom: Condition, target: Question, path: Path) -> None:
        if not target.collects_answer:
            self.problem(path, f'question "{target.id}" is information only and has no answer')
            return
        if isinstance(atom, CountSelected):
            if target.type != "multiple_choice":
                self.problem(path, f'count_selected needs a multiple_choice question; "{target.id}" is {target.type}')
            return
        assert isinstance(atom, Compare)
        if atom.op == "contains" and target.type != "multiple_choice":
            self.problem(path, f'"contains" needs a multiple_choice question; "{target.id}" is {target.type}')
            return
        if atom.op in NUMERIC_OPS and target.type not in {"number", "scale"}:
            self.problem(path, f'"{atom.op}" compares numbers; "{target.id}" is {target.type}')
            return
        if atom.op in NUMERIC_OPS and target.type == "scale":
            wordy = [o.code for o in target.options if not _numeric_code(o.code)]
            if wordy:
                self.problem(
                    path,
                    f'"{atom.op}" compares numbers, but scale "{target.id}" has codes that are '
                    f"not numbers ({', '.join(wordy)}); use in / not_in, or number the scale points",
                )
                return
        codes = answer_codes(target)
        if codes is not None and atom.op in {"equals", "not_equals", "in", "not_in", "contains"}:
            values = atom.value if isinstance(atom.value, tuple) else (atom.value,)
            for v in values:
                if str(v) not in codes:
                    self.problem(
                        path,
                        f'"{v}" is not an option code of "{target.id}" '
                        f"({', '.join(codes)}){did_you_mean(str(v), codes)}",
                    )

    def check_translations(self) -> None:
        for path, text in self.texts:
            if self.default_language not in text:
                self.problem(path, f'missing text in the default language "{self.default_language}"')
            for lang in self.languages:
                if lang != self.default_language and lang not in text:
                    self.problem(path, f'missing "{lang}" translation')


def _numeric_code(code: str) -> bool:
    try:
        float(code)
    except ValueError:
        return False
    return True


def answer_codes(q: Question) -> list[str] | None:
    """The codes an answer to `q` may take, or None when answers are not codes."""
    extra = [
        c
        for c, on in ((OTHER_CODE, q.other), (DONT_KNOW_CODE, q.dont_know), (NOT_APPLICABLE_CODE, q.not_applicable))
        if on
    ]
    if q.type in {"single_choice", "multiple_choice", "scale"}:
        return [o.code for o in q.options] + extra
    if q.type == "yes_no":
        return [YES_CODE, NO_CODE, *extra]
    return None


def parse_definition(data: object) -> tuple[Survey | None, list[Problem]]:
    """The model of `data`, or None with every problem found."""
    parser = _Parser()
    survey = parser.survey(data)
    return survey, parser.problems
