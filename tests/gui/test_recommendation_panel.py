"""The suggestions strip at the counter, driven like a cashier: scan bread, see dish soap
"bought with Sourdough bread", touch it, pay; the manager's report counts the sale with
a suggestion. An untrained store only shows a hint, and scanning never waits for it."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from shopdesk.gui.main_window import MainWindow
from shopdesk.gui.payment_dialog import PaymentDialog
from shopdesk.gui.recommendation_dialogs import AttachReportDialog
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.recommendations import RecommendationService
from shopdesk.services.store_settings import till_by_code
from tests.conftest import login
from tests.gui.test_first_sale import BREAD, MILK, SOAP, log_in, scan, when_dialog_opens

NIUNAI = "6901234567892"
HISTORY = [[BREAD, SOAP]] * 3 + [[MILK]] * 2 + [[MILK, NIUNAI]]  # bread goes with soap


def sell_history(store) -> int:
    """Past sales at the till, through the checkout service; returns how many."""
    cashier, till = login(store, "cashier"), till_by_code(store, None)
    checkout = CheckoutService(store)
    for basket in HISTORY:
        for code in basket:
            checkout.scan(cashier, till.till_id, code)
        checkout.pay_cash(cashier, till.till_id, 10_000)
    return len(HISTORY)


@pytest.fixture
def trained(store, products):
    sell_history(store)
    return RecommendationService(store).train(login(store, "manager"))


def events(store, kind: str) -> list[tuple[str, int]]:
    with store.raw_reader() as conn:
        return conn.execute("SELECT product_id, position FROM recommendation_events WHERE kind = ?"
                            " ORDER BY at, position", (kind,)).fetchall()


def shown_names(panel) -> list[str]:
    return [b.suggestion.name for b in panel.buttons if b.isVisible() and b.suggestion is not None]


def test_scan_bread_take_the_suggested_soap_and_the_report_counts_it(qtbot, trained, window, store, products):
    checkout = window.checkout
    panel = checkout.recommendations
    assert panel.objectName() == "recommendationPanel" and panel.title.text() == "Suggestions"

    scan(qtbot, window, BREAD)
    assert checkout.model.rowCount() == 1  # the line is there at once; suggestions follow
    qtbot.waitUntil(lambda: "Dish soap 500 ml" in shown_names(panel), timeout=3000)
    first = panel.buttons[0]
    assert first.suggestion.name == "Dish soap 500 ml"
    assert first.title.full_text() == "Dish soap 500 ml  €2.49"
    assert first.reason.full_text() == "bought with Sourdough bread by 3 customers"
    assert first.reason.font().pointSizeF() < first.title.font().pointSizeF()  # the reason is smaller
    assert "Sourdough bread" not in shown_names(panel)  # never what is in the cart
    assert len(shown_names(panel)) <= 5
    assert panel.last_query_ms is not None

    # One impression per suggestion of the set, once: a repaint or an unchanged cart adds none.
    impressions = events(store, "impression")
    assert [pid for pid, _ in impressions] == [s.product_id for s in panel.shown]
    assert [pos for _, pos in impressions] == list(range(1, len(panel.shown) + 1))
    panel.schedule()
    panel.repaint()
    qtbot.wait(300)
    assert len(events(store, "impression")) == len(impressions)

    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    assert window.focusWidget() is checkout.scan_field  # the touch took no focus
    lines = {line.name: line for line in checkout.cart.lines}
    assert lines["Dish soap 500 ml"].suggested and not lines["Sourdough bread"].suggested
    assert "Added from suggestions: Dish soap 500 ml — €2.49" in checkout.message.text()
    assert checkout.model.rowCount() == 2 and checkout.total_label.text() == "€5.99"
    assert events(store, "accepted") == [(products["SOAP"], 1)]
    # the cart changed: a new set without the soap (and a new impression for it)
    qtbot.waitUntil(lambda: panel.shown and "Dish soap 500 ml" not in shown_names(panel), timeout=3000)
    assert len(events(store, "impression")) > len(impressions)

    scan(qtbot, window, MILK)  # keys still land in the scan field
    assert checkout.model.rowCount() == 3

    def pay_exact(dialog: PaymentDialog):
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)

    when_dialog_opens(qtbot, pay_exact)
    with qtbot.waitSignal(checkout.sale_completed, timeout=10_000):
        qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: not panel.shown, timeout=3000)  # a new customer: nothing to go with yet

    manager = log_in(qtbot, store, "manager", "demo-manager")
    report = AttachReportDialog(manager)
    qtbot.addWidget(report)
    qtbot.waitUntil(lambda: not report.loading, timeout=5000)
    assert len(report.rows) >= 14
    sales, attached, shown, taken = (sum(r[i] for r in report.rows) for i in range(1, 5))
    assert (sales, attached, taken) == (len(HISTORY) + 1, 1, 1)
    assert shown == len(events(store, "impression"))
    total_row = report.table.rowCount() - 1
    assert [report.table.item(total_row, c).text() for c in range(4)] == ["Total", "7", "1", "14.3 %"]
    assert report.chart.days and max(rate for _d, _n, rate in report.chart.days) > 0


def test_untrained_store_shows_a_hint_and_scanning_goes_on(qtbot, window, store):
    checkout = window.checkout
    panel = checkout.recommendations
    scan(qtbot, window, BREAD)
    scan(qtbot, window, SOAP)
    assert checkout.model.rowCount() == 2
    qtbot.waitUntil(lambda: "Train recommendations" in panel.hint.text(), timeout=3000)
    assert panel.hint.isVisible() and not shown_names(panel)
    assert panel.hint.text() == ("Suggestions appear once the recommender is trained "
                                 "(Store › Train recommendations)")
    scan(qtbot, window, MILK)
    assert checkout.model.rowCount() == 3
    assert window.focusWidget() is checkout.scan_field
    assert not events(store, "impression")


def test_suggestion_buttons_never_take_the_focus(qtbot, trained, window):
    panel = window.checkout.recommendations
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in panel.buttons)
    scan(qtbot, window, BREAD)
    qtbot.waitUntil(lambda: bool(shown_names(panel)), timeout=3000)
    qtbot.mouseClick(panel.buttons[0], Qt.MouseButton.LeftButton)
    assert window.focusWidget() is window.checkout.scan_field
    scan(qtbot, window, MILK)  # the next scan lands where it should
    assert [(line.name, line.suggested) for line in window.checkout.cart.lines] == [
        ("Sourdough bread", False), ("Dish soap 500 ml", True), ("Whole milk 1 L", False)]


def test_menu_actions_follow_permissions(window):
    assert not window.train_action.isEnabled()  # a cashier
    assert not window.recommendation_report_action.isEnabled()


def close_message_boxes(qtbot) -> list[str]:
    """Close each message box as it opens (they run their own event loop); their texts."""
    seen: list[str] = []
    timer = QTimer()
    timer.setInterval(20)

    def check():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
    timer.timeout.connect(check)
    timer.start()
    seen.append(timer)  # kept alive by the list; removed by the caller
    return seen


def test_manager_trains_from_the_menu_and_the_strip_follows(qtbot, store, products):
    sell_history(store)
    ctx = log_in(qtbot, store, "manager", "demo-manager")
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.show()
    assert main.train_action.isEnabled() and main.recommendation_report_action.isEnabled()
    scan(qtbot, main, BREAD)
    panel = main.checkout.recommendations
    qtbot.waitUntil(lambda: "Train recommendations" in panel.hint.text(), timeout=3000)

    boxes = close_message_boxes(qtbot)
    run = main.train_recommendations()
    with qtbot.waitSignal(run.finished, timeout=10_000) as finished:
        pass
    boxes.pop(0).stop()
    summary = finished.args[0]
    assert summary is not None and summary.baskets == len(HISTORY)
    assert any("learnt from 6 baskets" in text for text in boxes)
    assert not run.progress.isVisible()
    qtbot.waitUntil(lambda: "Dish soap 500 ml" in shown_names(panel), timeout=3000)


def test_cancelled_training_reports_nothing(qtbot, store, products):
    sell_history(store)
    ctx = log_in(qtbot, store, "manager", "demo-manager")
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    run = main.train_recommendations()
    run.progress.findChild(QPushButton).click()  # Cancel, before the worker's answer can arrive
    assert not run.progress.isVisible()
    with qtbot.waitSignal(run.finished, timeout=10_000) as finished:
        pass
    assert finished.args[0] is None and run.summary is None


def test_report_needs_the_right_to_view_reports(qtbot, store, products):
    ctx = log_in(qtbot, store, "cashier", "demo-cashier")
    report = AttachReportDialog(ctx, today=date(2024, 5, 31))
    qtbot.addWidget(report)
    assert not report.rows and report.summary.text()
    assert report.date_from.date().toPython() == date(2024, 5, 18)
