"""Staff moderation: the queue of reported posts, hiding or redacting a post with a note that
everyone sees ("hidden by moderators: reason"), dismissing reports. Every decision is audited."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.audit.services import record
from backend.database import fetch
from backend.exchange.markdown import MAX_LENGTH
from backend.exchange.posts import MAX_REASON, Refused, clean, numbered, post_row, thread_rows
from backend.exchange.schemas import PostState, QueuedPost, ReportOut
from backend.exchange.tables import Post, PostReport
from backend.exchange.threads import resolve, thread_key
from backend.i18n import Language
from backend.security.roles import Viewer

ACTIONS = ("hide", "redact", "dismiss")

OPEN_REPORTS = """
SELECT r.id, r.post, r.reason, r.created_at, pe.name AS reporter, p.thread
FROM exchange_report r JOIN exchange_post p ON p.id = r.post LEFT JOIN person pe ON pe.id = r.reporter
WHERE r.resolved_at IS NULL ORDER BY r.post, r.id"""


async def queue(viewer: Viewer, language: Language) -> list[QueuedPost]:
    """Posts with open reports, oldest report first, each with its author and every reason."""
    reports: dict[int, list[ReportOut]] = {}
    threads: dict[int, int] = {}
    for r in await fetch(OPEN_REPORTS):
        reports.setdefault(r["post"], []).append(
            ReportOut(r["id"], r["reason"], r["created_at"].date().isoformat(), r["reporter"])
        )
        threads[r["post"]] = r["thread"]
    out = []
    for post_id, thread in threads.items():
        rows = await thread_rows(thread)
        posts = {p.id: p for p in numbered(rows, viewer, 0)}
        key = await thread_key(thread)
        context = None if key is None else await resolve(key, language)
        out.append(
            QueuedPost(
                posts[post_id],
                "" if key is None else key.path,
                "" if context is None else str(context.title),
                reports[post_id],
            )
        )
    return out


async def moderate(post_id: int, viewer: Viewer, action: str, reason: str, text: str, language: Language) -> None:
    """`hide` (the text goes, the note stays), `redact` (the text is replaced by `text`, with the
    note) or `dismiss` (the post stays as it is); every open report on the post is resolved."""
    if action not in ACTIONS:
        raise Refused(422, language.gettext("Choose hide, redact or dismiss."), "action")
    row = await post_row(post_id)
    if row is None:
        raise Refused(404, language.gettext("There is no such post."))
    reason, text = clean(reason).strip(), clean(text)
    if action != "dismiss":
        if row.state == PostState.DELETED:
            raise Refused(409, language.gettext("Its author deleted this post; there is nothing to moderate."))
        if not reason:
            raise Refused(422, language.gettext("Give the reason everyone will see beside the post."), "reason")
        if len(reason) > MAX_REASON:
            raise Refused(
                422, language.gettext("A reason can be at most %(max)s characters long.", max=MAX_REASON), "reason"
            )
    if action == "redact" and not text.strip():
        raise Refused(422, language.gettext("Give the text that replaces the post."), "body")
    if len(text) > MAX_LENGTH:
        raise Refused(422, language.gettext("The text is too long."), "body")
    now = datetime.now(UTC)
    async with Post._meta.db.transaction():
        if action == "hide":
            await Post.update({Post.state: PostState.HIDDEN, Post.moderation_note: reason, Post.updated_at: now}).where(
                Post.id == post_id
            )
        elif action == "redact":
            await Post.update(
                {Post.state: PostState.REDACTED, Post.body: text, Post.moderation_note: reason, Post.updated_at: now}
            ).where(Post.id == post_id)
        outcome = {"hide": "hidden", "redact": "redacted", "dismiss": "dismissed"}[action]
        await PostReport.update(
            {PostReport.resolved_at: now, PostReport.resolved_by: viewer.person_id, PostReport.outcome: outcome}
        ).where((PostReport.post == post_id) & (PostReport.resolved_at.is_null()))
        await record(viewer, f"exchange.post.{outcome}", f"exchange_post:{post_id}", reason=reason)
