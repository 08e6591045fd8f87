"""Fixtures the GUI scenarios share."""

from __future__ import annotations

import pytest

from shopdesk.gui.main_window import MainWindow
from tests.gui.test_first_sale import log_in


@pytest.fixture
def window(qtbot, store, products):
    """The main window, a cashier logged in, on screen (offscreen platform in CI)."""
    ctx = log_in(qtbot, store, "cashier", "demo-cashier")
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    return main
