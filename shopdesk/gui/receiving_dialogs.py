"""Dialogs of the receiving screen: starting a delivery, and a quick new supplier."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.services.goods_intake import MAX_REFERENCE_CHARS, GoodsIntakeService
from shopdesk.services.purchasing import PurchaseOrderService
from shopdesk.services.stock_locations import LocationService
from shopdesk.services.suppliers import MAX_LENGTHS, SupplierDraft, SupplierService

DEFAULT_LOCATION = "BACK"


def _error_label(dialog: QDialog) -> QLabel:
    label = QLabel(dialog)
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setStyleSheet("color:#8a0012;")
    return label


class NewSupplierDialog(QDialog):
    """The two fields a supplier needs to be named on a delivery; ``supplier_id`` once created."""

    def __init__(self, ctx: AppContext, suppliers: SupplierService, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.suppliers = ctx, suppliers
        self.supplier_id: str | None = None
        self.setWindowTitle(self.tr("New supplier"))
        self.code = QLineEdit(self)
        self.code.setObjectName("supplierCode")
        self.code.setMaxLength(MAX_LENGTHS["code"])
        self.code.setPlaceholderText(self.tr("short code, e.g. ACME"))
        self.name = QLineEdit(self)
        self.name.setObjectName("supplierName")
        self.name.setMaxLength(MAX_LENGTHS["name"])
        self.error = _error_label(self)
        form = QFormLayout()
        form.addRow(self.tr("&Code:"), self.code)
        form.addRow(self.tr("&Name:"), self.name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> None:
        try:
            self.supplier_id = self.suppliers.create(self.ctx.require_staff(),
                                                     SupplierDraft(self.code.text(), self.name.text()))
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        self.accept()


class NewDeliveryDialog(QDialog):
    """Where the goods go, who sent them, against which order; ``receipt_id`` once started."""

    def __init__(self, ctx: AppContext, intake: GoodsIntakeService, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.intake = ctx, intake
        self.suppliers = SupplierService(ctx.db)
        self.orders = PurchaseOrderService(ctx.db)
        self.receipt_id: str | None = None
        self._order_facts_cache: dict[str, tuple[str, str, str]] = {}  # order id → supplier id, name, location
        self.setWindowTitle(self.tr("New delivery"))
        self.setMinimumWidth(460)

        self.location = QComboBox(self)
        self.location.setObjectName("locationCombo")
        for loc in LocationService(ctx.db).list_locations(kinds=["internal"]):
            self.location.addItem(f"{loc.code} — {loc.name}", loc.code)
        self._select(self.location, DEFAULT_LOCATION)

        self.supplier = QComboBox(self)
        self.supplier.setObjectName("supplierCombo")
        self.new_supplier_button = QPushButton(self.tr("New &supplier…"), self)
        self.new_supplier_button.setObjectName("newSupplierButton")
        self.new_supplier_button.clicked.connect(self.create_supplier)
        self.load_suppliers()

        self.order = QComboBox(self)
        self.order.setObjectName("orderCombo")
        self.order.addItem(self.tr("(no purchase order)"), None)
        for po in self.orders.list_orders(status="open"):
            self.order.addItem(self.tr("%1 — %2 (%n line(s))", "", po.line_count)
                               .replace("%1", po.number).replace("%2", po.supplier_name), po.id)
        self.order.activated.connect(self._order_chosen)
        self.supplier.activated.connect(self._supplier_chosen)

        self.reference = QLineEdit(self)
        self.reference.setObjectName("referenceField")
        self.reference.setMaxLength(MAX_REFERENCE_CHARS)
        self.reference.setPlaceholderText(self.tr("the number on the supplier's delivery note"))
        self.note = QLineEdit(self)
        self.note.setObjectName("noteField")
        self.error = _error_label(self)

        supplier_row = QHBoxLayout()
        supplier_row.addWidget(self.supplier, 1)
        supplier_row.addWidget(self.new_supplier_button)
        form = QFormLayout()
        form.addRow(self.tr("Purchase &order:"), self.order)
        form.addRow(self.tr("S&upplier:"), supplier_row)
        form.addRow(self.tr("&Deliver to:"), self.location)
        form.addRow(self.tr("Delivery &note no.:"), self.reference)
        form.addRow(self.tr("No&te:"), self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Start receiving"))
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    @staticmethod
    def _select(combo: QComboBox, data) -> None:
        index = combo.findData(data)
        if index >= 0:
            combo.setCurrentIndex(index)

    def load_suppliers(self, select_id: str | None = None) -> None:
        self.supplier.clear()
        self.supplier.addItem(self.tr("(no supplier)"), None)
        for s in self.suppliers.list():
            self.supplier.addItem(f"{s.name} ({s.code})", s.id)
        self._select(self.supplier, select_id)

    def create_supplier(self) -> None:
        dialog = NewSupplierDialog(self.ctx, self.suppliers, self)
        if dialog.exec() and dialog.supplier_id is not None:
            self.load_suppliers(dialog.supplier_id)
            self._supplier_chosen()

    def _order_facts(self, order_id: str) -> tuple[str, str, str]:
        # The order list names its supplier but not its id, so the order's detail is read.
        if order_id not in self._order_facts_cache:
            order = self.orders.detail(order_id)
            self._order_facts_cache[order_id] = (order.supplier_id, order.supplier_name, order.location_code)
        return self._order_facts_cache[order_id]

    def _order_chosen(self) -> None:
        """An order names its supplier and where its goods go: fill both in."""
        order_id = self.order.currentData()
        if order_id is None:
            return
        try:
            supplier_id, supplier_name, location_code = self._order_facts(order_id)
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        if self.supplier.findData(supplier_id) < 0:  # a deactivated supplier still has its orders
            self.supplier.addItem(supplier_name, supplier_id)
        self._select(self.supplier, supplier_id)
        self._select(self.location, location_code)
        self.error.clear()

    def _supplier_chosen(self) -> None:
        """Another supplier than the order's: the delivery is not against that order."""
        order_id = self.order.currentData()
        try:
            other = order_id is not None and self._order_facts(order_id)[0] != self.supplier.currentData()
        except ShopDeskError:
            other = True  # the order is gone
        if other:
            self.order.setCurrentIndex(0)

    def start(self) -> None:
        try:
            self.receipt_id = self.intake.start(
                self.ctx.require_staff(), location_code=self.location.currentData(),
                supplier_id=self.supplier.currentData(), purchase_order_id=self.order.currentData(),
                supplier_reference=self.reference.text(), note=self.note.text().strip())
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        self.accept()
