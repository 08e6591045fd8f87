"""Entering a review a customer gives: at the counter (scan or search the product) or from
a delivered order (choose one of its lines), with 1-5 stars (keys 1..5), a title, the
text and, optionally, the customer. Also the manager's dialog to correct a review."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money
from shopdesk.gui.context import AppContext
from shopdesk.gui.customer_dialogs import CustomerDialog
from shopdesk.gui.messages import error_text
from shopdesk.gui.product_picker import ProductPicker
from shopdesk.services.customers import CustomerService
from shopdesk.services.orders import OrderView
from shopdesk.services.reviews import AddResult, ReviewDraft, ReviewService, ReviewView

STAR, NO_STAR = "★", "☆"
DIGIT_KEYS = {Qt.Key.Key_1: 1, Qt.Key.Key_2: 2, Qt.Key.Key_3: 3, Qt.Key.Key_4: 4, Qt.Key.Key_5: 5}


class StarRating(QWidget):
    """Five stars: click one, or type 1..5 (Left/Right move by one) while it has the focus."""

    changed = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("starRating")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._value = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(0)
        self.buttons: list[QToolButton] = []
        for n in range(1, 6):
            button = QToolButton(self)
            button.setObjectName(f"star{n}")
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet("QToolButton { font-size: 20px; color: #d89b00; border: none; }")
            button.setToolTip(self.tr("%n star(s)", "", n))
            button.clicked.connect(lambda _checked=False, n=n: self.set_value(n))
            layout.addWidget(button)
            self.buttons.append(button)
        self.hint = QLabel(self.tr("keys 1–5"), self)
        self.hint.setStyleSheet("color: gray; margin-left: 8px;")
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self._paint()

    def value(self) -> int:
        return self._value

    def set_value(self, value: int) -> None:
        value = max(0, min(5, int(value)))
        if value != self._value:
            self._value = value
            self._paint()
            self.changed.emit(value)

    def _paint(self) -> None:
        for n, button in enumerate(self.buttons, start=1):
            button.setText(STAR if n <= self._value else NO_STAR)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in DIGIT_KEYS:
            self.set_value(DIGIT_KEYS[key])
        elif key == Qt.Key.Key_Right:
            self.set_value(min(5, self._value + 1))
        elif key == Qt.Key.Key_Left:
            self.set_value(max(1, self._value - 1))
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusInEvent(self, event) -> None:
        self.setStyleSheet("#starRating { border: 1px solid palette(highlight); border-radius: 3px; }")
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.setStyleSheet("")
        super().focusOutEvent(event)


class ReviewDialog(QDialog):
    """``result`` holds what :meth:`ReviewService.add` returned once saved."""

    def __init__(self, ctx: AppContext, parent=None, *, order: OrderView | None = None,
                 service: ReviewService | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service or ReviewService(ctx.db)
        self.customers = CustomerService(ctx.db)
        self.order = order
        self.receipt = None  # a receipt scanned at the counter (its lines offered)
        self.result: AddResult | None = None
        self.product_id: str | None = None
        self.customer_id: str | None = order.customer_id if order else None
        self.setWindowTitle(self.tr("Review of order %1").replace("%1", order.number) if order
                            else self.tr("New review"))
        self.resize(560, 520)

        self.lines = QListWidget(self)
        self.lines.setObjectName("reviewOrderLines")
        self.product_field = QLineEdit(self)
        self.product_field.setObjectName("reviewProduct")
        self.product_field.setPlaceholderText(self.tr("Scan the product or the receipt, or type the name; Enter"))
        self.product_field.returnPressed.connect(self.find_product)
        self.find_button = QPushButton(self.tr("&Find…"), self)
        self.find_button.setAutoDefault(False)
        self.find_button.clicked.connect(lambda: self.find_product(always_pick=True))
        self.product_label = QLabel(self)
        self.product_label.setObjectName("reviewProductLabel")
        self.stars = StarRating(self)
        self.title = QLineEdit(self)
        self.title.setObjectName("reviewTitle")
        self.title.setMaxLength(200)
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("reviewBody")
        self.body.setTabChangesFocus(True)
        self.reviewer = QLineEdit(self)
        self.reviewer.setObjectName("reviewerName")
        self.reviewer.setPlaceholderText(self.tr("As shown with the review (the customer's name if empty)"))
        self.customer_label = QLabel(self)
        self.customer_label.setObjectName("reviewCustomer")
        self.customer_button = QPushButton(self.tr("&Customer…"), self)
        self.customer_button.setAutoDefault(False)
        self.customer_button.clicked.connect(self.choose_customer)
        self.error = QLabel(self)
        self.error.setObjectName("reviewError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveReviewButton")
        self.save_button.setAutoDefault(False)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        form = self.form = QFormLayout()
        if order is not None:
            form.addRow(self.tr("Bought:"), self.lines)
            self.product_field.hide()
            self.find_button.hide()
        else:
            form.addRow(self.tr("Bought:"), self.lines)
            form.setRowVisible(self.lines, False)  # shown once a receipt is scanned
            row = QHBoxLayout()
            row.addWidget(self.product_field, 1)
            row.addWidget(self.find_button)
            product_label = QLabel(self.tr("&Product:"), self)
            product_label.setBuddy(self.product_field)
            form.addRow(product_label, row)
        form.addRow("", self.product_label)
        form.addRow(self.tr("&Stars:"), self.stars)
        form.addRow(self.tr("&Title:"), self.title)
        form.addRow(self.tr("&Review:"), self.body)
        form.addRow(self.tr("&Name shown:"), self.reviewer)
        customer_row = QHBoxLayout()
        customer_row.addWidget(self.customer_label, 1)
        customer_row.addWidget(self.customer_button)
        form.addRow(self.tr("Customer:"), customer_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        if order is not None:
            self._fill_lines(order)
            self.reviewer.setText(order.ship_to.name)
            self.lines.currentItemChanged.connect(lambda *_: self._line_chosen())
            self._line_chosen()
            self.stars.setFocus()
        else:
            self.lines.currentItemChanged.connect(lambda *_: self._line_chosen())
            self.product_field.setFocus()
        self._show_product(None)
        self._show_customer()

    # -- the product -------------------------------------------------------------------------
    def _fill_lines(self, order: OrderView) -> None:
        try:
            lines = self.service.order_lines(self.ctx.require_staff(), order.order_id)
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        first = None
        for line in lines:
            text = f"{line.name}  ·  {line.sku}"
            item = QListWidgetItem(text + ("  " + self.tr("(reviewed)") if line.reviewed else ""))
            item.setData(Qt.ItemDataRole.UserRole, line)
            if line.reviewed:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
            elif first is None:
                first = item
            self.lines.addItem(item)
        if first is not None:
            self.lines.setCurrentItem(first)
        elif lines:
            self.error.setText(self.tr("Every line of this order is reviewed already."))

    def chosen_line(self):
        """The order line or receipt line chosen (a verified purchase), if any."""
        item = self.lines.currentItem()
        if item is None or (self.order is None and self.receipt is None):
            return None
        return item.data(Qt.ItemDataRole.UserRole)

    def choose_line(self, sku: str) -> None:
        for row in range(self.lines.count()):
            line = self.lines.item(row).data(Qt.ItemDataRole.UserRole)
            if line.sku == sku and not line.reviewed:
                self.lines.setCurrentRow(row)
                return

    def _line_chosen(self) -> None:
        line = self.chosen_line()
        if self.order is None and line is None:
            return
        self.product_id = line.product_id if line else None
        self.product_label.setText(f"{line.name} ({line.sku}) · " + self.tr("verified purchase") if line else "")

    def find_product(self, always_pick: bool = False) -> None:
        text = self.product_field.text().strip()
        if text and not always_pick and self._show_receipt(text):
            return
        hit = None
        if text and not always_pick:
            try:
                hit = self.ctx.search.lookup_code(text)
            except ShopDeskError:
                hit = None  # not a valid code: search for it as text
        if hit is None:
            picker = ProductPicker(self.ctx.search, self.ctx.store.currency, self.ctx.store.locale, text, self)
            if picker.exec() and picker.chosen is not None:
                hit = picker.chosen
            picker.deleteLater()
        if hit is not None:
            self.product_field.clear()
            self._show_product(hit)
            self.stars.setFocus()

    def _show_receipt(self, text: str) -> bool:
        """A receipt scanned or typed at the counter: its lines are offered, and the review
        of the one chosen is a verified purchase (its sale line)."""
        from shopdesk.services.returns import ReturnsService

        try:
            sale = ReturnsService(self.ctx.db).find_by_receipt(text)
        except ShopDeskError:
            return False  # not a receipt: a product code or a name
        self.receipt = sale
        self.lines.clear()
        for line in sale.lines:
            if line.sold <= 0:
                continue
            item = QListWidgetItem(f"{line.name}  ·  {line.sku}")
            item.setData(Qt.ItemDataRole.UserRole, line)
            self.lines.addItem(item)
        self.form.setRowVisible(self.lines, True)
        self.lines.setCurrentRow(0)
        if sale.customer_id and self.customer_id is None:
            self.customer_id = sale.customer_id
            self._show_customer()
        self.product_field.clear()
        self.product_field.setPlaceholderText(self.tr("Receipt %1: choose the line reviewed").replace(
            "%1", sale.receipt_number))
        self.stars.setFocus()
        return True

    def _show_product(self, hit) -> None:
        if self.order is not None:
            return
        self.product_id = hit.product_id if hit else None
        self.product_label.setText(
            f"{hit.name} ({hit.sku}) · {format_money(hit.price, self.ctx.store.currency, self.ctx.store.locale)}"
            if hit else self.tr("No product chosen yet."))

    # -- the customer ------------------------------------------------------------------------
    def choose_customer(self) -> None:
        dialog = CustomerDialog(self.customers, self.ctx.require_staff, self.ctx.store.currency,
                                self.ctx.store.locale, self.customer_id, self)
        if dialog.exec():
            self.customer_id = None if dialog.detach else dialog.chosen_id
            self._show_customer()
        dialog.deleteLater()

    def _show_customer(self) -> None:
        if self.customer_id is None:
            self.customer_label.setText(self.tr("(none)"))
            return
        try:
            customer = self.customers.get(self.customer_id)
        except ShopDeskError as err:
            self.customer_label.setText(error_text(err))
            return
        self.customer_label.setText(" · ".join(x for x in (customer.name, customer.email, customer.phone) if x))
        if not self.reviewer.text().strip():
            self.reviewer.setText(customer.name)

    # -- saving ------------------------------------------------------------------------------
    def draft(self) -> ReviewDraft:
        line = self.chosen_line()
        from_order = line is not None and self.order is not None
        from_receipt = line is not None and self.order is None
        return ReviewDraft(rating=self.stars.value(), product_id=self.product_id, title=self.title.text(),
                           body=self.body.toPlainText(), customer_id=self.customer_id,
                           reviewer_name=self.reviewer.text(),
                           order_line_id=line.line_id if from_order else None,
                           sale_line_id=line.line_id if from_receipt else None,
                           source="order" if from_order else "counter")

    def save(self) -> None:
        if self.product_id is None:
            self.error.setText(self.tr("Choose the product the review is about."))
            return
        if not self.stars.value():
            self.error.setText(self.tr("Give 1 to 5 stars (click a star, or press 1–5 on the stars)."))
            self.stars.setFocus()
            return
        try:
            self.result = self.service.add(self.ctx.require_staff(), self.draft())
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        self.accept()


class EditReviewDialog(QDialog):
    """A manager corrects a review's stars, title or text; ``view`` holds the saved review."""

    def __init__(self, ctx: AppContext, service: ReviewService, review: ReviewView, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.service, self.review = ctx, service, review
        self.view: ReviewView | None = None
        self.setWindowTitle(self.tr("Edit review of %1").replace("%1", review.product_name))
        self.resize(520, 380)
        self.stars = StarRating(self)
        self.stars.set_value(review.rating)
        self.title = QLineEdit(review.title, self)
        self.title.setObjectName("reviewTitle")
        self.body = QPlainTextEdit(review.body, self)
        self.body.setObjectName("reviewBody")
        self.body.setTabChangesFocus(True)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("&Stars:"), self.stars)
        form.addRow(self.tr("&Title:"), self.title)
        form.addRow(self.tr("&Review:"), self.body)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.stars.setFocus()

    def save(self) -> None:
        try:
            self.view = self.service.edit(self.ctx.require_staff(), self.review.review_id, rating=self.stars.value(),
                                          title=self.title.text(), body=self.body.toPlainText())
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        self.accept()
