"""What changed between two versions of a questionnaire, and which answers still compare.

Questions and sections are matched by id (ids are stable across versions; a renamed id is a
question removed and another added). Every field of the model is compared, so nothing can
change unreported: fields this module does not know in detail are reported generically.

A question is *not comparable* across the two versions when answers given to one cannot be
put in the same trend as answers given to the other: its type changed; an answer code it
had is gone (an option removed or recoded, or "other", "don't know" or "not applicable"
switched off); its scale points changed (added, removed or reordered); an option became or
stopped being exclusive; its allocation or ranking items changed; or the number of ranked
positions changed. Wording changes are listed but cannot be judged by a program: read them.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from backend.surveys.format.conditions import condition_to_data
from backend.surveys.format.model import (
    Condition,
    Constraint,
    Option,
    Question,
    Section,
    Settings,
    Survey,
    Text,
    setting_default,
)


@dataclass(frozen=True)
class Change:
    #: The key that changed ("label", "options", "section", "order", ...).
    field: str
    #: One line for people: 'label [fr]: "…" → "…"'.
    detail: str
    #: A change of wording (a text or an option's label), which a program cannot judge.
    wording: bool = False


@dataclass(frozen=True)
class QuestionRef:
    """A question present in only one of the versions."""

    id: str
    type: str
    section: str


@dataclass(frozen=True)
class QuestionDiff:
    id: str
    #: The type in the second version.
    type: str
    changes: tuple[Change, ...]
    #: Why answers cannot be compared across the versions (empty: they can).
    not_comparable: tuple[str, ...] = ()

    @property
    def comparable(self) -> bool:
        return not self.not_comparable

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.changes}


@dataclass(frozen=True)
class SectionDiff:
    id: str
    changes: tuple[Change, ...]

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.changes}


@dataclass(frozen=True)
class SurveyDiff:
    #: "id version" of each side.
    a: str
    b: str
    metadata: tuple[Change, ...] = ()
    sections_added: tuple[str, ...] = ()
    sections_removed: tuple[str, ...] = ()
    sections_changed: tuple[SectionDiff, ...] = ()
    questions_added: tuple[QuestionRef, ...] = ()
    questions_removed: tuple[QuestionRef, ...] = ()
    questions_changed: tuple[QuestionDiff, ...] = field(default=())

    @property
    def identical(self) -> bool:
        return not (
            self.metadata
            or self.sections_added
            or self.sections_removed
            or self.sections_changed
            or self.questions_added
            or self.questions_removed
            or self.questions_changed
        )

    @property
    def not_comparable(self) -> tuple[QuestionDiff, ...]:
        return tuple(q for q in self.questions_changed if not q.comparable)

    def question(self, question_id: str) -> QuestionDiff | None:
        return next((q for q in self.questions_changed if q.id == question_id), None)

    def section(self, section_id: str) -> SectionDiff | None:
        return next((s for s in self.sections_changed if s.id == section_id), None)


# ---- small renderers ---------------------------------------------------------------------

_MAX_QUOTE = 70


def _quote(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _MAX_QUOTE else text[: _MAX_QUOTE - 2] + "…" + text[-1]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _scalar(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _condition(cond: Condition | None) -> str:
    if cond is None:
        return "(none)"
    return json.dumps(condition_to_data(cond), ensure_ascii=False)


def _codes(codes: Iterable[str]) -> str:
    return ", ".join(codes)


# ---- comparing parts ---------------------------------------------------------------------


def _text_changes(name: str, a: Text, b: Text) -> list[Change]:
    out = []
    for lang in [*a, *(k for k in b if k not in a)]:
        if lang not in b:
            out.append(Change(name, f"{name} [{lang}] removed (was {_quote(a[lang])})", wording=True))
        elif lang not in a:
            out.append(Change(name, f"{name} [{lang}] added: {_quote(b[lang])}", wording=True))
        elif a[lang] != b[lang]:
            out.append(Change(name, f"{name} [{lang}]: {_quote(a[lang])} → {_quote(b[lang])}", wording=True))
    return out


def _moved(a_order: list[str], b_order: list[str]) -> list[str]:
    """Ids (in both lists) whose relative order changed: those outside a longest common run."""
    common = set(a_order) & set(b_order)
    a_common = [x for x in a_order if x in common]
    b_common = [x for x in b_order if x in common]
    if a_common == b_common:
        return []
    matcher = difflib.SequenceMatcher(a=a_common, b=b_common, autojunk=False)
    kept = {b_common[i] for block in matcher.get_matching_blocks() for i in range(block.b, block.b + block.size)}
    return [x for x in b_common if x not in kept]


def _option_changes(name: str, a: tuple[Option, ...], b: tuple[Option, ...]) -> list[Change]:
    out = []
    by_code_a = {o.code: o for o in a}
    by_code_b = {o.code: o for o in b}
    removed = [o.code for o in a if o.code not in by_code_b]
    added = [o for o in b if o.code not in by_code_a]
    if removed:
        out.append(Change(name, f"{name} removed: {_codes(removed)}"))
    for o in added:
        label = next(iter(o.label.values()), "")
        extra = " (exclusive)" if o.exclusive else ""
        out.append(Change(name, f"{name} added: {o.code} {_quote(label)}{extra}"))
    for code, oa in by_code_a.items():
        ob = by_code_b.get(code)
        if ob is None:
            continue
        for c in _text_changes(f"{name} {code} label", oa.label, ob.label):
            out.append(Change(name, c.detail, wording=True))
        if oa.exclusive != ob.exclusive:
            out.append(Change(name, f"{name} {code} exclusive: {_yes_no(oa.exclusive)} → {_yes_no(ob.exclusive)}"))
    moved = _moved([o.code for o in a], [o.code for o in b])
    if moved:
        out.append(Change(name, f"{name} reordered (moved: {_codes(moved)})"))
    return out


def _constraint_changes(a: tuple[Constraint, ...], b: tuple[Constraint, ...]) -> list[Change]:
    out = []
    for i in range(max(len(a), len(b))):
        n = i + 1
        if i >= len(b):
            out.append(Change("constraints", f"constraint {n} removed: {_condition(a[i].rule)}"))
        elif i >= len(a):
            out.append(Change("constraints", f"constraint {n} added: {_condition(b[i].rule)}"))
        else:
            if a[i].rule != b[i].rule:
                out.append(
                    Change("constraints", f"constraint {n} rule: {_condition(a[i].rule)} → {_condition(b[i].rule)}")
                )
            for c in _text_changes("message", a[i].message, b[i].message):
                out.append(Change("constraints", f"constraint {n} {c.detail}"))
    return out


def _is_options(a: object, b: object) -> bool:
    return isinstance(a, tuple) and isinstance(b, tuple) and any(isinstance(o, Option) for o in (*a, *b))


def _field_changes(name: str, a: object, b: object) -> list[Change]:
    """What changed in one field, said the way its kind of value is best read."""
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict):  # translatable text
        return _text_changes(name, a, b)
    if _is_options(a, b):
        return _option_changes(name, a, b)  # type: ignore[arg-type]
    if name == "show_if":
        return [Change(name, f"show_if: {_condition(a)} → {_condition(b)}")]  # type: ignore[arg-type]
    if name == "constraints":
        return _constraint_changes(a, b)  # type: ignore[arg-type]
    if name == "languages":
        assert isinstance(a, tuple) and isinstance(b, tuple)
        return [_languages_change(a, b)]
    if isinstance(a, str) and isinstance(b, str) and name in {"version", "id"}:
        return [Change(name, f"{name}: {_quote(a)} → {_quote(b)}")]
    return [Change(name, f"{name}: {_scalar(a)} → {_scalar(b)}")]


def _languages_change(a: tuple[str, ...], b: tuple[str, ...]) -> Change:
    parts = []
    if added := [x for x in b if x not in a]:
        parts.append(f"added {_codes(added)}")
    if removed := [x for x in a if x not in b]:
        parts.append(f"removed {_codes(removed)}")
    if not parts:
        parts.append(f"reordered: {_codes(a)} → {_codes(b)}")
    return Change("languages", f"languages: {'; '.join(parts)}")


def _settings_changes(a: Settings, b: Settings) -> list[Change]:
    """Every setting of either kind; one the other kind lacks counts as that setting's default."""
    fields_a = {f.name: f for f in dataclasses.fields(a)}
    fields_b = {f.name: f for f in dataclasses.fields(b)}
    changes = []
    for name in [*fields_a, *(n for n in fields_b if n not in fields_a)]:
        va = getattr(a, name) if name in fields_a else setting_default(fields_b[name])
        vb = getattr(b, name) if name in fields_b else setting_default(fields_a[name])
        changes.extend(_field_changes(name, va, vb))
    if not changes and a != b:  # other settings with default values only: still a difference
        changes.append(Change("settings", f"settings: {type(a).__name__} → {type(b).__name__}"))
    return changes


