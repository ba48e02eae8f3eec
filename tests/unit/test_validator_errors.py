"""The validator's output, exactly: one `file:line:column: message` line per problem.

One small bad file per kind of error, written inline, and the exact lines
`backend.surveys.format.files.load_text` gives for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.surveys.format.files import load_file, load_text

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"

#: The first lines of most files below: questions start on line 8.
HEAD = """\
id: demo
version: "1"
title: Demo
sections:
  - id: main
    title: Main
    questions:
"""


def lines(text: str) -> list[str]:
    loaded = load_text(text, "bad.yaml")
    if loaded.problems:
        assert loaded.survey is None
    return [str(p) for p in loaded.problems]


# ---- valid files ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["drug-market-practice.yaml", "force-profile.yaml"])
def test_the_shipped_questionnaires_are_valid(name: str) -> None:
    loaded = load_file(SURVEYS / name)
    assert [str(p) for p in loaded.problems] == []
    assert loaded.ok


def test_a_minimal_file_is_valid() -> None:
    loaded = load_text(HEAD + "      - {id: q1, type: yes_no, label: Q1}\n", "ok.yaml")
    assert loaded.problems == []
    assert loaded.survey is not None
    assert loaded.survey.question("q1").type == "yes_no"


def test_yaml_1_1_words_stay_text() -> None:
    text = HEAD + (
        "      - id: q1\n"
        "        type: single_choice\n"
        "        label: Q1\n"
        "        options:\n"
        "          - {code: yes, label: on}\n"
        "          - {code: no, label: off}\n"
        "          - {code: 1000_4999, label: '1,000 to 4,999'}\n"
    )
    loaded = load_text(text, "ok.yaml")
    assert loaded.problems == []
    assert loaded.survey is not None
    q = loaded.survey.question("q1")
    assert [o.code for o in q.settings.options] == ["yes", "no", "1000_4999"]
    assert [o.label["en"] for o in q.settings.options] == ["on", "off", "1,000 to 4,999"]


# ---- one bad file per kind of error -----------------------------------------------------


def test_yaml_syntax_error() -> None:
    text = HEAD + "      - id: q1\n        type: yes_no\n       label: Bad indent\n"
    assert lines(text) == [
        "bad.yaml:10:8: YAML syntax error: while parsing a block collection: "
        "expected <block end>, but found '<block mapping start>'"
    ]


def test_unclosed_quote() -> None:
    text = HEAD + '      - id: q1\n        type: yes_no\n        label: "Unclosed\n'
    assert lines(text) == [
        "bad.yaml:11:1: YAML syntax error: while scanning a quoted scalar: found unexpected end of stream"
    ]


def test_unknown_key_with_did_you_mean() -> None:
    text = HEAD + "      - id: q1\n        type: yes_no\n        label: Q1\n        requird: true\n"
    assert lines(text) == ['bad.yaml:11:9: unknown key "requird" in a yes_no question (did you mean "required"?)']


def test_key_of_another_question_type() -> None:
    text = HEAD + "      - id: q1\n        type: yes_no\n        label: Q1\n        options: []\n"
    assert lines(text) == ['bad.yaml:11:9: unknown key "options" in a yes_no question']


def test_duplicate_yaml_key() -> None:
    text = HEAD + "      - id: q1\n        type: yes_no\n        label: Q1\n        label: Q1 again\n"
    assert lines(text) == ['bad.yaml:11:9: duplicate key "label" (the later value wins in YAML; remove one)']


def test_unknown_question_type() -> None:
    text = HEAD + "      - id: q1\n        type: single_choise\n        label: Q1\n"
    assert lines(text) == [
        "bad.yaml:9:15: unknown question type 'single_choise' (did you mean \"single_choice\"?); one of "
        "single_choice, multiple_choice, yes_no, scale, number, allocation, ranking, matrix, short_text, "
        "long_text, date, info"
    ]


def test_duplicate_question_id() -> None:
    text = HEAD + (
        "      - id: q1\n        type: yes_no\n        label: Q1\n"
        "      - id: q1\n        type: yes_no\n        label: Again\n"
    )
    assert lines(text) == ['bad.yaml:11:13: duplicate question id "q1"']


def test_duplicate_section_id() -> None:
    text = """\
