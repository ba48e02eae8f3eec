"""docs/questionnaire-format.md tells the truth: its examples validate, its outputs are real.

Each example block in the document is preceded by an HTML comment saying what it is:

    <!-- example: complete NAME -->        ```yaml: a whole questionnaire; must be valid
    <!-- example: questions -->            ```yaml: a list of questions; valid inside a skeleton
    <!-- example: invalid FILE -->         ```yaml: a file with problems; the next block
    <!-- example: output -->               ```text: is exactly what the validator prints for it
    <!-- example: show-json NAME -->       ```json: exactly `surveys show --json` of NAME
    <!-- example: diff A B -->             ```text: exactly `surveys diff` from A to B

YAML blocks without a marker must not look like questionnaires (a test makes sure none
slips through untested).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from backend.surveys.format.diff import diff_surveys
from backend.surveys.format.diff_text import format_diff
from backend.surveys.format.files import load_text
from backend.surveys.format.model import Survey
from backend.surveys.format.normal_form import to_json
from backend.surveys.format.parse import parse_definition
from backend.surveys.format.yaml_positions import load_located
from tests.unit.schema_validation import DIALECTS, schema_errors, where

DOC = Path(__file__).resolve().parents[2] / "docs" / "questionnaire-format.md"

_BLOCK = re.compile(r"(?:<!-- example: (?P<marker>[^>]*?) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Block:
    kind: str
    args: tuple[str, ...]
    lang: str
    body: str
    line: int

    def __str__(self) -> str:
        return f"{DOC.name}:{self.line} ({self.kind} {' '.join(self.args)})".strip()


def blocks() -> list[Block]:
    text = DOC.read_text(encoding="utf-8")
    out = []
    for m in _BLOCK.finditer(text):
        words = (m["marker"] or "").split()
        line = text.count("\n", 0, m.start("body"))
        out.append(Block(words[0] if words else "", tuple(words[1:]), m["lang"], m["body"], line))
    return out


def of_kind(kind: str) -> list[Block]:
    return [b for b in blocks() if b.kind == kind]


def complete_surveys() -> dict[str, Survey]:
    out = {}
    for b in of_kind("complete"):
        loaded = load_text(b.body, "example.yaml")
        assert loaded.survey is not None, (str(b), [str(p) for p in loaded.problems])
        if b.args:
            out[b.args[0]] = loaded.survey
    return out


def test_the_document_has_examples_of_every_kind() -> None:
    kinds = {b.kind for b in blocks()}
    assert {"complete", "questions", "invalid", "output", "show-json", "diff"} <= kinds
    assert len(of_kind("complete")) >= 4
    assert len(of_kind("questions")) >= 12


@pytest.mark.parametrize("block", of_kind("complete"), ids=str)
def test_complete_examples_validate(block: Block) -> None:
    assert block.lang == "yaml"
    loaded = load_text(block.body, "example.yaml")
    assert [str(p) for p in loaded.problems] == []
    assert loaded.survey is not None
    for dialect in DIALECTS:
        assert where(schema_errors(load_located(block.body).data, dialect=dialect)) == []


@pytest.mark.parametrize("block", of_kind("questions"), ids=str)
def test_question_examples_validate(block: Block) -> None:
    assert block.lang == "yaml"
    located = load_located(block.body)
    assert located.duplicate_keys == []
    questions = located.data
    assert isinstance(questions, list) and questions
    data = {
        "id": "doc-example",
        "version": "1",
        "title": "Documentation example",
        "sections": [{"id": "example", "title": "Example", "questions": questions}],
    }
    survey, problems = parse_definition(data)
    assert [f"{p.path}: {p.message}" for p in problems] == []
    assert survey is not None
    for dialect in DIALECTS:
        assert where(schema_errors(data, dialect=dialect)) == []


def test_every_question_type_has_an_example() -> None:
    from backend.surveys.kinds import QUESTION_TYPES

    seen = set()
    for b in of_kind("questions"):
        seen |= {q["type"] for q in load_located(b.body).data}  # type: ignore[union-attr]
    assert seen == set(QUESTION_TYPES)


def test_every_condition_operator_has_an_example() -> None:
    from backend.surveys.format.model import COMPARE_OPS

    text = "\n".join(b.body for b in blocks() if b.kind in {"complete", "questions"})
    for op in (*COMPARE_OPS, "count_selected", "all", "any", "not"):
        assert re.search(rf"[{{\s]{op}:", text), op


def test_invalid_example_prints_the_documented_output() -> None:
    all_blocks = blocks()
    pairs = [(b, all_blocks[i + 1]) for i, b in enumerate(all_blocks) if b.kind == "invalid"]
    assert pairs
    for invalid, output in pairs:
        assert output.kind == "output", str(invalid)
        loaded = load_text(invalid.body, invalid.args[0])
        assert [str(p) for p in loaded.problems] == output.body.splitlines(), str(invalid)


def test_show_json_example_is_the_real_output() -> None:
    surveys = complete_surveys()
    for b in of_kind("show-json"):
        assert to_json(surveys[b.args[0]]) + "\n" == b.body, str(b)


def test_diff_example_is_the_real_output() -> None:
    surveys = complete_surveys()
    for b in of_kind("diff"):
        a, c = b.args
        assert format_diff(diff_surveys(surveys[a], surveys[c])) == b.body, str(b)


def test_no_untested_questionnaire_example() -> None:
    for b in blocks():
        if b.kind or b.lang != "yaml":
            continue
        assert not re.search(r"^\s*-?\s*(id|type|sections|questions):", b.body, re.MULTILINE), str(b)


def test_the_document_names_every_key_type_and_operator() -> None:
    from backend.surveys.format import spec
    from backend.surveys.format.model import COMPARE_OPS
    from backend.surveys.kinds import KINDS, QUESTION_TYPES
    from backend.surveys.kinds.choice import WIDGETS

    text = DOC.read_text(encoding="utf-8")
    names = {*spec.SURVEY_KEYS, *spec.SECTION_KEYS, *spec.OPTION_KEYS, *spec.CONSTRAINT_KEYS}
    names |= {*spec.COMMON_QUESTION_KEYS, *(k for kind in KINDS.values() for k in kind.keys)}
    names |= {*QUESTION_TYPES, *COMPARE_OPS, *spec.PURPOSES, *spec.PUBLISH_POLICIES, *WIDGETS, *spec.CHART_HINTS}
    missing = sorted(n for n in names if f"`{n}`" not in text)
    assert missing == []


def test_the_document_points_to_the_xlsform_guide() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "## XLSForm" in text
    assert "surveys import-xlsform" in text and "export-xlsform" in text
    assert "(xlsform.md)" in text
