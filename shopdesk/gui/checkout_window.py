"""The counter: scan field with focus, cart lines, totals, and payment (F12).

A keyboard-wedge scanner types the barcode and Enter into the scan field; each Enter is
one lookup through the checkout service. Unknown or invalid codes show a message in the
status strip (never a modal box that would swallow the next scans) and add nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.gtin import is_valid_gtin
from shopdesk.domain.money import format_money
from shopdesk.domain.quantity import format_quantity, parse_quantity
from shopdesk.gui.background import run_in_background
from shopdesk.gui.cart_model import CartTableModel, RowTexts
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.payment_dialog import PaymentDialog
from shopdesk.gui.product_picker import ProductPicker
from shopdesk.gui.scan_input import ERROR, INFO, SUCCESS, WARNING, MessageStrip, ScanKeyRouter
from shopdesk.services.cart_view import CartView
from shopdesk.services.checkout import ScanPreview
from shopdesk.services.payments import PaymentService, SaleResult, Tender
from shopdesk.services.receipts import ReceiptOutput
from shopdesk.services.returns import ReturnsService

SELECT_ROW = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows


class CartTexts(NamedTuple):
    """A cart as the screen writes it: the table's row texts, the totals, the counts and the
    message for the line last added."""

    rows: list[RowTexts]
    subtotal: str
    tax: str
    total: str
    count: str
    added: str


class LookedAhead(NamedTuple):
    """A scan worked out before its Enter: the code, the cart shown then, the line it adds
    and the screen's texts after it."""

    code: str
    cart: CartView | None
    preview: ScanPreview
    texts: CartTexts


