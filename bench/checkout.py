"""Checkout benchmarks: a scan landing on the cart, and completing a 3-line cash sale.

A fresh store is built in a temporary folder with the real code (demo products, demo
staff, one till). The subject is :class:`~shopdesk.services.checkout.CheckoutService`
as the till calls it; the baseline is plain :mod:`sqlite3` doing the same database work
(same lookup, same rows) on a copy of the same file, with the same pragmas as the
subject's connection (WAL, synchronous=FULL, foreign keys on, busy timeout), one
transaction per operation. Subject and baseline alternate call by call.

* ``scan_to_line``: ``CheckoutService.scan`` (lookup, cart line, commit). The cart is
  voided every 3 scans (not timed) so it stays the size of a real basket.
* ``complete_sale``: ``CheckoutService.pay_cash`` on a cart of 3 scanned lines (the scans
  are not timed); sale, lines, payment, stock movements, balances, audit, cart removal.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import argon2

from bench import Profiler, comparison, log, timed
from shopdesk.domain.cart import LineInput, price_cart
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.tax import TaxRate as DomainTaxRate
from shopdesk.services.auth import AuthService, use_hasher
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.demo import DEMO_STAFF, add_demo_products, ensure_demo_store
from shopdesk.services.store_settings import till_by_code
from shopdesk.store.database import open_database

PARTS = ("scan_to_line", "complete_sale")
SEED = 20261125
SCAN_TARGET = 3.0
SALE_TARGET = 2.0
CART_SIZE = 3  # scans per cart in scan_to_line, lines per sale in complete_sale
PRAGMAS = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")


@dataclass(frozen=True)
class Sizes:
    products: int
    scans: int
    sales: int
    warmup: int  # untimed rounds of each side before measuring
    profiled: int  # calls under cProfile with --profile


FULL = Sizes(products=100_000, scans=1000, sales=300, warmup=20, profiled=300)
QUICK = Sizes(products=2_000, scans=200, sales=50, warmup=5, profiled=50)


def now_iso() -> str:
    """A timestamp as the UTCDateTime column stores it."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    return str(uuid.uuid4())


# -- the baseline: plain sqlite3 ----------------------------------------------------------------

