"""Purchase orders: what the shop ordered from a supplier and how much of it has arrived.

An order is ``open`` until every line is fully received (then ``received``) or it is
cancelled. Receipts (services/goods_intake.py) add to each line's ``received``; what is
still outstanding on open orders is "on order" for reorder suggestions.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shopdesk.domain.errors import NotFound, StateError, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.domain.stock_rules import checked_quantity
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.documents import next_number
from shopdesk.store.types import new_id, quantity_from_db, quantity_to_db, time_to_db, utcnow

#: Largest unit cost a line may carry (minor units); more is a typo or a barcode.
MAX_UNIT_COST = 10**12
STATUSES = ("open", "received", "cancelled")


@dataclass(frozen=True)
class PurchaseOrderLineDraft:
    product_id: str
    quantity: Decimal
    unit_cost: int  # minor units per unit


@dataclass(frozen=True)
class PurchaseOrderSummary:
    id: str
    number: str
    supplier_name: str
    status: str
    created_at: datetime
    line_count: int
    ordered: Decimal  # total quantity ordered over all lines
    received: Decimal  # total quantity received so far


@dataclass(frozen=True)
class PurchaseOrderLineView:
    line_id: str
    line_no: int
    product_id: str
    sku: str
    name: str
    ordered: Decimal
    received: Decimal
    outstanding: Decimal  # ordered - received, never below zero
    unit_cost: int


@dataclass(frozen=True)
class PurchaseOrderView:
    id: str
    number: str
    supplier_id: str
    supplier_name: str
    status: str
    location_code: str
    location_name: str
    note: str
    created_at: datetime
    lines: tuple[PurchaseOrderLineView, ...]

    @property
    def total_cost(self) -> int:
        """What the order costs at its unit costs (rounded half-up per line)."""
        return sum(line_cost(line.ordered, line.unit_cost) for line in self.lines)


def line_cost(quantity: Decimal, unit_cost: int) -> int:
    """Quantity × unit cost in minor units, rounded half-up (the one rounding of a line)."""
    return (quantity_to_db(quantity) * unit_cost + 500) // 1000


def checked_unit_cost(value: int, field: str = "unit_cost") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, QT_TRANSLATE_NOOP(
            "errors", "The unit cost must be a whole number of minor units (cents), not {value}."), value=repr(value))
    if value < 0:
        raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "The unit cost cannot be negative."))
    if value > MAX_UNIT_COST:
        raise ValidationError(field, QT_TRANSLATE_NOOP(
            "errors", "The unit cost {value} is too large; check the amount."), value=value)
    return value


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def internal_location(conn: sqlite3.Connection, code: str, field: str = "location_code") -> tuple[str, str, str]:
    """(id, code, name) of a stock location goods can be delivered to."""
    row = conn.execute("SELECT id, code, name, kind FROM locations WHERE code = ?",
                       ((code or "").strip().upper(),)).fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No stock location has the code {code}."), code=code)
    if row[3] != "internal":
        raise ValidationError(field, QT_TRANSLATE_NOOP(
            "errors", "{code} is not a place in the shop; deliver to the back room, the floor or another "
                      "internal location."), code=row[1])
    return row[0], row[1], row[2]


class PurchaseOrderService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, actor: StaffSession, supplier_id: str, lines: list[PurchaseOrderLineDraft],
               location_code: str = "BACK", note: str = "") -> str:
        """A new open order; every line is checked and a product may appear only once."""
        actor.require(Permission.ORDER_STOCK)
        if not lines:
            raise ValidationError("lines", QT_TRANSLATE_NOOP(
                "errors", "The order has no lines; add at least one product to order."))
        with self.db.raw_transaction() as conn:
            supplier = conn.execute("SELECT name, active FROM suppliers WHERE id = ?", (supplier_id,)).fetchone()
            if supplier is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The supplier no longer exists."))
            if not supplier[1]:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "{name} is deactivated; reactivate the supplier before ordering from it."),
                    name=supplier[0])
            location_id, _code, _name = internal_location(conn, location_code)
            rows = self._checked_lines(conn, lines)
            order_id, now = new_id(), time_to_db(utcnow())
            number = next_number(conn, "PO")
            conn.execute(
                "INSERT INTO purchase_orders (id, number, supplier_id, location_id, status, note, created_by_id,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?)",
                (order_id, number, supplier_id, location_id, note or "", actor.user_id, now, now),
            )
            conn.executemany(
                "INSERT INTO purchase_order_lines (id, purchase_order_id, line_no, product_id, quantity, unit_cost,"
                " received) VALUES (?, ?, ?, ?, ?, ?, 0)",
                [(new_id(), order_id, n, pid, milli, cost) for n, (pid, milli, cost) in enumerate(rows, 1)],
            )
            audit.record(conn, actor, "purchase_order_created", entity_type="purchase_order", entity_id=order_id,
                         number=number, supplier=supplier[0], lines=len(rows))
            return order_id

    @staticmethod
    def _checked_lines(conn: sqlite3.Connection, lines: list[PurchaseOrderLineDraft]) -> list[tuple[str, int, int]]:
        """(product id, quantity in thousandths, unit cost) per line, or the first problem, naming its line."""
        ids = [line.product_id for line in lines]
        skus = dict(conn.execute(
            "SELECT id, sku FROM products WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)))
        first_line: dict[str, int] = {}
        rows = []
        for n, line in enumerate(lines, 1):
            sku = skus.get(line.product_id)
            if sku is None:
                raise NotFound(QT_TRANSLATE_NOOP(
                    "errors", "Line {line}: the product no longer exists; remove the line."), line=n)
            if line.product_id in first_line:
                raise ValidationError(f"lines[{n}].product_id", QT_TRANSLATE_NOOP(
                    "errors", "Line {line} orders {sku} again (it is already on line {first}); put the whole "
                              "quantity on one line."), line=n, sku=sku, first=first_line[line.product_id])
            first_line[line.product_id] = n
            try:
                quantity = checked_quantity(line.quantity, "quantity")
                cost = checked_unit_cost(line.unit_cost)
            except ValidationError as err:
                raise ValidationError(f"lines[{n}].{err.field}", QT_TRANSLATE_NOOP(
                    "errors", "Line {line} ({sku}): {problem}"), line=n, sku=sku, problem=err.message) from None
            rows.append((line.product_id, quantity_to_db(quantity), cost))
        return rows

    def cancel(self, actor: StaffSession, order_id: str) -> None:
        """Cancel an open order of which nothing has been received (nor is being received)."""
        actor.require(Permission.ORDER_STOCK)
        with self.db.raw_transaction() as conn:
            row = conn.execute("SELECT number, status FROM purchase_orders WHERE id = ?", (order_id,)).fetchone()
            if row is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The purchase order no longer exists."))
            number, status = row
            if status != "open":
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "{number} is {status}; only an open order can be cancelled."),
                    number=number, status=status)
            (received,) = conn.execute(
                "SELECT COALESCE(SUM(received), 0) FROM purchase_order_lines WHERE purchase_order_id = ?",
                (order_id,)).fetchone()
            if received:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "Goods of {number} have already been received, so it cannot be cancelled."),
                    number=number)
            draft = conn.execute(
                "SELECT number FROM goods_receipts WHERE purchase_order_id = ? AND status = 'draft' ORDER BY number",
                (order_id,)).fetchone()
            if draft is not None:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "{receipt} is receiving goods against {number}; post or cancel that receipt first."),
                    receipt=draft[0], number=number)
            conn.execute("UPDATE purchase_orders SET status = 'cancelled', updated_at = ? WHERE id = ?",
                         (time_to_db(utcnow()), order_id))
            audit.record(conn, actor, "purchase_order_cancelled", entity_type="purchase_order", entity_id=order_id,
                         number=number)

    def list_orders(self, status: str | None = "open", supplier_id: str | None = None,
                    limit: int = 500) -> list[PurchaseOrderSummary]:
        """Orders, newest first; ``status`` None lists every status."""
        if status is not None and status not in STATUSES:
            raise ValidationError("status", QT_TRANSLATE_NOOP(
                "errors", "Unknown order status '{status}'; use one of {statuses}."),
                status=status, statuses=", ".join(STATUSES))
        where, params = [], []
        if status is not None:
            where.append("o.status = ?")
            params.append(status)
        if supplier_id is not None:
            where.append("o.supplier_id = ?")
            params.append(supplier_id)
        sql = f"""
