"""The lines of a stocktake as a Qt table, fetched a page at a time (a full count of a big
shop has 100,000 lines) and updated in place after each scan."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from shopdesk.domain.money import format_money
from shopdesk.domain.quantity import format_quantity
from shopdesk.services.stocktake_review import StocktakeLineView

PAGE = 200

# fetch(offset, limit) → lines
Fetch = Callable[[int, int], list[StocktakeLineView]]


class StocktakeLinesModel(QAbstractTableModel):
    SKU, NAME, BIN, EXPECTED, COUNTED, VARIANCE, VALUE, NOTE = range(8)

    def __init__(self, currency: str, locale: str, parent=None) -> None:
        super().__init__(parent)
        self.currency, self.locale = currency, locale
        self.lines: list[StocktakeLineView] = []
        self._fetch: Fetch | None = None
        self._exhausted = True
        self.headers = [self.tr("SKU"), self.tr("Product"), self.tr("Bin"), self.tr("Expected"),
                        self.tr("Counted"), self.tr("Variance"), self.tr("Value"), self.tr("Note")]

    def reset(self, fetch: Fetch | None) -> None:
        self.beginResetModel()
        self._fetch = fetch
        self.lines = []
        self._exhausted = fetch is None
        self.endResetModel()
        if fetch is not None:
            self.fetchMore(QModelIndex())

    # -- paging ----------------------------------------------------------------------------
    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetch is None or self._exhausted:
            return
        page = self._fetch(len(self.lines), PAGE)
        if len(page) < PAGE:
            self._exhausted = True
        if page:
            self.beginInsertRows(QModelIndex(), len(self.lines), len(self.lines) + len(page) - 1)
            self.lines.extend(page)
            self.endInsertRows()

    def upsert(self, line: StocktakeLineView) -> int:
        """Show a product's line as it is now; a line not loaded yet goes to the top. Its row."""
        for row, old in enumerate(self.lines):
            if old.product_id == line.product_id:
                self.lines[row] = line
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
                return row
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.lines.insert(0, line)
        self.endInsertRows()
        return 0

    def line(self, row: int) -> StocktakeLineView:
        return self.lines[row]

    # -- Qt --------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def _qty(self, q: Decimal | None, signed: bool = False) -> str:
        if q is None:
            return ""
        return ("+" if signed and q > 0 else "") + format_quantity(q, self.locale)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.SKU:
                return line.sku
            if col == self.NAME:
                return line.name + ("  " + self.tr("(found during count)") if line.found_during_count else "")
            if col == self.BIN:
                return line.bin
            if col == self.EXPECTED:
                return self._qty(line.expected)
            if col == self.COUNTED:
                return self._qty(line.counted) if line.is_counted else self.tr("—")
            if col == self.VARIANCE:
                return self._qty(line.variance, signed=True)
            if col == self.VALUE:
                return "" if line.value is None else format_money(line.value, self.currency, self.locale)
            if col == self.NOTE:
                return line.note
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.EXPECTED, self.COUNTED, self.VARIANCE,
                                                                 self.VALUE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col in (self.VARIANCE, self.VALUE) and line.variance:
            return QBrush(QColor("#a00000") if line.variance < 0 else QColor("#006b21"))
        if role == Qt.ItemDataRole.ToolTipRole and line.expected is not None and line.snapshot is not None:
            return self.tr("At the start: %1; moved during the count: %2").replace(
                "%1", self._qty(line.snapshot)).replace("%2", self._qty(line.moved_during_count, signed=True))
        return None