id: demo
version: "1"
title: Demo
sections:
  - id: main
    title: Main
    questions:
      - {id: q1, type: yes_no, label: Q1}
  - id: main
    title: Main again
    questions:
      - {id: q2, type: yes_no, label: Q2}
"""
    assert lines(text) == ['bad.yaml:9:9: duplicate section id "main"']


def test_condition_naming_an_unknown_question() -> None:
    text = HEAD + (
        "      - id: q1\n        type: yes_no\n        label: Q1\n"
        "      - id: q2\n        type: yes_no\n        label: Q2\n"
        '        show_if: {question: q_1, equals: "yes"}\n'
    )
    assert lines(text) == ['bad.yaml:14:18: condition refers to unknown question "q_1" (did you mean "q1"?)']


def test_condition_naming_a_later_question() -> None:
    text = HEAD + (
        "      - id: q1\n        type: yes_no\n        label: Q1\n"
        '        show_if: {question: q2, equals: "yes"}\n'
        "      - id: q2\n        type: yes_no\n        label: Q2\n"
    )
    assert lines(text) == [
        'bad.yaml:11:18: condition refers to question "q2", which comes later; a condition can only use earlier answers'
    ]


def test_section_condition_naming_a_question_of_its_own_section() -> None:
    text = """\
id: demo
version: "1"
title: Demo
sections:
  - id: main
    title: Main
    show_if: {question: q1, answered: true}
    questions:
      - {id: q1, type: yes_no, label: Q1}
"""
    assert lines(text) == [
        'bad.yaml:7:14: condition refers to question "q1", which comes later; a condition can only use earlier answers'
    ]


def test_condition_value_that_is_not_an_option_code() -> None:
    text = HEAD + (
        "      - id: q1\n        type: yes_no\n        label: Q1\n"
        "      - id: q2\n        type: yes_no\n        label: Q2\n"
        "        show_if: {question: q1, equals: yess}\n"
    )
    assert lines(text) == ['bad.yaml:14:18: "yess" is not an option code of "q1" (yes, no) (did you mean "yes"?)']


def test_this_question_outside_a_constraint() -> None:
    text = (
        HEAD
        + "      - id: q1\n        type: yes_no\n        label: Q1\n        show_if: {question: ., answered: true}\n"
    )
    assert lines(text) == ['bad.yaml:11:18: "." (this question) can only be used in constraints']


def test_option_code_used_twice_and_colliding_with_other() -> None:
    text = HEAD + (
        "      - id: q1\n"
        "        type: single_choice\n"
        "        other: true\n"
        "        label: Q1\n"
        "        options:\n"
        "          - {code: a, label: A}\n"
        "          - {code: a, label: A again}\n"
        "          - {code: other, label: Something else}\n"
    )
    assert lines(text) == [
        'bad.yaml:14:20: option code "a" is used twice (also by item 1)',
        'bad.yaml:15:20: option code "other" collides with the code the format adds itself '
        "for this question's extra option",
    ]


def test_scale_point_colliding_with_dont_know() -> None:
    text = HEAD + (
        "      - id: q1\n"
        "        type: scale\n"
        "        dont_know: true\n"
        "        label: Q1\n"
        "        options:\n"
        "          - {code: low, label: Low}\n"
        "          - {code: dont_know, label: Not sure}\n"
    )
    assert lines(text) == [
        'bad.yaml:14:20: option code "dont_know" collides with the code the format adds itself '
        "for this question's extra option"
    ]


def test_allocation_with_fewer_than_two_items() -> None:
    text = HEAD + "      - id: q1\n        type: allocation\n        label: Q1\n"
    text += "        items:\n          - {code: a, label: A}\n"
    assert lines(text) == ['bad.yaml:12:11: "items" needs at least 2 items; found 1']


def test_min_greater_than_max_for_a_number_and_a_date() -> None:
    text = HEAD + (
        "      - id: q1\n        type: number\n        label: Q1\n        min: 10\n        max: 5\n"
        "      - id: q2\n        type: date\n        label: Q2\n        min: 2026-01-01\n        max: 2025-12-31\n"
    )
    assert lines(text) == [
        "bad.yaml:11:14: min 10 is greater than max 5",
        "bad.yaml:16:14: min 2026-01-01 is greater than max 2025-12-31",
    ]


def test_bad_date_and_fractional_bound_of_an_integer_question() -> None:
    text = HEAD + (
        "      - id: q1\n        type: number\n        integer: true\n        label: Q1\n        max: 2.5\n"
        "      - id: q2\n        type: date\n        label: Q2\n        min: 31/12/2025\n"
    )
    assert lines(text) == [
        'bad.yaml:12:14: "max" must be a whole number for an integer question',
        "bad.yaml:16:14: \"min\" must be a date written YYYY-MM-DD, not '31/12/2025'",
    ]


def test_ranking_top_larger_than_its_items() -> None:
    text = HEAD + (
        "      - id: q1\n        type: ranking\n        label: Q1\n        top: 4\n        items:\n"
        "          - {code: a, label: A}\n          - {code: b, label: B}\n          - {code: c, label: C}\n"
    )
    assert lines(text) == ["bad.yaml:11:14: top 4 is larger than the 3 items to rank"]


def test_missing_translations_one_line_per_language_and_string() -> None:
    text = """\
