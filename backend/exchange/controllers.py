"""The discussion pages of partners (and staff, who see authors): the threads of a published
round, a thread with its posts and the form to write, editing, deleting and reporting posts,
following threads and the notices of new posts. The same actions in JSON: `api.py`."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from backend.exchange.deps import reader_post, reader_roundless, reader_thread
from backend.exchange.forms import PostForm, ReportForm
from backend.exchange.notices import following, mark_read, notices, set_following, unread_count
from backend.exchange.posts import (
    NeedsConfirmation,
    Refused,
    delete_post,
    edit_post,
    report_post,
    thread_posts,
    write_post,
)
from backend.exchange.schemas import ThreadContext
from backend.exchange.threads import exchange_index, round_subjects
from backend.i18n import Language
from backend.security.guards import requires_partner
from backend.security.roles import Viewer
from backend.settings import Settings
from backend.web.forms import FORM
from backend.web.params import Injected, PathId, form_int
from backend.web.render import redirect, render


class ExchangeController(Controller):
    path = "/exchange"
    guards = [requires_partner]
    tags = ["pages: partners"]
    include_in_schema = False

    @get("/")
    async def index(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template:
        """What can be discussed: the published rounds (their charts and themes), announced
        meetings and published reports, with their numbers of posts."""
        found = await exchange_index(language)
        return await render(
            request,
            "exchange/index.html",
            rounds=found.rounds,
            meetings=found.meetings,
            reports=found.reports,
            unread=await unread_count(viewer),
        )

    @get("/rounds/{round_id:int}")
    async def round_threads(
        self, request: Request[Any, Any, Any], round_id: PathId, language: Injected[Language]
    ) -> Template:
        """Every theme and chart of a published round, with its number of posts."""
        found = await round_subjects(round_id, language)
        if found is None:
            raise NotFoundException("These results have not been published.")
        title, subjects = found
        return await render(request, "exchange/round.html", round_id=round_id, title=title, subjects=subjects)

    @get("/rounds/{round_id:int}/{segment:str}/{subject:str}")
    async def thread(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        segment: FromPath[str],
        subject: FromPath[str],
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        reply_to: FromQuery[str] = "",
    ) -> Template:
        """A thread: its posts (no author shown to partners), and the form to write (`reply_to`:
        the id of the post to answer)."""
        context = await reader_thread(request, viewer, round_id, segment, subject, language)
        return await _thread_page(request, context, viewer, settings, PostForm(reply_to=reply_to))

    @post("/rounds/{round_id:int}/{segment:str}/{subject:str}")
    async def write(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        segment: FromPath[str],
        subject: FromPath[str],
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        data: Annotated[PostForm, FORM],
    ) -> Template | Redirect:
        """Post in the thread, or reply to one of its posts."""
        context = await reader_thread(request, viewer, round_id, segment, subject, language)
        reply_to = form_int(data.reply_to) if data.reply_to else None
        try:
            written = await write_post(context.key, viewer, data.body, reply_to, data.confirm == "yes", language)
        except (Refused, NeedsConfirmation) as exc:
            return await _thread_page(request, context, viewer, settings, data, exc)
        flash(request, language.gettext("Your post is published, without your name or your force."), "success")
        return redirect(f"{context.key.path}#post-{written.id}")

    @post("/rounds/{round_id:int}/{segment:str}/{subject:str}/follow")
    async def follow(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        segment: FromPath[str],
        subject: FromPath[str],
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Redirect:
        """Follow the thread: a notice of every new post in it."""
        context = await reader_thread(request, viewer, round_id, segment, subject, language)
        return await _follow(request, context, viewer, language, True)

    @post("/rounds/{round_id:int}/{segment:str}/{subject:str}/unfollow")
    async def unfollow(
        self,
        request: Request[Any, Any, Any],
        round_id: PathId,
        segment: FromPath[str],
        subject: FromPath[str],
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Redirect:
        """Stop following the thread."""
        context = await reader_thread(request, viewer, round_id, segment, subject, language)
        return await _follow(request, context, viewer, language, False)

    @get(["/meetings/{subject_id:int}", "/reports/{subject_id:int}"])
    async def roundless_thread(
        self,
        request: Request[Any, Any, Any],
        subject_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        reply_to: FromQuery[str] = "",
    ) -> Template:
        """A meeting's thread (announced meetings) or a report's (published reports)."""
        context = await reader_roundless(request, viewer, subject_id, language)
        return await _thread_page(request, context, viewer, settings, PostForm(reply_to=reply_to))

    @post(["/meetings/{subject_id:int}", "/reports/{subject_id:int}"])
    async def roundless_write(
        self,
        request: Request[Any, Any, Any],
        subject_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        data: Annotated[PostForm, FORM],
    ) -> Template | Redirect:
        """Post in a meeting's or a report's thread, or reply."""
        context = await reader_roundless(request, viewer, subject_id, language)
        reply_to = form_int(data.reply_to) if data.reply_to else None
        try:
            written = await write_post(context.key, viewer, data.body, reply_to, data.confirm == "yes", language)
        except (Refused, NeedsConfirmation) as exc:
            return await _thread_page(request, context, viewer, settings, data, exc)
        flash(request, language.gettext("Your post is published, without your name or your force."), "success")
        return redirect(f"{context.key.path}#post-{written.id}")

    @post(["/meetings/{subject_id:int}/follow", "/reports/{subject_id:int}/follow"])
    async def roundless_follow(
        self,
        request: Request[Any, Any, Any],
        subject_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Redirect:
        """Follow a meeting's or a report's thread."""
        context = await reader_roundless(request, viewer, subject_id, language)
        return await _follow(request, context, viewer, language, True)

    @post(["/meetings/{subject_id:int}/unfollow", "/reports/{subject_id:int}/unfollow"])
    async def roundless_unfollow(
        self,
        request: Request[Any, Any, Any],
        subject_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
    ) -> Redirect:
        """Stop following a meeting's or a report's thread."""
        context = await reader_roundless(request, viewer, subject_id, language)
        return await _follow(request, context, viewer, language, False)

    @get("/posts/{post_id:int}/edit")
    async def edit_page(
        self,
        request: Request[Any, Any, Any],
        post_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
    ) -> Template:
        """The author's form to change their post."""
        context = await reader_post(request, viewer, post_id, language)
        own = await _own_editable(context, viewer, post_id, settings)
        return await render(
            request, "exchange/edit.html", context=context, post=own, form={"body": own.markdown or ""}, errors={}
        )

    @post("/posts/{post_id:int}/edit")
    async def edit(
        self,
        request: Request[Any, Any, Any],
        post_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        settings: Injected[Settings],
        data: Annotated[PostForm, FORM],
    ) -> Template | Redirect:
        """Change one's own post, within the edit window."""
        context = await reader_post(request, viewer, post_id, language)
        try:
            await edit_post(post_id, viewer, data.body, data.confirm == "yes", settings.exchange_edit_minutes, language)
        except NeedsConfirmation as exc:
            own = await _own_editable(context, viewer, post_id, settings)
            return await render(
                request, "exchange/edit.html", context=context, post=own, form=data.values(), errors={}, found=exc
            )
        except Refused as exc:
            if exc.status_code == 422:
                own = await _own_editable(context, viewer, post_id, settings)
                errors = {exc.field or "body": exc.message}
                return await render(
                    request, "exchange/edit.html", 422, context=context, post=own, form=data.values(), errors=errors
                )
            flash(request, exc.message, "error")
            return redirect(context.key.path)
        flash(request, language.gettext("Your post is changed."), "success")
        return redirect(f"{context.key.path}#post-{post_id}")

    @post("/posts/{post_id:int}/delete")
    async def delete(
        self, request: Request[Any, Any, Any], post_id: PathId, viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Delete one's own post: a tombstone stays in the thread."""
        context = await reader_post(request, viewer, post_id, language)
        try:
            await delete_post(post_id, viewer, language)
        except Refused as exc:
            flash(request, exc.message, "error")
            return redirect(context.key.path)
        flash(request, language.gettext("Your post is deleted."), "success")
        return redirect(context.key.path)

    @post("/posts/{post_id:int}/report")
    async def report(
        self,
        request: Request[Any, Any, Any],
        post_id: PathId,
        viewer: Injected[Viewer],
        language: Injected[Language],
        data: Annotated[ReportForm, FORM],
    ) -> Redirect:
        """Ask moderators to look at a post."""
        context = await reader_post(request, viewer, post_id, language)
        try:
            await report_post(post_id, viewer, data.reason, language)
        except Refused as exc:
            flash(request, exc.message, "error")
            return redirect(f"{context.key.path}#post-{post_id}")
        flash(request, language.gettext("Thank you: moderators will look at this post."), "success")
        return redirect(f"{context.key.path}#post-{post_id}")

    @get("/notices")
    async def notices_page(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Template:
        """New posts in the threads the reader follows, newest first."""
        return await render(request, "exchange/notices.html", notices=await notices(viewer, language))

    @post("/notices/read")
    async def read_notices(
        self, request: Request[Any, Any, Any], viewer: Injected[Viewer], language: Injected[Language]
    ) -> Redirect:
        """Mark every notice read."""
        await mark_read(viewer)
        flash(request, language.gettext("Every notice is marked read."), "success")
        return redirect("/exchange/notices")


async def _follow(
    request: Request[Any, Any, Any], context: ThreadContext, viewer: Viewer, language: Language, follow: bool
) -> Redirect:
    """Follow the thread or stop following it, and go back to it."""
    await set_following(context.key, viewer, follow)
    if follow:
        flash(request, language.gettext("You follow this discussion."), "success")
    else:
        flash(request, language.gettext("You no longer follow this discussion."), "success")
    return redirect(context.key.path)


async def _own_editable(context: ThreadContext, viewer: Viewer, post_id: int, settings: Settings) -> Any:
    posts = await thread_posts(context.thread_id, viewer, settings.exchange_edit_minutes)
    own = next((p for p in posts if p.id == post_id and p.own), None)
    if own is None or not own.editable:
        raise NotFoundException("This post cannot be edited (any more).")
    return own


async def _thread_page(
    request: Request[Any, Any, Any],
    context: ThreadContext,
    viewer: Viewer,
    settings: Settings,
    form: PostForm | None = None,
    problem: Refused | NeedsConfirmation | None = None,
) -> Template:
    posts = await thread_posts(context.thread_id, viewer, settings.exchange_edit_minutes)
    wanted = form_int(form.reply_to) if form else None
    replying = next((p for p in posts if p.id == wanted and p.state in ("visible", "redacted")), None)
    errors = {}
    if isinstance(problem, Refused):
        errors[problem.field or "body"] = problem.message
    status = 422 if errors else 200
    return await render(
        request,
        "exchange/thread.html",
        status,
        context=context,
        posts=posts,
        following=await following(context.key, viewer),
        form=form.values() if form else {"body": "", "reply_to": ""},
        replying=replying,
        errors=errors,
        found=problem if isinstance(problem, NeedsConfirmation) else None,
        edit_minutes=settings.exchange_edit_minutes,
    )
