"""The annual printed edition of the inventory register (arrêté du 25 mai 2004, annex 1).

A plain module: it receives the entries as ``EditionEntry`` objects and writes an A4 landscape
PDF to be printed on permanent paper, initialled page by page and bound. Its labels are French
constants: the register is a French legal document whatever the language of the interface.

The layout follows the SMF's guidance for a computerised edition: a title page, preliminary
pages (what the edition holds, its legal basis, the certificate of initialling), the entries in
order of entry with every annex-1 column, the year's removals, a closing page with the
signatures, then blank numbered pages for later annotations. Every page carries
"page N / total", the year and a box for the initials.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

PAGE = landscape(A4)
MARGINS = {"left": 2.5 * cm, "right": 1.5 * cm, "top": 1.5 * cm, "bottom": 2.4 * cm}
FRAME_WIDTH = PAGE[0] - MARGINS["left"] - MARGINS["right"]
FRAME_HEIGHT = PAGE[1] - MARGINS["top"] - MARGINS["bottom"]
HEADER_HEIGHT = 16  # the band naming the column groups on the pages of entries
# Number, 1. legal status and acquisition, 2. description, 3. complementary information
COLUMNS = (2.6 * cm, 7.6 * cm, 7.8 * cm)
COLUMNS = (*COLUMNS, FRAME_WIDTH - sum(COLUMNS))
GREY = colors.HexColor("#555555")
RED = colors.HexColor("#a00000")

TITLE = "Registre d'inventaire des biens affectés aux collections du musée"
EDITION = "Édition informatisée annuelle — arrêté du 25 mai 2004, annexe 1"
ARCHIVES_COPY = "Exemplaire destiné au service d'archives compétent"
REMOVED = "RAYÉ DE L'INVENTAIRE"
LEGAL_BASIS = (
    "Code du patrimoine, article L. 451-2 ; arrêté du 25 mai 2004 fixant les normes techniques "
    "relatives à la tenue de l'inventaire, du registre des biens déposés dans un musée de France "
    "et au récolement, annexe 1 (colonnes du registre) et annexe 4 (édition informatisée)."
)
PAPER_PREVAILS = (
    "Les inscriptions portées au registre avant la présente édition informatisée, et celles "
    "portées sur un registre papier tenu à la main, restent régies par ce registre papier, qui "
    "fait foi pour elles."
)
#: The five legal cases of removal (radiation), by the code the database stores.
REMOVAL_CASES = {
    "destruction": "destruction",
    "undue_entry": "inscription indue",
    "change_of_assignment": "changement d'affectation",
    "transfer_of_ownership": "transfert de propriété",
    "declassification": "déclassement",
}
GROUP_TITLES = (
    "N° d'inventaire",
    "1. Statut juridique et acquisition",
    "2. Description",
    "3. Informations complémentaires",
)
GROUPS = (
    (
        ("acquisition_mode", "Mode d'acquisition"),
        ("acquisition_source", "Donateur, testateur ou vendeur"),
        ("acquisition_deed_date", "Date de l'acte d'acquisition"),
        ("assignment_date", "Date d'affectation au musée"),
        ("scientific_opinion", "Avis des instances scientifiques"),
        ("price", "Prix d'achat"),
        ("registration_date", "Date d'inscription au registre"),
    ),
    (
        ("designation", "Désignation"),
        ("inscriptions", "Marques et inscriptions"),
        ("materials", "Matériaux"),
        ("techniques", "Techniques"),
        ("measurements", "Mesures"),
        ("identification_notes", "État, indications particulières"),
    ),
    (
        ("author", "Auteur, collecteur, fabricant, commanditaire"),
        ("period", "Époque, datation"),
        ("function", "Fonction, utilisation"),
        ("provenance", "Provenance"),
        ("discovery", "Date et lieu de découverte"),
        ("observations", "Observations"),
    ),
)
EMPTY = "—"


@dataclass(frozen=True)
class EditionRemoval:
    """A removal (radiation) as printed: the case in French, the decision and its date."""

    case: str
    decision_reference: str
    decision_date: str
    recorded_on: str = ""


@dataclass(frozen=True)
class EditionEntry:
    """One validated entry of the register, its annex-1 columns as printable text."""

    inventory_number: str
    sequence: int
    designation: str
    acquisition_mode: str = ""
    acquisition_source: str = ""
    acquisition_deed_date: str = ""
    assignment_date: str = ""
    scientific_opinion: str = ""
    price: str = ""  # amount in euros with AS/ANS, e.g. "1 500,00 € (AS)"
    registration_date: str = ""
    inscriptions: str = ""
    materials: str = ""
    techniques: str = ""
    measurements: str = ""
    identification_notes: str = ""
    author: str = ""
    period: str = ""
    function: str = ""
    provenance: str = ""
    discovery: str = ""
    observations: str = ""
    removal: EditionRemoval | None = None


@dataclass(frozen=True)
class EditionInfo:
    """What the title page, the footers and the closing page say about the edition."""

    museum_name: str
    city: str
    museofile: str
    year: int
    edition_date: date
    archives_copy: bool = False
    blank_pages: int = 4


# Shared by the PDF exporters -------------------------------------------------------------------


def styles(size: float = 8) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=size, leading=size * 1.22)
    return {
        "cell": base,
        "label": ParagraphStyle("label", base, leftIndent=8, firstLineIndent=-8),
        "number": ParagraphStyle(
            "number", base, fontName="Helvetica-Bold", fontSize=10, leading=12
        ),
        "removed": ParagraphStyle(
            "removed", base, fontName="Helvetica-Bold", textColor=RED, fontSize=8.5, leading=10.5
        ),
        "body": ParagraphStyle("body", base, fontSize=10, leading=14, spaceAfter=6),
        "small": ParagraphStyle("small", base, fontSize=8, leading=10, textColor=GREY),
        "h1": ParagraphStyle(
            "h1", base, fontName="Helvetica-Bold", fontSize=15, leading=19, spaceAfter=12
        ),
        "h2": ParagraphStyle(
            "h2", base, fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=8
        ),
        "centre": ParagraphStyle("centre", base, fontSize=12, leading=16, alignment=TA_CENTER),
    }


def text(value: str) -> str:
    """A value as Paragraph markup: escaped, its line breaks kept."""
    return escape(value.strip()).replace("\n", "<br/>")


def french_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[str]:
    """A temporary file beside ``path``, moved onto it only once fully written."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent or "."
    )
    os.close(handle)
    try:
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class LateLine(Flowable):
    """One line whose text needs the document's page count: ``{total}`` is filled in last."""

    def __init__(self, template: str, style: ParagraphStyle):
        super().__init__()
        self.template, self.style = template, style
        self.spaceAfter = style.spaceAfter

    def wrap(self, available_width, available_height):
        return available_width, self.style.leading

    def draw(self):
        x, y = self.canv.absolutePosition(0, self.style.leading - self.style.fontSize)
        font = (self.style.fontName, self.style.fontSize)
        self.canv.late_lines[self.canv.getPageNumber()].append((x, y, font, self.template))


