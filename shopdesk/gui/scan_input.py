"""Scanner-friendly input shared by the counter, receiving and stocktake screens.

A keyboard-wedge scanner types a barcode and Enter wherever the focus is. :class:`ScanKeyRouter`
hands printable keys typed on other widgets of the screen (a table, a button just
clicked) to the scan field, and Enter to its handler, so no scan is lost or split.
:class:`MessageStrip` shows the outcome of the last scan without a modal box that would
swallow the next ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

INFO, SUCCESS, ERROR = "info", "success", "error"
MESSAGE_STYLES = {
    INFO: "background:#eef3fb; color:#1a3d6d;",
    SUCCESS: "background:#e6f4ea; color:#0a5c26;",
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
        self.setProperty("kind", kind)
        self.setStyleSheet(f"QLabel {{ padding: 6px; border-radius: 4px; {MESSAGE_STYLES[kind]} }}")


class QuantityField(QLineEdit):
    """The quantity for the next scan: "1" until someone types; the first key typed
    replaces that default rather than making 1 into 16."""

    def __init__(self, parent: QWidget | None = None, object_name: str = "quantityField") -> None:
        super().__init__("1", parent)
        self.setObjectName(object_name)
        self.setMaximumWidth(80)
        self._default_shown = True

    def keyPressEvent(self, event) -> None:
        if self._default_shown and event.text() and event.text().isprintable():
            self.clear()
        self._default_shown = False
        super().keyPressEvent(event)

    def reset(self) -> None:
        self.setText("1")
        self._default_shown = True
