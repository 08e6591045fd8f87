"""Taking payment: one or several tenders (cash, card, voucher, transfer, store credit).

The fast path stays one keystroke: the amount field holds the exact cash due, so Enter
completes an exact-cash sale. To split, type an amount and press a tender button: the
tender joins the list (removable until the sale completes) and the amount field offers
what is still due in cash. A card asks for the terminal's approval code and card type, or
records that the terminal declined. Enter (or F12, or "Complete sale") completes the sale
with every tender at once; the service refuses a short payment and then nothing is written.

With a negative total (a return) the dialog pays back: amounts are typed and shown as
positive "to pay back" figures and handed to the service as negative tenders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.cash import quick_cash_amounts
from shopdesk.domain.errors import ShopDeskError, ValidationError
from shopdesk.domain.money import format_amount, format_money, parse_money
from shopdesk.domain.tenders import CASH, TenderInput, round_cash, settle
from shopdesk.gui.forms import load_form
from shopdesk.gui.messages import error_text
from shopdesk.services.payments import SaleResult, Tender

# code → (name, kind, opens_drawer, needs_reference), as payments.tender_types gives them
TenderTypes = Mapping[str, tuple[str, str, bool, bool]]
CASH_ONLY: dict[str, tuple[str, str, bool, bool]] = {CASH: ("Cash", CASH, True, False)}
CARD_TYPES = ("", "VISA", "Mastercard", "Maestro", "American Express", "UnionPay", "JCB", "Discover")


class PaymentDialog(QDialog):
    """``complete(tenders)`` completes the sale (e.g. ``PaymentService.pay``) or raises;
    ``declined(code, amount, reason)`` records a refused card payment (optional)."""

    def __init__(self, total: int, currency: str, locale: str,
                 complete: Callable[[list[Tender]], SaleResult], *,
                 tender_types: TenderTypes | None = None, rounding_step: int = 0,
                 customer_attached: bool = False, suggested: Sequence[Tender] = (),
                 declined: Callable[[str, int, str], None] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.total, self.currency, self.locale = total, currency, locale
        self.complete, self.declined = complete, declined
        self.types = dict(tender_types or CASH_ONLY)
        if CASH not in self.types:
            self.types = {CASH: CASH_ONLY[CASH], **self.types}
        self.step = rounding_step
        self.customer_attached = customer_attached
        self.sign = -1 if total < 0 else 1
        self.refund = total < 0
        self.rows: list[Tender] = []
        self.current = CASH  # the tender the amount field is for
        self.pending: Tender | None = None  # a tender waiting for its approval code / reference
        self.result_sale: SaleResult | None = None
        self.setWindowTitle(self.tr("Pay back") if self.refund else self.tr("Payment"))
        self.setMinimumWidth(520)

        form = load_form("payment_dialog", self)
        self.due: QLabel = form.findChild(QLabel, "dueLabel")
        self.tendered: QLineEdit = form.findChild(QLineEdit, "tenderedEdit")
        self.change: QLabel = form.findChild(QLabel, "changeLabel")
        self.error: QLabel = form.findChild(QLabel, "errorLabel")
        self.due_caption: QLabel = form.findChild(QLabel, "dueCaption")
        self.amount_caption: QLabel = form.findChild(QLabel, "tenderedCaption")
        amounts: QFormLayout = form.findChild(QFormLayout, "amountsLayout")
        root: QVBoxLayout = form.findChild(QVBoxLayout, "rootLayout")
        self.quick_layout: QHBoxLayout = form.findChild(QHBoxLayout, "quickCashLayout")
        buttons: QDialogButtonBox = form.findChild(QDialogButtonBox, "buttons")
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Complete refund") if self.refund else self.tr("Complete sale"))
        buttons.accepted.connect(self.try_complete)
        buttons.rejected.connect(self.reject)

        if self.refund:
            self.due_caption.setText(self.tr("To pay back:"))
        self.cash_due = QLabel(form)
        self.cash_due.setObjectName("cashDueLabel")
        self.paid = QLabel(form)
        self.paid.setObjectName("paidLabel")
        self.still_due = QLabel(form)
        self.still_due.setObjectName("stillDueLabel")
        self.still_due.setStyleSheet("font-size: 14pt; font-weight: bold;")
        amounts.insertRow(1, self.tr("Cash due:"), self.cash_due)
        amounts.insertRow(2, self.tr("Paid back so far:") if self.refund else self.tr("Paid so far:"), self.paid)
        amounts.insertRow(3, self.tr("Still to pay back:") if self.refund else self.tr("Still due:"),
                          self.still_due)

        # Tender buttons, then the list of tenders taken so far.
        self.tender_buttons: dict[str, QPushButton] = {}
        tender_grid = QGridLayout()
        for n, (code, (name, kind, _drawer, _ref)) in enumerate(self.types.items()):
            button = QPushButton(self.tr(name), form)
            button.setObjectName(f"tender_{code}")
            button.setMinimumHeight(36)
            button.clicked.connect(lambda _=False, c=code: self.add_tender(c))
            if kind == "store_credit" and not customer_attached:
                button.setEnabled(False)
                button.setToolTip(self.tr("Store credit belongs to a customer: attach the customer first."))
            tender_grid.addWidget(button, n // 3, n % 3)
            self.tender_buttons[code] = button
        self.tender_list = QListWidget(form)
        self.tender_list.setObjectName("tenderList")
        self.tender_list.setMaximumHeight(110)
        self.remove_button = QPushButton(self.tr("&Remove tender"), form)
        self.remove_button.setObjectName("removeTenderButton")
        self.remove_button.clicked.connect(self.remove_selected_tender)
        list_row = QHBoxLayout()
        list_row.addWidget(self.tender_list, 1)
        list_row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hint = QLabel(form)
        self.hint.setObjectName("suggestionLabel")
        self.hint.setWordWrap(True)
        self.hint.hide()

        # The approval code / reference form, shown when a tender needs one.
        self.reference_box = QFrame(form)
        self.reference_box.setObjectName("referenceBox")
        self.reference_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.reference_caption = QLabel(self.reference_box)
        self.reference_caption.setWordWrap(True)
        self.reference_edit = QLineEdit(self.reference_box)
        self.reference_edit.setObjectName("referenceEdit")
        self.reference_edit.setMaxLength(64)
        self.reference_edit.returnPressed.connect(self.approve_pending)
        self.card_type = QComboBox(self.reference_box)
        self.card_type.setObjectName("cardTypeCombo")
        self.card_type.setEditable(True)
        self.card_type.addItems(CARD_TYPES)
        self.card_type_caption = QLabel(self.tr("Card type:"), self.reference_box)
        self.approve_button = QPushButton(self.tr("&Approved"), self.reference_box)
        self.approve_button.clicked.connect(self.approve_pending)
        self.decline_button = QPushButton(self.tr("&Declined"), self.reference_box)
        self.decline_button.clicked.connect(self.decline_pending)
        self.cancel_reference_button = QPushButton(self.tr("Cancel"), self.reference_box)
        self.cancel_reference_button.clicked.connect(self.cancel_pending)
        ref_form = QFormLayout()
        self.reference_label = QLabel(self.reference_box)
        ref_form.addRow(self.reference_label, self.reference_edit)
        ref_form.addRow(self.card_type_caption, self.card_type)
        ref_buttons = QHBoxLayout()
        for button in (self.approve_button, self.decline_button, self.cancel_reference_button):
            ref_buttons.addWidget(button)
        box_layout = QVBoxLayout(self.reference_box)
        box_layout.addWidget(self.reference_caption)
        box_layout.addLayout(ref_form)
        box_layout.addLayout(ref_buttons)
        self.reference_box.hide()

        at = root.indexOf(form.findChild(QLabel, "errorLabel"))
        tenders_area = QWidget(form)
        area = QVBoxLayout(tenders_area)
        area.setContentsMargins(0, 0, 0, 0)
        area.addWidget(self.hint)
        area.addLayout(tender_grid)
        area.addLayout(list_row)
        area.addWidget(self.reference_box)
        root.insertWidget(at, tenders_area)

        # Enter is handled by the fields themselves, never by a default button.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)

        self.tendered.textChanged.connect(self._update_figures)
        self.tendered.returnPressed.connect(self._amount_entered)
        self._refresh()
        self._apply_suggestion(suggested)
        self.tendered.selectAll()
        self.tendered.setFocus()

    # -- figures ---------------------------------------------------------------------------
    def money(self, minor: int) -> str:
        return format_money(minor, self.currency, self.locale)

    def shown(self, signed: int) -> str:
        """An amount as the cashier sees it: positive, whichever way the money goes."""
        return self.money(signed * self.sign)

    @property
    def paid_so_far(self) -> int:
        return sum(t.amount for t in self.rows)

    @property
    def remaining(self) -> int:
        return self.total - self.paid_so_far

    @property
    def cash_remaining(self) -> int:
        return round_cash(self.remaining, self.step)

    def kind_of(self, code: str) -> str:
        return self.types[code][1]

    def _field_amount(self) -> int | None:
        """The amount field, signed for the direction of the money; None when empty."""
        text = self.tendered.text().strip()
        if not text:
            return None
        return self.sign * parse_money(text, self.currency, self.locale, field="tendered", allow_negative=False)

    def _apply_suggestion(self, suggested: Sequence[Tender]) -> None:
        usable = [t for t in suggested if t.code in self.types and self.tender_buttons[t.code].isEnabled()]
        if suggested:
            self.hint.setText(self.tr("Paid with: %1").replace("%1", ", ".join(
                f"{self.types[t.code][0] if t.code in self.types else t.code} {self.money(abs(t.amount))}"
                for t in suggested)))
            self.hint.show()
        if usable and usable[0].code != CASH:
            self._set_current(usable[0].code)
            amount = min(abs(usable[0].amount), abs(self.total))
            self.tendered.setText(format_amount(amount, self.currency, self.locale))

    def _set_current(self, code: str) -> None:
        self.current = code
        name = self.tr(self.types[code][0])
        if code == CASH:
            self.amount_caption.setText(self.tr("&Cash to pay back:") if self.refund else self.tr("&Cash given:"))
        else:
            self.amount_caption.setText(self.tr("&Amount (%1):").replace("%1", name))
        for c, button in self.tender_buttons.items():
            font = button.font()
            font.setBold(c == code and code != CASH)
            button.setFont(font)

    def _refresh(self) -> None:
        """After the tenders changed: list, figures, quick-cash buttons, amount field."""
        self.tender_list.clear()
        for t in self.rows:
            name = self.tr(self.types[t.code][0])
            detail = " ".join(p for p in (t.card_type, t.reference) if p)
            self.tender_list.addItem(f"{name}{' ' + detail if detail else ''} — {self.shown(t.amount)}")
        self.remove_button.setEnabled(bool(self.rows))
        self.due.setText(self.money(abs(self.total)))
        self._set_current(self.current)
        cash = self.cash_remaining
        self.tendered.setText(format_amount(abs(cash), self.currency, self.locale) if cash * self.sign > 0 else "")
        self._rebuild_quick_cash(cash)
        self._update_figures()

    def _rebuild_quick_cash(self, cash: int) -> None:
        while self.quick_layout.count():
            item = self.quick_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        if cash * self.sign <= 0:
            return
        amounts = [abs(cash)] + ([] if self.refund else quick_cash_amounts(cash, self.currency))
        for n, amount in enumerate(amounts):
            text = self.tr("Exact") if n == 0 else self.money(amount)
            button = QPushButton(text, self)
            button.setAutoDefault(False)
            button.setObjectName("quickCashExact" if n == 0 else f"quickCash{amount}")
            button.clicked.connect(lambda _=False, a=amount: self._quick(a))
            self.quick_layout.addWidget(button)

    def _update_figures(self) -> None:
        remaining = self.remaining
        cash = self.cash_remaining
        if cash != remaining:
            self.cash_due.setText(self.tr("%1 (rounded from %2)").replace("%1", self.shown(cash)).replace(
                "%2", self.shown(remaining)))
        else:
            self.cash_due.setText(self.shown(remaining))
        self.paid.setText(self.shown(self.paid_so_far))
        self.still_due.setText(self.shown(remaining) if remaining * self.sign > 0 else self.money(0))
        self.change.setText(self._change_preview())

    def _change_preview(self) -> str:
        try:
            tenders = self._tenders_with_field()
            settlement = settle(self.total, [TenderInput(t.code, self.kind_of(t.code), t.amount) for t in tenders],
                                self.step)
        except (ValidationError, TypeError):
            return "—"
        return self.money(abs(settlement.change))

    def _tenders_with_field(self) -> list[Tender]:
        """The tenders taken plus, when the amount field is for cash, the cash in it."""
        tenders = list(self.rows)
        amount = self._field_amount()
        if self.current == CASH and amount:
            tenders.append(Tender(CASH, amount))
        return tenders

    # -- keys ------------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key == Qt.Key.Key_F12:
            event.accept()
            self.try_complete()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # the fields act on Enter themselves; no default button fires twice
            return
        if key == Qt.Key.Key_Escape and self.pending is not None:
            event.accept()
            self.cancel_pending()
            return
        if key == Qt.Key.Key_Delete and self.tender_list.hasFocus():
            event.accept()
            self.remove_selected_tender()
            return
        super().keyPressEvent(event)

    def _amount_entered(self) -> None:
        if self.current != CASH and self.tendered.text().strip():
            self.add_tender(self.current)
        else:
            self.try_complete()

    def _quick(self, amount: int) -> None:
        self._set_current(CASH)
        self.tendered.setText(format_amount(amount, self.currency, self.locale))
        self.try_complete()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.tendered.selectAll()
        self.tendered.setFocus()

    # -- tenders ---------------------------------------------------------------------------
    def add_tender(self, code: str) -> None:
        """Take the amount field's amount as ``code``; a card first asks for its approval code."""
        if self.result_sale is not None or self.pending is not None:
            return
        name, kind, _drawer, needs_reference = self.types[code]
        try:
            amount = self._field_amount()
        except ShopDeskError as err:
            self._show_error(error_text(err))
            return
        if not amount:
            self._set_current(code)
            self._show_error(self.tr("Type the amount for %1 first.").replace("%1", self.tr(name)))
            return
        if kind == "store_credit" and not self.customer_attached:
            self._show_error(self.tr("Store credit belongs to a customer: attach the customer first."))
            return
        if kind != CASH and amount * self.sign > self.remaining * self.sign:
            self._show_error(self.tr("%1 is more than is still due (%2); only cash gives change.").replace(
                "%1", self.shown(amount)).replace("%2", self.shown(max(self.remaining * self.sign, 0) * self.sign)))
            return
        self.error.clear()
        tender = Tender(code, amount)
        if kind == "card" or needs_reference:
            self._ask_reference(tender)
            return
        self._take(tender)

    def _take(self, tender: Tender) -> None:
        self.rows.append(tender)
        self.current = CASH
        self._refresh()
        self.tendered.selectAll()
        self.tendered.setFocus()
        if tender.code == CASH and self.cash_remaining * self.sign <= 0:
            self.try_complete()  # the cash that settles it: done, the change is on screen

    def _ask_reference(self, tender: Tender) -> None:
        self.pending = tender
        name, kind, _drawer, _needs = self.types[tender.code]
        card = kind == "card"
        if card:
            self.reference_caption.setText(self.tr("%1 payment of %2: enter the approval code the card terminal "
                                                   "shows, or press Declined.").replace(
                "%1", self.tr(name)).replace("%2", self.shown(tender.amount)))
            self.reference_label.setText(self.tr("Approval &code:"))
        else:
            self.reference_caption.setText(self.tr("%1 of %2: enter its number or reference.").replace(
                "%1", self.tr(name)).replace("%2", self.shown(tender.amount)))
            self.reference_label.setText(self.tr("&Reference:"))
        self.reference_label.setBuddy(self.reference_edit)
        for widget in (self.card_type, self.card_type_caption, self.decline_button):
            widget.setVisible(card)
        self.reference_edit.clear()
        self.card_type.setCurrentIndex(0)
        self._lock(True)
        self.reference_box.show()
        self.reference_edit.setFocus()

    def _lock(self, locked: bool) -> None:
        for code, button in self.tender_buttons.items():
            button.setEnabled(not locked and (self.kind_of(code) != "store_credit" or self.customer_attached))
        self.ok_button.setEnabled(not locked)
        self.tendered.setReadOnly(locked)

    def _close_reference(self) -> None:
        self.pending = None
        self.reference_box.hide()
        self._lock(False)
        self.tendered.setFocus()

    def approve_pending(self) -> None:
        if self.pending is None:
            return
        reference = self.reference_edit.text().strip()
        if not reference and self.types[self.pending.code][3]:
            self.error.setText(self.tr("Enter the approval code or reference first."))
            self.reference_edit.setFocus()
            return
        card_type = self.card_type.currentText().strip() if self.kind_of(self.pending.code) == "card" else ""
        tender = Tender(self.pending.code, self.pending.amount, card_type, reference)
        self.error.clear()
        self._close_reference()
        self._take(tender)

    def decline_pending(self) -> None:
        if self.pending is None:
            return
        tender = self.pending
        if self.declined is not None:
            try:
                self.declined(tender.code, tender.amount, self.card_type.currentText().strip())
            except ShopDeskError as err:
                self.error.setText(error_text(err))
                return
        self._close_reference()
        self._show_error(self.tr("%1 declined: %2 was not paid. Try again or choose another way to pay.").replace(
            "%1", self.tr(self.types[tender.code][0])).replace("%2", self.shown(tender.amount)))

    def cancel_pending(self) -> None:
        if self.pending is not None:
            self._close_reference()
            self.error.clear()

    def remove_selected_tender(self) -> None:
        row = self.tender_list.currentRow()
        if row < 0 and self.rows:
            row = len(self.rows) - 1
        if row < 0 or self.result_sale is not None:
            return
        del self.rows[row]
        self._refresh()
        self.tendered.selectAll()
        self.tendered.setFocus()

    # -- completing --------------------------------------------------------------------------
    def try_complete(self) -> None:
        if self.result_sale is not None or self.pending is not None:
            return  # a second Enter must never take a second payment
        try:
            if self.current != CASH and self._field_amount():
                self.add_tender(self.current)  # the amount typed is for that tender: take it first
                return
            tenders = self._tenders_with_field()
        except ShopDeskError as err:
            self._show_error(error_text(err))
            return
        try:
            self.result_sale = self.complete(tenders)
        except ShopDeskError as err:
            self._show_error(error_text(err))
            return
        self.accept()
