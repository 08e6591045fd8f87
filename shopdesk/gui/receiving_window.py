"""Receiving a delivery: scan what arrived into a draft goods receipt, compare it with the
purchase order, post it into stock and print a shelf label per item.

The scan field keeps the focus; a keyboard-wedge scanner types a barcode and Enter, each
Enter adds one (or the quantity typed in the quantity box, or ``12*CODE``). Unknown or
invalid codes beep and show a message in the strip (never a modal box that would swallow
the next scans) and add nothing. Every scan is saved at once by the service, so a power
cut loses nothing; the window only shows what the service returns.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import InvalidBarcode, ShopDeskError, UnknownBarcode
from shopdesk.domain.money import format_money, parse_money
from shopdesk.domain.quantity import format_quantity, parse_quantity
from shopdesk.gui.background import run_in_background
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.product_picker import ProductPicker
from shopdesk.gui.receipt_model import ReceiptLinesModel
from shopdesk.gui.receiving_dialogs import NewDeliveryDialog
from shopdesk.gui.scan_input import (
    ERROR,
    INFO,
    SUCCESS,
    MessageStrip,
    QuantityField,
    ScanKeyRouter,
    split_quantity_prefix,
)
from shopdesk.services.goods_intake import GoodsIntakeService, PostedReceipt, ReceiptView

_ZERO = re.compile(r"^\s*0+(?:[.,]0*)?\s*$")


class ReceivingWindow(QWidget):
    receipt_posted = Signal(object)  # PostedReceipt
    labels_saved = Signal(str)  # path of the PDF

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.intake = GoodsIntakeService(ctx.db)
        self.receipt: ReceiptView | None = None
        self.posted: PostedReceipt | None = None
        self.last_unknown = ""
        self.setObjectName("receivingWindow")
        currency, locale = ctx.store.currency, ctx.store.locale

        # -- which delivery ------------------------------------------------------------------
        self.draft_combo = QComboBox(self)
        self.draft_combo.setObjectName("draftCombo")
        self.draft_combo.setMinimumContentsLength(40)
        self.draft_combo.activated.connect(self._draft_chosen)
        self.new_button = QPushButton(self.tr("&New delivery…"), self)
        self.new_button.setObjectName("newDeliveryButton")
        self.new_button.clicked.connect(self.new_delivery)
        self.cancel_button = QPushButton(self.tr("Cancel deli&very…"), self)
        self.cancel_button.setObjectName("cancelDeliveryButton")
        self.cancel_button.clicked.connect(self.cancel_delivery)
        self.receipt_label = QLabel(self)
        self.receipt_label.setObjectName("receiptLabel")
        self.receipt_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.receipt_label.setWordWrap(True)

        # -- scanning ---------------------------------------------------------------------------
        self.scan_field = QLineEdit(self)
        self.scan_field.setObjectName("receivingScanField")
        self.scan_field.setPlaceholderText(self.tr("Scan a barcode or type a code (12*code for twelve), then Enter"))
        self.scan_field.returnPressed.connect(self._on_scan_entered)
        self.quantity_field = QuantityField(self, "receivingQuantityField")
        self.quantity_field.setMaximumWidth(90)
        self.quantity_field.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.quantity_field.setToolTip(self.tr("How many the next scan counts; back to 1 after it"))
        self.quantity_field.returnPressed.connect(self._on_quantity_entered)
        quantity_label = QLabel(self.tr("&Quantity:"), self)
        quantity_label.setBuddy(self.quantity_field)
        self.message = MessageStrip(self, "receivingMessage")

        # -- lines --------------------------------------------------------------------------------
        self.model = ReceiptLinesModel(currency, locale, self)
        self.model.quantity_edited.connect(self._on_quantity_edited)
        self.model.unit_cost_edited.connect(self._on_unit_cost_edited)
        self.table = QTableView(self)
        self.table.setObjectName("receiptTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.doubleClicked.connect(self._on_double_click)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ReceiptLinesModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(70)

        self.find_button = QPushButton(self.tr("&Find product… (F3)"), self)
        self.find_button.clicked.connect(self.find_product)
        self.quantity_button = QPushButton(self.tr("Change &quantity (F4)"), self)
        self.quantity_button.clicked.connect(self.edit_quantity)
        self.cost_button = QPushButton(self.tr("Change unit &cost"), self)
        self.cost_button.clicked.connect(self.edit_unit_cost)
        self.remove_button = QPushButton(self.tr("&Remove line (Del)"), self)
        self.remove_button.clicked.connect(self.remove_selected_line)
        self.post_button = QPushButton(self.tr("&Post receipt (F12)"), self)
        self.post_button.setObjectName("postButton")
        self.post_button.setMinimumHeight(48)
        self.post_button.clicked.connect(self.post)
        self.print_labels_button = QPushButton(self.tr("Print &labels…"), self)
        self.print_labels_button.setObjectName("printLabelsButton")
        self.print_labels_button.clicked.connect(lambda: self.print_labels())

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setWordWrap(False)  # short lines; wrapping made Qt squeeze the box
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setMinimumHeight(self.summary_label.fontMetrics().lineSpacing() * 8)
        summary_box = QFrame(self)
        summary_box.setFrameShape(QFrame.Shape.StyledPanel)
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.addWidget(self.summary_label)

        # -- layout -------------------------------------------------------------------------------
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Delivery:"), self))
        top.addWidget(self.draft_combo, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.cancel_button)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(quantity_label)
        scan_row.addWidget(self.quantity_field)
        side = QVBoxLayout()
        side.addWidget(summary_box)
        side.addStretch(1)
        for button in (self.find_button, self.quantity_button, self.cost_button, self.remove_button,
                       self.post_button, self.print_labels_button):
            side.addWidget(button)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addLayout(side)
        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addWidget(self.receipt_label)
        root.addLayout(scan_row)
        root.addWidget(self.message)
        root.addLayout(body, 1)

        # Keys typed on the table, the buttons or the delivery list (after a click there)
        # go to the scan field, so a scan is never lost or split.
        self.scan_router = ScanKeyRouter(self.scan_field, self._on_scan_entered, self)
        self.scan_router.watch((self.table, self.draft_combo, self.new_button, self.cancel_button,
                                self.find_button, self.quantity_button, self.cost_button, self.remove_button,
                                self.post_button, self.print_labels_button))

        self.reload()

    # -- keys ------------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:
        # Function keys arrive here from whichever child has the focus (the scan field and
        # the table leave them alone); Del from the table (the scan field edits with it).
        actions = {Qt.Key.Key_F3: self.find_product, Qt.Key.Key_F4: self.edit_quantity,
                   Qt.Key.Key_F12: self.post, Qt.Key.Key_Delete: self.remove_selected_line}
        action = actions.get(event.key())
        if action is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        event.accept()
        action()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.focus_scan()

    # -- state -----------------------------------------------------------------------------
    def focus_scan(self) -> None:
        self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_message(self, text: str, kind: str = INFO) -> None:
        self.message.show_message(text, kind)

    def _error(self, err: ShopDeskError, beep: bool = False) -> None:
        if beep:
            QApplication.beep()
        self.show_message(error_text(err), ERROR)

    def reload(self) -> None:
        """The deliveries in progress and the open one as stored (after a user switch or a restart)."""
        current = self.receipt.id if self.receipt is not None else None
        drafts = self._load_drafts(current)
        if current is not None:
            try:
                self._show(self.intake.detail(current))
            except ShopDeskError as err:
                self._show(None)
                self._error(err)
        else:
            self._show(None)
            if drafts:
                waiting = (self.tr("1 delivery in progress") if drafts == 1
                           else self.tr("%1 deliveries in progress").replace("%1", str(drafts)))
                self.show_message(waiting + self.tr(": choose one above, or start a new delivery."), INFO)
            else:
                self.show_message(self.tr("Start a new delivery to receive goods."), INFO)
        self.focus_scan()

    def _load_drafts(self, select_id: str | None = None) -> int:
        self.draft_combo.blockSignals(True)
        self.draft_combo.clear()
        self.draft_combo.addItem(self.tr("(choose a delivery in progress)"), None)
        try:
            drafts = self.intake.list_receipts(status="draft")
        except ShopDeskError as err:
            drafts = []
            self._error(err)
        for r in drafts:
            self.draft_combo.addItem(self._draft_text(r.number, r.location_code, r.supplier_name,
                                                      r.purchase_order_number, r.supplier_reference, r.line_count,
                                                      r.total_quantity), r.id)
        index = self.draft_combo.findData(select_id) if select_id is not None else -1
        self.draft_combo.setCurrentIndex(max(index, 0))
        self.draft_combo.blockSignals(False)
        return len(drafts)

    def _draft_text(self, number: str, location: str, supplier: str | None, order: str | None, reference: str,
                    line_count: int, quantity: Decimal) -> str:
        parts = [number, location, *(text for text in (supplier, order, reference) if text)]
        parts.append(self._lines_text(line_count) + ", " + self.tr("%1 items").replace(
            "%1", format_quantity(quantity, self.ctx.store.locale)))
        return " · ".join(parts)

    def _lines_text(self, n: int) -> str:
        return self.tr("1 line") if n == 1 else self.tr("%1 lines").replace("%1", str(n))

    def open_receipt(self, receipt_id: str) -> None:
        try:
            view = self.intake.detail(receipt_id)
        except ShopDeskError as err:
            self._error(err)
            self._load_drafts()
            return
        self.posted = None
        self._show(view)
        self._load_drafts(view.id)
        self.show_message(self.tr("Receiving %1. Scan the goods.").replace("%1", view.number), INFO)
        self.focus_scan()

    def _draft_chosen(self, _index: int) -> None:
        receipt_id = self.draft_combo.currentData()
        if receipt_id is not None:
            self.open_receipt(receipt_id)
        self.focus_scan()

    def _show(self, view: ReceiptView | None, select_product: str | None = None) -> None:
        self.receipt = view
        self.model.set_receipt(view)
        draft = view is not None and view.status == "draft"
        self.cancel_button.setEnabled(draft)
        self.post_button.setEnabled(draft)
        self.print_labels_button.setEnabled(view is not None and view.status == "posted")
        self.receipt_label.setText(self._heading(view))
        index = self.draft_combo.findData(view.id) if draft else -1
        if index > 0:  # the list entry keeps up with the scans
            self.draft_combo.setItemText(index, self._draft_text(
                view.number, view.location_code, view.supplier_name, view.purchase_order_number,
                view.supplier_reference, sum(1 for line in view.lines if line.received > 0), view.total_quantity))
        self.summary_label.setText(self._summary(view))
        row = self.model.row_of(select_product)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _heading(self, view: ReceiptView | None) -> str:
        if view is None:
            return self.tr("No delivery open")
        parts = [view.number, self.tr("to %1").replace("%1", f"{view.location_code} — {view.location_name}")]
        if view.supplier_name:
            parts.append(self.tr("from %1").replace("%1", view.supplier_name))
        if view.purchase_order_number:
            parts.append(self.tr("order %1").replace("%1", view.purchase_order_number))
        if view.supplier_reference:
            parts.append(self.tr("delivery note %1").replace("%1", view.supplier_reference))
        status = {"draft": self.tr("in progress"), "posted": self.tr("posted"),
                  "cancelled": self.tr("cancelled")}.get(view.status, view.status)
        parts[0] += f" ({status})"
        return " · ".join(parts)

    def _summary(self, view: ReceiptView | None) -> str:
        if view is None:
            return self.tr("Nothing received yet.")
        store = self.ctx.store
        received = [line for line in view.lines if line.received > 0]
        text = "\n".join((
            self.tr("Lines: %1").replace("%1", str(len(received))),
            self.tr("Items: %1").replace("%1", format_quantity(view.total_quantity, store.locale)),
            self.tr("Total cost: %1").replace("%1", format_money(view.total_cost, store.currency, store.locale)),
        ))
        if view.purchase_order_id is None:
            return text + "\n" + self.tr("No purchase order to compare with.")
        return text + "\n\n" + "\n".join((
            self.tr("Over: %1").replace("%1", str(view.over)),
            self.tr("Short: %1").replace("%1", str(view.short)),
            self.tr("Missing: %1").replace("%1", str(view.missing)),
            self.tr("Not on order: %1").replace("%1", str(view.not_ordered)),
        ))

    # -- starting and giving up ------------------------------------------------------------
    def new_delivery(self) -> None:
        dialog = NewDeliveryDialog(self.ctx, self.intake, self)
        if dialog.exec() and dialog.receipt_id is not None:
            self.open_receipt(dialog.receipt_id)
        self.focus_scan()

    def cancel_delivery(self) -> None:
        view = self.receipt
        if view is None or view.status != "draft":
            self.show_message(self.tr("Choose the delivery in progress to cancel first."), ERROR)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Cancel delivery"),
                          self.tr("Cancel %1? Nothing of it reaches stock; the scanned lines are kept for the record.")
                          .replace("%1", view.number),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("cancelConfirmation")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        if box.exec() == QMessageBox.StandardButton.Yes:
            try:
                self.intake.cancel(self.ctx.require_staff(), view.id)
            except ShopDeskError as err:
                self._error(err)
            else:
                self._show(None)
                self._load_drafts()
                self.show_message(self.tr("%1 cancelled.").replace("%1", view.number), INFO)
        self.focus_scan()

    # -- scanning ----------------------------------------------------------------------------
    def _on_quantity_entered(self) -> None:
        try:
            parse_quantity(self.quantity_field.text(), self.ctx.store.locale)
        except ShopDeskError as err:
            self._error(err, beep=True)
            self.quantity_field.reset()
        self.focus_scan()

    def _on_scan_entered(self) -> None:
        text = self.scan_field.text()
        self.scan_field.clear()
        if text.strip():
            self.scan(text)

    def scan(self, text: str) -> None:
        """One scan (or typed code): ``12*CODE`` counts twelve, else the quantity box counts."""
        if self.receipt is None:
            QApplication.beep()
            self.show_message(self.tr("Start a new delivery or choose one in progress before scanning."), ERROR)
            return
        locale = self.ctx.store.locale
        typed, code = split_quantity_prefix(text)
        code = code.strip()
        try:
            quantity = parse_quantity(typed if typed is not None else self.quantity_field.text(), locale)
            view = self.intake.scan(self.ctx.require_staff(), self.receipt.id, code, quantity)
        except ShopDeskError as err:
            self.last_unknown = code
            # No dialog here: the next scans must land. F3 finds an item without a barcode.
            self._error(err, beep=True)
            if isinstance(err, (UnknownBarcode, InvalidBarcode)):
                self.message.setText(self.message.text() + "  " + self.tr("F3: search for it."))
            return
        self.quantity_field.reset()
        self._added(view, quantity)

    def _added(self, view: ReceiptView, quantity: Decimal) -> None:
        self._show(view, view.last_product_id)
        line = view.line_for(view.last_product_id) if view.last_product_id else None
        if line is None:
            return
        locale = self.ctx.store.locale
        text = self.tr("+%1 %2 — %3 received").replace("%1", format_quantity(quantity, locale)).replace(
            "%2", line.name).replace("%3", format_quantity(line.received, locale))
        if line.ordered is not None:
            text += " " + self.tr("of %1 ordered").replace("%1", format_quantity(line.ordered, locale))
        elif view.purchase_order_id is not None:
            text += " " + self.tr("(not on the order)")
        self.show_message(text, SUCCESS)

    def find_product(self) -> None:
        """Pick a product by name or SKU (goods without a barcode, or one that did not scan)."""
        if self.receipt is None:
            self.show_message(self.tr("Start a new delivery or choose one in progress first."), ERROR)
            return
        text = self.scan_field.text().strip() or self.last_unknown
        self.scan_field.clear()
        picker = ProductPicker(self.ctx.search, self.ctx.store.currency, self.ctx.store.locale, text, self)
        if picker.exec() and picker.chosen is not None:
            try:
                quantity = parse_quantity(self.quantity_field.text(), self.ctx.store.locale)
                view = self.intake.add_product(self.ctx.require_staff(), self.receipt.id,
                                               picker.chosen.product_id, quantity)
            except ShopDeskError as err:
                self._error(err)
            else:
                self.last_unknown = ""
                self.quantity_field.reset()
                self._added(view, quantity)
        self.focus_scan()

    # -- editing lines ------------------------------------------------------------------------
    def _selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return rows[0].row() if rows else -1

    def _edit_cell(self, column: int) -> None:
        row = self._selected_row()
        if row < 0:
            self.show_message(self.tr("Select a line first."), ERROR)
            return
        index = self.model.index(row, column)
        if not self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.show_message(self.tr("This line cannot be changed here."), ERROR)
            return
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def edit_quantity(self) -> None:
        self._edit_cell(ReceiptLinesModel.RECEIVED)

    def edit_unit_cost(self) -> None:
        self._edit_cell(ReceiptLinesModel.UNIT_COST)

    def _on_double_click(self, index: QModelIndex) -> None:
        # A double-click anywhere on a line edits its quantity (the cost cell edits the cost).
        if index.column() not in (ReceiptLinesModel.RECEIVED, ReceiptLinesModel.UNIT_COST):
            self.table.selectRow(index.row())
            self.edit_quantity()

    def _after_edit(self, action, done_text: str) -> None:
        if self.receipt is None:
            return
        try:
            view = action()
        except ShopDeskError as err:
            self._error(err)
            return
        self._show(view, view.last_product_id)
        self.show_message(done_text, INFO)
        QTimer.singleShot(0, self.focus_scan)  # once the cell editor has closed

    def _on_quantity_edited(self, product_id: str, text: str) -> None:
        def change():
            quantity = (Decimal(0) if _ZERO.match(text)  # 0: the line stays, nothing received
                        else parse_quantity(text, self.ctx.store.locale))
            return self.intake.set_quantity(self.ctx.require_staff(), self.receipt.id, product_id, quantity)
        self._after_edit(change, self.tr("Quantity changed."))

    def _on_unit_cost_edited(self, product_id: str, text: str) -> None:
        store = self.ctx.store

        def change():
            cost = parse_money(text, store.currency, store.locale, field="unit_cost", allow_negative=False)
            return self.intake.set_unit_cost(self.ctx.require_staff(), self.receipt.id, product_id, cost)
        self._after_edit(change, self.tr("Unit cost changed."))

    def remove_selected_line(self) -> None:
        row = self._selected_row()
        if row < 0 or self.receipt is None:
            self.show_message(self.tr("Select a line first."), ERROR)
            return
        line = self.model.line(row)
        if line.line_id is None:
            self.show_message(self.tr("Nothing of %1 has been scanned; there is nothing to remove.")
                              .replace("%1", line.name), ERROR)
            return
        try:
            view = self.intake.remove_line(self.ctx.require_staff(), self.receipt.id, line.product_id)
        except ShopDeskError as err:
            self._error(err)
            return
        self._show(view)
        self.show_message(self.tr("%1 removed from the delivery.").replace("%1", line.name), INFO)
        self.focus_scan()

    # -- posting ----------------------------------------------------------------------------
    def _warnings(self, view: ReceiptView) -> list[str]:
        if view.purchase_order_id is None:
            return []
        found = []
        if view.short:
            found.append(self.tr("%1 line(s) short: less arrived than was ordered.").replace("%1", str(view.short)))
        if view.missing:
            found.append(self.tr("%1 ordered line(s) missing: nothing arrived.").replace("%1", str(view.missing)))
        if view.over:
            found.append(self.tr("%1 line(s) over: more arrived than was ordered.").replace("%1", str(view.over)))
        if view.not_ordered:
            found.append(self.tr("%1 line(s) not on the order.").replace("%1", str(view.not_ordered)))
        return found

    def post(self) -> None:
        view = self.receipt
        if view is None:
            self.show_message(self.tr("Choose the delivery to post first."), ERROR)
            return
        if view.status == "draft":
            store = self.ctx.store
            received = sum(1 for line in view.lines if line.received > 0)
            text = self.tr("Post %1 into stock at %2?").replace("%1", view.number).replace(
                "%2", f"{view.location_code} — {view.location_name}")
            details = self.tr("%1, %2 items, total cost %3.").replace("%1", self._lines_text(received)).replace(
                "%2", format_quantity(view.total_quantity, store.locale)).replace(
                "%3", format_money(view.total_cost, store.currency, store.locale))
            warnings = self._warnings(view)
            box = QMessageBox(QMessageBox.Icon.Warning if warnings else QMessageBox.Icon.Question,
                              self.tr("Post receipt"), text,
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            box.setObjectName("postConfirmation")
            box.setInformativeText("\n".join([details, *warnings]))
            box.button(QMessageBox.StandardButton.Yes).setText(self.tr("&Post"))
            box.setDefaultButton(QMessageBox.StandardButton.No if warnings else QMessageBox.StandardButton.Yes)
            if box.exec() != QMessageBox.StandardButton.Yes:
                self.focus_scan()
                return
        try:
            posted = self.intake.post(self.ctx.require_staff(), view.id)
        except ShopDeskError as err:
            self._error(err)
            self.focus_scan()
            return
        self.posted = posted
        try:
            self._show(self.intake.detail(posted.receipt_id))
        except ShopDeskError:  # posted all the same; only the refreshed view is missing
            self._show(None)
        self._load_drafts()
        text = self.tr("%1 posted: %2, %3 items.").replace("%1", posted.number).replace(
            "%2", self._lines_text(posted.lines_posted)).replace(
            "%3", format_quantity(posted.total_quantity, self.ctx.store.locale))
        if posted.purchase_order_status == "received":
            text += " " + self.tr("%1 is fully received.").replace("%1", posted.purchase_order_number)
        self.show_message(text + " " + self.tr("Print labels for the shelves?"), SUCCESS)
        self.receipt_posted.emit(posted)
        self.focus_scan()

    # -- labels ------------------------------------------------------------------------------
    def print_labels(self, path: str | None = None) -> None:
        """One shelf label per item received, as a PDF sheet, made off the GUI thread."""
        view = self.receipt
        if view is None or view.status != "posted":
            self.show_message(self.tr("Labels are printed once the receipt is posted."), ERROR)
            return
        from shopdesk.services.labels import LabelService  # reportlab: loaded when first used

        try:
            copies = self.intake.label_copies(view.id)
        except ShopDeskError as err:
            self._error(err)
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save shelf labels"), f"labels-{view.number}.pdf",
                                                  self.tr("PDF files (*.pdf)"))
        if not path:
            self.focus_scan()
            return
        service, count = LabelService(self.ctx.db), sum(copies.values())
        self.print_labels_button.setEnabled(False)
        self.show_message(self.tr("Making %1 labels…").replace("%1", str(count)), INFO)
        run_in_background(lambda: service.print_sheet(list(copies), path, copies=copies),
                          lambda pages: self._labels_done(path, count, pages), self._labels_failed)
        self.focus_scan()

    def _labels_done(self, path: str, count: int, pages: int) -> None:
        self.print_labels_button.setEnabled(self.receipt is not None and self.receipt.status == "posted")
        self.show_message(self.tr("%1 labels (%2 pages) saved to %3.").replace("%1", str(count)).replace(
            "%2", str(pages)).replace("%3", str(Path(path))), SUCCESS)
        self.labels_saved.emit(str(path))

    def _labels_failed(self, err: Exception) -> None:
        self.print_labels_button.setEnabled(self.receipt is not None and self.receipt.status == "posted")
        text = error_text(err) if isinstance(err, ShopDeskError) else str(err)
        self.show_message(self.tr("The labels could not be made: %1").replace("%1", text), ERROR)
