"""The exchange's JSON API: the same actions, guards, checks and audit as its pages.

Partners' answers carry no author: a post has `own: true` when the reader wrote it, and
nothing else about who did; dates are days. Staff also get `author`. Like every POST, send the
`csrftoken` cookie's value in the `X-CSRFToken` header (or use a staff API token)."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody

from backend.exchange.deps import http_error, reader_post, reader_roundless, reader_thread
from backend.exchange.moderation import moderate, queue
from backend.exchange.notices import following, mark_read, notices, set_following
from backend.exchange.posts import (
    NeedsConfirmation,
    Refused,
    delete_post,
    edit_post,
    report_post,
    thread_posts,
    write_post,
)
from backend.exchange.schemas import (
    IndexedThread,
    IndexOut,
    NoticeOut,
    PostOut,
    QueuedPost,
    RoundlessListed,
    RoundListed,
    ThreadListed,
    ThreadOut,
)
from backend.exchange.threads import exchange_index, round_subjects
from backend.i18n import Language
from backend.security.guards import requires_partner, requires_staff
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.web.errors import refusals
from backend.web.params import INT4_MAX, Injected, PathId

NO_STORE = CacheControlHeader(no_store=True)


class PostIn(msgspec.Struct):
    #: Markdown (a safe subset: docs/exchange.md)
    body: str
    #: the id of the post (in the same thread) this one answers
    reply_to: int | None = msgspec.field(default=None)
    #: publish even though the text names a force, place or person (after a 422 on `confirm`)
    confirm: bool = False


class EditIn(msgspec.Struct):
    body: str
    confirm: bool = False


class ReportIn(msgspec.Struct):
    reason: str


class FollowIn(msgspec.Struct):
    follow: bool


class ModerationIn(msgspec.Struct):
    action: Literal["hide", "redact", "dismiss"]
    #: shown to everyone beside the post (hide, redact)
    reason: str = ""
    #: the text that replaces the post (redact)
    body: str = ""


class Done(msgspec.Struct):
    ok: bool
    #: notices marked read, when that is what was done
    count: int | None = None


_THREAD = " `segment` is `charts` (its subject a question id) or `themes` (a section id)."
_POST_ERRORS = refusals(
    401,
    403,
    404,
    409,
    422,
    says={
        403: "Not signed in as a partner or staff, no CSRF token, or (edit, delete) not the post's author",
        409: "The post was deleted or moderated, or (edit) its edit window is over; nothing changed",
        422: "`body` empty or too long, `reply_to` not in the thread, `reason` missing, or `confirm`: the "
        "text names a force, place or person (send `confirm: true` to publish it anyway); nothing changed",
    },
)


def _thread_out(context: Any, posts: list[PostOut], follows: bool) -> ThreadOut:
    key = context.key
    return ThreadOut(
        kind=key.kind.value,
        round_id=key.round_id,
        subject=key.subject,
        title=str(context.title),
        section=str(context.section),
        round_title=str(context.round_title),
        path=key.path,
        following=follows,
        posts=posts,
    )


async def _write(context: Any, viewer: Viewer, language: Language, settings: Settings, data: PostIn) -> PostOut:
    if data.reply_to is not None and not 1 <= data.reply_to <= INT4_MAX:
        raise http_error(Refused(422, language.gettext("The post you reply to is not in this thread."), "reply_to"))
    try:
        written = await write_post(context.key, viewer, data.body, data.reply_to, data.confirm, language)
    except (Refused, NeedsConfirmation) as exc:
        raise http_error(exc) from exc
    posts = await thread_posts(written.thread_id, viewer, settings.exchange_edit_minutes)
    return next(p for p in posts if p.id == written.id)


def _listed(thread: IndexedThread) -> RoundlessListed:
    return RoundlessListed(thread.key.kind.value, thread.key.subject, str(thread.title), thread.key.path, thread.posts)


class ExchangeApiController(Controller):
    path = "/api/exchange"
    guards = [requires_partner]
    tags = ["exchange"]
    cache_control = NO_STORE

    @get(
        "/",
        summary="Everything partners may discuss",
        description="The published rounds (with their posts summed; each round's threads are at `threads`), "
        "the discussions of announced meetings (never a draft or a cancelled one) and of published reports, "
        "each with its number of posts: the `/exchange` page's list.",
        responses=refusals(401, 403),
    )
    async def index(self, language: Injected[Language]) -> IndexOut:
        found = await exchange_index(language)
        return IndexOut(
            rounds=[
                RoundListed(i, str(title), f"/exchange/rounds/{i}", f"/api/exchange/rounds/{i}/threads", posts)
                for i, title, posts in found.rounds
            ],
            meetings=[_listed(t) for t in found.meetings],
            reports=[_listed(t) for t in found.reports],
        )

    @get(
        "/rounds/{round_id:int}/threads",
        summary="A published round's discussions",
        description="Every theme (section) and published chart of the round, with its number of posts "
        "(partners and staff; 404 while unpublished).",
        responses=refusals(401, 403, 404),
    )
    async def threads(self, round_id: PathId, language: Injected[Language]) -> list[ThreadListed]:
        found = await round_subjects(round_id, language)
        if found is None:
            raise NotFoundException("These results have not been published.")
        return [
            ThreadListed(s.key.kind.value, round_id, s.key.subject, str(s.title), str(s.section), s.key.path, s.posts)
            for s in found[1]
        ]

    @get(
        "/rounds/{round_id:int}/{segment:str}/{subject:str}",
        summary="A discussion",
        description="Its posts in order. Partners see no author: `own` marks their own posts; staff also get "
        "`author`." + _THREAD,
        responses=refusals(401, 403, 404),
    )
    async def thread(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        segment: FromPath[str],
        subject: FromPath[str],
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
    ) -> ThreadOut:
        context = await reader_thread(request, viewer, round_id, segment, subject, language)
        posts = await thread_posts(context.thread_id, viewer, settings.exchange_edit_minutes)
        return _thread_out(context, posts, await following(context.key, viewer))

    @post(
        "/rounds/{round_id:int}/{segment:str}/{subject:str}/posts",
        summary="Post in a discussion, or reply",
        description="Publishes the post without its author's name or force; the author follows the thread "
        "and its followers get a notice. Audited." + _THREAD,
        status_code=201,
        responses=_POST_ERRORS,
    )
    async def write(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        segment: FromPath[str],
        subject: FromPath[str],
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        data: JSONBody[PostIn],
    ) -> PostOut:
        context = await reader_thread(request, viewer, round_id, segment, subject, language)
        return await _write(context, viewer, language, settings, data)

    @post(
        "/rounds/{round_id:int}/{segment:str}/{subject:str}/follow",
        summary="Follow or stop following a discussion",
        description="`follow: true`: an in-app notice of every new post in it." + _THREAD,
        status_code=200,
        responses=refusals(401, 403, 404),
    )
    async def follow(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        segment: FromPath[str],
        subject: FromPath[str],
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: JSONBody[FollowIn],
    ) -> Done:
        context = await reader_thread(request, viewer, round_id, segment, subject, language)
        await set_following(context.key, viewer, data.follow)
        return Done(True)

    @get(
        ["/meetings/{subject_id:int}", "/reports/{subject_id:int}"],
        summary="A meeting's or a report's discussion",
        description="Its posts in order, as for a round's discussions. A meeting's exists once the meeting is "
        "announced (404 for a draft or a cancelled meeting); a report's while the report is published.",
        responses=refusals(401, 403, 404),
    )
    async def roundless_thread(
        self,
        request: Request[Any, Any, Any],
        subject_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
    ) -> ThreadOut:
        context = await reader_roundless(request, viewer, subject_id, language)
        posts = await thread_posts(context.thread_id, viewer, settings.exchange_edit_minutes)
        return _thread_out(context, posts, await following(context.key, viewer))

    @post(
        ["/meetings/{subject_id:int}/posts", "/reports/{subject_id:int}/posts"],
        summary="Post in a meeting's or a report's discussion, or reply",
        description="As for a round's discussions: without the author's name or force. Audited.",
        status_code=201,
        responses=_POST_ERRORS,
    )
    async def roundless_write(
        self,
        request: Request[Any, Any, Any],
        subject_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        data: JSONBody[PostIn],
    ) -> PostOut:
        context = await reader_roundless(request, viewer, subject_id, language)
        return await _write(context, viewer, language, settings, data)

    @post(
        ["/meetings/{subject_id:int}/follow", "/reports/{subject_id:int}/follow"],
        summary="Follow or stop following a meeting's or a report's discussion",
        status_code=200,
        responses=refusals(401, 403, 404),
    )
    async def roundless_follow(
        self,
        request: Request[Any, Any, Any],
        subject_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: JSONBody[FollowIn],
    ) -> Done:
        context = await reader_roundless(request, viewer, subject_id, language)
        await set_following(context.key, viewer, data.follow)
        return Done(True)

    @post(
        "/posts/{post_id:int}/edit",
        summary="Edit one's own post",
        description="Within the edit window (`EXCHANGE_EDIT_MINUTES`, 30 by default). Audited.",
        status_code=200,
        responses=_POST_ERRORS,
    )
    async def edit(
        self,
        request: Request[Any, Any, Any],
        post_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        data: JSONBody[EditIn],
    ) -> PostOut:
        context = await reader_post(request, viewer, post_id, language)
        try:
            await edit_post(post_id, viewer, data.body, data.confirm, settings.exchange_edit_minutes, language)
        except (Refused, NeedsConfirmation) as exc:
            raise http_error(exc) from exc
        posts = await thread_posts(context.thread_id, viewer, settings.exchange_edit_minutes)
        return next(p for p in posts if p.id == post_id)

    @post(
        "/posts/{post_id:int}/delete",
        summary="Delete one's own post",
        description="Its text goes; a tombstone (`state: deleted`) stays in the thread. Audited.",
        status_code=200,
        responses=_POST_ERRORS,
    )
    async def delete(
        self, request: Request[Any, Any, Any], post_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Done:
        await reader_post(request, viewer, post_id, language)
        try:
            await delete_post(post_id, viewer, language)
        except Refused as exc:
            raise http_error(exc) from exc
        return Done(True)

    @post(
        "/posts/{post_id:int}/report",
        summary="Report a post to the moderators",
        description="Anyone who can read it; `reason` says why. Audited.",
        status_code=200,
        responses=_POST_ERRORS,
    )
    async def report(
        self,
        request: Request[Any, Any, Any],
        post_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: JSONBody[ReportIn],
    ) -> Done:
        await reader_post(request, viewer, post_id, language)
        try:
            await report_post(post_id, viewer, data.reason, language)
        except Refused as exc:
            raise http_error(exc) from exc
        return Done(True)

    @get(
        "/notices",
        summary="Notices of new posts",
        description="New posts in the threads the reader follows, newest first: the thread and the post's "
        "number, never who wrote it.",
        responses=refusals(401, 403),
    )
    async def notices(self, viewer: Injected[Viewer], language: Injected[Language]) -> list[NoticeOut]:
        return await notices(viewer, language)

    @post(
        "/notices/read",
        summary="Mark every notice read",
        status_code=200,
        responses=refusals(401, 403),
    )
    async def read_notices(self, viewer: Injected[Viewer]) -> Done:
        return Done(True, await mark_read(viewer))


class ModerationApiController(Controller):
    path = "/api/exchange/moderation"
    guards = [requires_staff]
    tags = ["exchange"]
    cache_control = NO_STORE

    @get(
        "/",
        summary="The moderation queue",
        description="Reported posts with their authors and every open report (staff only).",
        responses=refusals(401, 403),
    )
    async def queue(self, viewer: Injected[Viewer], language: Injected[Language]) -> list[QueuedPost]:
        return await queue(viewer, language)

    @post(
        "/posts/{post_id:int}",
        summary="Hide, redact or dismiss a reported post",
        description="`hide`: the text goes and `reason` shows in its place; `redact`: `body` replaces the text, "
        "with `reason` beside it; `dismiss`: the post stays. Every open report on the post is resolved. "
        "Staff only; audited.",
        status_code=200,
        responses=refusals(401, 403, 404, 409, 422),
    )
    async def decide(
        self, post_id: PathId, viewer: Injected[Viewer], language: Injected[Language], data: JSONBody[ModerationIn]
    ) -> Done:
        try:
            await moderate(post_id, viewer, data.action, data.reason, data.body, language)
        except Refused as exc:
            raise http_error(exc) from exc
        return Done(True)
