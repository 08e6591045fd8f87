"""Packing slips as A4 PDF: what goes into the parcel, ticked off by the packer.

Every page of a slip carries the store's name and address, "Packing slip", the order
number (and the web shop's reference) and the order number as Code 128, so a packer can
scan any page. The first page adds the date, ship-to address and shipping method; then
the lines (SKU, item, quantity, a box to tick) run over as many pages as they need, with
the column headings repeated, and the customer's note closes the slip. Pages are numbered
"Page x of y" per slip. A batch of slips is one PDF, each slip starting on a new page.

The table helpers here (:class:`Column`, :func:`layout_row`, :func:`draw_header`,
:func:`draw_row`) are shared with the pick list.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.shipping import PackingSlipData
from shopdesk.printing.pdf_text import (
    PdfFonts,
    draw_text,
    ellipsize,
    one_line,
    wrap_text,
    write_pdf,
)
from shopdesk.printing.shipping_labels import (
    code128_modules,
    draw_code128,
    fit_line,
    format_quantity,
    tick_box,
)

MARGIN = 15 * mm
SIZE = 9.0  # table text
LINE = SIZE * 1.25
CELL_PAD = 1.6 * mm
HEADER_FILL = colors.HexColor("#e8eef5")
ORDER_MODULE_MM = 0.33

DEFAULT_LABELS: dict[str, str] = {
    "Packing slip": QT_TRANSLATE_NOOP("shipping", "Packing slip"),
    "Order": QT_TRANSLATE_NOOP("shipping", "Order"),
    "Web order": QT_TRANSLATE_NOOP("shipping", "Web order"),
    "Date": QT_TRANSLATE_NOOP("shipping", "Date"),
    "Ship to": QT_TRANSLATE_NOOP("shipping", "Ship to"),
    "Shipping": QT_TRANSLATE_NOOP("shipping", "Shipping"),
    "SKU": QT_TRANSLATE_NOOP("shipping", "SKU"),
    "Item": QT_TRANSLATE_NOOP("shipping", "Item"),
    "Qty": QT_TRANSLATE_NOOP("shipping", "Qty"),
    "Packed": QT_TRANSLATE_NOOP("shipping", "Packed"),
    "Note": QT_TRANSLATE_NOOP("shipping", "Note"),
    "Page {page} of {pages}": QT_TRANSLATE_NOOP("shipping", "Page {page} of {pages}"),
    "continued": QT_TRANSLATE_NOOP("shipping", "continued"),
}


# --- table helpers (shared with the pick list) --------------------------------------------

@dataclass(frozen=True)
class Column:
    heading: str
    share: float  # of the table width
    align: str = "left"  # left | right | tick
    max_lines: int = 1  # wrap up to this many lines, then cut with "…"


def column_widths(columns: Sequence[Column], table_w: float) -> list[float]:
    total = sum(col.share for col in columns) or 1
    return [table_w * col.share / total for col in columns]


def layout_row(fonts: PdfFonts, columns: Sequence[Column], widths: Sequence[float],
               cells: Sequence[str | list[str]]) -> tuple[list[list[str]], float]:
    """Each cell's lines, and the row height. A cell given as a list is already broken
    into lines (each no wider than the column)."""
    out: list[list[str]] = []
    for col, width, text in zip(columns, widths, cells, strict=True):
        if col.align == "tick":
            out.append([])
            continue
        if isinstance(text, list):
            out.append(text or [""])
            continue
        inner = width - 2 * CELL_PAD
        if col.max_lines > 1:
            lines, _ = wrap_text(fonts, text, SIZE, inner, col.max_lines)
        else:
            lines = [ellipsize(fonts, one_line(text), SIZE, inner)]
        out.append(lines or [""])
    lines_needed = max((len(lines) for lines in out), default=1)
    return out, max(lines_needed * LINE, 4.2 * mm) + 2 * CELL_PAD


def draw_header(c: Canvas, fonts: PdfFonts, columns: Sequence[Column], widths: Sequence[float],
                x: float, top: float) -> float:
    """Column headings in a shaded band from ``top`` down; returns the band's bottom."""
    height = LINE + 2 * CELL_PAD
    c.saveState()
    c.setFillColor(HEADER_FILL)
    c.rect(x, top - height, sum(widths), height, stroke=0, fill=1)
    c.restoreState()
    for col, width in zip(columns, widths, strict=True):
        text = ellipsize(fonts, col.heading, SIZE, width - 2 * CELL_PAD, True)
        tx = x + CELL_PAD
        if col.align in ("right", "tick"):
            tx = x + width - CELL_PAD - fonts.width(text, True, SIZE)
        draw_text(c, fonts, text, tx, top - CELL_PAD - SIZE * 0.95, SIZE, True)
        x += width
    return top - height


