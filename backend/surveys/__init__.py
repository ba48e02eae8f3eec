"""Questionnaires: the definition format and answers by its rules (a library with no database
or web code: `format/`, `kinds/`, `answers/`, `xlsform/`), and the feature that stores versions
and shows them to staff (`tables.py`, `services.py`, `controllers.py`).

The names below are the library's public API: the other features import from here.
"""

from backend.surveys.answers.checks import (
    AnswerError,
    check_all,
    merge,
    read_page,
    section_status,
    shown_question_ids,
    visibility,
    visible_answers,
)
from backend.surveys.answers.describe import describe
from backend.surveys.answers.display import answer_codes_with_labels, answer_text, choice_options
from backend.surveys.answers.fields import Answers, first_field, other_key
from backend.surveys.answers.forms import answer_to_form
from backend.surveys.format.conditions import condition_to_data, evaluate, referenced_questions
from backend.surveys.format.diff import diff_surveys
from backend.surveys.format.diff_text import format_diff
from backend.surveys.format.files import LoadedFile, LocatedProblem, definition_files, load_file, load_text
from backend.surveys.format.model import Question, Section, Survey
from backend.surveys.format.normal_form import content_hash, survey_to_data, to_json, to_yaml
from backend.surveys.format.parse import parse_definition
from backend.surveys.format.schema import schema_text
from backend.surveys.format.translations import TranslationReport, incomplete_message, translation_report
from backend.surveys.kinds import AGGREGATE_KIND, FREE_TEXT_TYPES, KINDS, answer_codes
from backend.surveys.kinds.matrix import matrix_codes
from backend.surveys.kinds.ranking import rank_positions

__all__ = [
    "AGGREGATE_KIND",
    "FREE_TEXT_TYPES",
    "KINDS",
    "AnswerError",
    "Answers",
    "LoadedFile",
    "LocatedProblem",
    "Question",
    "Section",
    "Survey",
    "TranslationReport",
    "answer_codes",
    "answer_codes_with_labels",
    "answer_text",
    "answer_to_form",
    "check_all",
    "choice_options",
    "condition_to_data",
    "content_hash",
    "definition_files",
    "describe",
    "diff_surveys",
    "evaluate",
    "first_field",
    "format_diff",
    "incomplete_message",
    "load_file",
    "load_text",
    "matrix_codes",
    "merge",
    "other_key",
    "parse_definition",
    "rank_positions",
    "read_page",
    "referenced_questions",
    "schema_text",
    "section_status",
    "shown_question_ids",
    "survey_to_data",
    "to_json",
    "to_yaml",
    "translation_report",
    "visibility",
    "visible_answers",
]
