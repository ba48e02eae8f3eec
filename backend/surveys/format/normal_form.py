"""The canonical written form of a definition: for `surveys show`, version hashes, storage
and the round trip model → data → model. A kind writes its own settings (`settings_to_data`)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import yaml

from backend.surveys.format.conditions import condition_to_data
from backend.surveys.format.model import Question, Section, Survey, Text
from backend.surveys.format.yaml_positions import SafeQuotingDumper


def _text(t: Text) -> dict[str, str]:
    return dict(t)


def question_to_data(q: Question[Any]) -> dict[str, Any]:
    """The written form of a question: every key that differs from its default, in the order
    of the format (the common keys, the kind's settings, then constraints)."""
    d: dict[str, Any] = {"id": q.id, "type": q.type, "label": _text(q.label)}
    if q.help:
        d["help"] = _text(q.help)
    if q.required:
        d["required"] = True
    if q.required_message:
        d["required_message"] = _text(q.required_message)
    if q.show_if is not None:
        d["show_if"] = condition_to_data(q.show_if)
    if q.publish != q.kind.default_publish:
        d["publish"] = q.publish
    if q.chart is not None:
        d["chart"] = q.chart
    d.update(q.kind.settings_to_data(q.settings))
    if q.constraints:
        d["constraints"] = [{"rule": condition_to_data(c.rule), "message": _text(c.message)} for c in q.constraints]
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
