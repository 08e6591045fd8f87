"""The stock window (back office): what is where, how it got there, what to reorder and
what it is worth; transfers between locations and manual adjustments.

Tabs: "On hand" (paged, searchable, per-product totals below), "Movements" (one
product's ledger, paged as it scrolls), "Low stock" and "Valuation" (computed off the GUI
thread). Buttons mirror the staff's permissions; the services make the real check.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money
from shopdesk.domain.permissions import Permission
from shopdesk.domain.quantity import format_quantity
from shopdesk.gui.background import run_in_background
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.product_picker import ProductPicker
from shopdesk.gui.purchasing_tab import PurchaseOrdersTab, SuppliersTab
from shopdesk.gui.scan_input import ERROR, INFO, SUCCESS, MessageStrip
from shopdesk.gui.stock_dialogs import AdjustDialog
from shopdesk.gui.stock_models import PAGE, REASON_LABELS, MovementsModel, OnHandModel, reason_label
from shopdesk.gui.stock_report_tabs import LowStockTab, Say, ValuationTab, problem_text, table_view
from shopdesk.gui.transfer_dialog import TransferDialog
from shopdesk.services.catalog_search import worth_searching_as_you_type
from shopdesk.services.stock_locations import STOCK_KINDS, LocationService
from shopdesk.services.stock_views import OnHandRow, StockViews

SEARCH_DELAY_MS = 150
NO_DATE = QDate(2000, 1, 1)  # a date edit at its minimum shows "any": no limit


def _location_items(combo: QComboBox, ctx: AppContext, all_label: str) -> None:
    combo.addItem(all_label, None)
    for loc in LocationService(ctx.db).list_locations(STOCK_KINDS):
        suffix = "" if loc.kind == "internal" else f" ({loc.kind})"
        combo.addItem(f"{loc.code} — {QCoreApplication.translate('locations', loc.name)}{suffix}", loc.code)


class OnHandTab(QWidget):
    """Non-zero balances by SKU, per location; the selected product's totals below."""

    movements_requested = Signal(str, str)  # product id, "name · sku"
    selection_changed = Signal()

    def __init__(self, ctx: AppContext, say: Say, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.say = ctx, say
        self.views = StockViews(ctx.db)
        self.location = QComboBox(self)
        self.location.setObjectName("onHandLocation")
        _location_items(self.location, ctx, self.tr("All shop locations"))
        self.search = QLineEdit(self)
        self.search.setObjectName("onHandSearch")
        self.search.setPlaceholderText(self.tr("Scan or type a barcode, SKU or words…"))
        self.search.setClearButtonEnabled(True)
        self.model = OnHandModel(ctx.store.currency, ctx.store.locale, self)
        self.table = table_view(self, "onHandTable", self.model, OnHandModel.NAME)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._row_chosen())
        self.table.doubleClicked.connect(lambda _index: self.request_movements())

        self.product_label = QLabel(self)
        self.product_label.setObjectName("productTitle")
        self.totals = QTableWidget(0, 4, self)
        self.totals.setObjectName("productTotals")
        self.totals.setHorizontalHeaderLabels([self.tr("Location"), self.tr("Bin"), self.tr("Quantity"),
                                               self.tr("Value")])
        self.totals.verticalHeader().setVisible(False)
        self.totals.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.totals.setMaximumHeight(130)
        header = self.totals.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        self.movements_button = QPushButton(self.tr("&Movements"), self)
        self.movements_button.setObjectName("movementsButton")
        self.movements_button.clicked.connect(self.request_movements)
        self.adjust_button = QPushButton(self.tr("&Adjust…"), self)
        self.adjust_button.setObjectName("adjustButton")
        self.bin_button = QPushButton(self.tr("Set &bin…"), self)
        self.bin_button.setObjectName("setBinButton")
        self.bin_button.clicked.connect(self.set_bin)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Location:"), self))
        filters.addWidget(self.location)
        filters.addWidget(self.search, 1)
        side = QVBoxLayout()
        for button in (self.movements_button, self.adjust_button, self.bin_button):
            side.addWidget(button)
        side.addStretch(1)
        below = QHBoxLayout()
        below.addWidget(self.totals, 1)
        below.addLayout(side)
        root = QVBoxLayout(self)
        root.addLayout(filters)
        root.addWidget(self.table, 1)
        root.addWidget(self.product_label)
        root.addLayout(below)

        self._generation = 0
        self.searching = False  # a text search is running off the GUI thread
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._typed)
        self.search.returnPressed.connect(self.reload)
        self.location.currentIndexChanged.connect(self.reload)
        self.reload()

    # -- loading ------------------------------------------------------------------------
    def _typed(self, text: str) -> None:
        if worth_searching_as_you_type(text) or not text.strip():
            self._timer.start()
        else:
            self._timer.stop()

    def reload(self) -> None:
        """Show the first page for the filters; a text search runs off the GUI thread and
        only the answer to the latest text is shown."""
        self._timer.stop()
        self._generation += 1
        generation, views = self._generation, self.views
        code, text = self.location.currentData(), self.search.text().strip()

        def fetch(after):
            return views.on_hand_page(code, text, after=after, limit=PAGE)

        self.searching = bool(text)
        if not text:
            try:
                self.model.reset(fetch)
            except ShopDeskError as err:
                self.say(error_text(err), ERROR)
            self._row_chosen()
            return
        run_in_background(lambda: fetch(None), lambda page: self._searched(generation, fetch, page),
                          lambda err: self._search_failed(generation, err))

    def _searched(self, generation: int, fetch, page) -> None:
        if generation != self._generation:
            return
        self.searching = False
        self.model.reset(fetch, page)
        if len(page.rows) == 1 or len({row.product_id for row in page.rows}) == 1:
            self.table.selectRow(0)
        self._row_chosen()

    def _search_failed(self, generation: int, err: Exception) -> None:
        if generation == self._generation:
            self.searching = False
            self.say(problem_text(err), ERROR)

    def refresh(self) -> None:
        """Reload after stock changed, keeping the selected product's totals in view."""
        self.reload()

    # -- the selected row ---------------------------------------------------------------
    def selected(self) -> OnHandRow | None:
        chosen = self.table.selectionModel().selectedRows()
        return self.model.row(chosen[0].row()) if chosen else None

    def _row_chosen(self) -> None:
        row = self.selected()
        self.totals.setRowCount(0)
        if row is None:
            self.product_label.setText(self.tr("Select a row to see where the product is."))
            self.selection_changed.emit()
            return
        currency, locale = self.ctx.store.currency, self.ctx.store.locale
        places = self.views.total_for_product(row.product_id)
        total = sum((p.quantity for p in places if p.kind == "internal"), start=Decimal(0))
        self.product_label.setText(self.tr("%1 · %2 — %3 in the shop").replace("%1", row.name).replace(
            "%2", row.sku).replace("%3", format_quantity(total, locale)))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        self.totals.setRowCount(len(places))
        for n, place in enumerate(places):
            name = QCoreApplication.translate("locations", place.location_name)
            kind = "" if place.kind == "internal" else f" ({place.kind})"
            cells = (f"{place.location_code} — {name}{kind}", place.bin or "", format_quantity(place.quantity, locale),
                     format_money(place.value, currency, locale))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(right)
                self.totals.setItem(n, column, item)
        self.selection_changed.emit()

    def location_quantity(self, location_code: str) -> str:
        """The quantity the totals table shows for a location ('' when not listed)."""
        for n in range(self.totals.rowCount()):
            if self.totals.item(n, 0).text().split(" ")[0] == location_code:
                return self.totals.item(n, 2).text()
        return ""

    def request_movements(self) -> None:
        row = self.selected()
        if row is None:
            self.say(self.tr("Select a product first."), ERROR)
            return
        self.movements_requested.emit(row.product_id, f"{row.name} · {row.sku}")

    def set_bin(self) -> None:
        row = self.selected()
        if row is None:
            self.say(self.tr("Select a product first."), ERROR)
            return
        text, ok = QInputDialog.getText(
            self, self.tr("Set bin"), self.tr("Bin or shelf of %1 at %2 (empty: none):").replace(
                "%1", row.name).replace("%2", row.location_code), text=row.bin or "")
        if not ok:
            return
        try:
            stored = LocationService(self.ctx.db).set_bin(self.ctx.require_staff(), row.product_id,
                                                          row.location_code, text)
        except ShopDeskError as err:
            self.say(error_text(err), ERROR)
            return
        self.say(self.tr("%1 at %2: bin %3").replace("%1", row.name).replace("%2", row.location_code).replace(
            "%3", stored or self.tr("none")), SUCCESS)
        self.refresh()


