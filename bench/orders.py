"""Orders to ship: a batch of shipping labels, and orders moved through their whole life.

* ``label_batch``: 500 shipped orders' labels rendered as one 4×6 PDF (Code 128 + QR per
  page) and as ZPL II, through :class:`FulfilmentService` (label data read from the
  database) and the renderers; seconds for each, pages and bytes. The baseline is
  reportlab drawing the same pages with only the tracking number as text (no barcode, no
  QR, no address layout), to show what the label layout itself costs.
* ``order_lifecycle``: N orders (10,000; 100 with ``--quick``) of 1–3 lines each, every one
  through the services as the shop would: created with a card payment (paid), put on pick
  lists of 50 and confirmed picked, packed by scanning every item, parcel weighed, shipped
  with the post's own S10 numbers (stock to the customer in the ledger), delivered by a
  carrier status file, and finally reviewed. Reports the total time, orders per second,
  each stage's per-order p50/p95, and proves at the end that the ledger balances and no
  reservation is left.

Both build a fresh demo store in a temporary folder (2,000 products).
"""

from __future__ import annotations

import io
import random
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import argon2

from bench import environment, log, percentiles_ms
from shopdesk.domain.shipping import Address
from shopdesk.services import stock
from shopdesk.services.auth import AuthService, use_hasher
from shopdesk.services.carriers import CarrierService
from shopdesk.services.fulfilment import FulfilmentService
from shopdesk.services.orders import OrderDraft, OrderLineDraft, OrderService
from shopdesk.store.database import Database, open_database

PARTS = ("label_batch", "order_lifecycle")
SEED = 20261126
PRODUCTS = 2_000
LABELS = 500
ORDERS = {False: 10_000, True: 100}
PICK_BATCH = 50
CITIES = (("Leeds", "LS1 1AA"), ("York", "YO1 7HH"), ("Bath", "BA1 1AA"), ("Hull", "HU1 1AA"))


def run(*, quick: bool = False, parts: frozenset[str] = frozenset(PARTS), profile: bool = False) -> Iterator[dict]:
    use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    with tempfile.TemporaryDirectory(prefix="shopdesk-orders-") as folder:
        db = _store(Path(folder) / "shop.sqlite")
        try:
            rng = random.Random(SEED)
            skus = _skus(db)
            if "order_lifecycle" in parts:
                yield _lifecycle(db, rng, skus, ORDERS[quick])
            if "label_batch" in parts:
                yield _labels(db, rng, skus, LABELS if not quick else 50)
        finally:
            db.close()


def _store(path: Path) -> Database:
    from shopdesk.services.demo import add_demo_products, ensure_demo_store

    db = open_database(path)
    ensure_demo_store(db)
    add_demo_products(db, PRODUCTS, sales=0)
    return db


def _skus(db: Database) -> list[tuple[str, str]]:
    """(SKU, first barcode) of piece-sold active products."""
    raw = db.engine.raw_connection()
    try:
        return [(sku, code) for sku, code in raw.driver_connection.execute(
            "SELECT p.sku, MIN(b.code) FROM products p JOIN barcodes b ON b.product_id = p.id"
            " WHERE p.active AND p.unit = 'piece' GROUP BY p.id ORDER BY p.seq")]
    finally:
        raw.close()


def _draft(rng: random.Random, skus: list[tuple[str, str]], n: int) -> OrderDraft:
    city, postcode = rng.choice(CITIES)
    lines = tuple(OrderLineDraft(Decimal(rng.randint(1, 2)), sku=sku)
                  for sku, _ in rng.sample(skus, rng.randint(1, 3)))
    return OrderDraft(Address(f"Customer {n}", lines=(f"{n} High Street",), city=city, postcode=postcode, country="GB"),
                      lines, shipping_method="Tracked", shipping_charge=395, ship_from="FLOOR")


