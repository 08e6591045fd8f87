"""Fixtures the GUI scenarios share."""

from __future__ import annotations

import gc

import pytest

from shopdesk.gui.background import collect_garbage_on_gui_thread
from shopdesk.gui.main_window import MainWindow
from tests.gui.test_first_sale import log_in


@pytest.fixture(autouse=True)
def garbage_collected_on_the_gui_thread(qapp):
    """As in the app (shopdesk.gui.app.make_application): no collection on worker threads
    while a GUI test runs; this test's leftovers are collected here, on the GUI thread, and
    the tests without a GUI get automatic collection back."""
    collect_garbage_on_gui_thread(qapp)
    gc.disable()
    yield
    gc.collect()
    gc.enable()


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
