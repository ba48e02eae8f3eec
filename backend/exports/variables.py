"""A round's responses as a rectangular data set: the variables (name, label, type, codes) and
one row per force, in the questionnaire's words in a chosen language. Pure: no database, no
web; every file format (`csv_file`, `xlsx_file`, `stat_files`) and the codebook write from it.

How each kind of question becomes variables (docs/exports.md):
- single choice, yes/no, scale: one coded variable (numbers with value labels);
- multiple choice: one 0/1 variable per option (added options included);
- "other, please specify": a text variable beside the question's;
- matrix: one coded variable per row; ranking: one per item (its position, 1 = first);
- allocation: one per item (its share, %); number: numeric; date: a date; text: a string.

"Don't know" and "not applicable" are coded -8 and -7; a question the respondent was never
shown (its condition was not met) is coded -9 where its variable is coded, else left empty.
An unanswered question is empty (system-missing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.i18n import language_for, pick
from backend.surveys import (
    Answers,
    Question,
    Survey,
    answer_codes_with_labels,
    describe,
    other_key,
    shown_question_ids,
)
from backend.surveys.format.model import DONT_KNOW_CODE, NOT_APPLICABLE_CODE, OTHER_CODE

#: The documented codes of answers that are not a substantive answer.
DONT_KNOW_VALUE = -8
NOT_APPLICABLE_VALUE = -7
NOT_ASKED_VALUE = -9
#: SPSS takes them as user-missing values (at most three discrete values per variable).
MISSING_CODES: tuple[int, ...] = (NOT_APPLICABLE_VALUE, DONT_KNOW_VALUE, NOT_ASKED_VALUE)
_ADDED_VALUES = {DONT_KNOW_CODE: DONT_KNOW_VALUE, NOT_APPLICABLE_CODE: NOT_APPLICABLE_VALUE}

#: Stata takes names of 32 characters (SPSS 64), but pyreadstat names a Stata value-label set
#: after its variable plus a number, which must fit in 32 too: 28 leaves room for 9,999 sets.
NAME_LIMIT = 28
# Words SPSS or Stata reserve (compared case-insensitively).
_RESERVED = frozenset(
    [
        "all",
        "and",
        "by",
        "eq",
        "ge",
        "gt",
        "le",
        "lt",
        "ne",
        "not",
        "or",
        "to",
        "with",
        "_all",
        "_b",
        "byte",
        "_coef",
        "_cons",
        "double",
        "float",
        "if",
        "in",
        "int",
        "long",
        "_n",
        "_pi",
        "_pred",
        "_rc",
        "_skip",
        "strl",
        "using",
    ]
)


@dataclass(frozen=True)
class Variable:
    """One column of the data set."""

    name: str
    label: str
    #: "numeric", "string", "date" or "datetime"
    type: str
    #: what it holds, for the codebook: "code", "flag", "rank", "share", "number", "date", "text", "other text", …
    role: str
    #: the question it comes from (None: the force's columns)
    question_id: str | None = None
    question_label: str = ""
    question_type: str = ""
    #: numeric value → label (coded variables, 0/1 flags)
    value_labels: dict[int, str] = field(default_factory=dict)
    #: values that mean "no substantive answer" (SPSS user-missing)
    missing_values: tuple[int, ...] = ()
    #: when the question is asked, in words ("" when always)
    condition: str = ""
    #: the answer codes of the questionnaire, as the numbers that stand for them
    codes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ResponseRecord:
    """One force's response as the export reads it."""

    force_name: str
    force_code: str
    country: str
    region: str
    force_type: str
    size_band: str
    status: str
    language: str
    started_at: dt.datetime | None
    submitted_at: dt.datetime | None
    answers: Answers


# A cell of a row: from the force's record and, for question variables, its answers.
Extract = Callable[[ResponseRecord, Answers, set[str]], Any]


@dataclass(frozen=True)
class Dataset:
    """The variables, and how a force's response becomes a row (its cells in variable order)."""

    variables: list[Variable]
    columns: tuple[Extract, ...]
    survey: Survey

    def row(self, record: ResponseRecord) -> tuple[Any, ...]:
        shown = shown_question_ids(self.survey, record.answers)
        return tuple(extract(record, record.answers, shown) for extract in self.columns)


@dataclass(frozen=True)
class _Column:
    variable: Variable
    extract: Extract


def variable_names(wanted: Sequence[str]) -> list[str]:
    """Names valid in SPSS and Stata for `wanted` (in order): letters, digits and _, starting
    with a letter, at most 28 characters (`NAME_LIMIT`), no reserved word, unique ignoring case (SPSS ignores it)."""
    taken: set[str] = set()
    out = []
    for raw in wanted:
        base = re.sub(r"[^A-Za-z0-9_]", "_", raw) or "v"
        if not base[0].isalpha():
            base = "v" + base
        base = base[:NAME_LIMIT]
        if base.lower() in _RESERVED:
            base = (base + "_")[:NAME_LIMIT]
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            suffix = f"_{n}"
            name = base[: NAME_LIMIT - len(suffix)] + suffix
        taken.add(name.lower())
        out.append(name)
    return out


