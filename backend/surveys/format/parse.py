"""Turn a definition document (plain data read from YAML or JSON) into the model.

Every fault becomes a `Problem` tied to its path; reading goes on after a fault so that one
run reports every problem, not just the first. The questionnaire, its sections and the keys
every question has are read here; the keys of each question type by its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from backend.surveys.format import spec
from backend.surveys.format.conditions import parse_condition
from backend.surveys.format.crosscheck import Placed, PlacedSection, check_references, check_translations
from backend.surveys.format.model import Condition, Constraint, Question, Section, Survey
from backend.surveys.format.problems import Problem, did_you_mean
from backend.surveys.format.reader import Reader
from backend.surveys.format.yaml_positions import Path
from backend.surveys.kinds import KINDS

_ID_HINT = "start with a letter; use a-z, 0-9 and _"


@dataclass(frozen=True)
class Parsed:
    """A definition read: its model (None when there is any problem), every problem, and every
    warning (texts that lack a translation: the model is usable, the default language is shown)."""

    survey: Survey | None
    problems: list[Problem]
    warnings: list[Problem]


def read_definition(data: object) -> Parsed:
    """The model of `data` with every problem and warning found."""
    r = Reader()
    survey = _survey(r, data)
    return Parsed(survey, r.problems, r.warnings)


def parse_definition(data: object) -> tuple[Survey | None, list[Problem]]:
    """The model of `data`, or None with every problem found (warnings: `read_definition`)."""
    parsed = read_definition(data)
    return parsed.survey, parsed.problems


def _survey(r: Reader, raw: object) -> Survey | None:
    doc = r.mapping(raw, (), "a questionnaire")
    if doc is None:
        return None
    r.check_keys(doc, spec.SURVEY_KEYS, (), "the questionnaire")
    _languages(r, doc)
    survey_id = r.string(doc, "id", (), pattern=spec.SLUG_PATTERN, hint="use lower-case letters, digits and hyphens")
    version = r.string(doc, "version", ())
    title = r.text(doc, "title", (), required=True)
    description = r.text(doc, "description", ())
    privacy = r.text(doc, "privacy_notice", ())
    purpose = r.choice(doc, "purpose", (), spec.PURPOSES, "practice")
    placed: list[PlacedSection] = []
    sections = _sections(r, doc.get("sections"), ("sections",), placed)
    if "sections" not in doc:
        r.problem((), 'missing required key "sections"')
    check_references(r, placed)
    check_translations(r)
    if r.problems or survey_id is None or version is None:
        return None
    return Survey(
        id=survey_id,
        version=version,
        title=title,
        default_language=r.default_language,
        languages=r.languages,
        description=description,
        privacy_notice=privacy,
        purpose=purpose,
        sections=tuple(sections),
    )


def _languages(r: Reader, doc: dict[str, Any]) -> None:
    default = doc.get("default_language", "en")
    if not isinstance(default, str) or not re.fullmatch(spec.LANGUAGE_PATTERN, default):
        r.problem(("default_language",), f"default_language {default!r} is not a language code such as en, fr or es")
        default = "en"
    languages = doc.get("languages", [default])
    if not isinstance(languages, list) or not languages:
        r.problem(("languages",), '"languages" must be a list of language codes')
        languages = [default]
    clean: list[str] = []
    for i, lang in enumerate(languages):
        if not isinstance(lang, str) or not re.fullmatch(spec.LANGUAGE_PATTERN, lang):
            r.problem(("languages", i), f"{lang!r} is not a language code such as en")
        elif lang in clean:
            r.problem(("languages", i), f'language "{lang}" is listed twice')
        else:
            clean.append(lang)
    if default not in clean:
        r.problem(("languages",), f'"languages" must include the default language "{default}"')
        clean.insert(0, default)
    r.default_language = default
    r.languages = tuple(clean)


def _sections(r: Reader, raw: object, path: Path, placed: list[PlacedSection]) -> list[Section]:
    """The sections read; `placed` gets each with where it and every question in it (read or not) is written."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        r.problem(path, '"sections" must be a non-empty list of sections')
        return []
    out: list[Section] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = (*path, i)
        sec = r.mapping(item, where, "a section")
        if sec is None:
            continue
        r.check_keys(sec, spec.SECTION_KEYS, where, "a section")
        sid = r.string(sec, "id", where, pattern=spec.ID_PATTERN, hint=_ID_HINT)
        if sid is not None:
            if sid in seen:
                r.problem((*where, "id"), f'duplicate section id "{sid}"')
            seen.add(sid)
        title = r.text(sec, "title", where, required=True)
        intro = r.text(sec, "intro", where)
        show_if = _condition(r, sec, where)
        written: list[Placed] = []
        questions = _questions(r, sec.get("questions"), (*where, "questions"), written)
        if "questions" not in sec:
            r.problem(where, 'missing required key "questions"')
        section = Section(
            id=sid or f"section_{i}", title=title, intro=intro, show_if=show_if, questions=tuple(questions)
        )
        out.append(section)
        placed.append(PlacedSection(where, section, written))
    return out


