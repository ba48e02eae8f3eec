"""Keeping the catalogues in step with the code: extract, update, check.

- `extract()`: every message in the code and templates, by Babel's extractors as `babel.cfg`
  configures them (Python and Jinja).
- `update()`: each language's `.po` files follow the code: a new message goes into the file of
  the area that uses it (`AREA_PATHS`; used by several areas, or by none of them: `common`), a
  message already in one file stays there, a message no longer used goes; translations are
  kept, and a changed message gets the old translation as a fuzzy suggestion.
- `check()`: every message translated (not empty, not fuzzy) in every language, with the same
  placeholders; no message in two files of a language; every translation usable as a format.

Run by `practice-exchange translations extract|update|check` and by the test suite.
"""

from __future__ import annotations

import fcntl
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import write_po
from babel.util import pathmatch

from backend.i18n.catalogues import (
    AREAS,
    LANGUAGES,
    LOCALE_DIR,
    SOURCE_LANGUAGE,
    new_catalogue,
    po_path,
    read_catalogue,
)

REPO_ROOT = LOCALE_DIR.parent.parent
MAPPING = REPO_ROOT / "babel.cfg"
#: Where extraction looks (paths from the repository's root); migrations hold no interface text.
_SOURCES = ("backend", "frontend")
_SKIPPED = ("piccolo_migrations", "__pycache__", "static")

#: Which area's file a new message goes into, by where it is used (Babel path patterns from the
#: repository root, first match wins). Anything else is `common`, as is a message used by
#: several areas.
AREA_PATHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "respondent",
        (
            "frontend/templates/respond/**",
            "backend/responses/**",
            "backend/surveys/kinds/**",
            "backend/surveys/answers/**",
            "backend/i18n/respondent.py",
        ),
    ),
    (
        "staff",
        (
            "frontend/templates/staff/**",
            "backend/*/staff.py",
            "backend/surveys/controllers.py",
            "backend/rounds/**",
            "backend/profile_changes/**",
            "backend/registry/**",
            "backend/audit/**",
            "backend/analysis/**",
            "backend/exports/**",
            # staff-only words among partner code and the questionnaire library: the
            # suppression report, why a round cannot be published, incomplete translations
            "backend/publication/report.py",
            "backend/publication/refusals.py",
            "backend/surveys/format/translations.py",
            # the moderation queue of discussions
            "frontend/templates/exchange/moderation.html",
            "backend/exchange/moderation.py",
            # publishing a report (docs/library.md)
            "frontend/templates/library/edit.html",
            # briefing packs: staff's questions for discussion, any force's pack (docs/briefing.md)
            "frontend/templates/briefing/staff.html",
            "frontend/templates/briefing/staff_meeting.html",
            "frontend/templates/briefing/_staff_pack.html",
            # reviewing practice notes and contact requests (docs/practice.md)
            "frontend/templates/practice/review.html",
            # creating meetings, their attendee list and summary (docs/meetings.md)
            "frontend/templates/meetings/edit.html",
            "frontend/templates/meetings/staff_index.html",
            "frontend/templates/meetings/attendees.html",
            "frontend/templates/meetings/summary.html",
        ),
    ),
    (
        "partner",
        # the peer groups' names: what partners compare by (staff pages show them too)
        (
            "frontend/templates/dashboard/**",
            "backend/publication/**",
            "backend/partners/peer_groups.py",
            # discussions (docs/exchange.md)
            "frontend/templates/exchange/**",
            "backend/exchange/**",
            # the reports library (docs/library.md)
            "frontend/templates/library/**",
            "backend/library/**",
            # briefing packs (docs/briefing.md)
            "frontend/templates/briefing/**",
            "backend/briefing/**",
            # the practice bank (docs/practice.md)
            "frontend/templates/practice/**",
            "backend/practice/**",
            # meetings (docs/meetings.md)
            "frontend/templates/meetings/**",
            "backend/meetings/**",
        ),
    ),
    # messages: their templates (text and HTML) and the subject lines (docs/mail.md)
    ("mail", ("frontend/templates/mail/**", "backend/mail/**")),
    # the public pages and sign-up (docs/signup.md): seen by anyone, so `common` (its staff review
    # page, `backend/signup/staff.py` and `staff/signups.html`, goes to `staff` above)
    ("common", ("frontend/templates/public/**", "backend/signup/**")),
)

#: The translator comments kept from the code: `# TRANSLATORS: …` above a message.
COMMENT_TAGS = ("TRANSLATORS:",)
_PLACEHOLDER = re.compile(r"%\(([a-zA-Z_]\w*)\)[sdif]")


def area_of_path(path: str) -> str:
    for area, patterns in AREA_PATHS:
        if any(pathmatch(pattern, path) for pattern in patterns):
            return area
    return "common"


def area_of(message: Message) -> str:
    areas = {area_of_path(str(path)) for path, _ in message.locations}
    return areas.pop() if len(areas) == 1 else "common"


def _wanted(directory: str) -> bool:
    relative = Path(directory).relative_to(REPO_ROOT)
    return (
        relative.parts[0] in _SOURCES
        and not any(part.startswith((".", "_")) for part in relative.parts)
        and not any(part in _SKIPPED for part in relative.parts)
    )


def extract(root: Path = REPO_ROOT) -> Catalog:
    """Every message used in the code and templates, with where it is used."""
    with MAPPING.open() as f:
        method_map, options_map = parse_mapping_cfg(f, str(MAPPING))
    catalogue = Catalog(project="Practice Exchange", fuzzy=False)
    found = extract_from_dir(
        root,
        method_map,
        options_map,
        keywords=DEFAULT_KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
        directory_filter=_wanted,
    )
    for filename, lineno, message, comments, context in found:
        catalogue.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalogue


