"""Pick lists as A4 PDF: one walk through the stockroom for a batch of orders.

The title, date and the batch's order numbers head the first page; the table (location,
bin, SKU, name, quantity, which orders take how many, a box to tick) keeps the walking
order it is given and runs over as many pages as it needs, the title and column headings
repeated on each page, "Page x of y" at the foot.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.shipping import PickLine, PickListData
from shopdesk.printing.packing_slip import (
    CELL_PAD,
    LINE,
    MARGIN,
    SIZE,
    Column,
    column_widths,
    draw_header,
    draw_row,
    layout_row,
    page_number,
)
from shopdesk.printing.pdf_text import (
    PdfFonts,
    draw_text,
    ellipsize,
    one_line,
    wrap_text,
    write_pdf,
)
from shopdesk.printing.shipping_labels import (
    fit_line,
    format_quantity,
)

MAX_ORDER_LINES = 8

DEFAULT_LABELS: dict[str, str] = {
    "Pick list": QT_TRANSLATE_NOOP("shipping", "Pick list"),
    "Date": QT_TRANSLATE_NOOP("shipping", "Date"),
    "Orders": QT_TRANSLATE_NOOP("shipping", "Orders"),
    "Location": QT_TRANSLATE_NOOP("shipping", "Location"),
    "Bin": QT_TRANSLATE_NOOP("shipping", "Bin"),
    "SKU": QT_TRANSLATE_NOOP("shipping", "SKU"),
    "Name": QT_TRANSLATE_NOOP("shipping", "Name"),
    "Qty": QT_TRANSLATE_NOOP("shipping", "Qty"),
    "For orders": QT_TRANSLATE_NOOP("shipping", "For orders"),
    "Picked": QT_TRANSLATE_NOOP("shipping", "Picked"),
    "Page {page} of {pages}": QT_TRANSLATE_NOOP("shipping", "Page {page} of {pages}"),
}


def orders_text(line: PickLine) -> str:
    """Which orders take how many: ``"SO-000012 ×2, SO-000015 ×1"``."""
    return ", ".join(f"{one_line(order)} ×{format_quantity(qty)}" for order, qty in line.orders)


def _order_lines(fonts: PdfFonts, line: PickLine, width: float) -> list[str]:
    """The orders cell, broken between entries so "SO-000012 ×2" always stays together."""
    entries = [f"{one_line(order)} ×{format_quantity(qty)}" for order, qty in line.orders]
    lines: list[str] = []
    for entry in entries:
        if lines and fonts.width(f"{lines[-1]}, {entry}", False, SIZE) <= width:
            lines[-1] = f"{lines[-1]}, {entry}"
        else:
            if lines:
                lines[-1] += ","
            lines.append(ellipsize(fonts, entry, SIZE, width))
    if len(lines) > MAX_ORDER_LINES:
        rest = len(entries) - sum(part.count("×") for part in lines[:MAX_ORDER_LINES - 1])
        lines = [*lines[:MAX_ORDER_LINES - 1], f"… (+{rest})"]
    return lines


def _columns(words: Mapping[str, str]) -> list[Column]:
    return [
        Column(words["Location"], 11, max_lines=2), Column(words["Bin"], 7, max_lines=2),
        Column(words["SKU"], 12, max_lines=2), Column(words["Name"], 22, max_lines=3),
        Column(words["Qty"], 6, "right"), Column(words["For orders"], 33, max_lines=MAX_ORDER_LINES),
        Column(words["Picked"], 9, "tick"),
    ]


def _heading(c: Canvas, fonts: PdfFonts, data: PickListData, words: Mapping[str, str],
             page_w: float, page_h: float) -> float:
    """Title and date on every page; returns the y under them."""
    width = page_w - 2 * MARGIN
    top = page_h - MARGIN
    date_text = f"{words['Date']} {data.created_on.isoformat()}"
    date_w = fonts.width(date_text, False, 10)
    title, size = fit_line(fonts, data.title or words["Pick list"], 16.0,
                           width - date_w - 6 * mm, True, 10.0)
    draw_text(c, fonts, title, MARGIN, top - size, size, True)
    draw_text(c, fonts, date_text, MARGIN + width - date_w, top - size, 10, False)
    return top - size - 5 * mm


def _orders_block(c: Canvas | None, fonts: PdfFonts, data: PickListData,
                  words: Mapping[str, str], top: float, width: float) -> float:
    """The batch's order numbers (first page); returns the y under them."""
    label = f"{words['Orders']} ({len(data.orders)}):"
    label_w = fonts.width(label, True, 9.5) + 2 * mm
    lines, _ = wrap_text(fonts, ", ".join(one_line(o) for o in data.orders), 9.5,
                         width - label_w, 12)
    y = top - 9.5
    if c is not None:
        draw_text(c, fonts, label, MARGIN, y, 9.5, True)
    for line in lines or [""]:
        if c is not None:
            draw_text(c, fonts, line, MARGIN + label_w, y, 9.5, False)
        y -= 9.5 * 1.3
    return y - 4 * mm


def render_pick_list(
    data: PickListData,
    out: str | os.PathLike[str] | BinaryIO,
    *,
    words: Mapping[str, str] | None = None,
) -> int:
    """Write the pick list as A4 PDF in the order of ``data.lines``; returns the page count.

    ``words`` translates the printed words (keys of :data:`DEFAULT_LABELS`).
    """
    if not isinstance(data, PickListData):
        raise TypeError(f"expected PickListData, got {type(data).__name__}")
    if not data.lines:
        raise ValidationError("lines", QT_TRANSLATE_NOOP(
            "errors", "The pick list '{title}' has nothing to pick; add orders with open lines "
                      "to the batch first."), title=data.title)
    text = {**DEFAULT_LABELS, **(words or {})}
    fonts = PdfFonts()
    page_w, page_h = A4
    width = page_w - 2 * MARGIN
    columns = _columns(text)
    widths = column_widths(columns, width)
    orders_w = widths[5] - 2 * CELL_PAD
    rows = [layout_row(fonts, columns, widths, [
        line.location, line.bin, line.sku, line.name, format_quantity(line.quantity),
        _order_lines(fonts, line, orders_w), ""]) for line in data.lines]

    # paginate first so every page can say "x of y"
    scratch = Canvas(io.BytesIO(), pagesize=A4)
    heading_bottom = _heading(scratch, fonts, data, text, page_w, page_h)
    first_top = _orders_block(None, fonts, data, text, heading_bottom, width)
    header_h = LINE + 2 * CELL_PAD
    floor = MARGIN + 4 * mm
    pages: list[list[int]] = [[]]
    y = first_top - header_h
    for i, (_, height) in enumerate(rows):
        if y - height < floor and pages[-1]:
            pages.append([])
            y = heading_bottom - header_h
        pages[-1].append(i)
        y -= height

    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    c.setTitle(one_line(data.title) or text["Pick list"])
    c.setCreator("ShopDesk")
    for number, indexes in enumerate(pages, start=1):
        top = _heading(c, fonts, data, text, page_w, page_h)
        if number == 1:
            top = _orders_block(c, fonts, data, text, top, width)
        y = draw_header(c, fonts, columns, widths, MARGIN, top)
        for n, i in enumerate(indexes):
            cells, height = rows[i]
            y = draw_row(c, fonts, columns, widths, MARGIN, y, cells, height, bool(n % 2))
        page_number(c, fonts, text["Page {page} of {pages}"].format(page=number, pages=len(pages)),
                    page_w)
        c.showPage()
    c.save()
    write_pdf(buffer.getvalue(), out, "pick list PDF")
    return len(pages)
