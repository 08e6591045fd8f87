"""What is in stock, where, what it is worth, how it got there, and what to reorder.

Read-only views for the stockroom windows and reports, built for a 1,000,000-product
catalog: every list is keyset-paged (the next page continues after the last row's sort
key, walking an index, so page 5,000 costs what page 1 costs) and the valuation is one
aggregate query in integer arithmetic. All reads run on a deferred snapshot that blocks no
writer.

Stored forms (see :mod:`shopdesk.store.types`): quantities are integer thousandths, costs
integer minor units, times UTC ISO text. A value is ``quantity × unit cost``, rounded
half-up to the minor unit once, where it is shown (per row, per location, for the total).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from shopdesk.domain.errors import NotFound, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.domain.stock_rules import suggested_order_quantity
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.types import quantity_from_db, time_to_db

T = TypeVar("T")

MAX_LIMIT = 1000
SEARCH_LIMIT = 500
FETCH_BATCH = 10_000

#: Documents whose human number the movement history shows: document_type → (table, column).
DOCUMENT_NUMBERS = {
    "sale": ("sales", "receipt_number"),
    "goods_receipt": ("goods_receipts", "number"),
    "transfer": ("stock_transfers", "number"),
    "stocktake": ("stocktakes", "number"),
}


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: tuple[T, ...]
    next_key: tuple | None  # pass as ``after`` (``before`` for history) for the next page; None at the end


@dataclass(frozen=True)
class OnHandRow:
    product_id: str
    sku: str
    name: str
    location_code: str
    bin: str | None
    quantity: Decimal
    unit_cost: int  # moving-average cost, minor units
    value: int  # quantity × unit cost, minor units, rounded half-up


@dataclass(frozen=True)
class LocationQuantity:
    location_code: str
    location_name: str
    kind: str
    bin: str | None
    quantity: Decimal
    value: int


@dataclass(frozen=True)
class MovementRow:
    id: str
    created_at: datetime
    reason: str
    document_type: str
    document_id: str
    document_number: str | None
    from_code: str
    to_code: str
    quantity: Decimal  # signed: + into the filtered location (or into internal stock), - out of it
    balance: Decimal | None  # on hand there just after this movement; None when filtered by reason
    user_name: str | None


@dataclass(frozen=True)
class LowStockRow:
    product_id: str
    sku: str
    name: str
    on_hand: Decimal
    reorder_point: Decimal
    max_stock: Decimal | None
    on_order: Decimal
    suggested: Decimal


@dataclass(frozen=True)
class LocationValue:
    code: str
    name: str
    quantity: Decimal
    value: int
    product_count: int  # products with a non-zero balance there


@dataclass(frozen=True)
class Valuation:
    per_location: tuple[LocationValue, ...]
    total_value: int  # rounded once from the exact sum (may differ by a cent from Σ per_location)
    product_count: int  # products whose stock over the locations is not zero


def milli_value(quantity_milli: int, unit_cost: int) -> int:
    """quantity (thousandths) × unit cost → minor units, rounded half-up (away from zero)."""
    product = quantity_milli * unit_cost
    sign = -1 if product < 0 else 1
    return sign * ((abs(product) + 500) // 1000)


def _limit(limit: int) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ValidationError("limit", QT_TRANSLATE_NOOP(
            "errors", "The page size must be a whole number of at least 1, not {limit}."), limit=str(limit))
    return min(limit, MAX_LIMIT)


def _location(conn: sqlite3.Connection, code: str) -> tuple[str, str, str, str]:
    cleaned = (code or "").strip().upper()
    row = conn.execute("SELECT id, code, name, kind FROM locations WHERE code = ?", (cleaned,)).fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP(
            "errors", "No stock location has the code '{code}' ({field}). Pick one from the list of locations."),
            code=cleaned or code, field="location")
    return row


def _placeholders(values: Iterable) -> str:
    return ",".join("?" * len(list(values)))


# -- on hand -----------------------------------------------------------------------------

_ON_HAND = """
SELECT p.id, p.seq, p.sku, p.name, l.code, sb.bin, b.quantity, p.cost
  FROM products p
 CROSS JOIN stock_balances b
  JOIN locations l ON l.id = b.location_id
  LEFT JOIN stock_bins sb ON sb.product_id = b.product_id AND sb.location_id = b.location_id
 WHERE b.product_id = p.id AND b.quantity <> 0 AND {where}
 ORDER BY p.{column}, p.seq, l.code
 LIMIT ?"""

_PRODUCT_LOCATIONS = """
SELECT l.code, l.name, l.kind, sb.bin, b.quantity, p.cost
  FROM stock_balances b
  JOIN locations l ON l.id = b.location_id
  JOIN products p ON p.id = b.product_id
  LEFT JOIN stock_bins sb ON sb.product_id = b.product_id AND sb.location_id = b.location_id
 WHERE b.product_id = ? AND l.kind IN ('internal', 'transit') AND b.quantity <> 0
 ORDER BY l.kind, l.code"""


def _search_ids(conn: sqlite3.Connection, text: str) -> list[str]:
    from shopdesk.services.catalog_search import lookup_code, search_products

    exact = lookup_code(conn, text)
    if exact is not None:
        return [exact.product_id]
    return [hit.product_id for hit in search_products(conn, text, limit=SEARCH_LIMIT, active_only=False)]


# -- movement history --------------------------------------------------------------------

def _document_number_sql() -> str:
    cases = " ".join(
        f"WHEN '{kind}' THEN (SELECT d.{column} FROM {table} d WHERE d.id = m.document_id)"
        for kind, (table, column) in DOCUMENT_NUMBERS.items()
    )
    return f"CASE m.document_type {cases} END"


_SIGNED_INTERNAL = """CASE WHEN tl.kind = 'internal' AND fl.kind <> 'internal' THEN m.quantity
     WHEN fl.kind = 'internal' AND tl.kind <> 'internal' THEN -m.quantity ELSE 0 END"""
_SIGNED_AT = "CASE WHEN m.to_location_id = :loc THEN m.quantity ELSE -m.quantity END"

_HISTORY = """
SELECT m.id, m.created_at, m.reason, m.document_type, m.document_id, {number}, fl.code, tl.code,
       {signed}, u.display_name
  FROM stock_movements m
  JOIN locations fl ON fl.id = m.from_location_id
  JOIN locations tl ON tl.id = m.to_location_id
  LEFT JOIN users u ON u.id = m.user_id
 WHERE {where}
 ORDER BY m.created_at DESC, m.id DESC
 LIMIT :limit"""

_NEWER_SUM = """
SELECT COALESCE(SUM({signed}), 0)
  FROM stock_movements m
  JOIN locations fl ON fl.id = m.from_location_id
  JOIN locations tl ON tl.id = m.to_location_id
 WHERE {where}"""


# -- low stock ---------------------------------------------------------------------------

_LOW_STOCK = """
SELECT p.id, p.seq, p.sku, p.name, p.reorder_point, p.max_stock,
       (SELECT COALESCE(SUM(b.quantity), 0) FROM stock_balances b JOIN locations l ON l.id = b.location_id
         WHERE b.product_id = p.id AND {on_hand_where}) AS on_hand,
       (SELECT COALESCE(SUM(MAX(pol.quantity - pol.received, 0)), 0)
          FROM purchase_order_lines pol JOIN purchase_orders po ON po.id = pol.purchase_order_id
         WHERE pol.product_id = p.id AND po.status = 'open' {order_where}) AS on_order
  FROM products p
 WHERE p.reorder_point IS NOT NULL AND p.active = 1 {after}
   AND on_hand + on_order <= p.reorder_point
 ORDER BY p.name, p.seq
 LIMIT ?"""


# -- valuation ---------------------------------------------------------------------------

_VALUATION = """
SELECT b.location_id, SUM(b.quantity), SUM(b.quantity * p.cost), COUNT(*)
  FROM stock_balances b
  JOIN products p ON p.id = b.product_id
 WHERE b.location_id IN ({ids}) AND b.quantity <> 0
 GROUP BY b.location_id"""

_VALUATION_ROWS = """
SELECT b.location_id, b.quantity, p.cost
  FROM stock_balances b
  JOIN products p ON p.id = b.product_id
 WHERE b.location_id IN ({ids}) AND b.quantity <> 0"""

_STOCKED_PRODUCTS = """
SELECT COUNT(*) FROM (
    SELECT b.product_id FROM stock_balances b
     WHERE b.location_id IN ({ids})
     GROUP BY b.product_id HAVING SUM(b.quantity) <> 0)"""


class StockViews:
    """Read-only stock views; each call reads one consistent snapshot."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- on hand ------------------------------------------------------------------------

    def on_hand_page(self, location_code: str | None = None, search: str = "", after: tuple | None = None,
                     limit: int = 100, sort: str = "sku") -> Page[OnHandRow]:
        """Non-zero balances over internal locations (or one location), ordered by
        (sku or name, product, location) and keyset-paged: pass ``next_key`` as ``after``.

        A ``search`` is an exact barcode/SKU or the catalog's text search (its best
        :data:`SEARCH_LIMIT` products), paged the same way.
        """
        if sort not in ("sku", "name"):
            raise ValidationError("sort", QT_TRANSLATE_NOOP(
                "errors", "Stock can be sorted by 'sku' or 'name', not '{sort}'."), sort=sort)
        limit = _limit(limit)
        with self.db.raw_reader() as conn:
            where, params = [], []
            if location_code is not None:
                where.append("b.location_id = ?")
                params.append(_location(conn, location_code)[0])
            else:
                where.append("l.kind = 'internal'")
            if search and search.strip():
                ids = _search_ids(conn, search)
                if not ids:
                    return Page((), None)
                where.append(f"p.id IN ({_placeholders(ids)})")
                params.extend(ids)
            if after is not None:
                value, seq, code = after
                # The first condition lets the (sku) / (name, seq) index start at the key.
                where.append(f"p.{sort} >= ? AND (p.{sort}, p.seq, l.code) > (?, ?, ?)")
                params.extend((value, value, seq, code))
            sql = _ON_HAND.format(where=" AND ".join(where), column=sort)
            raw = conn.execute(sql, (*params, limit + 1)).fetchall()
        rows = tuple(
            OnHandRow(pid, sku, name, code, bin_code, quantity_from_db(q), cost, milli_value(q, cost))
            for pid, _seq, sku, name, code, bin_code, q, cost in raw[:limit]
        )
        next_key = None
        if len(raw) > limit:
            last = raw[limit - 1]
            next_key = (last[2] if sort == "sku" else last[3], last[1], last[4])
        return Page(rows, next_key)

    def total_for_product(self, product_id: str) -> list[LocationQuantity]:
        """Where one product is: its non-zero balances at internal and transit locations."""
        with self.db.raw_reader() as conn:
            raw = conn.execute(_PRODUCT_LOCATIONS, (product_id,)).fetchall()
        return [LocationQuantity(code, name, kind, bin_code, quantity_from_db(q), milli_value(q, cost))
                for code, name, kind, bin_code, q, cost in raw]

    # -- movement history ---------------------------------------------------------------

    def movement_history(self, product_id: str, location_code: str | None = None, reason: str | None = None,
                         since: datetime | None = None, until: datetime | None = None,
                         before: tuple | None = None, limit: int = 100) -> Page[MovementRow]:
        """One product's ledger, newest first, keyset-paged by (created_at, id): pass
        ``next_key`` as ``before``. ``since`` is inclusive, ``until`` exclusive.

        Quantities are signed as seen from ``location_code`` (or from internal stock as a
        whole, where moves between two internal locations count 0), and each row carries
        the balance just after it unless the list is filtered by reason.
        """
        limit = _limit(limit)
        with self.db.raw_reader() as conn:
            params: dict = {"product": product_id, "limit": limit + 1}
            scope = ["m.product_id = :product"]
            if location_code is not None:
                loc_id = _location(conn, location_code)[0]
                params["loc"] = loc_id
                scope.append("(m.from_location_id = :loc OR m.to_location_id = :loc)")
                signed = _SIGNED_AT
                current = conn.execute(
                    "SELECT COALESCE(SUM(quantity), 0) FROM stock_balances WHERE product_id = ? AND location_id = ?",
                    (product_id, loc_id)).fetchone()[0]
            else:
                signed = _SIGNED_INTERNAL
                current = conn.execute(
                    "SELECT COALESCE(SUM(b.quantity), 0) FROM stock_balances b JOIN locations l"
                    " ON l.id = b.location_id WHERE b.product_id = ? AND l.kind = 'internal'",
                    (product_id,)).fetchone()[0]
            where = list(scope)
            if reason:
                where.append("m.reason = :reason")
                params["reason"] = reason
            if since is not None:
                where.append("m.created_at >= :since")
                params["since"] = time_to_db(since)
            if until is not None:
                where.append("m.created_at < :until")
                params["until"] = time_to_db(until)
            if before is not None:
                params["b_at"], params["b_id"] = before
                where.append("m.created_at <= :b_at AND (m.created_at, m.id) < (:b_at, :b_id)")
            sql = _HISTORY.format(number=_document_number_sql(), signed=signed, where=" AND ".join(where))
            raw = conn.execute(sql, params).fetchall()
            balance = None
            if raw and not reason:
                # Balance after the newest row = now minus everything that happened since.
                first_at, first_id = raw[0][1], raw[0][0]
                newer = conn.execute(
                    _NEWER_SUM.format(signed=signed, where=" AND ".join(
                        [*scope, "m.created_at >= :f_at", "(m.created_at, m.id) > (:f_at, :f_id)"])),
                    {**params, "f_at": first_at, "f_id": first_id}).fetchone()[0]
                balance = current - newer
        rows = []
        for mid, at, why, doc_type, doc_id, number, from_code, to_code, q, user in raw[:limit]:
            rows.append(MovementRow(mid, datetime.fromisoformat(at), why, doc_type, doc_id, number, from_code,
                                    to_code, quantity_from_db(q),
                                    None if balance is None else quantity_from_db(balance), user))
            if balance is not None:
                balance -= q
        next_key = None
        if len(raw) > limit:
            last = raw[limit - 1]
            next_key = (last[1], last[0])
        return Page(tuple(rows), next_key)

    # -- low stock ----------------------------------------------------------------------

    def low_stock(self, location_code: str | None = None, limit: int = 200,
                  after: tuple | None = None) -> Page[LowStockRow]:
        """Active products with a reorder point whose on hand + on order is at or below it,
        by (name, product), keyset-paged: pass ``next_key`` as ``after``.

        On hand is over internal locations (or the one location); on order is what open
        purchase orders (to that location, when one is given) still await. Walks the
        partial index ``ix_products_reorder_name_seq``, so it reads only products that
        have a reorder point.
        """
        limit = _limit(limit)
        with self.db.raw_reader() as conn:
            params: list = []
            if location_code is not None:
                loc_id = _location(conn, location_code)[0]
                on_hand_where, order_where = "b.location_id = ?", "AND po.location_id = ?"
                params.extend((loc_id, loc_id))
            else:
                on_hand_where, order_where = "l.kind = 'internal'", ""
            after_sql = ""
            if after is not None:
                name, seq = after
                after_sql = "AND p.name >= ? AND (p.name, p.seq) > (?, ?)"
                params.extend((name, name, seq))
            sql = _LOW_STOCK.format(on_hand_where=on_hand_where, order_where=order_where, after=after_sql)
            raw = conn.execute(sql, (*params, limit + 1)).fetchall()
        rows = []
        for pid, _seq, sku, name, rp, mx, on_hand, on_order in raw[:limit]:
            on_hand_q, on_order_q = quantity_from_db(on_hand), quantity_from_db(on_order)
            reorder_point = quantity_from_db(rp)
            max_stock = None if mx is None else quantity_from_db(mx)
            rows.append(LowStockRow(pid, sku, name, on_hand_q, reorder_point, max_stock, on_order_q,
                                    suggested_order_quantity(on_hand_q, reorder_point, max_stock, on_order_q)))
        next_key = None
        if len(raw) > limit:
            last = raw[limit - 1]
            next_key = (last[3], last[1])
        return Page(tuple(rows), next_key)

    # -- valuation ----------------------------------------------------------------------

    def valuation(self, actor: StaffSession, location_code: str | None = None) -> Valuation:
        """Stock at moving-average cost per internal location (or one location) and in total;
        for those who may read reports (it shows what the shop paid).

        One aggregate query in SQLite integer arithmetic; should a sum leave 64 bits (SQLite
        raises on an overflowing SUM and turns an overflowing product into a float), the
        same rows are summed again exactly with Python integers, streamed in batches.
        """
        actor.require(Permission.VIEW_REPORTS)
        with self.db.raw_reader() as conn:
            if location_code is not None:
                locations = [_location(conn, location_code)]
            else:
                locations = conn.execute(
                    "SELECT id, code, name, kind FROM locations WHERE kind = 'internal' ORDER BY code").fetchall()
            if not locations:
                return Valuation((), 0, 0)
            ids = [row[0] for row in locations]
            marks = _placeholders(ids)
            sums = self._sums_in_sql(conn, marks, ids)
            if sums is None:
                sums = self._sums_in_python(conn, marks, ids)
            if len(ids) == 1:
                product_count = sums.get(ids[0], (0, 0, 0))[2]
            else:
                product_count = conn.execute(_STOCKED_PRODUCTS.format(ids=marks), ids).fetchone()[0]
        per_location = []
        exact_total = 0
        for loc_id, code, name, _kind in locations:
            quantity, raw_value, count = sums.get(loc_id, (0, 0, 0))
            exact_total += raw_value
            per_location.append(LocationValue(code, name, quantity_from_db(quantity), milli_value(raw_value, 1),
                                              count))
        return Valuation(tuple(per_location), milli_value(exact_total, 1), product_count)

    @staticmethod
    def _sums_in_sql(conn: sqlite3.Connection, marks: str, ids: list[str]) -> dict | None:
        try:
            raw = conn.execute(_VALUATION.format(ids=marks), ids).fetchall()
        except sqlite3.OperationalError as err:
            if "overflow" in str(err).lower():
                return None
            raise
        if any(not isinstance(value, int) or not isinstance(quantity, int) for _l, quantity, value, _c in raw):
            return None  # a product overflowed into a float: not exact any more
        return {loc: (quantity, value, count) for loc, quantity, value, count in raw}

    @staticmethod
    def _sums_in_python(conn: sqlite3.Connection, marks: str, ids: list[str]) -> dict:
        sums: dict[str, list[int]] = {}
        cursor = conn.execute(_VALUATION_ROWS.format(ids=marks), ids)
        while batch := cursor.fetchmany(FETCH_BATCH):
            for loc, quantity, cost in batch:
                entry = sums.setdefault(loc, [0, 0, 0])
                entry[0] += quantity
                entry[1] += quantity * cost
                entry[2] += 1
        return {loc: tuple(entry) for loc, entry in sums.items()}
