"""Plausible random answers for any questionnaire (demo data, tests and benchmarks).

Answers respect conditions, required questions, ranges and constraints: every result
passes `check_all`.
"""

from __future__ import annotations

import random
from typing import Any

from backend.surveys.answers import Answers, check_question, is_shown, other_key, rank_positions
from backend.surveys.definition import Question, Survey
from backend.surveys.display import choice_options
from backend.surveys.spec import DEFAULT_MAX_LENGTH

SAMPLE_TEXTS = [
    "A joint operation with the health service reduced open-air dealing near the central station.",
    "We moved two investigators from volume possession cases to violent supply networks.",
    "Officers now carry naloxone on night shifts in the city centre.",
    "Referral to treatment instead of arrest for first-time possession, agreed with the prosecutor.",
]


def _value(q: Question, rng: random.Random, lang: str) -> Any:
    if q.type in {"single_choice", "yes_no", "scale"}:
        options = [code for code, _, _ in choice_options(q, lang, lang)]
        # Lean towards the substantive options, as real respondents do.
        weights = [0.3 if code in {"dont_know", "not_applicable", "other"} else 1.0 for code in options]
        return rng.choices(options, weights=weights)[0]
    if q.type == "multiple_choice":
        options = choice_options(q, lang, lang)
        plain = [code for code, _, exclusive in options if not exclusive and code != "other"]
        exclusive = [code for code, _, ex in options if ex]
        if exclusive and rng.random() < 0.1:
            return [rng.choice(exclusive)]
        return rng.sample(plain, k=rng.randint(1, max(1, min(len(plain), 4))))
    if q.type == "number":
        low = q.min if isinstance(q.min, int | float) else 0
        high = q.max if isinstance(q.max, int | float) else max(low + 100, low * 3 + 10)
        value = rng.uniform(low, high)
        return round(value) if q.integer else round(value, 1)
    if q.type == "allocation":
        cuts = sorted(rng.randint(0, 100) for _ in range(len(q.items) - 1))
        shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        return {item.code: share for item, share in zip(q.items, shares, strict=True)}
    if q.type == "ranking":
        return rng.sample([i.code for i in q.items], k=rank_positions(q))
    if q.type == "matrix":
        scale = [code for code, _, _ in choice_options(q, lang, lang)]
        return {row.code: rng.choice(scale) for row in q.rows}
    if q.type == "date":
        low = str(q.min) if q.min else "2005-01-01"
        year = rng.randint(int(low[:4]) + 1, 2025)
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if q.type in {"short_text", "long_text"}:
        return rng.choice(SAMPLE_TEXTS)[: q.max_length or DEFAULT_MAX_LENGTH[q.type]]
    return None


def random_answers(survey: Survey, rng: random.Random, skip_optional: float = 0.1) -> Answers:
    lang = survey.default_language
    answers: Answers = {}
    for section in survey.sections:
        for q in section.questions:
            if not q.collects_answer or not is_shown(survey, q, answers):
                continue
            if not q.required and rng.random() < skip_optional:
                continue
            for _ in range(50):
                value = _value(q, rng, lang)
                other = (
                    "Another approach" if (value == "other" or (isinstance(value, list) and "other" in value)) else None
                )
                if check_question(q, value, other, answers, lang=lang, default_language=lang, require=True) is None:
                    answers[q.id] = value
                    if other:
                        answers[other_key(q.id)] = other
                    break
    return answers
