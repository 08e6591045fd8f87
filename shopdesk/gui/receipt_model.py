"""The lines of a goods receipt as a Qt table: what was ordered, what arrived, at what cost,
and how each line compares with the purchase order (in words and in colour)."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import format_amount, format_money
from shopdesk.domain.quantity import format_quantity
from shopdesk.domain.stock_rules import DeliveryStatus
from shopdesk.services.goods_intake import ReceiptLineView, ReceiptView

#: status → (words, background, text colour). The words carry the meaning; the colour
#: only helps the eye (orange over, amber short, grey missing, blue not on order, green complete).
STATUS_LOOK: dict[DeliveryStatus, tuple[str, str, str]] = {
    DeliveryStatus.OVER: (QT_TRANSLATE_NOOP("ReceiptLinesModel", "over"), "#ffd8a8", "#7a3a00"),
    DeliveryStatus.SHORT: (QT_TRANSLATE_NOOP("ReceiptLinesModel", "short"), "#ffecb3", "#6b4e00"),
    DeliveryStatus.MISSING: (QT_TRANSLATE_NOOP("ReceiptLinesModel", "missing"), "#e0e0e0", "#424242"),
    DeliveryStatus.NOT_ORDERED: (QT_TRANSLATE_NOOP("ReceiptLinesModel", "not on order"), "#d6e6ff", "#0d3c8c"),
    DeliveryStatus.COMPLETE: (QT_TRANSLATE_NOOP("ReceiptLinesModel", "complete"), "#d4f0dc", "#0a5c26"),
}
#: A delivery without a purchase order compares with nothing: its lines are simply received.
RECEIVED_WORD = QT_TRANSLATE_NOOP("ReceiptLinesModel", "received")


def status_word(status: DeliveryStatus) -> str:
    return QCoreApplication.translate("ReceiptLinesModel", STATUS_LOOK[status][0])


class ReceiptLinesModel(QAbstractTableModel):
    """Read-only mirror of the service's receipt view; edits are requests the window sends on."""

    SKU, NAME, ORDERED, RECEIVED, UNIT_COST, LINE_COST, STATUS = range(7)
    quantity_edited = Signal(str, str)  # product id, text typed
    unit_cost_edited = Signal(str, str)  # product id, text typed

    def __init__(self, currency: str, locale: str, parent=None) -> None:
        super().__init__(parent)
        self.currency, self.locale = currency, locale
        self.view: ReceiptView | None = None
        self.lines: tuple[ReceiptLineView, ...] = ()
        self.headers = (self.tr("SKU"), self.tr("Product"), self.tr("Ordered"), self.tr("Received"),
                        self.tr("Unit cost"), self.tr("Line cost"), self.tr("Status"))

    def set_receipt(self, view: ReceiptView | None) -> None:
        lines = view.lines if view is not None else ()
        same_rows = [line.product_id for line in lines] == [line.product_id for line in self.lines]
        self.view, old, self.lines = view, self.lines, lines
        if same_rows and old:
            # Same products in the same order (the usual scan): update in place, so the
            # scroll position and the selection stay where the clerk left them.
            self.dataChanged.emit(self.index(0, 0), self.index(len(lines) - 1, self.columnCount() - 1))
        else:
            self.beginResetModel()
            self.endResetModel()

    @property
    def editable(self) -> bool:
        return self.view is not None and self.view.status == "draft"

    @property
    def against_order(self) -> bool:
        return self.view is not None and self.view.purchase_order_id is not None

    def line(self, row: int) -> ReceiptLineView:
        return self.lines[row]

    def row_of(self, product_id: str | None) -> int:
        if product_id is None:
            return -1
        return next((i for i, line in enumerate(self.lines) if line.product_id == product_id), -1)

    # -- Qt --------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return str(section + 1)

    def flags(self, index):
        base = super().flags(index)
        if not index.isValid() or not self.editable:
            return base
        if index.column() == self.RECEIVED:
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() == self.UNIT_COST and self.lines[index.row()].line_id is not None:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def _status_text(self, line: ReceiptLineView) -> str:
        if not self.against_order:
            return QCoreApplication.translate("ReceiptLinesModel", RECEIVED_WORD)
        return status_word(line.status)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.SKU:
                return line.sku
            if col == self.NAME:
                return line.name
            if col == self.ORDERED:
                return "" if line.ordered is None else format_quantity(line.ordered, self.locale)
            if col == self.RECEIVED:
                return format_quantity(line.received, self.locale)
            if col == self.UNIT_COST:
                return format_money(line.unit_cost, self.currency, self.locale)
            if col == self.LINE_COST:
                return format_money(line.cost, self.currency, self.locale)
            if col == self.STATUS:
                return self._status_text(line)
        if role == Qt.ItemDataRole.EditRole:
            if col == self.RECEIVED:
                return format_quantity(line.received, self.locale)
            if col == self.UNIT_COST:
                return format_amount(line.unit_cost, self.currency, self.locale)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.ORDERED, self.RECEIVED, self.UNIT_COST,
                                                                 self.LINE_COST):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if col == self.STATUS and self.against_order:
            _word, background, foreground = STATUS_LOOK[line.status]
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(background))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(foreground))
        if role == Qt.ItemDataRole.ForegroundRole and line.line_id is None:
            return QBrush(QColor("#757575"))  # ordered, nothing scanned yet
        if role == Qt.ItemDataRole.ToolTipRole and col == self.NAME:
            return f"{line.sku} · {line.unit}"
        return None

    def setData(self, index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable:
            return False
        product_id = self.lines[index.row()].product_id
        # The model does not change itself: the service decides, then set_receipt() refreshes.
        if index.column() == self.RECEIVED:
            self.quantity_edited.emit(product_id, str(value))
        elif index.column() == self.UNIT_COST:
            self.unit_cost_edited.emit(product_id, str(value))
        return False
