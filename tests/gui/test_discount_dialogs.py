"""A cashier gives discounts at the counter; above the cashier's limit a manager types a PIN
right there. Driven through the real widgets."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import select

from shopdesk.gui.main_window import MainWindow
from shopdesk.store.models import AuditEntry, User
from tests.gui.test_first_sale import BREAD, MILK, log_in, scan, when_dialog_opens


@pytest.fixture
def window(qtbot, store, products):
    """The counter with the cashier logged in (10 % line / 5 % cart limits)."""
    main = MainWindow(log_in(qtbot, store, "cashier", "demo-cashier"))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    return main


def total_column(checkout, row: int) -> str:
    return checkout.model.index(row, 3).data()


def approve(qtbot, username: str, pin: str, then=None):
    def act(dialog):
        assert dialog.objectName() == "approvalDialog"
        assert "more than the 10 %" in dialog.reason.text()
        dialog.staff_combo.setCurrentIndex(dialog.staff_combo.findData(username))
        qtbot.keyClicks(dialog.pin, pin)
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        if then is not None:
            then(dialog)
    return act


def test_twenty_percent_off_a_line_with_the_managers_pin(qtbot, window, store):
    checkout = window.checkout
    scan(qtbot, window, MILK)
    scan(qtbot, window, BREAD)
    checkout.table.selectRow(1)
    assert total_column(checkout, 1) == "€3.50" and checkout.total_label.text() == "€4.79"
    approvals: list = []

    def give_twenty(dialog):
        assert dialog.objectName() == "discountDialog" and dialog.percent_button.isChecked()
        assert dialog.heading.text() == "Sourdough bread"
        qtbot.keyClicks(dialog.value, "20")
        assert dialog.result.text() == "€2.80 (−€0.70)"
        approvals.append(when_dialog_opens(qtbot, approve(qtbot, "manager", "2222")))
        qtbot.keyClick(dialog.value, Qt.Key.Key_Return)

    opened = when_dialog_opens(qtbot, give_twenty)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F6)
    assert opened and approvals and approvals[0]  # both dialogs were shown and acted on

    assert total_column(checkout, 1) == "€2.80"
    assert checkout.model.line(1).line_discount == 70
    assert checkout.total_label.text() == "€4.09"
    assert "Sourdough bread" in checkout.message.text() and "€0.70" in checkout.message.text()
    assert QApplication.activeModalWidget() is None
    with store.reader() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "cart.line_discount"))
        manager_id = s.scalar(select(User.id).where(User.username == "manager"))
        cashier_id = s.scalar(select(User.id).where(User.username == "cashier"))
    assert (entry.user_id, entry.approved_by_id) == (cashier_id, manager_id)
    assert json.loads(entry.details)["new"] == "20 %"


def test_a_wrong_pin_shows_an_error_and_changes_nothing(qtbot, window, store):
    checkout = window.checkout
    scan(qtbot, window, BREAD)
    checkout.table.selectRow(0)
    seen: dict = {}

    def wrong_pin_then_cancel(dialog):
        seen["error"] = dialog.error.text()
        seen["pin"] = dialog.pin.text()
        dialog.reject()

    def give_twenty(dialog):
        qtbot.keyClicks(dialog.value, "20")
        when_dialog_opens(qtbot, approve(qtbot, "manager", "9999", then=wrong_pin_then_cancel))
        dialog.ok_button.click()
        seen["not_approved"] = dialog.error.text()
        dialog.reject()

    opened = when_dialog_opens(qtbot, give_twenty)
    window.findChild(QPushButton, "lineDiscountButton").click()
    assert opened
    assert "Wrong user name or pin" in seen["error"] and seen["pin"] == ""
    assert "Not approved" in seen["not_approved"]
    assert total_column(checkout, 0) == "€3.50" and checkout.total_label.text() == "€3.50"
    with store.reader() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "cart.line_discount")) is None


def test_within_the_limit_no_pin_is_asked_and_the_cart_discount_applies(qtbot, window):
    checkout = window.checkout
    scan(qtbot, window, BREAD)
    checkout.table.selectRow(0)

    def ten_percent(dialog):
        qtbot.keyClicks(dialog.value, "10")
        qtbot.keyClick(dialog.value, Qt.Key.Key_Return)

    when_dialog_opens(qtbot, ten_percent)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F6)
    assert checkout.total_label.text() == "€3.15"

    def fifteen_cents_off_the_cart(dialog):
        dialog.amount_button.setChecked(True)
        qtbot.keyClicks(dialog.value, "0.15")
        assert dialog.result.text() == "€3.00 (−€0.15)"
        qtbot.keyClick(dialog.value, Qt.Key.Key_Return)

    when_dialog_opens(qtbot, fifteen_cents_off_the_cart)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F7)
    assert checkout.total_label.text() == "€3.00"
    assert "Cart discount" in checkout.message.text()


def test_price_override_needs_a_manager_for_a_cashier(qtbot, window):
    checkout = window.checkout
    scan(qtbot, window, BREAD)
    checkout.table.selectRow(0)

    def lower_price(dialog):
        assert dialog.objectName() == "priceDialog"
        dialog.price.selectAll()
        qtbot.keyClicks(dialog.price, "3.00")

        def manager_pin(approval):
            assert "may not lower a price" in approval.reason.text()
            approval.staff_combo.setCurrentIndex(approval.staff_combo.findData("manager"))
            qtbot.keyClicks(approval.pin, "2222")
            qtbot.keyClick(approval.pin, Qt.Key.Key_Return)

        when_dialog_opens(qtbot, manager_pin)
        qtbot.keyClick(dialog.price, Qt.Key.Key_Return)

    when_dialog_opens(qtbot, lower_price)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F8)
    assert checkout.model.index(0, 2).data() == "€3.00"
    assert checkout.total_label.text() == "€3.00"


def test_no_line_selected_says_so(qtbot, window):
    window.checkout.table.clearSelection()
    qtbot.keyClick(window.checkout.scan_field, Qt.Key.Key_F6)
    assert "Select a line first" in window.checkout.message.text()
