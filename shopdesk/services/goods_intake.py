"""Receiving deliveries: a goods receipt is scanned (or typed) into a draft, compared with
its purchase order, and posted into stock.

Every scan is its own small transaction on the draft, so a crash or a power cut loses no
scan. Posting is one transaction: the receipt is marked posted (guarded, so two clicks or
two machines cannot post it twice), products' moving-average costs are updated with a
price-history row each, the stock movements SUPPLIER → receipt location are written with
their balances, the purchase order's received quantities (and its status) move on, and the
audit log records it. Posting is set-based (a few statements per receipt, executemany for
the rows) so a 10,000-line delivery posts in a fraction of a second.

Money rounding: a line's cost is quantity × unit cost rounded half-up to the minor unit
(:func:`shopdesk.services.purchasing.line_cost`); a receipt's total is the sum of its lines.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shopdesk.domain.errors import NotFound, StateError, UnknownBarcode, ValidationError
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.domain.stock_rules import (
    DeliveryStatus,
    checked_quantity,
    delivery_status,
    moving_average_cost,
)
from shopdesk.services import audit, catalog_search, stock
from shopdesk.services.purchasing import checked_unit_cost, internal_location, line_cost
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.documents import next_number
from shopdesk.store.types import new_id, quantity_from_db, quantity_to_db, time_to_db, utcnow

DOCUMENT_TYPE = "goods_receipt"
STATUSES = ("draft", "posted", "cancelled")
MAX_REFERENCE_CHARS = 64


@dataclass(frozen=True)
class ReceiptLineView:
    line_id: str | None  # None: a purchase order line nothing has been scanned for
    line_no: int | None
    product_id: str
    sku: str
    name: str
    unit: str
    ordered: Decimal | None  # outstanding on the PO before this receipt; None: not on the PO
    received: Decimal  # on this receipt
    unit_cost: int
    status: DeliveryStatus

    @property
    def cost(self) -> int:
        return line_cost(self.received, self.unit_cost)


@dataclass(frozen=True)
class ReceiptView:
    id: str
    number: str
    status: str  # draft, posted, cancelled
    location_code: str
    location_name: str
    supplier_id: str | None
    supplier_name: str | None
    purchase_order_id: str | None
    purchase_order_number: str | None
    supplier_reference: str
    note: str
    created_at: datetime
    posted_at: datetime | None
    lines: tuple[ReceiptLineView, ...]
    over: int
    short: int
    missing: int
    not_ordered: int
    complete: int
    last_product_id: str | None = None  # the product the last action touched, for the GUI to select

    @property
    def total_quantity(self) -> Decimal:
        return sum((line.received for line in self.lines), Decimal(0))

    @property
    def total_cost(self) -> int:
        return sum(line.cost for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not any(line.received > 0 for line in self.lines)

    def line_for(self, product_id: str) -> ReceiptLineView | None:
        return next((line for line in self.lines if line.product_id == product_id), None)


@dataclass(frozen=True)
class PostedReceipt:
    receipt_id: str
    number: str
    lines_posted: int
    total_quantity: Decimal
    total_cost: int  # minor units
    cost_changes: int  # products whose moving-average cost changed
    purchase_order_number: str | None
    purchase_order_status: str | None  # after posting: "open" (more to come) or "received"


@dataclass(frozen=True)
class ReceiptSummary:
    id: str
    number: str
    status: str
    location_code: str
    supplier_name: str | None
    purchase_order_number: str | None
    supplier_reference: str
    created_at: datetime
    posted_at: datetime | None
    line_count: int
    total_quantity: Decimal


@dataclass(frozen=True)
class _Receipt:
    id: str
    number: str
    status: str
    location_id: str
    purchase_order_id: str | None


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _status(ordered: Decimal | None, received: Decimal) -> DeliveryStatus:
    if ordered == 0 and received == 0:  # already fully delivered by an earlier receipt
        return DeliveryStatus.COMPLETE
    return delivery_status(ordered, received)


def _receipt(conn: sqlite3.Connection, receipt_id: str) -> _Receipt:
    row = conn.execute(
        "SELECT id, number, status, location_id, purchase_order_id FROM goods_receipts WHERE id = ?",
        (receipt_id,)).fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "The goods receipt no longer exists."))
    return _Receipt(*row)


def _not_draft(receipt: _Receipt) -> StateError:
    if receipt.status == "posted":
        return StateError(QT_TRANSLATE_NOOP(
            "errors", "{number} was already posted; start a new receipt for more goods."), number=receipt.number)
    return StateError(QT_TRANSLATE_NOOP(
        "errors", "{number} was cancelled; start a new receipt."), number=receipt.number)


def _draft(conn: sqlite3.Connection, receipt_id: str) -> _Receipt:
    receipt = _receipt(conn, receipt_id)
    if receipt.status != "draft":
        raise _not_draft(receipt)
    return receipt


def _product(conn: sqlite3.Connection, product_id: str) -> tuple[str, int]:
    """(sku, cost) of a product, or NotFound."""
    row = conn.execute("SELECT sku, cost FROM products WHERE id = ?", (product_id,)).fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
    return row


def _line(conn: sqlite3.Connection, receipt_id: str, product_id: str) -> tuple[str, int] | None:
    """(line id, quantity in thousandths) of the product's line on the receipt."""
    return conn.execute(
        "SELECT id, quantity FROM goods_receipt_lines WHERE receipt_id = ? AND product_id = ?",
        (receipt_id, product_id)).fetchone()


