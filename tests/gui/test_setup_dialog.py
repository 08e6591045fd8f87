"""First start on an empty database: the set-up dialog creates the store and its owner."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from shopdesk.gui.app import start_session
from shopdesk.gui.context import AppContext
from shopdesk.gui.setup_dialog import SetupDialog
from shopdesk.services.auth import AuthService
from shopdesk.services.store_settings import store_info
from shopdesk.services.store_setup import store_exists
from tests.gui.keyboard import type_text


def fill(qtbot, dialog: SetupDialog, **values) -> None:
    for name, text in values.items():
        widget = dialog.fields[name]
        if hasattr(widget, "setCurrentText"):
            widget.setCurrentText(text)
        elif hasattr(widget, "setPlainText"):
            widget.setPlainText(text)
        else:
            widget.clear()
            type_text(qtbot, widget, text)


def press_ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


GOOD = dict(store_name="Bäckerei Lindner", address="Hauptstr. 1\n10115 Berlin", tax_id="DE123456789",
            currency="EUR", locale="de_DE", standard_tax_percent="19", reduced_tax_percent="7",
            display_name="Anna Lindner", username="anna", password="brezel-2026", confirm="brezel-2026",
            pin="4711")


def test_setup_creates_store_and_owner(qtbot, db):
    dialog = SetupDialog(db)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog, **GOOD)
    press_ok(dialog)
    assert dialog.error.text() == ""
    assert dialog.session is not None and dialog.session.username == "anna"
    info = store_info(db)
    assert (info.name, info.currency, info.locale) == ("Bäckerei Lindner", "EUR", "de_DE")
    assert AuthService(db).login_pin("anna", "4711").display_name == "Anna Lindner"


def test_setup_names_what_is_wrong_and_writes_nothing(qtbot, db):
    dialog = SetupDialog(db)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog, **{**GOOD, "currency": "EURO"})
    press_ok(dialog)
    assert "EURO" in dialog.error.text() and "currency" in dialog.error.text()
    fill(qtbot, dialog, **{**GOOD, "confirm": "something-else"})
    press_ok(dialog)
    assert "passwords differ" in dialog.error.text()
    fill(qtbot, dialog, **{**GOOD, "pin": "12"})
    press_ok(dialog)
    assert "PIN" in dialog.error.text()
    assert dialog.fields["pin"].hasFocus() or dialog.focusWidget() is dialog.fields["pin"]
    assert not store_exists(db)


def test_empty_database_starts_with_setup_then_the_main_window(qtbot, db, monkeypatch):
    shown = []

    def fake_exec(self):
        shown.append(type(self).__name__)
        fill(qtbot, self, **GOOD)
        self.create_store()
        return self.result()

    monkeypatch.setattr(SetupDialog, "exec", fake_exec)
    window = start_session(AppContext(db))
    qtbot.addWidget(window)
    assert shown == ["SetupDialog"]
    assert "Anna Lindner" in window.user_label.text()