id: demo
version: "1"
title:
  en: Demo
  fr: Démo
default_language: en
languages: [en, fr, es]
sections:
  - id: main
    title: {en: Main, fr: Principal, es: Principal}
    questions:
      - id: q1
        type: yes_no
        label: Q1
        help:
          fr: Aide
"""
    strict = load_text(text, "bad.yaml", strict=True)
    assert strict.survey is None
    assert [str(p) for p in strict.problems] == [
        'bad.yaml:4:3: missing "es" translation',
        'bad.yaml:14:16: missing "fr" translation',
        'bad.yaml:14:16: missing "es" translation',
        'bad.yaml:16:11: missing text in the default language "en"',
        'bad.yaml:16:11: missing "es" translation',
    ]
    # Without --strict a missing translation is a warning; a text missing in the default
    # language (which every other falls back to) is always a problem.
    loaded = load_text(text, "bad.yaml")
    assert [str(p) for p in loaded.problems] == ['bad.yaml:16:11: missing text in the default language "en"']
    assert [str(p) for p in loaded.warnings] == [
        'bad.yaml:4:3: warning: missing "es" translation',
        'bad.yaml:14:16: warning: missing "fr" translation',
        'bad.yaml:14:16: warning: missing "es" translation',
        'bad.yaml:16:11: warning: missing "es" translation',
    ]


def test_a_partly_translated_file_is_valid_with_warnings() -> None:
    text = """\
id: demo
version: "1"
title: {en: Demo, fr: Démo}
languages: [en, fr]
sections:
  - id: main
    title: {en: Main, fr: Principal}
    questions:
      - {id: q1, type: yes_no, label: {en: Q1, fr: Q1}, help: Only in English}
"""
    loaded = load_text(text, "partial.yaml")
    assert loaded.ok and loaded.survey is not None
    assert [str(p) for p in loaded.warnings] == ['partial.yaml:9:63: warning: missing "fr" translation']
    assert [str(p) for p in load_text(text, "partial.yaml", strict=True).problems] == [
        'partial.yaml:9:63: missing "fr" translation'
    ]


def test_text_in_a_language_not_listed() -> None:
    text = """\
id: demo
version: "1"
title: {en: Demo, de: Demo}
sections:
  - id: main
    title: Main
    questions:
      - {id: q1, type: yes_no, label: Q1}
