"""Shelf-edge and product labels as PDF: sheets of labels in a grid, or roll labels.

Each label carries the product name (wrapped to two lines, shrunk a little and then cut
with "…" if it is still too long; CJK runs in the CID font, as on receipts), the price
large and bold, the unit price when the service gave one, and the barcode with its digits
under the bars:

* EAN-13, EAN-8 and UPC-A with reportlab's ``eanbc`` widgets, quiet zones of 11/7, 7/7
  and 9/9 modules (GS1), module width up to 0.33 mm (100 % magnification), shrunk to fit
  the label but never below :data:`MIN_MODULE_MM`;
* anything else (internal codes, SKUs) as Code 128 with 10-module quiet zones.

Every code goes through :func:`shopdesk.domain.label.barcode_symbology` *before* the
first page is drawn: reportlab recomputes EAN/UPC check digits and would silently print a
mistyped code as a valid barcode of another product. The widgets are handed the code
without its check digit and the digit they compute is compared with ours.

Layout adapts to the label: when the barcode fits beside the price at ≥ 0.25 mm modules
(a 70 × 37 mm sheet label with a GTIN) the price sits left of the barcode under the name;
otherwise (narrow roll labels, long Code 128) name, price row and barcode are stacked.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.eanbc import UPCA, Ean8BarcodeWidget, Ean13BarcodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.units import mm
from reportlab.lib.validators import isNumberOrNone
from reportlab.pdfgen.canvas import Canvas

from shopdesk.domain.errors import InvalidBarcode, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.label import LabelItem, RollLayout, SheetLayout, barcode_symbology
from shopdesk.domain.money import format_money

# Shared with receipts: font registration, CJK run splitting and drawing (not copied).
from shopdesk.printing.pdf_text import PdfFonts, draw_text, wrap_text, write_pdf
from shopdesk.printing.receipt_text import clean_text

MAX_MODULE_MM = 0.33  # EAN/UPC at 100 % magnification
MIN_MODULE_MM = 0.19  # 80 % of 0.264 mm would be 0.21; 0.19 is ≥ 2 dots at 300 dpi
SIDE_MODULE_MM = 0.25  # smallest module accepted for the price-beside-barcode layout
MAX_BAR_MM = 20.0
#: Quiet zones (left, right) in modules; GS1 General Specifications, section 5.2.
QUIET_MODULES = {"EAN13": (11, 7), "UPCA": (9, 9), "EAN8": (7, 7), "Code128": (10, 10)}
#: Modules of the symbol itself, without quiet zones (Code 128 depends on the data).
SYMBOL_MODULES = {"EAN13": 95, "UPCA": 95, "EAN8": 67}


def _with_numeric_quiet(base: type) -> type:
    """reportlab declares ``lquiet``/``rquiet`` as booleans though they are lengths in points
    (its own code divides them by the bar width); accept numbers so GS1 quiet zones can be set."""
    attr_map = AttrMap(BASE=base, lquiet=AttrMapValue(isNumberOrNone, desc="left quiet zone (pt)"),
                       rquiet=AttrMapValue(isNumberOrNone, desc="right quiet zone (pt)"))
    return type(f"_Quiet{base.__name__}", (base,), {"_attrMap": attr_map})


_WIDGETS = {
    "EAN13": (_with_numeric_quiet(Ean13BarcodeWidget), 12),
    "UPCA": (_with_numeric_quiet(UPCA), 11),
    "EAN8": (_with_numeric_quiet(Ean8BarcodeWidget), 7),
}

DEFAULT_LABELS = {"Labels": QT_TRANSLATE_NOOP("labels", "Labels")}


@dataclass(frozen=True)
class _Prepared:
    item: LabelItem
    symbology: str
    value: str
    price_text: str


def _prepare(items: Iterable[LabelItem]) -> list[_Prepared]:
    """Check every item and expand copies; raises before anything is drawn or written."""
    prepared: list[_Prepared] = []
    for item in items:
        if not isinstance(item, LabelItem):
            raise TypeError(f"expected LabelItem, got {type(item).__name__}")
        try:
            symbology, value = barcode_symbology(item.barcode)
        except InvalidBarcode as err:
            raise InvalidBarcode(
                QT_TRANSLATE_NOOP("errors", "Cannot print a label for {name}: {reason}"),
                name=item.name, reason=err.message,
            ) from err
        price_text = clean_text(format_money(item.price, item.currency, item.locale)).strip()
        prepared.extend([_Prepared(item, symbology, value, price_text)] * item.copies)
    if not prepared:
        raise ValidationError("items", QT_TRANSLATE_NOOP("errors", "Choose at least one product to print labels for."))
    return prepared


def _modules(symbology: str, value: str) -> int:
    """Width of the symbol in modules, quiet zones included."""
    left, right = QUIET_MODULES[symbology]
    if symbology == "Code128":
        body = Code128(value, barWidth=1, quiet=False).width
        return int(round(body)) + left + right
    return SYMBOL_MODULES[symbology] + left + right


# --- text ------------------------------------------------------------------------------------

def _fit_name(fonts: PdfFonts, text: str, size: float, width: float,
              max_lines: int) -> tuple[list[str], float]:
    """Wrap the name, shrinking to 80 % before cutting it short."""
    smallest = size * 0.8
    current = size
    while True:
        lines, complete = wrap_text(fonts, text, current, width, max_lines)
        if complete or current <= smallest:
            return lines, current
        current = max(smallest, current - 0.5)


def _fit_size(fonts: PdfFonts, text: str, size: float, width: float, bold: bool) -> float:
    natural = fonts.width(text, bold, size)
    return size if natural <= width else size * width / natural


# --- barcode ---------------------------------------------------------------------------------

def _draw_barcode(c: Canvas, fonts: PdfFonts, prepared: _Prepared, x: float, y: float,
                  module: float, height: float) -> None:
    """Draw the symbol with its quiet zones from (x, y), ``height`` including the digits."""
    symbology, value = prepared.symbology, prepared.value
    digit_size = max(5.0, min(9.0, 8.0 * module / (MAX_MODULE_MM * mm)))
    left, right = QUIET_MODULES[symbology]
    if symbology == "Code128":
        text_h = digit_size * 1.3
        bars = Code128(value, barWidth=module, barHeight=height - text_h, quiet=False,
                       humanReadable=False)
        bars.drawOn(c, x + left * module, y + text_h)
        centre = x + (left * module) + bars.width / 2
        size = _fit_size(fonts, value, digit_size, bars.width + left * module, False)
        draw_text(c, fonts, value, centre - fonts.width(value, False, size) / 2,
                   y + 0.25 * size, size, False)
        return
    widget_class, digits = _WIDGETS[symbology]
    widget = widget_class(
        value[:digits], barWidth=module, barHeight=height, fontSize=digit_size,
        fontName="Helvetica", quiet=True,
        lquiet=(left + 0.01) * module, rquiet=(right + 0.01) * module,
    )
    if widget._checkdigit(value[:digits]) != value[digits]:  # never let reportlab "fix" a code
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "The barcode {code} would print with another check digit; it was not printed."),
            code=value,
        )
    drawing = Drawing(widget.width, height)
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


# --- one label -------------------------------------------------------------------------------

def _draw_label(c: Canvas, fonts: PdfFonts, prepared: _Prepared, x: float, y: float,
                width: float, height: float, padding: float) -> None:
    item = prepared.item
    x0, y0 = x + padding, y + padding
    inner_w, inner_h = width - 2 * padding, height - 2 * padding
    top = y0 + inner_h
    gap = 1.2 * mm
    modules = _modules(prepared.symbology, prepared.value)

    side_module = min(MAX_MODULE_MM * mm, inner_w * 0.56 / modules)
    side = side_module >= SIDE_MODULE_MM * mm
    module = side_module if side else min(MAX_MODULE_MM * mm, inner_w / modules)
    if module < MIN_MODULE_MM * mm:
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "Cannot print a label for {name}: the code {code} is too long to print scannably on a {width:.0f} mm wide label; use a shorter code or wider labels."),
            name=item.name, code=prepared.value, width=width / mm,
        )
    barcode_w = modules * module

    name_size = min(10.0, max(6.5, inner_h / mm * 0.3))
    lines, size = _fit_name(fonts, item.name, name_size, inner_w, 2)
    line_h = size * 1.18
    baseline = top - size * 0.95
    for line in lines:
        draw_text(c, fonts, line, x0, baseline, size, False)
        baseline -= line_h
    below_name = top - len(lines) * line_h - gap * 0.5  # top of the price/barcode region
    unit_size = max(5.5, name_size * 0.75)
    unit_text = clean_text(item.unit_price_text).strip()

    if side:
        region_h = below_name - y0
        bar_h = min(region_h, MAX_BAR_MM * mm)
        _draw_barcode(c, fonts, prepared, x0 + inner_w - barcode_w, y0, module, bar_h)
        text_w = inner_w - barcode_w - gap
        price_size = _fit_size(fonts, prepared.price_text, min(22.0, region_h * 0.45), text_w, True)
        unit_h = unit_size * 1.3 if unit_text else 0.0
        block = price_size * 0.75 + (unit_h + gap if unit_text else 0.0)
        price_base = y0 + (region_h + block) / 2 - price_size * 0.75
        draw_text(c, fonts, prepared.price_text, x0, price_base, price_size, True)
        if unit_text:
            size_u = _fit_size(fonts, unit_text, unit_size, text_w, False)
            draw_text(c, fonts, unit_text, x0, price_base - gap - size_u, size_u, False)
        return

    # stacked: name / price (+ unit price on the right) / barcode centred at the bottom
    region_h = below_name - y0
    price_size = min(16.0, max(9.0, region_h * 0.28))
    unit_w = fonts.width(unit_text, False, unit_size) + gap if unit_text else 0.0
    price_size = _fit_size(fonts, prepared.price_text, price_size, inner_w - unit_w, True)
    price_base = below_name - price_size * 0.78
    draw_text(c, fonts, prepared.price_text, x0, price_base, price_size, True)
    if unit_text:
        size_u = _fit_size(fonts, unit_text, unit_size, inner_w * 0.5, False)
        draw_text(c, fonts, unit_text, x0 + inner_w - fonts.width(unit_text, False, size_u),
                   price_base, size_u, False)
    bar_h = min(price_base - price_size * 0.25 - gap - y0, MAX_BAR_MM * mm)
    _draw_barcode(c, fonts, prepared, x0 + (inner_w - barcode_w) / 2, y0, module, bar_h)


# --- documents -------------------------------------------------------------------------------

def _canvas(buffer: io.BytesIO, size: tuple[float, float], labels: Mapping[str, str] | None) -> Canvas:
    c = Canvas(buffer, pagesize=size, invariant=True, pageCompression=1)
    c.setTitle({**DEFAULT_LABELS, **(labels or {})}["Labels"])
    c.setCreator("ShopDesk")
    return c


def render_label_sheet(
    items: Iterable[LabelItem],
    layout: SheetLayout,
    path_or_file: str | os.PathLike[str] | BinaryIO,
    *,
    start_position: int = 0,
    labels: Mapping[str, str] | None = None,
    outlines: bool = False,
) -> int:
    """Print labels on sheets laid out as ``layout``; returns the number of pages.

    ``start_position`` skips that many cells (counted row by row from the top-left) on the
    first sheet, so a partly used sheet can go through the printer again. Each item is
    printed ``item.copies`` times; more labels than cells continue on further pages.
    ``outlines`` draws thin cell borders (for a test print on plain paper). ``labels``
    translates the document title (key ``"Labels"``). Nothing is written if any item is
    invalid (e.g. a GTIN with a wrong check digit).
    """
    if isinstance(start_position, bool) or not isinstance(start_position, int) \
            or not 0 <= start_position < layout.per_page:
        raise ValidationError(
            "start_position",
            QT_TRANSLATE_NOOP("errors", "The first label position must be from 1 to {cells} on this sheet, not {position}."),
            cells=layout.per_page, position=start_position + 1 if isinstance(start_position, int) else start_position,
        )
    prepared = _prepare(items)
    fonts = PdfFonts()
    page_w, page_h = layout.page_size_mm
    buffer = io.BytesIO()
    c = _canvas(buffer, (page_w * mm, page_h * mm), labels)
    pages = 1
    for index, entry in enumerate(prepared, start=start_position):
        if index > start_position and index % layout.per_page == 0:
            c.showPage()
            pages += 1
        x, y = layout.cell_origin_mm(index)
        if outlines:
            c.saveState()
            c.setLineWidth(0.25)
            c.setStrokeGray(0.7)
            c.rect(x * mm, y * mm, layout.label_width_mm * mm, layout.label_height_mm * mm)
            c.restoreState()
        _draw_label(c, fonts, entry, x * mm, y * mm, layout.label_width_mm * mm,
                    layout.label_height_mm * mm, layout.padding_mm * mm)
    c.showPage()
    c.save()
    write_pdf(buffer.getvalue(), path_or_file, "labels PDF")
    return pages


def render_label_roll(
    items: Iterable[LabelItem],
    layout: RollLayout,
    path_or_file: str | os.PathLike[str] | BinaryIO,
    *,
    labels: Mapping[str, str] | None = None,
) -> int:
    """Print roll labels: one page per label, the page exactly the label's size.

    Returns the number of labels (pages). Nothing is written if any item is invalid.
    """
    prepared = _prepare(items)
    fonts = PdfFonts()
    size = (layout.width_mm * mm, layout.height_mm * mm)
    buffer = io.BytesIO()
    c = _canvas(buffer, size, labels)
    for entry in prepared:
        _draw_label(c, fonts, entry, 0, 0, size[0], size[1], layout.padding_mm * mm)
        c.showPage()
    c.save()
    write_pdf(buffer.getvalue(), path_or_file, "labels PDF")
    return len(prepared)
