"""Counter benchmarks: a split-tender sale, and a scan typed into the real checkout window.

* ``sale_split_tender``: :meth:`PaymentService.pay` completing a 5-line cart paid card +
  cash (the scans are not timed), on till T1. The baseline is plain :mod:`sqlite3` on its
  own connection to the same file, same pragmas, writing the same rows on till T2 in one
  ``BEGIN IMMEDIATE`` transaction: receipt number, sale, 5 lines, 2 payments (card with
  type and approval code, cash with change), 5 movements, 10 balance upserts, audit entry,
  cart delete, commit. Target ≤ 2×.
* ``scan_to_line_widget``: a barcode typed into the :class:`CheckoutWindow`'s scan field
  with QTest (keystrokes, then Enter; ``QT_QPA_PLATFORM=offscreen``), timed from the Enter
  that ends the scan until the window's cart model shows the new line. The baseline is the
  plain indexed barcode lookup (``barcodes.lookup_key`` joined to its product) on a plain
  sqlite3 connection. Target ≤ 3× the lookup. The record also carries, for context: the
  same with the keystrokes before Enter counted (``with_typing_*``; a real scanner spreads
  them over tens of milliseconds, each handled as it comes: once the field holds a whole
  GTIN the window works out the line it will add, so that part of a scan's work is in
  the keystrokes, and ``looked_ahead_share`` says for how many scans Enter found it ready;
  the with-typing figure is the whole cost of a scan); Enter until the line is
  stored (``written_*``: the window writes it when Qt is next in its event loop, which the
  bench runs untimed after each scan, as the next keystrokes would); and plain lookup +
  cart-line insert + commit (``baseline_write_*``, what the scan writes).

Full runs use the 1,000,000-product store cached by :mod:`bench.search`, copied to a
scratch file under ``bench/out/`` (opening the copy migrates it when the cache is at an
older schema) and deleted afterwards, backups included; the cached file is never written.
``--quick`` builds a 2,000-product store in a temporary folder. Subject and baseline
alternate call by call, who goes first alternating.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import argon2

from bench import Profiler, comparison, log, percentiles_ms, timed
from bench.checkout import Baseline, BaselineCart, interleaved, new_id, now_iso, read_pragmas
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.services.auth import AuthService, use_hasher
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.payments import PaymentService, Tender
from shopdesk.services.store_settings import till_by_code
from shopdesk.services.till_sessions import TillSessionService
from shopdesk.store.database import Database, open_database

PARTS = ("sale_split_tender", "scan_to_line_widget", "z_report")
SEED = 20261126
SALE_TARGET = 2.0
SCAN_TARGET = 3.0
SALE_LINES = 5
WIDGET_CART = 5  # scans per cart in the widget bench; then the cart is voided (not timed)
OUT = Path(__file__).resolve().parent / "out"


@dataclass(frozen=True)
class Sizes:
    products: int
    sales: int
    scans: int
    warmup: int
    profiled: int


FULL = Sizes(products=1_000_000, sales=300, scans=500, warmup=20, profiled=100)
QUICK = Sizes(products=2_000, sales=30, scans=60, warmup=5, profiled=20)
Z_SALES = {False: 10_000, True: 300}  # a busy day at one till, full / quick
Z_REPS = 7


# -- the baseline: plain sqlite3, split tender ----------------------------------------------------

INSERT_PAYMENT_SQL = (
    "INSERT INTO sale_payments (id, sale_id, tender, amount, tendered, change, created_at, card_type, reference)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_SALE_SQL = (
    "INSERT INTO sales (id, receipt_number, till_id, user_id, currency, prices_include_tax, net_total,"
    " tax_total, grand_total, created_at, completed_at, kind, session_id, cart_discount, rounding)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sale', ?, 0, 0)"
)
BUMP_RECEIPT_SQL = (
    "UPDATE tills SET last_receipt_no = last_receipt_no + 1, updated_at = ? WHERE id = ?"
    " RETURNING code, last_receipt_no"
)
INSERT_SALE_LINE_SQL = (
    "INSERT INTO sale_lines (id, sale_id, line_no, product_id, description, quantity, unit_price, discount,"
    " tax_code, tax_percent, net, tax, gross) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_MOVEMENT_SQL = (
    "INSERT INTO stock_movements (id, product_id, from_location_id, to_location_id, quantity, reason,"
    " document_type, document_id, user_id, created_at) VALUES (?, ?, ?, ?, ?, 'sale', 'sale', ?, ?, ?)"
)
UPSERT_BALANCE_SQL = (
    "INSERT INTO stock_balances (product_id, location_id, quantity, updated_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT(product_id, location_id) DO UPDATE SET quantity = quantity + excluded.quantity,"
    " updated_at = excluded.updated_at"
)
INSERT_AUDIT_SQL = (
    "INSERT INTO audit_log (id, at, user_id, approved_by_id, action, entity_type, entity_id, details)"
    " VALUES (?, ?, ?, NULL, 'sale.completed', 'sale', ?, ?)"
)
LOOKUP_SQL = """
SELECT p.id, p.seq, p.sku, p.name, p.brand, p.price, p.unit, p.active
  FROM barcodes b JOIN products p ON p.id = b.product_id
 WHERE b.lookup_key = ?"""


class SplitBaseline(Baseline):
    """bench.checkout's plain-sqlite3 baseline, paying card + cash."""

    session_id: str | None = None

    def pay_split(self, cart: BaselineCart, card: int, cash_given: int, reference: str) -> None:
        conn, now, sale_id = self.conn, now_iso(), new_id()
        total = cart.grand_total
        cash_due = total - card

        def work():
            code, number = conn.execute(BUMP_RECEIPT_SQL, (now, self.till_id)).fetchone()
            receipt = f"{code}-{number:06d}"
            conn.execute(INSERT_SALE_SQL, (
                sale_id, receipt, self.till_id, self.user_id, self.currency, int(self.prices_include_tax),
                cart.net_total, cart.tax_total, total, now, now, self.session_id))
            conn.executemany(INSERT_SALE_LINE_SQL, [
                (new_id(), sale_id, n, ln.product_id, ln.name, 1000, ln.unit_price, 0, ln.tax_code,
                 ln.tax_percent, ln.net, ln.tax, ln.gross)
                for n, ln in enumerate(cart.lines, start=1)])
            conn.executemany(INSERT_PAYMENT_SQL, [
                (new_id(), sale_id, "card", card, card, 0, now, "VISA", reference),
                (new_id(), sale_id, "cash", cash_due, cash_given, cash_given - cash_due, now, "", "")])
            conn.executemany(INSERT_MOVEMENT_SQL, [
                (new_id(), ln.product_id, self.floor_id, self.customer_id, 1000, sale_id, self.user_id, now)
                for ln in cart.lines])
            balances = []
            for ln in cart.lines:
                balances.append((ln.product_id, self.customer_id, 1000, now))
                balances.append((ln.product_id, self.floor_id, -1000, now))
            conn.executemany(UPSERT_BALANCE_SQL, balances)
            details = json.dumps({"receipt_number": receipt, "total": total, "rounding": 0,
                                  "tenders": ["card", "cash"]}, ensure_ascii=False, sort_keys=True)
            conn.execute(INSERT_AUDIT_SQL, (new_id(), now, self.user_id, sale_id, details))
            conn.execute("DELETE FROM cart_draft_lines WHERE cart_id = ?", (cart.cart_id,))
            conn.execute("DELETE FROM cart_drafts WHERE id = ?", (cart.cart_id,))
        self._transaction(work)