class MovementsTab(QWidget):
    """One product's ledger, newest first, with the balance after each movement."""

    def __init__(self, ctx: AppContext, say: Say, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.say = ctx, say
        self.views = StockViews(ctx.db)
        self.product_id: str | None = None
        self.product = QLineEdit(self)
        self.product.setObjectName("movementsProduct")
        self.product.setPlaceholderText(self.tr("Scan or type a barcode, SKU or name, then Enter"))
        self.product.returnPressed.connect(self.find_product)
        self.choose_button = QPushButton(self.tr("&Find…"), self)
        self.choose_button.clicked.connect(self.find_product)
        self.product_label = QLabel(self.tr("No product chosen."), self)
        self.product_label.setObjectName("movementsProductLabel")
        self.product_label.setStyleSheet("font-weight: bold;")

        self.location = QComboBox(self)
        self.location.setObjectName("movementsLocation")
        _location_items(self.location, ctx, self.tr("All shop locations"))
        self.reason = QComboBox(self)
        self.reason.setObjectName("movementsReason")
        self.reason.addItem(self.tr("All reasons"), None)
        for reason in REASON_LABELS:
            self.reason.addItem(reason_label(reason), reason)
        self.since = self._date_edit("movementsSince")
        self.until = self._date_edit("movementsUntil")
        for combo in (self.location, self.reason):
            combo.currentIndexChanged.connect(self.reload)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self.reload)

        self.model = MovementsModel(ctx.store.locale, self)
        self.table = table_view(self, "movementsTable", self.model, MovementsModel.WHO)
        self.hint = QLabel(self)
        self.hint.setObjectName("movementsHint")

        pick = QHBoxLayout()
        pick.addWidget(self.product, 1)
        pick.addWidget(self.choose_button)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Location:"), self))
        filters.addWidget(self.location)
        filters.addWidget(QLabel(self.tr("Reason:"), self))
        filters.addWidget(self.reason)
        filters.addWidget(QLabel(self.tr("From:"), self))
        filters.addWidget(self.since)
        filters.addWidget(QLabel(self.tr("To:"), self))
        filters.addWidget(self.until)
        filters.addStretch(1)
        root = QVBoxLayout(self)
        root.addLayout(pick)
        root.addWidget(self.product_label)
        root.addLayout(filters)
        root.addWidget(self.table, 1)
        root.addWidget(self.hint)

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(self.tr("any"))
        edit.setDate(NO_DATE)
        return edit

    @staticmethod
    def _local_midnight(date: QDate) -> datetime:
        return datetime(date.year(), date.month(), date.day()).astimezone()

    def set_product(self, product_id: str, label: str) -> None:
        self.product_id = product_id
        self.product_label.setText(label)
        self.reload()

    def find_product(self) -> None:
        text = self.product.text().strip()
        hit = self.ctx.search.lookup_code(text) if text else None
        if hit is None:
            picker = ProductPicker(self.ctx.search, self.ctx.store.currency, self.ctx.store.locale, text, self)
            if not picker.exec() or picker.chosen is None:
                return
            hit = picker.chosen
        self.product.clear()
        self.set_product(hit.product_id, f"{hit.name} · {hit.sku}")

    def reload(self) -> None:
        if self.product_id is None:
            self.model.reset(None)
            return
        since = None if self.since.date() == NO_DATE else self._local_midnight(self.since.date())
        until = None if self.until.date() == NO_DATE else self._local_midnight(self.until.date()) + timedelta(days=1)
        views, pid = self.views, self.product_id
        code, reason = self.location.currentData(), self.reason.currentData()
        try:
            self.model.reset(lambda before: views.movement_history(pid, code, reason, since, until, before=before,
                                                                   limit=PAGE))
        except ShopDeskError as err:
            self.say(error_text(err), ERROR)
            return
        if reason:
            self.hint.setText(self.tr("Filtered by reason: the balance column is left empty."))
        elif code is None:
            self.hint.setText(self.tr("All shop locations: moves between two of them count 0."))
        else:
            self.hint.setText("")


