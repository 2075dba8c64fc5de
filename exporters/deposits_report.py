"""The annual list of the deposits held for one depositor, as PDF and CSV.

Depositors (Cnap for the FNAC, Centre Pompidou, Sèvres, Mobilier national…) ask the museum for
a yearly list of their deposits with the location and condition of each. A plain module: it
receives ``DepositRow`` objects; its labels are French constants, like the registers.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .register_edition import (
    FRAME_WIDTH,
    MARGINS,
    PAGE,
    atomic_output,
    french_date,
    numbered_canvas,
    page_footer,
    signature_blocks,
    styles,
    text,
)

NO_LOCATION = "non renseignée"
NO_CONDITION = "non renseigné"
CSV_HEADER = (
    "N° de dépôt",
    "N° d'inventaire du déposant",
    "Désignation",
    "Auteur",
    "Date de prise en charge",
    "Acte de dépôt",
    "Convention",
    "Début de la convention",
    "Fin de la convention",
    "Sous-dépôt",
    "Lieu du sous-dépôt",
    "Localisation",
    "État",
    "Observations",
    "Fin du dépôt",
    "Acte de fin de dépôt",
)


@dataclass(frozen=True)
class DepositRow:
    """One deposit as printed; dates already written as text (dd/mm/yyyy)."""

    deposit_number: str
    depositor_number: str
    designation: str
    author: str = ""
    taken_in_charge_on: str = ""
    deposit_deed: str = ""
    convention_reference: str = ""
    convention_start: str = ""
    convention_end: str = ""
    is_sub_deposit: bool = False
    sub_deposit_place: str = ""
    location: str = ""
    condition: str = ""
    observations: str = ""
    ended_on: str = ""
    end_deed: str = ""


@dataclass(frozen=True)
class DepositsInfo:
    museum_name: str
    city: str
    museofile: str
    depositor: str
    year: int
    edition_date: date


def _csv_values(row: DepositRow) -> list[str]:
    return [
        row.deposit_number,
        row.depositor_number,
        row.designation,
        row.author,
        row.taken_in_charge_on,
        row.deposit_deed,
        row.convention_reference,
        row.convention_start,
        row.convention_end,
        "oui" if row.is_sub_deposit else "non",
        row.sub_deposit_place,
        row.location or NO_LOCATION,
        row.condition or NO_CONDITION,
        row.observations,
        row.ended_on,
        row.end_deed,
    ]


def write_deposits_csv(path: str | os.PathLike, rows: Iterable[DepositRow]) -> int:
    """Write the list as CSV (UTF-8 with BOM, ``;``, for spreadsheets); return the row count."""
    count = 0
    with atomic_output(path) as temporary:
        with open(temporary, "w", encoding="utf-8-sig", newline="") as output:
            writer = csv.writer(output, delimiter=";")
            writer.writerow(CSV_HEADER)
            for row in rows:
                writer.writerow(_csv_values(row))
                count += 1
    return count


def _pdf_row(row: DepositRow, cell) -> list[Paragraph]:
    def para(*parts: str) -> Paragraph:
        return Paragraph("<br/>".join(part for part in parts if part), cell)

    convention = ""
    if row.convention_start or row.convention_end:
        convention = f"du {row.convention_start or '?'} au {row.convention_end or '?'}"
    sub_deposit = "oui" if row.is_sub_deposit else "non"
    ended = f"<b>Fin du dépôt :</b> {text(row.ended_on)}" if row.ended_on else ""
    return [
        para(f"<b>{text(row.deposit_number)}</b>", text(row.depositor_number)),
        para(f"<b>{text(row.designation)}</b>", text(row.author)),
        para(
            f"Pris en charge le {text(row.taken_in_charge_on)}",
            text(row.deposit_deed),
            f"<b>Convention :</b> {text(row.convention_reference) or '—'}",
            convention,
        ),
        para(sub_deposit, text(row.sub_deposit_place)),
        para(text(row.location) or f"<i>{NO_LOCATION}</i>"),
        para(text(row.condition) or f"<i>{NO_CONDITION}</i>"),
        para(text(row.observations), ended, text(row.end_deed)),
    ]


def _footer(info: DepositsInfo) -> Callable[[Canvas, int], None]:
    return page_footer(
        f"État annuel des dépôts — {info.depositor} — {info.year} — {info.museum_name}"
    )


def write_deposits_pdf(
    path: str | os.PathLike, info: DepositsInfo, rows: Iterable[DepositRow]
) -> int:
    """Write the list as an A4 landscape PDF with the signatures; return its page count."""
    style = styles(7.5)
    cell = style["cell"]
    header = [
        "N° de dépôt<br/>N° du déposant",
        "Désignation<br/>Auteur",
        "Prise en charge, acte de dépôt<br/>Convention (référence, durée)",
        "Sous-dépôt<br/>(lieu)",
        "Localisation",
        "État",
        "Observations<br/>Fin du dépôt",
    ]
    table_rows = [[Paragraph(f"<b>{label}</b>", cell) for label in header]]
    table_rows += (_pdf_row(row, cell) for row in rows)
    count = len(table_rows) - 1
    widths = [2.8, 5.0, 5.0, 3.2, 3.2, 3.4]
    widths = [w * cm for w in widths] + [FRAME_WIDTH - sum(widths) * cm]
    body = style["body"]
    story = [
        Paragraph(f"État annuel des dépôts — {text(info.depositor)} — {info.year}", style["h1"]),
        Paragraph(
            f"Dépositaire : <b>{text(info.museum_name)}</b>, {text(info.city)} "
            f"(Muséofile {text(info.museofile)})",
            body,
        ),
        Paragraph(f"Déposant : <b>{text(info.depositor)}</b>", body),
        Paragraph(
            f"Biens déposés détenus au cours de l'année {info.year} : <b>{count}</b>. "
            f"Situation au {french_date(info.edition_date)}.",
            body,
        ),
        Spacer(1, 6),
    ]
    if count:
        story.append(
            Table(
                table_rows,
                colWidths=widths,
                repeatRows=1,
                splitInRow=1,
                style=TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                ),
            )
        )
    else:
        story.append(Paragraph("Néant : aucun dépôt de ce déposant n'est détenu.", body))
    story += [
        Spacer(1, 0.8 * cm),
        KeepTogether([Paragraph("Certifié exact.", body), *signature_blocks(info.city)]),
    ]
    with atomic_output(path) as temporary:
        doc = SimpleDocTemplate(
            temporary,
            pagesize=PAGE,
            invariant=True,
            title=f"État annuel des dépôts — {info.depositor} — {info.year}",
            author=info.museum_name,
            creator="Cartel",
            **{f"{side}Margin": value for side, value in MARGINS.items()},
        )
        doc.build(story, canvasmaker=numbered_canvas(_footer(info)))
    return doc.page
