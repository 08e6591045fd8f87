"""Parking and resuming carts at the till (F9 / F10), and :func:`install_counter_extras`,
which puts the counter's customer, parking and quick-key features on the checkout window.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money
from shopdesk.domain.permissions import Permission
from shopdesk.gui.customer_dialogs import CustomerDialog, CustomerStrip
from shopdesk.gui.messages import error_text
from shopdesk.gui.product_picker import ProductPicker
from shopdesk.gui.quick_keys_panel import QuickKeysPanel
from shopdesk.gui.scan_input import ERROR, INFO, SUCCESS
from shopdesk.services.cart_parking import CartParkingService, ParkedCart
from shopdesk.services.customers import CustomerService
from shopdesk.services.quick_keys import QuickKeyService


def _when(moment: datetime) -> str:
    local = moment.astimezone()
    today = datetime.now().astimezone().date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")


class ParkedCartsDialog(QDialog):
    """This till's parked carts, newest first; Enter or a double-click resumes one."""

    def __init__(self, carts: list[ParkedCart], parent=None) -> None:
        super().__init__(parent)
        self.chosen: ParkedCart | None = None
        self.setWindowTitle(self.tr("Resume a parked cart"))
        self.resize(600, 360)
        self.list = QListWidget(self)
        self.list.setObjectName("parkedList")
        for cart in carts:
            parts = [_when(cart.parked_at), cart.note,
                     self.tr("%n line(s)", "", cart.lines), format_money(cart.total, cart.currency, cart.locale)]
            if cart.customer_name:
                parts.append(cart.customer_name)
            parts.append(cart.parked_by)
            item = QListWidgetItem("  ·  ".join(parts))
            item.setData(Qt.ItemDataRole.UserRole, cart)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.take_current())
        resume = QPushButton(self.tr("&Resume"), self)
        resume.setObjectName("resumeButton")
        resume.setDefault(True)
        resume.clicked.connect(self.take_current)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        buttons.addButton(resume, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Carts parked at this till:"), self))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.list.setFocus()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.take_current()
            return
        super().keyPressEvent(event)

    def take_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        self.accept()


class CounterExtras(QObject):
    """Customer (F5), Park (F9), Resume (F10) and the quick keys, on a CheckoutWindow."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        ctx = window.ctx
        self.ctx = ctx
        self.customers = CustomerService(ctx.db)
        self.parking = CartParkingService(ctx.db)
        self.quick_keys = QuickKeyService(ctx.db)
        self._shown_customer: object = object()  # nothing shown yet
        self.card = None  # the attached customer's, as shown

        self.customer_button = QPushButton(window.tr("C&ustomer… (F5)"), window)
        self.customer_button.setObjectName("customerButton")
        self.park_button = QPushButton(window.tr("Par&k (F9)"), window)
        self.park_button.setObjectName("parkButton")
        self.resume_button = QPushButton(window.tr("Res&ume… (F10)"), window)
        self.resume_button.setObjectName("resumeButton")
        window.add_action(self.customer_button, self.choose_customer, Qt.Key.Key_F5)
        window.add_action(self.park_button, self.park, Qt.Key.Key_F9)
        window.add_action(self.resume_button, self.resume, Qt.Key.Key_F10)

        self.panel = QWidget(window)
        self.panel.setObjectName("counterExtrasPanel")
        self.customer_strip = CustomerStrip(self.panel)
        self.keys_panel = QuickKeysPanel(ctx.store.currency, ctx.store.locale, self.panel,
                                         can_assign=self._can_assign)
        layout = QVBoxLayout(self.panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.customer_strip)
        layout.addWidget(self.keys_panel)
        if hasattr(window, "add_panel"):
            window.add_panel(self.panel)
        else:  # an older window: below everything
            window.layout().addWidget(self.panel)
        self.keys_panel.key_pressed.connect(self.quick_key)
        self.keys_panel.assign_requested.connect(self.assign_key)
        self.keys_panel.clear_requested.connect(self.clear_key)

        # Every change of the cart resets the cart model: follow it to show its customer.
        window.model.modelReset.connect(self.show_customer)
        window.sale_completed.connect(lambda _sale: self.reload_keys())
        self.reload_keys()

    # -- helpers --------------------------------------------------------------------------
    @property
    def till_id(self) -> str:
        return self.ctx.till.till_id

    def _fail(self, err: ShopDeskError) -> None:
        self.window.show_message(error_text(err), ERROR)
        self.window.focus_scan()

    def show_customer(self, force: bool = False) -> None:
        cart = self.window.cart
        customer_id = cart.customer_id if cart is not None else None
        if customer_id == self._shown_customer and not force:
            return
        self._shown_customer = customer_id
        card = self.card = None
        if customer_id is not None:
            try:
                card = self.card = self.customers.card(customer_id, recent=5)
            except ShopDeskError:
                card = None
        self.customer_strip.show_card(card, self.ctx.store.currency, self.ctx.store.locale)

    def _can_assign(self) -> bool:
        staff = self.ctx.staff
        return staff is not None and staff.can(Permission.MANAGE_CATALOG)

    def reload_keys(self) -> None:
        self.keys_panel.show_keys(self.quick_keys.list())

    # -- customer -------------------------------------------------------------------------
    def choose_customer(self) -> None:
        current = self.window.cart.customer_id if self.window.cart is not None else None
        dialog = CustomerDialog(self.customers, self.ctx.require_staff, self.ctx.store.currency,
                                self.ctx.store.locale, current, self.window)
        if dialog.exec() and (dialog.chosen_id is not None or dialog.detach):
            try:
                self.customers.attach(self.ctx.require_staff(), self.till_id,
                                      None if dialog.detach else dialog.chosen_id)
            except ShopDeskError as err:
                self._fail(err)
                return
            self.window.reload()
            self.show_customer(force=True)
            if dialog.detach:
                self.window.show_message(self.window.tr("Customer taken off the sale."), INFO)
            else:
                name = self.card.customer.name if self.card else ""
                self.window.show_message(self.window.tr("Customer attached: %1").replace("%1", name), SUCCESS)
        self.window.focus_scan()

    # -- parking --------------------------------------------------------------------------
    def park(self) -> None:
        cart = self.window.cart
        if cart is None or cart.is_empty:
            self.window.show_message(self.window.tr("The cart is empty: there is nothing to park."), ERROR)
            self.window.focus_scan()
            return
        staff = self.ctx.require_staff()
        note, ok = QInputDialog.getText(
            self.window, self.window.tr("Park the cart"),
            self.window.tr("Note (who it is for, why) — empty: \"Parked by %1\"").replace("%1", staff.display_name),
            text=cart.note)
        if ok:
            try:
                parked = self.parking.park(self.ctx.require_staff(), self.till_id, note)
            except ShopDeskError as err:
                self._fail(err)
                return
            self.window.reload()
            self.window.show_message(self.window.tr("Cart parked: %1. F10 resumes it.").replace("%1", parked.note),
                                     SUCCESS)
        self.window.focus_scan()

    def resume(self) -> None:
        try:
            carts = self.parking.list_parked(self.till_id)
        except ShopDeskError as err:
            self._fail(err)
            return
        if not carts:
            self.window.show_message(self.window.tr("No carts are parked at this till."), INFO)
            self.window.focus_scan()
            return
        dialog = ParkedCartsDialog(carts, self.window)
        if dialog.exec() and dialog.chosen is not None:
            try:
                self.parking.resume(self.ctx.require_staff(), self.till_id, dialog.chosen.cart_id)
            except ShopDeskError as err:
                self._fail(err)
                return
            self.window.reload()
            self.window.show_message(self.window.tr("Cart resumed: %1").replace("%1", dialog.chosen.note), SUCCESS)
        self.window.focus_scan()

    # -- quick keys -----------------------------------------------------------------------
    def quick_key(self, key) -> None:
        self.window.write_pending_scan()
        try:
            self.ctx.checkout.add_product(self.ctx.require_staff(), self.till_id, key.product_id)
        except ShopDeskError as err:
            self._fail(err)
            return
        self.window.reload()
        self.window.show_message(self.window.tr("%1 — %2").replace("%1", key.name).replace(
            "%2", format_money(key.price, self.ctx.store.currency, self.ctx.store.locale)), SUCCESS)

    def assign_key(self, position: int) -> None:
        picker = ProductPicker(self.ctx.search, self.ctx.store.currency, self.ctx.store.locale, "", self.window)
        if picker.exec() and picker.chosen is not None:
            try:
                self.quick_keys.set(self.ctx.require_staff(), position, picker.chosen.product_id)
            except ShopDeskError as err:
                self._fail(err)
                return
            self.reload_keys()
            self.window.show_message(self.window.tr("Quick key %1: %2").replace("%1", str(position)).replace(
                "%2", picker.chosen.name), SUCCESS)
        self.window.focus_scan()

    def clear_key(self, position: int) -> None:
        try:
            self.quick_keys.clear(self.ctx.require_staff(), position)
        except ShopDeskError as err:
            self._fail(err)
            return
        self.reload_keys()
        self.window.focus_scan()


def install_counter_extras(window) -> CounterExtras:
    """Add the customer, park/resume and quick-key features to a CheckoutWindow."""
    window.counter_extras = CounterExtras(window)
    return window.counter_extras