class StockWindow(QWidget):
    ON_HAND, MOVEMENTS, LOW_STOCK, VALUATION, PURCHASE_ORDERS, SUPPLIERS = range(6)

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("stockWindow")
        self.message = MessageStrip(self, "stockMessage")
        self.transfer_button = QPushButton(self.tr("&Transfer…"), self)
        self.transfer_button.setObjectName("transferButton")
        self.transfer_button.clicked.connect(self.open_transfer)

        self.on_hand = OnHandTab(ctx, self.say, self)
        self.movements = MovementsTab(ctx, self.say, self)
        self.low_stock = LowStockTab(ctx, self.say, self)
        self.valuation = ValuationTab(ctx, self.say, self)
        self.purchase_orders = PurchaseOrdersTab(ctx, self.say, self)
        self.suppliers = SuppliersTab(ctx, self.say, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("stockTabs")
        self.tabs.addTab(self.on_hand, self.tr("On &hand"))
        self.tabs.addTab(self.movements, self.tr("Mo&vements"))
        self.tabs.addTab(self.low_stock, self.tr("&Low stock"))
        self.tabs.addTab(self.valuation, self.tr("Val&uation"))
        self.tabs.addTab(self.purchase_orders, self.tr("Purchase &orders"))
        self.tabs.addTab(self.suppliers, self.tr("Suppl&iers"))
        self.tabs.currentChanged.connect(self._tab_shown)
        self.on_hand.movements_requested.connect(self.show_movements)
        self.on_hand.selection_changed.connect(self.refresh_permissions)
        self.on_hand.adjust_button.clicked.connect(self.open_adjust)

        top = QHBoxLayout()
        top.addWidget(self.message, 1)
        top.addWidget(self.transfer_button)
        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addWidget(self.tabs, 1)
        self.message.show_message(self.tr("Stock on hand in the shop's locations."), INFO)
        self.refresh_permissions()

    def say(self, text: str, kind: str = INFO) -> None:
        self.message.show_message(text, kind)

    def refresh_permissions(self) -> None:
        """Enable what the logged-in person may do (call after switching user)."""
        staff = self.ctx.staff

        def may(permission: Permission) -> bool:
            return bool(staff and staff.can(permission))

        selected = self.on_hand.selected() is not None
        self.transfer_button.setEnabled(may(Permission.TRANSFER_STOCK))
        self.on_hand.adjust_button.setEnabled(selected and may(Permission.ADJUST_STOCK))
        self.on_hand.bin_button.setEnabled(selected and may(Permission.ADJUST_STOCK))
        self.on_hand.movements_button.setEnabled(selected)
        self.low_stock.refresh_permissions()
        self.valuation.refresh_permissions()
        self.purchase_orders.refresh_permissions()
        self.suppliers.refresh_permissions()

    def _tab_shown(self, index: int) -> None:
        if index == self.LOW_STOCK:
            self.low_stock.reload()
        elif index == self.VALUATION:
            self.valuation.compute()

    def show_movements(self, product_id: str, label: str) -> None:
        self.movements.set_product(product_id, label)
        self.tabs.setCurrentIndex(self.MOVEMENTS)

    def _stock_changed(self) -> None:
        self.on_hand.refresh()
        if self.movements.product_id is not None:
            self.movements.reload()

    def open_transfer(self) -> None:
        row = self.on_hand.selected()
        from_code = self.on_hand.location.currentData() or (row.location_code if row else None)
        dialog = TransferDialog(self.ctx, from_code=from_code, parent=self)
        if dialog.exec() and dialog.result is not None:
            result = dialog.result
            self._stock_changed()
            self.say(self.tr("%1 posted: %2 items from %3 to %4").replace("%1", result.number).replace(
                "%2", format_quantity(result.total_quantity, self.ctx.store.locale)).replace(
                "%3", result.from_code).replace("%4", result.to_code), SUCCESS)

    def open_adjust(self) -> None:
        row = self.on_hand.selected()
        if row is None:
            self.say(self.tr("Select the product and location to adjust first."), ERROR)
            return
        dialog = AdjustDialog(self.ctx, row, self)
        if dialog.exec() and dialog.result is not None:
            result = dialog.result
            locale = self.ctx.store.locale
            self._stock_changed()
            self.say(self.tr("%1 at %2: %3 (%4); now %5 there.").replace("%1", row.name).replace(
                "%2", result.location_code).replace(
                "%3", ("+" if result.quantity_delta > 0 else "") + format_quantity(result.quantity_delta, locale))
                .replace("%4", reason_label(result.reason)).replace("%5", format_quantity(result.on_hand, locale)),
                SUCCESS)
