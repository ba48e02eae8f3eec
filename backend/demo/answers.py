"""Plausible random answers for any questionnaire (demo data, tests and benchmarks).

Each question's kind makes up a value (`demo_answer`); answers respect conditions, required
questions, ranges and constraints: every result passes `check_all`.
"""

from __future__ import annotations

import random

from backend.surveys.answers.checks import check_question, is_shown
from backend.surveys.answers.fields import Answers, other_key
from backend.surveys.format.model import OTHER_CODE, Survey


def random_answers(survey: Survey, rng: random.Random, skip_optional: float = 0.1) -> Answers:
    lang = survey.default_language
    answers: Answers = {}
    for section in survey.sections:
        for q in section.questions:
            if not q.collects_answer or not is_shown(survey, q, answers):
                continue
            if not q.required and rng.random() < skip_optional:
                continue
            # A made-up value may break a constraint: try again, as a respondent would.
            for _ in range(50):
                value = q.kind.demo_answer(q, rng, lang)
                chose_other = value == OTHER_CODE or (isinstance(value, list) and OTHER_CODE in value)
                other = "Another approach" if chose_other else None
                if check_question(q, value, other, answers, lang=lang, default_language=lang, require=True) is None:
                    answers[q.id] = value
                    if other:
                        answers[other_key(q.id)] = other
                    break
    return answers