def extracted_files(root: Path = REPO_ROOT) -> list[str]:
    """The files extraction reads (repository paths)."""
    with MAPPING.open() as f:
        method_map, options_map = parse_mapping_cfg(f, str(MAPPING))
    seen: list[str] = []
    found = extract_from_dir(
        root,
        method_map,
        options_map,
        callback=lambda filename, method, options: seen.append(filename),
        directory_filter=_wanted,
    )
    for _ in found:
        pass
    return seen


def _existing(language: str) -> dict[str, Catalog]:
    out = {}
    for area in AREAS:
        path = po_path(language, area)
        if path.exists():
            out[area] = read_catalogue(path, language)
        else:
            out[area] = new_catalogue(language, area)
    return out


def _homes(languages: tuple[str, ...]) -> dict[tuple[object, str | None], str]:
    """The area file each known message already lives in (the first, in `AREAS` order)."""
    homes: dict[tuple[object, str | None], str] = {}
    for language in languages:
        for area, catalogue in _existing(language).items():
            for message in catalogue:
                if message.id:
                    homes.setdefault((message.id, message.context), area)
    return homes


def write_catalogue(path: Path, catalogue: Catalog) -> None:
    """A `.po` file as this project keeps them: sorted by message, locations without line
    numbers (so unrelated edits to the code do not touch the file), nothing obsolete."""
    buffer = BytesIO()
    write_po(buffer, catalogue, width=100, sort_output=True, ignore_obsolete=True, include_lineno=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != buffer.getvalue():
        path.write_bytes(buffer.getvalue())


def translated_languages() -> tuple[str, ...]:
    return tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)


@contextmanager
def locked() -> Iterator[None]:
    """Hold the catalogues' lock: `update` reads and rewrites every `.po` file, so a script that
    edits them while another update runs (two people, or two tools, in one checkout) takes it."""
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOCALE_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def update(languages: tuple[str, ...] | None = None, areas: tuple[str, ...] | None = None) -> list[Path]:
    """Bring the `.po` files of `languages` (default: every interface language but English) and
    `areas` (default: all) in step with the code; the files written."""
    with locked():
        return _update(languages or translated_languages(), areas or AREAS)


def _update(languages: tuple[str, ...], areas: tuple[str, ...]) -> list[Path]:
    template = extract()
    homes = _homes(languages)
    by_area = {area: Catalog(fuzzy=False) for area in AREAS}
    for message in template:
        if not message.id:
            continue
        area = homes.get((message.id, message.context)) or area_of(message)
        by_area[area][message.id] = message
    written = []
    for language in languages:
        for area, catalogue in _existing(language).items():
            if area not in areas:
                continue
            catalogue.update(by_area[area], update_creation_date=False)
            write_catalogue(po_path(language, area), catalogue)
            written.append(po_path(language, area))
    return written


@dataclass(frozen=True)
class Problem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


def _where(message: Message) -> str:
    return ", ".join(sorted({str(path) for path, _ in message.locations})) or "?"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple | list):
        return [v for v in value if isinstance(v, str)]
    return []


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _formats(text: str, names: set[str]) -> bool:
    try:
        text % dict.fromkeys(names, 1)
    except (ValueError, TypeError, KeyError):
        return False
    return True


def check(languages: tuple[str, ...] | None = None) -> list[Problem]:
    """What stops the catalogues from covering the code: empty list when all is well."""
    languages = languages or translated_languages()
    template = extract()
    problems: list[Problem] = []
    for message in template:
        if message.id:
            names = set().union(*(_placeholders(s) for s in _strings(message.id)))
            if not all(_formats(s, names) for s in _strings(message.id)):
                problems.append(Problem(_where(message), f"{message.id!r}: not a usable %-format (write % as %%)"))
    for language in languages:
        problems.extend(_check_language(language, template))
    return problems


def _check_language(language: str, template: Catalog) -> Iterator[Problem]:
    found: dict[tuple[object, str | None], tuple[str, Message]] = {}
    for area in AREAS:
        path = po_path(language, area)
        shown = str(path.relative_to(REPO_ROOT))
        if not path.exists():
            yield Problem(shown, "missing (run `practice-exchange translations update`)")
            continue
        catalogue = read_catalogue(path, language)
        for message, errors in catalogue.check():
            for error in errors:
                yield Problem(shown, f"{message.id!r}: {error}")
        for message in catalogue:
            if not message.id:
                continue
            key = (message.id, message.context)
            if key in found:
                yield Problem(shown, f"{message.id!r} is also in {found[key][0]}: keep it in one file")
                continue
            found[key] = (shown, message)
    folder = str((LOCALE_DIR / language / "LC_MESSAGES").relative_to(REPO_ROOT))
    for wanted in template:
        if not wanted.id:
            continue
        entry = found.get((wanted.id, wanted.context))
        if entry is None:
            yield Problem(folder, f"no translation of {wanted.id!r} ({_where(wanted)}): run `translations update`")
            continue
        file, message = entry
        strings = _strings(message.string)
        if message.fuzzy or not strings or not all(strings):
            state = "fuzzy" if message.fuzzy else "empty"
            yield Problem(file, f"{state} translation of {wanted.id!r} ({_where(wanted)})")
            continue
        names = set().union(*(_placeholders(s) for s in _strings(wanted.id)))
        for string in strings:
            if _placeholders(string) - names or not _formats(string, names):
                yield Problem(file, f"translation of {wanted.id!r} has placeholders the message lacks: {string!r}")
