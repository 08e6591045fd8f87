"""Read-only Qt table models over a list of rows, and the keyset-paged kind.

Subclasses only say how a row reads: :meth:`RowsTableModel.display` per column, and
optionally its colour and tooltip. Long lists (a million products on hand, a ten-year
ledger, every order) are keyset-paged: the first page is fetched on reset and the next one
when the view scrolls near the end (``canFetchMore``/``fetchMore``), continuing after the
last row's key. Nothing counts or loads a whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from shopdesk.services.stock_views import Page

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

# fetch(after_key) → the page after that key (None: the first page)
Fetch = Callable[[tuple | None], Page]


class RowsTableModel(QAbstractTableModel):
    """One row object per table row, one column per header."""

    RIGHT_ALIGNED: frozenset[int] = frozenset()

    def __init__(self, headers: Sequence[str], parent=None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list = []

    def set_rows(self, rows: Sequence, append: bool = False) -> None:
        self.beginResetModel()
        self.rows = (self.rows + list(rows)) if append else list(rows)
        self.endResetModel()

    def row(self, row: int):
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        item, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.RIGHT_ALIGNED:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item, column)
        return None

    def display(self, item, column: int) -> str:  # pragma: no cover - subclasses
        raise NotImplementedError

    def foreground(self, item, column: int):
        return None

    def tooltip(self, item, column: int) -> str | None:
        return None


class PagedTableModel(RowsTableModel):
    """Rows from a keyset-paged service call."""

    def __init__(self, headers: Sequence[str], parent=None) -> None:
        super().__init__(headers, parent)
        self._fetch: Fetch | None = None
        self._next_key: tuple | None = None
        self._at_end = True

    def reset(self, fetch: Fetch | None, first_page: Page | None = None) -> None:
        """Start over with ``fetch``; ``first_page`` (fetched elsewhere, e.g. off the GUI
        thread) is shown as is, otherwise the first page is fetched now."""
        self.beginResetModel()
        self._fetch = fetch
        self.rows = []
        self._next_key = None
        self._at_end = fetch is None
        if first_page is not None:
            self.rows = list(first_page.rows)
            self._next_key = first_page.next_key
            self._at_end = first_page.next_key is None
        self.endResetModel()
        if fetch is not None and first_page is None:
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._at_end

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetch is None or self._at_end:
            return
        page = self._fetch(self._next_key)
        if page.rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        self._next_key = page.next_key
        self._at_end = page.next_key is None
