"""Store settings for owners: the shop's details on receipts and the receipt printer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money
from shopdesk.gui.background import run_in_background
from shopdesk.gui.context import AppContext
from shopdesk.gui.forms import load_form
from shopdesk.gui.messages import error_text
from shopdesk.services.store_settings import (
    CASH_ROUNDING_STEPS,
    set_logo,
    store_info,
    store_logo,
    update_store,
)
from shopdesk.services.tender_settings import list_tender_types, save_tender_type

TENDER_COLUMNS = ("name", "kind", "active", "opens_drawer", "needs_reference")

ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #0a5c26;"


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Store settings"))
        form = load_form("settings_dialog", self)
        self.name: QLineEdit = form.findChild(QLineEdit, "nameEdit")
        self.address: QPlainTextEdit = form.findChild(QPlainTextEdit, "addressEdit")
        self.tax_id: QLineEdit = form.findChild(QLineEdit, "taxIdEdit")
        self.footer: QPlainTextEdit = form.findChild(QPlainTextEdit, "footerEdit")
        self.printer: QLineEdit = form.findChild(QLineEdit, "printerEdit")
        self.status: QLabel = form.findChild(QLabel, "errorLabel")
        self.test_button: QPushButton = form.findChild(QPushButton, "testPrintButton")
        self.rounding: QComboBox = form.findChild(QComboBox, "cashRoundingCombo")
        self.tenders: QTableWidget = form.findChild(QTableWidget, "tendersTable")
        self.add_tender_button: QPushButton = form.findChild(QPushButton, "addTenderButton")
        self.logo_preview: QLabel = form.findChild(QLabel, "logoPreview")
        self.choose_logo_button: QPushButton = form.findChild(QPushButton, "chooseLogoButton")
        self.remove_logo_button: QPushButton = form.findChild(QPushButton, "removeLogoButton")
        self.fields = {"name": self.name, "address": self.address, "tax_id": self.tax_id,
                       "receipt_footer": self.footer, "receipt_printer": self.printer}
        info = store_info(ctx.db)
        self.name.setText(info.name)
        self.address.setPlainText(info.address)
        self.tax_id.setText(info.tax_id)
        self.footer.setPlainText(info.receipt_footer)
        self.printer.setText(info.receipt_printer)
        for step in CASH_ROUNDING_STEPS:
            label = self.tr("No rounding") if step == 0 else self.tr("To %1").replace(
                "%1", format_money(step, info.currency, info.locale))
            self.rounding.addItem(label, step)
        self.rounding.setCurrentIndex(max(self.rounding.findData(info.cash_rounding_step), 0))
        self.fields["cash_rounding_step"] = self.rounding
        self.fields["logo"] = self.choose_logo_button
        # The logo changes on Save, like everything else here: None = unchanged.
        self._new_logo: bytes | None = None
        self._logo_changed = False
        self._show_logo(store_logo(ctx.db))
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button.clicked.connect(self.remove_logo)
        self.tenders.setColumnCount(len(TENDER_COLUMNS))
        self.tenders.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Kind"), self.tr("Offered"),
                                                self.tr("Opens drawer"), self.tr("Needs reference")])
        self.tenders.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.tenders.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setMinimumWidth(640)  # the ways-to-pay table needs its five columns side by side
        self.tenders.verticalHeader().hide()
        self._load_tenders()
        self.add_tender_button.clicked.connect(self.add_tender)
        buttons: QDialogButtonBox = form.findChild(QDialogButtonBox, "buttons")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(self.test_print)

    def _say(self, text: str, ok: bool) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)

    def _show_logo(self, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.logo_preview.setPixmap(pixmap.scaled(
                self.logo_preview.maximumSize(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
            self.remove_logo_button.setEnabled(True)
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(self.tr("No logo"))
            self.remove_logo_button.setEnabled(False)

    def has_logo_preview(self) -> bool:
        pixmap = self.logo_preview.pixmap()
        return pixmap is not None and not pixmap.isNull()

    def choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the receipt logo"), "",
            self.tr("Pictures (*.png *.jpg *.jpeg *.webp *.gif)"))
        if not path:
            return
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as err:
            self._say(self.tr("Cannot read %1: %2").replace("%1", path).replace("%2", err.strerror or str(err)),
                      ok=False)
            return
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            self._say(self.tr("%1 is not a picture ShopDesk can read (use PNG, JPEG, WebP or GIF).")
                      .replace("%1", path), ok=False)
            return
        self._new_logo, self._logo_changed = data, True
        self._show_logo(data)
        self._say(self.tr("The logo is used once you save."), ok=True)

    def remove_logo(self) -> None:
        self._new_logo, self._logo_changed = None, True
        self._show_logo(None)

    def _load_tenders(self) -> None:
        # Ticks not saved yet survive a reload (e.g. after adding a way to pay).
        pending = {t.code: (self._checked(r, 2), self._checked(r, 3), self._checked(r, 4))
                   for r, t in enumerate(getattr(self, "_tender_rows", []))}
        self._tender_rows = list_tender_types(self.ctx.db)
        self.tenders.setRowCount(len(self._tender_rows))
        for row, t in enumerate(self._tender_rows):
            ticks = pending.get(t.code, (t.active, t.opens_drawer, t.needs_reference))
            name = QTableWidgetItem(t.name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.tenders.setItem(row, 0, name)
            kind = QTableWidgetItem(t.kind)
            kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.tenders.setItem(row, 1, kind)
            for col, value in zip((2, 3, 4), ticks, strict=True):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
                self.tenders.setItem(row, col, item)

    def _checked(self, row: int, col: int) -> bool:
        return self.tenders.item(row, col).checkState() == Qt.CheckState.Checked

    def add_tender(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add a way to pay"),
                                        self.tr("Name (e.g. Gift card, Meal voucher):"))
        if not ok or not name.strip():
            return
        kind, ok = QInputDialog.getItem(self, self.tr("Add a way to pay"), self.tr("Kind:"),
                                        ["other", "card", "cash", "store_credit"], 0, False)
        if not ok:
            return
        code = "_".join("".join(c if c.isalnum() else " " for c in name.lower()).split())[:32] or "tender"
        try:
            save_tender_type(self.ctx.db, self.ctx.require_staff(), code, name, kind,
                             opens_drawer=kind in ("cash", "other"), needs_reference=kind != "cash")
        except ShopDeskError as err:
            self._say(error_text(err), ok=False)
            return
        self._load_tenders()
        self._say(self.tr("%1 added.").replace("%1", name.strip()), ok=True)

    def save(self) -> None:
        staff = self.ctx.require_staff()
        try:
            for row, t in enumerate(self._tender_rows):
                changed = (self._checked(row, 2), self._checked(row, 3), self._checked(row, 4))
                if changed != (t.active, t.opens_drawer, t.needs_reference):
                    save_tender_type(self.ctx.db, staff, t.code, t.name, t.kind, active=changed[0],
                                     opens_drawer=changed[1], needs_reference=changed[2])
            if self._logo_changed:
                set_logo(self.ctx.db, staff, self._new_logo)
                self._logo_changed = False
            update_store(
                self.ctx.db, staff, name=self.name.text(),
                address=self.address.toPlainText(), tax_id=self.tax_id.text(),
                receipt_footer=self.footer.toPlainText(), receipt_printer=self.printer.text(),
                cash_rounding_step=self.rounding.currentData(),
            )
        except ShopDeskError as err:
            self._say(error_text(err), ok=False)
            widget = self.fields.get(getattr(err, "field", ""))
            if widget is not None:
                widget.setFocus()
            return
        self.ctx.reload_store()
        self.accept()

    def test_print(self) -> None:
        spec = self.printer.text()
        self.test_button.setEnabled(False)
        self._say(self.tr("Printing a test receipt…"), ok=True)

        def done(_result) -> None:
            self.test_button.setEnabled(True)
            self._say(self.tr("The test receipt was sent to the printer."), ok=True)

        def failed(err: Exception) -> None:
            self.test_button.setEnabled(True)
            self._say(error_text(err) if isinstance(err, ShopDeskError) else str(err), ok=False)

        run_in_background(lambda: self.ctx.receipts.print_test(spec), done, failed)
