"""Import a CSV through the catalog window's dialog (preview, rejects, import) and export."""

from __future__ import annotations

import csv

from PySide6.QtWidgets import QApplication

from shopdesk.gui.import_dialog import ImportDialog
from shopdesk.services.catalog_browse import CatalogBrowser, CatalogFilter
from tests.gui.test_catalog_window import open_window
from tests.gui.test_first_sale import when_dialog_opens

GOOD_AND_BAD = (
    "\ufeffsku;name;price;barcodes;category\n"
    'TEA-1;"Green tea; 20 bags";3.49;5012345678900;Drinks > Tea\n'
    "TEA-2;Black tea;abc;;Drinks > Tea\n"
    "TEA-3;Oolong;4.10;4006381333932;Drinks > Tea\n"
)


def test_preview_shows_rejects_then_imports_the_good_rows(qtbot, store, products, tmp_path):
    path = tmp_path / "tea.csv"
    path.write_text(GOOD_AND_BAD, encoding="utf-8")
    window = open_window(qtbot, store)

    def review(dialog: ImportDialog):
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
        assert "1 to create" in dialog.summary.text() and "2 rejected" in dialog.summary.text()
        rows = {(dialog.rejects.item(r, 0).text(), dialog.rejects.item(r, 1).text())
                for r in range(dialog.rejects.rowCount())}
        assert rows == {("3", "price"), ("4", "barcodes")}
        assert not dialog.import_button.isEnabled()  # nothing is written with rejects...
        dialog.skip_rejected.click()  # ...unless the manager chooses to leave them out
        dialog.import_button.click()

    when_dialog_opens(qtbot, review)
    window.import_csv(str(path))
    assert "1 created" in window.message.text()
    hits = CatalogBrowser(store).page(CatalogFilter(text="green tea")).rows
    assert [(h.sku, h.price, h.category) for h in hits] == [("TEA-1", 349, "Tea")]


def test_cancel_leaves_the_catalog_as_it_was(qtbot, store, products, tmp_path):
    path = tmp_path / "many.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["sku", "name", "price"])
        for i in range(3000):
            writer.writerow([f"N-{i}", f"Notebook {i}", "1.99"])
    window = open_window(qtbot, store)
    before = window.model.rowCount()

    def cancel(dialog: ImportDialog):
        dialog.cancel_button.click()

    when_dialog_opens(qtbot, cancel)
    window.import_csv(str(path))
    QApplication.processEvents()
    assert CatalogBrowser(store).page(CatalogFilter(text="Notebook")).rows == ()
    assert window.model.rowCount() == before


def test_export_what_the_filters_show(qtbot, store, products, tmp_path):
    window = open_window(qtbot, store)
    target = tmp_path / "out.csv"
    window.export_csv(str(target))
    qtbot.waitUntil(lambda: "exported" in window.message.text(), timeout=10_000)
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    assert {r["sku"] for r in rows} == {"MILK-1L", "BREAD", "SOAP", "NIUNAI"}
