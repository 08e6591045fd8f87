"""The orders area: orders to ship, taken by phone or from the web shop, and what happened
to each of them.

A searchable, state-filtered list of orders (paged by order number as it scrolls) on the
left; the selected order on the right: where it goes, its lines, the money, and its
timeline (who did what, when, and the state it moved to). Buttons take a new order,
record a payment, refund, cancel or add a note; they mirror what the order and the
person's role allow, and the services make the real check.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import format_money
from shopdesk.domain.order_flow import OPEN_STATES, OrderAction, OrderState
from shopdesk.domain.permissions import Permission
from shopdesk.domain.quantity import format_quantity
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.order_dialog import OrderDialog
from shopdesk.gui.order_payment_dialogs import (
    CancelOrderDialog,
    NoteDialog,
    OrderActionDialog,
    RecordPaymentDialog,
    RefundDialog,
    method_label,
)
from shopdesk.gui.row_models import PagedTableModel
from shopdesk.gui.scan_input import ERROR, INFO, SUCCESS, MessageStrip
from shopdesk.services.orders import OrderSummary, OrderView
from shopdesk.services.stock_views import Page

PAGE = 200
SEARCH_DELAY_MS = 250
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
STATE_COLOURS = {
    OrderState.CREATED: QColor("#8a5a00"), OrderState.PAID: QColor("#0a5c26"),
    OrderState.CANCELLED: QColor("#8a0012"), OrderState.RETURNED: QColor("#8a0012"),
}

#: How a timeline entry's action reads (anything else is shown as stored).
EVENT_LABELS = {
    "created": QT_TRANSLATE_NOOP("order_events", "Order created"),
    "payment": QT_TRANSLATE_NOOP("order_events", "Payment"),
    "refund": QT_TRANSLATE_NOOP("order_events", "Refund"),
    "note": QT_TRANSLATE_NOOP("order_events", "Note"),
    "pay": QT_TRANSLATE_NOOP("order_events", "Paid in full"),
    "pick": QT_TRANSLATE_NOOP("order_events", "Picked"),
    "pack": QT_TRANSLATE_NOOP("order_events", "Packed"),
    "ship": QT_TRANSLATE_NOOP("order_events", "Shipped"),
    "deliver": QT_TRANSLATE_NOOP("order_events", "Delivered"),
    "review": QT_TRANSLATE_NOOP("order_events", "Reviewed"),
    "cancel": QT_TRANSLATE_NOOP("order_events", "Cancelled"),
    "return": QT_TRANSLATE_NOOP("order_events", "Returned"),
}


def event_label(action: str) -> str:
    return QCoreApplication.translate("order_events", EVENT_LABELS.get(action, action))


def state_label(state: OrderState | str) -> str:
    try:
        return QCoreApplication.translate("orders", OrderState(state).label)
    except ValueError:
        return state


def local_time(when) -> str:
    """A stored UTC time as the shop's clock shows it."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when is not None else ""


