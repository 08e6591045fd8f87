"""The catalog window: search as you type, filter, sort, and edit products and variants."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.permissions import Permission
from shopdesk.domain.product_fields import parse_option_axes
from shopdesk.gui.background import BackgroundJob, run_in_background
from shopdesk.gui.catalog_model import CatalogModel
from shopdesk.gui.context import AppContext
from shopdesk.gui.import_dialog import ImportDialog
from shopdesk.gui.labels_dialog import LabelsDialog
from shopdesk.gui.messages import error_text
from shopdesk.gui.product_dialog import ProductDialog
from shopdesk.services.catalog_browse import CatalogBrowser, CatalogFilter
from shopdesk.services.catalog_export import export_products_csv
from shopdesk.services.catalog_search import worth_searching_as_you_type

COLUMN_WIDTHS = {CatalogModel.SKU: 120, CatalogModel.BRAND: 100, CatalogModel.CATEGORY: 110,
                 CatalogModel.PRICE: 80, CatalogModel.ON_HAND: 70, CatalogModel.AVAILABLE: 75, CatalogModel.REORDER: 80,
                 CatalogModel.ACTIVE: 55, CatalogModel.RATING: 90}
SEARCH_DELAY_MS = 150  # type-ahead: wait for a pause in typing, not every key


class CatalogWindow(QWidget):
    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("catalogWindow")
        self.search = QLineEdit(self)
        self.search.setObjectName("catalogSearch")
        self.search.setPlaceholderText(self.tr("Search name, SKU, barcode, brand, category, pinyin…"))
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox(self)
        self.brand = QLineEdit(self)
        self.brand.setPlaceholderText(self.tr("Brand"))
        self.active = QComboBox(self)
        self.active.addItem(self.tr("Active and inactive"), None)
        self.active.addItem(self.tr("Active only"), True)
        self.active.addItem(self.tr("Inactive only"), False)
        self.low_stock = QCheckBox(self.tr("&Low stock"), self)

        self.model = CatalogModel(CatalogBrowser(ctx.db), ctx.store.currency, ctx.store.locale, self)
        self.view = QTreeView(self)
        self.view.setObjectName("catalogView")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)  # lets Qt skip measuring rows: fast at any size
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(CatalogModel.NAME, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.view.header()
        header.setStretchLastSection(False)
        for column, width in COLUMN_WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(CatalogModel.NAME, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _index: self.edit_selected())

        self.new_button = QPushButton(self.tr("&New product…"), self)
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.variants_button = QPushButton(self.tr("&Variants…"), self)
        self.import_button = QPushButton(self.tr("&Import CSV…"), self)
        self.export_button = QPushButton(self.tr("E&xport CSV…"), self)
        self.import_button.clicked.connect(self.import_csv)
        self.export_button.clicked.connect(self.export_csv)
        self.labels_button = QPushButton(self.tr("Print &labels…"), self)
        self.labels_button.clicked.connect(self.print_labels)
        self.new_button.clicked.connect(self.new_product)
        self.edit_button.clicked.connect(self.edit_selected)
        self.variants_button.clicked.connect(self.make_variants)
        self.message = QLabel(self)
        self.message.setObjectName("catalogMessage")

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.category, 2)
        filters.addWidget(self.brand, 1)
        filters.addWidget(self.active)
        filters.addWidget(self.low_stock)
        actions = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.variants_button, self.labels_button,
                       self.import_button, self.export_button):
            actions.addWidget(button)
        actions.addWidget(self.message, 1)
        root = QVBoxLayout(self)
        root.addLayout(filters)
        root.addWidget(self.view, 1)
        root.addLayout(actions)

        self._search_generation = 0
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._on_search_typed)
        self.search.returnPressed.connect(self.apply_filter)
        self.brand.textChanged.connect(self._search_timer.start)
        self.category.currentIndexChanged.connect(self.apply_filter)
        self.active.currentIndexChanged.connect(self.apply_filter)
        self.low_stock.toggled.connect(self.apply_filter)
        self.refresh_permissions()
        self.load_categories()
        if self.model.rowCount() == 0:
            self.model.reload()
        from shopdesk.gui.catalog_recommendations import install_catalog_recommendations
        install_catalog_recommendations(self)  # "Bought together" / "Similar items" for the selection

    def refresh_permissions(self) -> None:
        staff = self.ctx.staff
        can_edit = bool(staff and staff.can(Permission.MANAGE_CATALOG))
        for button in (self.new_button, self.edit_button, self.variants_button, self.import_button):
            button.setEnabled(can_edit)

    def load_categories(self) -> None:
        self.category.blockSignals(True)
        current = self.category.currentData()
        self.category.clear()
        self.category.addItem(self.tr("All categories"), None)
        for category_id, path in self.ctx.catalog.categories():
            self.category.addItem(path, category_id)
        index = self.category.findData(current)
        self.category.setCurrentIndex(max(0, index))
        self.category.blockSignals(False)

    def current_filter(self) -> CatalogFilter:
        return CatalogFilter(
            text=self.search.text(), category_id=self.category.currentData(),
            brand=self.brand.text().strip() or None, active=self.active.currentData(),
            low_stock=self.low_stock.isChecked(),
        )

    def _on_search_typed(self, text: str) -> None:
        if worth_searching_as_you_type(text):
            self._search_timer.start()
        else:
            self._search_timer.stop()

    def apply_filter(self) -> None:
        self._search_timer.stop()
        flt = self.current_filter()
        self._search_generation += 1
        if not flt.text.strip():
            self.model.set_filter(flt)
            return
        # Text search ranks matches over the whole catalog: off the GUI thread, and only
        # the answer to the latest text is shown (typing on makes older ones stale).
        generation, browser = self._search_generation, self.model.browser
        self.message.setText(self.tr("Searching…"))
        run_in_background(
            lambda: browser.page(flt),
            lambda page: self._show_search(generation, flt, page),
            lambda err: self._search_failed(generation, err),
        )

    def _show_search(self, generation: int, flt: CatalogFilter, page) -> None:
        if generation != self._search_generation:
            return
        self.model.show_page(flt, page)
        self.message.setText(self.tr("%n product(s) found.", "", len(page.rows)))

    def _search_failed(self, generation: int, err: Exception) -> None:
        if generation == self._search_generation:
            self.message.setText(error_text(err) if isinstance(err, ShopDeskError) else str(err))

    def selected_product_id(self) -> str | None:
        index = self.view.currentIndex()
        return self.model.data(index, CatalogModel.PRODUCT_ID_ROLE) if index.isValid() else None

    def new_product(self) -> None:
        dialog = ProductDialog(self.ctx, parent=self)
        if dialog.exec():
            self._after_change(self.tr("Product created."))

    def edit_selected(self) -> None:
        product_id = self.selected_product_id()
        if product_id is None:
            self.message.setText(self.tr("Select a product first."))
            return
        dialog = ProductDialog(self.ctx, product_id, parent=self)
        if dialog.exec():
            self._after_change(self.tr("Product saved."))

    def make_variants(self) -> None:
        product_id = self.selected_product_id()
        if product_id is None:
            self.message.setText(self.tr("Select a product first."))
            return
        text, ok = QInputDialog.getMultiLineText(
            self, self.tr("Variants"),
            self.tr("One option per line, its values after a colon, e.g.\nSize: S, M, L\nColour: Red, Navy"),
            "Size: S, M, L")
        if not ok:
            return
        try:
            created = self.ctx.catalog.create_variants(self.ctx.require_staff(), product_id, parse_option_axes(text))
        except ShopDeskError as err:
            self.message.setText(error_text(err))
            return
        self._after_change(self.tr("%n variant(s) created.", "", len(created)))

    def selected_product_ids(self) -> list[str]:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return [self.model.data(index, CatalogModel.PRODUCT_ID_ROLE) for index in rows]

    def print_labels(self) -> None:
        ids = self.selected_product_ids()
        if not ids:
            self.message.setText(self.tr("Select the products to label first."))
            return
        dialog = LabelsDialog(self.ctx.db, ids, self)
        if dialog.exec() and dialog.saved_path is not None:
            self.message.setText(self.tr("Labels saved to %1.").replace("%1", str(dialog.saved_path)))

    def import_csv(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import products"), "",
                                                  self.tr("CSV files (*.csv *.txt);;All files (*)"))
        if not path:
            return
        dialog = ImportDialog(self.ctx, Path(path), self)
        if dialog.exec() and dialog.result is not None:
            self._after_change(self.tr("Imported: %1 created, %2 updated.")
                               .replace("%1", str(dialog.result.created))
                               .replace("%2", str(dialog.result.updated)))

    def export_csv(self, path: str | None = None) -> None:
        """Export what the filters show (category, brand, active) as CSV, off the GUI thread."""
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export products"), "products.csv",
                                                  self.tr("CSV files (*.csv)"))
        if not path:
            return
        flt = self.current_filter()
        db = self.ctx.db
        progress = QProgressDialog(self.tr("Exporting products…"), self.tr("Cancel"), 0, 0, self)
        progress.setMinimumDuration(300)
        job = BackgroundJob(lambda report, cancelled: export_products_csv(
            db, path, category_id=flt.category_id, brand=flt.brand, active_only=flt.active is True,
            progress=report, cancel=cancelled), self)
        job.progressed.connect(lambda done, total: (progress.setMaximum(total), progress.setValue(done)))
        progress.canceled.connect(job.cancel)
        job.done.connect(lambda count: (progress.reset(), self.message.setText(
            self.tr("%1 products exported to %2.").replace("%1", str(count)).replace("%2", path))))
        job.failed.connect(lambda err: (progress.reset(), self.message.setText(
            error_text(err) if isinstance(err, ShopDeskError) else str(err))))
        self.export_job = job
        job.start()

    def _after_change(self, text: str) -> None:
        self.load_categories()
        self.apply_filter()
        self.message.setText(text)

