"""Packing one order by scanning: every item goes past the scanner into the parcel.

The scan field keeps the focus; a keyboard-wedge scanner types a barcode and Enter, and
each scan counts one (or the quantity typed in the quantity box, or ``3*CODE``) against
the order's lines. The wrong item, or one more than the order has, beeps, shows the
refusal in red and changes nothing. Each scan is stored by the service at once, so the
dialog may be closed and opened again without losing the count. When everything is in
the parcel, the parcel section opens: the box, its size, the weight, and "Finish packing".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.order_flow import OrderState
from shopdesk.domain.parsing import NotANumber, parse_localized_decimal
from shopdesk.domain.quantity import format_quantity, parse_quantity
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import (
    ERROR,
    INFO,
    SUCCESS,
    MessageStrip,
    QuantityField,
    ScanKeyRouter,
    split_quantity_prefix,
)
from shopdesk.services.carriers import Parcel
from shopdesk.services.fulfilment import MAX_PARCEL_G, PackProgress

DONE_COLOUR = QColor("#c8e6c9")  # a line fully packed
STARTED_COLOUR = QColor("#fff3c4")  # some of it packed
_UNIT = re.compile(r"^\s*(.*?)\s*(kg|g)\s*$", re.IGNORECASE)


def parse_weight(text: str, unit: str, locale: str = "en_US") -> int:
    """Grams from what was typed: ``"1.25"`` in kg, ``"1250"`` in g, or a unit typed after the
    number (``"800 g"``, ``"1,2 kg"`` in de_DE), which wins over the unit chosen."""
    raw = (text or "").strip()
    found = _UNIT.match(raw)
    if found:
        raw, unit = found.group(1), found.group(2).lower()
    try:
        value = parse_localized_decimal(raw, locale)
    except (NotANumber, InvalidOperation):
        if not raw:
            raise ValidationError("weight", QT_TRANSLATE_NOOP(
                "errors", "Weigh the parcel and type its weight.")) from None
        raise ValidationError("weight", QT_TRANSLATE_NOOP(
            "errors", "'{text}' is not a weight; type a number such as 1.25 (kg) or 800 (g)."),
            text=text.strip()) from None
    grams = value * 1000 if unit == "kg" else value
    grams = int(grams.to_integral_value())
    if not 0 < grams <= MAX_PARCEL_G:
        raise ValidationError("weight", QT_TRANSLATE_NOOP(
            "errors", "'{text}' cannot be the parcel's weight: it must be more than 0 g and at most "
                      "1,000 kg."), text=text.strip())
    return grams


class PackDialog(QDialog):
    """Scan one picked order's items into its parcel, then record the parcel and finish."""

    def __init__(self, ctx: AppContext, order_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.order_id = order_id
        self.locale = ctx.store.locale
        self.progress: PackProgress | None = None
        self.packed = None  # the OrderView once packing is finished
        self.parcels: list[Parcel] = []
        self.setObjectName("packDialog")
        self.setWindowTitle(self.tr("Pack order"))
        self.resize(760, 600)

        self.heading = QLabel(self)
        self.heading.setObjectName("packHeading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.heading.setWordWrap(True)
        self.details = QLabel(self)
        self.details.setObjectName("packDetails")
        self.details.setWordWrap(True)

        # -- scanning -----------------------------------------------------------------------------
        self.scan_field = QLineEdit(self)
        self.scan_field.setObjectName("packScanField")
        self.scan_field.setPlaceholderText(self.tr("Scan each item as it goes into the parcel (Enter)"))
        self.scan_field.returnPressed.connect(self._on_scan_entered)
        self.quantity_field = QuantityField(self, "packQuantityField")
        self.quantity_field.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.quantity_field.setToolTip(self.tr("How many the next scan counts; back to 1 after it"))
        self.quantity_field.returnPressed.connect(self.focus_scan)
        quantity_label = QLabel(self.tr("&Quantity:"), self)
        quantity_label.setBuddy(self.quantity_field)
        self.message = MessageStrip(self, "packMessage")

        # -- lines ----------------------------------------------------------------------------------
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("packLinesTable")
        self.table.setHorizontalHeaderLabels([self.tr("SKU"), self.tr("Item"), self.tr("Ordered"),
                                              self.tr("Packed")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(70)

        self.status = QLabel(self)
        self.status.setObjectName("packStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setMinimumHeight(40)

        # -- the parcel -----------------------------------------------------------------------------
        self.parcel_group = QGroupBox(self.tr("Parcel"), self)
        self.parcel_group.setObjectName("parcelGroup")
        self.parcel_combo = QComboBox(self.parcel_group)
        self.parcel_combo.setObjectName("parcelTypeCombo")
        self.parcel_combo.currentIndexChanged.connect(self._parcel_chosen)
        self.length_field = self._mm_field("parcelLengthField")
        self.width_field = self._mm_field("parcelWidthField")
        self.height_field = self._mm_field("parcelHeightField")
        size_row = QHBoxLayout()
        for i, spin in enumerate((self.length_field, self.width_field, self.height_field)):
            if i:
                size_row.addWidget(QLabel("×", self.parcel_group))
            size_row.addWidget(spin)
        size_row.addWidget(QLabel(self.tr("mm"), self.parcel_group))
        size_row.addStretch(1)
        self.weight_field = QLineEdit(self.parcel_group)
        self.weight_field.setObjectName("weightField")
        self.weight_field.setPlaceholderText(self.tr("from the scale"))
        self.weight_field.setMinimumWidth(140)
        self.weight_field.setMaximumWidth(160)
        self.weight_field.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.weight_field.returnPressed.connect(self.finish)
        self.weight_unit = QComboBox(self.parcel_group)
        self.weight_unit.setObjectName("weightUnitCombo")
        self.weight_unit.addItem(self.tr("kg"), "kg")
        self.weight_unit.addItem(self.tr("g"), "g")
        self.tare_label = QLabel(self.parcel_group)
        self.tare_label.setObjectName("tareLabel")
        self.tare_label.setStyleSheet("color: #555;")
        weight_row = QHBoxLayout()
        weight_row.addWidget(self.weight_field)
        weight_row.addWidget(self.weight_unit)
        weight_row.addWidget(self.tare_label, 1)
        form = QFormLayout(self.parcel_group)
        form.addRow(self.tr("&Box:"), self.parcel_combo)
        form.addRow(self.tr("Size (L × W × H):"), size_row)
        weight_label = QLabel(self.tr("&Weight:"), self.parcel_group)
        weight_label.setBuddy(self.weight_field)
        form.addRow(weight_label, weight_row)

        # -- buttons --------------------------------------------------------------------------------
        self.finish_button = QPushButton(self.tr("&Finish packing"), self)
        self.finish_button.setObjectName("finishPackingButton")
        self.finish_button.setMinimumHeight(44)
        self.finish_button.setStyleSheet("QPushButton:enabled { font-weight: bold; color: #0a5c26; }")
        self.finish_button.clicked.connect(self.finish)
        self.restart_button = QPushButton(self.tr("&Start over…"), self)
        self.restart_button.setObjectName("restartPackingButton")
        self.restart_button.clicked.connect(self.start_over)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setObjectName("closePackButton")
        self.close_button.setToolTip(self.tr("What was scanned is kept; packing goes on where it stopped."))
        self.close_button.clicked.connect(self.reject)
        for button in (self.finish_button, self.restart_button, self.close_button):
            button.setAutoDefault(False)  # Enter belongs to the scan field

        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(quantity_label)
        scan_row.addWidget(self.quantity_field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restart_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.finish_button)
        root = QVBoxLayout(self)
        root.addWidget(self.heading)
        root.addWidget(self.details)
        root.addLayout(scan_row)
        root.addWidget(self.message)
        root.addWidget(self.table, 1)
        root.addWidget(self.status)
        root.addWidget(self.parcel_group)
        root.addLayout(buttons)

        # A scan typed while a line or a button has the focus still lands in the scan field.
        self.scan_router = ScanKeyRouter(self.scan_field, self._on_scan_entered, self)
        self.scan_router.watch((self.table, self.restart_button, self.close_button))

        self._load()

    # -- loading -----------------------------------------------------------------------------------
    def _mm_field(self, name: str) -> QSpinBox:
        spin = QSpinBox(self.parcel_group)
        spin.setObjectName(name)
        spin.setRange(0, 10_000)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.setMinimumWidth(80)
        return spin

    def _load(self) -> None:
        staff = self.ctx.require_staff()
        try:
            view = self.ctx.orders.get(staff, self.order_id)
            progress = self.ctx.fulfilment.pack_progress(staff, self.order_id)
            self.parcels = self.ctx.carriers.parcel_types()
        except ShopDeskError as err:
            self.scan_field.setEnabled(False)
            self.parcel_group.setEnabled(False)
            self.finish_button.setEnabled(False)
            self.restart_button.setEnabled(False)
            self.show_message(error_text(err), ERROR)
            return
        self.setWindowTitle(self.tr("Pack %1").replace("%1", view.number))
        self.heading.setText(self.tr("Packing %1").replace("%1", view.number))
        to = view.ship_to
        place = ", ".join(part for part in (to.name, to.city, to.country) if part)
        extra = [self.tr("to %1").replace("%1", place)]
        if view.shipping_method:
            extra.append(self.tr("shipping: %1").replace("%1", view.shipping_method))
        if view.cash_on_delivery:
            extra.append(self.tr("cash on delivery"))
        if view.note:
            extra.append(self.tr("note: %1").replace("%1", view.note))
        self.details.setText(" · ".join(extra))

        self.parcel_combo.blockSignals(True)
        for parcel in self.parcels:
            self.parcel_combo.addItem(self.tr("%1 (%2 × %3 × %4 mm)").replace("%1", parcel.name).replace(
                "%2", str(parcel.length_mm)).replace("%3", str(parcel.width_mm)).replace(
                "%4", str(parcel.height_mm)), parcel.parcel_type_id)
        self.parcel_combo.addItem(self.tr("Other packaging (type the size)"), None)
        self.parcel_combo.blockSignals(False)
        self._parcel_chosen(self.parcel_combo.currentIndex())

        self._show(progress)
        if view.state is not OrderState.PICKED:
            self.scan_field.setEnabled(False)
            self.quantity_field.setEnabled(False)
            self.restart_button.setEnabled(False)
            self.parcel_group.setEnabled(False)
            self.finish_button.setEnabled(False)
            self.show_message(self.tr("%1 is %2; only picked orders are packed.").replace("%1", view.number)
                              .replace("%2", QApplication.translate("orders", view.state.label).lower()), ERROR)
        elif progress.complete:
            self.show_message(self.tr("Everything is in the parcel: weigh it and finish packing."), SUCCESS)
        else:
            self.show_message(self.tr("Scan each item as it goes into the parcel."), INFO)

    def _parcel_chosen(self, index: int) -> None:
        parcel = self._parcel()
        if parcel is not None:
            self.length_field.setValue(parcel.length_mm)
            self.width_field.setValue(parcel.width_mm)
            self.height_field.setValue(parcel.height_mm)
            self.tare_label.setText(self.tr("the empty box weighs %1 g").replace("%1", str(parcel.tare_g))
                                    if parcel.tare_g else "")
        else:
            self.tare_label.setText("")

    def _parcel(self) -> Parcel | None:
        parcel_id = self.parcel_combo.currentData()
        return next((p for p in self.parcels if p.parcel_type_id == parcel_id), None)

    # -- showing progress -------------------------------------------------------------------------
    def show_message(self, text: str, kind: str = INFO) -> None:
        self.message.show_message(text, kind)

    def focus_scan(self) -> None:
        self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.progress is not None and self.progress.complete and self.parcel_group.isEnabled():
            self.weight_field.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.focus_scan()

    def _show(self, progress: PackProgress) -> None:
        self.progress = progress
        self.table.setRowCount(len(progress.lines))
        bold = QFont(self.table.font())
        bold.setBold(True)
        last_row = -1
        for row, line in enumerate(progress.lines):
            cells = (line.sku, line.name, format_quantity(line.quantity, self.locale),
                     format_quantity(line.packed, self.locale))
            colour = DONE_COLOUR if line.done else STARTED_COLOUR if line.packed > 0 else None
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if colour is not None:
                    item.setBackground(QBrush(colour))
                if line.line_id == progress.last_line_id:
                    item.setFont(bold)
                self.table.setItem(row, column, item)
            if line.line_id == progress.last_line_id:
                last_row = row
        if last_row >= 0:
            self.table.scrollToItem(self.table.item(last_row, 0))
        total = sum((line.quantity for line in progress.lines), Decimal(0))
        done = total - progress.items_left
        if progress.complete:
            self.status.setText(self.tr("✔ All items packed (%1)").replace("%1", format_quantity(total, self.locale)))
            self.status.setStyleSheet("QLabel { font-size: 15pt; font-weight: bold; color: #0a5c26;"
                                      " background: #e6f4ea; border-radius: 4px; }")
        else:
            self.status.setText(self.tr("%1 of %2 items packed — %3 to go").replace(
                "%1", format_quantity(done, self.locale)).replace("%2", format_quantity(total, self.locale)).replace(
                "%3", format_quantity(progress.items_left, self.locale)))
            self.status.setStyleSheet("QLabel { font-size: 13pt; color: #1a3d6d; }")
        self.parcel_group.setEnabled(progress.complete)
        self.finish_button.setEnabled(progress.complete)

    # -- scanning --------------------------------------------------------------------------------
    def _on_scan_entered(self) -> None:
        text = self.scan_field.text().strip()
        self.scan_field.clear()
        if not text:
            return
        prefix, code = split_quantity_prefix(text)
        try:
            quantity = parse_quantity(prefix or self.quantity_field.text(), self.locale)
            progress = self.ctx.fulfilment.pack_scan(self.ctx.require_staff(), self.order_id, code, quantity)
        except ShopDeskError as err:  # PackRefused (wrong item, too many) and the rest: nothing changed
            QApplication.beep()
            self.show_message(error_text(err), ERROR)
            self.focus_scan()
            return
        self.quantity_field.reset()
        self._show(progress)
        line = next((x for x in progress.lines if x.line_id == progress.last_line_id), None)
        if progress.complete:
            self.show_message(self.tr("All items packed. Choose the box, weigh the parcel and finish."), SUCCESS)
            self.weight_field.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if line is not None:
            self.show_message(self.tr("%1: %2 of %3 packed.").replace("%1", line.name).replace(
                "%2", format_quantity(line.packed, self.locale)).replace(
                "%3", format_quantity(line.quantity, self.locale)), SUCCESS)
        self.focus_scan()

    def start_over(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Start over"),
                          self.tr("Take everything out of the parcel and scan it again?"),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("restartPackingQuestion")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("&Start over"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        if box.exec() != QMessageBox.StandardButton.Yes:
            self.focus_scan()
            return
        try:
            progress = self.ctx.fulfilment.restart_packing(self.ctx.require_staff(), self.order_id)
        except ShopDeskError as err:
            self.show_message(error_text(err), ERROR)
            return
        self._show(progress)
        self.show_message(self.tr("The parcel is empty: scan every item again."), INFO)
        self.focus_scan()

    # -- finishing --------------------------------------------------------------------------------
    def finish(self) -> None:
        if self.progress is None or not self.progress.complete:
            self.show_message(self.tr("Scan every item into the parcel first."), ERROR)
            return
        try:
            weight = parse_weight(self.weight_field.text(), self.weight_unit.currentData(), self.locale)
        except ShopDeskError as err:
            QApplication.beep()
            self.show_message(error_text(err), ERROR)
            self.weight_field.setFocus(Qt.FocusReason.OtherFocusReason)
            self.weight_field.selectAll()
            return
        dims = (self.length_field.value(), self.width_field.value(), self.height_field.value())
        parcel = self._parcel()
        try:
            self.packed = self.ctx.fulfilment.complete_packing(
                self.ctx.require_staff(), self.order_id, parcel_type_id=parcel.parcel_type_id if parcel else None,
                weight_g=weight, dimensions_mm=dims if any(dims) else None)
        except ShopDeskError as err:
            self.show_message(error_text(err), ERROR)
            return
        self.accept()
