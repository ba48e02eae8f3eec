"""Turn a definition document (plain data read from YAML or JSON) into the model.

Every fault becomes a `Problem` tied to its path; parsing goes on after a fault so that one
run reports every problem, not just the first.
"""

from __future__ import annotations

import re
from typing import Any

from backend.surveys import spec
from backend.surveys.codes import answer_codes as answer_codes  # re-exported: callers import it from here
from backend.surveys.conditions import parse_condition
from backend.surveys.crosscheck import CrossChecks
from backend.surveys.definition import (
    FREE_TEXT_TYPES,
    QUESTION_TYPES,
    Condition,
    Constraint,
    Question,
    Section,
    Survey,
)
from backend.surveys.problems import Problem, did_you_mean
from backend.surveys.question_fields import QuestionFields
from backend.surveys.yamlpos import Path


class _Parser(QuestionFields, CrossChecks):
    """Reads the document; the readers, the per-type fields and the cross-checks come from its bases."""

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


def parse_definition(data: object) -> tuple[Survey | None, list[Problem]]:
    """The model of `data`, or None with every problem found."""
    parser = _Parser()
    survey = parser.survey(data)
    return survey, parser.problems
