"""Small dialogs of the stock window: adjust one product's stock at one location, and turn
low-stock suggestions into a purchase order."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money
from shopdesk.domain.quantity import format_quantity, parse_quantity
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import ERROR, MessageStrip
from shopdesk.gui.transfer_dialog import fill_locations
from shopdesk.services.purchasing import PurchaseOrderLineDraft, PurchaseOrderService, line_cost
from shopdesk.services.stock_locations import LocationService
from shopdesk.services.stock_transfers import ADJUSTMENT_REASONS, AdjustmentResult, TransferService
from shopdesk.services.stock_views import LowStockRow, OnHandRow
from shopdesk.services.suppliers import SupplierService

REASON_HINTS = {
    "damaged": "removes stock (to scrap)", "expired": "removes stock (to scrap)", "lost": "removes stock",
    "stolen": "removes stock", "found": "adds stock", "correction": "adds or removes",
}


class AdjustDialog(QDialog):
    """Correct the stock of the selected on-hand row: a reason, a signed quantity, a note."""

    def __init__(self, ctx: AppContext, row: OnHandRow, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.row = ctx, row
        self.setObjectName("adjustDialog")
        self.setWindowTitle(self.tr("Adjust stock"))
        self.result: AdjustmentResult | None = None
        self.reason = QComboBox(self)
        self.reason.setObjectName("adjustReason")
        for reason in ADJUSTMENT_REASONS:
            hint = QCoreApplication.translate("stock_reasons", REASON_HINTS.get(reason, ""))
            self.reason.addItem(f"{QCoreApplication.translate('stock_reasons', reason)} — {hint}", reason)
        self.quantity = QLineEdit(self)
        self.quantity.setObjectName("adjustQuantity")
        self.quantity.setPlaceholderText(self.tr("e.g. -2 to remove two, 3 to add three"))
        self.note = QLineEdit(self)
        self.note.setObjectName("adjustNote")
        self.message = MessageStrip(self, "adjustMessage")
        self.message.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Adjust"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Product:"), QLabel(f"{row.name}  ·  {row.sku}", self))
        form.addRow(self.tr("Location:"), QLabel(
            self.tr("%1, %2 on hand").replace("%1", row.location_code).replace(
                "%2", format_quantity(row.quantity, ctx.store.locale)), self))
        form.addRow(self.tr("&Reason:"), self.reason)
        form.addRow(self.tr("&Quantity (+/−):"), self.quantity)
        form.addRow(self.tr("&Note:"), self.note)
        root = QVBoxLayout(self)
        root.addLayout(form)
        root.addWidget(self.message)
        root.addWidget(buttons)
        self.quantity.setFocus()

    def save(self) -> None:
        try:
            # Typed quantities are positive (domain/quantity.py); the sign is read here.
            text = self.quantity.text().strip()
            sign = -1 if text.startswith(("-", "−")) else 1
            magnitude = parse_quantity(text.lstrip("+-−").strip(), self.ctx.store.locale, field="quantity")
            self.result = TransferService(self.ctx.db).adjust(
                self.ctx.require_staff(), self.row.location_code, self.row.product_id, sign * magnitude,
                self.reason.currentData(), self.note.text())
        except ShopDeskError as err:
            self.message.show()
            self.message.show_message(error_text(err), ERROR)
            return
        self.accept()


class PurchaseOrderDialog(QDialog):
    """Order the suggested quantities of the chosen low-stock rows from one supplier."""

    def __init__(self, ctx: AppContext, rows: list[LowStockRow], delivery_code: str = "BACK", parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("purchaseOrderDialog")
        self.setWindowTitle(self.tr("Create purchase order"))
        self.resize(640, 400)
        self.order_id: str | None = None
        self.number: str | None = None
        currency, locale = ctx.store.currency, ctx.store.locale
        self.rows = [row for row in rows if row.suggested > 0]
        self.costs = {row.product_id: ctx.catalog.detail(row.product_id).draft.cost for row in self.rows}

        self.supplier = QComboBox(self)
        self.supplier.setObjectName("poSupplier")
        for supplier in SupplierService(ctx.db).list(active_only=True):
            self.supplier.addItem(f"{supplier.name} ({supplier.code})", supplier.id)
        self.location = QComboBox(self)
        self.location.setObjectName("poLocation")
        fill_locations(self.location, LocationService(ctx.db).list_locations(("internal",)), delivery_code)
        self.note = QLineEdit(self)
        self.note.setObjectName("poNote")
        self.lines = QTableWidget(len(self.rows), 4, self)
        self.lines.setObjectName("poLines")
        self.lines.setHorizontalHeaderLabels([self.tr("Product"), self.tr("Quantity"), self.tr("Unit cost"),
                                              self.tr("Cost")])
        self.lines.verticalHeader().setVisible(False)
        self.lines.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        total = 0
        for n, row in enumerate(self.rows):
            cost = self.costs[row.product_id]
            total += line_cost(row.suggested, cost)
            cells = (f"{row.name}  ·  {row.sku}", format_quantity(row.suggested, locale),
                     format_money(cost, currency, locale), format_money(line_cost(row.suggested, cost), currency,
                                                                        locale))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(right)
                self.lines.setItem(n, column, item)
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.total = QLabel(self.tr("%n line(s), %1 at current cost", "", len(self.rows)).replace(
            "%1", format_money(total, currency, locale)), self)
        self.message = MessageStrip(self, "poMessage")
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Create order"))
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("&Supplier:"), self.supplier)
        form.addRow(self.tr("&Deliver to:"), self.location)
        form.addRow(self.tr("&Note:"), self.note)
        root = QVBoxLayout(self)
        root.addLayout(form)
        root.addWidget(self.lines, 1)
        root.addWidget(self.total)
        root.addWidget(self.message)
        root.addWidget(self.buttons)
        if self.supplier.count() == 0:
            self._problem(self.tr("No supplier yet: add one (Receiving → Suppliers) before ordering."))

    def _problem(self, text: str) -> None:
        self.message.show()
        self.message.show_message(text, ERROR)

    def create(self) -> None:
        if self.supplier.currentData() is None:
            self._problem(self.tr("Choose a supplier."))
            return
        service = PurchaseOrderService(self.ctx.db)
        drafts = [PurchaseOrderLineDraft(row.product_id, row.suggested, self.costs[row.product_id])
                  for row in self.rows]
        try:
            self.order_id = service.create(self.ctx.require_staff(), self.supplier.currentData(), drafts,
                                           self.location.currentData(), self.note.text())
            self.number = service.detail(self.order_id).number
        except ShopDeskError as err:
            self._problem(error_text(err))
            return
        self.accept()
