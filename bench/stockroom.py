"""Stockroom benchmarks: posting a big stocktake, posting a big goods receipt, valuation.

A store of 100,000 demo products (2,000 with ``--quick``), each with opening stock on the
shop floor (an intake movement and its balance, written by the real demo code, so the
balances equal the ledger), is built once and cached under ``bench/out/`` keyed by size,
seed and a hash of the code that makes it (demo data, stock ledger, schema migrations).
Each run works on scratch copies of it in a temporary folder under ``bench/out/``.

* ``stocktake_post``: a full count of ``FLOOR`` (one line per product). ``start`` (the
  snapshot) is timed; the counts come from ``import_counts`` (a generated handheld file,
  timed), ``count_code`` and ``count_product`` (timed per call), and the rest are written
  with SQL (as a count would leave them: an entry per line, ``counted`` and
  ``expected_at_count``). Nine lines in ten differ from the ledger. Then
  ``StocktakeService.post`` is timed once.
* ``goods_receipt_post``: a receipt of N lines to ``BACK``, unit costs above the products'
  costs so every line moves its product's average cost. Most lines are bulk-inserted with
  SQL (``add_product`` reads back the whole receipt on every call, so building 10,000
  lines through it would take minutes); the last ones are added with ``add_product`` and
  their quantities typed with ``set_quantity`` (both timed per call, on a receipt of
  nearly N lines). Then ``GoodsIntakeService.post`` is timed once.
* ``valuation``: ``StockViews.valuation()`` over the cached 1,000,000-product search
  database (20,000 with ``--quick``; see ``bench/search.py``), opened read-only, against
  the same aggregate in plain sqlite3 on the same file. Alternating, a few repetitions.

The baseline of both posts is plain :mod:`sqlite3` on a copy of the subject's database
taken just before posting, with the subject's pragmas: the same rows written in one
transaction (document marked posted, movements, balance upserts, cost updates and price
history for receipts, an audit row). The rows are worked out beforehand, untimed
(``baseline_read_s`` says how long that read took), so the ratio is the service against
the bare writes.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import argon2
from sqlalchemy import create_engine, event

from bench import Profiler, comparison, environment, log, timed
from shopdesk.domain.permissions import Role
from shopdesk.domain.stock_rules import moving_average_cost
from shopdesk.services import demo, stock
from shopdesk.services.auth import AuthService, use_hasher
from shopdesk.services.demo import DEMO_STAFF, add_demo_products, ensure_demo_store
from shopdesk.services.goods_intake import GoodsIntakeService
from shopdesk.services.purchasing import line_cost
from shopdesk.services.staff_session import StaffSession
from shopdesk.services.stock_views import StockViews, milli_value
from shopdesk.services.stocktake import StocktakeService, StocktakeSpec
from shopdesk.store import migrations, search_index
from shopdesk.store.database import Database, apply_pragmas, open_database

PARTS = ("stocktake_post", "goods_receipt_post", "valuation")
SEED = 20261126
OUT = Path(__file__).resolve().parent / "out"
BUILD_CHUNK = 100_000
PRAGMAS = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
STOCKTAKE_TARGET_S = 10.0  # a 100,000-line full count posts within this
RECEIPT_TARGET_S = 1.0  # "a 10,000-line delivery posts in a fraction of a second"
VALUATION_TARGET = 2.0


@dataclass(frozen=True)
class Sizes:
    products: int  # in the stockroom store; the stocktake counts all of them
    imported: int  # counts from a handheld file (import_counts)
    scanned: int  # counts by count_code, timed per call
    typed: int  # counts by count_product, timed per call
    receipt_lines: int
    by_service: int  # receipt lines added with add_product (then set_quantity), timed per call
    valuation_products: int  # size of the cached search database valued
    valuation_reps: int


FULL = Sizes(products=100_000, imported=2_000, scanned=200, typed=200, receipt_lines=10_000, by_service=200,
             valuation_products=1_000_000, valuation_reps=7)
QUICK = Sizes(products=2_000, imported=1_000, scanned=100, typed=100, receipt_lines=500, by_service=100,
              valuation_products=20_000, valuation_reps=5)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    return str(uuid.uuid4())


def p50_ms(samples_ns: list[int]) -> float:
    return round(statistics.median(samples_ns) / 1e6, 3)


def p95_ms(samples_ns: list[int]) -> float:
    if len(samples_ns) < 2:
        return round(samples_ns[0] / 1e6, 3)
    return round(statistics.quantiles(samples_ns, n=100, method="inclusive")[94] / 1e6, 3)


# -- the cached store -------------------------------------------------------------------------------

def database_file(products: int, seed: int = SEED) -> Path:
    """The cached stockroom store of this size, built on first use (checkpointed, standalone).

    Keyed by size, seed and a hash of the code that makes the data and the schema, so a
    change there builds a fresh file instead of measuring (or migrating) a stale one.
    """
    makers = hashlib.sha1()
    for module in (demo, search_index, stock):
        makers.update(Path(module.__file__).read_bytes())
    makers.update(migrations.head_revision().encode())
    path = OUT / f"stockroom-{products}-{seed}-{makers.hexdigest()[:10]}.sqlite"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".building")
    for stale in OUT.glob(building.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    db = open_database(building)
    try:
        ensure_demo_store(db)
        for done in range(0, products, BUILD_CHUNK):
            add_demo_products(db, min(BUILD_CHUNK, products - done), sales=0, seed=seed + done)
            log(f"stockroom: built {min(done + BUILD_CHUNK, products):,} of {products:,} products")
    finally:
        db.close()
    conn = sqlite3.connect(building)  # fold the WAL in, so the cached file stands alone
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    building.rename(path)
    log(f"stockroom: {path.name} built in {time.perf_counter() - started:.1f} s")
    return path


def read_pragmas(conn: sqlite3.Connection) -> dict[str, object]:
    found = {}
    for name in PRAGMAS:
        value = conn.execute(f"PRAGMA {name}").fetchone()[0]
        found[name] = value.lower() if isinstance(value, str) else value
    return found


class Scratch:
    """A copy of the cached store opened with the real code, a manager logged in, and on
    demand a plain sqlite3 copy of it with the same pragmas (the baseline)."""

    def __init__(self, cached: Path, folder: Path, name: str) -> None:
        self.folder = folder
        self.path = folder / f"{name}.sqlite"
        shutil.copyfile(cached, self.path)
        self.db = open_database(self.path)
        manager = next(s for s in DEMO_STAFF if s.username == "manager")
        self.manager = AuthService(self.db).login(manager.username, manager.password)
        self.plain: sqlite3.Connection | None = None

    def one(self, sql: str, *params):
        with self.db.raw_reader() as conn:
            return conn.execute(sql, params).fetchone()

    def all(self, sql: str, *params) -> list[tuple]:
        with self.db.raw_reader() as conn:
            return conn.execute(sql, params).fetchall()

    def fork_baseline(self) -> sqlite3.Connection:
        """Copy the subject's database as it is now; both WALs emptied."""
        copy = self.path.with_name(self.path.stem + "-baseline.sqlite")
        raw = self.db.engine.raw_connection()
        try:
            pragmas = read_pragmas(raw.driver_connection)
            target = sqlite3.connect(copy)
            try:
                raw.driver_connection.backup(target)
            finally:
                target.close()
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            raw.close()
        conn = sqlite3.connect(copy, isolation_level=None)  # BEGIN/COMMIT issued by hand
        conn.execute(f"PRAGMA busy_timeout = {int(pragmas['busy_timeout'])}")
        conn.execute(f"PRAGMA journal_mode = {pragmas['journal_mode']}")
        conn.execute(f"PRAGMA synchronous = {int(pragmas['synchronous'])}")
        conn.execute(f"PRAGMA foreign_keys = {int(pragmas['foreign_keys'])}")
        mine = read_pragmas(conn)
        if mine != pragmas:
            raise RuntimeError(f"baseline pragmas {mine} differ from the subject's {pragmas}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        self.plain = conn
        return conn

    def close(self) -> None:
        if self.plain is not None:
            self.plain.close()
        self.db.close()


def location_ids(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT code, id FROM locations"))


def audit_row(user_id: str, action: str, entity_type: str, entity_id: str, **details) -> tuple:
    return (new_id(), now_iso(), user_id, None, action, entity_type, entity_id,
            json.dumps(details, default=str, ensure_ascii=False, sort_keys=True))


INSERT_MOVEMENT_SQL = (
    "INSERT INTO stock_movements (id, product_id, from_location_id, to_location_id, quantity, reason,"
    " document_type, document_id, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
UPSERT_BALANCE_SQL = (
    "INSERT INTO stock_balances (product_id, location_id, quantity, updated_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (product_id, location_id) DO UPDATE"
    " SET quantity = quantity + excluded.quantity, updated_at = excluded.updated_at"
)
INSERT_AUDIT_SQL = (
    "INSERT INTO audit_log (id, at, user_id, approved_by_id, action, entity_type, entity_id, details)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def transaction(conn: sqlite3.Connection, work) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        work()
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# -- stocktake_post ---------------------------------------------------------------------------------

def counted_units(i: int, snapshot_milli: int) -> int:
    """What the counters find on line ``i``: every tenth line as the ledger says, the rest
    1 to 4 units more or fewer (snapshots are 5 to 200 units, so never negative)."""
    if i % 10 == 0:
        return snapshot_milli // 1000
    return snapshot_milli // 1000 + (((i % 7) - 3) or 4)


def bench_stocktake(cached: Path, folder: Path, sizes: Sizes, profiler: Profiler | None) -> dict:
    scratch = Scratch(cached, folder, "stocktake")
    try:
        service, actor = StocktakeService(scratch.db), scratch.manager
        start_ns, st = timed(lambda: service.start(actor, StocktakeSpec("FLOOR")))
        lines = scratch.all(
            "SELECT l.id, l.product_id, l.snapshot, b.code FROM stocktake_lines l"
            "  JOIN barcodes b ON b.product_id = l.product_id"
            " WHERE l.stocktake_id = ? ORDER BY l.product_id", st)
        n = len(lines)
        if n != sizes.products:
            raise RuntimeError(f"the snapshot has {n} lines for {sizes.products} products with stock")
        counts = [counted_units(i, snap) for i, (_l, _p, snap, _c) in enumerate(lines)]
        expected_adjusted = sum(1 for c, (_l, _p, snap, _c) in zip(counts, lines, strict=True) if c * 1000 != snap)

        # 1. a handheld file
        a, b = 0, sizes.imported
        data = ("barcode,quantity\n" + "".join(f"{code},{c}\n" for (_l, _p, _s, code), c
                                               in zip(lines[a:b], counts[a:b], strict=True))).encode()
        import_ns, imported = timed(lambda: service.import_counts(actor, st, data, device="bench"))
        if imported.products != b - a or imported.unknown_codes:
            raise RuntimeError(f"unexpected import result {imported}")
        # 2. scans and typed counts, one call each
        scan_ns, typed_ns = [], []
        a, b = b, b + sizes.scanned
        for (_l, _p, _s, code), c in zip(lines[a:b], counts[a:b], strict=True):
            scan_ns.append(timed(lambda code=code, c=c: service.count_code(actor, st, code, c))[0])
        a, b = b, b + sizes.typed
        for (_l, pid, _s, _c), c in zip(lines[a:b], counts[a:b], strict=True):
            typed_ns.append(timed(lambda pid=pid, c=c: service.count_product(actor, st, pid, c))[0])
        # 3. the rest as the counts would leave them
        now = now_iso()
        rest = list(zip(lines[b:], counts[b:], strict=True))
        with scratch.db.raw_transaction() as conn:
            conn.executemany(
                "UPDATE stocktake_lines SET counted = ?, counted_at = ?, expected_at_count = ? WHERE id = ?",
                [(c * 1000, now, snap, line_id) for (line_id, _p, snap, _c), c in rest])
            conn.executemany(
                "INSERT INTO stocktake_entries (id, stocktake_id, line_id, round, zone, quantity, source, device,"
                " user_id, created_at) VALUES (?, ?, ?, 1, '', ?, 'import', 'bench', ?, ?)",
                [(new_id(), st, line_id, c * 1000, actor.user_id, now) for (line_id, _p, _s, _c), c in rest])
        (uncounted,) = scratch.one("SELECT count(*) FROM stocktake_lines WHERE stocktake_id = ? AND counted IS NULL",
                                   st)
        if uncounted:
            raise RuntimeError(f"{uncounted} lines left uncounted")

        plain = scratch.fork_baseline()
        locs = location_ids(plain)
        read_started = time.perf_counter()
        variances = plain.execute(
            "SELECT l.product_id, CASE WHEN l.counted IS NULL THEN -COALESCE(b.quantity, 0)"
            "       ELSE l.counted - l.expected_at_count END AS variance"
            "  FROM stocktake_lines l LEFT JOIN stock_balances b"
            "    ON b.product_id = l.product_id AND b.location_id = ?"
            " WHERE l.stocktake_id = ? AND variance <> 0", (locs["FLOOR"], st)).fetchall()
        baseline_read_s = time.perf_counter() - read_started

        post_ns, result = timed(lambda: service.post(actor, st))
        if result.adjusted_lines != expected_adjusted:
            raise RuntimeError(f"post adjusted {result.adjusted_lines} lines, expected {expected_adjusted}")

        def baseline_post():
            at, floor, adjust = now_iso(), locs["FLOOR"], locs["ADJUST"]
            moves, balances = [], []
            for pid, v in variances:
                src, dst = (adjust, floor) if v > 0 else (floor, adjust)
                moves.append((new_id(), pid, src, dst, abs(v), "stocktake", "stocktake", st, actor.user_id, at))
                balances.append((pid, dst, abs(v), at))
                balances.append((pid, src, -abs(v), at))

            def work():
                plain.execute("UPDATE stocktakes SET status = 'posted', posted_by_id = ?, posted_at = ?,"
                              " updated_at = ? WHERE id = ? AND status = 'counting'", (actor.user_id, at, at, st))
                plain.executemany(INSERT_MOVEMENT_SQL, moves)
                plain.executemany(UPSERT_BALANCE_SQL, balances)
                plain.execute(INSERT_AUDIT_SQL, audit_row(actor.user_id, "stocktake.posted", "stocktake", st,
                                                          lines=len(variances)))
            transaction(plain, work)

        baseline_ns, _ = timed(baseline_post)
        check_same_stock(scratch, plain)
        if profiler:
            log("stocktake_post: --profile profiles a second full stocktake of the posted floor")
            st2 = service.start(actor, StocktakeSpec("FLOOR"))
            profiler.call(lambda: service.post(actor, st2))  # nothing counted: every line zeroed
    finally:
        scratch.close()
    post_s, baseline_s = post_ns / 1e9, baseline_ns / 1e9
    return {
        "bench": "stocktake_post", "n": n, "products": sizes.products,
        "adjusted_lines": result.adjusted_lines,
        "start_s": round(start_ns / 1e9, 3),
        "import_rows": sizes.imported, "import_s": round(import_ns / 1e9, 3),
        "count_code_n": len(scan_ns), "count_code_p50_ms": p50_ms(scan_ns), "count_code_p95_ms": p95_ms(scan_ns),
        "count_product_n": len(typed_ns), "count_product_p50_ms": p50_ms(typed_ns),
        "count_product_p95_ms": p95_ms(typed_ns),
        "post_s": round(post_s, 3),
        "baseline": "plain sqlite3 on a copy, one transaction: mark posted, insert the movements, "
                    "upsert both balances per line, one audit row (variances read beforehand, untimed)",
        "baseline_s": round(baseline_s, 3), "baseline_read_s": round(baseline_read_s, 3),
        "ratio": round(post_s / baseline_s, 2), "target_s": STOCKTAKE_TARGET_S,
        **environment(),
    }


def check_same_stock(scratch: Scratch, plain: sqlite3.Connection) -> None:
    """After posting, subject and baseline hold the same stock and the same number of movements."""
    sql = ("SELECT l.code, count(*), SUM(b.quantity) FROM stock_balances b JOIN locations l ON l.id = b.location_id"
           " GROUP BY l.code ORDER BY l.code")
    mine, theirs = scratch.all(sql), plain.execute(sql).fetchall()
    moves = "SELECT count(*) FROM stock_movements"
    if mine != theirs or scratch.one(moves) != plain.execute(moves).fetchone():
        raise RuntimeError(f"subject and baseline disagree after posting: {mine} vs {theirs}")


# -- goods_receipt_post -----------------------------------------------------------------------------

def bench_goods_receipt(cached: Path, folder: Path, sizes: Sizes, profiler: Profiler | None) -> dict:
    scratch = Scratch(cached, folder, "receipt")
    try:
        service, actor = GoodsIntakeService(scratch.db), scratch.manager
        rid = service.start(actor, "BACK", supplier_reference="BENCH-1")
        products = scratch.all("SELECT id, cost FROM products ORDER BY seq")
        picks = random.Random(SEED).sample(products, sizes.receipt_lines)
        rng = random.Random(SEED + 1)
        quantities = [rng.randint(1, 48) for _ in picks]
        bulk = len(picks) - sizes.by_service
        with scratch.db.raw_transaction() as conn:  # as _insert_line writes them
            conn.executemany(
                "INSERT INTO goods_receipt_lines (id, receipt_id, line_no, product_id, quantity, unit_cost,"
                " purchase_order_line_id) VALUES (?, ?, ?, ?, ?, ?, NULL)",
                [(new_id(), rid, n, pid, q * 1000, cost)
                 for n, ((pid, cost), q) in enumerate(zip(picks[:bulk], quantities[:bulk], strict=True), start=1)])
        add_ns, set_ns = [], []
        for (pid, _cost), q in zip(picks[bulk:], quantities[bulk:], strict=True):
            add_ns.append(timed(lambda pid=pid: service.add_product(actor, rid, pid))[0])
            set_ns.append(timed(lambda pid=pid, q=q: service.set_quantity(actor, rid, pid, Decimal(q)))[0])
        with scratch.db.raw_transaction() as conn:  # the invoice's prices: 10 % up, so every cost moves
            conn.execute("UPDATE goods_receipt_lines SET unit_cost = unit_cost * 11 / 10 + 1 WHERE receipt_id = ?",
                         (rid,))
        (line_count,) = scratch.one("SELECT count(*) FROM goods_receipt_lines WHERE receipt_id = ?", rid)
        if line_count != sizes.receipt_lines:
            raise RuntimeError(f"the receipt has {line_count} lines, expected {sizes.receipt_lines}")

        plain = scratch.fork_baseline()
        locs = location_ids(plain)
        read_started = time.perf_counter()
        lines = plain.execute(
            "SELECT g.product_id, g.quantity, g.unit_cost, p.cost, p.price"
            "  FROM goods_receipt_lines g JOIN products p ON p.id = g.product_id"
            " WHERE g.receipt_id = ? AND g.quantity > 0 ORDER BY g.line_no", (rid,)).fetchall()
        on_hand = dict(plain.execute(
            "SELECT b.product_id, SUM(b.quantity) FROM stock_balances b"
            "  JOIN locations l ON l.id = b.location_id AND l.kind = 'internal'"
            " WHERE b.product_id IN (SELECT product_id FROM goods_receipt_lines WHERE receipt_id = ?)"
            " GROUP BY b.product_id", (rid,)))
        baseline_read_s = time.perf_counter() - read_started

        post_ns, result = timed(lambda: service.post(actor, rid))
        if result.lines_posted != sizes.receipt_lines or not result.cost_changes:
            raise RuntimeError(f"unexpected post result {result}")

        def baseline_post():
            at, supplier, back = now_iso(), locs["SUPPLIER"], locs["BACK"]
            costs, history, moves, balances = [], [], [], []
            total_cost = 0
            for pid, milli, unit_cost, old_cost, price in lines:
                received = Decimal(milli) / 1000
                new_cost = moving_average_cost(Decimal(on_hand.get(pid, 0)) / 1000, old_cost, received, unit_cost)
                if new_cost != old_cost:
                    costs.append((new_cost, at, pid))
                    history.append((new_id(), pid, actor.user_id, at, price, price, old_cost, new_cost))
                moves.append((new_id(), pid, supplier, back, milli, "intake", "goods_receipt", rid, actor.user_id, at))
                balances.append((pid, back, milli, at))
                balances.append((pid, supplier, -milli, at))
                total_cost += line_cost(received, unit_cost)

            def work():
                plain.execute("UPDATE goods_receipts SET status = 'posted', posted_by_id = ?, posted_at = ?,"
                              " updated_at = ? WHERE id = ? AND status = 'draft'", (actor.user_id, at, at, rid))
                plain.executemany("UPDATE products SET cost = ?, updated_at = ? WHERE id = ?", costs)
                plain.executemany(
                    "INSERT INTO price_changes (id, product_id, user_id, at, old_price, new_price, old_cost,"
                    " new_cost, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'receipt')", history)
                plain.executemany(INSERT_MOVEMENT_SQL, moves)
                plain.executemany(UPSERT_BALANCE_SQL, balances)
                plain.execute(INSERT_AUDIT_SQL, audit_row(actor.user_id, "goods_receipt_posted", "goods_receipt",
                                                          rid, lines=len(lines), total_cost=total_cost))
            transaction(plain, work)
            return len(costs)

        baseline_ns, baseline_changes = timed(baseline_post)
        check_same_stock(scratch, plain)
        if baseline_changes != result.cost_changes:
            raise RuntimeError(f"{result.cost_changes} cost changes posted, the baseline made {baseline_changes}")
        cost_sql = "SELECT SUM(cost), count(*) FROM products"
        history_sql = "SELECT count(*) FROM price_changes"
        if (scratch.one(cost_sql) != plain.execute(cost_sql).fetchone()
                or scratch.one(history_sql) != plain.execute(history_sql).fetchone()):
            raise RuntimeError("subject and baseline disagree on product costs after posting")
        if profiler:
            log("goods_receipt_post: --profile profiles posting a second receipt of the same lines")
            rid2 = service.start(actor, "BACK", supplier_reference="BENCH-2")
            with scratch.db.raw_transaction() as conn:
                conn.execute(
                    "INSERT INTO goods_receipt_lines (id, receipt_id, line_no, product_id, quantity, unit_cost,"
                    " purchase_order_line_id) SELECT lower(hex(randomblob(16))), ?, line_no, product_id, quantity,"
                    " unit_cost, NULL FROM goods_receipt_lines WHERE receipt_id = ?", (rid2, rid))
            profiler.call(lambda: service.post(actor, rid2))
    finally:
        scratch.close()
    post_s, baseline_s = post_ns / 1e9, baseline_ns / 1e9
    return {
        "bench": "goods_receipt_post", "n": sizes.receipt_lines, "products": sizes.products,
        "built_by_sql": bulk, "built_by_service": sizes.by_service,
        "add_product_p50_ms": p50_ms(add_ns), "add_product_p95_ms": p95_ms(add_ns),
        "set_quantity_p50_ms": p50_ms(set_ns), "set_quantity_p95_ms": p95_ms(set_ns),
        "cost_changes": result.cost_changes,
        "post_s": round(post_s, 3),
        "baseline": "plain sqlite3 on a copy, one transaction: mark posted, update product costs, insert "
                    "price_changes and movements, upsert both balances per line, one audit row "
                    "(lines and on-hand read beforehand, untimed)",
        "baseline_s": round(baseline_s, 3), "baseline_read_s": round(baseline_read_s, 3),
        "ratio": round(post_s / baseline_s, 2), "target_s": RECEIPT_TARGET_S,
        **environment(),
    }


# -- valuation --------------------------------------------------------------------------------------

BASELINE_VALUATION_SQL = """
SELECT b.location_id, SUM(b.quantity), SUM(b.quantity * p.cost), COUNT(*)
  FROM stock_balances b
  JOIN products p ON p.id = b.product_id
  JOIN locations l ON l.id = b.location_id
 WHERE l.kind = 'internal' AND b.quantity <> 0
 GROUP BY b.location_id"""


def read_only_database(path: Path) -> Database:
    """The app's Database over a file it can only read: the cached search store is shared
    with bench/search.py and must not be migrated or written here."""
    uri = f"file:{path}?mode=ro"
    engine = create_engine("sqlite+pysqlite://",
                           creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        apply_pragmas(dbapi_conn)  # as the app's connections; journal_mode is WAL already

    return Database(path, engine)


def bench_valuation(sizes: Sizes, profiler: Profiler | None) -> dict:
    from bench.search import database_file as search_database

    path = search_database(sizes.valuation_products)
    log(f"valuation: {path.name} (read-only)")
    db = read_only_database(path)
    plain = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        views = StockViews(db)
        actor = StaffSession("bench", "bench", "Benchmark", Role.OWNER)  # reads only: no login on a read-only file
        (products,) = plain.execute("SELECT count(*) FROM products").fetchone()
        (n_balances,) = plain.execute("SELECT count(*) FROM stock_balances").fetchone()
        (n_valued,) = plain.execute(
            "SELECT count(*) FROM stock_balances b JOIN locations l ON l.id = b.location_id"
            " WHERE l.kind = 'internal' AND b.quantity <> 0").fetchone()

        def baseline():
            return plain.execute(BASELINE_VALUATION_SQL).fetchall()

        subject_ns, baseline_ns = [], []
        for rnd in range(1 + sizes.valuation_reps):  # the first round warms the caches, untimed
            subject = lambda: views.valuation(actor)  # noqa: E731
            first, second = (baseline, subject) if rnd % 2 else (subject, baseline)
            a_ns, a = timed(first)
            b_ns, b = timed(second)
            (s_ns, got), (f_ns, rows) = ((b_ns, b), (a_ns, a)) if rnd % 2 else ((a_ns, a), (b_ns, b))
            if rnd == 0:
                want = milli_value(sum(value for _l, _q, value, _c in rows), 1)
                if got.total_value != want:
                    raise RuntimeError(f"valuation total {got.total_value} differs from the baseline's {want}")
                continue
            subject_ns.append(s_ns)
            baseline_ns.append(f_ns)
        if profiler:
            for _ in range(3):
                profiler.call(views.valuation)
    finally:
        plain.close()
        db.close()
    return comparison(
        "valuation", subject_ns=subject_ns, baseline_ns=baseline_ns, target_ratio=VALUATION_TARGET,
        baseline="plain sqlite3 on the same file: SELECT location_id, SUM(quantity), SUM(quantity*cost), COUNT(*) "
                 "FROM stock_balances JOIN products JOIN locations WHERE internal AND quantity <> 0 "
                 "GROUP BY location_id",
        products=products, n_balances=n_balances, n_valued_balances=n_valued, value=got.total_value,
        database=path.name,
    )


def run(*, quick: bool, parts: frozenset[str], profile: bool) -> Iterator[dict]:
    sizes = QUICK if quick else FULL
    use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    profiler = Profiler() if profile else None
    if parts & {"stocktake_post", "goods_receipt_post"}:
        cached = database_file(sizes.products)
        log(f"stockroom: {sizes.products:,} products in {cached}")
        with tempfile.TemporaryDirectory(prefix="bench-stockroom-", dir=OUT) as folder:
            if "stocktake_post" in parts:
                yield bench_stocktake(cached, Path(folder), sizes, profiler)
                if profiler:
                    print(profiler.report("StocktakeService.post"), file=sys.stderr)
                    profiler = Profiler()
            if "goods_receipt_post" in parts:
                yield bench_goods_receipt(cached, Path(folder), sizes, profiler)
                if profiler:
                    print(profiler.report("GoodsIntakeService.post"), file=sys.stderr)
                    profiler = Profiler()
    if "valuation" in parts:
        yield bench_valuation(sizes, profiler)
        if profiler:
            print(profiler.report("StockViews.valuation"), file=sys.stderr)
