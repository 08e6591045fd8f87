"""A scanned line is on the screen within the keystroke and in the database right after;
whatever the cashier does next (pay, switch user, close) finds it written, and when the
write disagrees with what was shown, the screen follows the database."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from shopdesk.gui.payment_dialog import PaymentDialog
from shopdesk.services.catalog import CatalogService
from shopdesk.store.models import CartDraftLine, Sale, SaleLine
from tests.conftest import BREAD as BREAD_DRAFT
from tests.conftest import MILK as MILK_DRAFT
from tests.conftest import login
from tests.gui.test_first_sale import BREAD, MILK, SCANNER_DELAY_MS, scan, when_dialog_opens


def stored_lines(store) -> list[tuple[str, int]]:
    with store.reader() as s:
        return [(line.product_id, line.quantity) for line in
                s.scalars(select(CartDraftLine).order_by(CartDraftLine.position))]


def test_the_line_shows_before_the_write_and_is_written_right_after(qtbot, window, store, products):
    checkout = window.checkout
    scan(qtbot, window, MILK)
    # Nothing has run the event loop since Enter: the screen already has the line...
    assert checkout.model.rowCount() == 1 and checkout.total_label.text() == "€1.29"
    assert checkout.pending_scan is not None
    # ...and the write follows as soon as Qt is back in its loop.
    qtbot.waitUntil(lambda: stored_lines(store) == [(products["MILK-1L"], 1)], timeout=2000)
    assert checkout.pending_scan is None
    scan(qtbot, window, MILK)
    assert checkout.model.index(0, 1).data() == "2" and checkout.total_label.text() == "€2.58"
    qtbot.waitUntil(lambda: stored_lines(store) == [(products["MILK-1L"], 2)], timeout=2000)


def test_pay_straight_after_the_last_scan_pays_for_it(qtbot, window, store, products):
    checkout = window.checkout
    field = checkout.scan_field
    qtbot.keyClicks(field, MILK, delay=SCANNER_DELAY_MS)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.keyClicks(field, BREAD)  # no pause: the keys come straight after the Enter
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert checkout.pending_scan is not None

    def pay_exact(dialog: PaymentDialog):
        assert dialog.due.text() == "€4.79"
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)

    opened = when_dialog_opens(qtbot, pay_exact)
    with qtbot.waitSignal(checkout.receipt_issued, timeout=10_000):
        qtbot.keyClick(field, Qt.Key.Key_F12)  # before the event loop turned
    assert opened
    with store.reader() as s:
        sale = s.scalars(select(Sale)).one()
        assert sale.grand_total == 479
        assert s.scalar(select(func.count()).select_from(SaleLine).where(SaleLine.sale_id == sale.id)) == 2
    assert stored_lines(store) == []


def test_the_screen_follows_the_database_when_the_price_changed_in_between(qtbot, window, store, products):
    checkout = window.checkout
    scan(qtbot, window, BREAD)
    assert checkout.total_label.text() == "€3.50"
    owner = login(store, "owner")
    CatalogService(store).update_product(owner, products["BREAD"], replace(BREAD_DRAFT, price=399))
    qtbot.waitUntil(lambda: checkout.total_label.text() == "€3.99", timeout=2000)
    assert checkout.model.index(0, 2).data() == "€3.99"


def test_a_product_withdrawn_in_between_is_taken_off_with_a_message(qtbot, window, store, products):
    checkout = window.checkout
    scan(qtbot, window, BREAD)
    qtbot.waitUntil(lambda: checkout.pending_scan is None, timeout=2000)
    scan(qtbot, window, MILK)
    assert checkout.model.rowCount() == 2
    owner = login(store, "owner")
    CatalogService(store).update_product(owner, products["MILK-1L"], replace(MILK_DRAFT, active=False))
    qtbot.waitUntil(lambda: checkout.model.rowCount() == 1, timeout=2000)
    assert "not for sale" in checkout.message.text()
    assert checkout.total_label.text() == "€3.50"
    assert stored_lines(store) == [(products["BREAD"], 1)]


def test_closing_the_window_writes_the_scan_it_shows(qtbot, window, store, products):
    scan(qtbot, window, MILK)
    window.close()
    assert stored_lines(store) == [(products["MILK-1L"], 1)]


def test_the_line_is_worked_out_while_the_scanner_types_and_shown_at_enter(qtbot, window, store, products):
    checkout = window.checkout
    qtbot.keyClicks(checkout.scan_field, MILK, delay=SCANNER_DELAY_MS)
    assert checkout.model.rowCount() == 0  # nothing added before Enter
    assert stored_lines(store) == []
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_Return)
    assert checkout.model.rowCount() == 1 and checkout.total_label.text() == "€1.29"
    qtbot.waitUntil(lambda: stored_lines(store) == [(products["MILK-1L"], 1)], timeout=2000)


def test_a_line_worked_out_ahead_is_not_used_when_the_cart_changed_before_enter(
        qtbot, window, store, products, manager):
    from shopdesk.services.quick_keys import QuickKeyService

    QuickKeyService(store).set(manager, 1, products["BREAD"], "Bread")
    checkout = window.checkout
    checkout.counter_extras.reload_keys()
    scan(qtbot, window, BREAD)
    qtbot.waitUntil(lambda: checkout.pending_scan is None, timeout=2000)
    qtbot.keyClicks(checkout.scan_field, MILK, delay=SCANNER_DELAY_MS)  # worked out for 1 bread
    qtbot.mouseClick(checkout.counter_extras.keys_panel.button(1), Qt.MouseButton.LeftButton)  # 2 breads
    checkout.scan_field.setFocus()
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_Return)
    # At once, before the write: two breads and the milk (not the cart the milk was worked out for).
    assert [checkout.model.index(r, 1).data() for r in range(checkout.model.rowCount())] == ["2", "1"]
    assert checkout.total_label.text() == "€8.29"
    qtbot.waitUntil(lambda: stored_lines(store) == [(products["BREAD"], 2), (products["MILK-1L"], 1)],
                    timeout=2000)


def test_a_code_typed_on_past_a_whole_gtin_is_scanned_as_typed(qtbot, window, store, products):
    checkout = window.checkout
    qtbot.keyClicks(checkout.scan_field, MILK + "9", delay=SCANNER_DELAY_MS)  # 14 digits, bad check digit
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_Return)
    assert checkout.model.rowCount() == 0
    assert "check digit" in checkout.message.text()
    assert stored_lines(store) == []