def _condition(r: Reader, raw: dict[str, Any], path: Path, key: str = "show_if") -> Condition | None:
    if key not in raw or raw[key] is None:
        return None
    return parse_condition(raw[key], (*path, key), r.problems)


def _questions(r: Reader, raw: object, path: Path, placed: list[Placed]) -> list[Question[Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        r.problem(path, '"questions" must be a non-empty list')
        return []
    out = []
    for i, item in enumerate(raw):
        where = (*path, i)
        q = _question(r, item, where)
        # A question that could not be read (unknown type, bad id) keeps its place: later
        # problems point at their own lines, and conditions naming it are not "unknown".
        written_id = item.get("id") if isinstance(item, dict) else None
        placed.append(Placed(where, q.id if q else written_id if isinstance(written_id, str) else None, q))
        if q is not None:
            out.append(q)
    return out


def _question(r: Reader, raw: object, path: Path) -> Question[Any] | None:
    q = r.mapping(raw, path, "a question")
    if q is None:
        return None
    qtype = q.get("type")
    kind = KINDS.get(qtype) if isinstance(qtype, str) else None
    if kind is None:
        if "type" not in q:
            r.problem(path, 'missing required key "type"')
        else:
            r.problem(
                (*path, "type"),
                f"unknown question type {qtype!r}{did_you_mean(str(qtype), KINDS)}; one of {', '.join(KINDS)}",
            )
        return None
    r.check_keys(q, kind.question_keys, path, f"a {kind.name} question")
    qid = r.string(q, "id", path, pattern=spec.ID_PATTERN, hint=_ID_HINT)
    label = r.text(q, "label", path, required=True)
    fields: dict[str, Any] = {
        "help": r.text(q, "help", path),
        # A question that asks nothing cannot be required (its "required" is reported as unknown).
        "required": r.boolean(q, "required", path) if kind.collects_answer else False,
        "required_message": r.text(q, "required_message", path),
        "show_if": _condition(r, q, path),
        "publish": r.choice(q, "publish", path, spec.PUBLISH_POLICIES, kind.default_publish),
        "constraints": _constraints(r, q.get("constraints"), (*path, "constraints")),
    }
    if kind.free_text and fields["publish"] == "compare":
        r.problem((*path, "publish"), 'free-text answers are always staff only; remove "publish: compare"')
    if "chart" in q:
        fields["chart"] = r.choice(q, "chart", path, spec.CHART_HINTS, "bar")
    settings = kind.read_settings(r, q, path)
    if qid is None:
        return None
    return Question(id=qid, kind=kind, label=label, settings=settings, **fields)


def _constraints(r: Reader, raw: object, path: Path) -> tuple[Constraint, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        r.problem(path, '"constraints" must be a list of {rule, message}')
        return ()
    out = []
    for i, item in enumerate(raw):
        where = (*path, i)
        c = r.mapping(item, where, "a constraint")
        if c is None:
            continue
        r.check_keys(c, spec.CONSTRAINT_KEYS, where, "a constraint")
        rule = _condition(r, c, where, "rule")
        if "rule" not in c:
            r.problem(where, 'missing required key "rule"')
        message = r.text(c, "message", where, required=True)
        if rule is not None:
            out.append(Constraint(rule=rule, message=message))
    return tuple(out)
