"""Receipts as PDF: one 80 mm wide page, as tall as the receipt.

The content is the 42-column layout of :mod:`shopdesk.printing.receipt_text`, placed cell by
cell with DejaVu Sans (Latin, Greek, Cyrillic) and reportlab's built-in CID font STSong-Light
for runs of wide (CJK) characters, so Chinese product names show up. The receipt number is
drawn as a scannable Code 128 with quiet zones and the number in clear text under it. A copy
carries the "COPY" marker top and bottom plus a light diagonal watermark.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from datetime import tzinfo
from typing import BinaryIO

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from shopdesk.domain.receipt import Receipt
from shopdesk.printing.pdf_text import PdfFonts, draw_text, write_pdf
from shopdesk.printing.receipt_text import (
    WIDTH_80MM,
    Cell,
    TextLine,
    layout_receipt,
    resolve_labels,
)

PAGE_WIDTH = 80 * mm
MARGIN_X = 4 * mm  # 72 mm printable, like a thermal printer
MARGIN_Y = 5 * mm
COLUMNS = WIDTH_80MM
FONT_SIZE = 7.6  # points; 42 columns of DejaVu Sans fit in 72 mm
LINE_FACTOR = 1.3
BAR_HEIGHT = 10 * mm
QUIET_MODULES = 10  # Code 128 quiet zone on each side, in narrow-bar widths
MAX_BAR_WIDTH = 1.0  # points (0.35 mm)
LOGO_WIDTH = 40 * mm  # the logo is scaled to fit this box, centred at the top
LOGO_HEIGHT = 20 * mm
LOGO_GAP = 2 * mm

_COL = (PAGE_WIDTH - 2 * MARGIN_X) / COLUMNS


def _is_barcode(line: TextLine) -> bool:
    return line.kind == "barcode" and bool(line.value) and all(
        32 <= ord(ch) < 127 for ch in line.value
    )


def _line_height(line: TextLine) -> float:
    if _is_barcode(line):
        return 2 + BAR_HEIGHT + 2 + FONT_SIZE * LINE_FACTOR + 2
    return FONT_SIZE * LINE_FACTOR * (2 if line.double else 1)


def _draw_cell(c: Canvas, fonts: PdfFonts, cell: Cell, line: TextLine, baseline: float) -> None:
    scale = 2 if line.double else 1
    size = FONT_SIZE * scale
    x0 = MARGIN_X + cell.start * _COL * scale
    x1 = MARGIN_X + min(cell.end * scale, COLUMNS) * _COL
    text = cell.text.strip() if cell.align != "left" else cell.text.rstrip()
    width = fonts.width(text, line.bold, size)
    if width > x1 - x0 > 0:  # proportional text wider than its columns: shrink, never overlap
        size *= (x1 - x0) / width
        width = x1 - x0
    if cell.align == "right":
        x = x1 - width
    elif cell.align == "center":
        x = (x0 + x1 - width) / 2
    else:
        x = x0
    draw_text(c, fonts, text, x, baseline, size, line.bold)


def _draw_rule(c: Canvas, char: str, y: float) -> None:
    c.saveState()
    c.setLineWidth(0.5)
    if char == "=":
        for dy in (-0.9, 0.9):
            c.line(MARGIN_X, y + dy, PAGE_WIDTH - MARGIN_X, y + dy)
    else:
        c.setDash(1.5, 1.5)
        c.line(MARGIN_X, y, PAGE_WIDTH - MARGIN_X, y)
    c.restoreState()


def _draw_barcode(c: Canvas, fonts: PdfFonts, value: str, top: float) -> None:
    modules = Code128(value, barWidth=1, quiet=False).width
    bar_width = min(MAX_BAR_WIDTH, (PAGE_WIDTH - 2 * mm) / (modules + 2 * QUIET_MODULES))
    barcode = Code128(
        value, barWidth=bar_width, barHeight=BAR_HEIGHT, quiet=False, humanReadable=False
    )
    x = (PAGE_WIDTH - barcode.width) / 2
    bottom = top - 2 - BAR_HEIGHT
    c.saveState()
    c.setFillGray(1)  # quiet zones stay white even over a watermark
    quiet = QUIET_MODULES * bar_width
    c.rect(x - quiet, bottom - 1, barcode.width + 2 * quiet, BAR_HEIGHT + 2, stroke=0, fill=1)
    c.restoreState()
    barcode.drawOn(c, x, bottom)
    text_width = fonts.width(value, False, FONT_SIZE)
    draw_text(c, fonts, value, (PAGE_WIDTH - text_width) / 2, bottom - 2 - FONT_SIZE,
               FONT_SIZE, False)


def _draw_watermark(c: Canvas, fonts: PdfFonts, text: str, height: float) -> None:
    size = 40.0
    width = fonts.width(text, True, size)
    limit = PAGE_WIDTH * 1.1
    if width > limit:
        size *= limit / width
        width = limit
    c.saveState()
    c.setFillGray(0.86)
    c.translate(PAGE_WIDTH / 2, height / 2)
    c.rotate(60 if height > 2 * PAGE_WIDTH else 30)
    draw_text(c, fonts, text, -width / 2, -size / 3, size, True)
    c.restoreState()


def _logo(png: bytes | None) -> tuple[ImageReader, float, float] | None:
    """The logo and its size on the page (fit into LOGO_WIDTH × LOGO_HEIGHT), or None."""
    if not png:
        return None
    try:
        reader = ImageReader(io.BytesIO(png))
        px_width, px_height = reader.getSize()
    except Exception:  # noqa: BLE001 - an unreadable logo is left off, the receipt still prints
        return None
    if px_width <= 0 or px_height <= 0:
        return None
    scale = min(LOGO_WIDTH / px_width, LOGO_HEIGHT / px_height)
    return reader, px_width * scale, px_height * scale


def _render(receipt: Receipt, labels: Mapping[str, str] | None, tz: tzinfo | None) -> bytes:
    fonts = PdfFonts()
    lines = layout_receipt(receipt, COLUMNS, labels, tz=tz)
    logo = _logo(receipt.logo)
    height = 2 * MARGIN_Y + sum(_line_height(line) for line in lines)
    if logo is not None:
        height += logo[2] + LOGO_GAP
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(PAGE_WIDTH, height), invariant=True, pageCompression=1)
    c.setTitle(f"{resolve_labels(labels)['Receipt']} {receipt.receipt_number}")
    c.setAuthor(receipt.store_name)
    c.setCreator("ShopDesk")
    if receipt.is_copy:
        _draw_watermark(c, fonts, resolve_labels(labels)["COPY"], height)
    y = height - MARGIN_Y
    if logo is not None:
        reader, logo_width, logo_height = logo
        c.drawImage(reader, (PAGE_WIDTH - logo_width) / 2, y - logo_height, logo_width, logo_height,
                    mask="auto")
        y -= logo_height + LOGO_GAP
    for line in lines:
        line_height = _line_height(line)
        if _is_barcode(line):
            _draw_barcode(c, fonts, line.value, y)
        elif line.kind == "rule":
            _draw_rule(c, line.value, y - line_height / 2)
        else:
            size = FONT_SIZE * (2 if line.double else 1)
            baseline = y - size
            for cell in line.cells:
                _draw_cell(c, fonts, cell, line, baseline)
        y -= line_height
    c.showPage()
    c.save()
    return buffer.getvalue()


def render_pdf(
    receipt: Receipt,
    path_or_file: str | os.PathLike[str] | BinaryIO,
    *,
    labels: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
) -> None:
    """Write the receipt as a one-page PDF to a path (replaced atomically) or a binary file."""
    write_pdf(_render(receipt, labels, tz), path_or_file, "receipt PDF")
