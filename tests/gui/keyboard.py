"""Typing into real widgets, including text QTest cannot type (it aborts on non-ASCII)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication


def type_text(qtbot, widget, text: str, delay_ms: int = -1) -> None:
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch, delay=delay_ms)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
