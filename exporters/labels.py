"""Sheets of labels for works and locations, to stick on boxes, shelves and storage mounts.

A plain module: it receives ``Label`` objects and writes an A4 PDF laid out for the common
3 × 8 label stock of 70 × 37 mm (no side margins, 0.5 mm at top and bottom). Each label has a
QR code of its URL (a phone's camera opens the scan page), a Code 128 barcode of the bare code
(read by USB or Bluetooth "keyboard" scanners), the code in clear and two lines of text. What
is printed stays at least 4 mm from the sheet's edges, where most printers cannot print.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .register_edition import GREY, atomic_output

COLUMNS, ROWS = 3, 8
PER_PAGE = COLUMNS * ROWS
LABEL_WIDTH, LABEL_HEIGHT = 70 * mm, 37 * mm
LEFT = (A4[0] - COLUMNS * LABEL_WIDTH) / 2  # 0 mm
TOP = (A4[1] - ROWS * LABEL_HEIGHT) / 2  # 0.5 mm
PADDING_X, PADDING_Y = 5 * mm, 3.5 * mm
QR_SIZE = 19 * mm  # including the QR code's own quiet zone
BARCODE_HEIGHT = 9.5 * mm
MAX_BAR_WIDTH = 0.35 * mm
QUIET_MODULES = 10  # Code 128 needs 10 blank modules on each side
TITLE_FONT, TITLE_SIZE = "Helvetica-Bold", 8.5
SUBTITLE_FONT, SUBTITLE_SIZE, SUBTITLE_LINES = "Helvetica", 6.5, 3
CODE_FONT, CODE_SIZE, MIN_CODE_SIZE = "Helvetica-Bold", 9, 6
ELLIPSIS = "…"


@dataclass(frozen=True)
class Label:
    """One label: a bold title line, a smaller subtitle, the code scanned and the URL of its QR."""

    title: str
    subtitle: str
    code: str
    url: str


def fit(text: str, font: str, size: float, width: float) -> str:
    """The text on one line, cut with an ellipsis if it is wider than ``width``."""
    text = " ".join(text.split())
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def wrap(text: str, font: str, size: float, width: float, lines: int) -> list[str]:
    """The text in at most ``lines`` lines, the last cut with an ellipsis if it goes on."""
    split = simpleSplit(" ".join(text.split()), font, size, width)
    if len(split) <= lines:
        return split
    return [*split[: lines - 1], fit(" ".join(split[lines - 1 :]) + ELLIPSIS, font, size, width)]


def barcode(code: str, width: float) -> Code128:
    """A Code 128 of ``code`` as wide as ``width`` at most, bars no wider than MAX_BAR_WIDTH."""
    modules = Code128(code, barWidth=1, quiet=0).width
    bar = min(MAX_BAR_WIDTH, width / (modules + 2 * QUIET_MODULES))
    quiet = QUIET_MODULES * bar
    return Code128(
        code,
        barWidth=bar,
        barHeight=BARCODE_HEIGHT,
        humanReadable=False,
        lquiet=quiet,
        rquiet=quiet,
    )


def draw_label(canvas: Canvas, label: Label, x: float, y: float) -> None:
    """Draw ``label`` in the 70 × 37 mm cell whose lower left corner is (x, y)."""
    left, right = x + PADDING_X, x + LABEL_WIDTH - PADDING_X
    top, bottom = y + LABEL_HEIGHT - PADDING_Y, y + PADDING_Y

    qr = QrCodeWidget(label.url, barLevel="M")
    x0, y0, x1, y1 = qr.getBounds()
    drawing = Drawing(
        QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0]
    )
    drawing.add(qr)
    renderPDF.draw(drawing, canvas, left, top - QR_SIZE)

    text_left = left + QR_SIZE + 2 * mm
    width = right - text_left
    line_y = top - TITLE_SIZE
    canvas.setFont(TITLE_FONT, TITLE_SIZE)
    canvas.drawString(text_left, line_y, fit(label.title, TITLE_FONT, TITLE_SIZE, width))
    canvas.setFont(SUBTITLE_FONT, SUBTITLE_SIZE)
    canvas.setFillColor(GREY)
    line_y -= 1.5 * mm
    for line in wrap(label.subtitle, SUBTITLE_FONT, SUBTITLE_SIZE, width, SUBTITLE_LINES):
        line_y -= SUBTITLE_SIZE * 1.15
        canvas.drawString(text_left, line_y, line)
    canvas.setFillColorRGB(0, 0, 0)
    size = CODE_SIZE  # a long code is printed smaller rather than cut
    while size > MIN_CODE_SIZE and stringWidth(label.code, CODE_FONT, size) > width:
        size -= 0.5
    canvas.setFont(CODE_FONT, size)
    canvas.drawString(text_left, top - QR_SIZE + 1 * mm, fit(label.code, CODE_FONT, size, width))

    if label.code.isascii() and label.code.isprintable():
        bars = barcode(label.code, right - left)
        bars.drawOn(canvas, left + (right - left - bars.width) / 2, bottom)


def write_label_sheet(
    path, labels: Iterable[Label], *, skip: int = 0, outlines: bool = False
) -> int:
    """Write the labels on A4 sheets of 3 × 8 to ``path`` (atomically); return the page count.

    ``skip`` leaves the first positions of the first sheet empty (a sheet already partly used);
    ``outlines`` draws the labels' edges, to check the alignment on plain paper.
    """
    if not 0 <= skip < PER_PAGE:
        raise ValueError(f"skip is a number of labels from 0 to {PER_PAGE - 1}")
    with atomic_output(path) as temporary:
        canvas = Canvas(temporary, pagesize=A4, pageCompression=1)
        canvas.setTitle("Labels")
        position = skip
        for label in labels:
            if position and position % PER_PAGE == 0:
                canvas.showPage()
            row, column = divmod(position % PER_PAGE, COLUMNS)
            x = LEFT + column * LABEL_WIDTH
            y = A4[1] - TOP - (row + 1) * LABEL_HEIGHT
            if outlines:
                canvas.setStrokeColor(GREY)
                canvas.setLineWidth(0.2)
                canvas.rect(x, y, LABEL_WIDTH, LABEL_HEIGHT)
            draw_label(canvas, label, x, y)
            position += 1
        if position == skip:
            raise ValueError("no labels to print")
        canvas.save()
    return (position - 1) // PER_PAGE + 1
