"""The main window: navigation to the areas that work, and a status bar saying who, which
till and which database."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from shopdesk import __version__
from shopdesk.domain.permissions import Permission
from shopdesk.gui.catalog_window import CatalogWindow
from shopdesk.gui.checkout_window import CheckoutWindow
from shopdesk.gui.context import AppContext
from shopdesk.gui.fulfilment_window import FulfilmentWindow
from shopdesk.gui.login_dialog import LoginDialog
from shopdesk.gui.orders_window import OrdersWindow
from shopdesk.gui.receiving_window import ReceivingWindow
from shopdesk.gui.reviews_window import ReviewsWindow
from shopdesk.gui.settings_dialog import SettingsDialog
from shopdesk.gui.stock_window import StockWindow
from shopdesk.gui.stocktake_window import StocktakeWindow
from shopdesk.gui.till_dialogs import TillMenu


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("ShopDesk — %1").replace("%1", ctx.store.name))
        self.resize(1100, 700)

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(170)
        self.pages = QStackedWidget(self)
        self.checkout = CheckoutWindow(ctx, self)
        self._add_area(self.tr("Checkout"), self.checkout)
        self.catalog = CatalogWindow(ctx, self)
        self._add_area(self.tr("Catalog"), self.catalog)
        self.stock = StockWindow(ctx, self)
        self._add_area(self.tr("Stock"), self.stock)
        self.receiving = ReceivingWindow(ctx, self)
        self._add_area(self.tr("Receiving"), self.receiving)
        self.stocktakes = StocktakeWindow(ctx, self)
        self._add_area(self.tr("Stocktakes"), self.stocktakes)
        self.orders = OrdersWindow(ctx, self)
        self._add_area(self.tr("Orders"), self.orders)
        self.fulfilment = FulfilmentWindow(ctx, self)
        self._add_area(self.tr("Fulfilment"), self.fulfilment)
        self.reviews = ReviewsWindow(ctx, self)
        self._add_area(self.tr("Reviews"), self.reviews)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.currentRowChanged.connect(self._area_shown)
        self.nav.setCurrentRow(0)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.user_label = QLabel(self)
        self.user_label.setObjectName("userStatus")
        self.till_label = QLabel(self)
        self.till_label.setObjectName("tillStatus")
        self.db_label = QLabel(self)
        self.db_label.setObjectName("databaseStatus")
        for label in (self.user_label, self.till_label):
            self.statusBar().addWidget(label)
        self.statusBar().addPermanentWidget(self.db_label)
        self._build_menus()
        self.refresh_status()
        self.checkout.reload()

    def _add_area(self, title: str, page: QWidget) -> None:
        self.pages.addWidget(page)
        QListWidgetItem(title, self.nav)

    def _area_shown(self, row: int) -> None:
        # Orders change from other areas and machines: their lists are read again when shown.
        page = self.pages.widget(row)
        if page in (self.orders, self.fulfilment, self.reviews):
            page.reload()

    def _build_menus(self) -> None:
        session_menu = self.menuBar().addMenu(self.tr("&Session"))
        switch = QAction(self.tr("&Switch user…"), self)
        switch.setShortcut(QKeySequence(Qt.Key.Key_F2))
        switch.triggered.connect(self.switch_user)
        session_menu.addAction(switch)
        session_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        session_menu.addAction(quit_action)
        store_menu = self.menuBar().addMenu(self.tr("S&tore"))
        self.settings_action = QAction(self.tr("Store &settings…"), self)
        self.settings_action.triggered.connect(self.open_settings)
        store_menu.addAction(self.settings_action)
        self.carriers_action = QAction(self.tr("&Carriers…"), self)
        self.carriers_action.triggered.connect(self.open_carriers)
        store_menu.addAction(self.carriers_action)
        self.train_action = QAction(self.tr("&Train recommendations…"), self)
        self.train_action.triggered.connect(self.train_recommendations)
        store_menu.addAction(self.train_action)
        self.recommendation_report_action = QAction(self.tr("&Recommendation report…"), self)
        self.recommendation_report_action.triggered.connect(self.open_recommendation_report)
        store_menu.addAction(self.recommendation_report_action)
        self.till_menu = TillMenu(self)  # Open till, cash in/out, no sale, X report, close (Z)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About ShopDesk"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def refresh_status(self) -> None:
        staff = self.ctx.staff
        role = QCoreApplication.translate("roles", staff.role.label) if staff else ""
        self.user_label.setText(self.tr("User: %1 (%2)").replace("%1", staff.display_name if staff else "—")
                                .replace("%2", role))
        self.till_label.setText(self.tr("Till: %1").replace("%1", self.ctx.till.name))
        self.db_label.setText(self.tr("Database: %1").replace("%1", str(self.ctx.db.path)))
        # Mirrors the permission the service enforces; hiding is a courtesy, not the check.
        self.settings_action.setEnabled(bool(staff and staff.can(Permission.MANAGE_SETTINGS)))
        self.carriers_action.setEnabled(bool(staff and staff.can(Permission.MANAGE_SETTINGS)))
        self.train_action.setEnabled(bool(staff and staff.can(Permission.MANAGE_CATALOG)))
        self.recommendation_report_action.setEnabled(bool(staff and staff.can(Permission.VIEW_REPORTS)))
        self.till_menu.refresh()

    def closeEvent(self, event) -> None:
        self.checkout.write_pending_scan()
        super().closeEvent(event)

    def switch_user(self) -> None:
        self.checkout.write_pending_scan()  # as the one who scanned it
        dialog = LoginDialog(self.ctx.auth, self.ctx.store.name, pin_first=True, parent=self)
        if dialog.exec() and dialog.session is not None:
            self.ctx.staff = dialog.session
            self.refresh_status()
            self.catalog.refresh_permissions()
            self.stock.refresh_permissions()
            self.receiving.reload()
            self.stocktakes.reload_counts()
            self.orders.reload()
            self.fulfilment.reload()
            self.reviews.refresh_permissions()  # a manager sees the moderation queue
            self.checkout.reload()

    def open_settings(self) -> None:
        if SettingsDialog(self.ctx, self).exec():
            self.setWindowTitle(self.tr("ShopDesk — %1").replace("%1", self.ctx.store.name))
        self.checkout.focus_scan()

    def open_carriers(self) -> None:
        from shopdesk.gui.carriers_dialog import CarriersDialog

        CarriersDialog(self.ctx, self).exec()
        self.checkout.focus_scan()

    def train_recommendations(self):
        from shopdesk.gui.recommendation_dialogs import train_recommendations

        return train_recommendations(self)

    def open_recommendation_report(self) -> None:
        from shopdesk.gui.recommendation_dialogs import open_attach_report

        open_attach_report(self)
        self.checkout.focus_scan()

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About ShopDesk"),
                          self.tr("ShopDesk %1 — point of sale and back office.").replace("%1", __version__))