"""
    assert lines(text) == ['bad.yaml:3:19: language "de" is not in "languages" (en)']


def test_contains_on_a_question_that_is_not_multiple_choice() -> None:
    text = HEAD + (
        "      - id: q1\n        type: single_choice\n        label: Q1\n        options:\n"
        "          - {code: a, label: A}\n          - {code: b, label: B}\n"
        "      - id: q2\n        type: yes_no\n        label: Q2\n        show_if: {question: q1, contains: a}\n"
    )
    assert lines(text) == ['bad.yaml:17:18: "contains" needs a multiple_choice question; "q1" is single_choice']


def test_count_selected_on_a_question_that_is_not_multiple_choice() -> None:
    text = HEAD + (
        "      - id: q1\n        type: yes_no\n        label: Q1\n"
        "      - id: q2\n        type: yes_no\n        label: Q2\n        show_if: {count_selected: q1, gte: 1}\n"
    )
    assert lines(text) == ['bad.yaml:14:18: count_selected needs a multiple_choice question; "q1" is yes_no']


def test_numeric_comparison_on_a_scale_with_word_codes() -> None:
    text = HEAD + (
        "      - id: q1\n        type: scale\n        label: Q1\n        options:\n"
        "          - {code: low, label: Low}\n          - {code: high, label: High}\n"
        "      - id: q2\n        type: yes_no\n        label: Q2\n        show_if: {question: q1, gte: 2}\n"
    )
    assert lines(text) == [
        'bad.yaml:17:18: "gte" compares numbers, but scale "q1" has codes that are not numbers (low, high); '
        "use in / not_in, or number the scale points"
    ]


def test_numeric_comparison_on_a_yes_no_question() -> None:
    text = HEAD + (
        "      - id: q1\n        type: yes_no\n        label: Q1\n"
        "      - id: q2\n        type: yes_no\n        label: Q2\n        show_if: {question: q1, gt: 1}\n"
    )
    assert lines(text) == ['bad.yaml:14:18: "gt" compares numbers; "q1" is yes_no']


def test_free_text_with_publish_compare() -> None:
    text = HEAD + "      - id: q1\n        type: long_text\n        label: Q1\n        publish: compare\n"
    assert lines(text) == ['bad.yaml:11:18: free-text answers are always staff only; remove "publish: compare"']


def test_condition_with_two_comparisons() -> None:
    text = HEAD + (
        "      - id: q1\n        type: number\n        label: Q1\n"
        "      - id: q2\n        type: yes_no\n        label: Q2\n        show_if: {question: q1, gt: 1, lt: 5}\n"
    )
    assert lines(text) == [
        "bad.yaml:14:18: a condition needs exactly one comparison "
        "(equals, not_equals, in, not_in, contains, gt, gte, lt, lte, answered); found 2"
    ]


def test_every_problem_is_reported() -> None:
    text = """\
id: Demo
version: "1"
title: Demo
sections:
  - id: main
    title: Main
    questions:
      - id: q1
        type: yes_no
        label: Q1
        colour: red
      - id: q2
        type: number
        label: Q2
        min: 3
        max: 1
      - id: q3
        type: short_text
        label: Q3
        show_if: {question: q9, answered: true}
      - id: q4
        type: ranking
        label: Q4
        items:
          - {code: a, label: A}
