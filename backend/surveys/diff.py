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

from backend.surveys.conditions import condition_to_data
from backend.surveys.definition import Condition, Constraint, Option, Question, Section, Survey, Text
from backend.surveys.parser import answer_codes


@dataclass(frozen=True)
class Change:
    #: The key that changed ("label", "options", "section", "order", ...).
    field: str
    #: One line for people: 'label [fr]: "…" → "…"'.
    detail: str


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
            out.append(Change(name, f"{name} [{lang}] removed (was {_quote(a[lang])})"))
        elif lang not in a:
            out.append(Change(name, f"{name} [{lang}] added: {_quote(b[lang])}"))
        elif a[lang] != b[lang]:
            out.append(Change(name, f"{name} [{lang}]: {_quote(a[lang])} → {_quote(b[lang])}"))
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


def _option_changes(name: str, a: tuple[Option, ...], b: tuple[Option, ...], *, exclusive: bool) -> list[Change]:
    out = []
    by_code_a = {o.code: o for o in a}
    by_code_b = {o.code: o for o in b}
    removed = [o.code for o in a if o.code not in by_code_b]
    added = [o for o in b if o.code not in by_code_a]
    if removed:
        out.append(Change(name, f"{name} removed: {_codes(removed)}"))
    for o in added:
        label = next(iter(o.label.values()), "")
        extra = " (exclusive)" if exclusive and o.exclusive else ""
        out.append(Change(name, f"{name} added: {o.code} {_quote(label)}{extra}"))
    for code, oa in by_code_a.items():
        ob = by_code_b.get(code)
        if ob is None:
            continue
        for c in _text_changes(f"{name} {code} label", oa.label, ob.label):
            out.append(Change(name, c.detail))
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


_TEXT_FIELDS = frozenset({"label", "help", "required_message", "other_label", "unit"})
_OPTION_FIELDS = frozenset({"options", "items", "rows"})


def _field_changes(name: str, a: object, b: object, *, exclusive: bool = False) -> list[Change]:
    if a == b:
        return []
    if name in _TEXT_FIELDS or name in {"title", "intro", "description", "privacy_notice"}:
        return _text_changes(name, a, b)  # type: ignore[arg-type]
    if name in _OPTION_FIELDS:
        return _option_changes(name, a, b, exclusive=exclusive)  # type: ignore[arg-type]
    if name == "show_if":
        return [Change(name, f"show_if: {_condition(a)} → {_condition(b)}")]  # type: ignore[arg-type]
    if name == "constraints":
        return _constraint_changes(a, b)  # type: ignore[arg-type]
    if name == "languages":
        assert isinstance(a, tuple) and isinstance(b, tuple)
        parts = []
        if added := [x for x in b if x not in a]:
            parts.append(f"added {_codes(added)}")
        if removed := [x for x in a if x not in b]:
            parts.append(f"removed {_codes(removed)}")
        if not parts:
            parts.append(f"reordered: {_codes(a)} → {_codes(b)}")
        return [Change(name, f"languages: {'; '.join(parts)}")]
    if isinstance(a, str) and isinstance(b, str) and name in {"version", "id"}:
        return [Change(name, f"{name}: {_quote(a)} → {_quote(b)}")]
    return [Change(name, f"{name}: {_scalar(a)} → {_scalar(b)}")]


