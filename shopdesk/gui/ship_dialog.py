"""Handing a packed parcel to a carrier: the carrier, its service and the tracking number.

The tracking number is scanned from the carrier's label (Enter ships) or typed; for a
carrier that numbers parcels here (UPU S10, such as the post) it may be left empty, and the
service makes the next number of the carrier's range. A refusal (a number in the wrong
format, one already on another order, an unpaid order) is shown in the dialog, naming the
problem, and the dialog stays open. Once shipped, the dialog offers the 4×6 label as a PDF.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import ERROR, INFO, SUCCESS, MessageStrip
from shopdesk.services.carriers import Carrier


# -- where printed documents go, shared with the fulfilment window ----------------------------------
def documents_dir() -> Path:
    """A folder for documents that are printed from the viewer, not kept (pick lists, labels)."""
    folder = Path(tempfile.gettempdir()) / "shopdesk-documents"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_document(path: str | Path) -> None:
    """Open a saved document in the system's viewer, from which it is printed."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def printed_words(defaults: dict[str, str]) -> dict[str, str]:
    """A shipping document's printed words (its ``DEFAULT_LABELS``) in the app's language."""
    return {key: QCoreApplication.translate("shipping", text) for key, text in defaults.items()}


def weight_text(grams: int) -> str:
    return f"{grams / 1000:.3f}".rstrip("0").rstrip(".") + " kg" if grams >= 1000 else f"{grams} g"