class OrdersModel(PagedTableModel):
    """Order summaries, keyset-paged by order number (see :func:`orders_by_number`)."""

    NUMBER, DATE, SHIP_TO, PLACE, LINES, TOTAL, PAID, STATE, TRACKING = range(9)
    RIGHT_ALIGNED = frozenset({LINES, TOTAL, PAID})

    def __init__(self, currency: str, locale: str, parent=None) -> None:
        super().__init__((), parent)
        self.currency, self.locale = currency, locale
        self.headers = [self.tr("Number"), self.tr("Date"), self.tr("Ship to"), self.tr("City, country"),
                        self.tr("Lines"), self.tr("Total"), self.tr("Paid"), self.tr("State"), self.tr("Tracking")]

    def replace(self, view: OrderView) -> None:
        """Show an order's new figures in its row (after a payment, a cancel)."""
        for row, old in enumerate(self.rows):
            if old.order_id == view.order_id:
                self.rows[row] = OrderSummary(
                    view.order_id, view.number, view.state, view.created_at, view.ship_to.name, view.ship_to.city,
                    view.ship_to.country, len(view.lines), view.grand_total, view.paid_total,
                    view.cash_on_delivery, view.pick_batch, view.tracking_number)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.headers) - 1))
                return

    def row_of(self, order_id: str) -> int:
        return next((n for n, row in enumerate(self.rows) if row.order_id == order_id), -1)

    def foreground(self, order: OrderSummary, column: int):
        return STATE_COLOURS.get(order.state) if column == self.STATE else None

    def tooltip(self, order: OrderSummary, column: int) -> str | None:
        if column == self.PAID and order.cash_on_delivery:
            return self.tr("Cash on delivery")
        if column == self.DATE:
            return local_time(order.created_at)
        if column == self.SHIP_TO:
            return order.ship_name
        return None

    def display(self, order: OrderSummary, column: int) -> str:
        if column == self.NUMBER:
            return order.number
        if column == self.DATE:
            return local_time(order.created_at)[:10]
        if column == self.SHIP_TO:
            return order.ship_name
        if column == self.PLACE:
            return ", ".join(part for part in (order.ship_city, order.ship_country) if part)
        if column == self.LINES:
            return str(order.lines)
        if column == self.TOTAL:
            return format_money(order.grand_total, self.currency, self.locale)
        if column == self.PAID:
            paid = format_money(order.paid_total, self.currency, self.locale)
            return f"{paid} (COD)" if order.cash_on_delivery else paid
        if column == self.STATE:
            return state_label(order.state)
        return order.tracking_number


def _table(parent: QWidget, name: str, headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]], right: frozenset[int] = frozenset()) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c in right:
                item.setTextAlignment(RIGHT)
            table.setItem(r, c, item)
    table.resizeRowsToContents()


