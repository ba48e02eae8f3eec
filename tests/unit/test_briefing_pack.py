"""A briefing pack's pure parts (docs/briefing.md): every kind of published chart is drawn for
paper from the dashboard's own figure, the viewer's answer marked; the pack prints to a PDF whose
text holds the charts' tables as the dashboard writes them and the withheld note where a figure
is withheld; questions come from staff, else from the findings."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path

from pypdf import PdfReader

from backend.briefing.drawing import drawing
from backend.briefing.pack import (
    Cover,
    Pack,
    PackChart,
    PackTheme,
    RoundPart,
    default_questions,
    written_questions,
)
from backend.briefing.render import _print, pack_html
from backend.demo.answers import random_answers
from backend.i18n import Shown, language_for
from backend.publication.basis import RoundBasis
from backend.publication.charts import OWN_COLOUR, PEER_COLOUR, peer_chart, with_own
from backend.publication.dashboard import WITHHELD_TEXT
from backend.publication.disclosure import disclose
from backend.publication.specs import question_spec
from backend.publication.summary import SummaryItem
from backend.surveys.format.files import load_file

EN, FR = language_for("en"), language_for("fr")
SURVEY = load_file(Path(__file__).resolve().parents[2] / "surveys" / "drug-market-practice.yaml").survey
assert SURVEY is not None


def published_charts(language=EN):  # type: ignore[no-untyped-def]
    """Every question the dashboard can chart, published from 8 forces' random answers, with
    force 0's answer marked: (question, peer chart or None, chart or None)."""
    rng = random.Random(7)
    answers = {f: random_answers(SURVEY, rng) for f in range(8)}
    specs = {}
    for q in SURVEY.questions():
        try:
            specs[q.id] = question_spec(q, SURVEY)
        except (KeyError, ValueError):
            continue
    specs = {k: v for k, v in specs.items() if v is not None}
    basis = RoundBasis(key="r1", label="Round", participants={f: {} for f in answers}, answers=answers, questions=specs)
    disclosed = disclose(basis, [], round_id=1, version=1, min_group_size=3, breakdowns={}).round
    out = []
    for q in SURVEY.questions():
        dq = disclosed.questions.get(q.id)
        if dq is None:
            continue
        peer = peer_chart(q, dq, dq.overall, SURVEY, language, "All partner forces")
        chart = None if peer is None else with_own(peer, answers[0].get(q.id))
        out.append((q, peer, chart))
    return out


def test_every_chart_style_is_drawn_with_the_own_answer_marked() -> None:
    charts = published_charts()
    styles = {peer.style for _q, peer, _c in charts if peer}
    assert {"bars", "numeric", "allocation", "ranking", "matrix"} <= styles
    for q, peer, chart in charts:
        if peer is None or chart is None:
            continue
        d = drawing(chart.figure, peer.style, EN)
        assert d.rows, q.id
        for row in d.rows:
            for s in row.segments:
                assert 0 <= s.start <= 100 and 0 <= s.width <= 100, (q.id, s)
            for m in row.marks:
                assert 0 <= m.at <= 100
        if peer.style == "bars":
            bar = chart.figure["data"][0]
            assert [r.own for r in d.rows] == [c == OWN_COLOUR for c in bar["marker"]["color"]]
            assert [r.note for r in d.rows] == list(bar["text"])  # the dashboard's own words
        if peer.style == "numeric" and len(chart.figure["data"]) > 1:
            assert any(m.kind == "own" for m in d.rows[0].marks)
            assert d.rows[0].segments[0].colour == PEER_COLOUR


def test_questions_written_or_drawn_from_findings() -> None:
    assert written_questions({"en": ["Why?"], "fr": []}, "fr") == ("Why?",)
    assert written_questions({"en": [" "], "fr": ["Pourquoi ?"]}, "fr") == ("Pourquoi ?",)
    assert written_questions({}, "es") == ()
    item = SummaryItem("q1", Shown("Open-air markets", "en", False), "minority", "Your force answered “Yes”.")
    asked = default_questions([item], FR)
    assert asked[0].startswith("« Open-air markets »") and len(asked) == 3
    assert "pairs" in default_questions([], FR)[0]


def test_pack_prints_the_dashboards_tables_and_withheld_notes() -> None:
    charts = published_charts()
    pack_charts = []
    for q, peer, chart in charts[:8]:
        label = EN.text(q.label, SURVEY.default_language)
        if peer is None or chart is None:
            pack_charts.append(PackChart(q.id, label, "", EN.gettext(WITHHELD_TEXT)))
        else:
            d = drawing(chart.figure, peer.style, EN)
            pack_charts.append(PackChart(q.id, label, "", None, d, chart.caption, chart.header, chart.rows))
    pack_charts.append(PackChart("hidden", Shown("A hidden one", "en", False), "", EN.gettext(WITHHELD_TEXT)))
    part = RoundPart(
        1,
        Shown("Spring round", "en", False),
        Shown("Drug markets", "en", False),
        "All partner forces",
        dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        1,
        3,
        True,
        (),
        (),
        (PackTheme("s1", Shown("Strategy", "en", False), tuple(pack_charts)),),
        ("What next?",),
        True,
    )
    pack = Pack(EN, Cover(part.title, "Force 0", dt.date(2026, 11, 30)), (part,))
    html = pack_html(pack)
    assert "Confidential: for the use of Force 0 only." in html
    pdf = _print(html)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Spring round" in text and "What next?" in text
    withheld = " ".join(EN.gettext(WITHHELD_TEXT).split())
    assert text.count(withheld) == sum(1 for c in pack_charts if c.drawing is None)
    for c in pack_charts:
        for row in c.rows:
            assert " ".join(row[0].split()) in text