def _numbers_for(codes: list[str]) -> dict[str, int]:
    """The number standing for each substantive code: the code itself when every code is a whole
    number from 0 to 90 (scales numbered 1–5 stay 1–5), else 1, 2, 3… in the order shown."""
    if codes and all(re.fullmatch(r"[0-9]{1,2}", c) and int(c) <= 90 for c in codes):
        return {c: int(c) for c in codes}
    return {c: n for n, c in enumerate(codes, start=1)}


def _coded(labelled: list[tuple[str, str]]) -> tuple[dict[str, int], dict[int, str]]:
    substantive = [c for c, _ in labelled if c not in _ADDED_VALUES]
    numbers = _numbers_for(substantive)
    numbers.update({c: _ADDED_VALUES[c] for c, _ in labelled if c in _ADDED_VALUES})
    return numbers, {numbers[c]: label for c, label in labelled}


class _Builder:
    def __init__(self, survey: Survey, lang: str) -> None:
        self.survey = survey
        self.lang = lang
        self.default = survey.default_language
        self.language = language_for(lang)
        self.columns: list[tuple[str, _Column]] = []

    def text(self, text: dict[str, str]) -> str:
        return pick(text, self.lang, self.default)

    def add(self, wanted: str, variable: Variable, extract: Extract) -> None:
        self.columns.append((wanted, _Column(variable, extract)))

    def condition(self, q: Question[Any]) -> str:
        parts = []
        for section in self.survey.sections:
            if q in section.questions and section.show_if is not None:
                parts.append(describe(section.show_if, self.survey, self.lang))
        if q.show_if is not None:
            parts.append(describe(q.show_if, self.survey, self.lang))
        return " ".join(parts)

    def question(self, q: Question[Any]) -> None:
        label = self.text(q.label)
        common: dict[str, Any] = {
            "question_id": q.id,
            "question_label": label,
            "question_type": q.type,
            "condition": self.condition(q),
        }
        qid = q.id
        family = q.kind.aggregate
        if family == "categorical":
            codes, labels = _coded(answer_codes_with_labels(q, self.lang, self.default))
            self.add(
                qid,
                Variable(
                    qid,
                    label,
                    "numeric",
                    "code",
                    value_labels=labels,
                    missing_values=MISSING_CODES,
                    codes=codes,
                    **common,
                ),
                _code_of(qid, codes),
            )
            if OTHER_CODE in codes:
                self._other(q, label, common)
        elif family == "multi":
            labelled = answer_codes_with_labels(q, self.lang, self.default)
            flags = {0: self.language.gettext("not chosen"), 1: self.language.gettext("chosen")}
            for code, option in labelled:
                self.add(
                    f"{qid}_{code}",
                    Variable(
                        "",
                        f"{label}: {option}",
                        "numeric",
                        "flag",
                        value_labels=flags,
                        missing_values=(NOT_ASKED_VALUE,),
                        codes={code: 1},
                        **common,
                    ),
                    _flag_of(qid, code),
                )
            if any(c == OTHER_CODE for c, _ in labelled):
                self._other(q, label, common)
        elif family == "matrix":
            codes, labels = _coded(answer_codes_with_labels(q, self.lang, self.default))
            for row in q.settings.rows:
                self.add(
                    f"{qid}_{row.code}",
                    Variable(
                        "",
                        f"{label}: {self.text(row.label)}",
                        "numeric",
                        "code",
                        value_labels=labels,
                        missing_values=MISSING_CODES,
                        codes=codes,
                        **common,
                    ),
                    _row_of(qid, row.code, codes),
                )
        elif family == "ranking":
            for item in q.settings.items:
                self.add(
                    f"{qid}_{item.code}",
                    Variable(
                        "",
                        f"{label}: {self.text(item.label)}",
                        "numeric",
                        "rank",
                        missing_values=(NOT_ASKED_VALUE,),
                        **common,
                    ),
                    _rank_of(qid, item.code),
                )
        elif family == "allocation":
            for item in q.settings.items:
                self.add(
                    f"{qid}_{item.code}",
                    Variable("", f"{label}: {self.text(item.label)} (%)", "numeric", "share", **common),
                    _share_of(qid, item.code),
                )
        elif family == "numeric":
            unit = self.text(q.settings.unit)
            self.add(
                qid,
                Variable(qid, f"{label} ({unit})" if unit else label, "numeric", "number", **common),
                _number_of(qid),
            )
        elif q.type == "date":
            self.add(qid, Variable(qid, label, "date", "date", **common), _date_of(qid))
        elif q.kind.free_text:
            self.add(qid, Variable(qid, label, "string", "text", **common), _text_of(qid))

    def _other(self, q: Question[Any], label: str, common: dict[str, Any]) -> None:
        words = self.language.gettext("other, please specify")
        self.add(
            f"{q.id}_other_text",
            Variable("", f"{label}: {words}", "string", "other text", **common),
            _text_of(other_key(q.id)),
        )


