"""The cart as a Qt table model (item, quantity, unit price, total)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from shopdesk.domain.money import format_money
from shopdesk.domain.quantity import format_quantity
from shopdesk.services.cart_view import CartLineView, CartView

RowTexts = tuple[str, str, str, str]  # item, quantity, unit price, total


class CartTableModel(QAbstractTableModel):
    """Read-only mirror of the service's cart; edits are requests the window sends on."""

    ITEM, QUANTITY, UNIT_PRICE, TOTAL = range(4)
    quantity_edited = Signal(str, str)  # line id, text typed

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._view: CartView | None = None
        self._texts: list[RowTexts] = []
        self._headers = (self.tr("Item"), self.tr("Qty"), self.tr("Unit price"), self.tr("Total"))

    def texts_for(self, view: CartView) -> list[RowTexts]:
        """The cells' texts for ``view``: formatted once here, not on every paint (a scan
        repaints the table); a line whose values did not change keeps the texts it has."""
        old = self._view
        previous = ({line.line_id: (line, texts) for line, texts in zip(old.lines, self._texts, strict=True)}
                    if old is not None and (old.currency, old.locale) == (view.currency, view.locale) else {})
        texts = []
        for line in view.lines:
            before = previous.get(line.line_id)
            texts.append(before[1] if before is not None and before[0] == line else self._line_texts(line, view))
        return texts

    def set_cart(self, view: CartView, texts: list[RowTexts] | None = None) -> None:
        """Show ``view``; ``texts`` are :meth:`texts_for` it, when worked out beforehand."""
        old = self._view
        self._texts = self.texts_for(view) if texts is None else texts
        if old is not None and len(old.lines) == len(view.lines) and all(
                a.line_id == b.line_id for a, b in zip(old.lines, view.lines, strict=True)):
            self._view = view  # same lines: only values changed
            if view.lines:
                self.dataChanged.emit(self.index(0, 0), self.index(len(view.lines) - 1, self.TOTAL))
            return
        if old is not None and len(view.lines) == len(old.lines) + 1 and all(
                a.line_id == b.line_id for a, b in zip(old.lines, view.lines, strict=False)):
            row = len(old.lines)  # one line added at the end: the usual scan
            self.beginInsertRows(QModelIndex(), row, row)
            self._view = view
            self.endInsertRows()
            return
        self.beginResetModel()
        self._view = view
        self.endResetModel()

    def _line_texts(self, line: CartLineView, view: CartView) -> RowTexts:
        return (self._item_text(line, view), format_quantity(line.quantity, view.locale),
                format_money(line.unit_price, view.currency, view.locale),
                format_money(line.amount, view.currency, view.locale))

    def _item_text(self, line: CartLineView, view: CartView) -> str:
        """The name, marked when the line is a return or carries a discount."""
        text = line.name
        if line.is_return:
            text = self.tr("RETURN: %1").replace("%1", text)
        if line.discount:
            off = format_money(line.discount, view.currency, view.locale)
            if line.discount_kind == "percent" and line.discount_value is not None:
                off = f"{line.discount_value.normalize():f} %"
            text += "  " + self.tr("(−%1)").replace("%1", off)
        return text

    def line(self, row: int) -> CartLineView:
        return self._view.lines[row]

    def row_of(self, line_id: str | None) -> int:
        if self._view is None or line_id is None:
            return -1
        return next((i for i, line in enumerate(self._view.lines) if line.line_id == line_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._view is None else len(self._view.lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.column() == self.QUANTITY:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self._view is None:
            return None
        line = self._view.lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][column]
        if role == Qt.ItemDataRole.EditRole and column == self.QUANTITY:
            return str(line.quantity)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.ITEM:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.ITEM:
            return f"{line.sku} · {line.tax_code}"
        return None

    def setData(self, index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != self.QUANTITY or self._view is None:
            return False
        # The model does not change itself: the service decides, then set_cart() refreshes.
        self.quantity_edited.emit(self._view.lines[index.row()].line_id, str(value))
        return False
