"""The respondent, as a dependency: which invitation, round, questionnaire, response and
language this session answers for, checked on every request; and what the pages show.

The respondent routes declare `respondent: Injected[Respondent]` (`dependencies =
{"respondent": Provide(load_respondent)}` on their controllers): a session without a valid
link never reaches the handler. The page save alone takes `respondent_or_refusal`, to show
what was typed when the link stopped being valid while the page was open."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.exceptions import PermissionDeniedException
from litestar.types import Message, Scope

from backend.audit.refusals import refused
from backend.i18n import N_, language_for, negotiate
from backend.responses import context_cache
from backend.responses.schemas import LastSave, ResponseRow, ResponseStatus
from backend.responses.services import get_or_create
from backend.rounds.schemas import InvitationContext, RoundStatus
from backend.rounds.services import respondent_context
from backend.security.roles import INVITATION_KEY, LINK_KEY
from backend.surveys import Answers, Section, Survey, evaluate, section_status, visibility
from backend.surveys.services import load_version
from backend.web.data_epoch import answering_a_write
from backend.web.language import CHOSEN_LANGUAGE_KEY, set_request_language
from backend.web.params import form_int

LANG_KEY = CHOSEN_LANGUAGE_KEY  # the one explicit choice, shared with the header's switch
#: What a respondent session holds; it goes when the link stops being valid. The language
#: chosen stays, like any explicit choice: the page saying why is in it.
RESPONDENT_KEYS = (INVITATION_KEY, LINK_KEY)
#: Left in a session whose link stopped being valid, so that every later respondent page
#: (another tab, autosave) says why rather than "open your link".
LINK_ENDED_KEY = "invitation_link_ended"

#: Refusals (`PermissionDeniedException.detail`), translated by the error page.
NO_LINK = N_("Open the personal link you were sent to answer the questionnaire.")
LINK_ENDED = N_("Your link is no longer valid. Ask the project team for a new one.")


@dataclass
class Respondent:
    invitation: InvitationContext
    survey: Survey
    response: ResponseRow
    lang: str
    #: `rounds.services.context_fingerprint` of the row this request read, naming everything
    #: the respondent's pages are drawn from in it; None when the response was only created
    #: by this request (not in the row read), so nothing drawn now is kept.
    fingerprint: bytes | None = None
    #: the context as kept by this process (`context_cache`), when it came from there: a save
    #: must then check the link in SQL and keep what it saved (`responses/api.py`, autosave)
    kept: context_cache.Context | None = None
    #: Which questions and sections the answers show, worked out once per request (the page
    #: asks several times) and again only if `response` is replaced.
    _visible: tuple[ResponseRow, set[str], list[Section]] | None = field(default=None, init=False, repr=False)

    @property
    def editable(self) -> bool:
        return self.invitation.round_status == RoundStatus.OPEN and self.response.status == ResponseStatus.DRAFT

    @property
    def answers(self) -> Answers:
        return self.response.answers

    def _visibility(self) -> tuple[ResponseRow, set[str], list[Section]]:
        if self._visible is None or self._visible[0] is not self.response:
            shown, kept = visibility(self.survey, self.answers)
            sections = [s for s in self.survey.sections if s.show_if is None or evaluate(s.show_if, kept)]
            self._visible = (self.response, shown, sections)
        return self._visible

    def shown_sections(self) -> list[Section]:
        return list(self._visibility()[2])

    def shown_question_ids(self) -> set[str]:
        """`surveys.shown_question_ids` of the answers, from the same single pass."""
        return set(self._visibility()[1])

    def section(self, section_id: str) -> Section | None:
        for s in self.survey.sections:
            if s.id == section_id:
                return s
        return None

    def next_section(self, section: Section) -> Section | None:
        shown = self.shown_sections()
        ids = [s.id for s in self.survey.sections]
        later = ids[ids.index(section.id) + 1 :]
        for s in shown:
            if s.id in later:
                return s
        return None

    def previous_section(self, section: Section) -> Section | None:
        shown = self.shown_sections()
        ids = [s.id for s in self.survey.sections]
        earlier = ids[: ids.index(section.id)]
        candidates = [s for s in shown if s.id in earlier]
        return candidates[-1] if candidates else None

    def task_list(self) -> list[tuple[Section, str]]:
        return [(s, section_status(self.survey, s, self.answers)) for s in self.shown_sections()]

    def conflict_message(self, last: LastSave, page_id: str | None, on_check_page: bool = False) -> str:
        """Why a save was refused, in the respondent's language: who saved since and when (a
        colleague by name, since people at one force see each other's names; "you" when it
        was this person in another tab or on another device), and what to do now."""
        language = language_for(self.lang)
        when = language.datetime(last.updated_at)
        if page_id and last.saved_by_page == page_id:
            why = language.gettext("An earlier automatic save from this page was not confirmed.")
        elif last.updated_by is not None and last.updated_by == self.invitation.person_id:
            why = language.gettext(
                "You saved this questionnaire in another tab, window or device on %(when)s, "
                "after this page was opened.",
                when=when,
            )
        elif last.updated_by_name:
            why = language.gettext(
                "%(name)s at your force saved this questionnaire on %(when)s, after you opened this page.",
                name=last.updated_by_name,
                when=when,
            )
        else:
            why = language.gettext(
                "Someone else at your force saved this questionnaire on %(when)s, after you opened this page.",
                when=when,
            )
        if on_check_page:
            then = language.gettext("The answers below include those changes: check them, then submit again.")
        else:
            then = language.gettext("Your entries on this page have not been saved yet: check them and save again.")
        return f"{why} {then}"


def choose_language(request: Request[Any, Any, Any], survey: Survey, person_language: str | None) -> str:
    session = request.scope.get("session")
    chosen = session.get(LANG_KEY) if isinstance(session, dict) else None
    if chosen in survey.languages:
        return str(chosen)
    if person_language in survey.languages:
        return str(person_language)
    return negotiate(request.headers.get("accept-language"), survey.languages, survey.default_language)


def end_respondent_access(request: Request[Any, Any, Any]) -> None:
    """Forget the invitation (and what came with it) but keep the rest of the session."""
    session = request.scope.get("session")
    if isinstance(session, dict) and any(key in session for key in RESPONDENT_KEYS):
        kept = {k: v for k, v in session.items() if k not in RESPONDENT_KEYS}
        request.set_session({**kept, LINK_ENDED_KEY: True})


async def load_respondent(request: Request[Any, Any, Any]) -> Respondent:
    """The respondent this session belongs to, checked against the database on every request:
    a session opened with a link that was since replaced, revoked or has expired loses its
    respondent access here, before anything is read or written."""
    session = request.scope.get("session")
    invitation_id = session.get(INVITATION_KEY) if isinstance(session, dict) else None
    link_hash = session.get(LINK_KEY) if isinstance(session, dict) else None
    if not isinstance(invitation_id, int):
        ended = isinstance(session, dict) and session.get(LINK_ENDED_KEY)
        await refused(request, None, "no_respondent_session")
        raise PermissionDeniedException(LINK_ENDED if ended else NO_LINK)
    # Sessions opened before links were recorded in them have no link hash: they end too.
    if not isinstance(link_hash, str):
        context = None
    elif (kept := _kept_context(request, invitation_id, link_hash)) is not None:
        context = kept.read
    else:
        # One query reads the invitation, its round and the response (`respondent_context`);
        # kept while nothing changes it, where this route may use what is kept.
        seen = context_cache.token()
        context = await respondent_context(invitation_id, link_hash)
        if context is not None and context.response is not None and _may_keep(request):
            context_cache.put(context_cache.Context(context, link_hash), seen)
    if context is None:
        end_respondent_access(request)
        await refused(request, None, "link_ended", f"invitation:{invitation_id}")
        raise PermissionDeniedException(LINK_ENDED)
    invitation, response = context.invitation, context.response
    survey = await load_version(invitation.version_id)
    lang = choose_language(request, survey, invitation.language)
    set_request_language(request, lang)  # the page's interface follows the questionnaire's language
    if response is None:  # the force's first page: its response starts now
        response = await get_or_create(invitation.round_id, invitation.force_id, lang)
        return Respondent(invitation, survey, response, lang)
    return Respondent(invitation, survey, response, lang, context.fingerprint, kept)


#: In a route's `opt`: its respondent may come from `context_cache` although it writes, because
#: its writes check the link and the round in SQL themselves (autosave).
KEPT_CONTEXT_WRITES = "kept_respondent_context"


def _may_keep(request: Request[Any, Any, Any]) -> bool:
    """Pages that only read may use a kept context; of the routes that write, only those whose
    statements check the link themselves (`KEPT_CONTEXT_WRITES`)."""
    return request.method == "GET" or bool(request.route_handler.opt.get(KEPT_CONTEXT_WRITES))


async def forget_on_writes(message: Message, scope: Scope) -> None:
    """A before-send hook: a respondent's request that may have written (a page's save, a
    submission, a language choice…) forgets the context this process kept for its invitation as
    it answers, so that the page after it never shows the state before it (the notification of
    its change may not have arrived yet). Autosave keeps what it saved itself."""
    if not answering_a_write(message, scope):
        return
    handler = scope.get("route_handler")
    if handler is not None and handler.opt.get(KEPT_CONTEXT_WRITES):
        return
    session = scope.get("session")
    invitation_id = session.get(INVITATION_KEY) if isinstance(session, dict) else None
    if isinstance(invitation_id, int):
        context_cache.forget(invitation_id)


def _kept_context(request: Request[Any, Any, Any], invitation_id: int, link_hash: str) -> context_cache.Context | None:
    return context_cache.get(invitation_id, link_hash) if _may_keep(request) else None


@dataclass(frozen=True)
class AccessEnded:
    """Why a respondent request was refused (`PermissionDeniedException.detail`)."""

    message: str

    @property
    def link_ended(self) -> bool:
        return self.message == LINK_ENDED


async def respondent_or_refusal(request: Request[Any, Any, Any]) -> Respondent | AccessEnded:
    """`load_respondent`, with the refusal as a value rather than an error page."""
    try:
        return await load_respondent(request)
    except PermissionDeniedException as exc:
        return AccessEnded(exc.detail)


def page_revision(text: str) -> int:
    """The revision a page was rendered with (its hidden `revision` field); -1 (never current)
    when missing, garbled or beyond what the `integer` column holds."""
    value = form_int(text)
    return -1 if value is None else value


def page_field(form: dict[str, list[str]]) -> str:
    """The id a questionnaire page was rendered with (its hidden `page` field; at most the
    column's 64 characters), naming the page a save comes from (`services.save_answers`)."""
    return (form.get("page") or [""])[0][:64]
