"""XLSForm workbooks built in code for the XLSForm tests (no binary fixtures are committed).

Rows are dicts from column header to cell value; `{}` is a blank row. The header row holds
every column used, in first-use order (or the order given), so tests control both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

Sheet = list[dict[str, Any]]

EN, FR, ES = "label::English (en)", "label::Français (fr)", "label::Español (es)"
HINT_EN, HINT_FR = "hint::English (en)", "hint::Français (fr)"
REQ_EN, REQ_FR = "required_message::English (en)", "required_message::Français (fr)"
CON_EN, CON_FR = "constraint_message::English (en)", "constraint_message::Français (fr)"


def write_form(
    path: Path,
    survey: Sheet,
    choices: Sheet | None = None,
    settings: Sheet | None = None,
    *,
    survey_header: list[str] | None = None,
    sheet_names: tuple[str, str, str] = ("survey", "choices", "settings"),
) -> Path:
    """Save a workbook with the given sheets (a sheet given as None is left out)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows, header in zip(sheet_names, (survey, choices, settings), (survey_header, None, None), strict=True):
        if rows is None:
            continue
        ws = workbook.create_sheet(title)
        columns = list(header or [])
        for row in rows:
            columns += [c for c in row if c not in columns]
        ws.append(columns)
        for row in rows:
            ws.append([row.get(c) for c in columns])
    workbook.save(path)
    return path


def tr(column: str, en: str, fr: str) -> dict[str, str]:
    """An English and French pair of a translated column: tr("label", "Yes", "Oui")."""
    return {f"{column}::English (en)": en, f"{column}::Français (fr)": fr}


# ---- a realistic ODK-style form in English and French -------------------------------------
# Excel rows (header = 1) are noted for the tests that check where things come from.

STATION_SURVEY: Sheet = [
    {"type": "start", "name": "started"},  # 2: metadata, skipped
    {"type": "end", "name": "ended"},  # 3
    {"type": "begin group", "name": "profile", **tr("label", "About your station", "Votre poste")},  # 4
    {
        "type": "select_one station_type",
        "name": "station_type",
        **tr("label", "What kind of station is it?", "De quel type de poste s'agit-il ?"),
        **tr("hint", "Choose the closest.", "Choisissez le plus proche."),
        "required": "yes",
        **tr("required_message", "Please choose a type.", "Veuillez choisir un type."),
    },  # 5
    {
        "type": "integer",
        "name": "staff_count",
        **tr("label", "How many staff?", "Combien d'agents ?"),
        "relevant": "${station_type} != 'mobile'",
        "constraint": ". >= 1 and . <= 5000",
        **tr("constraint_message", "Between 1 and 5000.", "Entre 1 et 5000."),
    },  # 6
    {
        "type": "decimal",
        "name": "budget_share",
        **tr("label", "Share of budget (%)", "Part du budget (%)"),
        "constraint": ". <= 100",
        **tr("constraint_message", "At most 100.", "Au plus 100."),
    },  # 7
    {"type": "select_one yes_no", "name": "has_unit", **tr("label", "A drug unit?", "Une unité stupéfiants ?")},  # 8
    {
        "type": "date",
        "name": "opened",
        **tr("label", "Opened on", "Ouverte le"),
        "relevant": "${has_unit} = 'yes'",
    },  # 9
    {"type": "end group"},  # 10
    {},  # 11: blank
    {"type": "begin group", "name": "practice", **tr("label", "Practice", "Pratique")},  # 12
    {
        "type": "select_multiple tactics",
        "name": "tactics",
        **tr("label", "Which tactics?", "Quelles tactiques ?"),
        "required": True,
    },  # 13
    {
        "type": "select_one region",
        "name": "region",
        **tr("label", "Region", "Région"),
        "appearance": "minimal",
    },  # 14
    {
        "type": "note",
        "name": "tactics_note",
        **tr("label", "You use several tactics.", "Vous utilisez plusieurs tactiques."),
        "relevant": "count-selected(${tactics}) >= 2",
    },  # 15
    {
        "type": "text",
        "name": "patrol_detail",
        **tr("label", "Describe the patrols", "Décrivez les patrouilles"),
        "relevant": "selected(${tactics}, 'patrols') and not(selected(${tactics}, 'none'))",
    },  # 16
    {
        "type": "text",
        "name": "lessons",
        **tr("label", "Lessons learnt", "Enseignements"),
        "appearance": "multiline",
        "relevant": "${station_type} = 'city' or (${staff_count} > 100 and ${has_unit} != '')",
    },  # 17
    {
        "type": "range",
        "name": "confidence",
        **tr("label", "Confidence", "Confiance"),
        "parameters": "start=1 end=5 step=1",
    },  # 18
    {"type": "rank priorities", "name": "priorities", **tr("label", "Rank these", "Classez-les")},  # 19
    {"type": "end group"},  # 20
    {"type": "text", "name": "comments", **tr("label", "Any comments?", "Des commentaires ?")},  # 21
]

STATION_CHOICES: Sheet = [
    {"list_name": "station_type", "name": "city", **tr("label", "City", "Ville")},  # 2
    {"list_name": "station_type", "name": "rural", **tr("label", "Rural", "Rurale")},  # 3
    {"list_name": "station_type", "name": "mobile", **tr("label", "Mobile", "Mobile")},  # 4
    {"list_name": "yes_no", "name": "yes", **tr("label", "Yes", "Oui")},
    {"list_name": "yes_no", "name": "no", **tr("label", "No", "Non")},
    {},
    {"list_name": "tactics", "name": "patrols", **tr("label", "Patrols", "Patrouilles")},
    {"list_name": "tactics", "name": "raids", **tr("label", "Raids", "Perquisitions")},
    {"list_name": "tactics", "name": "none", **tr("label", "None", "Aucune")},
    {"list_name": "region", "name": "north", **tr("label", "North", "Nord")},
    {"list_name": "region", "name": "south", **tr("label", "South", "Sud")},
    {"list_name": "priorities", "name": "violence", **tr("label", "Violence", "Violence")},
    {"list_name": "priorities", "name": "supply", **tr("label", "Supply", "Offre")},
    {"list_name": "priorities", "name": "health", **tr("label", "Health", "Santé")},
]

STATION_SETTINGS: Sheet = [
    {
        "form_title": "Station practice",
        "form_id": "station_practice_v2",
        "version": 2024031501,
        "default_language": "English (en)",
    }
]


def station_form(path: Path) -> Path:
    # Column order differs from the usual one, and header case varies, as in real forms.
    header = ["name", "Type", "relevant", "Appearance"]
    rows = [
        {("Type" if k == "type" else "Appearance" if k == "appearance" else k): v for k, v in r.items()}
        for r in STATION_SURVEY
    ]
    return write_form(path, rows, STATION_CHOICES, STATION_SETTINGS, survey_header=header)