# -- the store ---------------------------------------------------------------------------------------

@contextmanager
def scratch_store(sizes: Sizes, quick: bool) -> Iterator[Path]:
    """A database file both sides may write: a fresh small store, or a copy of the 1M cache."""
    if quick:
        from shopdesk.services.demo import add_demo_products, ensure_demo_store

        with tempfile.TemporaryDirectory(prefix="shopdesk-counter-") as folder:
            path = Path(folder) / "shop.sqlite"
            db = open_database(path)
            try:
                ensure_demo_store(db)
                add_demo_products(db, sizes.products, sales=0)
            finally:
                db.close()
            yield path
        return
    from bench.search import database_file

    source = database_file(sizes.products)
    path = OUT / f"counter-scratch-{os.getpid()}.sqlite"
    try:
        log(f"counter: copying {source.name} ({source.stat().st_size / 2**30:.2f} GiB) to {path.name}")
        wal = source.with_name(source.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:  # fold un-checkpointed pages into the copy
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            dst = sqlite3.connect(path)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        else:
            shutil.copyfile(source, path)
        yield path
    finally:
        for leftover in OUT.glob(path.name + "*"):  # the copy, its -wal/-shm, migration backups
            leftover.unlink()
            log(f"counter: deleted {leftover.name}")


def second_till(db: Database, code: str = "TB") -> str:
    """The till the baseline sells on (made once), so receipt numbers of the two never clash."""
    from sqlalchemy import select

    from shopdesk.store.models import Location, Till

    with db.unit_of_work() as s:
        found = s.scalar(select(Till.id).where(Till.code == code))
        if found:
            return found
        floor = s.scalar(select(Location.id).where(Location.code == "FLOOR"))
        till = Till(code=code, name="Benchmark baseline", location_id=floor, last_receipt_no=0)
        s.add(till)
        s.flush()
        return till.id


class Store:
    def __init__(self, path: Path, rng: random.Random, wanted_codes: int) -> None:
        started = time.perf_counter()
        use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
        self.db = open_database(path)  # migrates a copy at an older schema
        log(f"counter: opened {path.name} in {time.perf_counter() - started:.1f} s")
        self.staff = AuthService(self.db).login("cashier", "demo-cashier")
        till = till_by_code(self.db, "T1")
        self.till_id, self.floor_id = till.till_id, till.location_id
        baseline_till = second_till(self.db)
        raw = self.db.engine.raw_connection()
        try:
            conn = raw.driver_connection
            self.pragmas = read_pragmas(conn)
            (customer_id,) = conn.execute("SELECT id FROM locations WHERE code = 'CUSTOMER'").fetchone()
            currency, prices_include_tax = conn.execute(
                "SELECT currency, prices_include_tax FROM store_settings").fetchone()
            (self.products,) = conn.execute("SELECT COUNT(*) FROM products").fetchone()
            (top,) = conn.execute("SELECT MAX(rowid) FROM barcodes").fetchone()
            picks = rng.sample(range(1, top + 1), min(top, wanted_codes * 2))
            by_product: dict[str, str] = {}  # one code per product: each scan is a new line
            for rowid in picks:
                for product_id, code in conn.execute(
                        "SELECT p.id, b.code FROM barcodes b JOIN products p ON p.id = b.product_id"
                        " WHERE b.rowid = ? AND p.active", (rowid,)):
                    by_product.setdefault(product_id, code)
            self.codes = list(by_product.values())[:wanted_codes]
        finally:
            raw.close()
        self.baseline = SplitBaseline(
            path, self.pragmas, till_id=baseline_till, user_id=self.staff.user_id, floor_id=self.floor_id,
            customer_id=customer_id, currency=currency, prices_include_tax=bool(prices_include_tax))
        self.plain = sqlite3.connect(path, isolation_level=None)
        self.plain.execute("PRAGMA busy_timeout = 5000")
        log(f"counter: store with {self.products:,} products ready in {time.perf_counter() - started:.1f} s")

    @property
    def pragma_text(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.pragmas.items())

    def checkpoint(self) -> None:
        self.plain.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def close(self) -> None:
        self.plain.close()
        self.baseline.close()
        self.db.close()


# -- the benchmarks ---------------------------------------------------------------------------------

def split(total: int, rng: random.Random) -> tuple[int, int, str]:
    """(card part, cash handed over, approval code): cash pays the rest, often with change."""
    card = rng.randint(1, total - 1)
    rest = total - card
    cash = rest + rng.choice((0, 1, 20, 100, 1000))
    return card, cash, f"{rng.randrange(10**6):06d}"


def bench_sale_split_tender(store: Store, sizes: Sizes, rng: random.Random, codes: list[str]) -> dict:
    checkout, payments = CheckoutService(store.db), PaymentService(store.db)
    staff, till_id, baseline = store.staff, store.till_id, store.baseline
    subject_ns: list[int] = []
    baseline_ns: list[int] = []
    store.checkpoint()
    for i in range(sizes.warmup + sizes.sales):
        picked = rng.sample(codes, SALE_LINES)  # distinct: five lines
        for code in picked:  # not timed
            view = checkout.scan(staff, till_id, code)
        cart = baseline.prepare_sale(picked)
        if view.total != cart.grand_total:
            raise RuntimeError(f"baseline total {cart.grand_total} differs from the service's {view.total}")
        card, cash, reference = split(view.total, rng)
        tenders = [Tender("card", card, card_type="VISA", reference=reference), Tender("cash", cash)]

        def subject(tenders=tenders, change=cash - (view.total - card)):
            ns, result = timed(lambda: payments.pay(staff, till_id, tenders))
            if result.change != change:
                raise RuntimeError(f"unexpected change {result.change}")
            return ns

        def plain(cart=cart, card=card, cash=cash, reference=reference):
            return timed(lambda: baseline.pay_split(cart, card, cash, reference))[0]

        s, b = interleaved(i, subject, plain)
        if i >= sizes.warmup:
            subject_ns.append(s)
            baseline_ns.append(b)
    return comparison(
        "sale_split_tender", subject_ns=subject_ns, baseline_ns=baseline_ns,
        baseline=("plain sqlite3 on the same file: receipt no., sale, 5 lines, card + cash payments, "
                  "5 movements, 10 balance upserts, audit, cart delete + commit in one transaction, "
                  "same pragmas"),
        target_ratio=SALE_TARGET, products=store.products, lines=SALE_LINES, pragmas=store.pragma_text,
    )


def bench_scan_to_line_widget(store: Store, sizes: Sizes, codes: list[str], profile: bool) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from shopdesk.gui.app import make_application
    from shopdesk.gui.checkout_window import CheckoutWindow
    from shopdesk.gui.context import AppContext

    app = make_application([sys.argv[0]])
    ctx = AppContext(store.db)
    ctx.staff = store.staff
    window = CheckoutWindow(ctx)
    window.reload()
    window.show()
    QTest.qWaitForWindowExposed(window, 5000)
    app.processEvents()
    field, model, plain, baseline = window.scan_field, window.model, store.plain, store.baseline
    baseline_cart = baseline.new_cart()
    typing_ns: list[int] = []  # of each widget scan: the keystrokes before Enter
    looked_ahead: list[bool] = []  # of each widget scan: Enter found the line worked out
    written_ns: list[int] = []  # of each widget scan: Enter until the line is stored

    def widget_scan(code: str) -> int:
        before = model.rowCount()
        start = time.perf_counter_ns()
        QTest.keyClicks(field, code)
        enter = time.perf_counter_ns()
        typing_ns.append(enter - start)
        looked_ahead.append(window.looked_ahead is not None and window.looked_ahead.code == code)
        QTest.keyClick(field, Qt.Key.Key_Return)
        deadline = time.perf_counter() + 10
        while model.rowCount() <= before:  # the line is shown once the model has it
            app.processEvents()
            if time.perf_counter() > deadline:
                raise RuntimeError(f"scan of {code} showed no line: {window.message.text()}")
        shown = time.perf_counter_ns()
        while window.pending_scan is not None:  # the write the window does right after
            app.processEvents()
        written_ns.append(time.perf_counter_ns() - enter)
        if window.cart is None or window.cart.cart_id is None or model.rowCount() <= before:
            raise RuntimeError(f"scan of {code} was not stored: {window.message.text()}")
        return shown - enter

    def lookup(code: str) -> int:
        ns, row = timed(lambda: plain.execute(LOOKUP_SQL, (barcode_lookup_key(code),)).fetchone())
        if row is None:
            raise RuntimeError(f"plain lookup found no product for {code}")
        return ns

    def next_customer() -> None:  # not timed
        ctx.checkout.void_cart(store.staff, store.till_id)
        window.reload()
        baseline.clear_cart(baseline_cart)
        app.processEvents()

    store.checkpoint()
    subject_ns: list[int] = []
    lookup_ns: list[int] = []
    write_ns: list[int] = []
    profiler = Profiler() if profile else None
    for i, code in enumerate(codes[: sizes.warmup + sizes.scans]):
        position = i % WIDGET_CART + 1
        s, b = interleaved(i, lambda code=code: widget_scan(code), lambda code=code: lookup(code))
        w = timed(lambda code=code, position=position: baseline.scan(baseline_cart, position, code))[0]
        if i >= sizes.warmup:
            subject_ns.append(s)
            lookup_ns.append(b)
            write_ns.append(w)
        if position == WIDGET_CART:
            next_customer()
    next_customer()
    if profiler is not None:
        for i, code in enumerate(codes[-sizes.profiled:]):
            profiler.call(lambda code=code: widget_scan(code))
            if i % WIDGET_CART == WIDGET_CART - 1:
                next_customer()
        next_customer()
        print(profiler.report(f"scan typed into CheckoutWindow x {sizes.profiled}"), file=sys.stderr, flush=True)
    baseline.drop_cart(baseline_cart)
    window.close()
    app.processEvents()
    measured = slice(sizes.warmup, sizes.warmup + sizes.scans)
    w50, w95 = percentiles_ms(write_ns)
    t50, t95 = percentiles_ms(typing_ns[measured])
    typed50, typed95 = percentiles_ms([t + s for t, s in zip(typing_ns[measured], subject_ns, strict=True)])
    stored50, stored95 = percentiles_ms(written_ns[measured])
    record = comparison(
        "scan_to_line_widget", subject_ns=subject_ns, baseline_ns=lookup_ns,
        baseline="plain sqlite3 indexed barcode lookup (barcodes.lookup_key joined to products)",
        target_ratio=SCAN_TARGET, products=store.products, pragmas=store.pragma_text,
        measured="QTest Enter ending a scan typed into the scan field, until the cart model shows the line",
    )
    record.update({
        "typing_p50_ms": t50, "typing_p95_ms": t95,  # the keystrokes before Enter (not in the subject)
        "with_typing_p50_ms": typed50, "with_typing_p95_ms": typed95,
        "ratio_with_typing_p95": round(typed95 / record["baseline_p95_ms"], 3) if record["baseline_p95_ms"] else None,
        "looked_ahead_share": round(sum(looked_ahead[measured]) / len(subject_ns), 3),
        "written_p50_ms": stored50, "written_p95_ms": stored95,  # Enter until the line is stored
        "baseline_write": "plain sqlite3 lookup + cart line insert + commit, same pragmas (context only)",
        "baseline_write_p50_ms": w50, "baseline_write_p95_ms": w95,
        "ratio_written_to_write_p95": round(stored95 / w95, 3) if w95 else None,
    })
    return record


# The plain-SQL floor of a Z report: the same per-session aggregates (documents by kind,
# sold/returned lines, tax per rate, tenders, cash movements) in the fewest statements.
Z_BASELINE_SQL = (
    "SELECT kind, COUNT(*), SUM(grand_total), SUM(net_total), SUM(tax_total), SUM(rounding)"
    "  FROM sales WHERE session_id = ? GROUP BY kind",
    "SELECT l.tax_code, SUM(l.net), SUM(l.tax), SUM(l.gross), SUM(CASE WHEN l.quantity > 0 THEN l.discount END)"
    "  FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE s.session_id = ? GROUP BY l.tax_code",
    "SELECT p.tender, SUM(p.amount), COUNT(*) FROM sale_payments p JOIN sales s ON s.id = p.sale_id"
    " WHERE s.session_id = ? GROUP BY p.tender",
    "SELECT kind, SUM(amount), COUNT(*) FROM cash_movements WHERE session_id = ? GROUP BY kind",
)


def fill_session(store: Store, sales: int, rng: random.Random) -> str:
    """A fresh session at T1 with ``sales`` completed sales (three lines, card or cash),
    written in bulk: the report reads what the till wrote, however it got there."""
    sessions = TillSessionService(store.db)
    if sessions.current(store.till_id) is not None:
        sessions.close(store.staff, store.till_id, 0)
    session_id = sessions.open(store.staff, store.till_id, 10_000)
    with store.db.raw_transaction() as conn:
        products = conn.execute("SELECT id, price FROM products WHERE active LIMIT 200").fetchall()
        (last,) = conn.execute("SELECT last_receipt_no FROM tills WHERE id = ?", (store.till_id,)).fetchone()
        sale_rows, line_rows, pay_rows = [], [], []
        stamp = now_iso()
        for n in range(sales):
            sale_id = new_id()
            total = tax = 0
            for line_no, (pid, price) in enumerate(rng.sample(products, 3), start=1):
                line_tax = price * 19 // 119
                line_rows.append((new_id(), sale_id, line_no, pid, "item", 1000, price, 0, "STD", "19",
                                  price - line_tax, line_tax, price))
                total += price
                tax += line_tax
            sale_rows.append((sale_id, f"Z{last + n + 1:09d}", store.till_id, store.staff.user_id, "EUR", 1,
                              total - tax, tax, total, stamp, stamp, "sale", session_id))
            if n % 3:
                pay_rows.append((new_id(), sale_id, "card", total, total, 0, stamp, "VISA", "000000"))
            else:
                pay_rows.append((new_id(), sale_id, "cash", total, total + 500, 500, stamp, "", ""))
        conn.executemany(
            "INSERT INTO sales (id, receipt_number, till_id, user_id, currency, prices_include_tax, net_total,"
            " tax_total, grand_total, created_at, completed_at, kind, session_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", sale_rows)
        conn.executemany(
            "INSERT INTO sale_lines (id, sale_id, line_no, product_id, description, quantity, unit_price, discount,"
            " tax_code, tax_percent, net, tax, gross) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", line_rows)
        conn.executemany(
            "INSERT INTO sale_payments (id, sale_id, tender, amount, tendered, change, created_at, card_type,"
            " reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", pay_rows)
    return session_id


def bench_z_report(store: Store, quick: bool, rng: random.Random) -> dict:
    sales = Z_SALES[quick]
    session_id = fill_session(store, sales, rng)
    sessions = TillSessionService(store.db)
    store.checkpoint()
    subject_ns, baseline_ns = [], []
    report = None

    def subject():
        nonlocal report
        ns, report = timed(lambda: sessions.report(store.staff, store.till_id))
        return ns

    def plain():
        return timed(lambda: [store.plain.execute(sql, (session_id,)).fetchall() for sql in Z_BASELINE_SQL])[0]

    for i in range(1 + Z_REPS):  # the first round warms the caches, untimed
        s, b = interleaved(i, subject, plain)
        if i:
            subject_ns.append(s)
            baseline_ns.append(b)
    if report.sales_count != sales:
        raise RuntimeError(f"the X report counts {report.sales_count} sales, not {sales}")
    close_ns, z = timed(lambda: sessions.close(store.staff, store.till_id, report.expected_cash))
    if z.kind != "Z" or z.counted_cash != z.expected_cash:
        raise RuntimeError("the Z report does not balance")
    record = comparison(
        "z_report", subject_ns=subject_ns, baseline_ns=baseline_ns,
        baseline="plain sqlite3 on the same file: the session's aggregates (sales by kind, lines by tax rate, "
                 "tenders, cash movements) as four GROUP BY queries",
        target_ratio=None, sales=sales, lines=3 * sales, products=store.products)
    record["close_z_ms"] = round(close_ns / 1e6, 3)
    return record


def profile_sales(store: Store, sizes: Sizes, rng: random.Random, codes: list[str]) -> str:
    checkout, payments = CheckoutService(store.db), PaymentService(store.db)
    profiler = Profiler()
    for _ in range(sizes.profiled):
        for code in rng.sample(codes, SALE_LINES):
            view = checkout.scan(store.staff, store.till_id, code)
        card, cash, reference = split(view.total, rng)
        tenders = [Tender("card", card, card_type="VISA", reference=reference), Tender("cash", cash)]
        profiler.call(lambda tenders=tenders: payments.pay(store.staff, store.till_id, tenders))
    return profiler.report(f"PaymentService.pay card + cash x {sizes.profiled} ({SALE_LINES} lines)")


def run(*, quick: bool = False, parts: frozenset[str] = frozenset(PARTS),
        profile: bool = False) -> Iterator[dict]:
    sizes = QUICK if quick else FULL
    rng = random.Random(SEED)
    with scratch_store(sizes, quick) as path:
        store = Store(path, rng, wanted_codes=4 * (sizes.warmup + max(sizes.scans, sizes.sales * SALE_LINES)))
        try:
            if "sale_split_tender" in parts:
                yield bench_sale_split_tender(store, sizes, rng, store.codes)
                if profile:
                    print(profile_sales(store, sizes, rng, store.codes), file=sys.stderr, flush=True)
            if "scan_to_line_widget" in parts:
                widget_codes = rng.sample(store.codes, min(len(store.codes), sizes.warmup + sizes.scans
                                                           + sizes.profiled))
                yield bench_scan_to_line_widget(store, sizes, widget_codes, profile)
            if "z_report" in parts:
                yield bench_z_report(store, quick, rng)
        finally:
            store.close()
