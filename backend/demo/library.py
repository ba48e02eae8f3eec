"""The demo's reports library (issue 12): one small commissioned report, its PDF made here (a
valid one-page PDF with a correct cross-reference table), published through the library's own
service so that it is stored and audited like a real upload."""

from __future__ import annotations

from backend.i18n import language_for
from backend.library.checks import ReportInput, Upload
from backend.library.services import create_report
from backend.security.roles import Viewer


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII) in Helvetica."""
    safe = text.encode("ascii", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 18 Tf 72 720 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\n"
    out += b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)


REPORT = ReportInput(
    title={
        "en": "Managing open-air drug markets: lessons from five cities",
        "fr": "Gérer les marchés de la drogue à ciel ouvert : leçons de cinq villes",
        "es": "Gestionar los mercados de drogas al aire libre: lecciones de cinco ciudades",
    },
    summary={
        "en": "A short study commissioned for the initiative: how five forces reduced the harms of open-air "
        "markets, what displacement they saw, and how they measured success.",
        "fr": "Une courte étude commandée pour l’initiative : comment cinq forces ont réduit les nuisances "
        "des marchés à ciel ouvert, quel déplacement elles ont constaté et comment elles ont mesuré le succès.",
        "es": "Un breve estudio encargado para la iniciativa: cómo cinco cuerpos redujeron los daños de los "
        "mercados al aire libre, qué desplazamiento observaron y cómo midieron el éxito.",
    },
    default_language="en",
    authors="Practice Exchange research team",
    published_on="2026-09-15",
    themes=["strategy", "targeting"],
)


async def seed_library(staff: Viewer) -> int:
    """Publish the demo report; its id."""
    pdf = tiny_pdf("Managing open-air drug markets: lessons from five cities")
    upload = Upload("open-air-markets.pdf", "application/pdf", pdf)
    report = await create_report(REPORT, upload, staff, 20 * 1024 * 1024, language_for("en"))
    return report.id
