"""Messages drawn from their templates (frontend/templates/mail/<kind>.txt and .html) in the
recipient's language: a `Draft`, ready to be queued. No database here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from backend.i18n import LANGUAGES, Language, language_for
from backend.i18n.language import N_
from backend.mail.links import DIGEST_OFF_MARK, LINK_MARK, OPT_OUT_MARK, SIGNUP_OFF_MARK
from backend.mail.schemas import MessageKind
from backend.settings import REPO_ROOT
from backend.web.templating import install_i18n

TEMPLATES = REPO_ROOT / "frontend" / "templates"

#: Each kind's subject line (translated in the recipient's language, then filled in).
SUBJECTS = {
    MessageKind.INVITATION: N_("Your invitation to answer: %(round)s"),
    MessageKind.RECEIPT: N_("We have received your answers: %(reference)s"),
    MessageKind.PUBLISHED: N_("Results are published: %(round)s"),
    MessageKind.SIGN_IN: N_("Your sign-in link for Practice Exchange"),
    MessageKind.REMINDER: N_("Reminder: your answers to %(round)s"),
    MessageKind.DIGEST: N_("What is new in Practice Exchange"),
    MessageKind.SIGNUP_CONFIRM: N_("Please confirm your sign-up to Practice Exchange"),
    MessageKind.SIGNUP_REPEAT: N_("You have already signed up to Practice Exchange"),
    MessageKind.SIGNUP_DATA: N_("Your data at Practice Exchange"),
    MessageKind.SIGNUP_WELCOME: N_("You are subscribed to news of Practice Exchange"),
    MessageKind.SIGNUP_APPROVED: N_("Welcome to Practice Exchange: your sign-in link"),
    MessageKind.MEETING_PLACE: N_("A place is yours: %(meeting)s"),
    MessageKind.MEETING_CANCELLED: N_("Meeting cancelled: %(meeting)s"),
}


@dataclass(frozen=True)
class Draft:
    """A message, drawn and ready to queue."""

    kind: MessageKind
    idempotency_key: str
    recipient: str
    recipient_name: str
    language: str
    subject: str
    body_text: str
    body_html: str
    #: "purpose:nonce" of the personal link behind `LINK_MARK` in the bodies (mail/links.py)
    link_ref: str = ""
    person_id: int | None = None


@dataclass(frozen=True)
class AnswerRow:
    label: str
    answer: str


@dataclass(frozen=True)
class AnswerSection:
    title: str
    rows: list[AnswerRow] = field(default_factory=list)


@cache
def environment() -> Environment:
    """Jinja for messages: HTML escaped, text not; the app's gettext and date filters, which
    follow the `language` each message is drawn with."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    install_i18n(env)
    return env


def mail_language(code: str | None) -> Language:
    """The recipient's language if the interface speaks it, else English."""
    return language_for(code if code in LANGUAGES else None)


def draw(kind: MessageKind, language: Language, **values: Any) -> tuple[str, str, str]:
    """(subject, text, HTML) of a message kind in `language`."""
    env = environment()
    context = {
        "language": language,
        "link": LINK_MARK,
        "opt_out_link": OPT_OUT_MARK,
        "digest_off_link": DIGEST_OFF_MARK,
        "unsubscribe_link": SIGNUP_OFF_MARK,
        **values,
    }
    subject = language.gettext(SUBJECTS[kind], **values.get("subject_values", {}))
    text = env.get_template(f"mail/{kind.value}.txt").render(context, subject=subject)
    html = env.get_template(f"mail/{kind.value}.html").render(context, subject=subject)
    return subject, text, html


def draft(
    kind: MessageKind,
    key: str,
    *,
    recipient: str,
    name: str,
    language_code: str | None,
    person_id: int | None = None,
    link_ref: str = "",
    **values: Any,
) -> Draft:
    language = mail_language(language_code)
    subject, text, html = draw(kind, language, name=name, **values)
    return Draft(kind, key, recipient, name, language.code, subject, text, html, link_ref, person_id)


@dataclass(frozen=True)
class InvitationValues:
    """What an invitation says, besides the link."""

    round_title: str
    force_name: str
    questionnaire: str
    #: what the round is for: the questionnaire's description
    purpose: str
    privacy_notice: str
    closes_at: datetime | None