def _not_comparable(a: Question[Any], b: Question[Any]) -> list[str]:
    if not (a.collects_answer or b.collects_answer):
        return []
    if a.kind is not b.kind:
        return [f"type changed ({a.type} → {b.type})"]
    if type(a.settings) is not type(b.settings):  # a model built by hand, not read from a file
        return [f"settings changed ({type(a.settings).__name__} → {type(b.settings).__name__})"]
    return a.kind.not_comparable(a, b)


def _question_diff(
    a: Question[Any], b: Question[Any], section_a: str, section_b: str, moved: bool
) -> QuestionDiff | None:
    changes: list[Change] = []
    if section_a != section_b:
        changes.append(Change("section", f"section: {section_a} → {section_b}"))
    if moved:
        changes.append(Change("order", "moved to another place in its section"))
    for f in dataclasses.fields(Question):
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if f.name == "id":
            continue
        if f.name == "kind":
            if va is not vb:
                changes.append(Change("type", f"type: {a.type} → {b.type}"))
        elif f.name == "settings":
            changes.extend(_settings_changes(va, vb))
        else:
            changes.extend(_field_changes(f.name, va, vb))
    if not changes:
        return None
    return QuestionDiff(b.id, b.type, tuple(changes), tuple(_not_comparable(a, b)))


