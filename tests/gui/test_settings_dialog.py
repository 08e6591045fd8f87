"""Owners set the receipt printer in the store settings and print a test receipt."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from shopdesk.gui.context import AppContext
from shopdesk.gui.main_window import MainWindow
from shopdesk.gui.settings_dialog import SettingsDialog
from shopdesk.services.store_settings import store_info
from tests.conftest import login


def test_owner_sets_a_file_printer_and_prints_a_test_receipt(qtbot, store, tmp_path):
    ctx = AppContext(store)
    ctx.staff = login(store, "owner")
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    target = tmp_path / "counter-printer.bin"
    dialog.printer.clear()
    qtbot.keyClicks(dialog.printer, f"file:{target}")
    with qtbot.waitSignal(dialog.test_button.clicked):
        dialog.test_button.click()
    qtbot.waitUntil(lambda: "sent to the printer" in dialog.status.text(), timeout=5000)
    data = target.read_bytes()
    assert b"Corner Market" in data and b"\x1dV" in data  # store header and a cut

    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert store_info(store).receipt_printer == f"file:{target}"


def test_bad_printer_spec_is_shown_and_not_saved(qtbot, store):
    ctx = AppContext(store)
    ctx.staff = login(store, "owner")
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.printer.clear()
    qtbot.keyClicks(dialog.printer, "lpt1")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert "lpt1" in dialog.status.text()
    assert dialog.focusWidget() is dialog.printer
    assert store_info(store).receipt_printer != "lpt1"


def test_the_settings_menu_is_only_enabled_for_owners(qtbot, store):
    for username, enabled in (("owner", True), ("cashier", False)):
        ctx = AppContext(store)
        ctx.staff = login(store, username)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        assert window.settings_action.isEnabled() is enabled


def test_owner_sets_cash_rounding_and_which_ways_to_pay_are_offered(qtbot, store, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QInputDialog

    from shopdesk.services.tender_settings import list_tender_types

    ctx = AppContext(store)
    ctx.staff = login(store, "owner")
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.rounding.setCurrentIndex(dialog.rounding.findData(5))
    assert "0.05" in dialog.rounding.currentText()
    row = next(r for r in range(dialog.tenders.rowCount()) if dialog.tenders.item(r, 0).text() == "Voucher")
    dialog.tenders.item(row, 2).setCheckState(Qt.CheckState.Unchecked)  # no vouchers in this shop
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Meal voucher", True))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("other", True))
    dialog.add_tender_button.click()
    assert "Meal voucher added" in dialog.status.text()
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    assert store_info(store).cash_rounding_step == 5
    offered = {t.code: t.active for t in list_tender_types(store)}
    assert offered["voucher"] is False and offered["meal_voucher"] is True


def test_cash_cannot_be_switched_off(qtbot, store):
    import pytest

    from shopdesk.domain.errors import ValidationError
    from shopdesk.services.tender_settings import save_tender_type

    with pytest.raises(ValidationError, match="Cash must stay"):
        save_tender_type(store, login(store, "owner"), "cash", "Cash", "cash", active=False)
    with pytest.raises(ValidationError) as err:
        save_tender_type(store, login(store, "owner"), "Gift Card!", "Gift card", "other")
    assert err.value.field == "code"


def test_owner_chooses_a_logo_sees_it_and_saving_stores_it(qtbot, store, tmp_path, monkeypatch):
    import io

    from PIL import Image
    from PySide6.QtWidgets import QFileDialog

    from shopdesk.services.store_settings import store_logo

    path = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (20, 40, 200)).save(path)
    not_a_picture = tmp_path / "notes.txt"
    not_a_picture.write_text("milk, bread")
    ctx = AppContext(store)
    ctx.staff = login(store, "owner")
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    assert not dialog.has_logo_preview() and not dialog.remove_logo_button.isEnabled()

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(not_a_picture), ""))
    dialog.choose_logo_button.click()
    assert "not a picture" in dialog.status.text() and not dialog.has_logo_preview()

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog.choose_logo_button.click()
    assert dialog.has_logo_preview() and dialog.remove_logo_button.isEnabled()
    assert store_logo(store) is None  # only once saved
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    with Image.open(io.BytesIO(store_logo(store))) as logo:
        assert logo.size == (300, 100)

    again = SettingsDialog(ctx)  # shows the stored logo; Remove takes it off on save
    qtbot.addWidget(again)
    assert again.has_logo_preview()
    again.remove_logo_button.click()
    assert not again.has_logo_preview()
    again.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert store_logo(store) is None

