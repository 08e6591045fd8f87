"""Regenerate the README's screenshots from the real windows (offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from shopdesk.gui.app import make_application  # noqa: E402
from shopdesk.gui.context import AppContext  # noqa: E402
from shopdesk.gui.login_dialog import LoginDialog  # noqa: E402
from shopdesk.gui.main_window import MainWindow  # noqa: E402
from shopdesk.services.demo import add_demo_products, ensure_demo_store  # noqa: E402
from shopdesk.services.demo_counter import add_demo_counter  # noqa: E402
from shopdesk.services.demo_orders import add_demo_orders, add_demo_reviews  # noqa: E402
from shopdesk.services.demo_stockroom import add_demo_stockroom  # noqa: E402
from shopdesk.services.goods_intake import GoodsIntakeService  # noqa: E402
from shopdesk.services.purchasing import PurchaseOrderLineDraft, PurchaseOrderService  # noqa: E402
from shopdesk.services.recommendations import RecommendationService  # noqa: E402
from shopdesk.services.stocktake import StocktakeService, StocktakeSpec  # noqa: E402
from shopdesk.services.suppliers import SupplierService  # noqa: E402
from shopdesk.store.database import open_database  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> int:
    app = make_application(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shots.sqlite"
        db = open_database(path)
        ensure_demo_store(db)
        add_demo_products(db, 400, sales=600)
        add_demo_stockroom(db)
        add_demo_counter(db)
        add_demo_orders(db)
        add_demo_reviews(db)
        RecommendationService(db).train(AppContext(db).auth.login("owner", "demo-owner"))
        ctx = AppContext(db)
        login = LoginDialog(ctx.auth, ctx.store.name)
        login.username.setText("cashier")
        login.show()
        app.processEvents()
        login.grab().save(str(DOCS / "login.png"))
        ctx.staff = ctx.auth.login("cashier", "demo-cashier")
        window = MainWindow(ctx)
        window.resize(1100, 640)
        window.show()
        codes = [c for (c,) in sqlite3.connect(path).execute("SELECT code FROM barcodes LIMIT 6 OFFSET 1")]
        for code in codes + codes[:1]:
            window.checkout.scan(code)
        window.checkout.scan("5012345678900")
        settle(app)
        window.grab().save(str(DOCS / "checkout.png"))
        window.grab().save(str(DOCS / "suggestions.png"))

        def shoot_payment():
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                QTimer.singleShot(20, shoot_payment)
                return
            dialog.tendered.setText("50")
            app.processEvents()
            dialog.grab().save(str(DOCS / "payment.png"))
            dialog.reject()

        QTimer.singleShot(0, shoot_payment)
        window.checkout.open_payment()
        window.nav.setCurrentRow(1)
        catalog = window.catalog
        catalog.view.expandAll()
        app.processEvents()
        window.grab().save(str(DOCS / "catalog.png"))
        shoot_receiving(app, window, db, path)
        shoot_stocktake(app, window, db, codes)
        shoot_orders(app, window)
        shoot_reviews(app, window)
        window.close()
        db.close()
    return 0


def shoot_receiving(app, window: MainWindow, db, path: Path) -> None:
    """A delivery against a purchase order: complete, short, over, missing and extra lines."""
    manager = window.ctx.auth.login("manager", "demo-manager")
    rows = sqlite3.connect(path).execute(
        "SELECT p.id, b.code, p.cost FROM products p JOIN barcodes b ON b.product_id = p.id"
        " GROUP BY p.id ORDER BY p.name LIMIT 8 OFFSET 3").fetchall()
    supplier = SupplierService(db).list()[0].id
    order = PurchaseOrderService(db).create(manager, supplier, [
        PurchaseOrderLineDraft(pid, Decimal(q), max(cost, 50))
        for (pid, _c, cost), q in zip(rows[:6], (24, 12, 6, 10, 48, 8), strict=True)])
    window.ctx.staff = window.ctx.auth.login("clerk", "demo-clerk")
    window.refresh_status()
    receipt = GoodsIntakeService(db).start(window.ctx.staff, purchase_order_id=order,
                                           supplier_reference="LS-2026-1126")
    page = window.receiving
    window.nav.setCurrentRow(window.pages.indexOf(page))
    page.open_receipt(receipt)
    codes = [c for _p, c, _cost in rows]
    for text in (f"24*{codes[0]}", f"9*{codes[1]}", f"8*{codes[2]}", f"10*{codes[3]}", f"3*{codes[6]}", codes[4]):
        page.scan(text)
    page.scan("5012345678900")
    app.processEvents()
    window.grab().save(str(DOCS / "receiving.png"))


def shoot_stocktake(app, window: MainWindow, db, codes: list[str]) -> None:
    """A cycle count of two aisles with a few scans, a miscount and an unknown code."""
    clerk = window.ctx.auth.login("manager", "demo-manager")
    window.ctx.staff = clerk
    window.refresh_status()
    service = StocktakeService(db)
    service.start(clerk, StocktakeSpec("FLOOR", scope="cycle", bin_prefix="A0"))
    window.stocktakes.reload_counts()
    window.nav.setCurrentRow(window.pages.indexOf(window.stocktakes))
    page = window.stocktakes
    for n, code in zip((12, 30, 7, 54), codes[:4], strict=True):
        page.count(f"{n}*{code}")
    page.count("5012345678900")
    page.only_combo.setCurrentIndex(page.only_combo.findData("all"))
    app.processEvents()
    window.grab().save(str(DOCS / "stocktake.png"))


def settle(app) -> None:
    """Let deferred work (the scan's write, the suggestions' timer, model loading) finish."""
    import time

    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)


def shoot_reviews(app, window: MainWindow) -> None:
    window.nav.setCurrentRow(window.pages.indexOf(window.reviews))
    window.reviews.refresh_permissions()
    window.reviews.status_filter.setCurrentIndex(window.reviews.status_filter.findData(None))  # all
    window.reviews.reload()
    settle(app)
    window.reviews.table.selectRow(0)
    settle(app)
    window.grab().save(str(DOCS / "reviews.png"))


def shoot_orders(app, window: MainWindow) -> None:
    """The orders area with a delivered web order and its timeline; fulfilment's pick queue."""
    window.ctx.staff = window.ctx.auth.login("manager", "demo-manager")
    window.refresh_status()
    window.nav.setCurrentRow(window.pages.indexOf(window.orders))
    window.orders.reload(select_id=window.ctx.orders.find(window.ctx.staff, "SO-000002").order_id)
    app.processEvents()
    window.grab().save(str(DOCS / "orders.png"))
    window.nav.setCurrentRow(window.pages.indexOf(window.fulfilment))
    window.fulfilment.show_queue("pick")
    app.processEvents()
    window.grab().save(str(DOCS / "fulfilment.png"))


if __name__ == "__main__":
    raise SystemExit(main())
