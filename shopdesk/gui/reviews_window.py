"""The reviews area: what customers said about the products, moderated by a manager.

Filters (product search, stars, status, dates) over a paged list of reviews, newest first
(the pending queue, oldest first, when the status is "Pending"); the selected review's full
text with the shop's reply under it; Publish, Reject… (with a reason), Reply… and Edit…
for managers; "New review…" for anyone who sells; and the lowest-rated products (by
Bayesian average, with their review count and plain average) to look at first.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from html import escape

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.permissions import Permission
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.review_dialog import EditReviewDialog, ReviewDialog
from shopdesk.gui.scan_input import ERROR, INFO, SUCCESS, MessageStrip
from shopdesk.services.reviews import ReviewFilter, ReviewService, ReviewView

PAGE = 200
SEARCH_DELAY_MS = 250
LOWEST_SHOWN = 15
STATUS_COLOURS = {"pending": "#8a5a00", "published": "#0a5c26", "rejected": "#8a0012"}


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


def local_time(when) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when is not None else ""


def _table(parent: QWidget, name: str, headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class ReviewsWindow(QWidget):
    DATE, PRODUCT, STARS, TITLE, REVIEWER, STATUS, VERIFIED = range(7)

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ReviewService(ctx.db)
        self.reviews: list[ReviewView] = []
        self.next_key = None
        self.setObjectName("reviewsWindow")

        self.product_filter = QLineEdit(self)
        self.product_filter.setObjectName("reviewProductFilter")
        self.product_filter.setPlaceholderText(self.tr("Product: name, SKU, barcode…"))
        self.product_filter.setClearButtonEnabled(True)
        self.rating_filter = QComboBox(self)
        self.rating_filter.setObjectName("reviewRatingFilter")
        self.rating_filter.addItem(self.tr("Any stars"), None)
        for n in range(5, 0, -1):
            self.rating_filter.addItem(stars(n), n)
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("reviewStatusFilter")
        self.status_filter.addItem(self.tr("Pending (oldest first)"), "pending")
        self.status_filter.addItem(self.tr("Published"), "published")
        self.status_filter.addItem(self.tr("Rejected"), "rejected")
        self.status_filter.addItem(self.tr("All"), None)
        self.dates = QCheckBox(self.tr("&Written"), self)
        self.date_from = QDateEdit(QDate.currentDate().addMonths(-1), self)
        self.date_to = QDateEdit(QDate.currentDate(), self)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.dates.toggled.connect(lambda on: (self.date_from.setEnabled(on), self.date_to.setEnabled(on)))

        self.table = _table(self, "reviewsTable", [self.tr("Date"), self.tr("Product"), self.tr("Stars"),
                                                   self.tr("Title"), self.tr("Reviewer"), self.tr("Status"),
                                                   self.tr("Verified")], self.TITLE)
        self.table.itemSelectionChanged.connect(self._row_chosen)
        self.more_button = QPushButton(self.tr("Show &more"), self)
        self.more_button.setObjectName("moreReviewsButton")
        self.more_button.clicked.connect(self.load_more)
        self.text = QTextBrowser(self)
        self.text.setObjectName("reviewText")
        self.text.setOpenLinks(False)
        self.publish_button = QPushButton(self.tr("&Publish"), self)
        self.publish_button.setObjectName("publishButton")
        self.publish_button.clicked.connect(self.publish)
        self.reject_button = QPushButton(self.tr("Re&ject…"), self)
        self.reject_button.setObjectName("rejectButton")
        self.reject_button.clicked.connect(self.reject)
        self.reply_button = QPushButton(self.tr("&Reply…"), self)
        self.reply_button.setObjectName("replyButton")
        self.reply_button.clicked.connect(self.reply)
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.edit_button.setObjectName("editReviewButton")
        self.edit_button.clicked.connect(self.edit)
        self.new_button = QPushButton(self.tr("&New review…"), self)
        self.new_button.setObjectName("newReviewButton")
        self.new_button.clicked.connect(self.new_review)
        self.lowest = _table(self, "lowestRatedTable", [self.tr("Product"), self.tr("Reviews"), self.tr("Average"),
                                                        self.tr("Bayesian")], 0)
        self.lowest.setToolTip(self.tr("Ranked by the Bayesian average: the product's own average pulled toward "
                                       "the shop's mean, less so the more reviews it has."))
        self.lowest.itemDoubleClicked.connect(lambda item: self.show_product(self.lowest.item(item.row(), 0).text()))
        self.message = MessageStrip(self, "reviewsMessage")

        filters = QHBoxLayout()
        filters.addWidget(self.product_filter, 2)
        filters.addWidget(self.rating_filter)
        filters.addWidget(QLabel(self.tr("Status:"), self))
        filters.addWidget(self.status_filter)
        filters.addWidget(self.dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("–", self))
        filters.addWidget(self.date_to)
        filters.addWidget(self.new_button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignLeft)
        buttons = QHBoxLayout()
        for button in (self.publish_button, self.reject_button, self.reply_button, self.edit_button):
            buttons.addWidget(button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.text, 3)
        caption = QLabel(self.tr("Lowest rated products"), self)
        caption.setStyleSheet("font-weight: bold; margin-top: 6px;")
        right_layout.addWidget(caption)
        right_layout.addWidget(self.lowest, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([720, 480])
        root = QVBoxLayout(self)
        root.addLayout(filters)
        root.addWidget(self.message)
        root.addWidget(self.splitter, 1)

        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.product_filter.textChanged.connect(lambda _t: self._timer.start())
        self.product_filter.returnPressed.connect(self.reload)
        for combo in (self.rating_filter, self.status_filter):
            combo.currentIndexChanged.connect(lambda _n: self.reload())
        self.dates.toggled.connect(lambda _on: self.reload())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.reload() if self.dates.isChecked() else None)
        self.refresh_permissions()
        self.say(self.tr("Reviews customers gave: moderate them, reply, or enter a new one."), INFO)

    # -- permissions ---------------------------------------------------------------------------
    def is_manager(self) -> bool:
        staff = self.ctx.staff
        return bool(staff and staff.can(Permission.MANAGE_CATALOG))

    def refresh_permissions(self) -> None:
        """Non-managers see published reviews only; the service enforces it too."""
        manager = self.is_manager()
        self.status_filter.blockSignals(True)
        self.status_filter.setCurrentIndex(0 if manager else 1)
        self.status_filter.setEnabled(manager)
        self.status_filter.blockSignals(False)
        staff = self.ctx.staff
        self.new_button.setEnabled(bool(staff and (staff.can(Permission.SELL) or staff.can(Permission.TAKE_ORDERS))))
        self.reload()

    def say(self, text: str, kind: str = INFO) -> None:
        self.message.show_message(text, kind)

    # -- loading -------------------------------------------------------------------------------
    def current_filter(self) -> ReviewFilter | None:
        """The filter the widgets describe; None when the product search finds nothing."""
        product_ids = None
        text = self.product_filter.text().strip()
        if text:
            hits = self.ctx.search.search(text, limit=50)
            if not hits:
                return None
            product_ids = tuple(h.product_id for h in hits)
        since = until = None
        if self.dates.isChecked():
            start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
            since = datetime.combine(start, time.min).astimezone().astimezone(UTC)
            until = datetime.combine(end + timedelta(days=1), time.min).astimezone().astimezone(UTC)
        return ReviewFilter(product_ids=product_ids, status=self.status_filter.currentData(),
                            rating=self.rating_filter.currentData(), since=since, until=until)

    def reload(self, select_id: str | None = None) -> None:
        """The first page for the filters, and the lowest-rated list; keeps the selection."""
        self._timer.stop()
        keep = select_id or (self.selected().review_id if self.selected() else None)
        self.reviews, self.next_key = [], None
        self._fill_lowest()
        if self.ctx.staff is None:
            self._show_rows()
            return
        flt = self.current_filter()
        if flt is not None:
            self._fetch(flt)
        self._show_rows(keep)

    def load_more(self) -> None:
        keep = self.selected().review_id if self.selected() else None
        flt = self.current_filter()
        if flt is not None and self.next_key is not None:
            self._fetch(flt, self.next_key)
        self._show_rows(keep)

    def _fetch(self, flt: ReviewFilter, after=None) -> None:
        staff = self.ctx.require_staff()
        try:
            if flt.status == "pending" and flt == ReviewFilter(status="pending"):
                page = self.service.pending(staff, after=after, limit=PAGE)  # the queue: oldest first
            else:
                page = self.service.reviews(staff, flt, after=after, limit=PAGE)
        except ShopDeskError as err:
            self.say(error_text(err), ERROR)
            return
        self.reviews.extend(page.reviews)
        self.next_key = page.next_key

    def _show_rows(self, keep: str | None = None) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.reviews))
        keep_row = -1
        for r, review in enumerate(self.reviews):
            cells = (local_time(review.created_at)[:10], review.product_name, stars(review.rating), review.title,
                     review.reviewer_name or self.tr("(anonymous)"), self.status_label(review.status),
                     self.tr("yes") if review.verified else "")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == self.STARS:
                    item.setForeground(Qt.GlobalColor.darkYellow)
                if c == self.STATUS:
                    item.setForeground(QColor(STATUS_COLOURS.get(review.status, "#000")))
                self.table.setItem(r, c, item)
            if review.review_id == keep:
                keep_row = r
        self.table.blockSignals(False)
        self.more_button.setVisible(self.next_key is not None)
        if keep_row >= 0:
            self.table.selectRow(keep_row)
        else:
            self.table.clearSelection()
        self._row_chosen()

    def _fill_lowest(self) -> None:
        try:
            rows = self.service.lowest_rated(LOWEST_SHOWN)
        except ShopDeskError as err:
            self.say(error_text(err), ERROR)
            rows = []
        self.lowest.setRowCount(len(rows))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, p in enumerate(rows):
            cells = (p.name, str(p.summary.count), f"{p.summary.average:.1f}" if p.summary.average else "",
                     f"{p.summary.bayesian:.2f}")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(p.sku)
                if c:
                    item.setTextAlignment(right)
                self.lowest.setItem(r, c, item)

    def show_product(self, name: str) -> None:
        """Filter the list to one product (double-click in the lowest-rated list)."""
        self.product_filter.setText(name)
        if self.is_manager():
            self.status_filter.setCurrentIndex(self.status_filter.findData(None))
        self.reload()

    def status_label(self, status: str) -> str:
        return {"pending": self.tr("Pending"), "published": self.tr("Published"),
                "rejected": self.tr("Rejected")}.get(status, status)

    # -- the selected review -------------------------------------------------------------------
    def selected(self) -> ReviewView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.reviews):
            return None
        return self.reviews[rows[0].row()]

    def _row_chosen(self) -> None:
        review = self.selected()
        manager = self.is_manager()
        self.publish_button.setEnabled(manager and review is not None and review.status != "published")
        self.reject_button.setEnabled(manager and review is not None)
        self.reply_button.setEnabled(manager and review is not None)
        self.edit_button.setEnabled(manager and review is not None)
        self.text.setHtml(self.review_html(review) if review else
                          "<p style='color:gray'>" + escape(self.tr("Select a review to read it here.")) + "</p>")

    def review_html(self, r: ReviewView) -> str:
        who = r.reviewer_name or self.tr("(anonymous)")
        facts = [local_time(r.created_at), self.status_label(r.status), r.source]
        if r.verified:
            facts.append(self.tr("verified purchase") + (f" ({r.order_number})" if r.order_number else ""))
        if r.entered_by:
            facts.append(self.tr("entered by %1").replace("%1", r.entered_by))
        parts = [f"<h3 style='margin:0'>{escape(r.product_name)} <span style='color:gray'>{escape(r.sku)}</span></h3>",
                 f"<p style='font-size:18px;color:#d89b00;margin:4px 0'>{stars(r.rating)}</p>",
                 f"<p><b>{escape(r.title)}</b></p>" if r.title else "",
                 "<p>" + escape(r.body).replace("\n", "<br>") + "</p>" if r.body else "",
                 f"<p style='color:gray'>— {escape(who)} · {escape(' · '.join(f for f in facts if f))}</p>"]
        if r.status == "rejected" and r.reject_reason:
            parts.append(f"<p style='color:#8a0012'>{escape(self.tr('Rejected: %1').replace('%1', r.reject_reason))}"
                         "</p>")
        if r.reply:
            parts.append("<blockquote style='background:#f1f4f8;padding:6px;margin-left:16px'>"
                         f"<b>{escape(self.tr('Reply from the shop'))}</b> "
                         f"<span style='color:gray'>({escape(r.replied_by)}, {local_time(r.replied_at)})</span><br>"
                         + escape(r.reply).replace("\n", "<br>") + "</blockquote>")
        return "".join(parts)

    # -- acting --------------------------------------------------------------------------------
    def _done(self, review: ReviewView, text: str) -> None:
        self.say(text.replace("%1", review.product_name), SUCCESS)
        self.reload(select_id=review.review_id)
        if self.selected() is None:  # it left the filter (published out of the pending queue)
            self.text.setHtml(self.review_html(review))

    def _act(self, call, done: str) -> None:
        review = self.selected()
        if review is None:
            self.say(self.tr("Select a review first."), ERROR)
            return
        try:
            result = call(review)
        except ShopDeskError as err:
            self.say(error_text(err), ERROR)
            return
        if result is not None:
            self._done(result, done)

    def publish(self) -> None:
        self._act(lambda r: self.service.publish(self.ctx.require_staff(), r.review_id),
                  self.tr("The review of %1 is published."))

    def reject(self) -> None:
        def ask(r: ReviewView):
            reason, ok = QInputDialog.getText(self, self.tr("Reject review"),
                                              self.tr("Why is it rejected? (kept with the review)"),
                                              text=r.reject_reason)
            return self.service.reject(self.ctx.require_staff(), r.review_id, reason) if ok else None

        self._act(ask, self.tr("The review of %1 is rejected."))

    def reply(self) -> None:
        def ask(r: ReviewView):
            text, ok = QInputDialog.getMultiLineText(self, self.tr("Reply to review"),
                                                     self.tr("The shop's reply, shown under the review:"), r.reply)
            return self.service.reply(self.ctx.require_staff(), r.review_id, text) if ok else None

        self._act(ask, self.tr("Reply saved under the review of %1."))

    def edit(self) -> None:
        def ask(r: ReviewView):
            dialog = EditReviewDialog(self.ctx, self.service, r, self)
            dialog.exec()
            dialog.deleteLater()
            return dialog.view

        self._act(ask, self.tr("The review of %1 is corrected."))

    def new_review(self) -> None:
        if self.ctx.staff is None:
            return
        dialog = ReviewDialog(self.ctx, self, service=self.service)
        dialog.exec()
        result = dialog.result
        dialog.deleteLater()
        if result is not None:
            self._done(result.review, self.tr("Review of %1 saved; it waits for a manager to publish it."))
