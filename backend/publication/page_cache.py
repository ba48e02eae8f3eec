"""The partner dashboard's page body, kept per process (`web/kept_pages.py`) by everything it is
drawn from, so that a request served from it draws only the layout around it (see
docs/performance.md, "Partner dashboard").

The body is the round page's `content` block (`dashboard/_round_body.html`): the heading, the
force's lead, the group picker, the findings, the 41 charts with their tables, the practice
notes beside them and the discussion links. Its key names every input:

- this round's publication (`services.publication_key`: a correction is a new version, so a new
  key) and the round's title as read at this request;
- the previous round as read at this request (its publication, the viewer's force's answers in
  it, the questions comparable): a correction of it changes the key at once, in every worker;
- the viewer: its force (id and name) — always, even where two forces' answers are alike, so that
  no page is ever shared between forces — whether staff, and its force's peer groups;
- the force's answers and coded themes in this round;
- the group chosen, the interface language;
- the published practice notes beside the charts (read at every request, one statement: a note
  published or withdrawn changes the key at once, in every worker).

What is not in the body is drawn at every request by `base.html`: the signed-in person's name,
the navigation, the CSRF token of the sign-out and language forms, the language switch's return
address, flash messages. Nothing is spliced into a kept body, so no text anyone typed can reach
a placeholder."""

from __future__ import annotations

from collections.abc import Hashable

from backend.i18n import Language, Shown
from backend.practice.dashboard import PracticeLinks
from backend.publication.deps import Published
from backend.publication.highlights import answers_key
from backend.publication.previous import PreviousRound
from backend.publication.services import publication_key
from backend.security.roles import Viewer


def viewer_part(published: Published, viewer: Viewer) -> Hashable:
    """Who the page is for: the force (id and name, as the lead names it), staff or not, and the
    force's peer groups (the group picker's choices)."""
    force = published.force
    groups = tuple(sorted(published.groups.items())) if published.groups else None
    return (None if force is None else (force.id, force.name), viewer.is_staff, groups)


def practice_part(practice: PracticeLinks) -> Hashable:
    def part(notes: dict[str, list[object]]) -> Hashable:
        return tuple(sorted((subject, tuple(found)) for subject, found in notes.items()))

    return (part(practice.by_question), part(practice.by_theme))  # type: ignore[arg-type]


def page_key(
    published: Published,
    viewer: Viewer,
    before: PreviousRound | None,
    title: Shown,
    chosen: tuple[str, str],
    group: str,
    language: Language,
    practice: PracticeLinks,
) -> Hashable:
    """Everything the dashboard's page body is drawn from (see the module's docstring)."""
    return (
        "dashboard",
        publication_key(published.publication),
        (title.text, title.lang, title.fell_back),
        None if before is None else (before.publication, answers_key(before.own), before.comparable),
        viewer_part(published, viewer),
        answers_key(published.own),
        answers_key(published.own_themes),
        chosen,
        group,
        language.code,
        practice_part(practice),
    )
