"""Scanner-friendly input shared by the counter, receiving and stocktake screens.

A keyboard-wedge scanner types a barcode and Enter wherever the focus is. :class:`ScanKeyRouter`
hands printable keys typed on other widgets of the screen (a table, a button just
clicked) to the scan field, and Enter to its handler, so no scan is lost or split.
:class:`MessageStrip` shows the outcome of the last scan without a modal box that would
swallow the next ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

INFO, SUCCESS, WARNING, ERROR = "info", "success", "warning", "error"
MESSAGE_STYLES = {
    INFO: "background:#eef3fb; color:#1a3d6d;",
    SUCCESS: "background:#e6f4ea; color:#0a5c26;",
    WARNING: "background:#fff4e0; color:#7a4100; font-weight:bold;",
    ERROR: "background:#fde7e9; color:#8a0012; font-weight:bold;",
}


class ScanKeyRouter(QObject):
    def __init__(self, scan_field: QLineEdit, on_enter: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent or scan_field)
        self.scan_field = scan_field
        self.on_enter = on_enter

    def watch(self, widgets: Iterable[QWidget]) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and not (
            event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            key, text = event.key(), event.text()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.scan_field.text():
                    self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)
                    self.on_enter()
                    return True
            elif text and text.isprintable() and not (key == Qt.Key.Key_Space and hasattr(watched, "model")):
                self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)
                self.scan_field.insert(text)
                return True
        return super().eventFilter(watched, event)


class MessageStrip(QLabel):
    """One line saying what the last action did; ``kind`` (info/success/error) is readable
    as a property so tests and style sheets can tell them apart."""

    def __init__(self, parent: QWidget | None = None, object_name: str = "messageLabel") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setMinimumHeight(32)

    def show_message(self, text: str, kind: str = INFO) -> None:
        self.setText(text)
        if self.property("kind") != kind:  # restyling costs more than a scan's database work
            self.setProperty("kind", kind)
            self.setStyleSheet(f"QLabel {{ padding: 6px; border-radius: 4px; {MESSAGE_STYLES[kind]} }}")


class QuantityField(QLineEdit):
    """The quantity for the next scan: "1" until someone types. The first key typed
    replaces that default (and a click or Tab into the field selects it), so typing 5
    never makes 15; a quantity other than 1 stands out until the scan uses it."""

    def __init__(self, parent: QWidget | None = None, object_name: str = "quantityField") -> None:
        super().__init__("1", parent)
        self.setObjectName(object_name)
        self.setMaximumWidth(80)
        self._default_shown = True
        self._select_after_click = False
        self.textChanged.connect(self._highlight)

    def keyPressEvent(self, event) -> None:
        if self._default_shown and event.text() and event.text().isprintable():
            self.clear()
        self._default_shown = False
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        if event.reason() == Qt.FocusReason.MouseFocusReason:
            self._select_after_click = True  # the click itself would place the cursor
        else:
            self.selectAll()

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if self._select_after_click:
            self._select_after_click = False
            self.selectAll()

    def _highlight(self, text: str) -> None:
        self.setStyleSheet("" if text.strip() in ("", "1") else "QLineEdit { background:#fff3c4; font-weight:bold; }")

    def reset(self) -> None:
        self.setText("1")
        self._default_shown = True


# "12*4006381333931": twelve of that item in one scan, as handheld scanners and tills allow.
_QUANTITY_PREFIX = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*[*×]\s*(\S.*?)\s*$")


def split_quantity_prefix(text: str) -> tuple[str | None, str]:
    """``"12*4006381333931"`` → ``("12", "4006381333931")``; a plain code → ``(None, code)``."""
    found = _QUANTITY_PREFIX.match(text or "")
    return (found.group(1), found.group(2)) if found else (None, text)


def move_in_results(results, event) -> bool:
    """Up/Down typed in a search field move through its results list (hands stay on the
    keyboard); True when the key was used. For an ``eventFilter`` on the search field."""
    if event.type() != QEvent.Type.KeyPress or event.key() not in (Qt.Key.Key_Up, Qt.Key.Key_Down):
        return False
    row = results.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
    results.setCurrentRow(max(0, min(row, results.count() - 1)))
    return True
