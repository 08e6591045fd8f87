"""The "Low stock" and "Valuation" tabs of the stock window, and the valuation PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money
from shopdesk.domain.permissions import Permission
from shopdesk.gui.background import run_in_background
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import ERROR, INFO, SUCCESS
from shopdesk.gui.stock_dialogs import PurchaseOrderDialog
from shopdesk.gui.stock_models import PAGE, LowStockModel, ValuationModel
from shopdesk.services.stock_locations import LocationService
from shopdesk.services.stock_reports import valuation_report
from shopdesk.services.stock_views import StockViews, Valuation

Say = Callable[[str, str], None]


def problem_text(err: Exception) -> str:
    return error_text(err) if isinstance(err, ShopDeskError) else str(err)


def table_view(parent: QWidget, name: str, model, stretch: int) -> QTableView:
    """A read-only, row-selecting table sized for paging (uniform row heights)."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


class LowStockTab(QWidget):
    """Products at or below their reorder point, with what to order; a manager turns the
    selected rows into a purchase order."""

    def __init__(self, ctx: AppContext, say: Say, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.say = ctx, say
        self.views = StockViews(ctx.db)
        self.location = QComboBox(self)
        self.location.setObjectName("lowStockLocation")
        self.location.addItem(self.tr("All shop locations"), None)
        for loc in LocationService(ctx.db).list_locations(("internal",)):
            self.location.addItem(f"{loc.code} — {QCoreApplication.translate('locations', loc.name)}", loc.code)
        self.location.currentIndexChanged.connect(self.reload)
        self.refresh_button = QPushButton(self.tr("Re&fresh"), self)
        self.refresh_button.clicked.connect(self.reload)
        self.model = LowStockModel(ctx.store.locale, self)
        self.table = table_view(self, "lowStockTable", self.model, LowStockModel.NAME)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.order_button = QPushButton(self.tr("Create &purchase order…"), self)
        self.order_button.setObjectName("createOrderButton")
        self.order_button.setToolTip(self.tr("Order the suggested quantities of the selected products"))
        self.order_button.clicked.connect(self.create_order)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Location:"), self))
        top.addWidget(self.location)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(self.tr("Select the products to order (Ctrl/Shift for several)."), self), 1)
        bottom.addWidget(self.order_button)
        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addWidget(self.table, 1)
        root.addLayout(bottom)
        self.refresh_permissions()

    def refresh_permissions(self) -> None:
        staff = self.ctx.staff
        self.order_button.setEnabled(bool(staff and staff.can(Permission.ORDER_STOCK)))

    def reload(self) -> None:
        views, code = self.views, self.location.currentData()
        try:
            self.model.reset(lambda after: views.low_stock(code, limit=PAGE, after=after))
        except ShopDeskError as err:
            self.say(error_text(err), ERROR)

    def selected_rows(self):
        rows = self.table.selectionModel().selectedRows()
        return [self.model.row(index.row()) for index in sorted(rows, key=lambda i: i.row())]

    def create_order(self) -> None:
        rows = [row for row in self.selected_rows() if row.suggested > 0]
        if not rows:
            self.say(self.tr("Select the products to order first (those with a suggested quantity)."), ERROR)
            return
        dialog = PurchaseOrderDialog(self.ctx, rows, self.location.currentData() or "BACK", self)
        if dialog.exec() and dialog.number:
            self.say(self.tr("%1 created: %n product(s) ordered from %2.", "", len(dialog.rows))
                     .replace("%1", dialog.number).replace("%2", dialog.supplier.currentText()), SUCCESS)
            self.reload()


class ValuationTab(QWidget):
    """What the stock is worth per location, computed off the GUI thread."""

    def __init__(self, ctx: AppContext, say: Say, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.say = ctx, say
        self.views = StockViews(ctx.db)
        self.valuation: Valuation | None = None
        self._generation = 0
        self.busy = QProgressBar(self)
        self.busy.setObjectName("valuationBusy")
        self.busy.setRange(0, 0)  # "working", no percentage: it is one query
        self.busy.setMaximumWidth(200)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.status = QLabel(self)
        self.status.setObjectName("valuationStatus")
        self.refresh_button = QPushButton(self.tr("Re&compute"), self)
        self.refresh_button.setObjectName("valuationRefresh")
        self.refresh_button.clicked.connect(self.compute)
        self.model = ValuationModel(ctx.store.currency, ctx.store.locale, self)
        self.table = table_view(self, "valuationTable", self.model, ValuationModel.NAME)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("valuationTotal")
        self.total_label.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.pdf_button = QPushButton(self.tr("Save as &PDF…"), self)
        self.pdf_button.setObjectName("valuationPdfButton")
        self.pdf_button.clicked.connect(self.save_pdf)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Stock at moving-average cost, per shop location"), self), 1)
        top.addWidget(self.busy)
        top.addWidget(self.status)
        top.addWidget(self.refresh_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.total_label, 1)
        bottom.addWidget(self.pdf_button)
        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addWidget(self.table, 1)
        root.addLayout(bottom)
        self.refresh_permissions()

    def refresh_permissions(self) -> None:
        staff = self.ctx.staff
        self.pdf_button.setEnabled(self.valuation is not None and bool(staff and staff.can(Permission.VIEW_REPORTS)))

    @property
    def running(self) -> bool:
        return self.busy.isVisible()

    def compute(self) -> None:
        self._generation += 1
        generation, views = self._generation, self.views
        staff = self.ctx.require_staff()
        self.busy.show()
        self.refresh_button.setEnabled(False)
        self.status.setText(self.tr("Computing…"))
        run_in_background(lambda: views.valuation(staff), lambda result: self._computed(generation, result),
                          lambda err: self._failed(generation, err))

    def _computed(self, generation: int, valuation: Valuation) -> None:
        if generation != self._generation:
            return
        self._finish()
        self.valuation = valuation
        self.model.show(valuation.per_location)
        store = self.ctx.store
        self.total_label.setText(self.tr("Total: %1 · %n product(s) in stock", "", valuation.product_count)
                                 .replace("%1", format_money(valuation.total_value, store.currency, store.locale)))
        self.status.setText(self.tr("as of %1").replace("%1", datetime.now().strftime("%H:%M:%S")))
        self.refresh_permissions()

    def _failed(self, generation: int, err: Exception) -> None:
        if generation != self._generation:
            return
        self._finish()
        self.status.setText("")
        self.say(problem_text(err), ERROR)

    def _finish(self) -> None:
        self.busy.hide()
        self.refresh_button.setEnabled(True)

    def save_pdf(self) -> None:
        valuation = self.valuation
        if valuation is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save stock valuation"),
                                              f"stock-valuation-{datetime.now():%Y-%m-%d}.pdf",
                                              self.tr("PDF (*.pdf);;CSV for a spreadsheet (*.csv)"))
        if not path:
            return
        self.pdf_button.setEnabled(False)
        self.say(self.tr("Writing the valuation report…"), INFO)

        def saved(_pages: int) -> None:
            self.refresh_permissions()
            self.say(self.tr("Stock valuation saved: %1").replace("%1", path), SUCCESS)

        def failed(err: Exception) -> None:
            self.refresh_permissions()
            self.say(problem_text(err), ERROR)

        staff, db = self.ctx.require_staff(), self.ctx.db
        run_in_background(lambda: valuation_report(db, staff, path, valuation=valuation), saved, failed)
