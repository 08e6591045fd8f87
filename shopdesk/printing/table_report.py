"""A report as PDF: title, facts, an optional bar chart, and a table that runs over pages.

The caller formats every cell (money, quantities, dates in the store's locale); this module
only lays out. Used by the stocktake variance report and the stock valuation report.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from shopdesk.printing.pdf_text import PdfFonts, draw_text, write_pdf


@dataclass(frozen=True)
class Column:
    heading: str
    width: float  # share of the table width
    align: str = "left"  # left | right


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # signed; bars left of the axis are negative
    text: str  # printed beside the bar


@dataclass(frozen=True)
class TableReport:
    title: str
    facts: Sequence[tuple[str, str]]
    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    chart_title: str = ""
    bars: Sequence[Bar] = ()
    footer: str = ""
    totals: Sequence[str] = field(default_factory=tuple)  # a last, bold row


MARGIN = 12 * mm
ROW = 5.2 * mm
SIZE = 8


def _fit(fonts: PdfFonts, text: str, width: float, bold: bool = False) -> str:
    if fonts.width(text, bold, SIZE) <= width:
        return text
    while text and fonts.width(text + "…", bold, SIZE) > width:
        text = text[:-1]
    return text + "…"


def render_table_report(report: TableReport, path_or_file: str | os.PathLike[str] | BinaryIO) -> int:
    """Write the report; returns the number of pages."""
    fonts = PdfFonts()
    buffer = io.BytesIO()
    page_w, page_h = landscape(A4)
    c = Canvas(buffer, pagesize=(page_w, page_h))
    c.setTitle(report.title)
    table_w = page_w - 2 * MARGIN
    share = sum(col.width for col in report.columns) or 1
    widths = [table_w * col.width / share for col in report.columns]
    pages = 1

    def cell(text: str, i: int, x: float, y: float, bold: bool = False) -> None:
        w = widths[i] - 2 * mm
        text = _fit(fonts, text, w, bold)
        if report.columns[i].align == "right":
            x += w - fonts.width(text, bold, SIZE)
        draw_text(c, fonts, text, x + 1 * mm, y, SIZE, bold)

    def header_row(y: float) -> float:
        c.setFillColor(colors.HexColor("#e8eef5"))
        c.rect(MARGIN, y - 1.6 * mm, table_w, ROW, stroke=0, fill=1)
        c.setFillColor(colors.black)
        x = MARGIN
        for i, col in enumerate(report.columns):
            cell(col.heading, i, x, y, bold=True)
            x += widths[i]
        return y - ROW

    def page_footer() -> None:
        c.setFillColor(colors.grey)
        text = f"{report.footer}   ·   {pages}" if report.footer else str(pages)
        draw_text(c, fonts, text, MARGIN, MARGIN / 2, 7, False)
        c.setFillColor(colors.black)

    y = page_h - MARGIN - 4 * mm
    draw_text(c, fonts, report.title, MARGIN, y, 15, True)
    y -= 8 * mm
    half = len(report.facts) // 2 + len(report.facts) % 2
    for i, (label, value) in enumerate(report.facts):
        col_x = MARGIN + (0 if i < half else table_w / 2)
        row_y = y - (i % half) * 4.6 * mm
        draw_text(c, fonts, label, col_x, row_y, 9, True)
        draw_text(c, fonts, _fit(fonts, value, table_w / 2 - 45 * mm), col_x + 40 * mm, row_y, 9, False)
    y -= half * 4.6 * mm + 4 * mm

    if report.bars:
        y = _chart(c, fonts, report, y, table_w)

    y = header_row(y)
    for n, row in enumerate(report.rows):
        if y < MARGIN + ROW:
            page_footer()
            c.showPage()
            pages += 1
            y = header_row(page_h - MARGIN - 4 * mm)
        if n % 2:
            c.setFillColor(colors.HexColor("#f6f6f6"))
            c.rect(MARGIN, y - 1.6 * mm, table_w, ROW, stroke=0, fill=1)
            c.setFillColor(colors.black)
        x = MARGIN
        for i, text in enumerate(row):
            cell(text, i, x, y)
            x += widths[i]
        y -= ROW
    if report.totals:
        if y < MARGIN + ROW:
            page_footer()
            c.showPage()
            pages += 1
            y = page_h - MARGIN - 4 * mm
        c.setLineWidth(0.6)
        c.line(MARGIN, y + ROW - 1.6 * mm, MARGIN + table_w, y + ROW - 1.6 * mm)
        x = MARGIN
        for i, text in enumerate(report.totals):
            cell(text, i, x, y, bold=True)
            x += widths[i]
    page_footer()
    c.save()
    write_pdf(buffer.getvalue(), path_or_file, "report")
    return pages


def _chart(c: Canvas, fonts: PdfFonts, report: TableReport, y: float, table_w: float) -> float:
    """Horizontal bars around a zero axis: losses left in red, gains right in green."""
    draw_text(c, fonts, report.chart_title, MARGIN, y, 10, True)
    y -= 5 * mm
    bar_h = 3.6 * mm
    label_w = 70 * mm
    text_w = 28 * mm
    span = (table_w - label_w - 2 * text_w) / 2
    axis = MARGIN + label_w + text_w + span
    biggest = max((abs(b.value) for b in report.bars), default=0) or 1
    c.setStrokeColor(colors.grey)
    c.line(axis, y + bar_h, axis, y - len(report.bars) * (bar_h + 1.2 * mm) + bar_h)
    c.setStrokeColor(colors.black)
    for bar in report.bars:
        draw_text(c, fonts, _fit(fonts, bar.label, label_w - 2 * mm), MARGIN, y + 0.8 * mm, SIZE, False)
        length = span * abs(bar.value) / biggest
        c.setFillColor(colors.HexColor("#c0392b") if bar.value < 0 else colors.HexColor("#27ae60"))
        left = axis - length if bar.value < 0 else axis
        c.rect(left, y, length, bar_h, stroke=0, fill=1)
        c.setFillColor(colors.black)
        tx = left - fonts.width(bar.text, False, SIZE) - 1.5 * mm if bar.value < 0 else left + length + 1.5 * mm
        draw_text(c, fonts, bar.text, tx, y + 0.8 * mm, SIZE, False)
        y -= bar_h + 1.2 * mm
    return y - 5 * mm
