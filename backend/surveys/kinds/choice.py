"""Choice questions: single_choice, multiple_choice, yes_no and scale.

Their answers are option codes: one code (a string) or, in multiple choice, a list of codes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from backend.i18n import pick, t
from backend.surveys.answers.fields import Form, one, other_key
from backend.surveys.answers.forms import InvalidAnswer
from backend.surveys.format.model import (
    DONT_KNOW_CODE,
    NO_CODE,
    NOT_APPLICABLE_CODE,
    OTHER_CODE,
    YES_CODE,
    Option,
    Question,
    S,
    Settings,
    Text,
)
from backend.surveys.format.reader import Reader
from backend.surveys.format.yaml_positions import Path
from backend.surveys.kinds import options as opts
from backend.surveys.kinds.base import QuestionKind, Setting
from backend.surveys.xlsform import cells
from backend.surveys.xlsform.cells import ImportState
from backend.surveys.xlsform.conventions import PX, XlsColumn, XlsType
from backend.surveys.xlsform.sheets import Row

if TYPE_CHECKING:
    from backend.surveys.xlsform.writer import Cells, SheetWriter

WIDGETS = ("radios", "dropdown")
#: Appearances with which XLSForm tools show a select_one as a drop-down list.
_DROPDOWN_APPEARANCES = {"minimal", "dropdown", "autocomplete"}
#: The options the format adds: real respondents choose them less often.
_RARE_CODES = {DONT_KNOW_CODE, NOT_APPLICABLE_CODE, OTHER_CODE}


@dataclass(frozen=True)
class SingleChoiceSettings(Settings):
    options: tuple[Option, ...] = ()
    widget: str = "radios"
    other: bool = False
    other_label: Text = field(default_factory=dict)
    dont_know: bool = False


@dataclass(frozen=True)
class MultipleChoiceSettings(Settings):
    options: tuple[Option, ...] = ()
    other: bool = False
    other_label: Text = field(default_factory=dict)
    dont_know: bool = False


@dataclass(frozen=True)
class YesNoSettings(Settings):
    dont_know: bool = False


@dataclass(frozen=True)
class ScaleSettings(Settings):
    options: tuple[Option, ...] = ()
    dont_know: bool = False
    not_applicable: bool = False


class _OneCode(QuestionKind[S]):
    """A question answered with one code (radio buttons or a drop-down list)."""

    aggregate = "categorical"

    def form_to_answer(self, q: Question[S], form: Form, lang: str) -> tuple[Any, str | None]:
        code = one(form, q.id)
        other_text = one(form, other_key(q.id)) or None
        return (code or None), (other_text if code == OTHER_CODE else None)

    def check(
        self, q: Question[S], value: Any, other_text: str | None, lang: str, default: str, complete: bool
    ) -> None:
        if not isinstance(value, str) or value not in (self.answer_codes(q) or []):
            raise InvalidAnswer("bad_choice")
        if value == OTHER_CODE and not other_text:
            raise InvalidAnswer("other_missing", other_key(q.id))

    def answer_text(self, q: Question[S], value: Any, other_text: str | None, lang: str, default: str) -> str:
        return _in_words(self.codes_with_labels(q, lang, default), value, other_text)

    def not_comparable(self, a: Question[S], b: Question[S]) -> list[str]:
        gone = opts.removed_codes(self.answer_codes(a) or [], self.answer_codes(b) or [])
        return [f"answer code(s) removed: {opts.codes_text(gone)}"] if gone else []

    def demo_answer(self, q: Question[S], rng: random.Random, lang: str) -> Any:
        options = [code for code, _, _ in self.choice_options(q, lang, lang)]
        # Lean towards the substantive options, as real respondents do.
        weights = [0.3 if code in _RARE_CODES else 1.0 for code in options]
        return rng.choices(options, weights=weights)[0]


class SingleChoice(_OneCode[SingleChoiceSettings]):
    name = "single_choice"
    help = (
        "One answer from a list (radio buttons, or a drop-down with widget: dropdown). "
        'Stored as the chosen option code, e.g. "regional".'
    )
    settings_keys = (
        opts.OPTIONS,
        Setting("widget", {"enum": list(WIDGETS)}, "radios (the default) or dropdown (for long lists)."),
        opts.OTHER,
        opts.OTHER_LABEL,
        opts.DONT_KNOW,
    )
    required_keys = ("options",)
    xlsform_types = (XlsType("select_one"),)
    xlsform_columns = opts.OTHER_COLUMNS

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> SingleChoiceSettings:
        extras = opts.read_extras(r, raw, path, "dont_know", "other")
        other_label = r.text(raw, "other_label", path)
        options = r.options(raw, "options", path, what="options", minimum=2, reserved=opts.reserved(extras))
        widget = r.choice(raw, "widget", path, WIDGETS, "radios")
        return SingleChoiceSettings(options, widget, extras["other"], other_label, extras["dont_know"])

    def answer_codes(self, q: Question[SingleChoiceSettings]) -> list[str] | None:
        return [o.code for o in q.settings.options] + _added(q.settings)

    def parts(self, q: Question[SingleChoiceSettings]) -> tuple[Option, ...]:
        return q.settings.options

    def codes_with_labels(self, q: Question[SingleChoiceSettings], lang: str, default: str) -> list[tuple[str, str]]:
        s = q.settings
        return opts.labelled(opts.option_labels(s.options, lang, default), _added(s), s.other_label, lang, default)

    def from_xlsform(self, state: ImportState, q: dict[str, Any], row: Row, words: list[str]) -> dict[Any, Row]:
        cells.list_suffix(state, q, row, words, or_other=True)
        if _DROPDOWN_APPEARANCES & set(row.word("appearance").lower().split()):
            q["widget"] = "dropdown"
        return cells.list_options(state, q, row, words, "options")

    def to_xlsform(self, w: SheetWriter, q: Question[SingleChoiceSettings], row: Cells, required: Cells) -> None:
        row |= required
        row["type"] = f"select_one {q.id}"
        if q.settings.widget == "dropdown":
            row["appearance"] = "minimal"
        w.add(row)
        w.choices(q.id, q.settings.options)


class MultipleChoice(QuestionKind[MultipleChoiceSettings]):
    name = "multiple_choice"
    help = (
        "Any number of answers from a list (check boxes). Stored as a list of codes in the order "
        'shown, e.g. ["arrests", "overdoses"].'
    )
    settings_keys = (
        Setting("options", opts.option_list("exclusive_option", 2), "The options, in the order shown."),
        opts.OTHER,
        opts.OTHER_LABEL,
        opts.DONT_KNOW,
    )
    required_keys = ("options",)
    aggregate = "multi"
    selects_many = True
    xlsform_types = (XlsType("select_multiple"),)
    xlsform_columns = opts.OTHER_COLUMNS

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> MultipleChoiceSettings:
        extras = opts.read_extras(r, raw, path, "dont_know", "other")
        other_label = r.text(raw, "other_label", path)
        reserved = opts.reserved(extras)
        options = r.options(raw, "options", path, what="options", minimum=2, reserved=reserved, allow_exclusive=True)
        return MultipleChoiceSettings(options, extras["other"], other_label, extras["dont_know"])

    def answer_codes(self, q: Question[MultipleChoiceSettings]) -> list[str] | None:
        return [o.code for o in q.settings.options] + _added(q.settings)

    def parts(self, q: Question[MultipleChoiceSettings]) -> tuple[Option, ...]:
        return q.settings.options

    def codes_with_labels(self, q: Question[MultipleChoiceSettings], lang: str, default: str) -> list[tuple[str, str]]:
        s = q.settings
        return opts.labelled(opts.option_labels(s.options, lang, default), _added(s), s.other_label, lang, default)

    def choice_options(
        self, q: Question[MultipleChoiceSettings], lang: str, default: str
    ) -> list[tuple[str, str, bool]]:
        """The exclusive options ("none of these", "don't know") come last, after "other", so that
        the page can set them apart with an "or"."""
        exclusive = self._exclusive(q)
        options = [(code, label, code in exclusive) for code, label in self.codes_with_labels(q, lang, default)]
        return sorted(options, key=lambda option: option[2])  # stable: the order within each part is kept

    @staticmethod
    def _exclusive(q: Question[MultipleChoiceSettings]) -> dict[str, Option | None]:
        """The codes that exclude every other choice, with their option (None: "don't know")."""
        exclusive: dict[str, Option | None] = {o.code: o for o in q.settings.options if o.exclusive}
        if q.settings.dont_know:
            exclusive[DONT_KNOW_CODE] = None
        return exclusive

    def form_to_answer(self, q: Question[MultipleChoiceSettings], form: Form, lang: str) -> tuple[Any, str | None]:
        codes = list(dict.fromkeys(c for c in (form.get(q.id) or []) if c))
        other_text = one(form, other_key(q.id)) or None
        return (codes or None), (other_text if OTHER_CODE in codes else None)

    def answer_to_form(self, q: Question[MultipleChoiceSettings], value: Any, lang: str) -> dict[str, list[str]]:
        return {q.id: [str(v) for v in value] if isinstance(value, list) else [str(value)]}

    def check(
        self,
        q: Question[MultipleChoiceSettings],
        value: Any,
        other_text: str | None,
        lang: str,
        default: str,
        complete: bool,
    ) -> None:
        codes = self.answer_codes(q) or []
        if not isinstance(value, list) or any(c not in codes for c in value):
            raise InvalidAnswer("bad_choice")
        exclusive = self._exclusive(q)
        for code in value:
            if code in exclusive and len(value) > 1:
                option = exclusive[code]
                label = pick(option.label, lang, default) if option else t("dont_know", lang)
                raise InvalidAnswer("exclusive", option=label)
        if OTHER_CODE in value and not other_text:
            raise InvalidAnswer("other_missing", other_key(q.id))

    def answer_text(
        self, q: Question[MultipleChoiceSettings], value: Any, other_text: str | None, lang: str, default: str
    ) -> str:
        return _in_words(self.codes_with_labels(q, lang, default), value, other_text)

    def not_comparable(self, a: Question[MultipleChoiceSettings], b: Question[MultipleChoiceSettings]) -> list[str]:
        reasons = []
        if gone := opts.removed_codes(self.answer_codes(a) or [], self.answer_codes(b) or []):
            reasons.append(f"answer code(s) removed: {opts.codes_text(gone)}")
        pairs = [(o, p) for o in a.settings.options for p in b.settings.options if o.code == p.code]
        if flipped := [o.code for o, p in pairs if o.exclusive != p.exclusive]:
            reasons.append(f"exclusive option(s) changed: {opts.codes_text(flipped)}")
        return reasons

    def demo_answer(self, q: Question[MultipleChoiceSettings], rng: random.Random, lang: str) -> Any:
        options = self.choice_options(q, lang, lang)
        plain = [code for code, _, exclusive in options if not exclusive and code != OTHER_CODE]
        exclusive = [code for code, _, ex in options if ex]
        if exclusive and rng.random() < 0.1:
            return [rng.choice(exclusive)]
        return rng.sample(plain, k=rng.randint(1, max(1, min(len(plain), 4))))

    def from_xlsform(self, state: ImportState, q: dict[str, Any], row: Row, words: list[str]) -> dict[Any, Row]:
        cells.list_suffix(state, q, row, words, or_other=True)
        return cells.list_options(state, q, row, words, "options", with_exclusive=True)

    def to_xlsform(self, w: SheetWriter, q: Question[MultipleChoiceSettings], row: Cells, required: Cells) -> None:
        row |= required
        row["type"] = f"select_multiple {q.id}"
        w.add(row)
        w.choices(q.id, q.settings.options, with_exclusive=True)


class YesNo(_OneCode[YesNoSettings]):
    name = "yes_no"
    help = 'Yes or no (codes "yes" and "no"; "dont_know" with dont_know: true). Stored as the code.'
    settings_keys = (opts.DONT_KNOW,)
    xlsform_types = (XlsType("select_one", px_type="yes_no"),)
    xlsform_columns = (XlsColumn("dont_know", "flag"),)

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> YesNoSettings:
        return YesNoSettings(**opts.read_extras(r, raw, path, "dont_know"))

    def answer_codes(self, q: Question[YesNoSettings]) -> list[str] | None:
        return [YES_CODE, NO_CODE, *opts.added_codes(dont_know=q.settings.dont_know)]

    def codes_with_labels(self, q: Question[YesNoSettings], lang: str, default: str) -> list[tuple[str, str]]:
        base = [(YES_CODE, t("yes", lang)), (NO_CODE, t("no", lang))]
        return opts.labelled(base, opts.added_codes(dont_know=q.settings.dont_know), {}, lang, default)

    def from_xlsform(self, state: ImportState, q: dict[str, Any], row: Row, words: list[str]) -> dict[Any, Row]:
        cells.list_suffix(state, q, row, words, or_other=True)
        return {}  # the format supplies yes and no itself

    def to_xlsform(self, w: SheetWriter, q: Question[YesNoSettings], row: Cells, required: Cells) -> None:
        row |= required
        row["type"] = f"select_one {w.yes_no_list()}"
        row[PX + "type"] = self.name
        w.add(row)


class Scale(_OneCode[ScaleSettings]):
    name = "scale"
    help = (
        "One point on an ordered scale, shown in a row. Stored as the point's code. Number the codes "
        "(1, 2, 3…) to allow gt/gte/lt/lte in conditions."
    )
    settings_keys = (
        Setting("options", opts.option_list("option", 2), "The scale points, lowest to highest."),
        opts.DONT_KNOW,
        opts.NOT_APPLICABLE,
    )
    required_keys = ("options",)
    xlsform_types = (
        XlsType("select_one", px_type="scale"),
        XlsType("select_one", appearance="likert"),
        XlsType("range"),
    )
    xlsform_columns = opts.EXTRA_COLUMNS

    def read_settings(self, r: Reader, raw: dict[str, Any], path: Path) -> ScaleSettings:
        extras = opts.read_extras(r, raw, path, "dont_know", "not_applicable")
        options = r.options(raw, "options", path, what="scale points", minimum=2, reserved=opts.reserved(extras))
        return ScaleSettings(options, **extras)

    def answer_codes(self, q: Question[ScaleSettings]) -> list[str] | None:
        s = q.settings
        return [o.code for o in s.options] + opts.added_codes(dont_know=s.dont_know, not_applicable=s.not_applicable)

    def parts(self, q: Question[ScaleSettings]) -> tuple[Option, ...]:
        return q.settings.options

    def codes_with_labels(self, q: Question[ScaleSettings], lang: str, default: str) -> list[tuple[str, str]]:
        s = q.settings
        added = opts.added_codes(dont_know=s.dont_know, not_applicable=s.not_applicable)
        return opts.labelled(opts.option_labels(s.options, lang, default), added, {}, lang, default)

    def numeric_problem(self, q: Question[ScaleSettings], op: str) -> str | None:
        wordy = [o.code for o in q.settings.options if not _numeric(o.code)]
        if not wordy:
            return None
        return (
            f'"{op}" compares numbers, but scale "{q.id}" has codes that are '
            f"not numbers ({', '.join(wordy)}); use in / not_in, or number the scale points"
        )

    def not_comparable(self, a: Question[ScaleSettings], b: Question[ScaleSettings]) -> list[str]:
        reasons = super().not_comparable(a, b)
        points_a, points_b = [o.code for o in a.settings.options], [o.code for o in b.settings.options]
        if points_a != points_b:
            reasons.append(f"scale points changed ({opts.codes_text(points_a)} → {opts.codes_text(points_b)})")
        return reasons

    def from_xlsform(self, state: ImportState, q: dict[str, Any], row: Row, words: list[str]) -> dict[Any, Row]:
        if words[0].lower() == "range":
            q["options"] = cells.range_points(state, row)
            return {}
        cells.list_suffix(state, q, row, words, or_other=True)
        return cells.list_options(state, q, row, words, "options")

    def to_xlsform(self, w: SheetWriter, q: Question[ScaleSettings], row: Cells, required: Cells) -> None:
        row |= required
        row["type"] = f"select_one {q.id}"
        row[PX + "type"] = self.name
        row["appearance"] = "likert"
        w.add(row)
        w.choices(q.id, q.settings.options)


def _added(s: SingleChoiceSettings | MultipleChoiceSettings) -> list[str]:
    return opts.added_codes(other=s.other, dont_know=s.dont_know)


def _in_words(labelled: list[tuple[str, str]], value: Any, other_text: str | None) -> str:
    labels = dict(labelled)
    codes = value if isinstance(value, list) else [value]
    words = [labels.get(str(c), str(c)) for c in codes]
    if other_text:
        words = [f"{w}: {other_text}" if c == OTHER_CODE else w for c, w in zip(codes, words, strict=True)]
    return "; ".join(words)


def _numeric(code: str) -> bool:
    try:
        float(code)
    except ValueError:
        return False
    return True
