"""Find a product by typing (name, SKU, barcode, brand, pinyin) and pick it for the cart.

The same catalog search as the catalog window; Enter takes the highlighted product.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from shopdesk.domain.money import format_money
from shopdesk.gui.scan_input import move_in_results
from shopdesk.services.catalog_search import CatalogSearch, SearchHit, worth_searching_as_you_type

PICKER_LIMIT = 30
SEARCH_DELAY_MS = 120


class ProductPicker(QDialog):
    def __init__(self, search: CatalogSearch, currency: str, locale: str, text: str = "", parent=None) -> None:
        super().__init__(parent)
        self.search_service, self.currency, self.locale = search, currency, locale
        self.chosen: SearchHit | None = None
        self._searched = ""
        self.setWindowTitle(self.tr("Find a product"))
        self.resize(560, 420)
        self.query = QLineEdit(self)
        self.query.setObjectName("pickerQuery")
        self.query.setPlaceholderText(self.tr("Name, SKU, barcode, brand or pinyin"))
        self.results = QListWidget(self)
        self.results.setObjectName("pickerResults")
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.query.textChanged.connect(
            lambda text: self._timer.start() if worth_searching_as_you_type(text) else self._timer.stop())
        self.query.returnPressed.connect(self.take_current)
        self.results.itemActivated.connect(lambda _item: self.take_current())
        self.query.installEventFilter(self)
        self.query.setText(text)
        self.refresh()
        self.query.setFocus()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.query and move_in_results(self.results, event):
            return True
        return super().eventFilter(watched, event)

    def refresh(self) -> None:
        self._timer.stop()
        self._searched = self.query.text()
        self.results.clear()
        for hit in self.search_service.search(self.query.text(), limit=PICKER_LIMIT):
            item = QListWidgetItem(f"{hit.name}  ·  {hit.sku}  ·  {format_money(hit.price, self.currency, self.locale)}")
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def take_current(self) -> None:
        if self.query.text() != self._searched:
            self.refresh()  # Enter before the type-ahead ran: search what is in the box now
        item = self.results.currentItem()
        if item is None:
            return
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        self.accept()
