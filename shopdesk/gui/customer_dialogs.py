"""The customer at the counter: find one as you type (name, phone, e-mail), register a
new one, attach them to the sale or take them off; a strip under the cart shows who is
attached, their store credit and what they bought last."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError, ValidationError
from shopdesk.domain.money import format_money
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import move_in_results
from shopdesk.services.customers import (
    Customer,
    CustomerCard,
    CustomerDraft,
    CustomerHit,
    CustomerService,
)
from shopdesk.services.staff_session import StaffSession

SEARCH_DELAY_MS = 120
RESULTS_LIMIT = 30


def _local(when) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


class CustomerFormDialog(QDialog):
    """Register a customer (or correct one): name required, phone and e-mail checked."""

    def __init__(self, service: CustomerService, actor: Callable[[], StaffSession],
                 customer: Customer | None = None, initial: CustomerDraft | None = None, parent=None) -> None:
        super().__init__(parent)
        self.service, self.actor, self.customer = service, actor, customer
        self.customer_id: str | None = customer.id if customer else None
        self.setWindowTitle(self.tr("Edit customer") if customer else self.tr("New customer"))
        self.setMinimumWidth(420)
        start = customer or initial or CustomerDraft("")
        self.name = QLineEdit(start.name, self)
        self.name.setObjectName("customerName")
        self.phone = QLineEdit(start.phone, self)
        self.phone.setObjectName("customerPhone")
        self.email = QLineEdit(start.email, self)
        self.email.setObjectName("customerEmail")
        self.address = QPlainTextEdit(start.address, self)
        self.address.setObjectName("customerAddress")
        self.address.setMaximumHeight(70)
        self.note = QLineEdit(start.note, self)
        self.note.setObjectName("customerNote")
        self.error = QLabel(self)
        self.error.setObjectName("customerFormError")
        self.error.setStyleSheet("color:#8a0012; font-weight:bold;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Phone:"), self.phone)
        form.addRow(self.tr("&E-mail:"), self.email)
        form.addRow(self.tr("&Address:"), self.address)
        form.addRow(self.tr("N&ote:"), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        for field in (self.name, self.phone, self.email, self.note):
            field.returnPressed.connect(self.save)
        self.name.setFocus()

    def draft(self) -> CustomerDraft:
        return CustomerDraft(self.name.text(), self.phone.text(), self.email.text(),
                             self.address.toPlainText(), self.note.text())

    def save(self) -> None:
        try:
            if self.customer_id is None:
                self.customer_id = self.service.create(self.actor(), self.draft())
            else:
                self.service.update(self.actor(), self.customer_id, self.draft())
        except ValidationError as err:
            self.error.setText(error_text(err))
            field = {"name": self.name, "phone": self.phone, "email": self.email}.get(err.field)
            if field is not None:
                field.setFocus()
                field.selectAll()
            return
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        self.accept()


class CustomerDialog(QDialog):
    """Search as you type; Enter attaches the highlighted customer. ``chosen_id`` holds the
    customer to attach, ``detach`` says the cashier took the customer off the sale."""

    def __init__(self, service: CustomerService, actor: Callable[[], StaffSession], currency: str, locale: str,
                 current_id: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.service, self.actor, self.currency, self.locale = service, actor, currency, locale
        self.chosen_id: str | None = None
        self.detach = False
        self._searched: str | None = None
        self.setWindowTitle(self.tr("Customer"))
        self.resize(620, 460)
        self.query = QLineEdit(self)
        self.query.setObjectName("customerQuery")
        self.query.setPlaceholderText(self.tr("Name, phone number or e-mail"))
        self.results = QListWidget(self)
        self.results.setObjectName("customerResults")
        self.details = QLabel(self)
        self.details.setObjectName("customerDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setMinimumHeight(80)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.attach_button = QPushButton(self.tr("&Attach to sale"), self)
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setDefault(True)
        self.attach_button.clicked.connect(self.take_current)
        self.new_button = QPushButton(self.tr("&New customer…"), self)
        self.new_button.setObjectName("newCustomerButton")
        self.new_button.clicked.connect(self.new_customer)
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.edit_button.setObjectName("editCustomerButton")
        self.edit_button.clicked.connect(self.edit_customer)
        self.detach_button = QPushButton(self.tr("&Detach"), self)
        self.detach_button.setObjectName("detachButton")
        self.detach_button.setEnabled(current_id is not None)
        self.detach_button.clicked.connect(self.take_off)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        for button in (self.attach_button, self.new_button, self.edit_button, self.detach_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.details)
        layout.addWidget(buttons)

        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.query.textChanged.connect(lambda _text: self._timer.start())
        self.query.returnPressed.connect(self.take_current)
        self.query.installEventFilter(self)
        self.results.currentItemChanged.connect(lambda _now, _before: self._show_details())
        self.results.itemActivated.connect(lambda _item: self.take_current())
        self._show_details()
        self.query.setFocus()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.query and move_in_results(self.results, event):
            return True
        return super().eventFilter(watched, event)

    def refresh(self) -> None:
        self._timer.stop()
        self._searched = self.query.text()
        self.results.clear()
        for hit in self.service.search(self.query.text(), limit=RESULTS_LIMIT):
            contact = " · ".join(part for part in (hit.phone, hit.email) if part)
            item = QListWidgetItem(f"{hit.name}  ·  {contact}" if contact else hit.name)
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        self._show_details()

    def current_hit(self) -> CustomerHit | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _show_details(self) -> None:
        hit = self.current_hit()
        self.attach_button.setEnabled(hit is not None)
        self.edit_button.setEnabled(hit is not None)
        if hit is None:
            self.details.setText(self.tr("Type a name, phone number or e-mail to find the customer.")
                                 if not self.query.text().strip() else self.tr("No customer found."))
            return
        try:
            card = self.service.card(hit.id, recent=5)
        except ShopDeskError as err:
            self.details.setText(error_text(err))
            return
        self.details.setText(describe_card(card, self.currency, self.locale, self.tr))

    def take_current(self) -> None:
        if self.query.text() != self._searched:
            self.refresh()  # Enter before the type-ahead ran
        hit = self.current_hit()
        if hit is None:
            return
        self.chosen_id = hit.id
        self.accept()

    def take_off(self) -> None:
        self.detach = True
        self.accept()

    def _initial_draft(self) -> CustomerDraft:
        text = self.query.text().strip()
        if "@" in text:
            return CustomerDraft("", email=text)
        if text and not any(ch.isalpha() for ch in text):
            return CustomerDraft("", phone=text)
        return CustomerDraft(text)

    def new_customer(self) -> None:
        form = CustomerFormDialog(self.service, self.actor, initial=self._initial_draft(), parent=self)
        if form.exec() and form.customer_id is not None:
            self.chosen_id = form.customer_id  # a customer just registered is the one at the counter
            self.accept()

    def edit_customer(self) -> None:
        hit = self.current_hit()
        if hit is None:
            return
        try:
            customer = self.service.get(hit.id)
        except ShopDeskError as err:
            self.details.setText(error_text(err))
            return
        form = CustomerFormDialog(self.service, self.actor, customer=customer, parent=self)
        if form.exec():
            self.refresh()


def describe_card(card: CustomerCard, currency: str, locale: str, tr=lambda s: s) -> str:
    """Several lines about a customer: contact, store credit, recent purchases."""
    c = card.customer
    lines = [" · ".join(part for part in (c.name, c.phone, c.email) if part)]
    if c.note:
        lines.append(c.note)
    lines.append(tr("Store credit: %1").replace("%1", format_money(card.store_credit, currency, locale)))
    if card.recent:
        lines.append(tr("Recent purchases:"))
        for p in card.recent:
            lines.append(f"  {p.receipt_number}  {_local(p.completed_at)}  "
                         f"{format_money(p.total, p.currency, locale)}  {p.description}")
    else:
        lines.append(tr("No purchases yet."))
    return "\n".join(lines)


class CustomerStrip(QLabel):
    """One line under the cart: the attached customer, store credit, last purchase; the
    recent purchases in its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerLabel")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet("QLabel { padding: 4px; }")
        self.show_card(None, "", "")

    def show_card(self, card: CustomerCard | None, currency: str, locale: str) -> None:
        if card is None:
            self.setText(self.tr("No customer attached (F5 to find one)."))
            self.setToolTip("")
            return
        text = self.tr("Customer: %1 · store credit %2").replace("%1", card.customer.name).replace(
            "%2", format_money(card.store_credit, currency, locale))
        if card.recent:
            last = card.recent[0]
            text += " · " + self.tr("last: %1 %2").replace("%1", last.completed_at.astimezone().strftime(
                "%Y-%m-%d")).replace("%2", format_money(last.total, last.currency, locale))
        self.setText(text)
        self.setToolTip(describe_card(card, currency, locale, self.tr))
