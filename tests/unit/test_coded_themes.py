"""A free-text question's coded themes, published: each theme is an option of a multiple choice
(a force has it when staff tagged its answer with it), put through exactly the same disclosure
control as options (threshold, crowd rule, audit across rounds); the snapshot keeps the themes'
names and order; the chart names them and marks the viewer's own; the text is never used.
The brute-force attacker of test_disclosure_attack.py finds nothing in generated rounds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.publication.basis import ALL, QuestionSpec, RoundBasis
from backend.publication.basis_store import basis_from_json, basis_to_json
from backend.publication.dashboard import build_panels
from backend.publication.disclosure import AUDIT, DisclosedRound, disclose
from backend.publication.summary import summarise
from backend.publication.themes import codable, own_themes, theme_spec, with_themes
from tests.unit.attacker import Question, attack, facts
from tests.unit.test_dashboard_summary import EN, FR, SURVEY

TEXT = "change_wish"  # a short-text question of the drug-market questionnaire
THEMES = ["Training", "Funding", "Data sharing"]


def empty_basis(participants: Mapping[int, Mapping[str, str]], key: str = "r1") -> RoundBasis:
    return RoundBasis(
        key=key, label=key, participants=participants, answers={f: {} for f in participants}, questions={}
    )


def coded_basis(
    tags: Mapping[int, Sequence[str] | None],
    themes: Sequence[str] = THEMES,
    participants: Mapping[int, Mapping[str, str]] | None = None,
    key: str = "r1",
) -> RoundBasis:
    """Forces 0..n-1; `tags[f]` None: the force did not answer the text question."""
    who = participants or {f: {} for f in tags}
    answered = {f: list(t) for f, t in tags.items() if t is not None}
    return with_themes(empty_basis(who, key), SURVEY, {TEXT: (list(themes), answered)})


def disclosed(basis: RoundBasis, k: int = 3, breakdowns: Mapping[str, Sequence[str]] | None = None) -> DisclosedRound:
    return disclose(basis, [], round_id=1, version=1, min_group_size=k, breakdowns=breakdowns or {}).round


# twelve forces, all answering: "Training" by seven, "Funding" by four, "Data sharing" by one;
# three not coded yet
TWELVE: dict[int, list[str] | None] = {
    0: ["Training", "Data sharing"],
    1: ["Training"],
    2: ["Training", "Funding"],
    3: ["Funding"],
    4: ["Training"],
    5: ["Training", "Funding"],
    6: [],
    7: ["Training"],
    8: ["Funding"],
    9: ["Training"],
    10: [],
    11: [],
}


def test_a_theme_is_an_option_of_a_multiple_choice() -> None:
    question = SURVEY.question(TEXT)
    assert codable(question) and not question.published  # the text itself is never published
    spec = theme_spec(question, SURVEY, THEMES)
    assert spec == QuestionSpec(TEXT, "multi", tuple(THEMES), tuple(THEMES), (), coded=True)
    basis = coded_basis({0: ["Funding", "Training", "Unknown"], 1: [], 2: None})
    assert basis.questions[TEXT] == spec
    # in the codebook's order; a name the codebook does not have is ignored
    assert basis.answer(0, TEXT) == ["Training", "Funding"]
    assert basis.component(0, spec, "Training") is True and basis.component(0, spec, "Data sharing") is False
    # answered but not coded yet: answered, no theme; not answered: None in every component
    assert basis.answered(1, spec) and basis.component(1, spec, "Training") is False
    assert not basis.answered(2, spec) and basis.component(2, spec, "Training") is None
    assert own_themes(basis, 0) == {TEXT: ["Training", "Funding"]} and own_themes(basis, 2) == {}
    # a basis keeps the flag through the store's JSON
    assert basis_from_json(basis_to_json(basis)).questions[TEXT].coded


def test_no_theme_or_no_such_question_adds_nothing() -> None:
    basis = empty_basis({0: {}, 1: {}})
    assert with_themes(basis, SURVEY, {TEXT: ([], {0: []})}) is basis
    assert with_themes(basis, SURVEY, {"no_such_question": (THEMES, {0: ["Training"]})}) is basis
    # a closed question is not a free-text question
    assert with_themes(basis, SURVEY, {"has_drug_strategy": (THEMES, {0: ["Training"]})}) is basis


def test_a_small_theme_count_is_withheld_by_the_crowd_rule() -> None:
    d = disclosed(coded_basis(TWELVE))
    q = d.questions[TEXT]
    assert q.kind == "multi" and q.themes == tuple(THEMES)
    overall = q.overall
    assert overall is not None and overall.n == 12
    counts = overall.figures["counts"]
    # one force has "Data sharing" and eleven do not (the most common value, shared by more than
    # the twelve forces less two): the crowd rule withholds it; the others are shown
    assert counts == {"Training": 7, "Funding": 4, "Data sharing": None}
    disclosure = disclose(coded_basis(TWELVE), [], round_id=1, version=1, min_group_size=3, breakdowns={})
    assert any(
        w.question_id == TEXT and w.component == "Data sharing" and w.reason == AUDIT for w in disclosure.withheld
    )


def test_a_force_that_did_not_answer_counts_in_the_crowd() -> None:
    # with a thirteenth force that did not answer, "Data sharing" has two other values around it
    # (no, and not answered): one force of twelve having it determines nobody's, and it is shown
    d = disclosed(coded_basis({**TWELVE, 12: None}))
    overall = d.questions[TEXT].overall
    assert overall is not None and overall.n == 12 and overall.figures["counts"]["Data sharing"] == 1


def test_fewer_answers_than_k_withhold_the_themes() -> None:
    few = {f: TWELVE[f] for f in range(4)}
    d = disclosed(coded_basis(few), k=5)
    assert all(g.withheld for g in d.questions[TEXT].groups)


def test_the_snapshot_keeps_the_themes_names_and_order() -> None:
    d = disclosed(coded_basis(TWELVE))
    snapshot = d.to_snapshot()
    [entry] = [q for q in snapshot["questions"] if q["id"] == TEXT]
    assert entry["themes"] == THEMES
    again = DisclosedRound.from_snapshot(snapshot)
    assert again.questions[TEXT].themes == tuple(THEMES) and again == d
    assert again.questions[TEXT].overall == d.questions[TEXT].overall
    # a question that is not coded has no "themes" key: earlier snapshots read the same
    plain = disclosed(empty_basis({f: {} for f in range(5)}))
    assert all("themes" not in q for q in plain.to_snapshot()["questions"])


def test_the_chart_names_the_themes_and_marks_the_viewers_own() -> None:
    d = disclosed(coded_basis(TWELVE))
    text = "Fund training for every drugs officer"  # what force 0 wrote: never passed, never shown
    own = {TEXT: text}
    for language in (EN, FR):
        sections = build_panels(SURVEY, d, ALL, own, language, own_themes={TEXT: ["Training", "Data sharing"]})
        [panel] = [p for s in sections for p in s.panels if p.question_id == TEXT]
        assert panel.coded and panel.own_answer == ""
        chart = panel.chart
        assert chart is not None
        assert [row[0] for row in chart.rows] == THEMES  # as staff wrote them, in any language
        assert chart.rows[0][3] == "✔" and chart.rows[1][3] == ""  # the viewer's own theme
        assert chart.rows[2][1] != "1"  # "Data sharing" is withheld, even though it is the viewer's
        assert text not in repr(chart) and text not in repr(panel._shown())
    assert chart.caption.startswith("Thèmes codés par l'équipe du projet")
    # without the viewer's themes nothing is marked; the summary says nothing of coded themes
    sections = build_panels(SURVEY, d, ALL, own, EN)
    [panel] = [p for s in sections for p in s.panels if p.question_id == TEXT]
    assert panel.chart is not None and all(row[3] == "" for row in panel.chart.rows)
    assert summarise(sections, d, ALL, {TEXT: ["Data sharing"]}, EN) == []


# ---- the attacker (tests/unit/attacker.py), on coded themes --------------------------------


@st.composite
def coded_rounds(draw: st.DrawFn) -> tuple[dict[str, tuple[str, ...]], int, list[dict[int, dict[str, str]]], list]:
    n = draw(st.integers(3, 8), label="forces")
    regions = ("r1", "r2")
    profiles = {f: {"region": draw(st.sampled_from(regions))} for f in range(1, n + 1)}
    k = draw(st.sampled_from([3, 3, 4]), label="k")
    themes = THEMES[: draw(st.integers(1, 3))]
    sheets = st.one_of(st.none(), st.lists(st.sampled_from(themes), unique=True))
    rounds = draw(st.integers(1, 2), label="rounds")
    participants, tags = [], []
    for _ in range(rounds):
        absent = draw(st.sets(st.sampled_from(sorted(profiles)), max_size=min(2, n - 3)))
        taking_part = {f: p for f, p in profiles.items() if f not in absent}
        participants.append(taking_part)
        tags.append((themes, {f: draw(sheets) for f in taking_part}))
    return {"region": regions}, k, participants, tags


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coded_rounds())
def test_the_attacker_determines_no_forces_themes(case: Any) -> None:
    """Each round published against the earlier one, through `with_themes`; an outsider and each
    force, reading each round's published theme counts, determine no force's theme (nor whether
    it answered)."""
    breakdowns, k, participants, tags = case
    earlier: list[tuple[RoundBasis, set[Any]]] = []
    for r, (who, (themes, sheet)) in enumerate(zip(participants, tags, strict=True)):
        basis = coded_basis(sheet, themes, who, key=f"round {r} v1")
        d = disclose(basis, earlier, round_id=r + 1, version=1, min_group_size=k, breakdowns=breakdowns)
        earlier.append((basis, d.round.shown_cells()))
        question = Question(TEXT, "multi", codes=tuple(themes), optional=True)
        truth = {f: {TEXT: sheet[f]} for f in who}
        found = attack([question], facts(r, d.round, who, [question]), truth, [None, *sorted(who)])
        assert not found, (r, who, sheet, [(g.key, g.n, dict(g.figures)) for g in d.round.questions[TEXT].groups])