LOOKUP_SQL = """
SELECT p.id, p.sku, p.name, p.price, p.unit, p.active, t.code, t.percent
  FROM barcodes b
  JOIN products p ON p.id = b.product_id
  JOIN tax_rates t ON t.id = p.tax_rate_id
 WHERE b.lookup_key = ?
"""
INSERT_CART_SQL = (
    "INSERT INTO cart_drafts (id, till_id, user_id, status, created_at, updated_at) "
    "VALUES (?, ?, ?, 'open', ?, ?)"
)
INSERT_CART_LINE_SQL = (
    "INSERT INTO cart_draft_lines (id, cart_id, position, product_id, quantity, unit_price, scanned_code) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
BUMP_RECEIPT_SQL = (
    "UPDATE tills SET last_receipt_no = last_receipt_no + 1, updated_at = ? WHERE id = ? "
    "RETURNING code, last_receipt_no"
)
INSERT_SALE_SQL = (
    "INSERT INTO sales (id, receipt_number, till_id, user_id, currency, prices_include_tax, net_total, "
    "tax_total, grand_total, created_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_SALE_LINE_SQL = (
    "INSERT INTO sale_lines (id, sale_id, line_no, product_id, description, quantity, unit_price, discount, "
    "tax_code, tax_percent, net, tax, gross) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_PAYMENT_SQL = (
    "INSERT INTO sale_payments (id, sale_id, tender, amount, tendered, change, created_at) "
    "VALUES (?, ?, 'cash', ?, ?, ?, ?)"
)
INSERT_MOVEMENT_SQL = (
    "INSERT INTO stock_movements (id, product_id, from_location_id, to_location_id, quantity, reason, "
    "document_type, document_id, user_id, created_at) VALUES (?, ?, ?, ?, ?, 'sale', 'sale', ?, ?, ?)"
)
UPSERT_BALANCE_SQL = (
    "INSERT INTO stock_balances (product_id, location_id, quantity, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(product_id, location_id) DO UPDATE SET quantity = quantity + excluded.quantity, "
    "updated_at = excluded.updated_at"
)
INSERT_AUDIT_SQL = (
    "INSERT INTO audit_log (id, at, user_id, approved_by_id, action, entity_type, entity_id, details) "
    "VALUES (?, ?, ?, NULL, 'sale.completed', 'sale', ?, ?)"
)


@dataclass(frozen=True)
class BaselineLine:
    product_id: str
    name: str
    unit_price: int
    tax_code: str
    tax_percent: str  # as stored
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class BaselineCart:
    cart_id: str
    lines: tuple[BaselineLine, ...]
    net_total: int
    tax_total: int
    grand_total: int


class Baseline:
    """Plain sqlite3 on a copy of the subject's database file."""

    def __init__(self, path: Path, pragmas: dict[str, object], *, till_id: str, user_id: str,
                 floor_id: str, customer_id: str, currency: str, prices_include_tax: bool) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)  # BEGIN/COMMIT issued below
        # Same pragmas as the subject's connection, in the order the app sets them.
        self.conn.execute(f"PRAGMA busy_timeout = {int(pragmas['busy_timeout'])}")
        self.conn.execute(f"PRAGMA journal_mode = {pragmas['journal_mode']}")
        self.conn.execute(f"PRAGMA synchronous = {int(pragmas['synchronous'])}")
        self.conn.execute(f"PRAGMA foreign_keys = {int(pragmas['foreign_keys'])}")
        mine = read_pragmas(self.conn)
        if mine != pragmas:
            raise RuntimeError(f"baseline pragmas {mine} differ from the subject's {pragmas}")
        self.till_id, self.user_id = till_id, user_id
        self.floor_id, self.customer_id = floor_id, customer_id
        self.currency, self.prices_include_tax = currency, prices_include_tax

    def close(self) -> None:
        self.conn.close()

    def _transaction(self, work):
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            result = work()
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        return result

    def new_cart(self) -> str:
        cart_id, now = new_id(), now_iso()
        self._transaction(lambda: self.conn.execute(
            INSERT_CART_SQL, (cart_id, self.till_id, self.user_id, now, now)))
        return cart_id

    def drop_cart(self, cart_id: str) -> None:
        def work():
            self.conn.execute("DELETE FROM cart_draft_lines WHERE cart_id = ?", (cart_id,))
            self.conn.execute("DELETE FROM cart_drafts WHERE id = ?", (cart_id,))
        self._transaction(work)

    def clear_cart(self, cart_id: str) -> None:
        self._transaction(lambda: self.conn.execute(
            "DELETE FROM cart_draft_lines WHERE cart_id = ?", (cart_id,)))

    def scan(self, cart_id: str, position: int, code: str) -> None:
        """Timed: key, lookup, insert the cart line, commit."""
        key = barcode_lookup_key(code)

        def work():
            row = self.conn.execute(LOOKUP_SQL, (key,)).fetchone()
            if row is None:
                raise LookupError(f"baseline: no product for {code!r}")
            self.conn.execute(INSERT_CART_LINE_SQL, (new_id(), cart_id, position, row[0], 1000, row[3], code))
        self._transaction(work)

    def prepare_sale(self, codes: Sequence[str]) -> BaselineCart:
        """Not timed: the cart the scans would have left, and the priced lines to sell."""
        rows = [self.conn.execute(LOOKUP_SQL, (barcode_lookup_key(c),)).fetchone() for c in codes]
        totals = price_cart(
            [LineInput(key=str(n), quantity=Decimal(1), unit_price=r[3],
                       tax=DomainTaxRate(code=r[6], percent=Decimal(r[7])))
             for n, r in enumerate(rows)],
            prices_include_tax=self.prices_include_tax,
        )
        # One transaction per scan, as the till writes them, so both files' WALs grow alike
        # and checkpoints land in the timed commit equally often on both sides.
        cart_id = new_id()
        for n, (r, code) in enumerate(zip(rows, codes, strict=True), start=1):
            now = now_iso()

            def work(n=n, r=r, code=code, now=now):
                if n == 1:
                    self.conn.execute(INSERT_CART_SQL, (cart_id, self.till_id, self.user_id, now, now))
                else:
                    self.conn.execute("UPDATE cart_drafts SET updated_at = ? WHERE id = ?", (now, cart_id))
                self.conn.execute(INSERT_CART_LINE_SQL, (new_id(), cart_id, n, r[0], 1000, r[3], code))
            self._transaction(work)
        lines = tuple(
            BaselineLine(r[0], r[2], r[3], r[6], r[7], p.net, p.tax, p.gross)
            for r, p in zip(rows, totals.lines, strict=True)
        )
        return BaselineCart(cart_id, lines, totals.net_total, totals.tax_total, totals.grand_total)

    def pay_cash(self, cart: BaselineCart, tendered: int) -> int:
        """Timed: the rows of a completed cash sale in one transaction; returns the total."""
        conn, now, sale_id = self.conn, now_iso(), new_id()
        total, change = cart.grand_total, tendered - cart.grand_total

        def work():
            code, number = conn.execute(BUMP_RECEIPT_SQL, (now, self.till_id)).fetchone()
            receipt = f"{code}-{number:06d}"
            conn.execute(INSERT_SALE_SQL, (
                sale_id, receipt, self.till_id, self.user_id, self.currency, int(self.prices_include_tax),
                cart.net_total, cart.tax_total, total, now, now))
            conn.executemany(INSERT_SALE_LINE_SQL, [
                (new_id(), sale_id, n, ln.product_id, ln.name, 1000, ln.unit_price, 0, ln.tax_code,
                 ln.tax_percent, ln.net, ln.tax, ln.gross)
                for n, ln in enumerate(cart.lines, start=1)
            ])
            conn.execute(INSERT_PAYMENT_SQL, (new_id(), sale_id, total, tendered, change, now))
            conn.executemany(INSERT_MOVEMENT_SQL, [
                (new_id(), ln.product_id, self.floor_id, self.customer_id, 1000, sale_id, self.user_id, now)
                for ln in cart.lines
            ])
            balances = []
            for ln in cart.lines:
                balances.append((ln.product_id, self.customer_id, 1000, now))
                balances.append((ln.product_id, self.floor_id, -1000, now))
            conn.executemany(UPSERT_BALANCE_SQL, balances)
            details = json.dumps({"receipt_number": receipt, "total": total, "tender": "cash"},
                                 ensure_ascii=False, sort_keys=True)
            conn.execute(INSERT_AUDIT_SQL, (new_id(), now, self.user_id, sale_id, details))
            conn.execute("DELETE FROM cart_draft_lines WHERE cart_id = ?", (cart.cart_id,))
            conn.execute("DELETE FROM cart_drafts WHERE id = ?", (cart.cart_id,))
        self._transaction(work)
        return total


