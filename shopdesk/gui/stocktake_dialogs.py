"""Dialogs of the stocktake screen: starting a count, and resolving unknown codes."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.permissions import Permission
from shopdesk.domain.quantity import format_quantity
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.product_picker import ProductPicker
from shopdesk.services.stock_locations import LocationService
from shopdesk.services.stocktake import CYCLE, FULL, StocktakeService, StocktakeSpec
from shopdesk.services.stocktake_review import StocktakeReview


class NewStocktakeDialog(QDialog):
    """Where and what to count; ``stocktake_id`` is set once the count has started."""

    def __init__(self, ctx: AppContext, service: StocktakeService, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.service = ctx, service
        self.stocktake_id: str | None = None
        self.setWindowTitle(self.tr("New stocktake"))

        self.location = QComboBox(self)
        self.location.setObjectName("locationCombo")
        for loc in LocationService(ctx.db).list_locations(kinds=["internal"]):
            self.location.addItem(f"{loc.code} — {loc.name}", loc.code)
        self.full = QRadioButton(self.tr("&Full count of the location"), self)
        self.full.setChecked(True)
        self.cycle = QRadioButton(self.tr("&Cycle count of part of it"), self)
        self.category = QComboBox(self)
        self.category.setObjectName("categoryCombo")
        self.category.addItem(self.tr("(any category)"), None)
        for cid, path in ctx.catalog.categories():
            self.category.addItem(path, cid)
        self.bin_prefix = QLineEdit(self)
        self.bin_prefix.setObjectName("binPrefix")
        self.bin_prefix.setPlaceholderText(self.tr("e.g. A3 for bins A3-01, A3-02, …"))
        self.days = QSpinBox(self)
        self.days.setObjectName("notCountedDays")
        self.days.setRange(0, 3650)
        self.days.setSpecialValueText(self.tr("(any)"))
        self.days.setSuffix(self.tr(" days"))
        self.blind = QCheckBox(self.tr("&Blind count (counters do not see expected quantities)"), self)
        self.blind.setObjectName("blindCheck")
        self.note = QLineEdit(self)
        self.error = QLabel(self)
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#8a0012;")

        form = QFormLayout()
        form.addRow(self.tr("Location:"), self.location)
        form.addRow(self.full)
        form.addRow(self.cycle)
        form.addRow(self.tr("Category:"), self.category)
        form.addRow(self.tr("Bin/aisle starts with:"), self.bin_prefix)
        form.addRow(self.tr("Not counted for:"), self.days)
        form.addRow(self.blind)
        form.addRow(self.tr("Note:"), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Start counting"))
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.full.toggled.connect(self._scope_changed)
        self._scope_changed()

    def _scope_changed(self) -> None:
        for widget in (self.category, self.bin_prefix, self.days):
            widget.setEnabled(self.cycle.isChecked())

    def start(self) -> None:
        cycle = self.cycle.isChecked()
        spec = StocktakeSpec(
            location_code=self.location.currentData() or "",
            scope=CYCLE if cycle else FULL,
            category_id=self.category.currentData() if cycle else None,
            bin_prefix=self.bin_prefix.text() if cycle else "",
            not_counted_days=(self.days.value() or None) if cycle else None,
            blind=self.blind.isChecked(),
            note=self.note.text().strip(),
        )
        try:
            self.stocktake_id = self.service.start(self.ctx.require_staff(), spec)
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        self.accept()


class UnknownCodesDialog(QDialog):
    """Codes scanned during the count that matched no product: link each to a product
    (optionally adding the code as its barcode) or, as a manager, dismiss it."""

    def __init__(self, ctx: AppContext, service: StocktakeService, review: StocktakeReview, stocktake_id: str,
                 parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.service, self.review, self.stocktake_id = ctx, service, review, stocktake_id
        self.changed = False
        self.setWindowTitle(self.tr("Unknown codes"))
        self.resize(640, 360)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("unknownTable")
        self.table.setHorizontalHeaderLabels([self.tr("Code"), self.tr("Quantity"), self.tr("Zone"),
                                              self.tr("Scanned by"), self.tr("Time")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.add_barcode = QCheckBox(self.tr("Also make the code the product's &barcode"), self)
        self.add_barcode.setObjectName("addBarcodeCheck")
        staff = ctx.require_staff()
        self.add_barcode.setEnabled(staff.can(Permission.MANAGE_CATALOG))
        self.add_barcode.setChecked(staff.can(Permission.MANAGE_CATALOG))
        self.link_button = QPushButton(self.tr("&Link to product…"), self)
        self.link_button.setObjectName("linkButton")
        self.link_button.clicked.connect(self.link_selected)
        self.dismiss_button = QPushButton(self.tr("&Dismiss"), self)
        self.dismiss_button.setObjectName("dismissButton")
        self.dismiss_button.setEnabled(staff.can(Permission.APPROVE_STOCKTAKE))
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#8a0012;")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.add_barcode)
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        self.codes = self.review.unknown_codes(self.stocktake_id)
        self.table.setRowCount(len(self.codes))
        for row, code in enumerate(self.codes):
            cells = [code.code, format_quantity(code.quantity, self.ctx.store.locale), code.zone, code.scanned_by,
                     code.scanned_at.astimezone().strftime("%H:%M:%S")]
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        if self.codes:
            self.table.selectRow(0)

    def _selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.codes[rows[0].row()] if rows else None

    def link_selected(self, product_id: str | None = None) -> None:
        code = self._selected()
        if code is None:
            return
        if not product_id:
            picker = ProductPicker(self.ctx.search, self.ctx.store.currency, self.ctx.store.locale, "", self)
            if not picker.exec() or picker.chosen is None:
                return
            product_id = picker.chosen.product_id
        self._apply(lambda: self.service.resolve_unknown(self.ctx.require_staff(), code.id, product_id,
                                                         add_barcode=self.add_barcode.isChecked()))

    def dismiss_selected(self) -> None:
        code = self._selected()
        if code is not None:
            self._apply(lambda: self.service.dismiss_unknown(self.ctx.require_staff(), code.id))

    def _apply(self, action) -> None:
        try:
            action()
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        self.error.clear()
        self.changed = True
        self.reload()
