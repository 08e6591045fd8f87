"""Stocktakes: start a count, count by scanning (each scan +1, or a typed quantity), review
the variances largest first, and let a manager post them.

Counting happens at scanner speed: the scan field keeps the focus, keys typed on the
table go to it, and the outcome of each scan shows in a message strip (never a modal box
that would swallow the next scans). Codes nobody knows are kept on a list to resolve.
"""

from __future__ import annotations

import socket
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money
from shopdesk.domain.permissions import Permission
from shopdesk.domain.quantity import format_quantity, parse_quantity
from shopdesk.gui.background import run_in_background
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import (
    ERROR,
    INFO,
    SUCCESS,
    MessageStrip,
    QuantityField,
    ScanKeyRouter,
    split_quantity_prefix,
)
from shopdesk.gui.stocktake_dialogs import NewStocktakeDialog, UnknownCodesDialog
from shopdesk.gui.stocktake_model import StocktakeLinesModel
from shopdesk.services.stocktake import FULL, UNCOUNTED_KEEP, UNCOUNTED_ZERO, StocktakeService
from shopdesk.services.stocktake_review import StocktakeReview, StocktakeSummary


class StocktakeWindow(QWidget):
    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("stocktakeWindow")
        self.service = StocktakeService(ctx.db)
        self.review = StocktakeReview(ctx.db)
        self.stocktake_id: str | None = None
        self.summary: StocktakeSummary | None = None
        self.device = socket.gethostname()[:64]

        self.count_combo = QComboBox(self)
        self.count_combo.setObjectName("countCombo")
        self.count_combo.setMinimumWidth(320)
        self.count_combo.currentIndexChanged.connect(self._count_chosen)
        self.new_button = QPushButton(self.tr("&New count…"), self)
        self.new_button.setObjectName("newCountButton")
        self.new_button.clicked.connect(self.new_count)
        self.zone_field = QLineEdit(self)
        self.zone_field.setObjectName("zoneField")
        self.zone_field.setPlaceholderText(self.tr("zone, e.g. AISLE 3"))
        self.zone_field.setMaximumWidth(160)

        self.scan_field = QLineEdit(self)
        self.scan_field.setObjectName("countScanField")
        self.scan_field.setPlaceholderText(self.tr("Scan each item (or type 12*code), then Enter"))
        self.scan_field.returnPressed.connect(self._on_scan_entered)
        self.quantity_field = QuantityField(self, "countQuantityField")
        self.quantity_field.setToolTip(self.tr("Quantity for the next scan; goes back to 1 after it."))
        self.message = MessageStrip(self, "stocktakeMessage")
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("summaryLabel")

        self.order_combo = QComboBox(self)
        self.order_combo.setObjectName("orderCombo")
        for key, text in (("value", self.tr("Largest variance first")), ("product", self.tr("By product")),
                          ("bin", self.tr("By bin"))):
            self.order_combo.addItem(text, key)
        self.only_combo = QComboBox(self)
        self.only_combo.setObjectName("onlyCombo")
        for key, text in (("all", self.tr("All lines")), ("variances", self.tr("Variances only")),
                          ("uncounted", self.tr("Not counted yet")), ("counted", self.tr("Counted"))):
            self.only_combo.addItem(text, key)
        self.order_combo.currentIndexChanged.connect(self.reload_lines)
        self.only_combo.currentIndexChanged.connect(self.reload_lines)

        self.model = StocktakeLinesModel(ctx.store.currency, ctx.store.locale, self)
        self.table = QTableView(self)
        self.table.setObjectName("linesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda _index: self.set_selected_count())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(StocktakeLinesModel.NAME, QHeaderView.ResizeMode.Stretch)

        self.unknown_button = QPushButton(self)
        self.unknown_button.setObjectName("unknownButton")
        self.unknown_button.clicked.connect(self.open_unknown_codes)
        self.import_button = QPushButton(self.tr("&Import handheld file…"), self)
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(self.import_file)
        self.set_count_button = QPushButton(self.tr("Set &count… (F4)"), self)
        self.set_count_button.clicked.connect(self.set_selected_count)
        self.recount_button = QPushButton(self.tr("&Recount selected"), self)
        self.recount_button.setObjectName("recountButton")
        self.recount_button.clicked.connect(self.recount_selected)
        self.note_button = QPushButton(self.tr("N&ote…"), self)
        self.note_button.clicked.connect(self.note_selected)
        self.report_button = QPushButton(self.tr("Variance &report (PDF)…"), self)
        self.report_button.setObjectName("reportButton")
        self.report_button.clicked.connect(self.save_report)
        self.post_button = QPushButton(self.tr("Approve and &post…"), self)
        self.post_button.setObjectName("postButton")
        self.post_button.clicked.connect(self.post)
        self.cancel_button = QPushButton(self.tr("Cancel count…"), self)
        self.cancel_button.setObjectName("cancelCountButton")
        self.cancel_button.clicked.connect(self.cancel_count)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Count:"), self))
        top.addWidget(self.count_combo, 1)
        top.addWidget(self.new_button)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("Zone:"), self))
        top.addWidget(self.zone_field)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(QLabel(self.tr("Qty:"), self))
        scan_row.addWidget(self.quantity_field)
        view_row = QHBoxLayout()
        view_row.addWidget(self.summary_label, 1)
        view_row.addWidget(self.only_combo)
        view_row.addWidget(self.order_combo)
        actions = QHBoxLayout()
        for button in (self.unknown_button, self.import_button, self.set_count_button, self.recount_button,
                       self.note_button):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.report_button, self.cancel_button, self.post_button):
            actions.addWidget(button)
        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addLayout(scan_row)
        root.addWidget(self.message)
        root.addLayout(view_row)
        root.addWidget(self.table, 1)
        root.addLayout(actions)

        self.scan_router = ScanKeyRouter(self.scan_field, self._on_scan_entered, self)
        self.scan_router.watch((self.table, self.unknown_button, self.import_button, self.recount_button,
                                self.set_count_button, self.note_button))
        self.reload_counts()

    # -- which count --------------------------------------------------------------------
    def reload_counts(self, select_id: str | None = None) -> None:
        counts = self.review.list_stocktakes(status="counting")
        keep = select_id or self.stocktake_id
        self.count_combo.blockSignals(True)
        self.count_combo.clear()
        for st in counts:
            label = f"{st.number} · {st.location_code} · {st.scope}" + (" · " + self.tr("blind") if st.blind else "")
            self.count_combo.addItem(label, st.id)
        index = self.count_combo.findData(keep) if keep else 0
        self.count_combo.setCurrentIndex(max(index, 0) if counts else -1)
        self.count_combo.blockSignals(False)
        self._count_chosen()
        if not counts:
            self.message.show_message(self.tr("No count is open. Start one with “New count…”."), INFO)

    def _count_chosen(self) -> None:
        self.stocktake_id = self.count_combo.currentData()
        self.reload_lines()
        self.focus_scan()

    def new_count(self) -> None:
        dialog = NewStocktakeDialog(self.ctx, self.service, self)
        if dialog.exec() and dialog.stocktake_id:
            self.reload_counts(dialog.stocktake_id)
            self.message.show_message(
                self.tr("Counting %1 started. Scan the items.").replace("%1", self.summary.number if self.summary
                                                                       else ""), SUCCESS)
        self.focus_scan()

    def reload_lines(self) -> None:
        st, staff = self.stocktake_id, self.ctx.staff
        if st is None or staff is None:
            self.model.reset(None)
            self.summary = None
            self._show_summary()
            return
        order, only = self.order_combo.currentData(), self.only_combo.currentData()
        review = self.review
        self.model.reset(lambda offset, limit: review.lines(staff, st, order=order, only=only,
                                                            offset=offset, limit=limit))
        self.refresh_summary()

    def refresh_summary(self) -> None:
        if self.stocktake_id is None:
            return
        try:
            self.summary = self.review.summary(self.ctx.require_staff(), self.stocktake_id)
        except ShopDeskError as err:
            self.message.show_message(error_text(err), ERROR)
            return
        self._show_summary()

    def refresh_progress(self) -> None:
        """After a scan: how far the count is (cheap); the variance totals wait for a
        refresh, as they read every line of a big count."""
        if self.summary is None or self.stocktake_id is None:
            return
        lines, counted, unknowns = self.review.progress(self.stocktake_id)
        self.summary = replace(self.summary, lines=lines, counted_lines=counted, open_unknown_codes=unknowns)
        self._show_summary(stale_totals=True)

    def _show_summary(self, stale_totals: bool = False) -> None:
        s = self.summary
        staff = self.ctx.staff
        may_approve = bool(staff and staff.can(Permission.APPROVE_STOCKTAKE))
        has_count = s is not None
        for widget in (self.scan_field, self.quantity_field, self.import_button, self.recount_button,
                       self.set_count_button, self.note_button, self.unknown_button):
            widget.setEnabled(has_count)
        self.post_button.setEnabled(has_count and may_approve)
        self.cancel_button.setEnabled(has_count and may_approve)
        self.report_button.setEnabled(has_count and bool(staff and staff.can(Permission.VIEW_REPORTS)))
        if s is None:
            self.summary_label.setText("")
            self.unknown_button.setText(self.tr("Unknown codes"))
            return
        text = self.tr("%1 of %2 lines counted").replace("%1", str(s.counted_lines)).replace("%2", str(s.lines))
        if s.value is not None and not stale_totals:
            text += " · " + self.tr("%1 with a variance, net %2").replace("%1", str(s.variance_lines)).replace(
                "%2", format_money(s.value, self.ctx.store.currency, self.ctx.store.locale))
        elif s.value is not None:
            text += " · " + self.tr("variances: press F5 to refresh")
        elif s.blind:
            text += " · " + self.tr("blind count")
        self.summary_label.setText(text)
        self.unknown_button.setText(self.tr("&Unknown codes (%1)…").replace("%1", str(s.open_unknown_codes)))

    # -- counting -----------------------------------------------------------------------
    def focus_scan(self) -> None:
        if self.isVisible():  # a hidden page must not take the focus from the counter's scan field
            self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.focus_scan()

    def keyPressEvent(self, event) -> None:
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() == Qt.Key.Key_F4 and plain:
            event.accept()
            self.set_selected_count()
            return
        if event.key() == Qt.Key.Key_F5 and plain:
            event.accept()
            self.reload_lines()
            return
        super().keyPressEvent(event)

    def _on_scan_entered(self) -> None:
        text = self.scan_field.text()
        self.scan_field.clear()
        if text.strip():
            self.count(text)

    def _quantity(self, typed: str | None = None) -> Decimal:
        text = typed if typed is not None else (self.quantity_field.text().strip() or "1")
        return parse_quantity(text, self.ctx.store.locale, field="quantity")

    def count(self, text: str) -> None:
        if self.stocktake_id is None:
            self.message.show_message(self.tr("Start or choose a count first."), ERROR)
            return
        typed, code = split_quantity_prefix(text)
        try:
            quantity = self._quantity(typed)
            result = self.service.count_code(self.ctx.require_staff(), self.stocktake_id, code, quantity,
                                             zone=self.zone_field.text(), device=self.device)
        except ShopDeskError as err:
            QApplication.beep()
            self.message.show_message(error_text(err), ERROR)
            return
        finally:
            self.quantity_field.reset()
        locale = self.ctx.store.locale
        if result.unknown:
            QApplication.beep()
            self.message.show_message(
                self.tr("%1 is not in the catalog: kept on the list of unknown codes (%2).").replace(
                    "%1", result.code).replace("%2", format_quantity(result.quantity, locale)), ERROR)
        else:
            line = self.review.line(self.ctx.require_staff(), self.stocktake_id, result.product_id)
            if line is not None:
                row = self.model.upsert(line)
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
            self.message.show_message(
                self.tr("%1 — counted %2").replace("%1", result.name).replace(
                    "%2", format_quantity(result.counted, locale)), SUCCESS)
        self.refresh_progress()

    def _selected_lines(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [self.model.line(r.row()) for r in rows]

    def set_selected_count(self) -> None:
        lines = self._selected_lines()
        if not lines:
            self.message.show_message(self.tr("Select a line first."), ERROR)
            return
        line = lines[0]
        text, ok = QInputDialog.getText(
            self, self.tr("Count"), self.tr("How many of %1 did you count here (this zone, this device)?")
            .replace("%1", line.name))
        if ok:
            try:
                counted = self.service.set_count(self.ctx.require_staff(), self.stocktake_id, line.product_id,
                                                 parse_quantity(text, self.ctx.store.locale) if text.strip() != "0"
                                                 else Decimal(0), zone=self.zone_field.text(), device=self.device)
            except ShopDeskError as err:
                self.message.show_message(error_text(err), ERROR)
            else:
                self._refresh_line(line.product_id)
                self.message.show_message(self.tr("%1 — counted %2").replace("%1", line.name).replace(
                    "%2", format_quantity(counted, self.ctx.store.locale)), SUCCESS)
        self.focus_scan()

    def _refresh_line(self, product_id: str) -> None:
        line = self.review.line(self.ctx.require_staff(), self.stocktake_id, product_id)
        if line is not None:
            self.table.selectRow(self.model.upsert(line))
        self.refresh_progress()

    def recount_selected(self) -> None:
        lines = self._selected_lines()
        if not lines:
            self.message.show_message(self.tr("Select the lines to recount first."), ERROR)
            return
        try:
            n = self.service.recount(self.ctx.require_staff(), self.stocktake_id, [v.product_id for v in lines])
        except ShopDeskError as err:
            self.message.show_message(error_text(err), ERROR)
            return
        for v in lines:
            self._refresh_line(v.product_id)
        self.message.show_message(self.tr("%n line(s) to recount: scan them again.", "", n), INFO)
        self.focus_scan()

    def note_selected(self) -> None:
        lines = self._selected_lines()
        if not lines:
            self.message.show_message(self.tr("Select a line first."), ERROR)
            return
        text, ok = QInputDialog.getText(self, self.tr("Note"), lines[0].name, text=lines[0].note)
        if ok:
            try:
                self.service.set_note(self.ctx.require_staff(), self.stocktake_id, lines[0].product_id, text)
            except ShopDeskError as err:
                self.message.show_message(error_text(err), ERROR)
            else:
                self._refresh_line(lines[0].product_id)
        self.focus_scan()

    def open_unknown_codes(self) -> None:
        if self.stocktake_id is None:
            return
        dialog = UnknownCodesDialog(self.ctx, self.service, self.review, self.stocktake_id, self)
        dialog.exec()
        if dialog.changed:
            self.reload_lines()
        self.focus_scan()

    # -- files --------------------------------------------------------------------------
    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Counts from a handheld scanner"), "",
                                              self.tr("Count files (*.csv *.txt);;All files (*)"))
        if path:
            self.import_counts(path)

    def import_counts(self, path: str) -> None:
        staff, st, service = self.ctx.require_staff(), self.stocktake_id, self.service
        zone = self.zone_field.text()
        self.import_button.setEnabled(False)
        self.message.show_message(self.tr("Importing counts…"), INFO)
        run_in_background(lambda: service.import_counts(staff, st, path, zone=zone),
                          self._imported, self._import_failed)

    def _imported(self, result) -> None:
        self.import_button.setEnabled(True)
        self.reload_lines()
        self.message.show_message(
            self.tr("Imported %1 rows: %2 products counted, %3 unknown codes kept.").replace(
                "%1", str(result.rows)).replace("%2", str(result.products)).replace("%3", str(result.unknown_codes)),
            SUCCESS)

    def _import_failed(self, err: Exception) -> None:
        self.import_button.setEnabled(True)
        self.message.show_message(error_text(err) if isinstance(err, ShopDeskError) else str(err), ERROR)

    def save_report(self) -> None:
        if self.summary is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save variance report"),
                                              f"{self.summary.number}-variances.pdf", self.tr("PDF (*.pdf)"))
        if not path:
            return
        staff, st, review = self.ctx.require_staff(), self.stocktake_id, self.review
        self.message.show_message(self.tr("Writing the report…"), INFO)
        run_in_background(lambda: review.variance_report(staff, st, path),
                          lambda pages: self.message.show_message(
                              self.tr("Variance report saved: %1").replace("%1", path), SUCCESS),
                          self._import_failed)

    # -- the end ------------------------------------------------------------------------
    def post(self) -> None:
        self.refresh_summary()
        s = self.summary
        if s is None:
            return
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Post stocktake"))
        box.setIcon(QMessageBox.Icon.Question)
        money = format_money(s.value or 0, self.ctx.store.currency, self.ctx.store.locale)
        box.setText(self.tr("Post %1? %2 lines change stock; net value at cost %3.").replace("%1", s.number)
                    .replace("%2", str(s.variance_lines or 0)).replace("%3", money))
        zero = keep = None
        if s.uncounted_lines:
            box.setInformativeText(self.tr("%n product(s) were not counted.", "", s.uncounted_lines))
            zero = box.addButton(self.tr("Post, uncounted to &zero"), QMessageBox.ButtonRole.AcceptRole)
            keep = box.addButton(self.tr("Post, &keep uncounted"), QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(zero if s.scope == FULL else keep)
        else:
            zero = box.addButton(self.tr("&Post"), QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(zero)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked not in (zero, keep) or clicked is None:
            self.focus_scan()
            return
        uncounted = UNCOUNTED_KEEP if clicked is keep else UNCOUNTED_ZERO
        try:
            result = self.service.post(self.ctx.require_staff(), self.stocktake_id, uncounted=uncounted)
        except ShopDeskError as err:
            self.message.show_message(error_text(err), ERROR)
            return
        self.stocktake_id = None
        self.reload_counts()
        self.message.show_message(
            self.tr("%1 posted: %2 lines adjusted, net %3.").replace("%1", result.number).replace(
                "%2", str(result.adjusted_lines)).replace(
                "%3", format_money(result.value, self.ctx.store.currency, self.ctx.store.locale)), SUCCESS)

    def cancel_count(self) -> None:
        s = self.summary
        if s is None:
            return
        answer = QMessageBox.question(self, self.tr("Cancel count"),
                                      self.tr("Cancel %1? Nothing will be adjusted.").replace("%1", s.number))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.service.cancel(self.ctx.require_staff(), s.id)
        except ShopDeskError as err:
            self.message.show_message(error_text(err), ERROR)
            return
        self.stocktake_id = None
        self.reload_counts()
        self.message.show_message(self.tr("%1 cancelled.").replace("%1", s.number), INFO)
