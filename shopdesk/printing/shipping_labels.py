"""Shipping labels for parcels: PDF (4×6 in or A6, one label per page) and ZPL II.

A label reads from top to bottom like a carrier's own:

* the sender ("FROM", small) beside the carrier, the service and the shipping date;
* the recipient ("TO", large): :meth:`Address.block` one row per entry, the name bold.
  Rows that are too wide shrink first, then wrap (at spaces, or between CJK characters),
  and only when the block still does not fit are they cut with "…". CJK runs are drawn in
  the CID font (:class:`~shopdesk.printing.pdf_text.PdfFonts`), as on receipts;
* order number, weight, parcel type and dimensions, and "COD <amount>" white on black when
  the parcel is cash on delivery; the QR code of the tracking page beside them (left out
  only when there is no tracking URL);
* the tracking number as Code 128 across the bottom with its characters under the bars:
  modules from :data:`MAX_MODULE_MM` down to :data:`MIN_MODULE_MM` (never narrower: a
  number too long for that is refused), 10-module quiet zones on both sides.

Nothing is drawn outside the page: every text is measured before it is placed.

ZPL (:func:`render_zpl`) lays out the same blocks in dots for 8 dpmm (203 dpi) or 12 dpmm
(300 dpi) printers. User text goes through ``^FH_`` hexadecimal escapes: ``^`` becomes
``_5E``, ``~`` becomes ``_7E`` and the escape character ``_`` itself ``_5F``, so a customer
called "Bob ^XZ" cannot end the label or send a control command; control characters become
spaces. Text is UTF-8 (``^CI28``); the printer's font 0 has no CJK glyphs, so pass
``cjk_font`` (a font stored on the printer, e.g. ``"E:ANMDJ.TTF"``) for such names.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import BinaryIO

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.shipping import Address, ShippingLabelData
from shopdesk.printing.pdf_text import (
    ELLIPSIS,
    PdfFonts,
    draw_text,
    ellipsize,
    one_line,
    wrap_text,
    write_pdf,
)
from shopdesk.printing.receipt_text import char_width

#: Label sizes in millimetres (width, height), portrait.
LABEL_SIZES_MM: dict[str, tuple[float, float]] = {"4x6": (101.6, 152.4), "a6": (105.0, 148.0)}
ZPL_DENSITIES = (6, 8, 12, 24)  # dots per mm: 152, 203, 300 and 600 dpi heads
MIN_MODULE_MM = 0.25  # narrowest Code 128 module (bar) we print
MAX_MODULE_MM = 0.5
QUIET_MODULES = 10  # Code 128 quiet zone on each side, in modules
PADDING_MM = 4.0
#: What a tracking number may hold: Code 128 prints it, and none of these are ZPL commands.
TRACKING_CHARS = re.compile(r"^[0-9A-Za-z./+-]{1,48}$")

DEFAULT_LABELS: dict[str, str] = {
    "Shipping labels": QT_TRANSLATE_NOOP("shipping", "Shipping labels"),
    "FROM": QT_TRANSLATE_NOOP("shipping", "FROM"),
    "TO": QT_TRANSLATE_NOOP("shipping", "TO"),
    "Order": QT_TRANSLATE_NOOP("shipping", "Order"),
    "Weight": QT_TRANSLATE_NOOP("shipping", "Weight"),
    "Parcel": QT_TRANSLATE_NOOP("shipping", "Parcel"),
    "Shipped": QT_TRANSLATE_NOOP("shipping", "Shipped"),
    "COD": QT_TRANSLATE_NOOP("shipping", "COD"),
}


# --- shared helpers (also used by the packing slip and the pick list) ----------------------

def format_quantity(quantity: Decimal) -> str:
    """A quantity without trailing zeros: 2, 1.5, 0.25 (never 2.000 or 1E+1)."""
    return format(Decimal(quantity).normalize(), "f")


def format_weight(grams: int) -> str:
    """Grams as kilograms for a label: 1250 → "1.25 kg", 2000 → "2 kg", 350 → "0.35 kg"."""
    return f"{format_quantity(Decimal(grams) / 1000)} kg"


def fit_line(fonts: PdfFonts, text: str, size: float, width: float, bold: bool = False,
             min_size: float | None = None) -> tuple[str, float]:
    """One line in ``width``: shrink down to ``min_size`` (80 % by default), then cut with "…"."""
    text = one_line(text)
    smallest = size * 0.8 if min_size is None else min_size
    natural = fonts.width(text, bold, size)
    if natural <= width:
        return text, size
    fitted = max(smallest, size * width / natural)
    return ellipsize(fonts, text, fitted, width, bold), fitted


def code128_modules(value: str) -> int:
    """Width of the Code 128 symbol as reportlab encodes it, quiet zones included."""
    return int(round(Code128(value, barWidth=1, quiet=False).width)) + 2 * QUIET_MODULES


def draw_code128(c: Canvas, fonts: PdfFonts, value: str, x: float, y: float, module: float,
                 bar_height: float, text_size: float) -> float:
    """Bars from ``x + quiet zone`` with the value centred under them, bottom of the text at
    ``y``; returns the total width including the quiet zones."""
    bars = Code128(value, barWidth=module, barHeight=bar_height, quiet=False, humanReadable=False)
    text_h = text_size * 1.25
    bars.drawOn(c, x + QUIET_MODULES * module, y + text_h)
    total = bars.width + 2 * QUIET_MODULES * module
    text, size = fit_line(fonts, value, text_size, total, False)
    draw_text(c, fonts, text, x + (total - fonts.width(text, False, size)) / 2, y + 0.22 * size,
              size, False)
    return total


def draw_qr(c: Canvas, value: str, x: float, y: float, size: float) -> None:
    """QR code (error correction M) filling a ``size`` square at (x, y), 4-module border inside."""
    widget = QrCodeWidget(value, barLevel="M", barWidth=size, barHeight=size, barBorder=4)
    drawing = Drawing(size, size)
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def tick_box(c: Canvas, x: float, y: float, side: float) -> None:
    c.saveState()
    c.setLineWidth(0.8)
    c.rect(x, y, side, side, stroke=1, fill=0)
    c.restoreState()


def _label_size(size: str) -> tuple[str, tuple[float, float]]:
    key = (size or "").strip().lower()
    if key not in LABEL_SIZES_MM:
        raise ValidationError("size", QT_TRANSLATE_NOOP(
            "errors", "'{size}' is not a label size ShopDesk prints; choose one of: {sizes}."),
            size=size, sizes=", ".join(LABEL_SIZES_MM))
    return key, LABEL_SIZES_MM[key]


def _check(labels: Sequence[ShippingLabelData]) -> list[ShippingLabelData]:
    """Every label checked before anything is drawn or written."""
    checked = list(labels)
    if not checked:
        raise ValidationError("labels", QT_TRANSLATE_NOOP(
            "errors", "Choose at least one shipment to print a shipping label for."))
    for label in checked:
        if not isinstance(label, ShippingLabelData):
            raise TypeError(f"expected ShippingLabelData, got {type(label).__name__}")
        if not TRACKING_CHARS.match(label.tracking_number or ""):
            raise ValidationError("tracking_number", QT_TRANSLATE_NOOP(
                "errors", "Order {order}: the tracking number '{number}' cannot be printed as a "
                          "barcode; it may hold only letters, digits and . / + - (at most 48). "
                          "Enter it again as the carrier gave it."),
                order=label.order_number, number=label.tracking_number)
        if label.weight_g < 0:
            raise ValidationError("weight_g", QT_TRANSLATE_NOOP(
                "errors", "Order {order}: the parcel weight cannot be negative ({weight} g)."),
                order=label.order_number, weight=label.weight_g)
    return checked


def _parcel_text(label: ShippingLabelData) -> str:
    parts = [one_line(label.parcel)] if label.parcel.strip() else []
    if label.dimensions_mm:
        parts.append(" × ".join(str(int(d)) for d in label.dimensions_mm) + " mm")
    return " · ".join(parts)


# --- PDF ---------------------------------------------------------------------------------

def _fit_block(fonts: PdfFonts, rows: list[tuple[str, bool]], size: float, width: float,
               height: float, min_size: float) -> tuple[list[tuple[str, bool]], float]:
    """Lay out address rows (text, bold) in a box: shrink, wrap long rows (up to three
    lines each), and cut with "…" only when even the smallest size does not fit.

    Returns the lines to draw and the font size; line height is 1.18 × size."""
    current = size
    while True:
        out: list[tuple[str, bool]] = []
        complete = True
        for text, bold in rows:
            lines, done = wrap_text(fonts, text, current, width, 3, bold)
            complete = complete and done
            out.extend((line, bold) for line in lines)
        # a row wrapped at the full size is still worth a smaller size that keeps it on one line
        wrapped = len(out) > len(rows) and current > size * 0.8
        if complete and not wrapped and len(out) * current * 1.18 <= height:
            return out, current
        if complete and wrapped and len(out) * current * 1.18 <= height:
            one_line_size = min(
                (current * width / fonts.width(t, b, current) for t, b in rows
                 if fonts.width(t, b, current) > width), default=current)
            if one_line_size < size * 0.8:  # shrinking would not save the wrap
                return out, current
        if current <= min_size:
            break
        current = max(min_size, current - 0.5)
    capacity = max(1, int(height // (current * 1.18)))
    if len(out) > capacity:
        out = out[:capacity]
        text, bold = out[-1]
        while text and fonts.width(text + ELLIPSIS, bold, current) > width:
            text = text[:-1]
        out[-1] = (text.rstrip() + ELLIPSIS, bold)
    return out, current


def _draw_label(c: Canvas, fonts: PdfFonts, label: ShippingLabelData, words: Mapping[str, str],
                page_w: float, page_h: float) -> None:
    pad = PADDING_MM * mm
    x0, inner_w = pad, page_w - 2 * pad
    top = page_h - pad
    gap = 1.5 * mm
    c.setLineWidth(1.2)

    # --- sender (left) and carrier/service (right) ------------------------------------
    right_w = inner_w * 0.42
    left_w = inner_w - right_w - gap
    draw_text(c, fonts, ellipsize(fonts, words["FROM"], 6.5, left_w, True), x0, top - 6.5, 6.5, True)
    y = top - 6.5 - 1.2 * mm
    for row in label.sender.block()[:5]:
        text, size = fit_line(fonts, row, 7.5, left_w, False, 6.0)
        y -= size * 1.15
        draw_text(c, fonts, text, x0, y, size, False)
    left_bottom = y
    rx = x0 + inner_w - right_w
    carrier, size = fit_line(fonts, label.carrier, 14.0, right_w, True, 9.0)
    ry = top - size * 0.9
    draw_text(c, fonts, carrier, rx, ry, size, True)
    service, size = fit_line(fonts, label.service, 10.0, right_w, False, 7.0)
    ry -= size * 1.3
    draw_text(c, fonts, service, rx, ry, size, False)
    if label.shipped_on:
        shipped, size = fit_line(fonts, f"{words['Shipped']} {label.shipped_on.isoformat()}",
                                 7.5, right_w, False, 6.0)
        ry -= size * 1.4
        draw_text(c, fonts, shipped, rx, ry, size, False)
    header_bottom = min(left_bottom, ry) - gap
    c.line(x0, header_bottom, x0 + inner_w, header_bottom)

    # --- tracking barcode along the bottom ----------------------------------------------
    modules = code128_modules(label.tracking_number)
    module = min(MAX_MODULE_MM * mm, inner_w / modules)
    if module < MIN_MODULE_MM * mm - 1e-9:
        raise ValidationError("tracking_number", QT_TRANSLATE_NOOP(
            "errors", "Order {order}: the tracking number {number} is too long to print scannably "
                      "on this label; use a wider label or the ZPL printer."),
            order=label.order_number, number=label.tracking_number)
    text_size = 11.0
    bar_h = min(22 * mm, page_h * 0.15)
    bar_w = modules * module
    draw_code128(c, fonts, label.tracking_number, x0 + (inner_w - bar_w) / 2, pad, module,
                 bar_h, text_size)
    barcode_top = pad + text_size * 1.25 + bar_h + gap

    # --- order / weight / parcel / COD with the QR code --------------------------------
    qr_size = 27 * mm if label.tracking_url else 0.0
    info_w = inner_w - (qr_size + gap if qr_size else 0.0)
    info: list[tuple[str, str]] = [
        (words["Order"], label.order_number),
        (words["Weight"], format_weight(label.weight_g)),
    ]
    parcel = _parcel_text(label)
    if parcel:
        info.append((words["Parcel"], parcel))
    row_size = 9.5
    cod_h = 9 * mm if label.cash_on_delivery.strip() else 0.0
    info_h = max(qr_size, len(info) * row_size * 1.35 + (cod_h + gap if cod_h else 0.0))
    info_bottom = barcode_top
    info_top = info_bottom + info_h
    if qr_size:
        draw_qr(c, label.tracking_url, x0 + inner_w - qr_size, info_bottom + (info_h - qr_size) / 2,
                qr_size)
    label_col = max(fonts.width(k, True, 7.5) for k, _ in info) + 1.5 * mm
    y = info_top - row_size
    for key, value in info:
        draw_text(c, fonts, ellipsize(fonts, key, 7.5, info_w * 0.4, True), x0, y, 7.5, True)
        value_w = info_w - min(label_col, info_w * 0.4)
        text, size = fit_line(fonts, value, row_size, value_w, key == words["Order"], 6.5)
        draw_text(c, fonts, text, x0 + info_w - value_w, y, size, key == words["Order"])
        y -= row_size * 1.35
    if cod_h:
        box_y = info_bottom + (0.5 * mm if not qr_size else 0.0)
        c.saveState()
        c.setFillGray(0)
        c.rect(x0, box_y, info_w, cod_h, stroke=0, fill=1)
        c.setFillGray(1)
        cod = f"{words['COD']} {one_line(label.cash_on_delivery)}"
        text, size = fit_line(fonts, cod, 18.0, info_w - 3 * mm, True, 9.0)
        draw_text(c, fonts, text, x0 + (info_w - fonts.width(text, True, size)) / 2,
                  box_y + (cod_h - size * 0.72) / 2, size, True)
        c.restoreState()
    c.line(x0, info_top + gap, x0 + inner_w, info_top + gap)

    # --- recipient fills what is left in the middle -------------------------------------
    to_top = header_bottom - gap
    draw_text(c, fonts, ellipsize(fonts, words["TO"], 8.0, inner_w, True), x0, to_top - 8.0, 8.0, True)
    block_top = to_top - 8.0 - 1.5 * mm
    block_bottom = info_top + 2 * gap
    indent = 3 * mm
    rows = [(row, i == 0) for i, row in enumerate(_recipient_rows(label.recipient))]
    lines, size = _fit_block(fonts, rows, 16.0, inner_w - indent, block_top - block_bottom, 8.0)
    y = block_top
    for text, bold in lines:
        y -= size * 1.18
        draw_text(c, fonts, text, x0 + indent, y + size * 0.18, size, bold)


def _recipient_rows(address: Address) -> list[str]:
    rows = [one_line(row) for row in address.block()]
    if address.phone.strip():
        rows.append(one_line(address.phone))
    return [row for row in rows if row]


def render_shipping_labels(
    labels: Sequence[ShippingLabelData],
    out: str | os.PathLike[str] | BinaryIO,
    size: str = "4x6",
    *,
    words: Mapping[str, str] | None = None,
) -> int:
    """Write one PDF with one label per page; returns the number of pages.

    ``size`` is ``"4x6"`` (4 × 6 in) or ``"a6"`` (105 × 148 mm). ``words`` translates the
    printed words (keys of :data:`DEFAULT_LABELS`). Every label is checked first; nothing
    is written when one cannot be printed.
    """
    _, (width_mm, height_mm) = _label_size(size)
    checked = _check(labels)
    text = {**DEFAULT_LABELS, **(words or {})}
    fonts = PdfFonts()
    page_w, page_h = width_mm * mm, height_mm * mm
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(page_w, page_h), invariant=True, pageCompression=1)
    c.setTitle(text["Shipping labels"])
    c.setCreator("ShopDesk")
    for label in checked:
        _draw_label(c, fonts, label, text, page_w, page_h)
        c.showPage()
    c.save()
    write_pdf(buffer.getvalue(), out, "shipping labels PDF")
    return len(checked)


# --- ZPL ---------------------------------------------------------------------------------

_ZPL_SPECIAL = {"^": "_5E", "~": "_7E", "_": "_5F"}


def zpl_escape(text: str) -> str:
    """Field data for use after ``^FH_``: one printable line, ``^ ~ _`` as hex escapes."""
    return "".join(_ZPL_SPECIAL.get(ch, ch) for ch in one_line(text))


def zpl_unescape(data: str) -> str:
    """The text a printer prints for ``^FH_`` field data (hex escapes are UTF-8 bytes)."""
    raw = bytearray()
    i = 0
    encoded = data.encode("utf-8")
    while i < len(encoded):
        if encoded[i:i + 1] == b"_" and i + 3 <= len(encoded):
            raw.append(int(encoded[i + 1:i + 3], 16))
            i += 3
        else:
            raw.append(encoded[i])
            i += 1
    return raw.decode("utf-8")


def _zpl_char_width(ch: str, height: int) -> float:
    """Generous width of one character of font 0 at ``height`` dots (condensed sans)."""
    if char_width(ch) == 2:
        return height * 1.0
    if ch.isupper() or ch.isdigit() or ch in "@%&#":
        return height * 0.62
    if ch in " .,;:'|!il":
        return height * 0.3
    return height * 0.52


def _zpl_measure(text: str, height: int) -> float:
    return sum(_zpl_char_width(ch, height) for ch in text)


def _zpl_fit(text: str, height: int, width: int, min_height: int) -> tuple[str, int]:
    """Shrink to ``min_height`` dots, then cut with "..." so the text stays inside ``width``."""
    text = one_line(text)
    measure = _zpl_measure
    if measure(text, height) <= width:
        return text, height
    h = max(min_height, int(height * width / measure(text, height)))
    if measure(text, h) <= width:
        return text, h
    while text and measure(text + "...", h) > width:
        text = text[:-1]
    return text.rstrip() + "...", h


def _zpl_wrap(text: str, height: int, width: int, max_lines: int) -> list[str]:
    """Break a row at spaces so each line fits ``width`` at ``height`` (the last may be cut)."""
    words_left = one_line(text).split(" ")
    lines: list[str] = []
    while words_left and len(lines) < max_lines - 1:
        line = words_left[0]
        used = 1
        while used < len(words_left) and _zpl_measure(f"{line} {words_left[used]}", height) <= width:
            line = f"{line} {words_left[used]}"
            used += 1
        if used == len(words_left):
            break
        lines.append(line)
        words_left = words_left[used:]
    lines.append(" ".join(words_left))
    return [line for line in lines if line]


class _Zpl:
    def __init__(self, dpmm: int, cjk_font: str) -> None:
        self.dpmm = dpmm
        self.cjk_font = cjk_font
        self.parts: list[str] = []

    def dots(self, millimetres: float) -> int:
        return int(round(millimetres * self.dpmm))

    def text(self, x: int, y: int, text: str, height: int, width: int, *, min_height: int = 0,
             reverse: bool = False) -> int:
        """A one-line text field at (x, y) no wider than ``width``; returns its height."""
        fitted, h = _zpl_fit(text, height, width, min_height or max(12, int(height * 0.75)))
        if self.cjk_font and any(char_width(ch) == 2 for ch in fitted):
            font = f"^A@N,{h},{h},{self.cjk_font}"
        else:
            font = f"^A0N,{h},{h}"
        rev = "^FR" if reverse else ""
        self.parts.append(f"^FO{x},{y}{font}{rev}^FH_^FD{zpl_escape(fitted)}^FS")
        return h


def _zpl_label(label: ShippingLabelData, words: Mapping[str, str], dpmm: int,
               width_mm: float, height_mm: float, cjk_font: str) -> str:
    z = _Zpl(dpmm, cjk_font)
    pw, ll = int(width_mm * dpmm), int(height_mm * dpmm)
    pad = z.dots(PADDING_MM)
    inner = pw - 2 * pad
    gap = z.dots(1.5)
    line = max(2, z.dots(0.35))
    head = [f"^XA^CI28^PW{pw}^LL{ll}^LH0,0"]

    # sender and carrier
    right_w = int(inner * 0.42)
    left_w = inner - right_w - gap
    y = pad
    y += z.text(pad, y, words["FROM"], z.dots(2.3), left_w) + z.dots(0.8)
    for row in label.sender.block()[:5]:
        y += z.text(pad, y, row, z.dots(2.6), left_w, min_height=z.dots(2.1)) + z.dots(0.5)
    rx = pad + inner - right_w
    ry = pad
    ry += z.text(rx, ry, label.carrier, z.dots(4.5), right_w, min_height=z.dots(3.0)) + z.dots(1)
    ry += z.text(rx, ry, label.service, z.dots(3.3), right_w, min_height=z.dots(2.4)) + z.dots(1)
    if label.shipped_on:
        ry += z.text(rx, ry, f"{words['Shipped']} {label.shipped_on.isoformat()}",
                     z.dots(2.5), right_w) + z.dots(0.5)
    header_bottom = max(y, ry) + gap
    z.parts.append(f"^FO{pad},{header_bottom}^GB{inner},{line},{line}^FS")

    # tracking barcode at the bottom: width in subset B (worst case, the printer may pack digits)
    symbol = 11 * len(label.tracking_number) + 35 + 2 * QUIET_MODULES
    module = min(max(1, z.dots(MAX_MODULE_MM)), inner // symbol)
    if module < math.ceil(MIN_MODULE_MM * dpmm - 1e-9):
        raise ValidationError("tracking_number", QT_TRANSLATE_NOOP(
            "errors", "Order {order}: the tracking number {number} is too long to print scannably "
                      "on this label; use a wider label."),
            order=label.order_number, number=label.tracking_number)
    bar_h = z.dots(min(22.0, height_mm * 0.15))
    hr_h = z.dots(3.5)  # interpretation line under the bars
    bar_y = ll - pad - hr_h - bar_h
    bar_x = pad + max(0, (inner - symbol * module) // 2) + QUIET_MODULES * module
    z.parts.append(f"^FO{bar_x},{bar_y}^BY{module},3,{bar_h}^BCN,{bar_h},Y,N,N,A"
                   f"^FH_^FD{zpl_escape(label.tracking_number)}^FS")
    info_bottom = bar_y - gap

    # info rows, COD, QR
    qr_mag = 0
    qr_size = 0
    if label.tracking_url:
        modules = _qr_modules(label.tracking_url)
        qr_mag = max(1, min(10, z.dots(27.0) // (modules + 8)))
        qr_size = (modules + 8) * qr_mag
    info_w = inner - (qr_size + gap if qr_size else 0)
    rows = [(words["Order"], label.order_number), (words["Weight"], format_weight(label.weight_g))]
    parcel = _parcel_text(label)
    if parcel:
        rows.append((words["Parcel"], parcel))
    row_h = z.dots(3.4)
    cod_h = z.dots(9.0) if label.cash_on_delivery.strip() else 0
    info_h = max(qr_size, len(rows) * (row_h + z.dots(1.2)) + (cod_h + gap if cod_h else 0))
    info_top = info_bottom - info_h
    if qr_size:
        # ^BQ draws its symbol with the 4-module border inside the field, like the PDF widget
        z.parts.append(f"^FO{pad + inner - qr_size},{info_top + (info_h - qr_size) // 2}"
                       f"^BQN,2,{qr_mag}^FH_^FDQA,{zpl_escape(label.tracking_url)}^FS")
    key_w = int(info_w * 0.3)
    y = info_top
    for key, value in rows:
        z.text(pad, y, key, z.dots(2.6), key_w - gap)
        z.text(pad + key_w, y, value, row_h, info_w - key_w, min_height=z.dots(2.3))
        y += row_h + z.dots(1.2)
    if cod_h:
        box_y = info_bottom - cod_h
        z.parts.append(f"^FO{pad},{box_y}^GB{info_w},{cod_h},{cod_h}^FS")
        cod = f"{words['COD']} {one_line(label.cash_on_delivery)}"
        text_h = z.dots(6.0)
        z.text(pad + z.dots(1.5), box_y + (cod_h - text_h) // 2, cod, text_h,
               info_w - z.dots(3), min_height=z.dots(3.5), reverse=True)
    z.parts.append(f"^FO{pad},{info_top - gap}^GB{inner},{line},{line}^FS")

    # recipient
    y = header_bottom + gap
    y += z.text(pad, y, words["TO"], z.dots(2.8), inner) + z.dots(1.2)
    bottom = info_top - 2 * gap
    rows_to = _recipient_rows(label.recipient)
    indent = z.dots(3.0)
    width = inner - indent
    size = z.dots(5.5)
    while True:
        lines = [line for row in rows_to for line in _zpl_wrap(row, size, width, 4)]
        if len(lines) * (size + z.dots(1.0)) <= bottom - y or size <= z.dots(3.0):
            break
        size -= 1
    for line_text in lines:
        if y + size > bottom:
            break
        y += z.text(pad + indent, y, line_text, size, width, min_height=max(12, int(size * 0.8)))
        y += z.dots(1.0)
    return "".join(head + z.parts) + "^XZ"


def _qr_modules(value: str) -> int:
    """Modules per side of the QR symbol (error correction Q, as ``^FDQA,``)."""
    widget = QrCodeWidget(value, barLevel="Q")
    widget.qr.make()
    return widget.qr.getModuleCount()


def render_zpl(
    labels: Sequence[ShippingLabelData],
    dpmm: int = 8,
    size: str = "4x6",
    *,
    words: Mapping[str, str] | None = None,
    cjk_font: str = "",
) -> str:
    """ZPL II for the labels: one ``^XA … ^XZ`` format per label, UTF-8 (``^CI28``).

    ``dpmm`` is the printer's density in dots per millimetre (8 = 203 dpi, 12 = 300 dpi).
    See the module documentation for how user text is escaped.
    """
    _, (width_mm, height_mm) = _label_size(size)
    if isinstance(dpmm, bool) or dpmm not in ZPL_DENSITIES:
        raise ValidationError("dpmm", QT_TRANSLATE_NOOP(
            "errors", "The printer density must be one of {densities} dots per mm "
                      "(8 = 203 dpi, 12 = 300 dpi), not {dpmm}."),
            densities=", ".join(map(str, ZPL_DENSITIES)), dpmm=dpmm)
    checked = _check(labels)
    text = {**DEFAULT_LABELS, **(words or {})}
    font = one_line(cjk_font).replace("^", "").replace("~", "").replace(",", "")
    return "\n".join(_zpl_label(label, text, dpmm, width_mm, height_mm, font)
                     for label in checked) + "\n"