class ShipDialog(QDialog):
    """Ship one packed order: ``shipped`` holds the OrderView afterwards."""

    def __init__(self, ctx: AppContext, order_id: str, parent: QWidget | None = None, *,
                 opener: Callable[[str], None] | None = None, documents: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.order_id = order_id
        self.opener = opener or open_document
        self.documents = documents  # None: a temporary folder
        self.label_path: str | None = None  # where the label goes; None: <documents>/label-<number>.pdf
        self.shipped = None
        self.label_saved: str | None = None
        self.carriers: list[Carrier] = []
        self.setObjectName("shipDialog")
        self.setWindowTitle(self.tr("Ship order"))
        self.setMinimumWidth(640)  # labels, the tracking field and its button side by side

        self.heading = QLabel(self)
        self.heading.setObjectName("shipHeading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.details = QLabel(self)
        self.details.setObjectName("shipDetails")
        self.details.setWordWrap(True)

        self.carrier_combo = QComboBox(self)
        self.carrier_combo.setObjectName("carrierCombo")
        self.carrier_combo.currentIndexChanged.connect(self._carrier_chosen)
        self.service_combo = QComboBox(self)
        self.service_combo.setObjectName("serviceCombo")
        self.tracking_field = QLineEdit(self)
        self.tracking_field.setObjectName("trackingField")
        self.tracking_field.setMinimumWidth(260)
        self.generate_button = QPushButton(self.tr("&Generate number && ship"), self)
        self.generate_button.setObjectName("generateTrackingButton")
        self.generate_button.setAutoDefault(False)
        self.generate_button.setToolTip(self.tr("Take the next S10 number of the carrier's range and ship"))
        self.generate_button.clicked.connect(self.ship_with_new_number)
        self.hint = QLabel(self)
        self.hint.setObjectName("trackingHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self.message = MessageStrip(self, "shipMessage")
        self.message.hide()

        self.ship_button = QPushButton(self.tr("&Ship"), self)
        self.ship_button.setObjectName("shipButton")
        self.ship_button.setDefault(True)  # a scanned label (code + Enter) ships
        self.ship_button.setMinimumHeight(36)
        self.ship_button.clicked.connect(self.ship)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setObjectName("cancelShipButton")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)

        carrier_label = QLabel(self.tr("&Carrier:"), self)
        carrier_label.setBuddy(self.carrier_combo)
        service_label = QLabel(self.tr("Ser&vice:"), self)
        service_label.setBuddy(self.service_combo)
        tracking_label = QLabel(self.tr("&Tracking number:"), self)
        tracking_label.setBuddy(self.tracking_field)
        tracking_row = QHBoxLayout()
        tracking_row.addWidget(self.tracking_field, 1)
        tracking_row.addWidget(self.generate_button)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)  # labels stay whole, left of their fields
        form.addRow(carrier_label, self.carrier_combo)
        form.addRow(service_label, self.service_combo)
        form.addRow(tracking_label, tracking_row)
        form.addRow("", self.hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ship_button)
        root = QVBoxLayout(self)
        root.addWidget(self.heading)
        root.addWidget(self.details)
        root.addLayout(form)
        root.addWidget(self.message)
        root.addStretch(1)
        root.addLayout(buttons)

        self._load()
        self.tracking_field.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- loading ---------------------------------------------------------------------------------
    def _load(self) -> None:
        staff = self.ctx.require_staff()
        try:
            view = self.ctx.orders.get(staff, self.order_id)
            self.carriers = self.ctx.carriers.carriers()
        except ShopDeskError as err:
            self._refuse(error_text(err))
            self.ship_button.setEnabled(False)
            return
        self.number = view.number
        self.setWindowTitle(self.tr("Ship %1").replace("%1", view.number))
        self.heading.setText(self.tr("Shipping %1").replace("%1", view.number))
        to = view.ship_to
        parts = [self.tr("to %1").replace("%1", ", ".join(p for p in (to.name, to.city, to.country) if p))]
        if view.weight_g:
            parts.append(weight_text(view.weight_g))
        if view.shipping_method:
            parts.append(self.tr("the customer chose: %1").replace("%1", view.shipping_method))
        if view.cash_on_delivery and view.due > 0:
            from shopdesk.domain.money import format_money

            parts.append(self.tr("cash on delivery: %1").replace(
                "%1", format_money(view.due, view.currency, self.ctx.store.locale)))
        self.details.setText(" · ".join(parts))

        wanted = view.shipping_method.strip().lower()
        chosen = 0
        for i, carrier in enumerate(self.carriers):
            self.carrier_combo.addItem(carrier.name, carrier.carrier_id)
            if wanted and any(s.lower() == wanted for s in carrier.services) and not chosen:
                chosen = i
        self._preferred_service = wanted
        if not self.carriers:
            self._refuse(self.tr("No carrier is set up; add one in the store settings."))
            self.ship_button.setEnabled(False)
            return
        self.carrier_combo.setCurrentIndex(chosen)
        self._carrier_chosen(chosen)

    def carrier(self) -> Carrier | None:
        index = self.carrier_combo.currentIndex()
        return self.carriers[index] if 0 <= index < len(self.carriers) else None

    def _carrier_chosen(self, _index: int) -> None:
        carrier = self.carrier()
        self.service_combo.clear()
        if carrier is None:
            return
        for service in carrier.services:
            self.service_combo.addItem(service, service)
        if not carrier.services:
            self.service_combo.addItem(self.tr("(no services)"), "")
        wanted = getattr(self, "_preferred_service", "")
        index = next((i for i, s in enumerate(carrier.services) if s.lower() == wanted), 0)
        self.service_combo.setCurrentIndex(index)
        self.service_combo.setEnabled(bool(carrier.services))
        self.generate_button.setEnabled(carrier.makes_numbers)
        if carrier.makes_numbers:
            self.tracking_field.setPlaceholderText(self.tr("Empty: a new S10 number is made"))
            self.hint.setText(self.tr("%1 numbers its parcels here (S10, such as RR123456785GB): scan a "
                                      "pre-printed label, or leave the number empty.").replace("%1", carrier.name))
        else:
            self.tracking_field.setPlaceholderText(self.tr("Scan the carrier's label"))
            self.hint.setText(self.tr("Scan or type the tracking number from %1's label.").replace(
                "%1", carrier.name))
        self.message.hide()

    # -- shipping --------------------------------------------------------------------------------
    def _refuse(self, text: str) -> None:
        self.message.show_message(text, ERROR)
        self.message.show()

    def ship_with_new_number(self) -> None:
        self.tracking_field.clear()
        self.ship()

    def ship(self) -> None:
        if self.shipped is not None:
            return
        carrier = self.carrier()
        if carrier is None:
            self._refuse(self.tr("Choose the carrier the parcel goes with."))
            return
        number = self.tracking_field.text().strip()
        if not number and not carrier.makes_numbers:
            QApplication.beep()
            self._refuse(self.tr("%1 numbers its parcels itself: scan or type the tracking number from its "
                                 "label.").replace("%1", carrier.name))
            self.tracking_field.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        try:
            self.shipped = self.ctx.fulfilment.ship(self.ctx.require_staff(), self.order_id, carrier.carrier_id,
                                                    self.service_combo.currentData() or "", number)
        except ShopDeskError as err:
            QApplication.beep()
            self._refuse(error_text(err))
            self.tracking_field.setFocus(Qt.FocusReason.OtherFocusReason)
            self.tracking_field.selectAll()
            return
        self.tracking_field.setText(self.shipped.tracking_number)
        for widget in (self.carrier_combo, self.service_combo, self.tracking_field, self.generate_button,
                       self.ship_button):
            widget.setEnabled(False)
        self.cancel_button.setText(self.tr("Close"))
        self.message.show_message(self.tr("%1 shipped with %2, tracking number %3.").replace(
            "%1", self.shipped.number).replace("%2", carrier.name).replace("%3", self.shipped.tracking_number),
            SUCCESS)
        self.message.show()
        if self._ask_print() and not self.print_label():
            return  # the problem is shown; the order is shipped all the same
        self.accept()

    def _ask_print(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Shipping label"),
                          self.tr("%1 is shipped, tracking number %2. Print its label (4×6 in) now?").replace(
                              "%1", self.shipped.number).replace("%2", self.shipped.tracking_number),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("printLabelQuestion")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("&Print label"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("&Not now"))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        return box.exec() == QMessageBox.StandardButton.Yes

    def print_label(self) -> bool:
        """The shipped parcel's 4×6 label as a PDF, opened for printing; False when it failed."""
        from shopdesk.printing.shipping_labels import DEFAULT_LABELS, render_shipping_labels

        path = Path(self.label_path) if self.label_path else (
            (self.documents or documents_dir()) / f"label-{self.shipped.number}.pdf")
        try:
            labels = self.ctx.fulfilment.label_data([self.order_id])
            render_shipping_labels(labels, path, size="4x6", words=printed_words(DEFAULT_LABELS))
        except Exception as err:  # a printing problem must not hide that the parcel was shipped
            text = error_text(err) if isinstance(err, ShopDeskError) else str(err)
            self._refuse(self.tr("Shipped, but the label could not be made: %1").replace("%1", text))
            return False
        self.label_saved = str(path)
        self.message.show_message(self.tr("Label saved to %1.").replace("%1", str(path)), INFO)
        self.opener(str(path))
        return True
