"""Store › Train recommendations… and Store › Recommendation report….

Training reads the whole history, so it runs off the GUI thread behind a busy bar; Cancel
hides the bar and the outcome is not reported (the service cannot stop half-way: a
training that finishes still replaces the model file, atomically, with a valid model).
The report shows, per day, the sales, those with a line taken from the suggestions strip
(the attach rate), and how often suggestions were shown and taken, with a bar chart.
"""

from __future__ import annotations

from datetime import date, timedelta

import shiboken6
from PySide6.QtCore import QCoreApplication, QDate, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.permissions import Permission
from shopdesk.gui.background import run_in_background
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.services.recommendations import AttachDay, RecommendationService, TrainSummary

REPORT_DAYS = 14


def _error(err: Exception) -> str:
    return error_text(err) if isinstance(err, ShopDeskError) else str(err) or type(err).__name__


# -- training ----------------------------------------------------------------------------------
class TrainingRun(QObject):
    """One training started from the menu; ``finished`` carries the summary (or None when
    it was cancelled or failed), after the person was told."""

    finished = Signal(object)
    _said = Signal(str)  # progress text from the worker thread

    def __init__(self, main_window) -> None:
        super().__init__(main_window)
        self.main_window = main_window
        self.ctx: AppContext = main_window.ctx
        self.cancelled = False
        self.summary: TrainSummary | None = None
        self.error: str | None = None
        self.progress = QProgressDialog(self.tr("Training the recommender on the store's history…"),
                                        self.tr("Cancel"), 0, 0, main_window)
        self.progress.setObjectName("trainProgress")
        self.progress.setWindowTitle(self.tr("Train recommendations"))
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)
        self._said.connect(self.progress.setLabelText)

    def start(self) -> None:
        service = RecommendationService(self.ctx.db)
        said, actor = self._said, self.ctx.require_staff()
        self.progress.show()
        run_in_background(lambda: service.train(actor, progress=said.emit), self._done, self._failed)

    def cancel(self) -> None:
        self.cancelled = True
        self.progress.hide()

    def _done(self, summary: TrainSummary) -> None:
        if not shiboken6.isValid(self):
            return
        self.progress.hide()
        if self.cancelled:
            self.finished.emit(None)
            return
        self.summary = summary
        for area in ("checkout", "catalog"):  # show what the new model suggests
            panel = getattr(getattr(self.main_window, area, None), "recommendations", None)
            if panel is not None:
                panel.forget()
        QMessageBox.information(self.main_window, self.tr("Train recommendations"), describe_summary(summary))
        self.finished.emit(summary)

    def _failed(self, err: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self.progress.hide()
        if self.cancelled:
            self.finished.emit(None)
            return
        self.error = _error(err)
        QMessageBox.warning(self.main_window, self.tr("Train recommendations"),
                            self.tr("Training failed: %1").replace("%1", self.error))
        self.finished.emit(None)


def describe_summary(summary: TrainSummary) -> str:
    return (QCoreApplication.translate(
        "TrainingRun", "The recommender learnt from %1 baskets (%2 lines): %3 items, %4 known customers, "
                       "%5 ratings, in %6 s.")
            .replace("%1", str(summary.baskets)).replace("%2", str(summary.lines))
            .replace("%3", str(summary.items)).replace("%4", str(summary.customers))
            .replace("%5", str(summary.ratings)).replace("%6", f"{summary.seconds:.1f}"))


def train_recommendations(main_window) -> TrainingRun | None:
    """Store › Train recommendations…: needs MANAGE_CATALOG; one training at a time."""
    staff = main_window.ctx.staff
    if staff is None or not staff.can(Permission.MANAGE_CATALOG):
        QMessageBox.warning(main_window, main_window.tr("Train recommendations"),
                            main_window.tr("Training the recommender needs the right to manage the catalog."))
        return None
    running = getattr(main_window, "training_run", None)
    if running is not None and shiboken6.isValid(running) and running.summary is None \
            and running.error is None and not running.cancelled:
        running.progress.show()  # already training: show it again
        return running
    run = TrainingRun(main_window)
    main_window.training_run = run
    run.start()
    return run


# -- the attach report -------------------------------------------------------------------------
class AttachChart(QWidget):
    """Bars: the attach rate per day (%), the day's sales written under each bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachChart")
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.days: list[tuple[date, int, float]] = []  # day, sales, rate 0..1

    def set_days(self, days: list[tuple[date, int, float]]) -> None:
        self.days = days
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.rect().adjusted(40, 10, -10, -34)
        metrics = painter.fontMetrics()
        painter.setPen(QPen(QColor("#c8ccd2")))
        top = max((rate for _d, _n, rate in self.days), default=0.0)
        scale = 1.0 if top > 0.5 else 0.5 if top > 0.2 else 0.2 if top > 0.1 else 0.1
        for fraction in (0.0, 0.5, 1.0):
            y = rect.bottom() - fraction * rect.height()
            painter.drawLine(rect.left(), int(y), rect.right(), int(y))
            painter.drawText(QRectF(0, y - 8, 36, 16), int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             f"{fraction * scale * 100:.0f}%")
        if not self.days:
            painter.setPen(QColor("#6b7280"))
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self.tr("No sales in these days."))
            return
        slot = rect.width() / len(self.days)
        bar = max(2.0, slot * 0.6)
        label_every = max(1, int(metrics.horizontalAdvance("00-00 ") / max(slot, 1)) + 1)
        for i, (day, sales, rate) in enumerate(self.days):
            x = rect.left() + i * slot + (slot - bar) / 2
            height = min(rate / scale, 1.0) * rect.height()
            painter.fillRect(QRectF(x, rect.bottom() - height, bar, height), QColor("#2f6fb3"))
            if i % label_every == 0:
                painter.setPen(QColor("#333"))
                painter.drawText(QRectF(rect.left() + i * slot - 10, rect.bottom() + 2, slot + 20, 16),
                                 int(Qt.AlignmentFlag.AlignHCenter), day.strftime("%m-%d"))
                painter.setPen(QColor("#6b7280"))
                painter.drawText(QRectF(rect.left() + i * slot - 10, rect.bottom() + 16, slot + 20, 16),
                                 int(Qt.AlignmentFlag.AlignHCenter), str(sales))
        painter.end()


class AttachReportDialog(QDialog):
    """Store › Recommendation report…: attach rate per day (needs VIEW_REPORTS)."""

    COLUMNS = ("Day", "Sales", "With a suggestion", "Attach rate", "Suggestions shown", "Suggestions taken")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, service: RecommendationService | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service or RecommendationService(ctx.db)
        self.setObjectName("attachReportDialog")
        self.setWindowTitle(self.tr("Recommendation report"))
        self.resize(760, 560)
        today = today or date.today()
        start = today - timedelta(days=REPORT_DAYS - 1)
        self.date_from = QDateEdit(QDate(start.year, start.month, start.day), self)
        self.date_from.setObjectName("reportFrom")
        self.date_to = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.date_to.setObjectName("reportTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.show_button = QPushButton(self.tr("&Show"), self)
        self.show_button.setObjectName("showReportButton")
        self.show_button.clicked.connect(self.load)
        self.summary = QLabel(self)
        self.summary.setObjectName("attachSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("attachTable")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.chart = AttachChart(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        dates = QHBoxLayout()
        dates.addWidget(QLabel(self.tr("From"), self))
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel(self.tr("to"), self))
        dates.addWidget(self.date_to)
        dates.addWidget(self.show_button)
        dates.addStretch(1)
        root = QVBoxLayout(self)
        root.addLayout(dates)
        root.addWidget(self.summary)
        root.addWidget(self.chart, 2)
        root.addWidget(self.table, 3)
        root.addWidget(buttons)

        self.rows: list[tuple[date, int, int, int, int]] = []  # day, sales, with one, shown, taken
        self.loading = False
        self._generation = 0
        self.load()

    def period(self) -> tuple[date, date]:
        a, b = self.date_from.date().toPython(), self.date_to.date().toPython()
        return (a, b) if a <= b else (b, a)

    def load(self) -> None:
        since, until = self.period()
        try:
            staff = self.ctx.require_staff()
            staff.require(Permission.VIEW_REPORTS)
        except ShopDeskError as err:
            self._failed(self._generation, err)
            return
        self._generation += 1
        generation, service = self._generation, self.service
        self.loading = True
        self.summary.setText(self.tr("Reading…"))
        run_in_background(
            lambda: (service.attach_rate(staff, since, until), service.events_by_day(staff, since, until)),
            lambda result: self._show(generation, since, until, *result),
            lambda err: self._failed(generation, err))

    def _failed(self, generation: int, err: Exception) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        self.loading = False
        self.summary.setText(_error(err))

    def _show(self, generation: int, since: date, until: date, days: list[AttachDay],
              events: dict[date, tuple[int, int]]) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        self.loading = False
        by_day = {d.day: d for d in days}
        rows = []
        every_day = {since + timedelta(days=i) for i in range((until - since).days + 1)}
        # Every day of the period, also those without sales; and any day the service counted
        # (it groups by the stored UTC date, which may lie a day beyond local midnight).
        for day in sorted(every_day | set(by_day) | set(events)):
            found = by_day.get(day)
            shown, taken = events.get(day, (0, 0))
            rows.append((day, found.sales if found else 0, found.with_suggestion if found else 0, shown, taken))
        self.rows = rows
        self.table.setRowCount(len(rows) + 1)
        for r, (day, sales, attached, shown, taken) in enumerate(rows):
            self._set_row(r, day.isoformat(), sales, attached, shown, taken)
        totals = [sum(x[i] for x in rows) for i in range(1, 5)]
        self._set_row(len(rows), self.tr("Total"), *totals, bold=True)
        self.chart.set_days([(d, s, a / s if s else 0.0) for d, s, a, _shown, _taken in rows])
        sales, attached, shown, taken = totals
        self.summary.setText(
            self.tr("%1 sales, %2 with a suggestion taken (%3); suggestions shown %4 times, taken %5 times.")
            .replace("%1", str(sales)).replace("%2", str(attached)).replace("%3", _percent(attached, sales))
            .replace("%4", str(shown)).replace("%5", str(taken)))

    def _set_row(self, row: int, day: str, sales: int, attached: int, shown: int, taken: int,
                 bold: bool = False) -> None:
        for column, text in enumerate((day, str(sales), str(attached), _percent(attached, sales),
                                       str(shown), str(taken))):
            item = QTableWidgetItem(text)
            if column:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if bold:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.table.setItem(row, column, item)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "—"


def open_attach_report(main_window) -> None:
    """Store › Recommendation report… (modal)."""
    AttachReportDialog(main_window.ctx, main_window).exec()