def draw_row(c: Canvas, fonts: PdfFonts, columns: Sequence[Column], widths: Sequence[float],
             x: float, top: float, cells: list[list[str]], height: float, shade: bool) -> float:
    """One table row from ``top`` down; a tick column gets an empty box. Returns its bottom."""
    if shade:
        c.saveState()
        c.setFillColor(colors.HexColor("#f5f5f5"))
        c.rect(x, top - height, sum(widths), height, stroke=0, fill=1)
        c.restoreState()
    for col, width, lines in zip(columns, widths, cells, strict=True):
        if col.align == "tick":
            side = 4.2 * mm
            tick_box(c, x + width - CELL_PAD - side, top - CELL_PAD - side, side)
        y = top - CELL_PAD - SIZE * 0.95
        for line in lines:
            tx = x + CELL_PAD
            if col.align == "right":
                tx = x + width - CELL_PAD - fonts.width(line, False, SIZE)
            draw_text(c, fonts, line, tx, y, SIZE, False)
            y -= LINE
        x += width
    c.saveState()
    c.setStrokeColor(colors.HexColor("#cccccc"))
    c.setLineWidth(0.4)
    c.line(x - sum(widths), top - height, x, top - height)
    c.restoreState()
    return top - height


def page_number(c: Canvas, fonts: PdfFonts, text: str, page_w: float) -> None:
    c.saveState()
    c.setFillColor(colors.grey)
    draw_text(c, fonts, text, page_w - MARGIN - fonts.width(text, False, 8), MARGIN / 2, 8, False)
    c.restoreState()


# --- the slip ---------------------------------------------------------------------------

def _columns(words: Mapping[str, str]) -> list[Column]:
    return [Column(words["SKU"], 22), Column(words["Item"], 56, max_lines=3),
            Column(words["Qty"], 10, "right"), Column(words["Packed"], 12, "tick")]


def _check(slips: Sequence[PackingSlipData]) -> list[PackingSlipData]:
    checked = list(slips)
    if not checked:
        raise ValidationError("slips", QT_TRANSLATE_NOOP(
            "errors", "Choose at least one order to print a packing slip for."))
    for slip in checked:
        if not isinstance(slip, PackingSlipData):
            raise TypeError(f"expected PackingSlipData, got {type(slip).__name__}")
        if not one_line(slip.order_number) or not slip.order_number.isascii():
            raise ValidationError("order_number", QT_TRANSLATE_NOOP(
                "errors", "The order number '{number}' cannot be printed as a barcode; it must be "
                          "plain letters, digits and punctuation."), number=slip.order_number)
    return checked


def _page_header(c: Canvas, fonts: PdfFonts, slip: PackingSlipData, words: Mapping[str, str],
                 page_w: float, page_h: float, first: bool) -> float:
    """Store, title, order number and its barcode; returns the y below the header."""
    top = page_h - MARGIN
    width = page_w - 2 * MARGIN
    right_w = 80 * mm
    left_w = width - right_w - 5 * mm
    name, size = fit_line(fonts, slip.store_name, 15.0, left_w, True, 10.0)
    draw_text(c, fonts, name, MARGIN, top - size, size, True)
    y = top - size - 2 * mm
    address = slip.store_address.block()
    if address[:1] == [one_line(slip.store_name)]:
        address = address[1:]  # the store's name is already the heading
    for row in address[:5]:
        text, s = fit_line(fonts, row, 8.5, left_w, False, 7.0)
        y -= s * 1.25
        draw_text(c, fonts, text, MARGIN, y, s, False)
    left_bottom = y

    title = words["Packing slip"] if first else f"{words['Packing slip']} ({words['continued']})"
    title, size = fit_line(fonts, title, 17.0, right_w, True, 10.0)
    right = MARGIN + width
    draw_text(c, fonts, title, right - fonts.width(title, True, size), top - size, size, True)
    ry = top - size - 2.5 * mm
    order = f"{words['Order']} {one_line(slip.order_number)}"
    order, size = fit_line(fonts, order, 11.0, right_w, True, 8.0)
    draw_text(c, fonts, order, right - fonts.width(order, True, size), ry - size, size, True)
    ry -= size + 1.5 * mm
    modules = code128_modules(slip.order_number)
    module = min(ORDER_MODULE_MM * mm, right_w / modules)
    bar_h, text_size = 11 * mm, 8.0
    ry -= bar_h + text_size * 1.25
    draw_code128(c, fonts, slip.order_number, right - modules * module, ry, module, bar_h, text_size)
    bottom = min(left_bottom, ry) - 4 * mm
    c.saveState()
    c.setLineWidth(0.8)
    c.line(MARGIN, bottom, MARGIN + width, bottom)
    c.restoreState()
    return bottom - 4 * mm