def _section_diff(a: Section, b: Section, moved: bool) -> SectionDiff | None:
    changes: list[Change] = []
    if moved:
        changes.append(Change("order", "moved to another place in the questionnaire"))
    for f in dataclasses.fields(Section):
        if f.name in {"id", "questions"}:  # questions are compared one by one
            continue
        changes.extend(_field_changes(f.name, getattr(a, f.name), getattr(b, f.name)))
    return SectionDiff(b.id, tuple(changes)) if changes else None


def diff_surveys(a: Survey, b: Survey) -> SurveyDiff:
    """Everything that differs from `a` to `b`."""
    metadata: list[Change] = []
    for f in dataclasses.fields(Survey):
        if f.name != "sections":
            metadata.extend(_field_changes(f.name, getattr(a, f.name), getattr(b, f.name)))

    sections_a = {s.id: s for s in a.sections}
    sections_b = {s.id: s for s in b.sections}
    moved_sections = set(_moved(list(sections_a), list(sections_b)))
    section_diffs = [
        d
        for sid, sb in sections_b.items()
        if sid in sections_a and (d := _section_diff(sections_a[sid], sb, sid in moved_sections)) is not None
    ]

    where_a = {q.id: s.id for s in a.sections for q in s.questions}
    where_b = {q.id: s.id for s in b.sections for q in s.questions}
    questions_a = {q.id: q for q in a.questions()}
    moved_questions: set[str] = set()
    for sid, sb in sections_b.items():
        if sid in sections_a:
            same = [q.id for q in sb.questions if where_a.get(q.id) == sid]
            before = [q.id for q in sections_a[sid].questions if q.id in same]
            moved_questions.update(_moved(before, same))
    question_diffs = []
    for qb in b.questions():
        qa = questions_a.get(qb.id)
        if qa is None:
            continue
        qd = _question_diff(qa, qb, where_a[qb.id], where_b[qb.id], qb.id in moved_questions)
        if qd is not None:
            question_diffs.append(qd)

    return SurveyDiff(
        a=f"{a.id} {a.version}",
        b=f"{b.id} {b.version}",
        metadata=tuple(metadata),
        sections_added=tuple(sid for sid in sections_b if sid not in sections_a),
        sections_removed=tuple(sid for sid in sections_a if sid not in sections_b),
        sections_changed=tuple(section_diffs),
        questions_added=tuple(QuestionRef(q.id, q.type, where_b[q.id]) for q in b.questions() if q.id not in where_a),
        questions_removed=tuple(QuestionRef(q.id, q.type, where_a[q.id]) for q in a.questions() if q.id not in where_b),
        questions_changed=tuple(question_diffs),
    )
