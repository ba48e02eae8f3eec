"""The checks that need the whole definition: references between questions and translations."""

from __future__ import annotations

from backend.surveys.codes import answer_codes
from backend.surveys.conditions import SELF, referenced_questions
from backend.surveys.definition import NUMERIC_OPS, Compare, Condition, CountSelected, Question, Section
from backend.surveys.problems import did_you_mean
from backend.surveys.value_reader import ValueReader
from backend.surveys.yamlpos import Path


class CrossChecks(ValueReader):
    """Checks run once every section is read (a mixin of the definition parser)."""

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
