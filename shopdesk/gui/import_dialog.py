"""Importing products from a CSV file: preview (what will be created, updated, rejected and
why, row by row), then import all of it in one transaction. Both steps run off the GUI
thread with a progress bar and Cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.gui.background import BackgroundJob
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.services.catalog_import import CatalogImport, ImportPreview, ImportResult

SHOWN_ROWS = 2000  # the tables show the first rows; the summary counts all of them


class ImportDialog(QDialog):
    def __init__(self, ctx: AppContext, path: Path, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.path = ctx, Path(path)
        self.importer = CatalogImport(ctx.db)
        self.preview: ImportPreview | None = None
        self.result: ImportResult | None = None
        self.job: BackgroundJob | None = None
        self.setWindowTitle(self.tr("Import products — %1").replace("%1", self.path.name))
        self.resize(820, 560)
        self.summary = QLabel(self.tr("Reading the file…"), self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.tabs = QTabWidget(self)
        self.rejects = self._table([self.tr("Row"), self.tr("Column"), self.tr("Value"), self.tr("Problem")])
        self.changes = self._table([self.tr("Row"), self.tr("SKU"), self.tr("Action"), self.tr("Details")])
        self.tabs.addTab(self.rejects, self.tr("Rejected rows"))
        self.tabs.addTab(self.changes, self.tr("Changes"))
        self.create_categories = QCheckBox(self.tr("Create categories that do not exist yet"), self)
        self.create_categories.setChecked(True)
        self.create_categories.toggled.connect(self.start_preview)
        self.skip_rejected = QCheckBox(self.tr("Import the good rows and leave out the rejected ones"), self)
        self.skip_rejected.toggled.connect(self._update_buttons)
        self.import_button = QPushButton(self.tr("&Import"), self)
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_categories)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.skip_rejected)
        layout.addLayout(buttons)
        self.start_preview()

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers), self)
        table.setHorizontalHeaderLabels(headers)
        table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)  # the Row column is the file's row number
        return table

    # -- preview ---------------------------------------------------------------------------
    def start_preview(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
        self.preview = None
        self._update_buttons()
        staff, create = self.ctx.require_staff(), self.create_categories.isChecked()
        self.summary.setText(self.tr("Checking every row…"))
        self.job = BackgroundJob(lambda progress, cancelled: self.importer.preview(
            staff, self.path, create_categories=create, progress=progress, cancel=cancelled), self)
        self._run(self.job, self._preview_done)

    def _preview_done(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.summary.setText(self.tr(
            "%1 rows: %2 to create, %3 to update, %4 unchanged, %5 rejected.")
            .replace("%1", str(preview.total_rows)).replace("%2", str(len(preview.creates)))
            .replace("%3", str(len(preview.updates))).replace("%4", str(preview.unchanged))
            .replace("%5", str(len(preview.rejects))))
        self._fill(self.rejects, [(e.row, e.column, e.value, e.message) for e in preview.rejects[:SHOWN_ROWS]])
        planned = [(p.row, p.sku, self.tr("create"), p.name) for p in preview.creates[:SHOWN_ROWS]]
        planned += [(p.row, p.sku, self.tr("update"),
                     "; ".join(f"{column}: {old} → {new}" for column, (old, new) in p.changes.items()))
                    for p in preview.updates[:SHOWN_ROWS]]
        self._fill(self.changes, sorted(planned))
        self.tabs.setCurrentWidget(self.rejects if preview.rejects else self.changes)
        self._update_buttons()

    # -- import ----------------------------------------------------------------------------
    def start_import(self) -> None:
        preview, staff, skip = self.preview, self.ctx.require_staff(), self.skip_rejected.isChecked()
        if preview is None:
            return
        self.import_button.setEnabled(False)
        self.create_categories.setEnabled(False)
        self.summary.setText(self.tr("Importing… nothing is saved until all of it is."))
        self.job = BackgroundJob(lambda progress, cancelled: self.importer.apply(
            staff, preview, skip_rejected=skip, progress=progress, cancel=cancelled), self)
        self._run(self.job, self._import_done)

    def _import_done(self, result: ImportResult) -> None:
        self.result = result
        self.summary.setText(self.tr("Imported: %1 created, %2 updated.")
                             .replace("%1", str(result.created)).replace("%2", str(result.updated)))
        self.accept()

    # -- shared ----------------------------------------------------------------------------
    def _run(self, job: BackgroundJob, on_done) -> None:
        self.progress.setRange(0, 0)
        job.progressed.connect(self._on_progress)
        job.done.connect(lambda value: job is self.job and on_done(value))
        job.failed.connect(lambda err: job is self.job and self._failed(err))
        job.start()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _failed(self, err: Exception) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.summary.setText(error_text(err) if isinstance(err, ShopDeskError) else str(err))
        self.create_categories.setEnabled(True)
        self._update_buttons()

    def _update_buttons(self) -> None:
        preview = self.preview
        can_import = preview is not None and (preview.creates or preview.updates) and (
            preview.ok or self.skip_rejected.isChecked())
        self.import_button.setEnabled(bool(can_import))
        self.skip_rejected.setVisible(bool(preview and preview.rejects))

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()  # the worker stops at its next check; nothing is written
        self.reject()

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple]) -> None:
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(str(value)))
        table.resizeColumnsToContents()
