"""`surveys diff` for people: the changes between two versions as text, one block per part."""

from __future__ import annotations

from backend.surveys.format.diff import Change, SurveyDiff


def _block(title: str, lines: list[str]) -> list[str]:
    return [title, *lines, ""] if lines else []


def _sub(c: Change) -> str:
    return f"      {c.detail}"


def format_diff(diff: SurveyDiff) -> str:
    """The diff as text: one block per part, changes indented under what they change."""
    if diff.identical:
        return f"No differences between {diff.a} and {diff.b}.\n"
    out = [f"Comparing {diff.a} → {diff.b}", ""]
    out += _block("Questionnaire", [f"  {c.detail}" for c in diff.metadata])
    section_lines = [f"  + {sid} (added)" for sid in diff.sections_added]
    section_lines += [f"  - {sid} (removed)" for sid in diff.sections_removed]
    for s in diff.sections_changed:
        section_lines += [f"  ~ {s.id}", *map(_sub, s.changes)]
    out += _block("Sections", section_lines)
    question_lines = [f"  + {q.id} ({q.type}, section {q.section})" for q in diff.questions_added]
    question_lines += [f"  - {q.id} ({q.type}, was in section {q.section})" for q in diff.questions_removed]
    for q in diff.questions_changed:
        question_lines += [f"  ~ {q.id}", *map(_sub, q.changes)]
        question_lines += [f"      NOT COMPARABLE: {reason}" for reason in q.not_comparable]
    out += _block("Questions", question_lines)
    if diff.not_comparable:
        out += _block(
            "Not comparable across the two versions (do not put their answers in one trend):",
            [f"  {q.id}: {'; '.join(q.not_comparable)}" for q in diff.not_comparable],
        )
    out.append(
        f"{len(diff.questions_added)} question(s) added, {len(diff.questions_removed)} removed, "
        f"{len(diff.questions_changed)} changed, {len(diff.not_comparable)} not comparable."
    )
    if any(c.wording for q in diff.questions_changed for c in q.changes):
        out.append("Wording changes cannot be judged automatically: check that none changes what is asked.")
    return "\n".join(out) + "\n"
