"""Start-up: open the database (refusing foreign files), first-run set-up, log-in, main window."""

from __future__ import annotations

import asyncio
import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from shopdesk import __version__
from shopdesk.domain.errors import ShopDeskError
from shopdesk.gui.background import collect_garbage_on_gui_thread
from shopdesk.gui.context import AppContext
from shopdesk.gui.login_dialog import LoginDialog
from shopdesk.gui.main_window import MainWindow
from shopdesk.gui.messages import error_text
from shopdesk.gui.setup_dialog import SetupDialog
from shopdesk.services.store_setup import store_exists
from shopdesk.store.database import open_database


def install_translations(app: QApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """ShopDesk's own catalogue (resources/translations/shopdesk_<lang>.qm) plus Qt's."""
    locale = locale or QLocale.system()
    translators = []
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        translators.append(qt)
    ours = QTranslator(app)
    folder = resources.files("shopdesk.assets") / "translations"
    with resources.as_file(folder) as real_folder:
        if ours.load(locale, "shopdesk", "_", str(real_folder)):
            app.installTranslator(ours)
            translators.append(ours)
    return translators


def register_fonts() -> None:
    """Shipped fonts: DejaVu Sans, and Droid Sans Fallback so Chinese names never show as
    boxes on machines without a CJK font (Qt falls back to it per character)."""
    folder = resources.files("shopdesk.assets") / "fonts"
    with resources.as_file(folder) as real_folder:
        for font in sorted(real_folder.glob("*.ttf")):
            QFontDatabase.addApplicationFont(str(font))


def apply_style(app: QApplication) -> None:
    sheet = resources.files("shopdesk.assets") / "styles" / "shopdesk.qss"
    if sheet.is_file():
        app.setStyleSheet(sheet.read_text(encoding="utf-8"))


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("ShopDesk")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("ShopDesk")
    install_translations(app)
    register_fonts()
    apply_style(app)
    collect_garbage_on_gui_thread(app)
    return app


def start_session(ctx: AppContext) -> MainWindow | None:
    """Set-up on an empty database, then log-in; returns the main window, or None if cancelled."""
    if not store_exists(ctx.db):
        setup = SetupDialog(ctx.db)
        if setup.exec() != QDialog.DialogCode.Accepted:
            return None
        ctx.staff = setup.session
    else:
        login = LoginDialog(ctx.auth, ctx.store.name)
        if login.exec() != QDialog.DialogCode.Accepted:
            return None
        ctx.staff = login.session
    return MainWindow(ctx)


def _cannot_start(title: str, err: ShopDeskError) -> int:
    QMessageBox.critical(None, title, error_text(err))
    print(f"shopdesk: {err}", file=sys.stderr)
    return 2


def run_app(db_path: Path, till_code: str | None = None) -> int:
    app = make_application()
    try:
        db = open_database(db_path)
    except ShopDeskError as err:
        return _cannot_start(app.tr("ShopDesk cannot open the database"), err)
    try:
        try:
            window = start_session(AppContext(db, till_code=till_code))
        except ShopDeskError as err:
            return _cannot_start(app.tr("ShopDesk cannot start"), err)
        if window is None:
            return 0
        window.show()
        # qasync runs asyncio on Qt's event loop, so async work (sync, network printers)
        # can be awaited without blocking the window.
        import qasync

        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        closed = asyncio.Event()
        app.aboutToQuit.connect(closed.set)
        with loop:
            loop.run_until_complete(closed.wait())
        return 0
    finally:
        db.close()
