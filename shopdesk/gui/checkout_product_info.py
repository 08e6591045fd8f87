"""A one-line panel under the till's cart: the selected (or last) line's product, its
price, the stock available and what reviews say ("★ 4.6 from 38 reviews").

It never works inside a scan: a change of the cart or of the selected line only schedules
a refresh for the next turn of the event loop (after the scan is shown and written), and
the product is read again only when the line's product changes (one indexed query, see
:func:`shopdesk.services.catalog_browse.catalog_row`). A sale or a new cart clears what it
remembers, so stock figures are fresh for the next customer.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money
from shopdesk.domain.quantity import format_quantity
from shopdesk.services.catalog_browse import CatalogBrowser, CatalogRow


class ProductInfoPanel(QLabel):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.setObjectName("productInfoPanel")
        self.setStyleSheet("QLabel { padding: 4px 6px; color: #333; background: #f4f6f8; border-radius: 3px; }")
        self.setMinimumHeight(26)
        self.browser = CatalogBrowser(window.ctx.db)
        self._scheduled = False
        self._product_id: str | None = None
        self._row: CatalogRow | None = None

    def schedule(self, *_args) -> None:
        if not self._scheduled:
            self._scheduled = True
            QTimer.singleShot(0, self.refresh)

    def forget(self, *_args) -> None:
        """The cart was replaced (a sale, a parked cart): read the product again next time."""
        self._product_id = None
        self.schedule()

    def current_product_id(self) -> str | None:
        window = self.window
        model = window.model
        selection = window.table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        if rows and rows[0].row() < model.rowCount():
            return model.line(rows[0].row()).product_id
        cart = window.cart
        if cart is None or not cart.lines:
            return None
        row = model.row_of(cart.last_line_id)
        return model.line(row if row >= 0 else model.rowCount() - 1).product_id if model.rowCount() else None

    def refresh(self) -> None:
        if getattr(self.window, "pending_scan", None) is not None:
            QTimer.singleShot(0, self.refresh)  # the scan is written first
            return
        self._scheduled = False
        product_id = self.current_product_id()
        if product_id is None:
            self._product_id, self._row = None, None
            self.setText("")
            return
        if product_id != self._product_id:
            try:
                self._row = self.browser.row(product_id)
            except ShopDeskError:
                self._row = None
            self._product_id = product_id
        self.setText(self.describe(self._row) if self._row else "")

    def describe(self, row: CatalogRow) -> str:
        store = self.window.ctx.store
        parts = [row.name, format_money(row.price, store.currency, store.locale),
                 self.tr("%1 available").replace("%1", format_quantity(row.available, store.locale))]
        if row.rating_count and row.rating_average is not None:
            text = self.tr("★ %1 from 1 review") if row.rating_count == 1 else self.tr("★ %1 from %2 reviews")
            parts.append(text.replace("%1", f"{row.rating_average:.1f}").replace("%2", str(row.rating_count)))
        else:
            parts.append(self.tr("no reviews yet"))
        return "  ·  ".join(parts)


def install_product_info(window) -> ProductInfoPanel:
    """Add the panel to a CheckoutWindow (see CheckoutWindow._install_features)."""
    panel = ProductInfoPanel(window)
    window.add_panel(panel)
    window.product_info = panel
    model = window.model
    model.rowsInserted.connect(panel.schedule)
    model.dataChanged.connect(panel.schedule)
    model.modelReset.connect(panel.forget)
    model.rowsRemoved.connect(panel.schedule)
    window.table.selectionModel().currentRowChanged.connect(panel.schedule)
    window.table.selectionModel().selectionChanged.connect(panel.schedule)
    return panel
