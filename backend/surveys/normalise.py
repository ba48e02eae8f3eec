"""The canonical written form of a definition: for `surveys show`, version hashes, storage
and the round trip model → data → model."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import yaml

from backend.surveys.conditions import condition_to_data
from backend.surveys.definition import FREE_TEXT_TYPES, Option, Question, Section, Survey, Text
from backend.surveys.spec import question_keys
from backend.surveys.yamlpos import SafeQuotingDumper


def _text(t: Text) -> dict[str, str]:
    return dict(t)


def _options(options: tuple[Option, ...], with_exclusive: bool) -> list[dict[str, Any]]:
    out = []
    for o in options:
        d: dict[str, Any] = {"code": o.code, "label": _text(o.label)}
        if with_exclusive and o.exclusive:
            d["exclusive"] = True
        out.append(d)
    return out


def question_to_data(q: Question) -> dict[str, Any]:
    allowed = set(question_keys(q.type))
    d: dict[str, Any] = {"id": q.id, "type": q.type, "label": _text(q.label)}
    default_publish = "staff" if q.type in FREE_TEXT_TYPES else "compare"
    candidates: dict[str, Any] = {
        "help": _text(q.help) if q.help else None,
        "required": q.required or None,
        "required_message": _text(q.required_message) if q.required_message else None,
        "show_if": condition_to_data(q.show_if) if q.show_if is not None else None,
        "publish": q.publish if q.publish != default_publish else None,
        "chart": q.chart,
        "options": _options(q.options, q.type == "multiple_choice") if q.options else None,
        "widget": q.widget if q.widget != "radios" else None,
        "other": q.other or None,
        "other_label": _text(q.other_label) if q.other_label else None,
        "dont_know": q.dont_know or None,
        "not_applicable": q.not_applicable or None,
        "items": _options(q.items, False) if q.items else None,
        "rows": _options(q.rows, False) if q.rows else None,
        "top": q.top,
        "integer": q.integer or None,
        "unit": _text(q.unit) if q.unit else None,
        "min": q.min,
        "max": q.max,
        "max_length": q.max_length,
        "constraints": [{"rule": condition_to_data(c.rule), "message": _text(c.message)} for c in q.constraints]
        or None,
    }
    for key, value in candidates.items():
        if value is not None and key in allowed:
            d[key] = value
    return d


def section_to_data(s: Section) -> dict[str, Any]:
    d: dict[str, Any] = {"id": s.id, "title": _text(s.title)}
    if s.intro:
        d["intro"] = _text(s.intro)
    if s.show_if is not None:
        d["show_if"] = condition_to_data(s.show_if)
    d["questions"] = [question_to_data(q) for q in s.questions]
    return d


def survey_to_data(s: Survey) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": s.id,
        "version": s.version,
        "title": _text(s.title),
        "default_language": s.default_language,
        "languages": list(s.languages),
    }
    if s.purpose != "practice":
        d["purpose"] = s.purpose
    if s.description:
        d["description"] = _text(s.description)
    if s.privacy_notice:
        d["privacy_notice"] = _text(s.privacy_notice)
    d["sections"] = [section_to_data(x) for x in s.sections]
    return d


def to_json(s: Survey) -> str:
    """Stable JSON: keys in definition order, UTF-8, two-space indent (documented format)."""
    return json.dumps(survey_to_data(s), ensure_ascii=False, indent=2)


def to_yaml(s: Survey) -> str:
    return yaml.dump(survey_to_data(s), Dumper=SafeQuotingDumper, allow_unicode=True, sort_keys=False, width=100)


def content_hash(s: Survey) -> str:
    """The identity of a version: SHA-256 of the canonical JSON (key order fixed by sorting)."""
    canonical = json.dumps(survey_to_data(s), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
