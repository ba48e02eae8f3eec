"""Answer whatever questions a respondent page shows, like a person would: by clicking and
typing in the visible controls."""

from __future__ import annotations

from typing import Any


def answer_visible_questions(
    page: Any, short: str = "An example", long: str = "An example of practice,\non two lines."
) -> list[str]:
    """Fill every visible question on the page (free text with `short` and `long`); return the
    ids answered."""
    answered = []
    for block in page.locator(".question[data-question]").all():
        if not block.is_visible():
            continue
        qid = block.get_attribute("data-question")
        qtype = block.get_attribute("data-type")
        if qtype == "info":
            continue
        if qtype in {"single_choice", "yes_no", "scale"} and block.locator("select").count() == 0:
            block.locator("input[type=radio]").first.check()
        elif qtype == "single_choice":
            block.locator("select").select_option(index=1)
        elif qtype == "multiple_choice":
            block.locator("input[type=checkbox]:not([data-exclusive])").first.check()
        elif qtype == "number":
            block.locator("input").fill("1")
        elif qtype == "allocation":
            inputs = block.locator("input").all()
            inputs[0].fill("60")
            inputs[1].fill("40")
        elif qtype == "ranking":
            for n, select in enumerate(block.locator("select").all()):
                select.select_option(index=n + 1)
        elif qtype == "matrix":
            for row in block.locator("[data-matrix-row]").all():
                row.locator("input[type=radio]").first.check()
        elif qtype == "date":
            for part, value in zip(block.locator("input").all(), ("1", "6", "2015"), strict=True):
                part.fill(value)
        elif qtype == "short_text":
            block.locator("input").fill(short)
        elif qtype == "long_text":
            block.locator("textarea").fill(long)
        answered.append(qid)
    return answered
