"""Importing forces and people from a CSV or XLSX file (docs/registry.md).

A file is read into sheets (a CSV file is one; a workbook has a sheet `forces`, a sheet
`people`, or both), each sheet's rows are checked against the columns, each other and the
registry, and every problem is listed by sheet, row and column. Only a file without any
problem is imported, in one transaction that checks it all again first: forces before people
(so people may belong to forces of the same file), each row creating or updating one record.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec
import openpyxl

from backend.audit.services import record
from backend.database import fetch, transaction
from backend.i18n import LANGUAGES, SOURCE_LANGUAGE, Language, language_for
from backend.partners.peer_groups import DIMENSIONS, VALUES
from backend.partners.schemas import PartnerRole
from backend.partners.services import create_force, create_person, is_email, normalise_email
from backend.partners.tables import Force, Person
from backend.profile_changes.services import change_by_staff
from backend.registry.services import FORCE_CODE, group_code, whole_number
from backend.security.roles import Role, Viewer

Kind = Literal["forces", "people"]

#: The largest file accepted (a registry of thousands of forces is well under it).
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

#: Each sheet's columns in the order of the templates; required ones first.
FORCE_COLUMNS = ("code", "name", "country", "region", "force_type", "size_band", "officers", "population_served")
FORCE_REQUIRED = frozenset(FORCE_COLUMNS[:6])
PEOPLE_COLUMNS = ("email", "name", "force_code", "role", "language")
PEOPLE_REQUIRED = frozenset(PEOPLE_COLUMNS[:4])
COLUMNS: dict[str, tuple[str, ...]] = {"forces": FORCE_COLUMNS, "people": PEOPLE_COLUMNS}
REQUIRED: dict[str, frozenset[str]] = {"forces": FORCE_REQUIRED, "people": PEOPLE_REQUIRED}
#: Other headings people write for a column.
ALIASES = {
    "e-mail": "email",
    "e_mail": "email",
    "mail": "email",
    "force": "force_code",
    "type": "force_type",
    "size": "size_band",
    "population": "population_served",
    "partner_role": "role",
    "lang": "language",
}
#: Example rows of the templates.
EXAMPLE = {
    "forces": ("north-city", "North City Police", "Utopia", "europe", "city", "1000_4999", "2400", "850000"),
    "people": ("ana.lopez@example.org", "Ana López", "north-city", "lead_respondent", "es"),
}
ROLE_WORDS = {
    "lead_respondent": PartnerRole.LEAD_RESPONDENT,
    "lead respondent": PartnerRole.LEAD_RESPONDENT,
    "lead": PartnerRole.LEAD_RESPONDENT,
    "colleague": PartnerRole.COLLEAGUE,
    "viewer": PartnerRole.VIEWER,
    "partner viewer": PartnerRole.VIEWER,
    "partner_viewer": PartnerRole.VIEWER,
}
LANGUAGE_WORDS = {
    "english": "en",
    "français": "fr",
    "francais": "fr",
    "french": "fr",
    "español": "es",
    "espanol": "es",
    "spanish": "es",
}

EXISTING_FORCES = (
    "SELECT id, code, name, active, country, region, force_type, size_band, officers, population_served FROM force"
)
EXISTING_PEOPLE = """SELECT p.id, p.email, p.name, p.role, p.active, p.partner_role, p.language, f.code AS force_code
FROM person p LEFT JOIN force f ON f.id = p.force"""


class Problem(msgspec.Struct, frozen=True):
    #: the sheet's name ("file" for a CSV file)
    sheet: str
    #: the row as a spreadsheet numbers it (headings are row 1); 0 for the file as a whole
    row: int
    #: the column's heading ("" for a whole row or the file)
    column: str
    message: str


class Planned(msgspec.Struct, frozen=True):
    sheet: str
    row: int
    kind: Kind
    #: create | update | unchanged
    action: str
    #: the force's code or the person's e-mail
    key: str
    name: str
    #: field → [old, new], for updates
    changes: dict[str, list[Any]] = {}


class Summary(msgspec.Struct, frozen=True):
    forces_created: int
    forces_updated: int
    people_created: int
    people_updated: int
    unchanged: int


@dataclass
class Sheet:
    name: str
    kind: Kind | None
    headings: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


@dataclass
class Checked:
    problems: list[Problem]
    plan: list[Planned]
    #: the cleaned values of each planned row (what would be written)
    values: list[dict[str, Any]]

    @property
    def clean(self) -> bool:
        return not self.problems


def _words(language: Language | None) -> Language:
    return language or language_for(SOURCE_LANGUAGE)


def _heading(text: str) -> str:
    key = text.strip().lower().replace(" ", "_").replace("-", "_") if text else ""
    key = {"e_mail": "email"}.get(key, key)
    return ALIASES.get(text.strip().lower(), ALIASES.get(key, key))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "").strip()


def _kind_of(name: str, headings: Iterable[str]) -> Kind | None:
    lowered = name.strip().lower()
    if lowered in ("forces", "people"):
        return "forces" if lowered == "forces" else "people"
    keys = set(headings)
    if "email" in keys:
        return "people"
    if "code" in keys:
        return "forces"
    return None


def _sheet(name: str, table: list[list[str]]) -> Sheet:
    rows = [r for r in table]
    headings = [_heading(h) for h in rows[0]] if rows else []
    sheet = Sheet(name, _kind_of(name, headings), headings)
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        sheet.rows.append((number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headings) if h}))
    return sheet


def read_file(filename: str, content: bytes, language: Language | None = None) -> tuple[list[Sheet], list[Problem]]:
    """The sheets of an uploaded file, or the problems that keep it from being read."""
    words = _words(language)
    if len(content) > MAX_BYTES:
        return [], [Problem("file", 0, "", words.gettext("The file is larger than 2 MB."))]
    if not content.strip():
        return [], [Problem("file", 0, "", words.gettext("The file is empty."))]
    if content.startswith(b"PK") or filename.lower().endswith(".xlsx"):
        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return [], [Problem("file", 0, "", words.gettext("This is not an XLSX workbook that can be read."))]
        sheets = []
        for ws in book.worksheets:
            table = [[_cell(c) for c in row] for row in ws.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
            sheets.append(_sheet(ws.title, table))
        book.close()
        named = [s for s in sheets if s.name.strip().lower() in ("forces", "people")]
        return (named or sheets[:1]), []
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem("file", 0, "", words.gettext("Save the file as CSV in UTF-8 (Excel: CSV UTF-8)."))]
    first = text.splitlines()[0] if text else ""
    delimiter = max((";", ",", "\t"), key=first.count)
    table = [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)][: MAX_ROWS + 1]
    return [_sheet("file", table)], []


async def check(sheets: list[Sheet], language: Language | None = None) -> Checked:
    """Every problem of every sheet, and what a clean file would do."""
    words = _words(language)
    problems: list[Problem] = []
    plan: list[Planned] = []
    values: list[dict[str, Any]] = []
    forces = {r["code"]: r for r in await fetch(EXISTING_FORCES)}
    names = {r["name"].casefold(): r for r in forces.values()}
    people = {r["email"]: r for r in await fetch(EXISTING_PEOPLE)}
    kinds = [s.kind for s in sheets]
    if len(set(kinds)) < len(kinds):
        problems.append(Problem("file", 0, "", words.gettext("Give forces and people one sheet each.")))
    new_codes: set[str] = set()
    ordered = sorted(sheets, key=lambda s: 0 if s.kind == "forces" else 1)
    for sheet in ordered:
        if sheet.kind is None:
            problems.append(
                Problem(
                    sheet.name,
                    1,
                    "",
                    words.gettext(
                        "Name the sheet forces or people, or give it a column code (forces) or email (people)."
                    ),
                )
            )
            continue
        columns = COLUMNS[sheet.kind]
        for heading in sheet.headings:
            if heading and heading not in columns:
                problems.append(
                    Problem(
                        sheet.name,
                        1,
                        heading,
                        words.gettext("Unknown column: use %(columns)s.", columns=", ".join(columns)),
                    )
                )
        missing = [c for c in columns if c in REQUIRED[sheet.kind] and c not in sheet.headings]
        for column in missing:
            problems.append(Problem(sheet.name, 1, column, words.gettext("This column is missing.")))
        if missing:
            continue
        if not sheet.rows:
            problems.append(Problem(sheet.name, 2, "", words.gettext("There is no row to import.")))
        if sheet.kind == "forces":
            _check_forces(sheet, forces, names, words, problems, plan, values)
            new_codes |= {p.key for p in plan if p.kind == "forces"}
        else:
            _check_people(sheet, forces, new_codes, people, words, problems, plan, values)
    return Checked(problems, plan, values)


def _check_forces(
    sheet: Sheet,
    existing: dict[str, Any],
    names: dict[str, Any],
    words: Language,
    problems: list[Problem],
    plan: list[Planned],
    values: list[dict[str, Any]],
) -> None:
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for number, row in sheet.rows:

        def problem(column: str, message: str, number: int = number) -> None:
            problems.append(Problem(sheet.name, number, column, message))

        before = len(problems)
        for column in FORCE_REQUIRED:
            if not row.get(column):
                problem(column, words.gettext("This value is missing."))
        code, name, country = row.get("code", ""), row.get("name", ""), row.get("country", "")
        if code and not FORCE_CODE.fullmatch(code):
            problem(
                "code", words.gettext("Use a short code of lower-case letters, digits and hyphens, like met-police.")
            )
        elif code in seen_codes:
            problem("code", words.gettext("This code is also on row %(row)d.", row=seen_codes[code]))
        elif code and existing.get(code) and not existing[code]["active"]:
            problem("code", words.gettext("This force is deactivated: reactivate it before importing it."))
        if code:
            seen_codes.setdefault(code, number)
        if name:
            if len(name) > 200:
                problem("name", words.gettext("Use %(max)d characters or fewer.", max=200))
            folded = name.casefold()
            if folded in seen_names:
                problem("name", words.gettext("This force is also on row %(row)d.", row=seen_names[folded]))
            elif folded in names and names[folded]["code"] != code:
                problem(
                    "name",
                    words.gettext(
                        "A force of this name is registered with the code %(code)s: use that code to update it.",
                        code=names[folded]["code"],
                    ),
                )
            seen_names.setdefault(folded, number)
        if len(country) > 100:
            problem("country", words.gettext("Use %(max)d characters or fewer.", max=100))
        groups: dict[str, str] = {}
        for dim in DIMENSIONS:
            if row.get(dim):
                found = group_code(dim, row[dim])
                if found is None:
                    problem(
                        dim,
                        words.gettext(
                            "Unknown value %(value)s: use one of %(codes)s.",
                            value=row[dim],
                            codes=", ".join(VALUES[dim]),
                        ),
                    )
                else:
                    groups[dim] = found
        counts: dict[str, int | None] = {}
        for column in ("officers", "population_served"):
            text = row.get(column, "")
            counts[column] = whole_number(text) if text else None
            if text and counts[column] is None:
                problem(column, words.gettext("Enter a whole number, like 1500, or leave it empty."))
        if len(problems) > before:
            continue
        new = {"code": code, "name": name, "country": country, **groups, **counts}
        old = existing.get(code)
        if old is None:
            plan.append(Planned(sheet.name, number, "forces", "create", code, name))
        else:
            changes = {k: [old[k], v] for k, v in new.items() if old[k] != v}
            plan.append(
                Planned(sheet.name, number, "forces", "update" if changes else "unchanged", code, name, changes)
            )
        values.append(new)


def _check_people(
    sheet: Sheet,
    forces: dict[str, Any],
    new_codes: set[str],
    existing: dict[str, Any],
    words: Language,
    problems: list[Problem],
    plan: list[Planned],
    values: list[dict[str, Any]],
) -> None:
    seen: dict[str, int] = {}
    for number, row in sheet.rows:

        def problem(column: str, message: str, number: int = number) -> None:
            problems.append(Problem(sheet.name, number, column, message))

        before = len(problems)
        for column in PEOPLE_REQUIRED:
            if not row.get(column):
                problem(column, words.gettext("This value is missing."))
        email = normalise_email(row.get("email", ""))
        name, code = row.get("name", ""), row.get("force_code", "")
        old = existing.get(email)
        if email and not is_email(email):
            problem("email", words.gettext("Enter an e-mail address like name@example.org."))
        elif email in seen:
            problem("email", words.gettext("This e-mail address is also on row %(row)d.", row=seen[email]))
        elif old is not None and Role(old["role"]).is_staff:
            problem("email", words.gettext("This e-mail address belongs to project staff."))
        elif old is not None and not old["active"]:
            problem("email", words.gettext("This person is deactivated: reactivate them before importing them."))
        elif old is not None and code and old["force_code"] != code:
            problem(
                "force_code",
                words.gettext(
                    "This person is registered at %(code)s: move them on their page first.", code=old["force_code"]
                ),
            )
        if email:
            seen.setdefault(email, number)
        if len(name) > 200:
            problem("name", words.gettext("Use %(max)d characters or fewer.", max=200))
        if code and code not in new_codes and not (code in forces and forces[code]["active"]):
            problem(
                "force_code",
                words.gettext("No active force has the code %(code)s (here or in the registry).", code=code),
            )
        role = ROLE_WORDS.get(row.get("role", "").strip().lower()) if row.get("role") else None
        if row.get("role") and role is None:
            problem(
                "role",
                words.gettext("Unknown role %(value)s: use lead_respondent, colleague or viewer.", value=row["role"]),
            )
        language = row.get("language", "").strip().lower()
        language = LANGUAGE_WORDS.get(language, language)
        if language and language not in LANGUAGES:
            problem("language", words.gettext("Unknown language %(value)s: use en, fr or es.", value=row["language"]))
        if len(problems) > before:
            continue
        assert role is not None
        new = {
            "email": email,
            "name": name,
            "force_code": code,
            "partner_role": role.value,
            "language": language or None,
        }
        if old is None:
            plan.append(Planned(sheet.name, number, "people", "create", email, name))
        else:
            changes = {k: [old[k], v] for k, v in new.items() if k != "force_code" and old[k] != v}
            if not language:  # an empty cell keeps the language they have
                changes.pop("language", None)
            plan.append(
                Planned(sheet.name, number, "people", "update" if changes else "unchanged", email, name, changes)
            )
        values.append(new)


async def import_file(
    filename: str, content: bytes, actor: Viewer, language: Language | None = None
) -> tuple[Checked, Summary | None]:
    """Check the file again and, when it is clean, import it all in one transaction (audited:
    each record created or updated, and `registry.imported` with the counts). With any
    problem, nothing is imported and the summary is None."""
    sheets, problems = read_file(filename, content, language)
    if problems:
        return Checked(problems, [], []), None
    async with transaction():
        checked = await check(sheets, language)
        if not checked.clean:
            return checked, None
        force_ids = {r["code"]: r["id"] for r in await fetch("SELECT id, code FROM force")}
        counts = {"forces_created": 0, "forces_updated": 0, "people_created": 0, "people_updated": 0, "unchanged": 0}
        for planned, new in zip(checked.plan, checked.values, strict=True):
            if planned.action == "unchanged":
                counts["unchanged"] += 1
            elif planned.kind == "forces":
                await _write_force(planned, new, force_ids, actor)
                counts[f"forces_{planned.action}d"] += 1
            else:
                await _write_person(planned, new, force_ids, actor)
                counts[f"people_{planned.action}d"] += 1
        summary = Summary(**counts)
        await record(actor, "registry.imported", "registry", file=filename[:200], **msgspec.structs.asdict(summary))
    return checked, summary


async def _write_force(planned: Planned, new: dict[str, Any], force_ids: dict[str, int], actor: Viewer) -> None:
    if planned.action == "create":
        force_id = await create_force(**new)
        force_ids[new["code"]] = force_id
        await record(actor, "force.created", f"force:{force_id}", name=new["name"], source="import")
        return
    force_id = force_ids[new["code"]]
    own = {k: v[1] for k, v in planned.changes.items() if k not in DIMENSIONS}
    if own:
        await Force.update({getattr(Force, k): v for k, v in own.items()}).where(Force.id == force_id)
    groups = {dim: new[dim] for dim in DIMENSIONS}
    made = await change_by_staff(force_id, groups, actor, "import")
    await record(
        actor, "force.updated", f"force:{force_id}", changes=planned.changes, profile_changes=made, source="import"
    )


async def _write_person(planned: Planned, new: dict[str, Any], force_ids: dict[str, int], actor: Viewer) -> None:
    role = PartnerRole(new["partner_role"])
    if planned.action == "create":
        person_id = await create_person(
            new["email"],
            new["name"],
            Role.PARTNER,
            force_id=force_ids[new["force_code"]],
            partner_role=role,
            language=new["language"],
        )
        await record(actor, "person.created", f"person:{person_id}", role="partner", source="import")
        return
    update: dict[Any, Any] = {}
    for key, (_, value) in planned.changes.items():
        update[getattr(Person, key)] = value
        if key == "partner_role":
            update[Person.can_respond] = role.responds
    await Person.update(update).where(Person.email == new["email"])
    rows = await Person.select(Person.id).where(Person.email == new["email"]).first()
    await record(
        actor, "person.updated", f"person:{rows['id'] if rows else '?'}", changes=planned.changes, source="import"
    )


def template_xlsx() -> bytes:
    """A workbook with a sheet `forces` and a sheet `people`: the headings and one example row
    each, and a sheet `codes` listing the peer groups' codes and names."""
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for kind in ("forces", "people"):
        ws = book.create_sheet(kind)
        ws.append(list(COLUMNS[kind]))
        ws.append(list(EXAMPLE[kind]))
    codes = book.create_sheet("codes")
    codes.append(["column", "code", "meaning"])
    for dim, values in VALUES.items():
        for code, name in values.items():
            codes.append([dim, code, name])
    for role in PartnerRole:
        codes.append(["role", role.value, role.value.replace("_", " ")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(kind: Kind) -> bytes:
    """A CSV template (UTF-8 with a BOM, so that Excel reads accents right): headings and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    writer.writerow(EXAMPLE[kind])
    return ("\ufeff" + out.getvalue()).encode()
