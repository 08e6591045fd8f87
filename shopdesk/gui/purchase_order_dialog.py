"""A new purchase order, put together by scanning: each scan adds one of the product (or
the quantity typed first), at the product's current cost; quantity and unit cost can be
typed over in the table, Del removes a line, and "Create order" sends it all to the
service as one order or nothing at all.

As in the transfer dialog, the scan field keeps the focus, keys typed on the table go to
it, and no button is a default button, so Enter after a scan never creates the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_amount, format_money, parse_money
from shopdesk.domain.quantity import format_quantity, parse_quantity
from shopdesk.gui.context import AppContext
from shopdesk.gui.draft_lines_model import DraftLinesModel, draft_lines_table
from shopdesk.gui.messages import error_text
from shopdesk.gui.product_picker import ProductPicker
from shopdesk.gui.scan_input import (
    ERROR,
    INFO,
    SUCCESS,
    MessageStrip,
    QuantityField,
    ScanKeyRouter,
    split_quantity_prefix,
)
from shopdesk.gui.transfer_dialog import fill_locations
from shopdesk.services.purchasing import PurchaseOrderLineDraft, PurchaseOrderService, line_cost
from shopdesk.services.stock_locations import LocationService
from shopdesk.services.suppliers import SupplierService

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass
class OrderDraftLine:
    product_id: str
    sku: str
    name: str
    quantity: Decimal
    unit_cost: int


class OrderLinesModel(DraftLinesModel):
    """The lines of an order being put together; quantity and unit cost are editable."""

    SKU, PRODUCT, QUANTITY, UNIT_COST, LINE_COST = range(5)
    problem = Signal(str)  # something typed into the table that cannot be taken

    def __init__(self, currency: str, locale: str, parent=None) -> None:
        super().__init__(parent)
        self.currency, self.locale = currency, locale
        self.headers = [self.tr("SKU"), self.tr("Product"), self.tr("Quantity"), self.tr("Unit cost"),
                        self.tr("Line cost")]

    def add(self, product_id: str, sku: str, name: str, quantity: Decimal, unit_cost: int) -> int:
        """Add to the product's line (or a new line at the end); returns its row."""
        return self.add_line(OrderDraftLine(product_id, sku, name, quantity, unit_cost))

    def total_cost(self) -> int:
        return sum(line_cost(line.quantity, line.unit_cost) for line in self.lines)

    def drafts(self) -> list[PurchaseOrderLineDraft]:
        return [PurchaseOrderLineDraft(line.product_id, line.quantity, line.unit_cost) for line in self.lines]

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.column() in (self.QUANTITY, self.UNIT_COST):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line, column = self.lines[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (line.sku, line.name, format_quantity(line.quantity, self.locale),
                    format_money(line.unit_cost, self.currency, self.locale),
                    format_money(line_cost(line.quantity, line.unit_cost), self.currency, self.locale))[column]
        if role == Qt.ItemDataRole.EditRole:
            if column == self.QUANTITY:
                return format_quantity(line.quantity, self.locale)
            if column == self.UNIT_COST:
                return format_amount(line.unit_cost, self.currency, self.locale)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= self.QUANTITY:
            return RIGHT
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        line, column = self.lines[index.row()], index.column()
        try:
            if column == self.QUANTITY:
                line.quantity = parse_quantity(str(value), self.locale, field="quantity")
            elif column == self.UNIT_COST:
                line.unit_cost = parse_money(str(value), self.currency, self.locale, field="unit_cost",
                                             allow_negative=False)
            else:
                return False
        except ShopDeskError as err:
            self.problem.emit(f"{line.name}: {error_text(err)}")
            return False
        self.dataChanged.emit(self.index(index.row(), self.QUANTITY), self.index(index.row(), self.LINE_COST))
        return True


class NewPurchaseOrderDialog(QDialog):
    """Supplier, where to deliver, a note and the scanned lines; ``order_id`` and
    ``number`` once the order is created."""

    def __init__(self, ctx: AppContext, supplier_id: str | None = None, delivery_code: str = "BACK",
                 parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("newPurchaseOrderDialog")
        self.setWindowTitle(self.tr("New purchase order"))
        self.resize(760, 520)
        self.service = PurchaseOrderService(ctx.db)
        self.order_id: str | None = None
        self.number: str | None = None
        currency, locale = ctx.store.currency, ctx.store.locale

        self.supplier = QComboBox(self)
        self.supplier.setObjectName("poSupplier")
        for supplier in SupplierService(ctx.db).list(active_only=True):
            self.supplier.addItem(f"{supplier.name} ({supplier.code})", supplier.id)
        if supplier_id is not None and self.supplier.findData(supplier_id) >= 0:
            self.supplier.setCurrentIndex(self.supplier.findData(supplier_id))
        self.location = QComboBox(self)
        self.location.setObjectName("poLocation")
        fill_locations(self.location, LocationService(ctx.db).list_locations(kinds=["internal"]), delivery_code)
        self.note = QLineEdit(self)
        self.note.setObjectName("poNote")
        self.note.setPlaceholderText(self.tr("Optional, e.g. delivery window or reference"))

        self.scan_field = QLineEdit(self)
        self.scan_field.setObjectName("poScan")
        self.scan_field.setPlaceholderText(self.tr("Scan or type a barcode or SKU, then Enter (F3: find)"))
        self.scan_field.returnPressed.connect(self._on_scan_entered)
        self.quantity_field = QuantityField(self, "poQuantity")
        self.quantity_field.setToolTip(self.tr("Quantity for the next scan; goes back to 1 after it."))
        self.find_button = QPushButton(self.tr("&Find product… (F3)"), self)
        self.find_button.setObjectName("poFindButton")
        self.find_button.clicked.connect(self.find_product)
        self.find_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F3), self)
        self.find_shortcut.activated.connect(self.find_product)

        self.model = OrderLinesModel(currency, locale, self)
        self.model.problem.connect(self._refuse)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.dataChanged):
            signal.connect(self._update_total)
        self.table = draft_lines_table(self, self.model, "poLines", OrderLinesModel.PRODUCT, self)

        self.message = MessageStrip(self, "poMessage")
        self.total_label = QLabel(self)
        self.total_label.setObjectName("poTotal")
        self.total_label.setStyleSheet("font-weight: bold;")
        self.remove_button = QPushButton(self.tr("&Remove line (Del)"), self)
        self.remove_button.setObjectName("poRemoveLine")
        self.remove_button.clicked.connect(self.remove_selected)
        self.create_button = QPushButton(self.tr("&Create order"), self)
        self.create_button.setObjectName("poCreateButton")
        self.create_button.clicked.connect(self.create)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.find_button, self.remove_button, self.create_button, self.cancel_button):
            button.setAutoDefault(False)
            button.setDefault(False)

        form = QFormLayout()
        form.addRow(self.tr("&Supplier:"), self.supplier)
        form.addRow(self.tr("&Deliver to:"), self.location)
        form.addRow(self.tr("&Note:"), self.note)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(QLabel(self.tr("Qty:"), self))
        scan_row.addWidget(self.quantity_field)
        scan_row.addWidget(self.find_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.total_label, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.create_button)
        root = QVBoxLayout(self)
        root.addLayout(form)
        root.addLayout(scan_row)
        root.addWidget(self.message)
        root.addWidget(self.table, 1)
        root.addLayout(buttons)

        self.scan_router = ScanKeyRouter(self.scan_field, self._on_scan_entered, self)
        self.scan_router.watch((self.table, self.remove_button, self.find_button))
        if self.supplier.count() == 0:
            self._refuse(self.tr("No active supplier yet: add one on the Suppliers tab before ordering."))
        else:
            self.message.show_message(self.tr("Choose the supplier, then scan what to order; double-click (or F2) a "
                                                 "quantity or unit cost to change it."), INFO)
        self._update_total()
        self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- adding lines -------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.table.state() != QAbstractItemView.State.EditingState:
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)

    def _on_scan_entered(self) -> None:
        text = self.scan_field.text()
        self.scan_field.clear()
        if text.strip():
            self.add_code(text)

    def _quantity(self, typed: str | None):
        """The quantity for the next line (the prefix of the scan, else the quantity field)."""
        text = typed or self.quantity_field.text().strip() or "1"
        self.quantity_field.reset()
        return parse_quantity(text, self.ctx.store.locale, field="quantity")

    def add_code(self, text: str) -> None:
        prefix, code = split_quantity_prefix(text)
        try:
            quantity = self._quantity(prefix)
        except ShopDeskError as err:
            self._refuse(error_text(err))
            return
        hit = self.ctx.search.lookup_code(code.strip())
        if hit is None:
            self._refuse(self.tr("%1 is not in the catalog (or was misread): scan it again or press F3 to find it.")
                         .replace("%1", code.strip()))
            return
        self.add_product(hit.product_id, hit.sku, hit.name, quantity)

    def add_product(self, product_id: str, sku: str, name: str, quantity: Decimal) -> None:
        try:
            cost = self.ctx.catalog.detail(product_id).draft.cost
        except ShopDeskError as err:
            self._refuse(error_text(err))
            return
        row = self.model.add(product_id, sku, name, quantity, cost)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self.message.show_message(self.tr("%1 — %2 to order").replace("%1", name).replace(
            "%2", format_quantity(self.model.lines[row].quantity, self.ctx.store.locale)), SUCCESS)

    def find_product(self) -> None:
        text = self.scan_field.text().strip()
        prefix, text = split_quantity_prefix(text)
        picker = ProductPicker(self.ctx.search, self.ctx.store.currency, self.ctx.store.locale, text, self)
        if picker.exec() and picker.chosen is not None:
            self.scan_field.clear()
            hit = picker.chosen
            try:
                quantity = self._quantity(prefix)
            except ShopDeskError as err:
                self._refuse(error_text(err))
                return
            self.add_product(hit.product_id, hit.sku, hit.name, quantity)
        self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _refuse(self, text: str) -> None:
        QApplication.beep()
        self.message.show_message(text, ERROR)

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        line = self.model.remove(rows[0].row())
        if line is not None:
            self.message.show_message(self.tr("%1 removed from the order.").replace("%1", line.name), INFO)
        self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_total(self, *_args) -> None:
        store = self.ctx.store
        self.total_label.setText(self.tr("%1 line(s), total %2").replace("%1", str(len(self.model.lines))).replace(
            "%2", format_money(self.model.total_cost(), store.currency, store.locale)))

    # -- creating -----------------------------------------------------------------------
    def create(self) -> None:
        if self.supplier.currentData() is None:
            self._refuse(self.tr("Choose a supplier (add one on the Suppliers tab first)."))
            return
        try:
            self.order_id = self.service.create(self.ctx.require_staff(), self.supplier.currentData(),
                                                self.model.drafts(), self.location.currentData(), self.note.text())
            self.number = self.service.detail(self.order_id).number
        except ShopDeskError as err:
            self.order_id = None
            self._refuse(error_text(err))
            self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.accept()
