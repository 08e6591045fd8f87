"""Settings › Carriers: who the shop ships with, how their tracking numbers look, where
they are tracked, and the post's own S10 numbers."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import ERROR, INFO, SUCCESS, MessageStrip
from shopdesk.services.carriers import Carrier, CarrierDraft


class CarrierForm(QDialog):
    """One carrier's profile; OK saves it through the service (errors keep the form open)."""

    def __init__(self, ctx: AppContext, carrier: Carrier | None, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.carrier = ctx, carrier
        self.setWindowTitle(self.tr("Carrier") if carrier is None else carrier.name)
        self.code = QLineEdit(self)
        self.code.setObjectName("carrierCode")
        self.name = QLineEdit(self)
        self.name.setObjectName("carrierName")
        self.services = QPlainTextEdit(self)
        self.services.setObjectName("carrierServices")
        self.services.setPlaceholderText(self.tr("One service per line, e.g. Tracked 48"))
        self.services.setMaximumHeight(80)
        self.pattern = QLineEdit(self)
        self.pattern.setObjectName("trackingPattern")
        self.pattern.setPlaceholderText(self.tr(r"e.g. 1Z[0-9A-Z]{16}  (empty: any)"))
        self.url = QLineEdit(self)
        self.url.setObjectName("trackingUrl")
        self.url.setPlaceholderText("https://carrier.example/track?number={tracking}")
        self.s10 = QCheckBox(self.tr("UPU S10 numbers (checked, or made here)"), self)
        self.s10.setObjectName("s10Check")
        self.s10_service = QLineEdit(self)
        self.s10_service.setObjectName("s10Service")
        self.s10_service.setMaxLength(2)
        self.s10_country = QLineEdit(self)
        self.s10_country.setObjectName("s10Country")
        self.s10_country.setMaxLength(2)
        self.active = QCheckBox(self.tr("In use"), self)
        self.active.setChecked(True)
        self.message = MessageStrip(self, "carrierMessage")
        self.message.hide()
        form = QFormLayout()
        form.addRow(self.tr("Code:"), self.code)
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Services:"), self.services)
        form.addRow(self.tr("Tracking number pattern:"), self.pattern)
        form.addRow(self.tr("Tracking page:"), self.url)
        form.addRow("", self.s10)
        form.addRow(self.tr("S10 service letters:"), self.s10_service)
        form.addRow(self.tr("S10 country:"), self.s10_country)
        form.addRow("", self.active)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.fields = {"code": self.code, "name": self.name, "tracking_pattern": self.pattern,
                       "tracking_url_template": self.url, "s10_service": self.s10_service,
                       "s10_country": self.s10_country}
        self.s10.toggled.connect(self._s10_toggled)
        if carrier is not None:
            self.code.setText(carrier.code)
            self.name.setText(carrier.name)
            self.services.setPlainText("\n".join(carrier.services))
            self.pattern.setText(carrier.tracking_pattern)
            self.url.setText(carrier.tracking_url_template)
            self.s10.setChecked(carrier.s10)
            self.s10_service.setText(carrier.s10_service)
            self.s10_country.setText(carrier.s10_country)
            self.active.setChecked(carrier.active)
        self._s10_toggled(self.s10.isChecked())
        self.setMinimumWidth(520)

    def _s10_toggled(self, on: bool) -> None:
        self.s10_service.setEnabled(on)
        self.s10_country.setEnabled(on)

    def draft(self) -> CarrierDraft:
        return CarrierDraft(
            code=self.code.text(), name=self.name.text(), services=tuple(self.services.toPlainText().splitlines()),
            tracking_pattern=self.pattern.text(), tracking_url_template=self.url.text(), s10=self.s10.isChecked(),
            s10_service=self.s10_service.text(), s10_country=self.s10_country.text(), active=self.active.isChecked())

    def save(self) -> None:
        try:
            self.saved = self.ctx.carriers.save(self.ctx.require_staff(), self.draft(),
                                                self.carrier.carrier_id if self.carrier else None)
        except ShopDeskError as err:
            self.message.show()
            self.message.show_message(error_text(err), ERROR)
            widget = self.fields.get(getattr(err, "field", ""))
            if widget is not None:
                widget.setFocus()
            return
        self.accept()


class CarriersDialog(QDialog):
    """The list of carrier profiles with Add and Edit."""

    COLUMNS = 5

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Carriers"))
        self.table = QTableWidget(self)
        self.table.setObjectName("carriersTable")
        self.table.setColumnCount(self.COLUMNS)
        self.table.setHorizontalHeaderLabels([self.tr("Code"), self.tr("Name"), self.tr("Services"),
                                              self.tr("Tracking numbers"), self.tr("In use")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        self.add_button = QPushButton(self.tr("&Add…"), self)
        self.add_button.setObjectName("addCarrierButton")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.edit_button.setObjectName("editCarrierButton")
        self.edit_button.clicked.connect(self.edit)
        self.message = MessageStrip(self, "carriersMessage")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.resize(760, 360)
        self.reload()
        self.message.show_message(self.tr("Tracking pages use {tracking} where the number goes."), INFO)

    def reload(self) -> None:
        self.rows = self.ctx.carriers.carriers(active_only=False)
        self.table.setRowCount(len(self.rows))
        for r, c in enumerate(self.rows):
            numbers = self.tr("S10 %1…%2").replace("%1", c.s10_service or "??").replace("%2", c.s10_country or "??") \
                if c.s10 else (c.tracking_pattern or self.tr("any"))
            for col, text in enumerate((c.code, c.name, ", ".join(c.services), numbers,
                                        self.tr("yes") if c.active else self.tr("no"))):
                self.table.setItem(r, col, QTableWidgetItem(text))

    def add(self) -> None:
        self._open(None)

    def edit(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.message.show_message(self.tr("Select a carrier first."), ERROR)
            return
        self._open(self.rows[rows[0].row()])

    def _open(self, carrier: Carrier | None) -> None:
        form = CarrierForm(self.ctx, carrier, self)
        if form.exec():
            self.reload()
            self.message.show_message(self.tr("%1 saved.").replace("%1", form.saved.name), SUCCESS)
