"""Moving stock between locations by scanning: each scan adds one (or the quantity typed
first), the lines can be corrected in the table, and "Post transfer" posts them all as one
document or nothing at all.

Scanning works as at the counter: the scan field keeps the focus, keys typed on the table
go to it, and each outcome shows in a message strip rather than a box that would swallow
the next scans. No button of the dialog is a default button, so Enter after a scan never
posts the transfer by accident.
"""

from __future__ import annotations

import re
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QEvent, Qt
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
from shopdesk.domain.quantity import format_quantity, parse_quantity
from shopdesk.gui.context import AppContext
from shopdesk.gui.draft_lines_model import draft_lines_table
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import ERROR, INFO, SUCCESS, MessageStrip, QuantityField, ScanKeyRouter
from shopdesk.gui.stock_models import TransferLinesModel
from shopdesk.services.stock_locations import STOCK_KINDS, LocationService
from shopdesk.services.stock_transfers import TransferResult, TransferService

# "12*4006381333931": twelve of that item in one scan (as on many handheld scanners).
QUANTITY_PREFIX = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*[*xX×]\s*(\S.*)$")


def fill_locations(combo: QComboBox, locations, selected: str | None = None) -> None:
    """Locations as "CODE — name" with the code as the item's data."""
    combo.clear()
    for location in locations:
        combo.addItem(f"{location.code} — {QCoreApplication.translate('locations', location.name)}", location.code)
    if selected is not None:
        combo.setCurrentIndex(max(0, combo.findData(selected)))


class TransferDialog(QDialog):
    def __init__(self, ctx: AppContext, from_code: str | None = None, to_code: str | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("transferDialog")
        self.setWindowTitle(self.tr("Transfer stock"))
        self.resize(640, 480)
        self.service = TransferService(ctx.db)
        self.result: TransferResult | None = None
        locale = ctx.store.locale

        locations = LocationService(ctx.db).list_locations(STOCK_KINDS)
        self.from_combo = QComboBox(self)
        self.from_combo.setObjectName("fromLocation")
        fill_locations(self.from_combo, locations, from_code or "FLOOR")
        self.to_combo = QComboBox(self)
        self.to_combo.setObjectName("toLocation")
        fill_locations(self.to_combo, locations, to_code or "BACK")

        self.scan_field = QLineEdit(self)
        self.scan_field.setObjectName("transferScan")
        self.scan_field.setPlaceholderText(self.tr("Scan each item (or type 12*code), then Enter"))
        self.scan_field.returnPressed.connect(self._on_scan_entered)
        self.quantity_field = QuantityField(self, "transferQuantity")
        self.quantity_field.setToolTip(self.tr("Quantity for the next scan; goes back to 1 after it."))

        self.model = TransferLinesModel(locale, self)
        self.model.problem.connect(lambda text: self.message.show_message(text, ERROR))
        self.model.rowsInserted.connect(self._update_total)
        self.model.rowsRemoved.connect(self._update_total)
        self.model.dataChanged.connect(self._update_total)
        self.table = draft_lines_table(self, self.model, "transferLines", TransferLinesModel.PRODUCT, self)

        self.note_field = QLineEdit(self)
        self.note_field.setObjectName("transferNote")
        self.note_field.setPlaceholderText(self.tr("Note (optional)"))
        self.message = MessageStrip(self, "transferMessage")
        self.total_label = QLabel(self)
        self.total_label.setObjectName("transferTotal")
        self.remove_button = QPushButton(self.tr("&Remove line (Del)"), self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.post_button = QPushButton(self.tr("&Post transfer"), self)
        self.post_button.setObjectName("postTransferButton")
        self.post_button.clicked.connect(self.post)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.remove_button, self.post_button, self.cancel_button):
            button.setAutoDefault(False)
            button.setDefault(False)

        form = QFormLayout()
        form.addRow(self.tr("&From:"), self.from_combo)
        form.addRow(self.tr("&To:"), self.to_combo)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(QLabel(self.tr("Qty:"), self))
        scan_row.addWidget(self.quantity_field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.total_label, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.post_button)
        root = QVBoxLayout(self)
        root.addLayout(form)
        root.addLayout(scan_row)
        root.addWidget(self.message)
        root.addWidget(self.table, 1)
        root.addWidget(self.note_field)
        root.addLayout(buttons)

        self.scan_router = ScanKeyRouter(self.scan_field, self._on_scan_entered, self)
        self.scan_router.watch((self.table, self.remove_button))
        self.message.show_message(self.tr("Choose where from and where to, then scan the items."), INFO)
        self._update_total()
        self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- scanning -----------------------------------------------------------------------
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

    def add_code(self, text: str) -> None:
        prefixed = QUANTITY_PREFIX.match(text)
        code = (prefixed.group(2) if prefixed else text).strip()
        typed = prefixed.group(1) if prefixed else (self.quantity_field.text().strip() or "1")
        self.quantity_field.reset()
        locale = self.ctx.store.locale
        try:
            quantity = parse_quantity(typed, locale, field="quantity")
        except ShopDeskError as err:
            self._refuse(error_text(err))
            return
        if quantity <= 0:
            self._refuse(self.tr("Enter a quantity above 0 before scanning."))
            return
        hit = self.ctx.search.lookup_code(code)
        if hit is None:
            self._refuse(self.tr("%1 is not in the catalog (or was misread): scan it again or search for it.")
                         .replace("%1", code))
            return
        row = self.model.add(hit.product_id, hit.sku, hit.name, quantity)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self.message.show_message(self.tr("%1 — %2 to move").replace("%1", hit.name).replace(
            "%2", format_quantity(self.model.lines[row].quantity, locale)), SUCCESS)

    def _refuse(self, text: str) -> None:
        QApplication.beep()
        self.message.show_message(text, ERROR)

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        line = self.model.remove(rows[0].row())
        if line is not None:
            self.message.show_message(self.tr("%1 removed from the transfer.").replace("%1", line.name), INFO)
        self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_total(self, *_args) -> None:
        self.total_label.setText(self.tr("%1 lines, %2 items").replace("%1", str(len(self.model.lines))).replace(
            "%2", format_quantity(self.model.total(), self.ctx.store.locale)))

    # -- posting ------------------------------------------------------------------------
    def lines(self) -> list[tuple[str, Decimal]]:
        return [(line.product_id, line.quantity) for line in self.model.lines]

    def post(self) -> None:
        if not self.model.lines:
            self._refuse(self.tr("Scan the items to move first."))
            return
        try:
            self.result = self.service.transfer(self.ctx.require_staff(), self.from_combo.currentData(),
                                                self.to_combo.currentData(), self.lines(), self.note_field.text())
        except ShopDeskError as err:
            self._refuse(error_text(err))
            self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.accept()