def sample_values(kind: MessageKind, base_url: str) -> dict[str, Any]:
    """Made-up values to preview a kind with (staff preview page and API)."""
    common: dict[str, Any] = {"name": "Alex Morgan", "base_url": base_url}
    if kind == MessageKind.INVITATION:
        return common | {
            "subject_values": {"round": "Drug-market practice 2027"},
            "round_title": "Drug-market practice 2027",
            "force_name": "Example Constabulary",
            "questionnaire": "Drug-market management: current practice",
            "purpose": "How forces set priorities, measure success and work with partners.",
            "privacy_notice": "Answers are shown to partners only as group figures of at least five forces.",
            "closes_at": datetime(2027, 1, 28, 23, 59, tzinfo=UTC),
        }
    if kind == MessageKind.RECEIPT:
        return common | {
            "subject_values": {"reference": "PX-20270115-00042-7"},
            "round_title": "Drug-market practice 2027",
            "force_name": "Example Constabulary",
            "questionnaire": "Drug-market management: current practice",
            "reference": "PX-20270115-00042-7",
            "submitted_at": datetime(2027, 1, 15, 14, 30, tzinfo=UTC),
            "sections": [
                AnswerSection("Priorities", [AnswerRow("Your force's top priority", "Reducing drug-related harm")]),
                AnswerSection("Measuring success", [AnswerRow("Measures used", "Drug-related deaths\nRepeat calls")]),
            ],
        }
    if kind == MessageKind.PUBLISHED:
        return common | {
            "subject_values": {"round": "Drug-market practice 2027"},
            "round_title": "Drug-market practice 2027",
            "force_name": "Example Constabulary",
            "version": 1,
            "results_url": f"{base_url}/dashboard/rounds/1",
        }
    if kind == MessageKind.REMINDER:
        deadline = datetime(2027, 1, 28, 23, 59, tzinfo=UTC)
        return common | {
            "subject_values": {"round": "Drug-market practice 2027"},
            "round_title": "Drug-market practice 2027",
            "force_name": "Example Constabulary",
            "questionnaire": "Drug-market management: current practice",
            "started": True,
            "closes_at": deadline,
        }
    if kind == MessageKind.DIGEST:
        return common | {
            "frequency": "weekly",
            "sections": [
                {
                    "kind": "discussions",
                    "more": 0,
                    "items": [
                        {
                            "thread_title": "Measures used",
                            "round_title": "Drug-market practice 2027",
                            "url": f"{base_url}/exchange/rounds/1/charts/q3#post-4",
                            "number": 4,
                            "day": date(2027, 2, 3),
                            "excerpt": "We added repeat calls to our measures last year; it changed how we plan.",
                        }
                    ],
                }
            ],
        }
    if kind == MessageKind.MEETING_PLACE:
        return common | {
            "subject_values": {"meeting": "Peer exchange: drug-market partnerships"},
            "meeting_title": "Peer exchange: drug-market partnerships",
            "starts_at": datetime(2027, 3, 9, 13, 0, tzinfo=UTC),
            "timezone": "Europe/Paris",
            "place": "Lyon, Interpol General Secretariat",
            "online": True,
            "meeting_url": f"{base_url}/meetings/1",
        }
    if kind == MessageKind.MEETING_CANCELLED:
        return common | {
            "subject_values": {"meeting": "Peer exchange: drug-market partnerships"},
            "meeting_title": "Peer exchange: drug-market partnerships",
            "starts_at": datetime(2027, 3, 9, 13, 0, tzinfo=UTC),
            "timezone": "Europe/Paris",
            "place": "Lyon, Interpol General Secretariat",
            "had_place": True,
            "meeting_url": f"{base_url}/meetings/1",
            "calendar_url": f"{base_url}/meetings/1/meeting.ics",
        }
    if kind in SIGNUP_HOURS:  # public sign-ups (backend/signup)
        return common | {"hours": SIGNUP_HOURS[kind], "force_name": "Example Constabulary"}
    return common | {"hours": 24}


#: How long the link of each sign-up message works (its preview's made-up value).
SIGNUP_HOURS = {
    MessageKind.SIGNUP_CONFIRM: 48,
    MessageKind.SIGNUP_REPEAT: 1,
    MessageKind.SIGNUP_DATA: 1,
    MessageKind.SIGNUP_WELCOME: 1,
    MessageKind.SIGNUP_APPROVED: 168,
}