class CheckoutWindow(QWidget):
    sale_completed = Signal(object)  # SaleResult
    receipt_issued = Signal(object)  # ReceiptOutput

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cart: CartView | None = None
        self.last_sale: SaleResult | None = None
        self.last_unknown = ""
        self.pending_scan: ScanPreview | None = None  # shown, written on the next turn of the event loop
        self.setObjectName("checkoutWindow")

        self.scan_field = QLineEdit(self)
        self.scan_field.setObjectName("scanField")
        self.scan_field.setPlaceholderText(self.tr("Scan a barcode or type a code, then Enter"))
        self.scan_field.returnPressed.connect(self._on_scan_entered)
        self.scan_field.textChanged.connect(self._look_ahead)
        self.looked_ahead: LookedAhead | None = None

        self.message = MessageStrip(self)

        self.model = CartTableModel(self)
        self.model.quantity_edited.connect(self._on_quantity_edited)
        self.table = QTableView(self)
        self.table.setObjectName("cartTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(CartTableModel.ITEM, QHeaderView.ResizeMode.Stretch)
        # Fixed widths that fit a large amount: sizing the columns to their contents would
        # measure every cell again on every scan (most of a scan's time on screen).
        metrics = self.table.fontMetrics()
        widest = format_money(-99_999_999, ctx.store.currency, ctx.store.locale)
        for column, sample in ((CartTableModel.QUANTITY, "-9,999.999"), (CartTableModel.UNIT_PRICE, widest),
                               (CartTableModel.TOTAL, widest)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            title = self.model.headerData(column, Qt.Orientation.Horizontal)
            header.resizeSection(column, max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title)) + 24)

        self.find_button = QPushButton(self.tr("&Find product… (F3)"), self)
        self.find_button.clicked.connect(self.find_product)
        self.quantity_button = QPushButton(self.tr("&Quantity… (F4)"), self)
        self.quantity_button.clicked.connect(self.ask_quantity)
        self.remove_button = QPushButton(self.tr("&Remove line (Del)"), self)
        self.remove_button.clicked.connect(self.remove_selected_line)
        self.pay_button = QPushButton(self.tr("&Pay (F12)"), self)
        self.pay_button.setObjectName("payButton")
        self.pay_button.setMinimumHeight(48)
        self.pay_button.clicked.connect(self.open_payment)

        self.subtotal_label = QLabel(self)
        self.tax_label = QLabel(self)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("totalLabel")
        self.total_label.setStyleSheet("font-size: 26pt; font-weight: bold;")
        for label in (self.subtotal_label, self.tax_label, self.total_label):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.count_label = QLabel(self)

        totals = QFormLayout()
        totals.addRow(self.tr("Subtotal:"), self.subtotal_label)
        totals.addRow(self.tr("of which tax:"), self.tax_label)
        totals.addRow(self.tr("Total:"), self.total_label)
        totals_box = QFrame(self)
        totals_box.setFrameShape(QFrame.Shape.StyledPanel)
        totals_box.setLayout(totals)

        side = QVBoxLayout()
        side.addWidget(totals_box)
        side.addWidget(self.count_label)
        side.addStretch(1)
        # Counter features add their buttons here (see add_action): discounts, customer,
        # park/resume, returns, ... in a grid above the fixed buttons.
        self.action_grid = QGridLayout()
        side.addLayout(self.action_grid)
        side.addWidget(self.find_button)
        side.addWidget(self.quantity_button)
        side.addWidget(self.remove_button)
        side.addWidget(self.pay_button)
        self.key_actions = {Qt.Key.Key_F12: self.open_payment, Qt.Key.Key_F4: self.ask_quantity,
                            Qt.Key.Key_F3: self.find_product, Qt.Key.Key_Delete: self.remove_selected_line}

        body = QHBoxLayout()
        self.cart_column = QVBoxLayout()  # the cart table, then panels features add (add_panel)
        self.cart_column.addWidget(self.table, 1)
        body.addLayout(self.cart_column, 3)
        body.addLayout(side, 1)

        root = QVBoxLayout(self)
        root.addWidget(self.scan_field)
        root.addWidget(self.message)
        root.addLayout(body, 1)

        # A scanner types wherever the focus is: keys typed on the cart table or the buttons
        # (after a click there) are handed to the scan field, so no scan is lost.
        self.scan_router = ScanKeyRouter(self.scan_field, self._on_scan_entered, self)
        self.scan_router.watch((self.table, self.find_button, self.quantity_button, self.remove_button,
                                self.pay_button))

        self._install_features()
        self.show_message(self.tr("Ready. Scan the first item."), INFO)
        app = QApplication.instance()
        if app is not None:  # a scan shown in the last instant before quitting is still written
            app.aboutToQuit.connect(self.write_pending_scan)

    def closeEvent(self, event) -> None:
        self.write_pending_scan()
        super().closeEvent(event)

    def _install_features(self) -> None:
        """Counter features that add buttons and keys (each one line, see add_action)."""
        from shopdesk.gui.returns_dialog import install_returns  # returns, refunds, exchanges (F11)
        install_returns(self)
        from shopdesk.gui.parked_carts_dialog import install_counter_extras
        install_counter_extras(self)  # customer (F5), park (F9) / resume (F10), quick keys
        from shopdesk.gui.discount_dialogs import install_discounts
        install_discounts(self)  # line discount (F6), cart discount (F7), price override (F8)
        from shopdesk.gui.checkout_product_info import install_product_info
        install_product_info(self)  # the selected line's product: price, stock, rating
        from shopdesk.gui.recommendation_panel import install_recommendations
        install_recommendations(self)  # what goes with the cart (suggestions strip)

    def keyPressEvent(self, event) -> None:
        # Function keys arrive here from whichever child has focus (the scan field and the
        # table do not use them). Handled as key events rather than window shortcuts, so
        # they work even where no window manager marks the window active.
        action = self.key_actions.get(event.key())
        if action is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        event.accept()
        self.write_pending_scan()
        action()

    def add_action(self, button: QPushButton, action, key: Qt.Key | None = None) -> None:
        """Put a feature's button in the side grid (two per row), with an optional function key."""
        count = self.action_grid.count()
        self.action_grid.addWidget(button, count // 2, count % 2)
        button.clicked.connect(lambda: (self.write_pending_scan(), action()))
        button.installEventFilter(self.scan_router)  # a scan after clicking it still lands
        if key is not None:
            self.key_actions[key] = action

    def add_panel(self, widget: QWidget) -> None:
        """Put a feature's panel below the cart table (e.g. the quick keys)."""
        self.cart_column.addWidget(widget)

    # -- state ---------------------------------------------------------------------------
    def reload(self) -> None:
        """Show the till's cart as stored (after log-in, or a restart after a crash)."""
        self.write_pending_scan()
        try:
            self._show_cart(self.ctx.checkout.current_cart(self.ctx.require_staff(), self.ctx.till.till_id))
        except ShopDeskError as err:
            self.show_message(error_text(err), ERROR)
        if self.cart and not self.cart.is_empty:
            self.show_message(self.tr("The cart in progress was restored."), INFO)
        self.focus_scan()

    def focus_scan(self) -> None:
        self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_message(self, text: str, kind: str = INFO) -> None:
        self.message.show_message(text, kind)

    def _cart_texts(self, view: CartView) -> CartTexts:
        """Everything :meth:`_show_cart` writes on screen for ``view``, as text."""
        totals = view.totals
        items = sum((line.quantity for line in view.lines), Decimal(0))
        count = (self.tr("%n line(s)", "", len(view.lines)) + " · "
                 + self.tr("items: %1").replace("%1", format_quantity(items, view.locale)))
        line = next((x for x in view.lines if x.line_id == view.last_line_id), None)
        added = "" if line is None else self.tr("%1 — %2").replace("%1", line.name).replace(
            "%2", format_money(line.unit_price, view.currency, view.locale))
        return CartTexts(self.model.texts_for(view), format_money(totals.subtotal, view.currency, view.locale),
                         format_money(totals.tax_total, view.currency, view.locale),
                         format_money(totals.grand_total, view.currency, view.locale), count, added)

    def _show_cart(self, view: CartView, *, select_now: bool = True, texts: CartTexts | None = None) -> None:
        texts = texts or self._cart_texts(view)
        self.cart = view
        self.model.set_cart(view, texts.rows)
        self.subtotal_label.setText(texts.subtotal)
        self.tax_label.setText(texts.tax)
        self.total_label.setText(texts.total)
        self.count_label.setText(texts.count)
        if select_now:
            self._select_last_line()
        self.pay_button.setEnabled(not view.is_empty)

    def _select_last_line(self) -> None:
        row = self.model.row_of(self.cart.last_line_id if self.cart else None)
        if row >= 0:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(index, SELECT_ROW)
            self.table.scrollTo(index)

    # -- actions ---------------------------------------------------------------------------
    def _on_scan_entered(self) -> None:
        code = self.scan_field.text()
        self.scan_field.blockSignals(True)  # an emptied field has nothing to look ahead for
        self.scan_field.clear()
        self.scan_field.blockSignals(False)
        if not code.strip():
            return
        self.scan(code)

    def _look_ahead(self, text: str) -> None:
        """Once the field holds a whole GTIN (length and check digit), work out the line it
        adds while the scanner is still sending its last keys: Enter then only shows it.

        Kept with the code and the cart it was worked out for; :meth:`scan` uses it only
        when both are still the same, and the write that follows is the truth anyway.
        """
        if not is_valid_gtin(text) or self.ctx.staff is None:
            return
        try:
            preview = self.ctx.checkout.preview_scan(self.ctx.staff, self.cart, text)
        except ShopDeskError:
            return  # Enter reports it, through the ordinary scan
        self.looked_ahead = None if preview is None else LookedAhead(
            text, self.cart, preview, self._cart_texts(preview.view))

    def scan(self, code: str) -> None:
        self.write_pending_scan()
        ahead, self.looked_ahead = self.looked_ahead, None
        try:
            texts = None
            if ahead is not None and ahead.code == code and ahead.cart is self.cart:
                preview, texts = ahead.preview, ahead.texts
            else:
                preview = self.ctx.checkout.preview_scan(self.ctx.require_staff(), self.cart, code)
            if preview is not None:
                # The line is shown now and written as soon as Qt is back in its event loop
                # (before any other action: see write_pending_scan), so the cashier sees it
                # within the keystroke, not after the disk.
                # Selecting the line makes the table lay out its rows first: that waits
                # for the same turn of the loop (the highlight lands in the same frame).
                self._added(preview.view, select_now=False, texts=texts)
                self.pending_scan = preview
                QTimer.singleShot(0, self.write_pending_scan)
                return
            view = self.ctx.checkout.scan(self.ctx.require_staff(), self.ctx.till.till_id, code)
        except ShopDeskError as err:
            self._scan_refused(code, err)
            return
        self._added(view)
        self._warn_if_reserved(view)

    def write_pending_scan(self) -> None:
        """Store the scan that is shown but not yet written; every action calls this first."""
        preview, self.pending_scan = self.pending_scan, None
        if preview is None:
            return
        try:
            view = self.ctx.checkout.commit_scan(self.ctx.require_staff(), self.ctx.till.till_id, preview)
        except ShopDeskError as err:
            self.pending_scan = None
            self._show_stored_cart()
            self._scan_refused(preview.code, err)
            return
        if view != self.cart:  # the stored cart differs from what was shown (e.g. a new price)
            self._show_cart(view)
        else:  # the cart shown stays (the same object: a line looked ahead for it still fits)
            self._select_last_line()
        self._warn_if_reserved(view)

    def _warn_if_reserved(self, view: CartView) -> None:
        """Say so when the last line takes units that orders to ship hold (not refused)."""
        line = next((x for x in view.lines if x.line_id == view.last_line_id), None)
        if line is None or line.quantity <= 0:
            return
        in_cart = sum((x.quantity for x in view.lines if x.product_id == line.product_id and x.quantity > 0),
                      Decimal(0))
        held = self.ctx.checkout.reserved_stock(self.ctx.till.till_id, line.product_id, in_cart)
        if held is not None:
            QApplication.beep()
            self.show_message(
                self.tr("Reserved: %1 of %2 here are held for orders to ship (%3); only %4 are free. "
                        "Sell it only if the shelf really has more.")
                .replace("%1", format_quantity(held.reserved, view.locale)).replace("%2", held.name)
                .replace("%3", ", ".join(held.orders)).replace("%4", format_quantity(max(held.free, Decimal(0)),
                                                                                     view.locale)), WARNING)

    def _show_stored_cart(self) -> None:
        try:
            self._show_cart(self.ctx.checkout.current_cart(self.ctx.require_staff(), self.ctx.till.till_id))
        except ShopDeskError as err:
            self.show_message(error_text(err), ERROR)

    def _scan_refused(self, code: str, err: ShopDeskError) -> None:
        QApplication.beep()
        self.last_unknown = code.strip()
        # No dialog pops up here: the next scans must land. F3 searches for the text.
        self.show_message(error_text(err) + "  " + self.tr("F3: search for it."), ERROR)

    def find_product(self) -> None:
        """Pick a product by name/SKU/brand/pinyin: the catalog search, for items without a barcode."""
        self.write_pending_scan()
        text = self.scan_field.text().strip() or self.last_unknown
        self.scan_field.clear()
        picker = ProductPicker(self.ctx.search, self.ctx.store.currency, self.ctx.store.locale, text, self)
        if picker.exec() and picker.chosen is not None:
            try:
                view = self.ctx.checkout.add_product(self.ctx.require_staff(), self.ctx.till.till_id,
                                                     picker.chosen.product_id)
            except ShopDeskError as err:
                self.show_message(error_text(err), ERROR)
            else:
                self.last_unknown = ""
                self._added(view)
        self.focus_scan()

    def _added(self, view: CartView, *, select_now: bool = True, texts: CartTexts | None = None) -> None:
        texts = texts or self._cart_texts(view)
        self._show_cart(view, select_now=select_now, texts=texts)
        self.show_message(texts.added, SUCCESS)

    def _selected_line_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.line(rows[0].row()).line_id

    def ask_quantity(self) -> None:
        self.write_pending_scan()
        line_id = self._selected_line_id()
        if line_id is None:
            self.show_message(self.tr("Select a line first."), ERROR)
            return
        current = self.model.line(self.model.row_of(line_id)).quantity
        text, ok = QInputDialog.getText(self, self.tr("Quantity"), self.tr("New quantity:"), text=str(current))
        if ok:
            self._on_quantity_edited(line_id, text)
        self.focus_scan()

    def _on_quantity_edited(self, line_id: str, text: str) -> None:
        self.write_pending_scan()
        try:
            quantity = parse_quantity(text, locale=self.cart.locale if self.cart else "en_US")
            view = self.ctx.checkout.set_quantity(self.ctx.require_staff(), self.ctx.till.till_id, line_id, quantity)
        except ShopDeskError as err:
            self.show_message(error_text(err), ERROR)
            return
        self._show_cart(view)
        self.show_message(self.tr("Quantity changed."), INFO)
        self.focus_scan()

    def remove_selected_line(self) -> None:
        self.write_pending_scan()
        line_id = self._selected_line_id()
        if line_id is None:
            self.show_message(self.tr("Select a line first."), ERROR)
            return
        try:
            view = self.ctx.checkout.remove_line(self.ctx.require_staff(), self.ctx.till.till_id, line_id)
        except ShopDeskError as err:
            self.show_message(error_text(err), ERROR)
            return
        self._show_cart(view)
        self.show_message(self.tr("Line removed."), INFO)
        self.focus_scan()

    def open_payment(self) -> None:
        """F12 / Pay: take payment for the cart (split tenders, or paying back on a return,
        where the refund goes back the way the returned sale was paid)."""
        self.write_pending_scan()
        suggested: list[Tender] = []
        if self.cart is not None and self.cart.total < 0 and self.cart.original_sale_id:
            try:
                suggested = [Tender(code, amount) for code, amount in
                             ReturnsService(self.ctx.db).suggested_refund(self.ctx.till.till_id)]
            except ShopDeskError as err:
                self.show_message(error_text(err), ERROR)
        self.take_payment(suggested)

    def take_payment(self, suggested: Sequence[Tender] = ()) -> None:
        """Open the payment dialog; ``suggested`` tenders (e.g. how the returned sale was paid)
        are offered first."""
        staff, till_id = self.ctx.require_staff(), self.ctx.till.till_id
        payments = PaymentService(self.ctx.db)
        try:  # the cart as stored now: another screen (returns, customer) may have changed it
            self._show_cart(self.ctx.checkout.current_cart(staff, till_id))
            tender_types, rounding_step = payments.payment_options()
        except ShopDeskError as err:
            self.show_message(error_text(err), ERROR)
            self.focus_scan()
            return
        if self.cart is None or self.cart.is_empty:
            self.show_message(self.tr("The cart is empty: scan an item first."), ERROR)
            self.focus_scan()
            return
        dialog = PaymentDialog(
            self.cart.total, self.cart.currency, self.cart.locale,
            complete=lambda tenders: payments.pay(staff, till_id, tenders),
            tender_types=tender_types, rounding_step=rounding_step,
            customer_attached=self.cart.customer_id is not None, suggested=suggested,
            declined=lambda code, amount, reason: payments.record_declined(staff, till_id, code, amount, reason),
            parent=self,
        )
        if dialog.exec() and dialog.result_sale is not None:
            self._sale_done(dialog.result_sale)
        self.focus_scan()

    def _sale_done(self, sale: SaleResult) -> None:
        self.last_sale = sale
        self.reload()
        locale = self.ctx.store.locale
        if sale.due < 0:
            self.show_message(self.tr("Paid back: %1 — receipt %2").replace(
                "%1", format_money(-sale.due, sale.currency, locale)).replace("%2", sale.receipt_number), SUCCESS)
        else:
            change = format_money(sale.change, sale.currency, locale)
            self.show_message(
                self.tr("Paid. Change due: %1 — receipt %2").replace("%1", change).replace("%2", sale.receipt_number),
                SUCCESS,
            )
        self.sale_completed.emit(sale)
        receipts = self.ctx.receipts
        run_in_background(  # the drawer opens only for tenders that go in it (cash, vouchers)
            lambda: receipts.issue(sale.sale_id, open_drawer=sale.open_drawer),
            self._receipt_done,
            self._receipt_failed,
        )

    def _receipt_done(self, output: ReceiptOutput) -> None:
        if output.printer_error is not None:
            self.show_message(
                self.tr("Sale saved, but the receipt printer failed: %1").replace(
                    "%1", error_text(output.printer_error)), ERROR)
        self.receipt_issued.emit(output)

    def _receipt_failed(self, err: Exception) -> None:
        text = error_text(err) if isinstance(err, ShopDeskError) else str(err)
        self.show_message(self.tr("Sale saved, but the receipt could not be made: %1").replace("%1", text), ERROR)
