"""The layout of a receipt as lines of text for a fixed number of printer columns.

One layout feeds every output: the ESC/POS renderer prints the lines as they are, the PDF
renderer places the same cells on an 80 mm page, and a preview can show :func:`receipt_text`.

Widths are *display* widths: East Asian wide and full-width characters (``牛``, ``Ａ``) take two
columns on a receipt printer, combining marks take none. 42 columns is Font A on 80 mm paper,
32 columns Font A on 58 mm paper. Lines printed double size (store name, total, the copy
marker) are laid out for half the columns.

Words such as "Subtotal" come from ``labels`` (English defaults in :data:`DEFAULT_LABELS`);
the GUI passes translated ones, e.g.
``{key: QCoreApplication.translate("receipt", key) for key in DEFAULT_LABELS}``.

Amounts are formatted with :func:`shopdesk.domain.money.format_money`. A line's ``total`` is
taken to be after its ``discount`` (a positive reduction): the quantity line shows the size
before discounts and the discount lines (its own, its share of the cart discount) take off
from it, so the column adds up. On a return line (negative quantity) a discount reduces the
refund, so it shows as a positive amount.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal
from typing import Literal

from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import format_money
from shopdesk.domain.receipt import Receipt

WIDTH_80MM = 42  #: Font A columns on 80 mm paper
WIDTH_58MM = 32  #: Font A columns on 58 mm paper
MIN_WIDTH = 24

#: Label key -> English text. Keys are the English words; pass translations for any of them.
DEFAULT_LABELS: dict[str, str] = {
    "Receipt": QT_TRANSLATE_NOOP("receipt", "Receipt"),
    "Till": QT_TRANSLATE_NOOP("receipt", "Till"),
    "Cashier": QT_TRANSLATE_NOOP("receipt", "Cashier"),
    "Tax ID": QT_TRANSLATE_NOOP("receipt", "Tax ID"),
    "Discount": QT_TRANSLATE_NOOP("receipt", "Discount"),
    "Subtotal": QT_TRANSLATE_NOOP("receipt", "Subtotal"),
    "Rate": QT_TRANSLATE_NOOP("receipt", "Rate"),
    "Net": QT_TRANSLATE_NOOP("receipt", "Net"),
    "Tax": QT_TRANSLATE_NOOP("receipt", "Tax"),
    "Total": QT_TRANSLATE_NOOP("receipt", "Total"),
    "Change": QT_TRANSLATE_NOOP("receipt", "Change"),
    "COPY": QT_TRANSLATE_NOOP("receipt", "COPY"),
    "Cash": QT_TRANSLATE_NOOP("receipt", "Cash"),
    "Card": QT_TRANSLATE_NOOP("receipt", "Card"),
    "Voucher": QT_TRANSLATE_NOOP("receipt", "Voucher"),
    "Bank transfer": QT_TRANSLATE_NOOP("receipt", "Bank transfer"),
    "Store credit": QT_TRANSLATE_NOOP("receipt", "Store credit"),
    "Approval code": QT_TRANSLATE_NOOP("receipt", "Approval code"),
    "Reference": QT_TRANSLATE_NOOP("receipt", "Reference"),
    "Cart discount": QT_TRANSLATE_NOOP("receipt", "Cart discount"),
    "Line discounts": QT_TRANSLATE_NOOP("receipt", "Line discounts"),
    "Before discounts": QT_TRANSLATE_NOOP("receipt", "Before discounts"),
    "Rounding": QT_TRANSLATE_NOOP("receipt", "Rounding"),
    "To pay": QT_TRANSLATE_NOOP("receipt", "To pay"),
    "To pay back": QT_TRANSLATE_NOOP("receipt", "To pay back"),
    "Customer": QT_TRANSLATE_NOOP("receipt", "Customer"),
    "RETURN": QT_TRANSLATE_NOOP("receipt", "RETURN"),
    "EXCHANGE": QT_TRANSLATE_NOOP("receipt", "EXCHANGE"),
    "Original receipt": QT_TRANSLATE_NOOP("receipt", "Original receipt"),
}

Align = Literal["left", "right", "center"]
Kind = Literal["text", "rule", "barcode"]


# --------------------------------------------------------------------------- text helpers


def char_width(ch: str) -> int:
    """Columns one character takes on a receipt printer (0, 1 or 2)."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def clean_text(text: str) -> str:
    """One printable line: control characters (which could smuggle printer commands) and
    exotic spaces (no-break, narrow no-break, thin; not in most printer code pages) become a
    plain space."""
    out = []
    for ch in str(text):
        cat = unicodedata.category(ch)
        if cat == "Cc" or cat in ("Zs", "Zl", "Zp"):
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def split_to_width(text: str, width: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``width`` display columns (no word logic)."""
    pieces: list[str] = []
    current, used = "", 0
    for ch in text:
        w = char_width(ch)
        if used + w > width and current:
            pieces.append(current)
            current, used = "", 0
        current += ch
        used += w
    if current or not pieces:
        pieces.append(current)
    return pieces


def wrap_text(text: str, width: int) -> list[str]:
    """Word-wrap to ``width`` display columns; words longer than a line are cut.

    Explicit newlines start new lines; an empty paragraph gives an empty line.
    """
    width = max(1, width)
    lines: list[str] = []
    for paragraph in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        words = clean_text(paragraph).split()
        if not words:
            lines.append("")
            continue
        current, used = "", 0
        for word in words:
            ww = display_width(word)
            if current and used + 1 + ww <= width:
                current += " " + word
                used += 1 + ww
                continue
            if current:
                lines.append(current)
            if ww <= width:
                current, used = word, ww
            else:
                *full, current = split_to_width(word, width)
                lines.extend(full)
                used = display_width(current)
        lines.append(current)
    return lines


def pad(text: str, width: int, align: Align = "left") -> str:
    """Pad ``text`` with spaces to ``width`` display columns."""
    gap = max(0, width - display_width(text))
    if align == "right":
        return " " * gap + text
    if align == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


# --------------------------------------------------------------------------- layout model


@dataclass(frozen=True)
class Cell:
    """Text placed in columns ``[start, end)`` of a line, aligned inside that span."""

    text: str
    start: int
    end: int
    align: Align = "left"


@dataclass(frozen=True)
class TextLine:
    """One printed line.

    ``columns`` is how many columns the line is laid out for: the full width, or half of it
    when ``double`` (double width and height). ``kind`` is ``"rule"`` for a separator
    (``value`` is its character) or ``"barcode"`` for the receipt number as Code 128
    (``value`` is the data; the cells hold the human-readable fallback).
    """

    cells: tuple[Cell, ...]
    columns: int
    bold: bool = False
    double: bool = False
    kind: Kind = "text"
    value: str = ""

    @property
    def text(self) -> str:
        out, col = [], 0
        for cell in sorted(self.cells, key=lambda c: c.start):
            out.append(" " * max(0, cell.start - col))
            out.append(pad(cell.text, cell.end - cell.start, cell.align))
            col = max(col, cell.end)
        return "".join(out).rstrip()

    @property
    def printer_columns(self) -> int:
        """Columns of normal-size text this line occupies on paper."""
        return display_width(self.text) * (2 if self.double else 1)


class _Builder:
    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: list[TextLine] = []

    def _cols(self, double: bool) -> int:
        return self.width // 2 if double else self.width

    def add(self, cells: Iterable[Cell], *, bold: bool = False, double: bool = False) -> None:
        self.lines.append(TextLine(tuple(cells), self._cols(double), bold=bold, double=double))

    def blank(self) -> None:
        self.add(())

    def rule(self, char: str = "-") -> None:
        self.lines.append(
            TextLine((Cell(char * self.width, 0, self.width),), self.width, kind="rule", value=char)
        )

    def barcode(self, value: str) -> None:
        cols = self.width
        cells = tuple(Cell(t, 0, cols, "center") for t in split_to_width(clean_text(value), cols))
        self.lines.append(TextLine(cells[:1], cols, kind="barcode", value=value))
        for cell in cells[1:]:  # absurdly long numbers only
            self.add((cell,))

    def center(self, text: str, *, bold: bool = False, double: bool = False) -> None:
        cols = self._cols(double)
        for part in wrap_text(text, cols):
            self.add((Cell(part, 0, cols, "center"),) if part else (), bold=bold, double=double)

    def left(self, text: str, *, indent: int = 0, bold: bool = False) -> None:
        cols = self.width
        for part in wrap_text(text, cols - indent):
            self.add((Cell(part, indent, cols),) if part else (), bold=bold)

    def pair(
        self, left: str, right: str, *, indent: int = 0, bold: bool = False, double: bool = False
    ) -> None:
        """``left`` (wrapped) and ``right`` right-aligned on its last line, or on a line of
        its own when they do not fit together."""
        cols = self._cols(double)
        right = clean_text(right).strip()
        rw = display_width(right)
        parts = wrap_text(left, cols - indent) if left.strip() else []
        if rw > cols:  # cannot happen with sane amounts; never print past the edge
            for part in parts:
                self.add((Cell(part, indent, cols),), bold=bold, double=double)
            for part in split_to_width(right, cols):
                self.add((Cell(part, 0, cols, "right"),), bold=bold, double=double)
            return
        if parts and indent + display_width(parts[-1]) + 1 + rw > cols:
            for part in parts:
                self.add((Cell(part, indent, cols),), bold=bold, double=double)
            parts = []
        for part in parts[:-1]:
            self.add((Cell(part, indent, cols),), bold=bold, double=double)
        cells = [Cell(right, cols - rw, cols, "right")] if right else []
        if parts:
            cells.insert(0, Cell(parts[-1], indent, cols - rw - 1))
        self.add(cells, bold=bold, double=double)

    def table(self, texts: tuple[str, ...], widths: tuple[int, ...], aligns: tuple[Align, ...]
              ) -> bool:
        """One row of fixed columns; False (nothing added) when a text does not fit."""
        cells, start = [], 0
        for i, (text, w, align) in enumerate(zip(texts, widths, aligns, strict=True)):
            room = w if i == len(texts) - 1 else w - 1  # keep a space between columns
            if display_width(text) > room:
                return False
            cells.append(Cell(text, start, start + w, align))
            start += w
        self.add(cells)
        return True


# --------------------------------------------------------------------------- the receipt


def resolve_labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_LABELS)
    if labels:
        merged.update({k: v for k, v in labels.items() if v})
    return merged


def check_width(width: int) -> int:
    if not isinstance(width, int) or width < MIN_WIDTH:
        raise ValidationError(
            "receipt_width",
            QT_TRANSLATE_NOOP(
                "errors",
                "A receipt needs at least {minimum} columns; {width} was given. "
                "Use 42 for 80 mm paper or 32 for 58 mm paper.",
            ),
            minimum=MIN_WIDTH, width=width,
        )
    return width


def layout_receipt(
    receipt: Receipt,
    width: int = WIDTH_80MM,
    labels: Mapping[str, str] | None = None,
    *,
    tz: tzinfo | None = None,
) -> list[TextLine]:
    """Lay the receipt out for ``width`` columns. ``tz`` defaults to the machine's zone."""
    width = check_width(width)
    lab = resolve_labels(labels)
    loc = receipt.locale

    def money(minor: int) -> str:
        return clean_text(format_money(minor, receipt.currency, loc))

    def qty(value: Decimal) -> str:
        return clean_text(format_decimal(value, locale=loc))

    def percent(value: Decimal) -> str:
        return clean_text(
            format_percent(Decimal(value) / 100, locale=loc, decimal_quantization=False)
        )

    b = _Builder(width)

    def copy_marker() -> None:
        text = f"*** {lab['COPY']} ***"
        b.center(text, bold=True, double=display_width(text) <= width // 2)

    if receipt.is_copy:
        copy_marker()
        b.blank()

    # Header
    b.center(receipt.store_name, bold=True, double=True)
    for line in receipt.store_address.splitlines():
        if line.strip():
            b.center(line)
    if receipt.tax_id.strip():
        b.center(f"{lab['Tax ID']}: {receipt.tax_id}")
    b.rule("-")

    local = receipt.issued_at.astimezone(tz)
    b.pair(lab["Receipt"], receipt.receipt_number)
    b.pair(
        clean_text(format_date(local, "medium", locale=loc)),
        clean_text(format_time(local, "medium", tzinfo=local.tzinfo, locale=loc)),
    )
    b.pair(f"{lab['Till']}: {receipt.till}", f"{lab['Cashier']}: {receipt.cashier}")
    if receipt.customer.strip():
        b.left(f"{lab['Customer']}: {receipt.customer}")
    heading = {"return": lab["RETURN"], "exchange": lab["EXCHANGE"]}.get(receipt.kind)
    if heading:
        b.rule("-")
        b.center(heading, bold=True, double=display_width(heading) <= width // 2)
        if receipt.original_receipt:
            b.pair(lab["Original receipt"], receipt.original_receipt)
    b.rule("-")

    # Lines: the size before discounts, then each discount as a reduction of it
    for line in receipt.lines:
        b.left(line.description)
        amount = money(line.before_discount)
        code = clean_text(line.tax_code).strip()
        b.pair(
            f"{qty(line.quantity)} x {money(line.unit_price)}",
            f"{amount} {code}" if code else amount,
            indent=2,
        )
        if line.own_discount:
            b.pair(lab["Discount"], money(-line.sign * line.own_discount), indent=2)
        if line.cart_share:
            b.pair(lab["Cart discount"], money(-line.sign * line.cart_share), indent=2)
    b.rule("-")

    # Totals and taxes
    if receipt.has_discounts:
        b.pair(lab["Before discounts"], money(receipt.before_discounts))
        if receipt.line_discounts:
            b.pair(lab["Line discounts"], money(-receipt.line_discounts))
        if receipt.cart_discount:
            b.pair(lab["Cart discount"], money(-receipt.cart_discount))
    b.pair(lab["Subtotal"], money(receipt.subtotal))
    if not receipt.prices_include_tax:
        b.pair(lab["Tax"], money(receipt.tax_total))
    if receipt.taxes:
        amount_w = (width - 10) // 2
        widths = (width - 2 * amount_w, amount_w, amount_w)
        aligns: tuple[Align, ...] = ("left", "right", "right")
        if not b.table((lab["Rate"], lab["Net"], lab["Tax"]), widths, aligns):
            b.left(f"{lab['Rate']} / {lab['Net']} / {lab['Tax']}")
        for tax in receipt.taxes:
            rate = " ".join(p for p in (clean_text(tax.code).strip(), percent(tax.percent)) if p)
            row = (rate, money(tax.net), money(tax.tax))
            if not b.table(row, widths, aligns):
                b.left(rate)
                b.pair(lab["Net"], row[1], indent=2)
                b.pair(lab["Tax"], row[2], indent=2)
    b.rule("=")
    total_label, total = lab["Total"].upper(), money(receipt.total)
    if display_width(total_label) + 1 + display_width(total) <= width // 2:
        b.pair(total_label, total, bold=True, double=True)
    else:
        b.pair(total_label, total, bold=True)
    if receipt.rounding:
        sign = "+" if receipt.rounding > 0 else ""
        b.pair(lab["Rounding"], sign + money(receipt.rounding))
        b.pair(lab["To pay back"] if receipt.due < 0 else lab["To pay"], money(receipt.due), bold=True)
    b.rule("=")

    # Payment: each tender with what the terminal said, then the change
    for tender in receipt.tenders:
        name = " ".join(p for p in (clean_text(tender.name).strip(), clean_text(tender.card_type).strip()) if p)
        b.pair(name, money(tender.amount))
        if tender.reference.strip():
            caption = lab["Approval code"] if tender.kind == "card" else lab["Reference"]
            b.pair(caption, clean_text(tender.reference).strip(), indent=2)
    if receipt.change:
        b.pair(lab["Change"], money(receipt.change), bold=True)

    if receipt.extra:
        b.rule("-")
        for key, value in receipt.extra.items():
            b.left(f"{key}: {value}")

    b.blank()
    b.barcode(receipt.receipt_number)
    if receipt.footer.strip():
        b.blank()
        for paragraph in receipt.footer.splitlines():
            b.center(paragraph)
    if receipt.is_copy:
        b.blank()
        copy_marker()
    return b.lines


def receipt_text(
    receipt: Receipt,
    width: int = WIDTH_80MM,
    labels: Mapping[str, str] | None = None,
    *,
    tz: tzinfo | None = None,
) -> str:
    """The receipt as plain text (double-size lines shown at normal size), e.g. a preview."""
    return "\n".join(line.text for line in layout_receipt(receipt, width, labels, tz=tz))
