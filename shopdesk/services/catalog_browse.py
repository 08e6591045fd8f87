"""Browsing the catalog a page at a time (keyset pagination), for the catalog window.

No query counts or reads the whole products table: each page continues after the last
row's sort key, walking an index ((name, seq), (price, seq) or sku), so page 5,000 costs
what page 1 costs. A text filter goes through the search index instead.

A row's rating (count and average of its published reviews) is two correlated subqueries
per row of the page, each a range scan of the index on reviews (product_id, status): a
page costs what its rows cost, whatever the number of reviews elsewhere.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.store.database import Database, dbapi_connection
from shopdesk.store.types import quantity_from_db

PAGE_SIZE = 200
SEARCH_LIMIT = 500


@dataclass(frozen=True)
class CatalogFilter:
    text: str = ""
    category_id: str | None = None  # includes its sub-categories
    brand: str | None = None
    active: bool | None = None  # None: both
    low_stock: bool = False  # on hand at or below the reorder point
    parent_id: str | None = None  # the variants of this product; otherwise top-level rows only


@dataclass(frozen=True)
class CatalogRow:
    product_id: str
    seq: int
    sku: str
    name: str
    brand: str
    category: str
    price: int
    cost: int
    tax_code: str
    unit: str
    active: bool
    on_hand: Decimal
    reorder_point: Decimal | None
    variant_count: int
    parent_id: str | None
    reserved: Decimal = Decimal(0)  # held by open orders to ship
    rating_count: int = 0  # published reviews
    rating_average: float | None = None  # of the published reviews; None without any

    @property
    def available(self) -> Decimal:
        """What can still be sold: on hand less what open orders hold."""
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class Page:
    rows: tuple[CatalogRow, ...]
    next_key: tuple | None  # pass as ``after`` for the next page; None at the end


SORT_COLUMNS = {"name": "p.name", "sku": "p.sku", "price": "p.price"}

_SELECT = """
SELECT p.id, p.seq, p.sku, p.name, p.brand, COALESCE(c.name, ''), p.price, p.cost, t.code, p.unit, p.active,
       (SELECT COALESCE(SUM(b.quantity), 0) FROM stock_balances b JOIN locations l ON l.id = b.location_id
         WHERE b.product_id = p.id AND l.kind = 'internal') AS on_hand,
       p.reorder_point,
       (SELECT count(*) FROM products v WHERE v.parent_id = p.id),
       p.parent_id,
       (SELECT COALESCE(SUM(r.quantity), 0) FROM stock_reservations r WHERE r.product_id = p.id) AS reserved,
       (SELECT count(*) FROM reviews rv WHERE rv.product_id = p.id AND rv.status = 'published'),
       (SELECT avg(rv.rating) FROM reviews rv WHERE rv.product_id = p.id AND rv.status = 'published')
  FROM products p
  JOIN tax_rates t ON t.id = p.tax_rate_id
  LEFT JOIN categories c ON c.id = p.category_id
"""

_SUBCATEGORIES = """p.category_id IN (
    WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT c2.id FROM categories c2 JOIN sub ON c2.parent_id = sub.id)
    SELECT id FROM sub)"""


def _row(r: tuple) -> CatalogRow:
    return CatalogRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], bool(r[10]),
                      quantity_from_db(r[11]), None if r[12] is None else quantity_from_db(r[12]), r[13], r[14],
                      quantity_from_db(r[15]), r[16] or 0, r[17])


def _conditions(flt: CatalogFilter) -> tuple[list[str], list]:
    where, params = [], []
    if flt.parent_id is not None:
        where.append("p.parent_id = ?")
        params.append(flt.parent_id)
    elif not flt.text:
        where.append("p.parent_id IS NULL")
    if flt.category_id:
        where.append(_SUBCATEGORIES)
        params.append(flt.category_id)
    if flt.brand:
        where.append("p.brand = ?")
        params.append(flt.brand)
    if flt.active is not None:
        where.append("p.active = ?")
        params.append(1 if flt.active else 0)
    if flt.low_stock:
        where.append("p.reorder_point IS NOT NULL AND on_hand <= p.reorder_point")
    return where, params


def browse_page(conn: sqlite3.Connection, flt: CatalogFilter, *, sort: str = "name", descending: bool = False,
                after: tuple | None = None, limit: int = PAGE_SIZE) -> Page:
    if flt.text.strip():
        return _search_page(conn, flt, limit=SEARCH_LIMIT)
    column = SORT_COLUMNS[sort]
    where, params = _conditions(flt)
    direction, op = ("DESC", "<") if descending else ("ASC", ">")
    if after is not None:
        where.append(f"({column}, p.seq) {op} (?, ?)")
        params.extend(after)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += f" ORDER BY {column} {direction}, p.seq {direction} LIMIT ?"
    rows = [_row(r) for r in conn.execute(sql, (*params, limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    next_key = None
    if more and rows:
        last = rows[-1]
        next_key = ({"name": last.name, "sku": last.sku, "price": last.price}[sort], last.seq)
    return Page(tuple(rows), next_key)


def _search_page(conn: sqlite3.Connection, flt: CatalogFilter, *, limit: int) -> Page:
    from shopdesk.services.catalog_search import search_products

    hits = search_products(conn, flt.text, limit=limit, active_only=bool(flt.active),
                           category_id=None, brand=flt.brand)
    if not hits:
        return Page((), None)
    order = {hit.product_id: i for i, hit in enumerate(hits)}
    where, params = _conditions(CatalogFilter(category_id=flt.category_id, active=flt.active,
                                              low_stock=flt.low_stock, text="x"))
    where.append(f"p.id IN ({','.join('?' * len(order))})")
    params.extend(order)
    rows = [_row(r) for r in conn.execute(_SELECT + " WHERE " + " AND ".join(where), params)]
    rows.sort(key=lambda row: order[row.product_id])
    return Page(tuple(rows), None)


def catalog_row(conn: sqlite3.Connection, product_id: str) -> CatalogRow | None:
    """One product's row (price, stock available, rating): the checkout's product panel."""
    found = conn.execute(_SELECT + " WHERE p.id = ?", (product_id,)).fetchone()
    return _row(found) if found else None


class CatalogBrowser:
    def __init__(self, db: Database) -> None:
        self.db = db

    def row(self, product_id: str) -> CatalogRow | None:
        with self.db.reader() as s:
            return catalog_row(dbapi_connection(s), product_id)

    def page(self, flt: CatalogFilter, **kwargs) -> Page:
        with self.db.reader() as s:
            return browse_page(dbapi_connection(s), flt, **kwargs)
