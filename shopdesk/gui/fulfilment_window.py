"""The warehouse clerk's fulfilment area: queues of orders by where they stand, and the work
that moves them on: pick lists (with packing slips), confirming the pick, packing by
scanning, shipping with a carrier, shipping labels, and deliveries (scanned, ticked or
read from a carrier's tracking-status file).

One tab per queue, its count in the title; the table pages through the queue (never the
whole table) and selects several orders at once. Documents are written off the GUI thread
and opened in the system's viewer to print. The service checks every permission; the
buttons only follow the tab.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money
from shopdesk.domain.order_flow import OrderState
from shopdesk.domain.permissions import Permission
from shopdesk.gui.background import run_in_background
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.pack_dialog import PackDialog
from shopdesk.gui.row_models import RowsTableModel
from shopdesk.gui.scan_input import ERROR, INFO, SUCCESS, MessageStrip, ScanKeyRouter
from shopdesk.gui.ship_dialog import ShipDialog, documents_dir, open_document, printed_words
from shopdesk.services.orders import OrderSummary

PAGE = 200  # orders fetched at a time


def problem_text(err: Exception) -> str:
    return error_text(err) if isinstance(err, ShopDeskError) else str(err)


@dataclass(frozen=True)
class Queue:
    key: str
    states: tuple[OrderState, ...]


# The tabs, left to right: the order's way through the shop.
QUEUES = (
    Queue("pick", (OrderState.PAID, OrderState.CREATED)),  # created: cash on delivery (or a manager's)
    Queue("pack", (OrderState.PICKED,)),
    Queue("ship", (OrderState.PACKED,)),
    Queue("deliver", (OrderState.SHIPPED,)),
    Queue("delivered", (OrderState.DELIVERED,)),
)
LABEL_FORMATS = ("4x6", "a6", "zpl")


class OrderQueueModel(RowsTableModel):
    NUMBER, DATE, NAME, CITY, LINES, COD, BATCH, TRACKING = range(8)
    RIGHT_ALIGNED = frozenset({LINES, COD})

    def __init__(self, currency: str, locale: str, parent=None) -> None:
        super().__init__((), parent)
        self.currency, self.locale = currency, locale
        self.headers = [self.tr("Order"), self.tr("Date"), self.tr("Ship to"), self.tr("City"), self.tr("Lines"),
                        self.tr("COD"), self.tr("Batch"), self.tr("Tracking")]

    def summary(self, row: int) -> OrderSummary:
        return self.rows[row]

    def row_of(self, order_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.order_id == order_id), -1)

    def display(self, o: OrderSummary, column: int) -> str:
        if column == self.NUMBER:
            return o.number
        if column == self.DATE:
            return f"{o.created_at.astimezone():%Y-%m-%d %H:%M}"
        if column == self.NAME:
            return o.ship_name
        if column == self.CITY:
            return ", ".join(p for p in (o.ship_city, o.ship_country) if p)
        if column == self.LINES:
            return str(o.lines)
        if column == self.COD:
            due = o.grand_total - o.paid_total
            if o.cash_on_delivery:
                return format_money(due, self.currency, self.locale) if due > 0 else self.tr("COD, paid")
            return self.tr("unpaid") if due > 0 and o.state is OrderState.CREATED else ""
        if column == self.BATCH:
            return o.pick_batch
        return o.tracking_number

    def tooltip(self, o: OrderSummary, column: int) -> str | None:
        if column == self.COD and o.cash_on_delivery:
            return self.tr("Cash on delivery: the carrier collects this amount")
        return None


class FulfilmentWindow(QWidget):
    documents_saved = Signal(list)  # paths of the PDFs / ZPL files written
    orders_changed = Signal()  # something moved on (the main window may refresh badges)

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("fulfilmentWindow")
        # Where documents go. None: pick lists and slips to a temporary folder (printed from
        # the viewer), labels and the tracking file asked for. Tests and kiosks set them.
        self.pick_list_path: str | None = None
        self.labels_path: str | None = None
        self.labels_format = "4x6"  # with labels_path: "4x6", "a6" or "zpl"
        self.import_path: str | None = None
        self.documents: Path | None = None  # folder for pick lists, slips and labels; None: temporary
        self.opener = open_document  # how a saved document is shown (the system's viewer)
        self.counts: dict[OrderState, int] = {}
        self._to_pick = 0  # orders the person logged in may pick now
        self._busy = False
        self._more = False

        # -- queues --------------------------------------------------------------------------
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("queueTabs")
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        for _ in QUEUES:
            self.tabs.addTab("")
        self.tabs.currentChanged.connect(lambda _i: self._tab_changed())
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("orderSearchField")
        self.search_field.setPlaceholderText(self.tr("Find: number, name, city, tracking"))
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMinimumWidth(260)
        self.search_field.returnPressed.connect(self.reload)
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(self.reload)

        self.message = MessageStrip(self, "fulfilmentMessage")

        self.model = OrderQueueModel(ctx.store.currency, ctx.store.locale, self)
        self.table = QTableView(self)
        self.table.setObjectName("ordersTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.doubleClicked.connect(lambda _index: self._primary_action())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(OrderQueueModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.more_button = QPushButton(self.tr("Show &more orders"), self)
        self.more_button.setObjectName("moreOrdersButton")
        self.more_button.clicked.connect(self.load_more)
        self.selection_label = QLabel(self)
        self.selection_label.setObjectName("selectionLabel")

        # -- actions --------------------------------------------------------------------------
        def button(text: str, name: str, slot) -> QPushButton:
            b = QPushButton(text, self)
            b.setObjectName(name)
            b.setMinimumHeight(34)
            b.clicked.connect(lambda: slot())
            return b

        self.pick_list_button = button(self.tr("Print &pick list…"), "printPickListButton", self.print_pick_list)
        self.pick_list_button.setToolTip(self.tr("One walk for the selected orders, with their packing slips"))
        self.confirm_picked_button = button(self.tr("&Confirm picked"), "confirmPickedButton", self.confirm_picked)
        self.pack_button = button(self.tr("P&ack…"), "packButton", self.pack)
        self.ship_button = button(self.tr("&Ship…"), "shipOrderButton", self.ship)
        self.labels_button = button(self.tr("Print &labels…"), "printLabelsButton", self.print_labels)
        self.delivered_button = button(self.tr("&Delivered"), "deliveredButton", self.mark_delivered)
        self.import_button = button(self.tr("&Import tracking statuses…"), "importStatusesButton",
                                    self.import_statuses)
        self.actions_by_queue = {
            "pick": (self.pick_list_button, self.confirm_picked_button),
            "pack": (self.pack_button,),
            "ship": (self.ship_button,),
            "deliver": (self.labels_button, self.delivered_button),
            "delivered": (self.labels_button,),
        }
        self.queue_buttons = (self.pick_list_button, self.confirm_picked_button, self.pack_button,
                              self.ship_button, self.labels_button, self.delivered_button)

        self.delivered_field = QLineEdit(self)
        self.delivered_field.setObjectName("scanDeliveredField")
        self.delivered_field.setPlaceholderText(self.tr("Scan a delivered parcel's tracking number (Enter)"))
        self.delivered_field.returnPressed.connect(self._on_delivered_scanned)
        delivered_label = QLabel(self.tr("Scan &delivered:"), self)
        delivered_label.setBuddy(self.delivered_field)

        # -- layout ---------------------------------------------------------------------------
        top = QHBoxLayout()
        top.addWidget(self.tabs, 1)
        top.addWidget(self.search_field)
        top.addWidget(self.refresh_button)
        side = QVBoxLayout()
        for b in self.queue_buttons:
            side.addWidget(b)
        side.addStretch(1)
        side.addWidget(self.import_button)
        body = QHBoxLayout()
        table_box = QVBoxLayout()
        table_box.addWidget(self.table, 1)
        under_table = QHBoxLayout()
        under_table.addWidget(self.selection_label, 1)
        under_table.addWidget(self.more_button)
        table_box.addLayout(under_table)
        body.addLayout(table_box, 1)
        body.addLayout(side)
        scan_row = QHBoxLayout()
        scan_row.addWidget(delivered_label)
        scan_row.addWidget(self.delivered_field, 1)
        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addWidget(self.message)
        root.addLayout(body, 1)
        root.addLayout(scan_row)

        # A parcel scanned while the table or a button has the focus is a delivery scan.
        self.scan_router = ScanKeyRouter(self.delivered_field, self._on_delivered_scanned, self)
        self.scan_router.watch((self.table, self.tabs, self.refresh_button, self.more_button, self.import_button,
                                *self.queue_buttons))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.reload()
        self.show_message(self.tr("Select orders, then pick, pack and ship them."), INFO)

    # -- queues -------------------------------------------------------------------------------
    def queue(self) -> Queue:
        return QUEUES[max(self.tabs.currentIndex(), 0)]

    def show_queue(self, key: str) -> None:
        """Switch to a queue by key: pick, pack, ship, deliver, delivered."""
        self.tabs.setCurrentIndex(next(i for i, q in enumerate(QUEUES) if q.key == key))

    def _tab_titles(self) -> None:
        c = self.counts
        titles = (
            self.tr("To pick (%1)").replace("%1", str(self._to_pick)),
            self.tr("To pack (%1)").replace("%1", str(c.get(OrderState.PICKED, 0))),
            self.tr("To ship (%1)").replace("%1", str(c.get(OrderState.PACKED, 0))),
            self.tr("Shipped (%1)").replace("%1", str(c.get(OrderState.SHIPPED, 0))),
            self.tr("Delivered (%1)").replace("%1", str(c.get(OrderState.DELIVERED, 0))),
        )
        for i, title in enumerate(titles):
            self.tabs.setTabText(i, title)

    def reload(self) -> None:
        """Counts, the current queue (from its start) and the buttons, as stored now."""
        keep = set(self.selected_ids())
        try:
            self.counts = self.ctx.orders.counts()
            self._to_pick = self.ctx.orders.count_ready_to_pick(self.ctx.staff) if self.ctx.staff else 0
        except ShopDeskError as err:
            self.counts, self._to_pick = {}, 0
            self.show_message(error_text(err), ERROR)
        self._tab_titles()
        self._load_page(append=False)
        if keep:
            self._select(keep)
        self._update_buttons()

    def _fetch(self, after: str) -> list[OrderSummary]:
        staff = self.ctx.staff
        if staff is None:
            return []
        rows = self.ctx.orders.queue(staff, self.queue().states, search=self.search_field.text(),
                                     after_number=after, limit=PAGE, ready_to_pick=self.queue().key == "pick")
        self._more = len(rows) == PAGE
        return rows

    def _load_page(self, append: bool) -> None:
        after = self.model.rows[-1].number if append and self.model.rows else ""
        try:
            rows = self._fetch(after)
        except ShopDeskError as err:
            rows, self._more = [], False
            self.show_message(error_text(err), ERROR)
        self.model.set_rows(rows, append=append)
        self.more_button.setVisible(self._more)
        self._selection_changed()

    def load_more(self) -> None:
        keep = set(self.selected_ids())
        self._load_page(append=True)
        self._select(keep)

    def _tab_changed(self) -> None:
        self.table.clearSelection()
        self._load_page(append=False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        shown = self.actions_by_queue[self.queue().key]
        staff = self.ctx.staff
        allowed = bool(staff and staff.can(Permission.FULFIL_ORDERS)) and not self._busy
        for b in self.queue_buttons:
            b.setVisible(b in shown)
            b.setEnabled(allowed)
        self.import_button.setEnabled(allowed)
        self.delivered_field.setEnabled(bool(staff and staff.can(Permission.FULFIL_ORDERS)))

    # -- selection ----------------------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        model = self.table.selectionModel()
        if model is None:
            return []
        rows = sorted(index.row() for index in model.selectedRows())
        return [self.model.summary(r).order_id for r in rows if r < self.model.rowCount()]

    def select_orders(self, numbers_or_ids) -> None:
        """Select the orders with these numbers (or ids) in the current queue."""
        wanted = set(numbers_or_ids)
        self._select({r.order_id for r in self.model.rows if r.number in wanted or r.order_id in wanted})

    def _select(self, order_ids: set[str]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = (selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
        for order_id in order_ids:
            row = self.model.row_of(order_id)
            if row >= 0:
                selection.select(self.model.index(row, 0), flags)

    def _selection_changed(self) -> None:
        n = len(self.selected_ids())
        shown = self.model.rowCount()
        if n == 0:
            text = (self.tr("1 order shown") if shown == 1
                    else self.tr("%1 orders shown").replace("%1", str(shown)))
        else:
            text = self.tr("%1 of %2 orders selected").replace("%1", str(n)).replace("%2", str(shown))
        self.selection_label.setText(text)

    def _numbers(self, ids: list[str]) -> list[str]:
        by_id = {r.order_id: r.number for r in self.model.rows}
        return [by_id.get(i, "?") for i in ids]

    def _need_selection(self) -> list[str]:
        ids = self.selected_ids()
        if not ids:
            self.show_message(self.tr("Select one or more orders in the list first."), ERROR)
        return ids

    def show_message(self, text: str, kind: str = INFO) -> None:
        self.message.show_message(text, kind)

    def _error(self, err: Exception, beep: bool = False) -> None:
        if beep:
            QApplication.beep()
        self.show_message(problem_text(err), ERROR)

    def _primary_action(self) -> None:
        action = {"pick": None, "pack": self.pack, "ship": self.ship}.get(self.queue().key)
        if action is not None:
            action()

    def _changed(self) -> None:
        self.reload()
        self.orders_changed.emit()

    def _folder(self) -> Path:
        if self.documents is not None:
            self.documents.mkdir(parents=True, exist_ok=True)
            return self.documents
        return documents_dir()

    # -- picking ------------------------------------------------------------------------------
    def print_pick_list(self, path: str | None = None) -> None:
        """A pick list for the selected orders (they get the batch number) and their packing
        slips, as two PDFs written off the GUI thread and opened for printing."""
        ids = self._need_selection()
        if not ids or self._busy:
            return
        from shopdesk.printing import packing_slip, pick_list

        try:
            data = self.ctx.fulfilment.pick_list(self.ctx.require_staff(), ids)
            slips = self.ctx.fulfilment.packing_slips(ids)
        except ShopDeskError as err:
            self._error(err)
            return
        batch = data.title.rsplit(" ", 1)[-1]
        target = Path(path or self.pick_list_path or self._folder() / f"pick-list-{batch}.pdf")
        slips_path = target.with_name(f"{target.stem}-packing-slips.pdf")
        pick_words, slip_words = printed_words(pick_list.DEFAULT_LABELS), printed_words(packing_slip.DEFAULT_LABELS)

        def work() -> tuple[int, int]:
            pages = pick_list.render_pick_list(data, target, words=pick_words)
            return pages, packing_slip.render_packing_slips(slips, slips_path, words=slip_words)

        def done(_pages: tuple[int, int]) -> None:
            self._set_busy(False)
            self.show_message(self.tr("Pick list %1 for %2 orders and their packing slips saved to %3.").replace(
                "%1", batch).replace("%2", str(len(ids))).replace("%3", str(target.parent)), SUCCESS)
            self._open([str(target), str(slips_path)])

        self._set_busy(True)
        self.reload()  # the batch number shows while the PDF is being made
        self.show_message(self.tr("Making pick list %1…").replace("%1", batch), INFO)
        run_in_background(work, done, self._document_failed)

    def confirm_picked(self) -> None:
        ids = self._need_selection()
        if not ids:
            return
        try:
            numbers = self.ctx.fulfilment.confirm_picked(self.ctx.require_staff(), ids)
        except ShopDeskError as err:
            self._error(err)
            return
        self._changed()
        self.show_message(self.tr("Picked: %1. They wait in “To pack”.").replace("%1", ", ".join(numbers)), SUCCESS)

    # -- packing and shipping -----------------------------------------------------------------
    def pack(self) -> None:
        """Pack the selected orders one after another (closing a pack dialog stops)."""
        ids = self._need_selection()
        packed = []
        for order_id in ids:
            dialog = PackDialog(self.ctx, order_id, self)
            finished = dialog.exec() == PackDialog.DialogCode.Accepted and dialog.packed is not None
            dialog.deleteLater()
            if not finished:
                break
            packed.append(dialog.packed.number)
        if ids:
            self._changed()
        if packed:
            self.show_message(self.tr("Packed: %1. They wait in “To ship”.").replace("%1", ", ".join(packed)),
                              SUCCESS)

    def ship(self) -> None:
        """Ship the selected orders one after another (cancelling a ship dialog stops)."""
        ids = self._need_selection()
        shipped = []
        for order_id in ids:
            dialog = ShipDialog(self.ctx, order_id, self, opener=self.opener, documents=self.documents)
            dialog.exec()
            dialog.deleteLater()
            if dialog.shipped is None:
                break
            shipped.append(f"{dialog.shipped.number} ({dialog.shipped.tracking_number})")
            if dialog.label_saved:
                self.documents_saved.emit([dialog.label_saved])
        if ids:
            self._changed()
        if shipped:
            self.show_message(self.tr("Shipped: %1.").replace("%1", ", ".join(shipped)), SUCCESS)

    def print_labels(self, path: str | None = None, size: str | None = None) -> None:
        """Shipping labels of the selected (shipped) orders: PDF 4×6 in or A6, or ZPL."""
        ids = self._need_selection()
        if not ids or self._busy:
            return
        try:
            labels = self.ctx.fulfilment.label_data(ids)
        except ShopDeskError as err:
            self._error(err)
            return
        path = path or self.labels_path
        size = size or (self.labels_format if path else None)
        if not path:
            path, size = self._ask_labels_path(labels[0].order_number if len(labels) == 1 else "")
            if not path:
                return
        size = (size or ("zpl" if path.lower().endswith(".zpl") else "4x6")).lower()
        if size not in LABEL_FORMATS:
            self.show_message(self.tr("Labels are 4x6, a6 or zpl, not %1.").replace("%1", size), ERROR)
            return
        from shopdesk.printing import shipping_labels

        words = printed_words(shipping_labels.DEFAULT_LABELS)

        def work() -> int:
            if size == "zpl":
                Path(path).write_text(shipping_labels.render_zpl(labels, words=words), encoding="utf-8")
                return len(labels)
            return shipping_labels.render_shipping_labels(labels, path, size=size, words=words)

        def done(count: int) -> None:
            self._set_busy(False)
            self.show_message(self.tr("%1 labels saved to %2.").replace("%1", str(count)).replace("%2", path),
                              SUCCESS)
            self._open([path], view=size != "zpl")

        self._set_busy(True)
        self.show_message(self.tr("Making %1 labels…").replace("%1", str(len(labels))), INFO)
        run_in_background(work, done, self._document_failed)

    def _ask_labels_path(self, number: str) -> tuple[str, str]:
        filters = {
            self.tr("Labels 4×6 in, PDF (*.pdf)"): "4x6",
            self.tr("Labels A6, PDF (*.pdf)"): "a6",
            self.tr("ZPL for a label printer (*.zpl)"): "zpl",
        }
        suggested = str(self._folder() / (f"label-{number}.pdf" if number else "labels.pdf"))
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Save shipping labels"), suggested,
                                                   ";;".join(filters))
        size = filters.get(chosen) or ("zpl" if path.lower().endswith(".zpl") else "4x6")
        if path and size == "zpl" and not path.lower().endswith(".zpl"):
            path += ".zpl"
        elif path and size != "zpl" and not path.lower().endswith(".pdf"):
            path += ".pdf"
        return path, size

    # -- delivery -----------------------------------------------------------------------------
    def mark_delivered(self) -> None:
        ids = self._need_selection()
        if not ids:
            return
        numbers = self._numbers(ids)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delivered"),
                          self.tr("Mark %1 as delivered?").replace("%1", ", ".join(numbers)),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("deliveredQuestion")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("&Delivered"))
        answer = box.exec()
        box.deleteLater()
        if answer != QMessageBox.StandardButton.Yes:
            return
        done, staff = [], self.ctx.require_staff()
        for order_id in ids:
            try:
                done.append(self.ctx.fulfilment.deliver(staff, order_id).number)
            except ShopDeskError as err:
                self._changed()
                prefix = self.tr("Delivered: %1. ").replace("%1", ", ".join(done)) if done else ""
                self.show_message(prefix + problem_text(err), ERROR)
                return
        self._changed()
        self.show_message(self.tr("Delivered: %1.").replace("%1", ", ".join(done)), SUCCESS)

    def _on_delivered_scanned(self) -> None:
        code = self.delivered_field.text().strip()
        self.delivered_field.clear()
        if not code:
            return
        try:
            view = self.ctx.fulfilment.deliver_by_tracking(self.ctx.require_staff(), code)
        except ShopDeskError as err:
            self._error(err, beep=True)
        else:
            self._changed()
            self.show_message(self.tr("%1 delivered (%2).").replace("%1", view.number).replace(
                "%2", view.tracking_number or code), SUCCESS)
        self.delivered_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def import_statuses(self, path: str | None = None) -> None:
        """A carrier's tracking-status CSV: parcels it says are delivered are marked so."""
        if self._busy:
            return
        path = path or self.import_path
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Carrier's tracking statuses"), "",
                                                  self.tr("CSV files (*.csv *.txt);;All files (*)"))
            if not path:
                return
        staff, fulfilment = self.ctx.require_staff(), self.ctx.fulfilment

        def work():
            return fulfilment.import_delivery_statuses(staff, Path(path).read_bytes())

        def done(result) -> None:
            self._set_busy(False)
            self._changed()
            text = self.tr("%1 delivered, %2 unchanged, %3 unknown tracking numbers.").replace(
                "%1", str(len(result.delivered))).replace("%2", str(len(result.unchanged))).replace(
                "%3", str(len(result.unknown)))
            if result.delivered:
                text += " " + self.tr("Delivered: %1.").replace("%1", _some(result.delivered))
            if result.unknown:
                text += " " + self.tr("Unknown: %1.").replace("%1", _some(result.unknown))
            self.show_message(text, SUCCESS if result.delivered or not result.unknown else INFO)

        def failed(err: Exception) -> None:
            self._set_busy(False)
            if isinstance(err, OSError):
                self.show_message(self.tr("The file %1 could not be read: %2").replace("%1", path).replace(
                    "%2", err.strerror or str(err)), ERROR)
            else:
                self._error(err)

        self._set_busy(True)
        self.show_message(self.tr("Reading %1…").replace("%1", Path(path).name), INFO)
        run_in_background(work, done, failed)

    # -- documents ----------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _document_failed(self, err: Exception) -> None:
        self._set_busy(False)
        self.show_message(self.tr("The document could not be made: %1").replace("%1", problem_text(err)), ERROR)

    def _open(self, paths: list[str], view: bool = True) -> None:
        if view:
            for path in paths:
                self.opener(path)
        self.documents_saved.emit(paths)


def _some(items: tuple[str, ...], shown: int = 10) -> str:
    text = ", ".join(items[:shown])
    return text + (f" (+{len(items) - shown})" if len(items) > shown else "")