class OrderDetail(QWidget):
    """One order: ship-to, lines, money, payments and the timeline."""

    WHEN, WHO, WHAT, STATE, NOTE = range(5)

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("orderDetail")
        self.title = QLabel(self)
        self.title.setObjectName("orderTitle")
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.address = self._block("orderAddress")
        self.info = self._block("orderInfo")
        self.totals = QLabel(self)
        self.totals.setObjectName("orderTotals")
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        self.totals.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        self.lines = _table(self, "orderLinesTable", [self.tr("SKU"), self.tr("Product"), self.tr("Qty"),
                                                      self.tr("Price"), self.tr("Total")], 1)
        self.payments = _table(self, "orderPayments", [self.tr("When"), self.tr("Method"), self.tr("Amount"),
                                                       self.tr("Reference"), self.tr("By")], 3)
        self.timeline = _table(self, "orderTimeline", [self.tr("When"), self.tr("Who"), self.tr("What"),
                                                       self.tr("State"), self.tr("Note")], self.NOTE)
        for table, height in ((self.lines, 80), (self.payments, 60), (self.timeline, 110)):
            table.setMinimumHeight(height)

        top = QHBoxLayout()
        top.addWidget(self.address, 3)
        top.addWidget(self.info, 4)
        top.addWidget(self.totals)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addLayout(top)
        for caption, widget, stretch in ((self.tr("Lines"), self.lines, 3), (self.tr("Payments"), self.payments, 2),
                                         (self.tr("Timeline"), self.timeline, 4)):
            label = QLabel(caption, self)
            label.setStyleSheet("font-weight: bold; margin-top: 4px;")
            layout.addWidget(label)
            layout.addWidget(widget, stretch)
        self.show_order(None)

    def _block(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def money(self, amount: int, currency: str) -> str:
        return format_money(amount, currency, self.ctx.store.locale)

    def show_order(self, view: OrderView | None) -> None:
        if view is None:
            self.title.setText(self.tr("Select an order to see it here."))
            self.address.clear()
            self.info.clear()
            self.totals.clear()
            for table in (self.lines, self.payments, self.timeline):
                table.setRowCount(0)
            return
        locale, cur = self.ctx.store.locale, view.currency
        title = self.tr("%1 · %2 · taken %3").replace("%1", view.number).replace(
            "%2", state_label(view.state)).replace("%3", local_time(view.created_at))
        if view.source != "app":
            title += " · " + self.tr("from %1 %2").replace("%1", view.source).replace("%2", view.external_id or "")
        self.title.setText(title.strip())
        a = view.ship_to
        self.address.setText("\n".join(a.block()))
        block = [part for part in (a.phone, a.email) if part]
        if view.shipping_method:
            block.append(self.tr("Shipping: %1").replace("%1", view.shipping_method))
        if view.cash_on_delivery:
            block.append(self.tr("Cash on delivery"))
        if view.tracking_number:
            block.append(self.tr("Tracking: %1").replace("%1", view.tracking_number))
        if view.note:
            block.append(self.tr("Note: %1").replace("%1", view.note))
        self.info.setText("\n".join(block))

        rows = [(self.tr("Subtotal"), self.money(view.subtotal, cur)),
                (self.tr("of which tax") if self.ctx.store.prices_include_tax else self.tr("Tax"),
                 self.money(view.tax_total, cur)),
                (self.tr("Shipping"), self.money(view.shipping_charge, cur)),
                (self.tr("Total"), self.money(view.grand_total, cur)),
                (self.tr("Paid"), self.money(view.paid_total, cur)),
                (self.tr("Due"), self.money(view.due, cur))]
        html = "".join(
            f"<tr><td>{escape(name)}</td><td align='right' style='padding-left:16px'>"
            + (f"<b>{escape(value)}</b>" if name in (self.tr("Total"), self.tr("Due")) else escape(value))
            + "</td></tr>" for name, value in rows)
        self.totals.setText(f"<table>{html}</table>")

        _fill(self.lines, [(line.sku, line.name, format_quantity(line.quantity, locale),
                            self.money(line.unit_price, cur), self.money(line.gross, cur))
                           for line in view.lines], frozenset({2, 3, 4}))
        _fill(self.payments, [(local_time(p.at), method_label(p.method), self.money(p.amount, cur),
                               p.reference, p.user) for p in view.payments], frozenset({2}))
        _fill(self.timeline, [(local_time(e.at), e.user or self.tr("(system)"), event_label(e.action),
                               self.state_change(e.from_state, e.to_state), e.note) for e in view.events])
        self.timeline.scrollToBottom()

    def state_change(self, before: str, after: str) -> str:
        if before and after:
            return f"{state_label(before)} → {state_label(after)}"
        return state_label(after) if after else ""

    def timeline_rows(self) -> list[tuple[str, ...]]:
        """What the timeline shows, row by row (for tests and copying)."""
        return [tuple(self.timeline.item(r, c).text() for c in range(self.timeline.columnCount()))
                for r in range(self.timeline.rowCount())]


class OrdersWindow(QWidget):
    """Search and follow orders to ship; take new ones."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.current: OrderView | None = None
        self.setObjectName("ordersWindow")

        self.search = QLineEdit(self)
        self.search.setObjectName("orderSearch")
        self.search.setPlaceholderText(self.tr("Order number, name, city, tracking or web shop id…"))
        self.search.setClearButtonEnabled(True)
        self.state_filter = QComboBox(self)
        self.state_filter.setObjectName("orderStateFilter")
        self.state_filter.addItem(self.tr("All states"), None)
        self.state_filter.addItem(self.tr("Open (not shipped)"), tuple(s for s in OrderState if s in OPEN_STATES))
        for state in OrderState:
            self.state_filter.addItem(state_label(state), (state,))
        self.new_button = QPushButton(self.tr("&New order… (Ctrl+N)"), self)
        self.new_button.setObjectName("newOrderButton")
        self.new_button.clicked.connect(self.new_order)
        self.new_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        self.new_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_shortcut.activated.connect(self.new_order)

        self.model = OrdersModel(ctx.store.currency, ctx.store.locale, self)
        self.table = QTableView(self)
        self.table.setObjectName("ordersTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(OrdersModel.SHIP_TO, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(OrdersModel.SHIP_TO, 150)
        header.setStretchLastSection(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._row_chosen())

        self.detail = OrderDetail(ctx, self)
        self.pay_button = QPushButton(self.tr("Record &payment…"), self)
        self.pay_button.setObjectName("recordPaymentButton")
        self.pay_button.clicked.connect(lambda: self._act(RecordPaymentDialog, self.tr("Payment recorded on %1.")))
        self.refund_button = QPushButton(self.tr("Re&fund…"), self)
        self.refund_button.setObjectName("refundButton")
        self.refund_button.clicked.connect(lambda: self._act(RefundDialog, self.tr("Refund recorded on %1.")))
        self.cancel_button = QPushButton(self.tr("&Cancel order…"), self)
        self.cancel_button.setObjectName("cancelOrderButton")
        self.cancel_button.clicked.connect(lambda: self._act(CancelOrderDialog, self.tr("%1 cancelled.")))
        self.note_button = QPushButton(self.tr("Add &note…"), self)
        self.note_button.setObjectName("addNoteButton")
        self.note_button.clicked.connect(lambda: self._act(NoteDialog, self.tr("Note added to %1.")))
        self.review_button = QPushButton(self.tr("Re&view…"), self)
        self.review_button.setObjectName("reviewOrderButton")
        self.review_button.clicked.connect(self.review_order)
        self.message = MessageStrip(self, "ordersMessage")

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(QLabel(self.tr("State:"), self))
        filters.addWidget(self.state_filter)
        filters.addWidget(self.new_button)
        actions = QGridLayout()
        # Three to a row: the labels stay whole when the window is no wider than a till's screen.
        for n, button in enumerate((self.pay_button, self.refund_button, self.cancel_button, self.note_button,
                                    self.review_button)):
            actions.addWidget(button, n // 3, n % 3)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.detail, 1)
        right.setMinimumWidth(440)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 520])
        root = QVBoxLayout(self)
        root.addLayout(filters)
        root.addWidget(self.message)
        root.addWidget(self.splitter, 1)

        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self.reload)
        self.state_filter.currentIndexChanged.connect(lambda _n: self.reload())
        self.message.show_message(self.tr("Orders to ship: search, or take a new one with Ctrl+N."), INFO)
        self.reload()

    # -- loading -------------------------------------------------------------------------
    def reload(self, select_id: str | None = None) -> None:
        """The first page of orders for the search and state; keeps (or moves to) the
        selected order when it is listed."""
        self._timer.stop()
        keep = select_id or (self.current.order_id if self.current else None)
        if self.ctx.staff is None:
            self.model.reset(None)
            self._row_chosen()
            return
        orders, actor = self.ctx.orders, self.ctx.staff
        states, text = self.state_filter.currentData(), self.search.text().strip()

        def fetch(after: tuple | None) -> Page:
            rows = orders.queue(actor, states, search=text, after_number=after[0] if after else "", limit=PAGE)
            return Page(tuple(rows), (rows[-1].number,) if len(rows) == PAGE else None)

        try:
            self.model.reset(fetch)
        except ShopDeskError as err:
            self.model.reset(None)
            self.say(error_text(err), ERROR)
        row = self.model.row_of(keep) if keep else -1
        if row < 0 and text and self.model.rowCount() == 1:
            row = 0  # one order found: show it
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.table.clearSelection()
        self._row_chosen()

    def refresh_permissions(self) -> None:
        self._update_buttons()

    def say(self, text: str, kind: str = INFO) -> None:
        self.message.show_message(text, kind)

    # -- the selected order ----------------------------------------------------------------
    def selected_id(self) -> str | None:
        chosen = self.table.selectionModel().selectedRows()
        if not chosen:
            return None
        row = self.model.rows[chosen[0].row()] if chosen[0].row() < len(self.model.rows) else None
        return row.order_id if row else None

    def _row_chosen(self) -> None:
        order_id = self.selected_id()
        self.current = None
        if order_id is not None and self.ctx.staff is not None:
            try:
                self.current = self.ctx.orders.get(self.ctx.staff, order_id)
            except ShopDeskError as err:
                self.say(error_text(err), ERROR)
        self.detail.show_order(self.current)
        self._update_buttons()

    def _update_buttons(self) -> None:
        staff, view = self.ctx.staff, self.current
        takes = bool(staff and staff.can(Permission.TAKE_ORDERS))
        refunds = bool(staff and staff.can(Permission.REFUND))
        self.new_button.setEnabled(takes)
        self.new_shortcut.setEnabled(takes)
        sells = bool(staff and (staff.can(Permission.SELL) or takes))
        self.review_button.setEnabled(sells and view is not None and view.state is OrderState.DELIVERED)
        if view is None:
            for button in (self.pay_button, self.refund_button, self.cancel_button, self.note_button):
                button.setEnabled(False)
            return
        may_pay = view.due > 0 and (view.state in OPEN_STATES or (
            view.cash_on_delivery and view.state not in (OrderState.CANCELLED, OrderState.RETURNED)))
        self.pay_button.setEnabled(takes and may_pay)
        self.refund_button.setEnabled(refunds and view.paid_total > 0)
        self.cancel_button.setEnabled(takes and OrderAction.CANCEL in view.actions
                                      and (view.paid_total <= 0 or refunds))
        self.cancel_button.setToolTip(self.tr("A paid order is cancelled by a manager (its money is refunded).")
                                      if takes and view.paid_total > 0 and not refunds else "")
        self.note_button.setEnabled(takes)

    # -- acting ----------------------------------------------------------------------------
    def new_order(self) -> None:
        if self.ctx.staff is None:
            return
        dialog = OrderDialog(self.ctx, self)
        accepted = dialog.exec()
        view = dialog.view
        dialog.deleteLater()
        if not accepted or view is None:
            return
        self.say(self.tr("%1 created for %2: %3.").replace("%1", view.number).replace("%2", view.ship_to.name)
                 .replace("%3", format_money(view.grand_total, view.currency, self.ctx.store.locale)), SUCCESS)
        self.reload(select_id=view.order_id)
        if self.model.row_of(view.order_id) < 0:  # the filter hides it: show it anyway
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.state_filter.setCurrentIndex(0)
            self.reload(select_id=view.order_id)

    def _act(self, dialog_class: type[OrderActionDialog], done: str) -> None:
        if self.current is None:
            self.say(self.tr("Select an order first."), ERROR)
            return
        dialog = dialog_class(self.ctx, self.current, self)
        accepted = dialog.exec()
        view = dialog.view
        dialog.deleteLater()
        if not accepted or view is None:
            return
        self.say(done.replace("%1", view.number) + " " + self.tr("Now %1, due %2.").replace(
            "%1", state_label(view.state)).replace(
            "%2", format_money(view.due, view.currency, self.ctx.store.locale)), SUCCESS)
        self.model.replace(view)
        self.current = view
        self.detail.show_order(view)
        self._update_buttons()

    def review_order(self) -> None:
        """Enter what the customer said about a delivered order's products (the review dialog,
        with the order's lines to choose from); the order is reviewed once every line is."""
        if self.current is None:
            return
        from shopdesk.gui.review_dialog import ReviewDialog

        dialog = ReviewDialog(self.ctx, self, order=self.current)
        dialog.exec()
        result = dialog.result
        dialog.deleteLater()
        if result is None:
            return
        self.say(self.tr("Review of %1 saved.").replace("%1", result.review.product_name)
                 + (" " + self.tr("%1 is now reviewed.").replace("%1", self.current.number)
                    if result.order_reviewed else ""), SUCCESS)
        self.reload(select_id=self.current.order_id)
