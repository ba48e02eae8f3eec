"""The practice notes beside the dashboard's charts: for one questionnaire (by its slug, stable
across rounds and versions), every published note tagged with one of its questions or themes,
in one query per page. Titles in the reader's language where translated, else the original's
(marked with `lang`). Nothing about authors is read."""

from __future__ import annotations

from dataclasses import dataclass, field

from backend.database import fetch
from backend.i18n import Language
from backend.practice.schemas import OnDashboard

ON_DASHBOARD = """
SELECT g.kind, g.subject, n.id, n.original_language, o.title AS original_title, r.title AS reader_title
FROM practice_tag g JOIN practice_note n ON n.id = g.note AND n.state = 'published'
JOIN practice_text o ON o.note = n.id AND o.language = n.original_language
LEFT JOIN practice_text r ON r.note = n.id AND r.language = $2
WHERE g.questionnaire = $1 ORDER BY n.published_at DESC, n.id DESC"""


@dataclass(frozen=True)
class PracticeLinks:
    """Published notes by question id and by theme (section id)."""

    by_question: dict[str, list[OnDashboard]] = field(default_factory=dict)
    by_theme: dict[str, list[OnDashboard]] = field(default_factory=dict)

    def question(self, question_id: str) -> list[OnDashboard]:
        return self.by_question.get(question_id, [])

    def theme(self, section_id: str) -> list[OnDashboard]:
        return self.by_theme.get(section_id, [])


async def practice_links(questionnaire: str, language: Language) -> PracticeLinks:
    """Every published note tagged with a question or theme of `questionnaire` (its slug)."""
    links = PracticeLinks()
    for r in await fetch(ON_DASHBOARD, questionnaire, language.code):
        title, lang = (r["reader_title"], None) if r["reader_title"] else (r["original_title"], r["original_language"])
        target = links.by_question if r["kind"] == "question" else links.by_theme
        target.setdefault(r["subject"], []).append(OnDashboard(r["id"], title, lang))
    return links