def _ship_orders(db: Database, rng: random.Random, skus: list[tuple[str, str]], count: int,
                 stages: dict[str, list[int]] | None = None, *, deliver: bool = True) -> list[str]:
    auth = AuthService(db)
    cashier, clerk = auth.login("cashier", "demo-cashier"), auth.login("clerk", "demo-clerk")
    manager = auth.login("manager", "demo-manager")
    orders, fulfil = OrderService(db), FulfilmentService(db)
    post = next(c for c in CarrierService(db).carriers() if c.code == "POST")
    parcel = CarrierService(db).parcel_types()[1].parcel_type_id
    barcodes = dict(skus)
    stages = stages if stages is not None else {}

    def clock(stage: str, started: int) -> int:
        now = time.perf_counter_ns()
        stages.setdefault(stage, []).append(now - started)
        return now

    created = []
    for n in range(count):
        draft = _draft(rng, skus, n)
        started = time.perf_counter_ns()
        view = orders.create(cashier, draft)
        if view.due:
            view = orders.record_payment(cashier, view.order_id, "card", view.due, f"auth{n}")
        clock("create_and_pay", started)
        created.append(view)
    for first in range(0, count, PICK_BATCH):
        batch = [v.order_id for v in created[first:first + PICK_BATCH]]
        started = time.perf_counter_ns()
        fulfil.pick_list(clerk, batch)
        fulfil.confirm_picked(clerk, batch)
        per_order = (time.perf_counter_ns() - started) // len(batch)
        stages.setdefault("pick_batched", []).extend([per_order] * len(batch))
    tracking = []
    for view in created:
        started = time.perf_counter_ns()
        for line in view.lines:
            for _ in range(int(line.quantity)):
                fulfil.pack_scan(clerk, view.order_id, barcodes[line.sku])
        fulfil.complete_packing(clerk, view.order_id, parcel_type_id=parcel, weight_g=rng.randint(200, 5000))
        started = clock("pack_by_scanning", started)
        shipped = fulfil.ship(clerk, view.order_id, post.carrier_id, "Tracked")
        clock("ship", started)
        tracking.append(shipped.tracking_number)
    if deliver:
        status = "tracking,status\n" + "".join(f"{t},Delivered\n" for t in tracking)
        started = time.perf_counter_ns()
        result = fulfil.import_delivery_statuses(clerk, status.encode())
        per_order = (time.perf_counter_ns() - started) // count
        stages["deliver_from_file"] = [per_order] * count
        assert len(result.delivered) == count, result
        for view in created:
            started = time.perf_counter_ns()
            orders.mark_reviewed(manager, view.order_id)
            clock("review", started)
    return [v.order_id for v in created]


def _lifecycle(db: Database, rng: random.Random, skus: list[tuple[str, str]], count: int) -> dict:
    log(f"orders: moving {count:,} orders through their life")
    stages: dict[str, list[int]] = {}
    started = time.perf_counter()
    _ship_orders(db, rng, skus, count, stages)
    total = time.perf_counter() - started
    problems = stock.verify(db)
    raw = db.engine.raw_connection()
    try:
        (left,) = raw.driver_connection.execute("SELECT COUNT(*) FROM stock_reservations").fetchone()
        (reviewed,) = raw.driver_connection.execute("SELECT COUNT(*) FROM orders WHERE state = 'reviewed'").fetchone()
    finally:
        raw.close()
    record = {"bench": "order_lifecycle", "n": count, "total_s": round(total, 2),
              "orders_per_s": round(count / total, 1), "ms_per_order": round(total * 1000 / count, 2),
              "reviewed": reviewed, "reservations_left": left, "ledger_mismatches": len(problems)}
    for stage, samples in stages.items():
        p50, p95 = percentiles_ms(samples)
        record[f"{stage}_p50_ms"], record[f"{stage}_p95_ms"] = p50, p95
    record.update(environment())
    return record


def _labels(db: Database, rng: random.Random, skus: list[tuple[str, str]], count: int) -> dict:
    from reportlab.lib.units import inch
    from reportlab.pdfgen.canvas import Canvas

    from shopdesk.printing.shipping_labels import render_shipping_labels, render_zpl

    log(f"orders: shipping {count} orders for a label batch")
    ids = _ship_orders(db, rng, skus, count, deliver=False)
    fulfil = FulfilmentService(db)
    started = time.perf_counter()
    labels = fulfil.label_data(ids)
    data_s = time.perf_counter() - started
    pdf = io.BytesIO()
    started = time.perf_counter()
    pages = render_shipping_labels(labels, pdf, "4x6")
    pdf_s = time.perf_counter() - started
    started = time.perf_counter()
    zpl = render_zpl(labels)
    zpl_s = time.perf_counter() - started
    plain = io.BytesIO()
    started = time.perf_counter()
    canvas = Canvas(plain, pagesize=(4 * inch, 6 * inch))
    for label in labels:
        canvas.drawString(20, 200, label.tracking_number)
        canvas.showPage()
    canvas.save()
    plain_s = time.perf_counter() - started
    record = {"bench": "label_batch", "n": count, "pages": pages, "label_data_s": round(data_s, 3),
              "pdf_s": round(pdf_s, 3), "pdf_bytes": pdf.tell(), "zpl_s": round(zpl_s, 3),
              "zpl_bytes": len(zpl.encode()), "labels_per_s_pdf": round(count / pdf_s, 1),
              "baseline": "reportlab: one page per label with only the tracking number drawn",
              "baseline_s": round(plain_s, 3), "ratio_pdf": round(pdf_s / plain_s, 2) if plain_s else None}
    record.update(environment())
    return record
