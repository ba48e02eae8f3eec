"""The respondent pages' interface text, by key: `t("save_continue", lang)`.

These were a hand-made table of English, French and Spanish; the words are now gettext
messages like any other (their translations are in `backend/locale/*/LC_MESSAGES/respondent.po`)
and the keys stay so that the respondent templates and the questionnaire library, which name
messages by key (`InvalidAnswer("too_large")`, `t("status_" ~ status, lang)`), keep working.
New text is better written as the message itself: `_("…")` in templates,
`language.gettext("…")` in Python.
"""

from __future__ import annotations

from backend.i18n.language import N_, language_for

#: key → the English message (a %-format string: `%(n)s` is filled from `t(…, n=…)`).
MESSAGES: dict[str, str] = {
    "yes": N_("Yes"),
    "no": N_("No"),
    "dont_know": N_("Don't know"),
    "not_applicable": N_("Not applicable"),
    "other": N_("Other"),
    "other_specify": N_("Please specify"),
    "optional": N_("(optional)"),
    "choose": N_("Choose…"),
    "rank_position": N_("Rank %(n)s"),
    "must_total": N_("The shares must add up to %(total)s."),
    "save_continue": N_("Save and continue"),
    "save_draft": N_("Save and come back later"),
    "previous": N_("Previous page"),
    "check_answers": N_("Check your answers"),
    "change": N_("Change"),
    "not_answered": N_("Not answered"),
    "submit": N_("Submit answers"),
    "submit_note": N_("Once submitted, your force's answers cannot be changed."),
    "error_summary": N_("There is a problem"),
    "saved": N_("Your answers have been saved."),
    "conflict": N_(
        "Someone else at your force saved this questionnaire after you opened this page. Your entries "
        "are shown below and have not been saved yet: check them and save again."
    ),
    "submitted_title": N_("Answers submitted"),
    "submitted_body": N_("Thank you. Your force's answers were submitted on %(date)s."),
    "autosaved": N_("Saved"),
    "autosave_conflict": N_(
        "Not saved: someone else at your force saved this questionnaire. Use a button below to review and save."
    ),
    "autosave_invalid": N_("Not saved yet:"),
    "autosave_offline": N_("Not saved: no connection. Your entries are still on this page."),
    "autosave_expired": N_(
        "Not saved: your session has ended. Keep this page open, open your personal link in a new tab, "
        "then come back and save."
    ),
    "or": N_("or"),
    "start": N_("Start"),
    "continue": N_("Continue"),
    "progress": N_("Page %(n)s of %(total)s"),
    "closes": N_("Closes on %(date)s"),
    "language": N_("Language"),
    "sections": N_("Sections"),
    "status_done": N_("Completed"),
    "status_started": N_("In progress"),
    "status_todo": N_("Not started"),
    "privacy": N_("How your answers are used"),
    "answering_for": N_("Answering for %(force)s"),
    "required": N_("Answer this question."),
    "not_a_number": N_("Enter a number, like 12 or 3.5."),
    "not_whole": N_("Enter a whole number."),
    # TRANSLATORS: a typed number that reads two ways (1,500: 1500 or 1.5). "grouped" is the number
    # with its separator read as a thousands separator, "decimal" as a decimal one (both written as
    # the language writes numbers); the "_typed" forms are how to type each so that it reads one way.
    "ambiguous_number": N_(
        "Did you mean %(grouped)s or %(decimal)s? Enter it as %(grouped_typed)s or %(decimal_typed)s."
    ),
    "whole_number_only": N_("Enter a whole number, without decimals, like 12."),
    "too_small": N_("Enter a number of %(min)s or more."),
    "too_large": N_("Enter a number of %(max)s or less."),
    "bad_choice": N_("Choose one of the options listed."),
    "exclusive": N_('"%(option)s" cannot be combined with other answers.'),
    "other_missing": N_("Say what the other answer is."),
    "too_long": N_("Use %(max)s characters or fewer."),
    "bad_date": N_("Enter a real date."),
    # a date's day, month and year boxes (`surveys/kinds/date.py`)
    "date_missing_day": N_("The date must include a day."),
    "date_missing_month": N_("The date must include a month."),
    "date_missing_year": N_("The date must include a year."),
    "date_missing_day_month": N_("The date must include a day and a month."),
    "date_missing_day_year": N_("The date must include a day and a year."),
    "date_missing_month_year": N_("The date must include a month and a year."),
    "date_bad_day": N_("The day must be a number from 1 to 31."),
    "date_bad_month": N_("The month must be a number from 1 to 12."),
    "date_bad_year": N_("The year must have 4 digits, like 2019."),
    "date_not_real": N_("The date must be a real date: check the day and the month."),
    "date_too_early": N_("Enter a date on or after %(min)s."),
    "date_too_late": N_("Enter a date on or before %(max)s."),
    "share_range": N_("Each share must be a number from 0 to %(total)s."),
    "rank_duplicate": N_("Each item can only be given one rank."),
    "rank_incomplete": N_("Fill the ranks in order, from rank 1, without gaps."),
    "rank_all": N_("Rank %(n)s items."),
    "matrix_row": N_("Answer for every row."),
    "constraint": N_("This answer is not accepted."),
}


def t(key: str, language: str, **values: object) -> str:
    """The interface text `key` in `language` (English where it has no translation), filled in."""
    return language_for(language).gettext(MESSAGES[key], **values)