def _insert_line(conn: sqlite3.Connection, receipt: _Receipt, product_id: str, milli: int) -> None:
    """A new line; its unit cost is the PO line's when the product is on the order, else the product's cost."""
    _sku, cost = _product(conn, product_id)
    po_line_id = None
    if receipt.purchase_order_id is not None:
        po_line = conn.execute(
            "SELECT id, unit_cost FROM purchase_order_lines WHERE purchase_order_id = ? AND product_id = ?",
            (receipt.purchase_order_id, product_id)).fetchone()
        if po_line is not None:
            po_line_id, cost = po_line
    (line_no,) = conn.execute(
        "SELECT COALESCE(MAX(line_no), 0) + 1 FROM goods_receipt_lines WHERE receipt_id = ?", (receipt.id,)).fetchone()
    conn.execute(
        "INSERT INTO goods_receipt_lines (id, receipt_id, line_no, product_id, quantity, unit_cost,"
        " purchase_order_line_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (new_id(), receipt.id, line_no, product_id, milli, cost, po_line_id))


def _touch(conn: sqlite3.Connection, receipt_id: str) -> None:
    conn.execute("UPDATE goods_receipts SET updated_at = ? WHERE id = ?", (time_to_db(utcnow()), receipt_id))


def _add_quantity(conn: sqlite3.Connection, receipt: _Receipt, product_id: str, quantity: Decimal) -> None:
    line = _line(conn, receipt.id, product_id)
    if line is None:
        _insert_line(conn, receipt, product_id, quantity_to_db(quantity))
    else:
        total = checked_quantity(quantity_from_db(line[1]) + quantity, "quantity")
        conn.execute("UPDATE goods_receipt_lines SET quantity = ? WHERE id = ?", (quantity_to_db(total), line[0]))
    _touch(conn, receipt.id)


_HEAD_SQL = """
SELECT r.id, r.number, r.status, l.code, l.name, r.supplier_id, s.name, r.purchase_order_id, o.number,
       r.supplier_reference, r.note, r.created_at, r.posted_at
  FROM goods_receipts r
  JOIN locations l ON l.id = r.location_id
  LEFT JOIN suppliers s ON s.id = r.supplier_id
  LEFT JOIN purchase_orders o ON o.id = r.purchase_order_id
 WHERE r.id = ?"""

_LINES_SQL = """
SELECT g.id, g.line_no, g.product_id, p.sku, p.name, p.unit, g.quantity, g.unit_cost, pol.quantity, pol.received
  FROM goods_receipt_lines g
  JOIN products p ON p.id = g.product_id
  LEFT JOIN purchase_order_lines pol ON pol.id = g.purchase_order_line_id
 WHERE g.receipt_id = ?
 ORDER BY g.line_no"""

# Lines of the order that nothing has been scanned for (and that are still outstanding).
_UNSCANNED_SQL = """
SELECT pol.product_id, p.sku, p.name, p.unit, pol.quantity - pol.received, pol.unit_cost
  FROM purchase_order_lines pol
  JOIN products p ON p.id = pol.product_id
 WHERE pol.purchase_order_id = ? AND pol.quantity > pol.received
   AND NOT EXISTS (SELECT 1 FROM goods_receipt_lines g WHERE g.receipt_id = ? AND g.product_id = pol.product_id)
 ORDER BY pol.line_no"""


def _view(conn: sqlite3.Connection, receipt_id: str, last_product_id: str | None = None) -> ReceiptView:
    head = conn.execute(_HEAD_SQL, (receipt_id,)).fetchone()
    if head is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "The goods receipt no longer exists."))
    posted = head[2] == "posted"
    lines = []
    for line_id, line_no, pid, sku, name, unit, milli, cost, po_qty, po_received in conn.execute(_LINES_SQL,
                                                                                                (receipt_id,)):
        received = quantity_from_db(milli)
        ordered = None
        if po_qty is not None:
            # A posted receipt is already counted in the order's received quantity.
            before = po_received - (milli if posted else 0)
            ordered = quantity_from_db(max(0, po_qty - before))
        lines.append(ReceiptLineView(line_id, line_no, pid, sku, name, unit, ordered, received, cost,
                                     _status(ordered, received)))
    if head[7] is not None:
        for pid, sku, name, unit, outstanding, cost in conn.execute(_UNSCANNED_SQL, (head[7], receipt_id)):
            lines.append(ReceiptLineView(None, None, pid, sku, name, unit, quantity_from_db(outstanding),
                                         Decimal(0), cost, DeliveryStatus.MISSING))
    counts = dict.fromkeys(DeliveryStatus, 0)
    for line in lines:
        counts[line.status] += 1
    return ReceiptView(
        *head[:11], _time(head[11]), _time(head[12]), tuple(lines),
        over=counts[DeliveryStatus.OVER], short=counts[DeliveryStatus.SHORT],
        missing=counts[DeliveryStatus.MISSING], not_ordered=counts[DeliveryStatus.NOT_ORDERED],
        complete=counts[DeliveryStatus.COMPLETE], last_product_id=last_product_id,
    )