def _fixed(b: _Builder) -> None:
    language = b.language
    plain: list[tuple[str, str, str, Extract]] = [
        ("force_code", language.gettext("Force code"), "string", lambda r, a, s: r.force_code),
        ("force_name", language.gettext("Force"), "string", lambda r, a, s: r.force_name),
        ("country", language.gettext("Country"), "string", lambda r, a, s: r.country),
        ("region", language.gettext("Region (as frozen when the round opened)"), "string", lambda r, a, s: r.region),
        (
            "force_type",
            language.gettext("Force type (as frozen when the round opened)"),
            "string",
            lambda r, a, s: r.force_type,
        ),
        (
            "size_band",
            language.gettext("Size band (as frozen when the round opened)"),
            "string",
            lambda r, a, s: r.size_band,
        ),
        ("status", language.gettext("Response status (submitted or draft)"), "string", lambda r, a, s: r.status),
        ("language", language.gettext("Language the response was given in"), "string", lambda r, a, s: r.language),
        ("started_at", language.gettext("Started (UTC)"), "datetime", lambda r, a, s: _utc(r.started_at)),
        ("submitted_at", language.gettext("Submitted (UTC)"), "datetime", lambda r, a, s: _utc(r.submitted_at)),
    ]
    for name, label, kind, extract in plain:
        b.add(name, Variable(name, label, kind, "force"), extract)


def build(survey: Survey, lang: str) -> Dataset:
    """The data set of `survey`'s responses, labelled in `lang` (questionnaire text falls back
    to its default language); `Dataset.row` turns each force's response into its row."""
    b = _Builder(survey, lang)
    _fixed(b)
    for q in survey.questions():
        if q.collects_answer:
            b.question(q)
    names = variable_names([wanted for wanted, _ in b.columns])
    variables = [_renamed(c.variable, name) for name, (_, c) in zip(names, b.columns, strict=True)]
    return Dataset(variables, tuple(c.extract for _, c in b.columns), survey)


def _renamed(v: Variable, name: str) -> Variable:
    return Variable(**{**v.__dict__, "name": name})


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


# ---- cells -----------------------------------------------------------------------------------


def _code_of(qid: str, codes: dict[str, int]) -> Extract:
    def cell(r: ResponseRecord, answers: Answers, shown: set[str]) -> Any:
        if qid not in shown:
            return NOT_ASKED_VALUE
        value = answers.get(qid)
        return codes.get(value) if isinstance(value, str) else None

    return cell


def _flag_of(qid: str, code: str) -> Extract:
    def cell(r: ResponseRecord, answers: Answers, shown: set[str]) -> Any:
        if qid not in shown:
            return NOT_ASKED_VALUE
        value = answers.get(qid)
        return (1 if code in value else 0) if isinstance(value, list) else None

    return cell


def _row_of(qid: str, row: str, codes: dict[str, int]) -> Extract:
    def cell(r: ResponseRecord, answers: Answers, shown: set[str]) -> Any:
        if qid not in shown:
            return NOT_ASKED_VALUE
        value = answers.get(qid)
        chosen = value.get(row) if isinstance(value, dict) else None
        return codes.get(chosen) if isinstance(chosen, str) else None

    return cell


def _rank_of(qid: str, item: str) -> Extract:
    def cell(r: ResponseRecord, answers: Answers, shown: set[str]) -> Any:
        if qid not in shown:
            return NOT_ASKED_VALUE
        value = answers.get(qid)
        return value.index(item) + 1 if isinstance(value, list) and item in value else None

    return cell


def _share_of(qid: str, item: str) -> Extract:
    def cell(r: ResponseRecord, answers: Answers, shown: set[str]) -> Any:
        value = answers.get(qid) if qid in shown else None
        share = value.get(item) if isinstance(value, dict) else None
        return _number(share)

    return cell


def _number_of(qid: str) -> Extract:
    def cell(r: ResponseRecord, answers: Answers, shown: set[str]) -> Any:
        return _number(answers.get(qid)) if qid in shown else None

    return cell


def _number(value: object) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _date_of(qid: str) -> Extract:
    def cell(r: ResponseRecord, answers: Answers, shown: set[str]) -> Any:
        value = answers.get(qid) if qid in shown else None
        try:
            return dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    return cell


def _text_of(key: str) -> Extract:
    qid = key.removesuffix(".other")

    def cell(r: ResponseRecord, answers: Answers, shown: set[str]) -> Any:
        value = answers.get(key) if qid in shown else None
        return value if isinstance(value, str) else None

    return cell


# ---- cells in words --------------------------------------------------------------------------


def in_words(variable: Variable, value: Any) -> Any:
    """A cell with its value label instead of its number (CSV and XLSX "labels" exports)."""
    if isinstance(value, int) and value in variable.value_labels:
        return variable.value_labels[value]
    return value
