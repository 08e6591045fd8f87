"""The catalog as a Qt tree model that fetches pages on demand.

Top-level rows are products without a parent, fetched a page at a time (keyset paging in
services/catalog_browse.py) as the view scrolls; a product's variants are fetched when it
is expanded. Nothing ever counts or loads the whole table.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from shopdesk.domain.money import format_money
from shopdesk.domain.quantity import format_quantity
from shopdesk.domain.ratings import stars_text
from shopdesk.services.catalog_browse import CatalogBrowser, CatalogFilter, CatalogRow

NO_PARENT = 0
LOW_STOCK_COLOUR = QColor("#b00020")


class CatalogModel(QAbstractItemModel):
    NAME, SKU, BRAND, CATEGORY, PRICE, ON_HAND, AVAILABLE, REORDER, ACTIVE, RATING = range(10)
    SORTABLE = {NAME: "name", SKU: "sku", PRICE: "price"}
    PRODUCT_ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, browser: CatalogBrowser, currency: str, locale: str, parent=None) -> None:
        super().__init__(parent)
        self.browser, self.currency, self.locale = browser, currency, locale
        self.filter = CatalogFilter()
        self.sort_key, self.descending = "name", False
        self._rows: list[CatalogRow] = []
        self._next_key: tuple | None = None
        self._at_end = False
        self._children: dict[int, list[CatalogRow]] = {}
        self._headers = (self.tr("Name"), self.tr("SKU"), self.tr("Brand"), self.tr("Category"),
                         self.tr("Price"), self.tr("On hand"), self.tr("Available"), self.tr("Reorder at"),
                         self.tr("Active"), self.tr("Rating"))

    # -- loading -----------------------------------------------------------------------------
    def set_filter(self, flt: CatalogFilter) -> None:
        self.filter = flt
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows, self._children, self._next_key, self._at_end = [], {}, None, False
        self.endResetModel()
        if not self._rows:  # an attached view may already have asked for the first page
            self.fetchMore(QModelIndex())

    def show_page(self, flt: CatalogFilter, page) -> None:
        """Show rows fetched elsewhere (a search run off the GUI thread) as the whole list."""
        self.beginResetModel()
        self.filter = flt
        self._rows, self._children = list(page.rows), {}
        self._next_key, self._at_end = page.next_key, page.next_key is None
        self.endResetModel()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not parent.isValid():
            return not self._at_end
        if parent.internalId() != NO_PARENT:
            return False
        row = self._rows[parent.row()]
        return row.variant_count > 0 and parent.row() not in self._children

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if not parent.isValid():
            if self._at_end:
                return
            page = self.browser.page(self.filter, sort=self.sort_key, descending=self.descending,
                                     after=self._next_key)
            if page.rows:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
                self._rows.extend(page.rows)
                self.endInsertRows()
            self._next_key = page.next_key
            self._at_end = page.next_key is None
            return
        if self.canFetchMore(parent):
            row = self._rows[parent.row()]
            children = list(self.browser.page(CatalogFilter(parent_id=row.product_id), limit=1000).rows)
            if not children:
                self._children[parent.row()] = []
                return
            self.beginInsertRows(parent, 0, len(children) - 1)
            self._children[parent.row()] = children
            self.endInsertRows()

    # -- structure -----------------------------------------------------------------------------
    def index(self, row: int, column: int, parent=QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, NO_PARENT)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index=QModelIndex()) -> QModelIndex:  # noqa: B008
        if not index.isValid() or index.internalId() == NO_PARENT:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, NO_PARENT)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._rows)
        if parent.internalId() != NO_PARENT or parent.column() != 0:
            return 0
        return len(self._children.get(parent.row(), ()))

    def hasChildren(self, parent=QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return True
        if parent.internalId() != NO_PARENT:
            return False
        return self._rows[parent.row()].variant_count > 0

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return len(self._headers)

    def row_at(self, index: QModelIndex) -> CatalogRow | None:
        if not index.isValid():
            return None
        if index.internalId() == NO_PARENT:
            return self._rows[index.row()]
        return self._children[index.internalId() - 1][index.row()]

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == self.PRODUCT_ID_ROLE:
            return row.product_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.PRICE, self.ON_HAND, self.AVAILABLE, self.REORDER):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.ON_HAND and row.reorder_point is not None \
                and row.on_hand <= row.reorder_point:
            return LOW_STOCK_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and column == self.RATING and row.rating_count:
            return self.tr("%n published review(s)", "", row.rating_count)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.AVAILABLE and row.reserved:
            return self.tr("%1 reserved for orders to ship").replace("%1", format_quantity(row.reserved, self.locale))
        return None

    def _display(self, row: CatalogRow, column: int) -> str:
        if column == self.NAME:
            return row.name + (f"  ({row.variant_count})" if row.variant_count else "")
        if column == self.SKU:
            return row.sku
        if column == self.BRAND:
            return row.brand
        if column == self.CATEGORY:
            return row.category
        if column == self.PRICE:
            return format_money(row.price, self.currency, self.locale)
        if column == self.ON_HAND:
            return format_quantity(row.on_hand, self.locale)
        if column == self.AVAILABLE:
            return format_quantity(row.available, self.locale)
        if column == self.REORDER:
            return "" if row.reorder_point is None else format_quantity(row.reorder_point, self.locale)
        if column == self.ACTIVE:
            return self.tr("yes") if row.active else self.tr("no")
        if column == self.RATING:
            return stars_text(row.rating_count, row.rating_average)
        return ""

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORTABLE.get(column)
        if key is None:
            return
        self.sort_key, self.descending = key, order == Qt.SortOrder.DescendingOrder
        self.reload()