def read_pragmas(conn) -> dict[str, object]:
    """The pragmas that decide durability and cost, from a DB-API connection."""
    found = {}
    for name in PRAGMAS:
        value = conn.execute(f"PRAGMA {name}").fetchone()[0]
        found[name] = value.lower() if isinstance(value, str) else value
    return found


# -- the store both sides work on -----------------------------------------------------------------

class Store:
    """A fresh demo store: the subject's database, a logged-in cashier, the baseline copy."""

    def __init__(self, folder: Path, products: int) -> None:
        started = time.perf_counter()
        # Argon2 at production cost only slows set-up; nothing timed hashes a password.
        use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
        self.products = products
        self.db = open_database(folder / "shop.sqlite")
        ensure_demo_store(self.db)
        add_demo_products(self.db, products)
        cashier = next(s for s in DEMO_STAFF if s.username == "cashier")
        self.staff = AuthService(self.db).login(cashier.username, cashier.password)
        till = till_by_code(self.db, None)
        self.till_id = till.till_id

        raw = self.db.engine.raw_connection()
        try:
            self.pragmas = read_pragmas(raw.driver_connection)
            (customer_id,) = raw.driver_connection.execute(
                "SELECT id FROM locations WHERE code = 'CUSTOMER'").fetchone()
            currency, prices_include_tax = raw.driver_connection.execute(
                "SELECT currency, prices_include_tax FROM store_settings").fetchone()
            # Barcodes in table order, so random picks spread over the whole catalog.
            self.codes = [c for (c,) in raw.driver_connection.execute("SELECT code FROM barcodes ORDER BY rowid")]
            copy_path = folder / "baseline.sqlite"
            target = sqlite3.connect(copy_path)
            try:
                raw.driver_connection.backup(target)
            finally:
                target.close()
        finally:
            raw.close()
        self.baseline = Baseline(
            copy_path, self.pragmas, till_id=self.till_id, user_id=self.staff.user_id,
            floor_id=till.location_id, customer_id=customer_id, currency=currency,
            prices_include_tax=bool(prices_include_tax),
        )
        log(f"store with {products} products ready in {time.perf_counter() - started:.1f} s "
            f"(pragmas {self.pragmas})")

    def checkpoint(self) -> None:
        """Empty both WALs so each measurement starts from the same state."""
        raw = self.db.engine.raw_connection()  # outside any transaction (no BEGIN hook)
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            raw.close()
        self.baseline.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    @property
    def pragma_text(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.pragmas.items())

    def close(self) -> None:
        self.baseline.close()
        self.db.close()


# -- the benchmarks ---------------------------------------------------------------------------------

def interleaved(i: int, subject, plain) -> tuple[int, int]:
    """Run both, taking turns at going first, so a noisy moment hurts neither side alone."""
    if i % 2:
        b = plain()
        return subject(), b
    s = subject()
    return s, plain()