def _not_comparable(a: Question, b: Question) -> list[str]:
    if not (a.collects_answer or b.collects_answer):
        return []
    if a.type != b.type:
        return [f"type changed ({a.type} → {b.type})"]
    reasons = []
    codes_a, codes_b = answer_codes(a), answer_codes(b)
    if codes_a is not None and codes_b is not None:
        gone = [c for c in codes_a if c not in codes_b]
        if gone:
            reasons.append(f"answer code(s) removed: {_codes(gone)}")
    if a.type in {"scale", "matrix"} and [o.code for o in a.options] != [o.code for o in b.options]:
        reasons.append(
            f"scale points changed ({_codes(o.code for o in a.options)} → {_codes(o.code for o in b.options)})"
        )
    if a.type == "matrix":
        extras_a = [c for c, on in (("dont_know", a.dont_know), ("not_applicable", a.not_applicable)) if on]
        extras_b = [c for c, on in (("dont_know", b.dont_know), ("not_applicable", b.not_applicable)) if on]
        if gone := [c for c in extras_a if c not in extras_b]:
            reasons.append(f"answer code(s) removed: {_codes(gone)}")
    if a.type == "multiple_choice":
        flipped = [o.code for o in a.options for p in b.options if o.code == p.code and o.exclusive != p.exclusive]
        if flipped:
            reasons.append(f"exclusive option(s) changed: {_codes(flipped)}")
    if a.type in {"allocation", "ranking"} and {i.code for i in a.items} != {i.code for i in b.items}:
        reasons.append(f"items changed ({_codes(i.code for i in a.items)} → {_codes(i.code for i in b.items)})")
    if a.type == "ranking" and (a.top or len(a.items)) != (b.top or len(b.items)):
        reasons.append(f"ranked positions changed ({a.top or len(a.items)} → {b.top or len(b.items)})")
    return reasons


def _question_diff(a: Question, b: Question, section_a: str, section_b: str, moved: bool) -> QuestionDiff | None:
    changes: list[Change] = []
    if section_a != section_b:
        changes.append(Change("section", f"section: {section_a} → {section_b}"))
    if moved:
        changes.append(Change("order", "moved to another place in its section"))
    for f in dataclasses.fields(Question):
        if f.name == "id":
            continue
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if f.name == "type" and va != vb:
            changes.append(Change("type", f"type: {va} → {vb}"))
            continue
        changes.extend(
            _field_changes(f.name, va, vb, exclusive="multiple_choice" in (a.type, b.type) and f.name == "options")
        )
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
        d = _question_diff(qa, qb, where_a[qb.id], where_b[qb.id], qb.id in moved_questions)
        if d is not None:
            question_diffs.append(d)

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


# ---- for people ------------------------------------------------------------------------


def _block(title: str, lines: list[str]) -> list[str]:
    return [title, *lines, ""] if lines else []


def _sub(c: Change) -> str:
    return f"      {c.detail}"


def format_diff(diff: SurveyDiff) -> str:
    """The diff as text: one block per part, changes indented under what they change."""
    if diff.identical:
        return f"No differences between {diff.a} and {diff.b}.\n"
    out = [f"Comparing {diff.a} → {diff.b}", ""]
    out += _block("Questionnaire", [f"  {c.detail}" for c in diff.metadata])
    section_lines = [f"  + {sid} (added)" for sid in diff.sections_added]
    section_lines += [f"  - {sid} (removed)" for sid in diff.sections_removed]
    for s in diff.sections_changed:
        section_lines += [f"  ~ {s.id}", *map(_sub, s.changes)]
    out += _block("Sections", section_lines)
    question_lines = [f"  + {q.id} ({q.type}, section {q.section})" for q in diff.questions_added]
    question_lines += [f"  - {q.id} ({q.type}, was in section {q.section})" for q in diff.questions_removed]
    for q in diff.questions_changed:
        question_lines += [f"  ~ {q.id}", *map(_sub, q.changes)]
        question_lines += [f"      NOT COMPARABLE: {reason}" for reason in q.not_comparable]
    out += _block("Questions", question_lines)
    if diff.not_comparable:
        out += _block(
            "Not comparable across the two versions (do not put their answers in one trend):",
            [f"  {q.id}: {'; '.join(q.not_comparable)}" for q in diff.not_comparable],
        )
    out.append(
        f"{len(diff.questions_added)} question(s) added, {len(diff.questions_removed)} removed, "
        f"{len(diff.questions_changed)} changed, {len(diff.not_comparable)} not comparable."
    )
    if any(c.field in _TEXT_FIELDS or " label [" in c.detail for q in diff.questions_changed for c in q.changes):
        out.append("Wording changes cannot be judged automatically: check that none changes what is asked.")
    return "\n".join(out) + "\n"