"""
    assert lines(text) == [
        "bad.yaml:1:5: \"id\" 'Demo' is not valid: use lower-case letters, digits and hyphens",
        'bad.yaml:11:9: unknown key "colour" in a yes_no question',
        "bad.yaml:15:14: min 3 is greater than max 1",
        'bad.yaml:20:18: condition refers to unknown question "q9"',
        'bad.yaml:25:11: "items" needs at least 2 items; found 1',
    ]


def test_codes_with_leading_zeros_do_not_crash_the_validator() -> None:
    # YAML 1.2 (CoreSchemaLoader) resolves 08 and 017 as decimal integers, but the YAML 1.1
    # constructor then reads a leading 0 as octal: int("08", 8) raises ValueError, and 017
    # silently becomes 15.
    text = HEAD + (
        "      - id: q1\n        type: single_choice\n        label: Q1\n        options:\n"
        "          - {code: 08, label: A}\n          - {code: 017, label: B}\n"
    )
    loaded = load_text(text, "bad.yaml")
    assert loaded.survey is not None, [str(p) for p in loaded.problems]
    assert [o.code for o in loaded.survey.question("q1").settings.options] in (["08", "017"], ["8", "17"])


MERGE_KEY = HEAD + (
    "      - &base\n"
    "        id: q_a\n"
    "        type: yes_no\n"
    "        label: A\n"
    "      - <<: *base\n"
    "        id: q_b\n"
    "        label: B\n"
)


Q1 = "      - {id: q1, type: yes_no, label: Q1}\n"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(HEAD + "      - {id: q1, type: date, label: Q1, min: 2025-02-30}\n", id="impossible-date"),
        pytest.param(HEAD.replace('version: "1"', "version: 2026-13-45") + Q1, id="impossible-date-as-version"),
        pytest.param(HEAD.replace("title: Demo", "title: !foo Demo") + Q1, id="unknown-tag"),
        pytest.param(HEAD + "      - {id: q1, type: short_text, label: Q1, max_length: !!int abc}\n", id="bad-int"),
        pytest.param(HEAD + "      - &q {id: q1, type: yes_no, label: Q1, help: [*q]}\n", id="recursive-alias"),
        pytest.param(MERGE_KEY, id="merge-key"),
    ],
)
def test_values_yaml_cannot_build_give_a_located_problem_not_a_crash(text: str) -> None:
    # yamlpos.load_located turns only syntax errors into YamlSyntaxError; errors raised while
    # constructing values (ConstructorError, ValueError, RecursionError) escape load_text.
    # (yamlpos means to support merge keys: that file should even be valid.)
    loaded = load_text(text, "bad.yaml")
    assert loaded.ok or loaded.problems
    assert all(p.line > 1 for p in loaded.problems)


# ---- precision after a question that cannot be read ----------------------------------


def test_problems_after_an_unknown_type_point_at_their_own_lines() -> None:
    text = HEAD + (
        "      - id: q1\n"  # 8
        "        type: yes_no_maybe\n"  # 9
        "        label: Q1\n"  # 10
        "      - id: q2\n"  # 11
        "        type: yes_no\n"  # 12
        "        label: Q2\n"  # 13
        "        show_if: {question: q9, answered: true}\n"  # 14
        "      - id: q3\n"  # 15
        "        type: number\n"  # 16
        "        label: Q3\n"  # 17
        "        constraints: [{rule: {question: q2, gt: 3}, message: M}]\n"  # 18
    )
    assert lines(text) == [
        "bad.yaml:9:15: unknown question type 'yes_no_maybe' (did you mean \"yes_no\"?); one of "
        "single_choice, multiple_choice, yes_no, scale, number, allocation, ranking, matrix, short_text, "
        "long_text, date, info",
        'bad.yaml:14:18: condition refers to unknown question "q9"',
        'bad.yaml:18:30: "gt" compares numbers; "q2" is yes_no',
    ]


def test_a_question_whose_type_is_unknown_is_not_an_unknown_question() -> None:
    text = HEAD + (
        "      - id: q1\n"  # 8
        "        type: numbr\n"  # 9
        "        label: Q1\n"  # 10
        "      - id: q2\n"  # 11
        "        type: yes_no\n"  # 12
        "        label: Q2\n"  # 13
        "        show_if: {question: q1, gt: 3}\n"  # 14
        '        constraints: [{rule: {question: q4, equals: "yes"}, message: M}]\n'  # 15
        "      - id: q4\n"  # 16
        "        type: sliders\n"  # 17
        "        label: Q4\n"  # 18
        "      - id: q1\n"  # 19
        "        type: yes_no\n"  # 20
        "        label: Again\n"  # 21
    )
    found = lines(text)
    assert not any('unknown question "' in line for line in found), found
    assert found == [
        "bad.yaml:9:15: unknown question type 'numbr' (did you mean \"number\"?); one of "
        "single_choice, multiple_choice, yes_no, scale, number, allocation, ranking, matrix, short_text, "
        "long_text, date, info",
        'bad.yaml:15:30: condition refers to question "q4", which comes later; '
        "a condition can only use earlier answers",
        "bad.yaml:17:15: unknown question type 'sliders'; one of "
        "single_choice, multiple_choice, yes_no, scale, number, allocation, ranking, matrix, short_text, "
        "long_text, date, info",
        'bad.yaml:19:13: duplicate question id "q1"',
    ]


def test_problems_after_a_question_with_a_bad_id_point_at_their_own_lines() -> None:
    text = HEAD + (
        "      - id: Q1\n"  # 8
        "        type: yes_no\n"  # 9
        "        label: Q1\n"  # 10
        "      - id: q2\n"  # 11
        "        type: yes_no\n"  # 12
        "        label: Q2\n"  # 13
        "        show_if: {question: q9, answered: true}\n"  # 14
    )
    assert lines(text) == [
        "bad.yaml:8:13: \"id\" 'Q1' is not valid: start with a letter; use a-z, 0-9 and _",
        'bad.yaml:14:18: condition refers to unknown question "q9"',
    ]


def test_problems_after_a_section_that_cannot_be_read_point_at_their_own_lines() -> None:
    text = """\
id: demo
version: "1"
title: Demo
sections:
  - just words
  - id: main
    title: Main
    questions:
      - {id: q1, type: yes_no, label: Q1}
      - {id: q2, type: yes_no, label: Q2, show_if: {question: q9, answered: true}}
"""
    assert lines(text) == [
        "bad.yaml:5:5: a section must be a mapping (key: value lines)",
        'bad.yaml:10:52: condition refers to unknown question "q9"',
    ]