def bench_scan_to_line(store: Store, sizes: Sizes, rng: random.Random) -> dict:
    service = CheckoutService(store.db)
    staff, till_id, baseline = store.staff, store.till_id, store.baseline
    rounds = sizes.warmup + sizes.scans
    codes = rng.sample(store.codes, rounds) if rounds <= len(store.codes) else rng.choices(store.codes, k=rounds)
    cart_id = baseline.new_cart()
    store.checkpoint()
    subject_ns: list[int] = []
    baseline_ns: list[int] = []
    for i, code in enumerate(codes):
        position = i % CART_SIZE + 1

        def subject(code=code):
            return timed(lambda: service.scan(staff, till_id, code))[0]

        def plain(code=code, position=position):
            return timed(lambda: baseline.scan(cart_id, position, code))[0]

        s, b = interleaved(i, subject, plain)
        if i >= sizes.warmup:
            subject_ns.append(s)
            baseline_ns.append(b)
        if position == CART_SIZE:  # next customer: not timed
            service.void_cart(staff, till_id)
            baseline.clear_cart(cart_id)
    service.void_cart(staff, till_id)
    baseline.drop_cart(cart_id)
    return comparison(
        "scan_to_line", subject_ns=subject_ns, baseline_ns=baseline_ns,
        baseline="plain sqlite3 lookup + insert + commit, same pragmas",
        target_ratio=SCAN_TARGET, products=store.products, pragmas=store.pragma_text,
    )


def bench_complete_sale(store: Store, sizes: Sizes, rng: random.Random) -> dict:
    service = CheckoutService(store.db)
    staff, till_id, baseline = store.staff, store.till_id, store.baseline
    subject_ns: list[int] = []
    baseline_ns: list[int] = []
    store.checkpoint()
    for i in range(sizes.warmup + sizes.sales):
        codes = rng.sample(store.codes, CART_SIZE)  # distinct: three lines, not one line of three
        for code in codes:  # the scans are not timed
            view = service.scan(staff, till_id, code)
        cart = baseline.prepare_sale(codes)
        if view.total != cart.grand_total:
            raise RuntimeError(f"baseline total {cart.grand_total} differs from the service's {view.total}")
        tendered = view.total

        def subject(tendered=tendered):
            return timed(lambda: service.pay_cash(staff, till_id, tendered=tendered))[0]

        def plain(cart=cart, tendered=tendered):
            return timed(lambda: baseline.pay_cash(cart, tendered))[0]

        s, b = interleaved(i, subject, plain)
        if i >= sizes.warmup:
            subject_ns.append(s)
            baseline_ns.append(b)
    return comparison(
        "complete_sale", subject_ns=subject_ns, baseline_ns=baseline_ns,
        baseline=("plain sqlite3: sale, 3 lines, payment, 3 movements, 6 balance upserts, audit, "
                  "receipt no., cart delete + commit in one transaction, same pragmas"),
        target_ratio=SALE_TARGET, products=store.products, pragmas=store.pragma_text,
    )


def profile_service(store: Store, sizes: Sizes, rng: random.Random, parts: frozenset[str]) -> str:
    """cProfile of the service calls alone (set-up steps are not profiled)."""
    service = CheckoutService(store.db)
    staff, till_id = store.staff, store.till_id
    reports = []
    if "scan_to_line" in parts:
        profiler = Profiler()
        for i, code in enumerate(rng.sample(store.codes, min(sizes.profiled, len(store.codes)))):
            profiler.call(lambda code=code: service.scan(staff, till_id, code))
            if i % CART_SIZE == CART_SIZE - 1:
                service.void_cart(staff, till_id)
        service.void_cart(staff, till_id)
        reports.append(profiler.report(f"CheckoutService.scan x {sizes.profiled}"))
    if "complete_sale" in parts:
        profiler = Profiler()
        for _ in range(sizes.profiled):
            for code in rng.sample(store.codes, CART_SIZE):
                view = service.scan(staff, till_id, code)
            profiler.call(lambda view=view: service.pay_cash(staff, till_id, tendered=view.total))
        reports.append(profiler.report(f"CheckoutService.pay_cash x {sizes.profiled} (3 lines)"))
    return "\n".join(reports)


def run(*, quick: bool = False, parts: frozenset[str] = frozenset(PARTS),
        profile: bool = False) -> Iterator[dict]:
    sizes = QUICK if quick else FULL
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="shopdesk-bench-") as folder:
        log(f"building a store with {sizes.products} products in {folder}")
        store = Store(Path(folder), sizes.products)
        try:
            if "scan_to_line" in parts:
                yield bench_scan_to_line(store, sizes, rng)
            if "complete_sale" in parts:
                yield bench_complete_sale(store, sizes, rng)
            if profile:
                print(profile_service(store, sizes, rng, parts), file=sys.stderr, flush=True)
        finally:
            store.close()
