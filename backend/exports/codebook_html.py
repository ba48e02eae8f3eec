"""The codebook as one self-contained HTML document (no script, no outside resource), in the
export's language, so that it can be saved and handed over with the data file."""

from __future__ import annotations

from html import escape

from backend.exports.services import Codebook
from backend.i18n import Language

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3rem;"
    "vertical-align:top;text-align:left}code{font-size:.95em}dl{display:grid;grid-template-columns:max-content 1fr;"
    "gap:.2rem 1rem}ul{margin:0;padding-left:1rem}"
)


def codebook_html(book: Codebook, language: Language) -> str:
    about = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in book.about.lines())
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in book.headings)
    rows = []
    for e in book.entries:
        codes = (
            "<ul>" + "".join(f"<li><code>{value}</code> = {escape(label)}</li>" for value, label in e.codes) + "</ul>"
            if e.codes
            else ""
        )
        cells = [
            f'<th scope="row" id="var-{escape(e.name)}"><code>{escape(e.name)}</code></th>',
            *(
                f"<td>{escape(text)}</td>"
                for text in (e.label, e.question_id, e.question, e.question_type, e.holds, e.storage)
            ),
            f"<td>{codes}</td>",
            f"<td>{escape(e.missing)}</td>",
            f"<td>{escape(e.condition)}</td>",
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    title = language.gettext("Codebook: %(round)s", round=book.about.round_title)
    note = language.gettext(
        "Codes -7, -8 and -9 are user-missing values in the SPSS file; in every format an empty cell means no answer."
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language.code)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body><main>"
        f"<h1>{escape(title)}</h1><dl>{about}</dl>"
        f"<p>{escape(note)}</p>"
        f"<table><caption>{escape(language.gettext('Variables, in the order of the columns'))}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></main></body></html>\n"
    )
