"""The official report of a récolement campaign (procès-verbal, arrêté du 25 mai 2004, art. 13).

A plain module: it receives the campaign as ``PvInfo``, its figures as ``PvCounts`` and the
annexed lists as ``PvRow`` lists, and writes an A4 landscape PDF following the SMF's model:
campaign, dates, method and scope; the counts; free comments; the two signatures; then the
annexed lists (non vus, manquants, détruits, non inventoriés, inventoriés plusieurs fois).
Its labels are French constants: the PV is a French legal document whatever the language of
the interface.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

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

TITLE = "Procès-verbal de récolement"
LEGAL_BASIS = (
    "Code du patrimoine, article L. 451-2 ; arrêté du 25 mai 2004 fixant les normes techniques "
    "relatives à la tenue de l'inventaire, du registre des biens déposés dans un musée de France "
    "et au récolement, titre III (articles 11 à 14)."
)
NONE = "Néant"
EMPTY = "—"
#: The annexed lists, in the order of the SMF's model.
ANNEXES = (
    ("not_seen", "Biens non vus"),
    ("missing", "Biens manquants"),
    ("destroyed", "Biens détruits"),
    ("not_inventoried", "Biens non inventoriés"),
    ("inventoried_twice", "Biens inventoriés plusieurs fois"),
)
#: The follow-up actions (RecolementRecord.FOLLOW_UPS), in French.
FOLLOW_UPS = {
    "to_inventory": "à inventorier",
    "to_mark": "à marquer",
    "to_photograph": "à photographier",
    "to_restore": "à restaurer",
    "to_search": "à rechercher",
    "complaint_filed": "plainte déposée",
    "to_document": "dossier documentaire à créer",
}
ANNEX_HEADER = (
    "N° d'inventaire<br/>(ou description)",
    "Désignation",
    "Localisation attendue",
    "Localisation constatée",
    "Observations",
)


@dataclass(frozen=True)
class PvInfo:
    """The museum and the campaign, as printed."""

    museum_name: str
    city: str
    museofile: str
    campaign: str
    plan: str
    start_date: date
    end_date: date | None
    closed: bool
    method: str = ""
    locations: tuple[str, ...] = ()
    domains: str = ""
    inventory_years: str = ""
    team: str = ""
    comments: str = ""
    edition_date: date | None = None


@dataclass(frozen=True)
class PvCounts:
    """The figures of the report (marking, place and condition count the works seen)."""

    total: int
    seen: int
    not_seen: int
    missing: int
    destroyed: int
    not_inventoried: int
    inventoried_twice: int
    marked: int
    unmarked: int
    on_display: int
    in_storage: int
    identification_problems: int
    with_photos: int
    condition_good: int
    condition_fair: int
    condition_poor: int
    condition_critical: int

    @property
    def condition_unknown(self) -> int:
        known = self.condition_good + self.condition_fair
        return self.seen - known - self.condition_poor - self.condition_critical


@dataclass(frozen=True)
class PvRow:
    """One line of an annexed list; ``number`` is the description for an object not
    inventoried."""

    number: str
    designation: str = ""
    expected_location: str = ""
    location_found: str = ""
    notes: str = ""
    follow_ups: tuple[str, ...] = field(default_factory=tuple)


def count_lines(counts: PvCounts) -> list[tuple[str, str, int]]:
    """(group, label, figure) in the order printed."""
    return [
        ("Présence", "Biens vus", counts.seen),
        ("Présence", "Biens non vus", counts.not_seen),
        ("Présence", "Biens manquants", counts.missing),
        ("Présence", "Biens détruits", counts.destroyed),
        ("Inventaire", "Biens non inventoriés", counts.not_inventoried),
        ("Inventaire", "Biens inventoriés plusieurs fois", counts.inventoried_twice),
        ("Marquage (biens vus)", "Biens marqués", counts.marked),
        ("Marquage (biens vus)", "Biens non marqués", counts.unmarked),
        ("Localisation (biens vus)", "Biens exposés", counts.on_display),
        ("Localisation (biens vus)", "Biens en réserve", counts.in_storage),
        ("Identification", "Problèmes d'identification", counts.identification_problems),
        ("État de conservation (biens vus)", "Bon", counts.condition_good),
        ("État de conservation (biens vus)", "Moyen", counts.condition_fair),
        ("État de conservation (biens vus)", "Mauvais", counts.condition_poor),
        ("État de conservation (biens vus)", "Péril", counts.condition_critical),
        ("État de conservation (biens vus)", "Non renseigné", counts.condition_unknown),
        ("Photographies", "Biens disposant de photographies", counts.with_photos),
        ("Total", "Total des biens récolés", counts.total),
    ]


def _dates(info: PvInfo) -> str:
    if info.end_date:
        dates = f"du {french_date(info.start_date)} au {french_date(info.end_date)}"
    else:
        dates = f"à partir du {french_date(info.start_date)}"
    return dates + ("" if info.closed else " (campagne en cours)")


def _campaign_table(info: PvInfo, style) -> Table:
    cell = style["cell"]
    scope = [
        f"<b>Localisations :</b> {'<br/>'.join(text(n) for n in info.locations) or 'toutes'}",
        f"<b>Domaines :</b> {text(info.domains) or 'tous'}",
        f"<b>Années d'inventaire :</b> {text(info.inventory_years) or 'toutes'}",
    ]
    rows = [
        ("Plan de récolement", text(info.plan)),
        ("Campagne", f"<b>{text(info.campaign)}</b>"),
        ("Dates", _dates(info)),
        ("Méthode, moyens techniques", text(info.method) or EMPTY),
        ("Périmètre", "<br/>".join(scope)),
        ("Équipe", text(info.team) or EMPTY),
    ]
    return Table(
        [[Paragraph(f"<b>{label}</b>", cell), Paragraph(value, cell)] for label, value in rows],
        colWidths=[5.5 * cm, FRAME_WIDTH - 5.5 * cm],
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        ),
        hAlign="LEFT",
    )


def _counts_table(counts: PvCounts, style) -> Table:
    cell = style["cell"]
    rows = [[Paragraph(f"<b>{h}</b>", cell) for h in ("Rubrique", "Constat", "Nombre")]]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (2, 0), (2, -1), "RIGHT"),
    ]
    previous = None
    for group, label, figure in count_lines(counts):
        shown = group if group != previous else ""
        previous = group
        bold = group == "Total"
        rows.append(
            [
                Paragraph(text(shown), cell),
                Paragraph(f"<b>{label}</b>" if bold else label, cell),
                Paragraph(f"<b>{figure}</b>" if bold else str(figure), cell),
            ]
        )
    commands.append(("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 1.2, colors.black))
    return Table(
        rows,
        colWidths=[6 * cm, 8 * cm, 2.5 * cm],
        style=TableStyle(commands),
        hAlign="LEFT",
        repeatRows=1,
    )


def _notes(row: PvRow) -> str:
    parts = [text(row.notes)] if row.notes.strip() else []
    if row.follow_ups:
        actions = ", ".join(FOLLOW_UPS.get(key, key) for key in row.follow_ups)
        parts.append(f"Suites à donner : {text(actions)}")
    return "<br/>".join(parts)


def _annex(number: int, title: str, rows: Sequence[PvRow], style) -> list:
    heading = Paragraph(f"Annexe {number} — {title} ({len(rows)})", style["h2"])
    if not rows:
        return [KeepTogether([heading, Paragraph(NONE, style["body"])])]
    cell = style["cell"]
    table_rows = [[Paragraph(f"<b>{label}</b>", cell) for label in ANNEX_HEADER]]
    for row in rows:
        table_rows.append(
            [
                Paragraph(f"<b>{text(row.number)}</b>", cell),
                Paragraph(text(row.designation) or EMPTY, cell),
                Paragraph(text(row.expected_location) or EMPTY, cell),
                Paragraph(text(row.location_found) or EMPTY, cell),
                Paragraph(_notes(row), cell),
            ]
        )
    widths = [4.2, 6.0, 5.0, 5.0]
    widths = [w * cm for w in widths] + [FRAME_WIDTH - sum(widths) * cm]
    table = Table(
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
    return [heading, Spacer(1, 4), table]


def _footer(info: PvInfo) -> Callable[[Canvas, int], None]:
    return page_footer(f"{TITLE} — {info.campaign} — {info.museum_name}")


def write_recolement_pv(
    path: str | os.PathLike,
    info: PvInfo,
    counts: PvCounts,
    annexes: Mapping[str, Sequence[PvRow]],
) -> int:
    """Write the procès-verbal to ``path`` (atomically); return its number of pages.

    ``annexes`` maps each key of ``ANNEXES`` to its rows (a missing key is an empty list)."""
    style = styles(8.5)
    body = style["body"]
    story = [
        Paragraph(
            f"{text(info.museum_name)} — {text(info.city)} — Muséofile {text(info.museofile)}",
            body,
        ),
        Paragraph(TITLE, style["h1"]),
        Paragraph(LEGAL_BASIS, style["small"]),
        Spacer(1, 6),
        _campaign_table(info, style),
        Paragraph("Résultats du récolement", style["h2"]),
        Spacer(1, 4),
        _counts_table(counts, style),
        Paragraph("Observations", style["h2"]),
        Paragraph(text(info.comments) or NONE, body),
        Spacer(1, 0.4 * cm),
        KeepTogether(
            [
                Paragraph(
                    "Le présent procès-verbal et ses annexes ont été établis à l'issue de la "
                    "campagne de récolement décrite ci-dessus.",
                    body,
                ),
                *signature_blocks(info.city),
            ]
        ),
        PageBreak(),
        Paragraph("Listes annexées", style["h1"]),
    ]
    for number, (key, title) in enumerate(ANNEXES, start=1):
        story += _annex(number, title, annexes.get(key, ()), style)
    if info.edition_date:
        story += [
            Spacer(1, 0.6 * cm),
            Paragraph(f"Édité le {french_date(info.edition_date)}.", style["small"]),
        ]
    with atomic_output(path) as temporary:
        doc = SimpleDocTemplate(
            temporary,
            pagesize=PAGE,
            invariant=True,
            title=f"{TITLE} — {info.campaign}",
            author=info.museum_name,
            subject=info.plan,
            creator="Cartel",
            **{f"{side}Margin": value for side, value in MARGINS.items()},
        )
        doc.build(story, canvasmaker=numbered_canvas(_footer(info)))
    return doc.page
