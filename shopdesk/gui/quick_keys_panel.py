"""The quick keys under the cart: a grid of favourite products (picture, name, price);
one touch adds the product. A manager assigns or clears a key with a right-click.

The keys never take the keyboard focus, so a scan right after a touch still lands in the
scan field.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QGridLayout, QMenu, QSizePolicy, QToolButton, QWidget

from shopdesk.domain.money import format_money
from shopdesk.services.quick_keys import QuickKeyView

ROWS, COLUMNS = 2, 6  # twelve keys in a strip that leaves the cart most of the height
ICON_PX = 32
LINE_CHARS = 16  # two short lines of the name fit a key


def key_label(name: str) -> str:
    """The name on two short lines at word breaks, shortened with … beyond that."""
    lines = textwrap.wrap(name, LINE_CHARS, break_long_words=True, max_lines=2, placeholder="…")
    return "\n".join(lines)


class QuickKeysPanel(QWidget):
    key_pressed = Signal(object)  # QuickKeyView
    assign_requested = Signal(int)  # position
    clear_requested = Signal(int)  # position

    def __init__(self, currency: str, locale: str, parent: QWidget | None = None,
                 rows: int = ROWS, columns: int = COLUMNS, can_assign: Callable[[], bool] = lambda: False) -> None:
        super().__init__(parent)
        self.setObjectName("quickKeysPanel")
        self.currency, self.locale = currency, locale
        self.can_assign = can_assign  # asked each time: whoever is logged in now
        self.keys: dict[int, QuickKeyView] = {}
        self.buttons: list[QToolButton] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        for index in range(rows * columns):
            position = index + 1
            button = QToolButton(self)
            button.setObjectName(f"quickKey{position}")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setIconSize(QSize(ICON_PX, ICON_PX))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            # Ignored: a long product name must not widen the whole window; it is shortened.
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            button.setMinimumHeight(66)
            button.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            button.clicked.connect(lambda _=False, p=position: self._pressed(p))
            button.customContextMenuRequested.connect(lambda point, p=position, b=button: self._menu(p, b, point))
            grid.addWidget(button, index // columns, index % columns)
            self.buttons.append(button)
        self.show_keys([])

    def button(self, position: int) -> QToolButton:
        return self.buttons[position - 1]

    def show_keys(self, keys: list[QuickKeyView]) -> None:
        self.keys = {k.position: k for k in keys if 1 <= k.position <= len(self.buttons)}
        # A till with no keys set shows none, unless the person there may set them.
        self.setVisible(bool(self.keys) or self.can_assign())
        for position, button in enumerate(self.buttons, start=1):
            key = self.keys.get(position)
            if key is None:
                assignable = self.can_assign()
                button.setText(self.tr("(right-click\nto assign)") if assignable else "")
                button.setIcon(QIcon())
                button.setToolTip("")
                button.setEnabled(assignable)
                continue
            button.setEnabled(True)
            button.setText(f"{key_label(key.label)}\n{format_money(key.price, self.currency, self.locale)}")
            button.setToolTip(key.name if key.active else self.tr("%1 (not for sale)").replace("%1", key.name))
            icon = QIcon()
            if key.thumbnail:
                pixmap = QPixmap()
                if pixmap.loadFromData(key.thumbnail):
                    icon = QIcon(pixmap)
            button.setIcon(icon)

    def _pressed(self, position: int) -> None:
        key = self.keys.get(position)
        if key is not None:
            self.key_pressed.emit(key)
        elif self.can_assign():
            self.assign_requested.emit(position)

    def _menu(self, position: int, button: QToolButton, point) -> None:
        if not self.can_assign():
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Assign product…"), lambda: self.assign_requested.emit(position))
        if position in self.keys:
            menu.addAction(self.tr("Clear key"), lambda: self.clear_requested.emit(position))
        menu.exec(button.mapToGlobal(point))
