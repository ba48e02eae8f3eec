"""The dashboard's summary for allocations and rankings: built from the published mean shares and
rank counts of the chosen group and the viewer's own answer only; withheld items give nothing;
every number it writes is on the page, in en, fr and es."""

from __future__ import annotations

import re
from typing import Any

from backend.publication.basis import RoundBasis
from backend.publication.dashboard import build_panels
from backend.publication.disclosure import DisclosedRound, disclose
from backend.publication.specs import question_spec
from backend.publication.summary import SHARE_POINTS, summarise
from tests.unit.test_dashboard_summary import ALL, EN, ES, FR, SURVEY, numbers_in, page_numbers

QIDS = ("priority_ranking", "effort_allocation")
ITEMS = [i.code for i in SURVEY.question("effort_allocation").settings.items]
GOALS = [i.code for i in SURVEY.question("priority_ranking").settings.items]


def disclosed(answers: list[dict[str, Any]], min_group_size: int = 3) -> DisclosedRound:
    basis = RoundBasis(
        key="r1",
        label="Round",
        participants={f: {} for f in range(len(answers))},
        answers=dict(enumerate(answers)),
        questions={q: question_spec(SURVEY.question(q), SURVEY) for q in QIDS},
    )
    return disclose(basis, [], round_id=1, version=1, min_group_size=min_group_size, breakdowns={}).round


def allocation(f: int) -> dict[str, int]:
    """Varied shares adding up to 100: the first item takes 20-30, the rest share what is left."""
    first = 20 + f % 6 * 2
    rest = [10 + (f + i) % 4 for i in range(len(ITEMS) - 2)]
    return {ITEMS[0]: first, **dict(zip(ITEMS[1:-1], rest, strict=True)), ITEMS[-1]: 100 - first - sum(rest)}


def round_of(own: dict[str, Any]) -> list[dict[str, Any]]:
    """Twelve forces: the viewer (force 0) and eleven peers, most ranking the first three goals
    in turn and never ranking "asset_recovery" first."""
    peers = [
        {
            "priority_ranking": [GOALS[f % 3], GOALS[(f + 1) % 3], GOALS[3 + f % 3]],
            "effort_allocation": allocation(f),
        }
        for f in range(11)
    ]
    return [own, *peers]


def summary_for(own: dict[str, Any], language: Any = EN) -> tuple[list[Any], list[Any]]:
    d = disclosed(round_of(own))
    sections = build_panels(SURVEY, d, ALL, own, language)
    return summarise(sections, d, ALL, own, language), sections


OUTLIER = {ITEMS[0]: 60, **{code: 5 for code in ITEMS[1:-1]}, ITEMS[-1]: 10}
UNUSUAL_RANKING = ["disrupt_organised_crime", "reduce_public_nuisance", "reduce_violence"]


def test_an_allocation_share_far_from_the_group_average_is_found_and_linked() -> None:
    items, _sections = summary_for({"effort_allocation": OUTLIER})
    mine = [i for i in items if i.question_id == "effort_allocation"]
    assert mine and all(i.kind == "outside" and i.anchor == "result-effort_allocation" for i in mine)
    first = mine[0].text
    assert first.startswith("“Enforcement against possession and use”: your force's share, 60%, is well above")
    assert len(mine) == 1  # the other items are within SHARE_POINTS of their averages
    below = {ITEMS[0]: 5, **{code: 13 for code in ITEMS[1:-1]}, ITEMS[-1]: 17}
    items, _sections = summary_for({"effort_allocation": below})
    assert [i.text for i in items] == [
        "“Enforcement against possession and use”: your force's share, 5%, is well below the group's average "
        "share (22.9%)."
    ]


def test_a_share_near_the_average_gives_nothing() -> None:
    items, _sections = summary_for({"effort_allocation": allocation(3)})
    assert [i for i in items if i.question_id == "effort_allocation"] == []
    assert SHARE_POINTS == 10


def test_an_item_ranked_first_by_a_minority_is_found() -> None:
    items, _sections = summary_for({"priority_ranking": UNUSUAL_RANKING})
    texts = [i.text for i in items if i.question_id == "priority_ranking"]
    assert all(i.kind == "minority" for i in items if i.question_id == "priority_ranking")
    assert texts[0] == (
        "Your force ranked “Disrupting organised crime groups” first, as did 1 of the 12 forces in this group."
    )
    # ranked second where no peer ranks it first or second: a minority in its top two; the third
    # ("reduce_violence", ranked first or second by 7 peers) is no minority
    assert len(texts) == 2 and texts[1].endswith(
        "2nd; fewer than a quarter of the 12 forces in this group ranked it 2nd or higher."
    )


def test_an_item_most_forces_rank_first_gives_nothing() -> None:
    items, _sections = summary_for({"priority_ranking": [GOALS[0], GOALS[1], GOALS[2]]})
    assert [i for i in items if i.question_id == "priority_ranking"] == []


def test_withheld_groups_and_items_give_nothing() -> None:
    own = {"effort_allocation": OUTLIER, "priority_ranking": UNUSUAL_RANKING}
    answers = round_of(own)[:4]  # four forces, minimum group size five: all withheld
    d = disclosed(answers, min_group_size=5)
    sections = build_panels(SURVEY, d, ALL, own, EN)
    assert summarise(sections, d, ALL, own, EN) == []
    # "asset_recovery" is ranked first by the viewer only: its item is withheld by the crowd rule
    d = disclosed(round_of({**own, "priority_ranking": ["asset_recovery", *UNUSUAL_RANKING[:2]]}))
    ranking = d.questions["priority_ranking"].overall
    assert ranking is not None and ranking.figures["counts"]["asset_recovery"] is None
    sections = build_panels(SURVEY, d, ALL, own, EN)
    found = summarise(sections, d, ALL, {"priority_ranking": ["asset_recovery"]}, EN)
    assert found == []


def test_every_number_is_on_the_page_in_every_language() -> None:
    own = {"effort_allocation": OUTLIER, "priority_ranking": UNUSUAL_RANKING}
    for language in (EN, FR, ES):
        items, sections = summary_for(own, language)
        assert {i.question_id for i in items} == set(QIDS), language.code
        shown = page_numbers(sections)
        for item in items:
            for n in numbers_in(item.text):
                assert n in shown, (language.code, n, item.text)
            assert not re.search(r"%\(", item.text)
