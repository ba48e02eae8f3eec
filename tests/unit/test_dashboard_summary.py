"""The dashboard's summary: built from the disclosed figures the panels show and the viewer's own
answers only; a withheld group gives nothing; every number it writes is on the page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from backend.i18n import language_for
from backend.publication.basis import RoundBasis
from backend.publication.dashboard import build_panels
from backend.publication.disclosure import DisclosedRound, disclose
from backend.publication.specs import question_spec
from backend.publication.summary import changes, summarise
from backend.surveys.format.files import load_file

ALL = ("all", "all")
EN, FR, ES = language_for("en"), language_for("fr"), language_for("es")
SURVEY = load_file(Path(__file__).resolve().parents[2] / "surveys" / "drug-market-practice.yaml").survey
assert SURVEY is not None
QIDS = ("has_drug_strategy", "drug_staff_pct", "corruption_risk", "indicators_used")


def disclosed(answers: list[dict[str, Any]], min_group_size: int = 3) -> DisclosedRound:
    basis = RoundBasis(
        key="r1",
        label="Round",
        participants={f: {} for f in range(len(answers))},
        answers=dict(enumerate(answers)),
        questions={q: question_spec(SURVEY.question(q), SURVEY) for q in QIDS},
    )
    return disclose(basis, [], round_id=1, version=1, min_group_size=min_group_size, breakdowns={}).round


ROWS = [r.code for r in SURVEY.question("corruption_risk").settings.rows]
SCALE = [o.code for o in SURVEY.question("corruption_risk").settings.options]
STRATEGY = ["yes", "no", "yes", "yes", "yes", "no", "yes", "no", "yes", "yes", "no"]
INDICATORS = [["seizures", "arrests"], ["seizures", "prosecutions"], ["arrests", "assets"], ["seizures", "assets"]]


def round_of(own: dict[str, Any]) -> list[dict[str, Any]]:
    """Twelve forces: the viewer (force 0) and eleven varied peers (varied enough to be shown)."""
    peers = [
        {
            "has_drug_strategy": STRATEGY[f],
            "drug_staff_pct": 10 + 3 * f,
            "corruption_risk": {r: SCALE[(f + i) % 3] for i, r in enumerate(ROWS)},
            "indicators_used": ["seizures"] if f in (5, 9) else INDICATORS[f % 4],
        }
        for f in range(11)
    ]
    return [own, *peers]


def summary_for(
    own: dict[str, Any], language: Any = EN, answers: list[dict[str, Any]] | None = None
) -> tuple[list[Any], list[Any]]:
    d = disclosed(answers or round_of(own))
    sections = build_panels(SURVEY, d, ALL, own, language)
    return summarise(sections, d, ALL, own, language), sections


def page_numbers(sections: list[Any]) -> set[str]:
    """Every number the page's charts show: titles, table cells (with the own answer marked)."""
    texts: list[str] = []
    for s in sections:
        for p in s.panels:
            if p.chart:
                texts.append(p.chart.caption)
                texts += [cell for row in p.chart.rows for cell in row]
    return {m for t in texts for m in re.findall(r"\d[\d.,\u202f\u00a0 ]*\d|\d", t)}


def numbers_in(text: str) -> list[str]:
    return re.findall(r"\d[\d.,\u202f\u00a0 ]*\d|\d", text.replace("25th", "").replace("75th", ""))


def test_minority_answer_and_outlying_number_are_found_and_linked() -> None:
    own = {"has_drug_strategy": "no", "drug_staff_pct": 50, "indicators_used": ["prosecutions", "seizures"]}
    items, _sections = summary_for(own)
    by_question = {i.question_id: i for i in items}
    assert set(by_question) == {"indicators_used", "drug_staff_pct"}  # "no": 5 of 12 is no minority
    minority = by_question["indicators_used"]
    assert minority.kind == "minority" and minority.anchor == "result-indicators_used"
    assert (
        minority.text == "Your force answered “Prosecutions or convictions”, as did 2 of the 12 forces in this group."
    )
    assert by_question["drug_staff_pct"].kind == "outside"
    assert by_question["drug_staff_pct"].text == (
        "Your force's figure, 50, is above the group's middle half (75th percentile: 35)."
    )


