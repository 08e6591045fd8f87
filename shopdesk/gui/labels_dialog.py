"""Print shelf or barcode labels for the selected products, as a PDF sheet or roll."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFileDialog, QLabel, QSpinBox

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.label import RollLayout, SheetLayout
from shopdesk.gui.background import run_in_background
from shopdesk.gui.forms import load_form
from shopdesk.gui.messages import error_text
from shopdesk.store.database import Database

SHEET, ROLL = "sheet", "roll"


class LabelsDialog(QDialog):
    def __init__(self, db: Database, product_ids: list[str], parent=None) -> None:
        super().__init__(parent)
        from shopdesk.services.labels import LabelService  # reportlab: loaded when first used

        self.service = LabelService(db)
        self.product_ids = product_ids
        self.saved_path: Path | None = None
        self.setWindowTitle(self.tr("Print labels for %n product(s)", "", len(product_ids)))
        form = load_form("labels_dialog", self)
        self.format: QComboBox = form.findChild(QComboBox, "formatCombo")
        self.copies: QSpinBox = form.findChild(QSpinBox, "copiesSpin")
        self.start: QSpinBox = form.findChild(QSpinBox, "startSpin")
        self.error: QLabel = form.findChild(QLabel, "errorLabel")
        self.format.addItem(self.tr("A4 sheet, 3 × 8 labels (70 × 37 mm)"), SHEET)
        self.format.addItem(self.tr("Label printer roll, 50 × 30 mm"), ROLL)
        self.format.currentIndexChanged.connect(lambda: self.start.setEnabled(self.format.currentData() == SHEET))
        self.buttons: QDialogButtonBox = form.findChild(QDialogButtonBox, "buttons")
        self.buttons.accepted.connect(lambda: self.save())
        self.buttons.rejected.connect(self.reject)

    def save(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save labels"), "labels.pdf",
                                                  self.tr("PDF files (*.pdf)"))
        if not path:
            return
        ids, copies, start, kind = self.product_ids, self.copies.value(), self.start.value(), self.format.currentData()
        service = self.service

        def render():
            if kind == SHEET:
                return service.print_sheet(ids, path, layout=SheetLayout(), copies=copies, start_position=start)
            return service.print_roll(ids, path, layout=RollLayout(), copies=copies)

        self.buttons.setEnabled(False)
        self.error.setText(self.tr("Making the labels…"))
        run_in_background(render, lambda _n: self._done(Path(path)), self._failed)

    def _done(self, path: Path) -> None:
        self.saved_path = path
        self.accept()

    def _failed(self, err: Exception) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(error_text(err) if isinstance(err, ShopDeskError) else str(err))
