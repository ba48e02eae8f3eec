"""The audit page's filters read from its query string: each bad value named, none applied."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from backend.audit.trail import AuditFilter
from backend.i18n import Language

_ID = re.compile(r"[0-9]{1,9}")
_ACTION = re.compile(r"[a-z0-9_.]{1,80}")


def read_filters(query: Mapping[str, str], language: Language) -> tuple[AuditFilter, dict[str, str], int]:
    """The filters, the problems (field → message) and the page number in `query`."""
    problems: dict[str, str] = {}

    def whole(key: str, message: str) -> int | None:
        raw = query.get(key, "").strip()
        if not raw:
            return None
        if not _ID.fullmatch(raw) or int(raw) < 1:
            problems[key] = message
            return None
        return int(raw)

    def day(key: str, message: str) -> dt.date | None:
        raw = query.get(key, "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            problems[key] = message
            return None

    actor = whole("actor", language.gettext("Who: choose a person from the list."))
    round_id = whole("round", language.gettext("Round: give a round number, like 3."))
    action = query.get("action", "").strip() or None
    if action is not None and not _ACTION.fullmatch(action):
        problems["action"] = language.gettext("What: choose an action from the list.")
        action = None
    since = day("from", language.gettext("From: give a date as YYYY-MM-DD."))
    until = day("to", language.gettext("To: give a date as YYYY-MM-DD."))
    if since and until and since > until:
        problems["to"] = language.gettext("To: give a date on or after the From date.")
        until = None
    page = whole("page", language.gettext("Page: give a page number, like 2.")) or 1
    grouped = query.get("sign_ins", "grouped") != "each"
    return AuditFilter(actor, action, round_id, since, until, grouped), problems, page
