"""Shelf-edge and product labels: what goes on a label and how labels sit on the paper.

Pure data and rules (no Qt, SQLAlchemy or reportlab): the PDF drawing lives in
:mod:`shopdesk.printing.labels`, reading the catalog in :mod:`shopdesk.services.labels`.

Which barcode symbology a code is printed in is decided here by :func:`barcode_symbology`,
*before* anything is drawn: reportlab computes the EAN/UPC check digit itself and silently
replaces a wrong one, which would print a label that scans as a different product.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.domain.errors import InvalidBarcode, ValidationError
from shopdesk.domain.gtin import expand_upce, gtin_kind, is_valid_gtin, validate_gtin
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP

#: Page sizes in millimetres (width, height), portrait.
PAGE_SIZES_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}

#: Smallest label anything useful (name, price, an EAN-8 or short Code 128) fits on.
MIN_LABEL_MM = (25.0, 15.0)
MAX_LABEL_MM = 300.0
MAX_COPIES = 1000
#: Longest internal code printed as Code 128 (the SKU column holds 64 characters).
MAX_CODE128_LENGTH = 48

SYMBOLOGIES = ("EAN13", "UPCA", "EAN8", "Code128")


@dataclass(frozen=True)
class LabelItem:
    """One product as it appears on a label; ``copies`` labels are printed for it.

    ``price`` is in minor units of ``currency``; ``barcode`` is the code as printed on the
    pack (a GTIN) or an internal code/SKU, printed as Code 128. ``unit_price_text`` (e.g.
    ``"€2.58 / kg"``) is worked out by the service, which knows the product's unit.
    """

    name: str
    price: int
    currency: str
    locale: str
    barcode: str
    sku: str = ""
    unit: str = "piece"
    unit_price_text: str = ""
    copies: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.price, bool) or not isinstance(self.price, int) or self.price < 0:
            raise ValidationError(
                "price",
                QT_TRANSLATE_NOOP("errors", "The label price of {name} must be a whole, non-negative amount in minor units, not {price}."),
                name=self.name, price=self.price,
            )
        if isinstance(self.copies, bool) or not isinstance(self.copies, int) or not 1 <= self.copies <= MAX_COPIES:
            raise ValidationError(
                "copies",
                QT_TRANSLATE_NOOP("errors", "Print between 1 and {maximum} labels of {name}, not {copies}."),
                name=self.name, copies=self.copies, maximum=MAX_COPIES,
            )


def _check_mm(field: str, value: float, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "{field} must be between {low:g} and {high:g} mm, not {value}."),
            value=value, low=low, high=high,
        )


def _check_count(field: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 50:
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "{field} must be a whole number from 1 to 50, not {value}."),
            value=value,
        )


@dataclass(frozen=True)
class SheetLayout:
    """A sheet of self-adhesive labels in a grid, e.g. 3 × 8 labels of 70 × 37 mm on A4.

    ``top_mm``/``left_mm`` are the page margins before the first row/column; ``h_gap_mm``
    is the gap between columns, ``v_gap_mm`` between rows. ``padding_mm`` keeps text and
    bars away from the label's edges (most office printers cannot print the outer ~4 mm of
    a page, and die-cut labels shift by a millimetre or so).
    """

    page: str = "A4"
    columns: int = 3
    rows: int = 8
    label_width_mm: float = 70.0
    label_height_mm: float = 37.0
    top_mm: float = 0.5
    left_mm: float = 0.0
    h_gap_mm: float = 0.0
    v_gap_mm: float = 0.0
    padding_mm: float = 3.0

    def __post_init__(self) -> None:
        if self.page not in PAGE_SIZES_MM:
            raise ValidationError(
                "page",
                QT_TRANSLATE_NOOP("errors", "Unknown page size '{page}'; use {choices}."),
                page=self.page, choices=" or ".join(PAGE_SIZES_MM),
            )
        _check_count("columns", self.columns)
        _check_count("rows", self.rows)
        _check_mm("label_width_mm", self.label_width_mm, MIN_LABEL_MM[0], MAX_LABEL_MM)
        _check_mm("label_height_mm", self.label_height_mm, MIN_LABEL_MM[1], MAX_LABEL_MM)
        for name in ("top_mm", "left_mm", "h_gap_mm", "v_gap_mm"):
            _check_mm(name, getattr(self, name), 0.0, MAX_LABEL_MM)
        _check_mm("padding_mm", self.padding_mm, 0.0,
                  min(self.label_width_mm, self.label_height_mm) / 4)
        page_w, page_h = PAGE_SIZES_MM[self.page]
        need_w = self.left_mm + self.columns * self.label_width_mm + (self.columns - 1) * self.h_gap_mm
        need_h = self.top_mm + self.rows * self.label_height_mm + (self.rows - 1) * self.v_gap_mm
        if need_w > page_w + 0.01:
            raise ValidationError(
                "columns",
                QT_TRANSLATE_NOOP("errors", "{columns} columns of {width:g} mm labels with {gap:g} mm gaps and a {margin:g} mm left margin need {need:.1f} mm, but {page} is {page_width:g} mm wide. Use fewer columns or smaller labels, gaps or margins."),
                columns=self.columns, width=self.label_width_mm, gap=self.h_gap_mm,
                margin=self.left_mm, need=need_w, page=self.page, page_width=page_w,
            )
        if need_h > page_h + 0.01:
            raise ValidationError(
                "rows",
                QT_TRANSLATE_NOOP("errors", "{rows} rows of {height:g} mm labels with {gap:g} mm gaps and a {margin:g} mm top margin need {need:.1f} mm, but {page} is {page_height:g} mm tall. Use fewer rows or smaller labels, gaps or margins."),
                rows=self.rows, height=self.label_height_mm, gap=self.v_gap_mm,
                margin=self.top_mm, need=need_h, page=self.page, page_height=page_h,
            )

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def page_size_mm(self) -> tuple[float, float]:
        return PAGE_SIZES_MM[self.page]

    def cell_origin_mm(self, position: int) -> tuple[float, float]:
        """Bottom-left corner (x, y from the page's bottom-left) of cell ``position`` on a page.

        Cells are numbered row by row from the top-left, as people count labels on a sheet.
        """
        row, column = divmod(position % self.per_page, self.columns)
        x = self.left_mm + column * (self.label_width_mm + self.h_gap_mm)
        top = self.top_mm + row * (self.label_height_mm + self.v_gap_mm)
        return x, self.page_size_mm[1] - top - self.label_height_mm


@dataclass(frozen=True)
class RollLayout:
    """Roll (thermal) labels: one label per page, the page as big as the label."""

    width_mm: float = 50.0
    height_mm: float = 30.0
    padding_mm: float = 1.5

    def __post_init__(self) -> None:
        _check_mm("width_mm", self.width_mm, MIN_LABEL_MM[0], MAX_LABEL_MM)
        _check_mm("height_mm", self.height_mm, MIN_LABEL_MM[1], MAX_LABEL_MM)
        _check_mm("padding_mm", self.padding_mm, 0.0, min(self.width_mm, self.height_mm) / 4)


def barcode_symbology(code: str) -> tuple[str, str]:
    """How ``code`` is printed: ``(symbology, value)`` with symbology one of :data:`SYMBOLOGIES`.

    * a valid 13-digit GTIN → ``EAN13``; a valid 12-digit one → ``UPCA``; a valid 8-digit
      one → ``EAN8``; a valid UPC-E (8 digits, not a valid EAN-8) → ``UPCA`` of its
      expansion (scans as the same GTIN); a valid GTIN-14 with a leading ``0`` → ``EAN13``
      of the last 13 digits, other GTIN-14s → ``Code128`` of the 14 digits.
    * a numeric code of a GTIN length with a wrong check digit → :class:`InvalidBarcode`
      (a typo; drawing it would print a label for another product).
    * anything else of printable ASCII → ``Code128`` (internal codes, SKUs).
    * empty, non-ASCII or over-long codes → :class:`InvalidBarcode`.
    """
    value = code.strip() if isinstance(code, str) else ""
    if not value:
        raise InvalidBarcode(QT_TRANSLATE_NOOP("errors", "The label has no barcode or SKU to print."))
    bad = next((ch for ch in value if not 32 <= ord(ch) < 127), None)
    if bad is not None:
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "The code {code} contains '{char}', which a barcode label cannot encode; internal codes must use plain letters, digits and punctuation (ASCII)."),
            code=value, char=bad,
        )
    kind = gtin_kind(value)
    if kind is None:
        if len(value) > MAX_CODE128_LENGTH:
            raise InvalidBarcode(
                QT_TRANSLATE_NOOP("errors", "The code {code} has {length} characters; a label barcode holds at most {maximum}."),
                code=value, length=len(value), maximum=MAX_CODE128_LENGTH,
            )
        return "Code128", value
    if len(value) == 8 and not is_valid_gtin(value):
        upca = expand_upce(value)
        if upca is not None:
            return "UPCA", upca
    validate_gtin(value)  # raises, naming the check digit it should have had
    if len(value) == 13:
        return "EAN13", value
    if len(value) == 12:
        return "UPCA", value
    if len(value) == 8:
        return "EAN8", value
    if value.startswith("0"):
        return "EAN13", value[1:]
    return "Code128", value
