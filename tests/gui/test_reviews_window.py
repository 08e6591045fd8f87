"""Reviews driven through the real widgets: a manager publishes, rejects with a reason and
replies, and the lowest-rated list follows; a cashier enters reviews from a delivered order
(stars by the keyboard) and the order becomes reviewed; the catalog shows a Rating column;
the till shows the scanned product's rating."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton, QTableWidget

from shopdesk.domain.order_flow import OrderState
from shopdesk.gui.catalog_model import CatalogModel
from shopdesk.gui.catalog_window import CatalogWindow
from shopdesk.gui.context import AppContext
from shopdesk.gui.orders_window import OrdersWindow
from shopdesk.gui.review_dialog import ReviewDialog
from shopdesk.gui.reviews_window import ReviewsWindow
from shopdesk.services.orders import OrderService
from shopdesk.services.reviews import ReviewDraft, ReviewService
from shopdesk.store.types import utcnow
from tests.conftest import login
from tests.gui.test_first_sale import log_in, scan, when_dialog_opens
from tests.services.test_reviews import delivered_order


def click(qtbot, widget) -> None:
    assert widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def open_reviews(qtbot, store, username: str) -> ReviewsWindow:
    ctx = log_in(qtbot, store, username, f"demo-{username}")
    window = ReviewsWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.show()
    qtbot.waitExposed(window)
    return window


def column(table: QTableWidget, c: int) -> list[str]:
    return [table.item(r, c).text() for r in range(table.rowCount())]


def add_reviews(store, cashier, *items: tuple[str, int, str], publish_by=None) -> list[str]:
    service, now = ReviewService(store), utcnow()
    ids = []
    for n, (sku, rating, title) in enumerate(items):
        review = service.add(cashier, ReviewDraft(rating=rating, sku=sku, title=title, reviewer_name="Ann",
                                                  created_at=now - timedelta(hours=len(items) - n))).review
        if publish_by is not None:
            service.publish(publish_by, review.review_id)
        ids.append(review.review_id)
    return ids


def test_a_manager_moderates_and_the_lowest_rated_list_follows(qtbot, store, products, cashier):
    add_reviews(store, cashier, ("SOAP", 1, "Leaks"), ("BREAD", 5, "Great loaf"), ("SOAP", 2, "Thin"),
                ("BREAD", 5, "Fresh"), ("SOAP", 5, "Buy at MegaMart instead"), ("SOAP", 2, "Meh"),
                ("BREAD", 4, "Good"))
    window = open_reviews(qtbot, store, "manager")
    status = window.findChild(type(window.status_filter), "reviewStatusFilter")
    assert status.currentData() == "pending"
    table = window.findChild(QTableWidget, "reviewsTable")
    assert column(table, window.TITLE) == ["Leaks", "Great loaf", "Thin", "Fresh", "Buy at MegaMart instead", "Meh",
                                           "Good"]  # the queue: oldest first
    lowest = window.findChild(QTableWidget, "lowestRatedTable")
    assert lowest.rowCount() == 0
    publish = window.findChild(QPushButton, "publishButton")
    reject = window.findChild(QPushButton, "rejectButton")

    while table.rowCount():
        table.selectRow(0)
        assert "★" in window.text.toPlainText()
        if table.item(0, window.TITLE).text().startswith("Buy at"):
            def give_reason(dialog):
                qtbot.keyClicks(dialog.findChild(QLineEdit), "Advertises a competitor")
                dialog.accept()

            ran = when_dialog_opens(qtbot, give_reason)
            click(qtbot, reject)
            assert ran and "rejected" in window.message.text()
        else:
            click(qtbot, publish)
            assert "published" in window.message.text()

    assert column(lowest, 0) == ["Dish soap 500 ml", "Sourdough bread"]
    assert column(lowest, 1) == ["3", "3"] and column(lowest, 2) == ["1.7", "4.7"]

    status.setCurrentIndex(status.findData("rejected"))
    assert column(table, window.TITLE) == ["Buy at MegaMart instead"]
    table.selectRow(0)
    assert "Advertises a competitor" in window.text.toPlainText()

    status.setCurrentIndex(status.findData("published"))
    row = column(table, window.TITLE).index("Leaks")
    table.selectRow(row)

    def write_reply(dialog):
        qtbot.keyClicks(dialog.findChild(QPlainTextEdit), "Sorry! We replaced the bottle supplier.")
        dialog.accept()

    ran = when_dialog_opens(qtbot, write_reply)
    click(qtbot, window.findChild(QPushButton, "replyButton"))
    assert ran
    assert "Reply from the shop" in window.text.toPlainText()
    assert "We replaced the bottle supplier" in window.text.toPlainText()
    assert not publish.isEnabled()  # already published


def test_a_cashier_sees_published_reviews_only_and_cannot_moderate(qtbot, store, products, cashier, manager):
    add_reviews(store, cashier, ("BREAD", 5, "Public"), publish_by=manager)
    add_reviews(store, cashier, ("BREAD", 1, "Hidden"))
    window = open_reviews(qtbot, store, "cashier")
    assert window.status_filter.currentData() == "published" and not window.status_filter.isEnabled()
    assert column(window.table, window.TITLE) == ["Public"]
    window.table.selectRow(0)
    for name in ("publishButton", "rejectButton", "replyButton"):
        assert not window.findChild(QPushButton, name).isEnabled()


def test_a_cashier_enters_reviews_from_a_delivered_order_and_it_becomes_reviewed(qtbot, store, products, cashier,
                                                                                   clerk):
    order = delivered_order(store, cashier, clerk, "BREAD", "SOAP")
    ctx = log_in(qtbot, store, "cashier", "demo-cashier")
    window = OrdersWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.show()
    qtbot.waitExposed(window)
    window.reload(select_id=order.order_id)
    button = window.findChild(QPushButton, "reviewOrderButton")

    def review(stars_key, title, expect_lines):
        def fill(dialog: ReviewDialog):
            assert [dialog.lines.item(r).text() for r in range(dialog.lines.count())] == expect_lines
            qtbot.keyClick(dialog.stars, stars_key)
            qtbot.keyClicks(dialog.title, title)
            qtbot.keyClicks(dialog.body, "Said at the door")
            click(qtbot, dialog.save_button)
        return fill

    ran = when_dialog_opens(qtbot, review(Qt.Key.Key_4, "Nice bread",
                                          ["Sourdough bread  ·  BREAD", "Dish soap 500 ml  ·  SOAP"]))
    click(qtbot, button)
    assert ran and "Review of Sourdough bread saved." in window.message.text()
    assert window.current.state is OrderState.DELIVERED

    ran = when_dialog_opens(qtbot, review(Qt.Key.Key_2, "Too thin",
                                          ["Sourdough bread  ·  BREAD  (reviewed)", "Dish soap 500 ml  ·  SOAP"]))
    click(qtbot, button)
    assert ran and "is now reviewed" in window.message.text()
    assert OrderService(store).get(login(store, "cashier"), order.order_id).state is OrderState.REVIEWED
    assert not button.isEnabled()
    saved = ReviewService(store).pending(login(store, "manager")).reviews
    assert [(r.sku, r.rating, r.title, r.verified, r.reviewer_name) for r in saved] == [
        ("BREAD", 4, "Nice bread", True, "Bob Builder"), ("SOAP", 2, "Too thin", True, "Bob Builder")]


def test_stars_by_keyboard_and_a_product_scanned_at_the_counter(qtbot, store, products):
    ctx = log_in(qtbot, store, "cashier", "demo-cashier")
    dialog = ReviewDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.product_field, "96385074")
    qtbot.keyClick(dialog.product_field, Qt.Key.Key_Return)
    assert "Dish soap" in dialog.product_label.text()
    for key, value in ((Qt.Key.Key_3, 3), (Qt.Key.Key_5, 5), (Qt.Key.Key_Left, 4)):
        qtbot.keyClick(dialog.stars, key)
        assert dialog.stars.value() == value
    assert dialog.stars.buttons[3].text() == "★" and dialog.stars.buttons[4].text() == "☆"
    qtbot.keyClicks(dialog.title, "5 stars")  # digits typed in the title stay text
    assert dialog.title.text() == "5 stars" and dialog.stars.value() == 4
    click(qtbot, dialog.save_button)
    assert dialog.result is not None and dialog.result.review.rating == 4


def test_the_catalog_shows_a_rating_column(qtbot, store, products, cashier, manager):
    add_reviews(store, cashier, ("BREAD", 5, "a"), ("BREAD", 5, "b"), ("BREAD", 4, "c"), publish_by=manager)
    add_reviews(store, cashier, ("BREAD", 1, "pending: not counted"))
    ctx = AppContext(store)
    ctx.staff = manager
    window = CatalogWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    model = window.model
    ratings = {model.index(r, CatalogModel.SKU).data(): model.index(r, CatalogModel.RATING).data()
               for r in range(model.rowCount())}
    assert ratings["BREAD"] == "★ 4.7 (3)" and ratings["SOAP"] == ""
    assert model.headerData(CatalogModel.RATING, Qt.Orientation.Horizontal) == "Rating"


def test_the_till_shows_the_scanned_products_rating(qtbot, window, store, cashier, manager):
    add_reviews(store, cashier, ("BREAD", 5, "a"), ("BREAD", 4, "b"), publish_by=manager)
    panel = window.checkout.findChild(type(window.checkout.product_info), "productInfoPanel")
    scan(qtbot, window, "036000291452")
    qtbot.waitUntil(lambda: "★ 4.5 from 2 reviews" in panel.text(), timeout=3000)
    assert panel.text().startswith("Sourdough bread  ·  €3.50  ·  10 available")
    scan(qtbot, window, "96385074")
    qtbot.waitUntil(lambda: panel.text().startswith("Dish soap"), timeout=3000)
    assert "no reviews yet" in panel.text()


def test_a_receipt_scanned_at_the_counter_makes_a_verified_review_of_its_line(qtbot, store, products, cashier, till):
    from shopdesk.services.checkout import CheckoutService

    checkout = CheckoutService(store)
    for code in ("036000291452", "96385074"):  # bread, soap
        checkout.scan(cashier, till.till_id, code)
    sale = checkout.pay_cash(cashier, till.till_id, checkout.current_cart(cashier, till.till_id).total)
    ctx = log_in(qtbot, store, "cashier", "demo-cashier")

    def review_soap() -> ReviewDialog:
        dialog = ReviewDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.product_field, sale.receipt_number.lower())  # as read off the receipt
        qtbot.keyClick(dialog.product_field, Qt.Key.Key_Return)
        assert dialog.lines.count() == 2 and dialog.lines.isVisible()
        dialog.lines.setCurrentRow(1)
        assert "Dish soap" in dialog.product_label.text() and "verified purchase" in dialog.product_label.text()
        qtbot.keyClick(dialog.stars, Qt.Key.Key_4)
        click(qtbot, dialog.save_button)
        return dialog

    first = review_soap()
    assert first.result is not None
    review = first.result.review
    assert (review.product_id, review.rating, review.verified) == (products["SOAP"], 4, True)
    again = review_soap()  # the same line once more: refused, the dialog stays open
    assert again.result is None and "already" in again.error.text() and again.isVisible()
