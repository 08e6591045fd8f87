"""Qt table models of the stock window: on hand, movement history, low stock, valuation,
and the lines of a transfer being put together.

The lists that can be long (on hand over a million products, a product's ten-year ledger,
low stock) are keyset-paged (:class:`~shopdesk.gui.row_models.PagedTableModel`): nothing
counts or loads a whole table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money
from shopdesk.domain.quantity import format_quantity, parse_quantity
from shopdesk.gui.draft_lines_model import DraftLinesModel
from shopdesk.gui.messages import error_text
from shopdesk.gui.row_models import RIGHT, PagedTableModel
from shopdesk.services.stock_views import LocationValue, LowStockRow, MovementRow, OnHandRow, Page

PAGE = 200
NEGATIVE = QColor("#a00000")
POSITIVE = QColor("#006b21")

#: How a ledger reason reads in the history (anything else is shown as stored).
REASON_LABELS = {
    "intake": "received", "sale": "sale", "return": "customer return", "transfer": "transfer",
    "damaged": "damaged", "expired": "expired", "lost": "lost", "stolen": "stolen", "found": "found",
    "correction": "correction", "stocktake": "stocktake", "shipment": "shipment",
}


def reason_label(reason: str) -> str:
    return QCoreApplication.translate("stock_reasons", REASON_LABELS.get(reason, reason))


class _Formats:
    def __init__(self, currency: str, locale: str) -> None:
        self.currency, self.locale = currency, locale

    def qty(self, q: Decimal | None, signed: bool = False) -> str:
        if q is None:
            return ""
        return ("+" if signed and q > 0 else "") + format_quantity(q, self.locale)

    def money(self, minor: int) -> str:
        return format_money(minor, self.currency, self.locale)


class OnHandModel(PagedTableModel):
    SKU, NAME, LOCATION, BIN, QUANTITY, UNIT_COST, VALUE = range(7)
    RIGHT_ALIGNED = frozenset({QUANTITY, UNIT_COST, VALUE})

    def __init__(self, currency: str, locale: str, parent=None) -> None:
        super().__init__([self.tr("SKU"), self.tr("Product"), self.tr("Location"), self.tr("Bin"),
                          self.tr("Quantity"), self.tr("Unit cost"), self.tr("Value")], parent)
        self.fmt = _Formats(currency, locale)

    def display(self, r: OnHandRow, column: int) -> str:
        return (r.sku, r.name, r.location_code, r.bin or "", self.fmt.qty(r.quantity), self.fmt.money(r.unit_cost),
                self.fmt.money(r.value))[column]

    def foreground(self, r: OnHandRow, column: int):
        return QBrush(NEGATIVE) if column == self.QUANTITY and r.quantity < 0 else None


class MovementsModel(PagedTableModel):
    TIME, REASON, DOCUMENT, FROM, TO, QUANTITY, BALANCE, WHO = range(8)
    RIGHT_ALIGNED = frozenset({QUANTITY, BALANCE})

    def __init__(self, locale: str, parent=None) -> None:
        super().__init__([self.tr("Time"), self.tr("Reason"), self.tr("Document"), self.tr("From"),
                          self.tr("To"), self.tr("Quantity"), self.tr("Balance"), self.tr("Who")], parent)
        self.fmt = _Formats("", locale)  # quantities only

    def display(self, m: MovementRow, column: int) -> str:
        if column == self.TIME:
            return m.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if column == self.REASON:
            return reason_label(m.reason)
        if column == self.DOCUMENT:
            return m.document_number or ""
        if column == self.FROM:
            return m.from_code
        if column == self.TO:
            return m.to_code
        if column == self.QUANTITY:
            return self.fmt.qty(m.quantity, signed=True)
        if column == self.BALANCE:
            return self.fmt.qty(m.balance)
        if column == self.WHO:
            return m.user_name or ""
        return ""

    def foreground(self, m: MovementRow, column: int):
        if column == self.QUANTITY and m.quantity:
            return QBrush(NEGATIVE if m.quantity < 0 else POSITIVE)
        return None


class LowStockModel(PagedTableModel):
    SKU, NAME, ON_HAND, REORDER, MAX, ON_ORDER, SUGGESTED = range(7)
    RIGHT_ALIGNED = frozenset({ON_HAND, REORDER, MAX, ON_ORDER, SUGGESTED})

    def __init__(self, locale: str, parent=None) -> None:
        super().__init__([self.tr("SKU"), self.tr("Product"), self.tr("On hand"), self.tr("Reorder at"),
                          self.tr("Max"), self.tr("On order"), self.tr("Suggested")], parent)
        self.fmt = _Formats("", locale)  # quantities only

    def display(self, r: LowStockRow, column: int) -> str:
        q = self.fmt.qty
        return (r.sku, r.name, q(r.on_hand), q(r.reorder_point), q(r.max_stock), q(r.on_order),
                q(r.suggested))[column]

    def foreground(self, r: LowStockRow, column: int):
        return QBrush(NEGATIVE) if column == self.ON_HAND and r.on_hand <= 0 else None


class ValuationModel(PagedTableModel):
    """A handful of rows (one per location): filled in one go."""

    CODE, NAME, PRODUCTS, QUANTITY, VALUE = range(5)
    RIGHT_ALIGNED = frozenset({PRODUCTS, QUANTITY, VALUE})

    def __init__(self, currency: str, locale: str, parent=None) -> None:
        super().__init__([self.tr("Code"), self.tr("Location"), self.tr("Products"), self.tr("Quantity"),
                          self.tr("Value")], parent)
        self.fmt = _Formats(currency, locale)

    def show(self, rows: tuple[LocationValue, ...]) -> None:
        self.reset(None, Page(tuple(rows), None))

    def display(self, v: LocationValue, column: int) -> str:
        return (v.code, QCoreApplication.translate("locations", v.name), str(v.product_count),
                self.fmt.qty(v.quantity), self.fmt.money(v.value))[column]


@dataclass
class TransferDraftLine:
    product_id: str
    sku: str
    name: str
    quantity: Decimal


class TransferLinesModel(DraftLinesModel):
    """The lines of a transfer being scanned together; the quantity can be typed over."""

    PRODUCT, QUANTITY = range(2)
    problem = Signal(str)  # a quantity typed into the table that is not one

    def __init__(self, locale: str, parent=None) -> None:
        super().__init__(parent)
        self.locale = locale
        self.headers = [self.tr("Product"), self.tr("Quantity")]

    def add(self, product_id: str, sku: str, name: str, quantity: Decimal) -> int:
        """Add to the product's line (or a new line at the end); returns its row."""
        return self.add_line(TransferDraftLine(product_id, sku, name, quantity))

    def total(self) -> Decimal:
        return sum((line.quantity for line in self.lines), Decimal(0))

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.column() == self.QUANTITY:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if index.column() == self.PRODUCT:
                return f"{line.name}  ·  {line.sku}"
            return format_quantity(line.quantity, self.locale)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.QUANTITY:
            return RIGHT
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != self.QUANTITY or role != Qt.ItemDataRole.EditRole:
            return False
        line = self.lines[index.row()]
        try:
            quantity = parse_quantity(str(value), self.locale, field="quantity")
        except ShopDeskError as err:
            self.problem.emit(f"{line.name}: {error_text(err)}")
            return False
        if quantity <= 0:
            self.problem.emit(self.tr("%1: enter a quantity above 0, or press Del to remove the line.")
                              .replace("%1", line.name))
            return False
        line.quantity = quantity
        self.dataChanged.emit(index, index)
        return True
