"""Prepared SQL for the till's hot path (scan, cart, completing a sale) and the writes
every unit of work shares (stock ledger, audit log).

Plain sqlite3 on the session's own connection: on a cash sale the ORM's bookkeeping cost
several times the database work. Values are in their stored forms (see store/types.py):
quantities in thousandths, times as UTC ISO text, ids as UUID text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import NamedTuple

PRODUCT_COLUMNS = """p.id, p.sku, p.name, p.price, p.unit, p.active, t.code, t.percent"""

class ProductRow(NamedTuple):
    id: str
    sku: str
    name: str
    price: int
    unit: str
    active: int
    tax_code: str
    tax_percent: str


class CartLineRow(NamedTuple):
    id: str
    product_id: str
    sku: str
    name: str
    unit: str
    quantity_milli: int
    unit_price: int
    tax_code: str
    tax_percent: str
    position: int
    discount_kind: str = ""
    discount_value: str | None = None
    original_line_id: str | None = None
    return_location_code: str = ""
    scanned_code: str = ""
    suggested: int = 0  # added from the recommendation panel


class CartHeader(NamedTuple):
    id: str
    customer_id: str | None
    discount_kind: str
    discount_value: str | None
    note: str
    original_sale_id: str | None


def cart_header(conn: sqlite3.Connection, cart_id: str | None) -> CartHeader | None:
    if cart_id is None:
        return None
    row = conn.execute(
        "SELECT id, customer_id, discount_kind, discount_value, note, original_sale_id FROM cart_drafts"
        " WHERE id = ?", (cart_id,)).fetchone()
    return CartHeader(*row) if row else None


def product_by_id(conn: sqlite3.Connection, product_id: str) -> ProductRow | None:
    row = conn.execute(
        f"SELECT {PRODUCT_COLUMNS} FROM products p JOIN tax_rates t ON t.id = p.tax_rate_id WHERE p.id = ?",
        (product_id,),
    ).fetchone()
    return ProductRow(*row) if row else None


def product_by_barcode_key(conn: sqlite3.Connection, lookup_key: str) -> ProductRow | None:
    """The product a barcode belongs to, by its normalised key (``barcode_lookup_key``)."""
    row = conn.execute(
        f"SELECT {PRODUCT_COLUMNS} FROM barcodes b JOIN products p ON p.id = b.product_id"
        " JOIN tax_rates t ON t.id = p.tax_rate_id WHERE b.lookup_key = ?",
        (lookup_key,),
    ).fetchone()
    return ProductRow(*row) if row else None


def store_pricing(conn: sqlite3.Connection) -> tuple[str, str, bool] | None:
    row = conn.execute("SELECT currency, locale, prices_include_tax FROM store_settings LIMIT 1").fetchone()
    return (row[0], row[1], bool(row[2])) if row else None


def open_cart_id(conn: sqlite3.Connection, till_id: str) -> str | None:
    row = conn.execute(
        "SELECT id FROM cart_drafts WHERE till_id = ? AND status = 'open'", (till_id,)
    ).fetchone()
    return row[0] if row else None


def touch_open_cart(conn: sqlite3.Connection, till_id: str, now: str) -> str | None:
    """Mark the till's open cart as changed now; its id, or None when there is none."""
    row = conn.execute(
        "UPDATE cart_drafts SET updated_at = ? WHERE till_id = ? AND status = 'open' RETURNING id",
        (now, till_id),
    ).fetchone()
    return row[0] if row else None


def till_exists(conn: sqlite3.Connection, till_id: str) -> bool:
    return conn.execute("SELECT 1 FROM tills WHERE id = ?", (till_id,)).fetchone() is not None


def create_cart(conn: sqlite3.Connection, cart_id: str, till_id: str, user_id: str, now: str) -> None:
    conn.execute(
        "INSERT INTO cart_drafts (id, till_id, user_id, status, created_at, updated_at)"
        " VALUES (?, ?, ?, 'open', ?, ?)",
        (cart_id, till_id, user_id, now, now),
    )


# A return line is taxed as it was sold (the original line's rate), not at today's rate.
_CART_LINES = """
SELECT l.id, l.product_id, p.sku, p.name, p.unit, l.quantity, l.unit_price,
       COALESCE(o.tax_code, t.code), COALESCE(o.tax_percent, t.percent), l.position,
       l.discount_kind, l.discount_value, l.original_line_id, l.return_location_code, l.scanned_code, l.suggested
  FROM cart_draft_lines l
  JOIN products p ON p.id = l.product_id
  JOIN tax_rates t ON t.id = p.tax_rate_id
  LEFT JOIN sale_lines o ON o.id = l.original_line_id
 WHERE l.cart_id = ?
 ORDER BY l.position"""


def cart_lines(conn: sqlite3.Connection, cart_id: str | None) -> list[CartLineRow]:
    if cart_id is None:
        return []
    return [CartLineRow(*row) for row in conn.execute(_CART_LINES, (cart_id,))]