class GoodsIntakeService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the draft ------------------------------------------------------------------------
    def start(self, actor: StaffSession, location_code: str | None = None, supplier_id: str | None = None,
              purchase_order_id: str | None = None, supplier_reference: str = "", note: str = "") -> str:
        """A new draft receipt (``GR-000001``). Against a purchase order, the supplier and the
        location default to the order's; without one, goods go to ``BACK`` unless told."""
        actor.require(Permission.RECEIVE_STOCK)
        supplier_reference = (supplier_reference or "").strip()
        if len(supplier_reference) > MAX_REFERENCE_CHARS:
            raise ValidationError("supplier_reference", QT_TRANSLATE_NOOP(
                "errors", "The delivery note number is {length} characters long; at most {maximum} fit."),
                length=len(supplier_reference), maximum=MAX_REFERENCE_CHARS)
        with self.db.raw_transaction() as conn:
            default_location = "BACK"
            if purchase_order_id is not None:
                order = conn.execute(
                    "SELECT o.number, o.status, o.supplier_id, l.code FROM purchase_orders o"
                    "  JOIN locations l ON l.id = o.location_id WHERE o.id = ?", (purchase_order_id,)).fetchone()
                if order is None:
                    raise NotFound(QT_TRANSLATE_NOOP("errors", "The purchase order no longer exists."))
                number, status, order_supplier, default_location = order
                if status != "open":
                    raise StateError(QT_TRANSLATE_NOOP(
                        "errors", "{number} is {status}; goods can only be received against an open order."),
                        number=number, status=status)
                if supplier_id is not None and supplier_id != order_supplier:
                    raise ValidationError("supplier_id", QT_TRANSLATE_NOOP(
                        "errors", "{number} was ordered from another supplier; choose that supplier or no order."),
                        number=number)
                supplier_id = order_supplier
            elif (supplier_id is not None
                  and conn.execute("SELECT 1 FROM suppliers WHERE id = ?", (supplier_id,)).fetchone() is None):
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The supplier no longer exists."))
            location_id, _code, _name = internal_location(conn, location_code or default_location)
            receipt_id, now = new_id(), time_to_db(utcnow())
            number = next_number(conn, "GR")
            conn.execute(
                "INSERT INTO goods_receipts (id, number, supplier_id, purchase_order_id, location_id, status,"
                " supplier_reference, note, created_by_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)",
                (receipt_id, number, supplier_id, purchase_order_id, location_id, supplier_reference, note or "",
                 actor.user_id, now, now))
            return receipt_id

    def scan(self, actor: StaffSession, receipt_id: str, code: str, quantity: Decimal = Decimal(1)) -> ReceiptView:
        """A scanned or typed barcode (or SKU): ``quantity`` more of that product on its line."""
        actor.require(Permission.RECEIVE_STOCK)
        quantity = checked_quantity(quantity, "quantity")
        code = (code or "").strip()
        barcode_lookup_key(code)  # refuses empty codes and mis-scans (wrong check digit) first
        with self.db.raw_transaction() as conn:
            receipt = _draft(conn, receipt_id)
            hit = catalog_search.lookup_code(conn, code)
            if hit is None:
                raise UnknownBarcode(code)
            _add_quantity(conn, receipt, hit.product_id, quantity)
            return _view(conn, receipt_id, hit.product_id)

    def add_product(self, actor: StaffSession, receipt_id: str, product_id: str,
                    quantity: Decimal = Decimal(1)) -> ReceiptView:
        """A product picked from the search (no barcode at hand): ``quantity`` more of it."""
        actor.require(Permission.RECEIVE_STOCK)
        quantity = checked_quantity(quantity, "quantity")
        with self.db.raw_transaction() as conn:
            receipt = _draft(conn, receipt_id)
            _product(conn, product_id)
            _add_quantity(conn, receipt, product_id, quantity)
            return _view(conn, receipt_id, product_id)

    def set_quantity(self, actor: StaffSession, receipt_id: str, product_id: str, quantity: Decimal) -> ReceiptView:
        """The counted quantity of a product, typed; 0 keeps the line with nothing received."""
        actor.require(Permission.RECEIVE_STOCK)
        quantity = checked_quantity(quantity, "quantity", allow_zero=True)
        with self.db.raw_transaction() as conn:
            receipt = _draft(conn, receipt_id)
            line = _line(conn, receipt_id, product_id)
            if line is None:
                if quantity > 0:
                    _insert_line(conn, receipt, product_id, quantity_to_db(quantity))
            else:
                conn.execute("UPDATE goods_receipt_lines SET quantity = ? WHERE id = ?",
                             (quantity_to_db(quantity), line[0]))
            _touch(conn, receipt_id)
            return _view(conn, receipt_id, product_id)

    def set_unit_cost(self, actor: StaffSession, receipt_id: str, product_id: str, unit_cost: int) -> ReceiptView:
        """The unit cost on the supplier's invoice, in minor units, for one line."""
        actor.require(Permission.RECEIVE_STOCK)
        unit_cost = checked_unit_cost(unit_cost)
        with self.db.raw_transaction() as conn:
            receipt = _draft(conn, receipt_id)
            line = _line(conn, receipt_id, product_id)
            if line is None:
                sku, _cost = _product(conn, product_id)
                raise NotFound(QT_TRANSLATE_NOOP(
                    "errors", "{sku} is not on {number}; scan or add it first."), sku=sku, number=receipt.number)
            conn.execute("UPDATE goods_receipt_lines SET unit_cost = ? WHERE id = ?", (unit_cost, line[0]))
            _touch(conn, receipt_id)
            return _view(conn, receipt_id, product_id)

    def remove_line(self, actor: StaffSession, receipt_id: str, product_id: str) -> ReceiptView:
        actor.require(Permission.RECEIVE_STOCK)
        with self.db.raw_transaction() as conn:
            _draft(conn, receipt_id)
            conn.execute("DELETE FROM goods_receipt_lines WHERE receipt_id = ? AND product_id = ?",
                         (receipt_id, product_id))
            _touch(conn, receipt_id)
            return _view(conn, receipt_id)

    def cancel(self, actor: StaffSession, receipt_id: str) -> None:
        """Give up a draft; its lines stay for the record, nothing reaches stock."""
        actor.require(Permission.RECEIVE_STOCK)
        with self.db.raw_transaction() as conn:
            now = time_to_db(utcnow())
            row = conn.execute(
                "UPDATE goods_receipts SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'draft'"
                " RETURNING number", (now, receipt_id)).fetchone()
            if row is None:
                raise _not_draft(_receipt(conn, receipt_id))
            audit.record(conn, actor, "goods_receipt_cancelled", entity_type=DOCUMENT_TYPE, entity_id=receipt_id,
                         number=row[0])

    # -- posting -------------------------------------------------------------------------
    def post(self, actor: StaffSession, receipt_id: str) -> PostedReceipt:
        """Receive the draft into stock, all or nothing (see the module docstring)."""
        actor.require(Permission.RECEIVE_STOCK)
        with self.db.raw_transaction() as conn:
            now = time_to_db(utcnow())
            # The guard: only one post of a draft can ever match, in this process or another.
            head = conn.execute(
                "UPDATE goods_receipts SET status = 'posted', posted_by_id = ?, posted_at = ?, updated_at = ?"
                " WHERE id = ? AND status = 'draft' RETURNING number, location_id, purchase_order_id",
                (actor.user_id, now, now, receipt_id)).fetchone()
            if head is None:
                raise _not_draft(_receipt(conn, receipt_id))
            number, location_id, order_id = head
            lines = conn.execute(
                "SELECT g.product_id, g.quantity, g.unit_cost, g.purchase_order_line_id, p.cost, p.price"
                "  FROM goods_receipt_lines g JOIN products p ON p.id = g.product_id"
                " WHERE g.receipt_id = ? AND g.quantity > 0 ORDER BY g.line_no", (receipt_id,)).fetchall()
            if not lines:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "{number} has nothing to post; scan or type what arrived first."), number=number)
            order_number = order_status = None
            if order_id is not None:
                order_number, order_status = conn.execute(
                    "SELECT number, status FROM purchase_orders WHERE id = ?", (order_id,)).fetchone()
                if order_status == "cancelled":
                    raise StateError(QT_TRANSLATE_NOOP(
                        "errors", "{order} was cancelled while {number} was being received; cancel the receipt "
                                  "and receive the goods without the order."), order=order_number, number=number)

            # On hand before this delivery, over every internal location, in one grouped query.
            on_hand = dict(conn.execute(
                "SELECT b.product_id, SUM(b.quantity) FROM stock_balances b"
                "  JOIN locations l ON l.id = b.location_id AND l.kind = 'internal'"
                " WHERE b.product_id IN (SELECT product_id FROM goods_receipt_lines"
                "                         WHERE receipt_id = ? AND quantity > 0)"
                " GROUP BY b.product_id", (receipt_id,)))

            supplier_location = _location_id(conn, "SUPPLIER")
            moves, cost_rows, history, po_rows = [], [], [], []
            total_milli = total_cost = 0
            for product_id, milli, unit_cost, po_line_id, old_cost, price in lines:
                received = quantity_from_db(milli)
                new_cost = moving_average_cost(quantity_from_db(on_hand.get(product_id, 0)), old_cost, received,
                                               unit_cost)
                if new_cost != old_cost:
                    cost_rows.append((new_cost, now, product_id))
                    history.append((new_id(), product_id, actor.user_id, now, price, price, old_cost, new_cost))
                moves.append(stock.Move(product_id, received, supplier_location, location_id))
                if po_line_id is not None:
                    po_rows.append((milli, po_line_id))
                total_milli += milli
                total_cost += line_cost(received, unit_cost)

            conn.executemany("UPDATE products SET cost = ?, updated_at = ? WHERE id = ?", cost_rows)
            conn.executemany(
                "INSERT INTO price_changes (id, product_id, user_id, at, old_price, new_price, old_cost, new_cost,"
                " source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'receipt')", history)
            stock.post_movements(conn, moves, reason="intake", document_type=DOCUMENT_TYPE, document_id=receipt_id,
                                 user_id=actor.user_id)
            if order_id is not None:
                conn.executemany("UPDATE purchase_order_lines SET received = received + ? WHERE id = ?", po_rows)
                (open_lines,) = conn.execute(
                    "SELECT COUNT(*) FROM purchase_order_lines WHERE purchase_order_id = ? AND received < quantity",
                    (order_id,)).fetchone()
                if open_lines == 0 and order_status == "open":
                    conn.execute("UPDATE purchase_orders SET status = 'received', updated_at = ? WHERE id = ?",
                                 (now, order_id))
                    order_status = "received"
            result = PostedReceipt(receipt_id, number, len(lines), quantity_from_db(total_milli), total_cost,
                                   len(cost_rows), order_number, order_status)
            audit.record(conn, actor, "goods_receipt_posted", entity_type=DOCUMENT_TYPE, entity_id=receipt_id,
                         number=number, lines=result.lines_posted, quantity=str(result.total_quantity),
                         total_cost=total_cost, purchase_order=order_number, cost_changes=len(cost_rows))
            return result

    # -- reading -------------------------------------------------------------------------
    def detail(self, receipt_id: str) -> ReceiptView:
        with self.db.raw_reader() as conn:
            return _view(conn, receipt_id)

    def list_receipts(self, status: str | None = None, limit: int = 100) -> list[ReceiptSummary]:
        """The newest receipts first; ``status`` None lists drafts, posted and cancelled ones."""
        if status is not None and status not in STATUSES:
            raise ValidationError("status", QT_TRANSLATE_NOOP(
                "errors", "Unknown receipt status '{status}'; use one of {statuses}."),
                status=status, statuses=", ".join(STATUSES))
        sql = f"""
SELECT r.id, r.number, r.status, l.code, s.name, o.number, r.supplier_reference, r.created_at, r.posted_at,
       (SELECT COUNT(*) FROM goods_receipt_lines g WHERE g.receipt_id = r.id AND g.quantity > 0),
       (SELECT COALESCE(SUM(g.quantity), 0) FROM goods_receipt_lines g WHERE g.receipt_id = r.id)
  FROM (SELECT * FROM goods_receipts {"WHERE status = ?" if status else ""}
         ORDER BY created_at DESC, number DESC LIMIT ?) r
  JOIN locations l ON l.id = r.location_id
  LEFT JOIN suppliers s ON s.id = r.supplier_id
  LEFT JOIN purchase_orders o ON o.id = r.purchase_order_id
 ORDER BY r.created_at DESC, r.number DESC"""
        params = (status, limit) if status else (limit,)
        with self.db.raw_reader() as conn:
            return [ReceiptSummary(*row[:7], _time(row[7]), _time(row[8]), row[9], quantity_from_db(row[10]))
                    for row in conn.execute(sql, params)]

    def label_copies(self, receipt_id: str) -> dict[str, int]:
        """Product id → how many shelf labels to print: one per item received (one per line
        for goods sold by weight or measure, whose quantity counts no items), for
        ``LabelService.print_sheet(ids, path, copies=mapping)``."""
        with self.db.raw_reader() as conn:
            receipt = _receipt(conn, receipt_id)
            if receipt.status != "posted":
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "{number} is not posted yet; labels are printed for goods that were received."),
                    number=receipt.number)
            return {
                pid: math.ceil(quantity_from_db(milli)) if unit == "piece" else 1
                for pid, milli, unit in conn.execute(
                    "SELECT l.product_id, l.quantity, p.unit FROM goods_receipt_lines l"
                    "  JOIN products p ON p.id = l.product_id"
                    " WHERE l.receipt_id = ? AND l.quantity > 0 ORDER BY l.line_no", (receipt_id,))
            }


def _location_id(conn: sqlite3.Connection, code: str) -> str:
    row = conn.execute("SELECT id FROM locations WHERE code = ?", (code,)).fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No stock location has the code {code}."), code=code)
    return row[0]
