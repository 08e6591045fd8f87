"""Demo stockroom data, so a fresh demo shows every stock screen with something in it:
suppliers, bins on the shop floor, reorder points (some products below them), stock in
the backroom (moved by a transfer) and an open purchase order for what runs low.

Kept apart from :mod:`shopdesk.services.demo`, whose products the benchmarks cache.
"""

from __future__ import annotations

import random
from decimal import Decimal

from shopdesk.services.catalog_import import first_owner
from shopdesk.services.purchasing import PurchaseOrderLineDraft, PurchaseOrderService
from shopdesk.services.stock_transfers import TransferService
from shopdesk.services.stock_views import StockViews
from shopdesk.services.suppliers import SupplierDraft, SupplierService
from shopdesk.store.database import Database

DEMO_SUPPLIERS = (
    SupplierDraft(code="FRESH", name="Fresh Farm Wholesale", contact="Anna Berg", phone="+49 30 1234567",
                  email="orders@freshfarm.example", address="Hafenstraße 4, Hamburg"),
    SupplierDraft(code="HOME", name="HomeGoods Distribution", contact="Li Wei", phone="+86 21 5555 0101",
                  email="sales@homegoods.example", address="Pudong, Shanghai"),
    SupplierDraft(code="SNACK", name="Snack & Drink Co.", contact="Tom Reid", phone="+44 20 7946 0000",
                  email="trade@snackdrink.example"),
)


def add_demo_stockroom(db: Database, seed: int = 7) -> None:
    """Idempotent: a database that already has suppliers is left as it is."""
    owner = first_owner(db)
    suppliers = SupplierService(db)
    if suppliers.list(active_only=False):
        return
    ids = [suppliers.create(owner, draft) for draft in DEMO_SUPPLIERS]
    rng = random.Random(seed)
    with db.raw_transaction() as conn:
        floor = conn.execute("SELECT id FROM locations WHERE code = 'FLOOR'").fetchone()[0]
        # aisles by category, shelves by product: A01-03, B02-11, ...
        conn.execute(
            """INSERT OR IGNORE INTO stock_bins (product_id, location_id, bin)
               SELECT p.id, ?, printf('%s%02d-%02d', char(65 + (abs(coalesce(unicode(c.name), 0)) % 8)),
                                      1 + p.seq % 12, 1 + (p.seq / 12) % 20)
                 FROM products p LEFT JOIN categories c ON c.id = p.category_id""", (floor,))
        # every fifth product is re-ordered at 30 up to 120 units
        conn.execute("UPDATE products SET reorder_point = 30000, max_stock = 120000 WHERE seq % 5 = 0")
        candidates = [pid for (pid,) in conn.execute(
            "SELECT product_id FROM stock_balances WHERE location_id = ? AND quantity >= 40000"
            " ORDER BY product_id LIMIT 200", (floor,))]
    moved = rng.sample(candidates, k=min(20, len(candidates)))
    if moved:
        TransferService(db).transfer(owner, "FLOOR", "BACK", [(pid, Decimal(rng.randint(5, 20))) for pid in moved],
                                     note="Demo: overstock to the backroom")
    low = StockViews(db).low_stock(limit=15).rows
    if low:
        with db.raw_reader() as conn:
            costs = dict(conn.execute(
                f"SELECT id, cost FROM products WHERE id IN ({','.join('?' * len(low))})",
                [r.product_id for r in low]).fetchall())
        PurchaseOrderService(db).create(
            owner, ids[0], [PurchaseOrderLineDraft(r.product_id, r.suggested, costs[r.product_id])
                            for r in low if r.suggested > 0],
            note="Demo: weekly reorder")