class BlankPage(Flowable):
    """Nothing, so that a page break makes an empty (but numbered) page."""

    def wrap(self, available_width, available_height):
        return 0, 1

    def draw(self):
        pass


def numbered_canvas(footer: Callable[[Canvas, int], None]) -> type[Canvas]:
    """A canvas that holds its pages until the end to draw ``footer(canvas, total)`` on each."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.pages: list[dict] = []
            self.late_lines: dict[int, list] = defaultdict(list)

        def showPage(self):
            self.pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self.pages)
            for page in self.pages:
                self.__dict__.update(page)
                for x, y, font, template in self.late_lines[self._pageNumber]:
                    self.setFont(*font)
                    self.drawString(x, y, template.format(total=total))
                footer(self, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def page_footer(left: str) -> Callable[[Canvas, int], None]:
    """A plain footer: a rule, ``left`` in small type and "page N / total" on the right."""

    def draw(canvas: Canvas, total: int) -> None:
        canvas.saveState()
        y = MARGINS["bottom"] - 0.9 * cm
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.4)
        canvas.line(MARGINS["left"], y + 14, PAGE[0] - MARGINS["right"], y + 14)
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(MARGINS["left"], y, left)
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawRightString(
            PAGE[0] - MARGINS["right"], y, f"page {canvas.getPageNumber()} / {total}"
        )
        canvas.restoreState()

    return draw


def paraphe_box(canvas: Canvas, x: float, y: float, width=2.6 * cm, height=1.2 * cm) -> None:
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.6)
    canvas.rect(x, y, width, height)
    canvas.setFont("Helvetica", 6)
    canvas.setFillColor(GREY)
    canvas.drawString(x + 3, y + height - 8, "Paraphe")
    canvas.setFillColor(colors.black)


def signature_blocks(city: str, size: float = 10) -> list[Flowable]:
    """Place, date and the two signatures (scientific officer, head of the institution)."""
    style = styles(size)["body"]
    cell = ParagraphStyle("signature", style, spaceAfter=0)

    def block(role: str) -> list[Paragraph]:
        return [
            Paragraph(f"<b>{role}</b>", cell),
            Paragraph("Nom et prénom :", cell),
            Spacer(1, 4),
            Paragraph("Signature :", cell),
        ]

    table = Table(
        [
            [
                block("Le responsable scientifique des collections"),
                block("Le chef d'établissement"),
            ]
        ],
        colWidths=[FRAME_WIDTH / 2 - 12] * 2,
        rowHeights=[3.6 * cm],
        style=TableStyle(
            [
                ("BOX", (0, 0), (0, 0), 0.6, colors.black),
                ("BOX", (1, 0), (1, 0), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
            ]
        ),
        hAlign="LEFT",
    )
    return [
        Paragraph(f"Fait à {text(city)}, le ____________________", style),
        Spacer(1, 8),
        table,
    ]


# The edition ----------------------------------------------------------------------------------


class EntryTable(Table):
    """An entry never runs over two pages unless it is taller than a whole page."""

    def split(self, available_width, available_height):
        self._calc(available_width, available_height)
        if self._height <= FRAME_HEIGHT - HEADER_HEIGHT:
            return []  # it fits on the next page: move it there whole
        return super().split(available_width, available_height)


@dataclass
class _Tally:
    count: int = 0
    removed: int = 0
    first: EditionEntry | None = None
    last: EditionEntry | None = None


def _entry_flowable(entry: EditionEntry, style: dict[str, ParagraphStyle]) -> Table:
    first = [
        Paragraph(text(entry.inventory_number), style["number"]),
        Paragraph(f"n° d'ordre {entry.sequence}", style["cell"]),
    ]
    cells = [first]
    for group in GROUPS:
        cells.append(
            [
                Paragraph(
                    f'<font color="#555555">{label} :</font> {text(getattr(entry, name)) or EMPTY}',
                    style["label"],
                )
                for name, label in group
            ]
        )
    rows = [cells]
    commands = [
        ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
        ("LINEAFTER", (0, 0), (-2, 0), 0.3, GREY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if entry.removal:
        first.append(Paragraph("RAYÉ", style["removed"]))
        rows.append([Paragraph(_removal_text(entry.removal), style["removed"]), "", "", ""])
        commands += [
            ("SPAN", (0, 1), (-1, 1)),
            ("LINEABOVE", (0, 1), (-1, 1), 0.6, RED),
            ("BOX", (0, 1), (-1, 1), 1.2, RED),
        ]
    return EntryTable(rows, colWidths=COLUMNS, style=TableStyle(commands), splitInRow=1)


def _removal_text(removal: EditionRemoval) -> str:
    recorded = f" — radiation portée le {removal.recorded_on}" if removal.recorded_on else ""
    return (
        f"{REMOVED} — cas : {text(removal.case)} — décision : {text(removal.decision_reference)}"
        f" du {text(removal.decision_date)}{recorded}"
    )


def _title_page(info: EditionInfo, style) -> list[Flowable]:
    centre = style["centre"]
    big = ParagraphStyle("big", centre, fontName="Helvetica-Bold", fontSize=20, leading=26)
    year = ParagraphStyle("year", big, fontSize=40, leading=48)
    story = [
        Spacer(1, 1.2 * cm),
        Paragraph(text(info.museum_name), big),
        Paragraph(text(info.city), centre),
        Paragraph(f"Muséofile : {text(info.museofile)}", centre),
        Spacer(1, 1.6 * cm),
        Paragraph(TITLE, big),
        Spacer(1, 0.6 * cm),
        Paragraph(str(info.year), year),
        Spacer(1, 0.6 * cm),
        Paragraph(EDITION, centre),
        Paragraph(f"Éditée le {french_date(info.edition_date)}", centre),
    ]
    if info.archives_copy:
        boxed = ParagraphStyle(
            "boxed", centre, fontName="Helvetica-Bold", borderWidth=1, borderPadding=8
        )
        story += [Spacer(1, 1.2 * cm), Paragraph(ARCHIVES_COPY, boxed)]
    return story


def _preliminary_pages(info: EditionInfo, tally: _Tally, removals: int, style) -> list[Flowable]:
    body = style["body"]
    if tally.count:
        scope = [
            f"La présente édition comprend <b>{tally.count}</b> inscription(s) portée(s) au "
            f"registre au cours de l'année {info.year}, dans l'ordre d'inscription.",
            f"Première inscription : n° d'inventaire {text(tally.first.inventory_number)}, "
            f"n° d'ordre {tally.first.sequence}.",
            f"Dernière inscription : n° d'inventaire {text(tally.last.inventory_number)}, "
            f"n° d'ordre {tally.last.sequence}.",
        ]
    else:
        scope = [f"Aucune inscription n'a été portée au registre au cours de l'année {info.year}."]
    if removals:
        scope.append(
            f"La présente édition reproduit en outre {removals} radiation(s) d'inscriptions "
            f"d'années antérieures portée(s) au cours de l'année {info.year}."
        )
    story = [
        Paragraph(f"Présentation de l'édition {info.year}", style["h1"]),
        *(Paragraph(line, body) for line in scope),
        Paragraph(f"Date d'édition : {french_date(info.edition_date)}.", body),
        Paragraph("Fondement juridique", style["h2"]),
        Paragraph(LEGAL_BASIS, body),
        Paragraph(PAPER_PREVAILS, body),
        Paragraph(
            "Chaque inscription reprend les colonnes de l'annexe 1, en trois groupes : statut "
            "juridique et acquisition, description, informations complémentaires. Une "
            f"inscription radiée reste lisible et porte la mention « {REMOVED} », avec le cas, "
            "la référence et la date de la décision. Les dernières pages, laissées en blanc, "
            "sont réservées aux annotations ultérieures.",
            body,
        ),
        Paragraph(
            "À imprimer sur papier permanent (ISO 9706) avec une encre stable, à parapher page "
            "par page puis à relier.",
            style["small"],
        ),
        Paragraph("Certificat de paraphe", style["h2"]),
        Paragraph(
            f"Je soussigné(e), responsable scientifique des collections du {text(info.museum_name)}"
            f", certifie avoir paraphé chacune des pages de la présente édition du registre "
            f"d'inventaire pour l'année {info.year}.",
            body,
        ),
        LateLine("La présente édition compte {total} pages, numérotées de 1 à {total}.", body),
        Spacer(1, 8),
        Table(
            [["Nom et prénom :", "Initiales :", "Signature :"]],
            colWidths=[FRAME_WIDTH * 0.45, FRAME_WIDTH * 0.2, FRAME_WIDTH * 0.35],
            rowHeights=[2.4 * cm],
            style=TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONT", (0, 0), (-1, -1), "Helvetica", 10),
                ]
            ),
            hAlign="LEFT",
        ),
        Spacer(1, 8),
        Paragraph(f"Fait à {text(info.city)}, le ____________________", body),
    ]
    return story


def _removals_section(removals: Iterable[EditionEntry], style) -> tuple[list[Flowable], int]:
    cell = style["cell"]
    header = [
        "N° d'inventaire",
        "N° d'ordre",
        "Désignation",
        "Cas de radiation",
        "Décision",
        "Date de la décision",
        "Radiation portée le",
    ]
    rows = [[Paragraph(f"<b>{label}</b>", cell) for label in header]]
    for entry in removals:
        removal = entry.removal or EditionRemoval("", "", "")
        rows.append(
            [
                Paragraph(f"<b>{text(entry.inventory_number)}</b>", cell),
                Paragraph(str(entry.sequence), cell),
                Paragraph(text(entry.designation), cell),
                Paragraph(text(removal.case), cell),
                Paragraph(text(removal.decision_reference), cell),
                Paragraph(text(removal.decision_date), cell),
                Paragraph(text(removal.recorded_on), cell),
            ]
        )
    if len(rows) == 1:
        return [], 0
    widths = [3.0, 1.8, 7.0, 3.2, 5.8, 2.4]
    widths = [w * cm for w in widths] + [FRAME_WIDTH - sum(widths) * cm]
    table = Table(
        rows,
        colWidths=widths,
        repeatRows=1,
        splitInRow=1,
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        ),
    )
    title = Paragraph("Radiations de l'année (inscriptions d'années antérieures)", style["h1"])
    return [title, table], len(rows) - 1


def _closing_page(info: EditionInfo, tally: _Tally, removals: int, style) -> list[Flowable]:
    body = style["body"]
    counted = f"<b>{tally.count}</b> inscription(s)"
    if tally.count:
        counted += f", du n° d'ordre {tally.first.sequence} au n° d'ordre {tally.last.sequence}"
    if tally.removed:
        counted += f", dont {tally.removed} radiée(s)"
    return [
        Paragraph(f"Clôture de l'édition {info.year}", style["h1"]),
        Paragraph(
            f"La présente édition du registre d'inventaire du {text(info.museum_name)} pour "
            f"l'année {info.year} comprend {counted}, et {removals} radiation(s) "
            "d'inscriptions d'années antérieures.",
            body,
        ),
        LateLine(
            "Elle compte {total} pages numérotées de 1 à {total}, dont les "
            f"{info.blank_pages} dernière(s), laissée(s) en blanc, réservée(s) aux annotations.",
            body,
        ),
        Paragraph(f"Date d'édition : {french_date(info.edition_date)}.", body),
        Spacer(1, 0.6 * cm),
        *signature_blocks(info.city),
    ]


def _footer(info: EditionInfo) -> Callable[[Canvas, int], None]:
    left = f"Registre d'inventaire — {info.museum_name} — édition {info.year}"
    if info.archives_copy:
        left += f" — {ARCHIVES_COPY}"

    def draw(canvas: Canvas, total: int) -> None:
        canvas.saveState()
        y = MARGINS["bottom"] - 0.9 * cm
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.4)
        canvas.line(MARGINS["left"], y + 14, PAGE[0] - MARGINS["right"], y + 14)
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(MARGINS["left"], y, left)
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawRightString(
            PAGE[0] - MARGINS["right"] - 3.2 * cm, y, f"page {canvas.getPageNumber()} / {total}"
        )
        paraphe_box(canvas, PAGE[0] - MARGINS["right"] - 2.6 * cm, 0.5 * cm)
        canvas.restoreState()

    return draw


def _group_header(canvas: Canvas, doc) -> None:
    """The band naming the column groups, on top of every page of entries."""
    canvas.saveState()
    x, top = MARGINS["left"], PAGE[1] - MARGINS["top"]
    canvas.setFillColor(colors.HexColor("#e6e6e6"))
    canvas.rect(x, top - HEADER_HEIGHT, FRAME_WIDTH, HEADER_HEIGHT, stroke=1, fill=1)
    canvas.setFillColor(colors.black)
    canvas.setFont("Helvetica-Bold", 8)
    for title, width in zip(GROUP_TITLES, COLUMNS, strict=True):
        canvas.drawString(x + 4, top - HEADER_HEIGHT + 5, title)
        x += width
    canvas.restoreState()


def write_register_edition(
    path: str | os.PathLike,
    info: EditionInfo,
    entries: Iterable[EditionEntry],
    removals: Iterable[EditionEntry] = (),
) -> int:
    """Write the year's edition to ``path`` (atomically); return its number of pages.

    ``entries`` come in order of entry (sequence); ``removals`` are the entries of earlier
    years removed during the year, each with its ``removal``.
    """
    style = styles()
    tally = _Tally()
    story: list[Flowable] = [NextPageTemplate("entries"), PageBreak()]
    for entry in entries:
        tally.count += 1
        tally.removed += entry.removal is not None
        tally.first = tally.first or entry
        tally.last = entry
        story.append(_entry_flowable(entry, style))
    if not tally.count:
        story.clear()
    removal_story, removal_count = _removals_section(removals, style)
    if removal_story:
        story += [NextPageTemplate("plain"), PageBreak(), *removal_story]
    story += [NextPageTemplate("plain"), PageBreak()]
    story += _closing_page(info, tally, removal_count, style)
    for _ in range(info.blank_pages):
        story += [PageBreak(), BlankPage()]
    story[0:0] = [
        *_title_page(info, style),
        PageBreak(),
        *_preliminary_pages(info, tally, removal_count, style),
    ]

    frame = Frame(*(MARGINS["left"], MARGINS["bottom"]), FRAME_WIDTH, FRAME_HEIGHT, id="plain")
    entries_frame = Frame(
        MARGINS["left"], MARGINS["bottom"], FRAME_WIDTH, FRAME_HEIGHT - HEADER_HEIGHT, id="entries"
    )
    with atomic_output(path) as temporary:
        doc = BaseDocTemplate(
            temporary,
            pagesize=PAGE,
            invariant=True,
            title=f"{TITLE} — {info.museum_name} — {info.year}",
            author=info.museum_name,
            subject=EDITION,
            creator="Cartel",
            pageTemplates=[
                PageTemplate("plain", [frame]),
                PageTemplate("entries", [entries_frame], onPage=_group_header),
            ],
            **{f"{side}Margin": value for side, value in MARGINS.items()},
        )
        doc.build(story, canvasmaker=numbered_canvas(_footer(info)))
    return doc.page