SELECT o.id, o.number, s.name, o.status, o.created_at,
       (SELECT COUNT(*) FROM purchase_order_lines l WHERE l.purchase_order_id = o.id),
       (SELECT COALESCE(SUM(l.quantity), 0) FROM purchase_order_lines l WHERE l.purchase_order_id = o.id),
       (SELECT COALESCE(SUM(l.received), 0) FROM purchase_order_lines l WHERE l.purchase_order_id = o.id)
  FROM purchase_orders o JOIN suppliers s ON s.id = o.supplier_id
 {"WHERE " + " AND ".join(where) if where else ""}
 ORDER BY o.created_at DESC, o.number DESC
 LIMIT ?"""
        with self.db.raw_reader() as conn:
            return [
                PurchaseOrderSummary(r[0], r[1], r[2], r[3], _time(r[4]), r[5], quantity_from_db(r[6]),
                                     quantity_from_db(r[7]))
                for r in conn.execute(sql, (*params, limit))
            ]

    def detail(self, order_id: str) -> PurchaseOrderView:
        with self.db.raw_reader() as conn:
            head = conn.execute(
                "SELECT o.id, o.number, o.supplier_id, s.name, o.status, l.code, l.name, o.note, o.created_at"
                "  FROM purchase_orders o JOIN suppliers s ON s.id = o.supplier_id"
                "  JOIN locations l ON l.id = o.location_id WHERE o.id = ?", (order_id,)).fetchone()
            if head is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The purchase order no longer exists."))
            lines = []
            for line_id, line_no, pid, sku, name, ordered, received, cost in conn.execute(
                    "SELECT l.id, l.line_no, l.product_id, p.sku, p.name, l.quantity, l.received, l.unit_cost"
                    "  FROM purchase_order_lines l JOIN products p ON p.id = l.product_id"
                    " WHERE l.purchase_order_id = ? ORDER BY l.line_no", (order_id,)):
                lines.append(PurchaseOrderLineView(
                    line_id, line_no, pid, sku, name, quantity_from_db(ordered), quantity_from_db(received),
                    quantity_from_db(max(0, ordered - received)), cost))
            return PurchaseOrderView(*head[:8], _time(head[8]), tuple(lines))

    def on_order(self, product_ids: list[str] | None = None) -> dict[str, Decimal]:
        """Product id → quantity still outstanding on open orders (products with none are left out)."""
        sql = """
SELECT l.product_id, SUM(MAX(l.quantity - l.received, 0))
  FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.purchase_order_id
 WHERE o.status = 'open'{}
 GROUP BY l.product_id
HAVING SUM(MAX(l.quantity - l.received, 0)) > 0"""
        with self.db.raw_reader() as conn:
            if product_ids is None:
                rows = conn.execute(sql.format(""))
            else:
                rows = conn.execute(sql.format(" AND l.product_id IN (SELECT value FROM json_each(?))"),
                                    (json.dumps(list(product_ids)),))
            return {pid: quantity_from_db(milli) for pid, milli in rows}