def _details(c: Canvas, fonts: PdfFonts, slip: PackingSlipData, words: Mapping[str, str],
             top: float, width: float) -> float:
    """Ship-to on the left, order facts on the right; returns the y below."""
    half = width / 2
    draw_text(c, fonts, words["Ship to"], MARGIN, top - 9, 9, True)
    y = top - 9 - 1.5 * mm
    rows = slip.ship_to.block() + ([one_line(slip.ship_to.phone)] if slip.ship_to.phone.strip() else [])
    for i, row in enumerate(rows[:9]):
        lines, _ = wrap_text(fonts, row, 10.5, half - 6 * mm, 2, i == 0)
        for line in lines:
            y -= 10.5 * 1.25
            draw_text(c, fonts, line, MARGIN, y, 10.5, i == 0)
    facts = [(words["Order"], slip.order_number)]
    if slip.external_ref.strip():
        facts.append((words["Web order"], slip.external_ref))
    facts.append((words["Date"], slip.ordered_on.isoformat()))
    if slip.shipping_method.strip():
        facts.append((words["Shipping"], slip.shipping_method))
    fx = MARGIN + half
    key_w = max(fonts.width(k, True, 9) for k, _ in facts) + 3 * mm
    fy = top
    for key, value in facts:
        fy -= 9 * 1.5
        draw_text(c, fonts, ellipsize(fonts, key, 9, half * 0.4, True), fx, fy, 9, True)
        key_col = min(key_w, half * 0.4)
        text, size = fit_line(fonts, value, 9.5, half - key_col, False, 7.0)
        draw_text(c, fonts, text, fx + key_col, fy, size, False)
    return min(y, fy) - 6 * mm


def _note_lines(fonts: PdfFonts, note: str, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in (note or "").splitlines():
        if paragraph.strip():
            wrapped, _ = wrap_text(fonts, paragraph, 9.5, width, 20)
            lines.extend(wrapped)
    return lines[:30]


def _draw_slip(c: Canvas, fonts: PdfFonts, slip: PackingSlipData, words: Mapping[str, str]) -> int:
    page_w, page_h = A4
    width = page_w - 2 * MARGIN
    columns = _columns(words)
    widths = column_widths(columns, width)
    rows = [layout_row(fonts, columns, widths,
                       [line.sku, line.name, format_quantity(line.quantity), ""])
            for line in slip.lines]
    note = _note_lines(fonts, slip.note, width - 4 * mm)
    note_h = (9.5 + 2 * mm + len(note) * 9.5 * 1.3 + 4 * mm) if note else 0.0
    floor = MARGIN + 4 * mm  # page number sits below

    # pass 1: measure pages on a scratch canvas (headers have the same height on every page)
    scratch = Canvas(io.BytesIO(), pagesize=A4)
    first_top = _details(scratch, fonts, slip, words,
                         _page_header(scratch, fonts, slip, words, page_w, page_h, True), width)
    other_top = _page_header(scratch, fonts, slip, words, page_w, page_h, False)
    header_h = LINE + 2 * CELL_PAD
    pages: list[list[int]] = [[]]
    y = first_top - header_h
    for i, (_, height) in enumerate(rows):
        if y - height < floor:
            pages.append([])
            y = other_top - header_h
        pages[-1].append(i)
        y -= height
    note_on_new_page = bool(note) and y - 4 * mm - note_h < floor
    total = len(pages) + (1 if note_on_new_page else 0)

    # pass 2: draw
    for number, indexes in enumerate(pages, start=1):
        top = _page_header(c, fonts, slip, words, page_w, page_h, number == 1)
        if number == 1:
            top = _details(c, fonts, slip, words, top, width)
        y = draw_header(c, fonts, columns, widths, MARGIN, top)
        for n, i in enumerate(indexes):
            cells, height = rows[i]
            y = draw_row(c, fonts, columns, widths, MARGIN, y, cells, height, bool(n % 2))
        if note and number == len(pages) and not note_on_new_page:
            _draw_note(c, fonts, words, note, y - 4 * mm)
        page_number(c, fonts, words["Page {page} of {pages}"].format(page=number, pages=total), page_w)
        c.showPage()
    if note_on_new_page:
        top = _page_header(c, fonts, slip, words, page_w, page_h, False)
        _draw_note(c, fonts, words, note, top)
        page_number(c, fonts, words["Page {page} of {pages}"].format(page=total, pages=total), page_w)
        c.showPage()
    return total


def _draw_note(c: Canvas, fonts: PdfFonts, words: Mapping[str, str], lines: list[str],
               top: float) -> None:
    draw_text(c, fonts, words["Note"], MARGIN, top - 9.5, 9.5, True)
    y = top - 9.5 - 2 * mm
    for line in lines:
        y -= 9.5 * 1.3
        draw_text(c, fonts, line, MARGIN + 4 * mm, y, 9.5, False)


def render_packing_slips(
    slips: Sequence[PackingSlipData],
    out: str | os.PathLike[str] | BinaryIO,
    *,
    words: Mapping[str, str] | None = None,
) -> int:
    """Write the slips as one A4 PDF (each slip from a new page); returns the page count.

    ``words`` translates the printed words (keys of :data:`DEFAULT_LABELS`). Nothing is
    written when a slip cannot be printed.
    """
    checked = _check(slips)
    text = {**DEFAULT_LABELS, **(words or {})}
    fonts = PdfFonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    c.setTitle(text["Packing slip"])
    c.setCreator("ShopDesk")
    pages = sum(_draw_slip(c, fonts, slip, text) for slip in checked)
    c.save()
    write_pdf(buffer.getvalue(), out, "packing slip PDF")
    return pages