def test_majority_and_middle_give_nothing() -> None:
    own = {"has_drug_strategy": "yes", "drug_staff_pct": 25, "indicators_used": ["seizures", "arrests"]}
    items, _sections = summary_for(own)
    assert items == []


def test_below_the_lower_quartile() -> None:
    items, _sections = summary_for({"drug_staff_pct": 1})
    assert [i.kind for i in items] == ["outside"]
    assert "below the group's middle half" in items[0].text


def test_matrix_row_in_a_minority() -> None:
    own = {"corruption_risk": {r: "very_high" if r == "informants" else "low" for r in ROWS}}
    items, _sections = summary_for(own)
    assert len(items) == 1 and items[0].question_id == "corruption_risk"
    assert items[0].text.startswith("“Handling of informants”: your force answered “")
    assert items[0].text.endswith("as did 1 of the 12 forces in this group.")


def test_no_own_answers_no_summary() -> None:
    items, _sections = summary_for({}, answers=round_of({"has_drug_strategy": "no"}))
    assert items == []


def test_withheld_group_yields_nothing() -> None:
    own = {"drug_staff_pct": 50, "indicators_used": ["prosecutions"]}
    answers = round_of(own)[:4]  # four forces and a minimum group size of five: all withheld
    d = disclosed(answers, min_group_size=5)
    assert all(g.withheld for q in d.questions.values() for g in q.groups)
    sections = build_panels(SURVEY, d, ALL, own, EN)
    assert summarise(sections, d, ALL, own, EN) == []


def test_a_withheld_figure_yields_nothing() -> None:
    # "groups_disrupted" is withheld in this round: the viewer's choice of it gives no item
    items, _sections = summary_for({"indicators_used": ["groups_disrupted"]})
    assert items == []


def test_every_number_in_the_summary_is_on_the_page_in_every_language() -> None:
    own = {
        "indicators_used": ["prosecutions"],
        "drug_staff_pct": 50.5,
        "corruption_risk": {r: "very_high" if r == "informants" else "low" for r in ROWS},
    }
    for language in (EN, FR, ES):
        items, sections = summary_for(own, language)
        assert len(items) == 3
        shown = page_numbers(sections)
        for item in items:
            for n in numbers_in(item.text):
                assert n in shown, (language.code, n, item.text)
    fr_items, _s = summary_for(own, FR)
    assert any("50,5" in i.text for i in fr_items)


def test_changes_since_the_previous_round_name_directions_only() -> None:
    own = {"drug_staff_pct": 50, "indicators_used": ["prosecutions", "seizures"]}
    before_own = {"drug_staff_pct": 12, "indicators_used": ["prosecutions", "seizures"]}
    earlier = disclosed(round_of(before_own))
    later_answers = round_of(own)
    for f, peer in enumerate(later_answers[1:]):
        peer["drug_staff_pct"] += 20  # the group's median moves up
        if f < 6:  # and fewer forces use seizures
            peer["indicators_used"] = [c for c in peer["indicators_used"] if c != "seizures"] or ["arrests"]
    later = disclosed(later_answers)
    sections = build_panels(SURVEY, later, ALL, own, EN)
    found = changes(sections, later, ALL, own, EN, earlier, before_own, set(QIDS))
    texts = {(i.question_id, i.text) for i in found}
    assert ("drug_staff_pct", "Your force's answer is not the one it gave in the previous round.") in texts
    assert ("drug_staff_pct", "The group's median is higher than in the previous round.") in texts
    assert (
        "indicators_used",
        "Fewer of the group's forces answered “Quantities of drugs seized” than in the previous round.",
    ) in texts
    assert all(i.kind == "changed" and not re.search(r"\d", i.text) for i in found)
    # not comparable, or withheld in either round: nothing
    assert changes(sections, later, ALL, own, EN, earlier, before_own, set()) == []
    withheld = disclosed(round_of(before_own)[:4], min_group_size=5)
    assert changes(sections, later, ALL, own, EN, withheld, before_own, set(QIDS)) == []