def set_line_quantity(conn: sqlite3.Connection, line_id: str, quantity_milli: int) -> None:
    conn.execute("UPDATE cart_draft_lines SET quantity = ? WHERE id = ?", (quantity_milli, line_id))


def insert_cart_line(conn: sqlite3.Connection, line_id: str, cart_id: str, position: int, product_id: str,
                     quantity_milli: int, unit_price: int, scanned_code: str, suggested: bool = False) -> None:
    conn.execute(
        "INSERT INTO cart_draft_lines (id, cart_id, position, product_id, quantity, unit_price, scanned_code,"
        " suggested) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (line_id, cart_id, position, product_id, quantity_milli, unit_price, scanned_code, int(suggested)),
    )


def delete_cart(conn: sqlite3.Connection, cart_id: str) -> None:
    conn.execute("DELETE FROM cart_draft_lines WHERE cart_id = ?", (cart_id,))
    conn.execute("DELETE FROM cart_drafts WHERE id = ?", (cart_id,))


def next_receipt(conn: sqlite3.Connection, till_id: str, now: str) -> tuple[str, int, str]:
    """Take the till's next receipt number inside the sale's transaction: (code, number, location)."""
    return conn.execute(
        "UPDATE tills SET last_receipt_no = last_receipt_no + 1, updated_at = ? WHERE id = ?"
        " RETURNING code, last_receipt_no, location_id",
        (now, till_id),
    ).fetchone()


_SALE_DEFAULTS = {"kind": "sale", "session_id": None, "customer_id": None, "original_sale_id": None,
                  "cart_discount": 0, "rounding": 0}
_LINE_DEFAULTS = {"original_line_id": None, "return_location_id": None, "suggested": 0}
_PAYMENT_DEFAULTS = {"card_type": "", "reference": ""}


def insert_sale(conn: sqlite3.Connection, sale: dict, lines: Sequence[dict], payments: Sequence[dict]) -> None:
    conn.execute(
        "INSERT INTO sales (id, receipt_number, till_id, user_id, currency, prices_include_tax, net_total,"
        " tax_total, grand_total, created_at, completed_at, kind, session_id, customer_id, original_sale_id,"
        " cart_discount, rounding) VALUES (:id, :receipt_number, :till_id, :user_id,"
        " :currency, :prices_include_tax, :net_total, :tax_total, :grand_total, :created_at, :completed_at,"
        " :kind, :session_id, :customer_id, :original_sale_id, :cart_discount, :rounding)",
        _SALE_DEFAULTS | sale,
    )
    conn.executemany(
        "INSERT INTO sale_lines (id, sale_id, line_no, product_id, description, quantity, unit_price, discount,"
        " tax_code, tax_percent, net, tax, gross, original_line_id, return_location_id, suggested) VALUES (:id,"
        " :sale_id, :line_no, :product_id, :description, :quantity, :unit_price, :discount, :tax_code,"
        " :tax_percent, :net, :tax, :gross, :original_line_id, :return_location_id, :suggested)",
        [_LINE_DEFAULTS | line for line in lines],
    )
    conn.executemany(
        "INSERT INTO sale_payments (id, sale_id, tender, amount, tendered, change, created_at, card_type,"
        " reference) VALUES (:id, :sale_id, :tender, :amount, :tendered, :change, :created_at, :card_type,"
        " :reference)",
        [_PAYMENT_DEFAULTS | payment for payment in payments],
    )




def location_id(conn: sqlite3.Connection, code: str) -> str | None:
    row = conn.execute("SELECT id FROM locations WHERE code = ?", (code,)).fetchone()
    return row[0] if row else None


def insert_movements(conn: sqlite3.Connection, movements: Iterable[tuple]) -> None:
    """Rows of (id, product_id, from, to, quantity_milli, reason, document_type, document_id,
    user_id, created_at)."""
    conn.executemany(
        "INSERT INTO stock_movements (id, product_id, from_location_id, to_location_id, quantity, reason,"
        " document_type, document_id, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        movements,
    )


def add_to_balances(conn: sqlite3.Connection, deltas: Iterable[tuple[str, str, int, str]]) -> None:
    """Rows of (product_id, location_id, quantity_milli delta, updated_at)."""
    conn.executemany(
        "INSERT INTO stock_balances (product_id, location_id, quantity, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (product_id, location_id) DO UPDATE"
        " SET quantity = quantity + excluded.quantity, updated_at = excluded.updated_at",
        deltas,
    )


def insert_audit(conn: sqlite3.Connection, row: tuple) -> None:
    """(id, at, user_id, approved_by_id, action, entity_type, entity_id, details)."""
    conn.execute(
        "INSERT INTO audit_log (id, at, user_id, approved_by_id, action, entity_type, entity_id, details)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        row,
    )
