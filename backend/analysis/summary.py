"""Staff's per-question summary of a round: raw figures (staff see everything), in words."""

from __future__ import annotations

from dataclasses import dataclass, field

from backend.analysis.aggregates import RawRound
from backend.i18n import SOURCE_LANGUAGE, Language, language_for, pick
from backend.partners.peer_groups import ALL
from backend.surveys import FREE_TEXT_TYPES, Survey, answer_codes_with_labels


@dataclass
class QuestionSummary:
    question_id: str
    label: str
    type: str
    published: bool
    n: int
    #: (label, figure, share %) rows
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def _share(language: Language, count: float, n: int) -> str:
    return language.percent(count / n, decimals=0) if n else "–"


def summarise(
    survey: Survey, raw: RawRound, texts: dict[str, list[str]], language: Language | None = None
) -> list[QuestionSummary]:
    """Each question's figures in words, in `language` (English unless given: the JSON API);
    questionnaire text in that language where the questionnaire has it."""
    words = language or language_for(SOURCE_LANGUAGE)
    lang = words.code
    out = []
    d = survey.default_language
    for q in survey.questions():
        if not q.collects_answer:
            continue
        rq = raw.questions.get(q.id)
        n = rq.n.get(ALL, 0) if rq else len(texts.get(q.id, []))
        s = QuestionSummary(q.id, pick(q.label, lang, d), q.type, q.published, n)
        data = rq.data.get(ALL, {}) if rq else {}
        if q.type in FREE_TEXT_TYPES:
            s.texts = texts.get(q.id, [])
            s.n = len(s.texts)
        elif q.type == "date":
            s.rows = []
        elif rq and rq.kind in {"categorical", "multi"}:
            counts = data.get("counts", {})
            for code, label in answer_codes_with_labels(q, lang, d):
                c = counts.get(code, 0)
                s.rows.append((label, words.number(c), _share(words, c, n)))
        elif rq and rq.kind == "numeric" and data:
            s.rows = [
                (words.gettext("25th percentile"), words.number(data["p25"]), ""),
                (words.gettext("Median"), words.number(data["median"]), ""),
                (words.gettext("75th percentile"), words.number(data["p75"]), ""),
                (words.gettext("Mean"), words.number(data["mean"], decimals=1), ""),
            ]
        elif rq and rq.kind == "allocation":
            sums = data.get("sums", {})
            s.rows = [
                (
                    pick(i.label, lang, d),
                    words.gettext("%(share)s average", share=words.percent(sums.get(i.code, 0) / n / 100, decimals=1))
                    if n
                    else "–",
                    "",
                )
                for i in q.settings.items
            ]
        elif rq and rq.kind == "ranking":
            counts = data.get("counts", {})
            for i in q.settings.items:
                positions = counts.get(i.code, {})
                first = positions.get("1", 0)
                total = sum(positions.values())
                s.rows.append(
                    (
                        pick(i.label, lang, d),
                        words.gettext("ranked 1st by %(count)s", count=words.number(first)),
                        words.gettext("ranked by %(count)s", count=words.number(total)),
                    )
                )
        elif rq and rq.kind == "matrix":
            counts = data.get("counts", {})
            scale = answer_codes_with_labels(q, lang, d)
            for r in q.settings.rows:
                cells = counts.get(r.code, {})
                s.rows.append(
                    (
                        pick(r.label, lang, d),
                        ", ".join(
                            words.gettext("%(answer)s: %(count)s", answer=lbl, count=words.number(cells.get(c, 0)))
                            for c, lbl in scale
                        ),
                        "",
                    )
                )
        out.append(s)
    return out
