"""A table of lines being scanned together before they are posted (a transfer, a purchase
order): one line per product, a scan adds to it, a row can be removed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


class DraftLinesModel(QAbstractTableModel):
    """Subclasses set ``headers`` and give ``data``/``flags``/``setData``; lines are objects
    with ``product_id`` and ``quantity``."""

    headers: list[str]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.lines: list[Any] = []

    def add_line(self, line: Any) -> int:
        """Add ``line``'s quantity to the product's line, or append it; returns its row."""
        for row, old in enumerate(self.lines):
            if old.product_id == line.product_id:
                old.quantity += line.quantity
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.headers) - 1))
                return row
        row = len(self.lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self.lines.append(line)
        self.endInsertRows()
        return row

    def remove(self, row: int) -> Any | None:
        if not 0 <= row < len(self.lines):
            return None
        self.beginRemoveRows(QModelIndex(), row, row)
        line = self.lines.pop(row)
        self.endRemoveRows()
        return line

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


def draft_lines_table(parent: QWidget, model: QAbstractTableModel, object_name: str, stretch_column: int,
                      event_filter: QObject | None = None) -> QTableView:
    """The table a document's draft lines are edited in: whole rows selected, the quantity
    edited by double-click or F2, the product column stretched, no row numbers; scans typed
    on it go to ``event_filter`` (the dialog, which hands them to its scan field)."""
    table = QTableView(parent)
    table.setObjectName(object_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(60)
    if event_filter is not None:
        table.installEventFilter(event_filter)
    return table
