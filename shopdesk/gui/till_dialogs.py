"""The till's cash: opening with a counted float, paid-ins and paid-outs, "no sale", the X
report during the day and closing with a count (Z report).

Every dialog calls :class:`~shopdesk.services.till_sessions.TillSessionService`; an error
from it is shown in the dialog, which stays open, and nothing is written. :class:`TillMenu`
is the main window's "Till" menu.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.cash_count import MAX_PIECES, denominations
from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money, parse_money
from shopdesk.domain.permissions import Permission
from shopdesk.gui.background import run_in_background
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import ERROR, INFO, SUCCESS, MessageStrip
from shopdesk.printing.till_report import REPORT_LABELS, TillReport, report_text
from shopdesk.services.till_sessions import TillSessionService


def report_labels() -> dict[str, str]:
    """The report's words in the language of the running app."""
    return {key: QCoreApplication.translate("till_report", text) for key, text in REPORT_LABELS.items()}


def _problem(err: Exception) -> str:
    return error_text(err) if isinstance(err, ShopDeskError) else str(err)


class DenominationGrid(QWidget):
    """One spin box per note and coin of the store's currency with the line totals and a
    running total; or, ticked (or for a currency without known notes), one plain amount."""

    changed = Signal()

    def __init__(self, currency: str, locale: str, parent=None) -> None:
        super().__init__(parent)
        self.currency, self.locale = currency, locale
        self.spins: dict[int, QSpinBox] = {}
        self.line_totals: dict[int, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        known = denominations(currency)
        half = (len(known) + 1) // 2
        for i, d in enumerate(known):
            row, col = i % half, (i // half) * 3
            label = QLabel(format_money(d.value, currency, locale), self)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            spin = QSpinBox(self)
            spin.setObjectName(f"count_{d.value}")
            spin.setRange(0, MAX_PIECES)
            spin.setAccessibleName(self.tr("Number of %1").replace("%1", label.text()))
            spin.valueChanged.connect(self._update)
            line = QLabel(self)
            line.setMinimumWidth(90)
            line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setBuddy(spin)
            grid.addWidget(label, row, col)
            grid.addWidget(spin, row, col + 1)
            grid.addWidget(line, row, col + 2)
            self.spins[d.value] = spin
            self.line_totals[d.value] = line
        layout.addLayout(grid)
        self.plain = QCheckBox(self.tr("Enter the total as one amount"), self)
        self.plain.setObjectName("plainAmount")
        self.amount = QLineEdit(self)
        self.amount.setObjectName("amountField")
        self.amount.setPlaceholderText(self.tr("Amount"))
        self.amount.textChanged.connect(self._update)
        self.plain.toggled.connect(self._mode)
        layout.addWidget(self.plain)
        layout.addWidget(self.amount)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("countTotal")
        self.total_label.setStyleSheet("font-size: 16pt; font-weight: bold;")
        layout.addWidget(self.total_label)
        if not known:
            self.plain.setChecked(True)
            self.plain.setEnabled(False)
        self._mode(self.plain.isChecked())

    def money(self, minor: int) -> str:
        return format_money(minor, self.currency, self.locale)

    def _mode(self, plain: bool) -> None:
        self.amount.setVisible(plain)
        for spin in self.spins.values():
            spin.setEnabled(not plain)
        self._update()

    def spin(self, value: int) -> QSpinBox:
        return self.spins[value]

    def counted(self) -> dict[int, int] | int:
        """What to hand to the service; a plain amount that does not parse raises ValidationError."""
        if self.plain.isChecked():
            return parse_money(self.amount.text(), self.currency, self.locale, "amount", allow_negative=False)
        return {value: spin.value() for value, spin in self.spins.items() if spin.value()}

    def total(self) -> int | None:
        """The running total, None while a plain amount does not parse."""
        try:
            counted = self.counted()
        except ShopDeskError:
            return None
        return counted if isinstance(counted, int) else sum(v * n for v, n in counted.items())

    def _update(self, *_args) -> None:
        for value, spin in self.spins.items():
            self.line_totals[value].setText(self.money(value * spin.value()) if spin.value() else "")
        total = self.total()
        self.total_label.setText(self.tr("Total: %1").replace("%1", self.money(total) if total is not None else "—"))
        self.changed.emit()


class _ServiceDialog(QDialog):
    """A dialog whose OK runs a service call; an error keeps it open and shows why."""

    def __init__(self, ctx: AppContext, title: str, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = TillSessionService(ctx.db)
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.error = MessageStrip(self, "errorLabel")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def money(self, minor: int) -> str:
        return format_money(minor, self.ctx.store.currency, self.ctx.store.locale)

    def show_error(self, text: str) -> None:
        self.error.show_message(text, ERROR)
        self.error.show()

    def run(self, call: Callable[[], object]) -> bool:
        try:
            self.result_value = call()
        except ShopDeskError as err:
            self.show_error(error_text(err))
            return False
        return True

    def submit(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class OpenTillDialog(_ServiceDialog):
    """Count the float into the drawer and open the till."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(ctx, QCoreApplication.translate("OpenTillDialog", "Open till — %1").replace(
            "%1", ctx.till.name), parent)
        self.session_id: str | None = None
        self.layout_.addWidget(QLabel(self.tr("Count the float you put in the drawer."), self))
        self.grid = DenominationGrid(ctx.store.currency, ctx.store.locale, self)
        self.layout_.addWidget(self.grid)
        self.note = QLineEdit(self)
        self.note.setObjectName("noteField")
        self.note.setPlaceholderText(self.tr("Note (optional)"))
        self.layout_.addWidget(self.note)
        self.ok_button.setText(self.tr("Open till"))
        self.finish_layout()
        first = next(iter(self.grid.spins.values()), self.grid.amount)
        first.setFocus()

    def submit(self) -> None:
        staff = self.ctx.require_staff()
        if self.run(lambda: self.service.open(staff, self.ctx.till.till_id, self.grid.counted(), self.note.text())):
            self.session_id = self.result_value
            self.accept()


class CashMoveDialog(_ServiceDialog):
    """A paid-in (``direction="in"``) or paid-out (``"out"``): an amount and a reason."""

    def __init__(self, ctx: AppContext, direction: str, parent=None) -> None:
        if direction not in ("in", "out"):
            raise ValueError(direction)
        self.direction = direction
        title = (QCoreApplication.translate("CashMoveDialog", "Cash in") if direction == "in"
                 else QCoreApplication.translate("CashMoveDialog", "Cash out"))
        super().__init__(ctx, title, parent)
        self.movement_id: str | None = None
        form = QFormLayout()
        self.amount = QLineEdit(self)
        self.amount.setObjectName("amountField")
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reasonField")
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(self.tr("e.g. change from the bank") if direction == "in"
                                       else self.tr("e.g. a delivery paid, a bank drop"))
        form.addRow(self.tr("&Amount:"), self.amount)
        form.addRow(self.tr("&Reason:"), self.reason)
        self.layout_.addLayout(form)
        self.ok_button.setText(title)
        self.finish_layout()
        self.amount.setFocus()

    def submit(self) -> None:
        staff = self.ctx.require_staff()
        store = self.ctx.store

        def move():
            amount = parse_money(self.amount.text(), store.currency, store.locale, "amount", allow_negative=False)
            call = self.service.cash_in if self.direction == "in" else self.service.cash_out
            return call(staff, self.ctx.till.till_id, amount, self.reason.text())

        if self.run(move):
            self.movement_id = self.result_value
            self.accept()


class NoSaleDialog(_ServiceDialog):
    """Open the drawer without a sale (managers): a reason, recorded and audited."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(ctx, QCoreApplication.translate("NoSaleDialog", "No sale"), parent)
        form = QFormLayout()
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reasonField")
        self.reason.setMaxLength(200)
        form.addRow(self.tr("&Reason:"), self.reason)
        self.layout_.addLayout(form)
        self.ok_button.setText(self.tr("Open drawer"))
        self.finish_layout()
        self.reason.setFocus()

    def submit(self) -> None:
        staff = self.ctx.require_staff()
        if self.run(lambda: self.service.no_sale(staff, self.ctx.till.till_id, self.reason.text())):
            self.accept()


class CloseTillDialog(_ServiceDialog):
    """Count the drawer; expected, counted and over/short show as the count is typed, and
    OK closes the session (the Z report is then in :attr:`report`)."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(ctx, QCoreApplication.translate("CloseTillDialog", "Close till (Z) — %1").replace(
            "%1", ctx.till.name), parent)
        self.report: TillReport | None = None
        self.expected: int | None = None
        self.layout_.addWidget(QLabel(self.tr("Count the cash in the drawer."), self))
        self.grid = DenominationGrid(ctx.store.currency, ctx.store.locale, self)
        self.layout_.addWidget(self.grid)
        figures = QFormLayout()
        self.expected_label = QLabel(self)
        self.expected_label.setObjectName("expectedCash")
        self.counted_label = QLabel(self)
        self.counted_label.setObjectName("countedCash")
        self.over_short_label = QLabel(self)
        self.over_short_label.setObjectName("overShort")
        self.over_short_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        figures.addRow(self.tr("Expected cash:"), self.expected_label)
        figures.addRow(self.tr("Counted cash:"), self.counted_label)
        figures.addRow(self.tr("Over/short:"), self.over_short_label)
        self.layout_.addLayout(figures)
        self.note = QLineEdit(self)
        self.note.setObjectName("noteField")
        self.note.setPlaceholderText(self.tr("Note (optional), e.g. why the drawer is short"))
        self.layout_.addWidget(self.note)
        self.ok_button.setText(self.tr("Close till"))
        self.finish_layout()
        try:
            x = self.service.report(ctx.require_staff(), ctx.till.till_id)
        except ShopDeskError as err:
            self.show_error(error_text(err))
            self.ok_button.setEnabled(False)
        else:
            if x.is_final:
                self.show_error(self.tr("%1 is not open: there is nothing to close.").replace("%1", ctx.till.name))
                self.ok_button.setEnabled(False)
            else:
                self.expected = x.expected_cash
        self.grid.changed.connect(self._update)
        self._update()
        first = next(iter(self.grid.spins.values()), self.grid.amount)
        first.setFocus()

    def over_short(self) -> int | None:
        counted = self.grid.total()
        return None if counted is None or self.expected is None else counted - self.expected

    def _update(self) -> None:
        self.expected_label.setText(self.money(self.expected) if self.expected is not None else "—")
        counted = self.grid.total()
        self.counted_label.setText(self.money(counted) if counted is not None else "—")
        diff = self.over_short()
        if diff is None:
            self.over_short_label.setText("—")
            return
        word = self.tr("over") if diff > 0 else self.tr("short") if diff < 0 else self.tr("exact")
        self.over_short_label.setText(f"{self.money(diff)} ({word})")
        colour = "#0a5c26" if diff == 0 else "#8a0012"
        self.over_short_label.setStyleSheet(f"font-size: 14pt; font-weight: bold; color: {colour};")

    def submit(self) -> None:
        staff = self.ctx.require_staff()
        if self.run(lambda: self.service.close(staff, self.ctx.till.till_id, self.grid.counted(), self.note.text())):
            self.report = self.result_value
            self.accept()


class ReportDialog(QDialog):
    """An X or Z report as it prints, with Print (receipt printer) and Save PDF…."""

    printed = Signal(object)  # True printed, False no printer; or the error
    saved = Signal(object)  # the path, or the error

    def __init__(self, ctx: AppContext, report: TillReport, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report = report
        self.service = TillSessionService(ctx.db)
        self.labels = report_labels()
        self.setWindowTitle(self.tr("%1 report %2").replace("%1", report.kind).replace("%2", report.number))
        self.resize(480, 640)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("reportText")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(report_text(report, labels=self.labels))
        layout.addWidget(self.text)
        self.message = MessageStrip(self, "reportMessage")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("&Print"), self)
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button = QPushButton(self.tr("Save &PDF…"), self)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def print_report(self) -> None:
        """Print on the receipt printer, off the GUI thread."""
        self.print_button.setEnabled(False)
        self.message.show_message(self.tr("Printing…"), INFO)
        service, report, labels = self.service, self.report, self.labels
        run_in_background(lambda: service.print_report(report, labels), self._printed, self._print_failed)

    def _printed(self, done: bool) -> None:
        self.print_button.setEnabled(True)
        if done:
            self.message.show_message(self.tr("Printed."), SUCCESS)
        else:
            self.message.show_message(self.tr("No receipt printer is set up; save a PDF instead."), ERROR)
        self.printed.emit(done)

    def _print_failed(self, err: Exception) -> None:
        self.print_button.setEnabled(True)
        self.message.show_message(self.tr("The report could not be printed: %1").replace("%1", _problem(err)), ERROR)
        self.printed.emit(err)

    def save_pdf(self, path: str | None = None) -> None:
        if path is None:
            suggested = str(self.ctx.db.path.parent / f"{self.report.number}.pdf")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save report as PDF"), suggested,
                                                  self.tr("PDF files (*.pdf)"))
            if not path:
                return
        self.message.show_message(self.tr("Saving…"), INFO)
        service, report, labels = self.service, self.report, self.labels

        def done(_pages):
            self.message.show_message(self.tr("Saved %1").replace("%1", path), SUCCESS)
            self.saved.emit(path)

        def failed(err):
            self.message.show_message(self.tr("The PDF could not be saved: %1").replace("%1", _problem(err)), ERROR)
            self.saved.emit(err)

        run_in_background(lambda: service.report_pdf(report, path, labels), done, failed)


class TillMenu(QObject):
    """The main window's "Till" menu. Entries mirror what the person may do and whether
    the till is open; the services check again."""

    drawer_kicked = Signal(object)  # None, or the printer's error

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ctx: AppContext = window.ctx
        self.service = TillSessionService(self.ctx.db)
        self.menu = window.menuBar().addMenu(self.tr("&Till"))
        self.menu.setObjectName("tillMenu")
        self.open_action = self._add(self.tr("&Open till…"), self.open_till)
        self.cash_in_action = self._add(self.tr("Cash &in…"), lambda: self.move_cash("in"))
        self.cash_out_action = self._add(self.tr("Cash &out…"), lambda: self.move_cash("out"))
        self.no_sale_action = self._add(self.tr("&No sale (open drawer)"), self.no_sale)
        self.menu.addSeparator()
        self.x_action = self._add(self.tr("&X report…"), self.x_report)
        self.close_action = self._add(self.tr("&Close till (Z)…"), self.close_till)
        self.menu.aboutToShow.connect(self.refresh)
        self.refresh()

    def _add(self, text: str, slot) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def refresh(self) -> None:
        """After a user switch or a change of the till's state."""
        staff = self.ctx.staff
        sells = bool(staff and staff.can(Permission.SELL))
        try:
            is_open = self.service.current(self.ctx.till.till_id) is not None
        except ShopDeskError:
            is_open = False
        self.open_action.setEnabled(sells and not is_open)
        for action in (self.cash_in_action, self.cash_out_action, self.close_action):
            action.setEnabled(sells and is_open)
        self.x_action.setEnabled(sells)
        self.no_sale_action.setEnabled(bool(is_open and staff and staff.can(Permission.OPEN_DRAWER)))

    def _say(self, text: str, kind: str = SUCCESS) -> None:
        checkout = getattr(self.window, "checkout", None)
        if checkout is not None:
            checkout.show_message(text, kind)
            checkout.focus_scan()

    def open_till(self) -> None:
        dialog = OpenTillDialog(self.ctx, self.window)
        if dialog.exec():
            current = self.service.current(self.ctx.till.till_id)
            self._say(self.tr("Till open: session %1, float %2").replace("%1", current.number).replace(
                "%2", format_money(current.opening_float, self.ctx.store.currency, self.ctx.store.locale)))
        self.refresh()

    def move_cash(self, direction: str) -> None:
        if CashMoveDialog(self.ctx, direction, self.window).exec():
            self._say(self.tr("Cash in recorded.") if direction == "in" else self.tr("Cash out recorded."))
            self._kick()
        self.refresh()

    def no_sale(self) -> None:
        if NoSaleDialog(self.ctx, self.window).exec():
            self._say(self.tr("No sale recorded: the drawer opens."))
            self._kick()

    def _kick(self) -> None:
        service = self.service
        run_in_background(service.kick_drawer, self._kicked, self._kicked)

    def _kicked(self, err: Exception | None) -> None:
        if err is not None:
            self._say(self.tr("The drawer did not open: %1").replace("%1", _problem(err)), ERROR)
        self.drawer_kicked.emit(err)

    def x_report(self) -> None:
        try:
            report = self.service.report(self.ctx.require_staff(), self.ctx.till.till_id)
        except ShopDeskError as err:
            self._say(error_text(err), ERROR)
            return
        ReportDialog(self.ctx, report, self.window).exec()

    def close_till(self) -> None:
        dialog = CloseTillDialog(self.ctx, self.window)
        if dialog.exec() and dialog.report is not None:
            self.refresh()
            ReportDialog(self.ctx, dialog.report, self.window).exec()
            self._say(self.tr("Till closed: %1").replace("%1", dialog.report.number))
        self.refresh()
