"""Completing the cart: one or several tenders (in any order), cash rounding, returns and
exchanges, store credit, in ONE transaction that is fsync'd before this returns.

The cart may hold sale lines (positive quantities) and return lines (negative, each
naming the sale line it gives back and where the stock goes). The document is a "sale",
a "return" (only return lines; tenders then pay money back) or an "exchange" (both).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.domain.errors import NotFound, StateError, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import format_money
from shopdesk.domain.permissions import Permission
from shopdesk.domain.tenders import AppliedTender, Settlement, TenderInput, Underpaid, settle
from shopdesk.services import audit, stock
from shopdesk.services.cart_view import CartView, cart_view
from shopdesk.services.staff_session import StaffSession
from shopdesk.services.till_sessions import session_for_sale
from shopdesk.store import till_queries
from shopdesk.store.database import Database
from shopdesk.store.types import new_id, quantity_to_db, time_to_db, utcnow

SALE, RETURN, EXCHANGE = "sale", "return", "exchange"


@dataclass(frozen=True)
class Tender:
    """What the cashier entered: a tender type code and an amount (negative to pay back)."""

    code: str
    amount: int
    card_type: str = ""  # from the card terminal
    reference: str = ""  # approval code, voucher number


@dataclass(frozen=True)
class SaleResult:
    sale_id: str
    receipt_number: str
    total: int  # as priced
    tendered: int  # handed over, all tenders
    change: int
    currency: str
    rounding: int = 0
    kind: str = SALE
    tenders: tuple[AppliedTender, ...] = ()
    open_drawer: bool = False  # a tender that goes in the drawer (cash, vouchers) was used

    @property
    def due(self) -> int:
        return self.total + self.rounding


def tender_types(conn: sqlite3.Connection) -> dict[str, tuple[str, str, bool, bool]]:
    """Active tender types: code → (name, kind, opens_drawer, needs_reference)."""
    return {code: (name, kind, bool(drawer), bool(ref)) for code, name, kind, drawer, ref in conn.execute(
        "SELECT code, name, kind, opens_drawer, needs_reference FROM tender_types WHERE active ORDER BY position")}


def cash_rounding_step(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT cash_rounding_step FROM store_settings LIMIT 1").fetchone()
    return int(row[0] or 0) if row else 0


class PaymentService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def pay(self, actor: StaffSession, till_id: str, tenders: list[Tender]) -> SaleResult:
        """Complete the till's cart with these tenders; durable when this returns."""
        actor.require(Permission.SELL)
        with self.db.raw_transaction() as conn:
            cart_id = till_queries.open_cart_id(conn, till_id)
            view = cart_view(conn, cart_id)
            if view.is_empty:
                raise StateError(QT_TRANSLATE_NOOP("errors", "The cart is empty: scan an item before taking payment."))
            kind = _kind(view)
            types = tender_types(conn)
            inputs = [self._tender_input(t, types, view) for t in tenders]
            try:
                settlement = settle(view.total, inputs, cash_rounding_step(conn))
            except Underpaid as short:
                raise _underpaid_message(short, inputs, view) from None
            self._check_returns(conn, view)
            result = self._write(conn, actor, till_id, cart_id, view, kind, settlement, types)
        return result

    def payment_options(self) -> tuple[dict[str, tuple[str, str, bool, bool]], int]:
        """What the payment screen offers: the active tender types and the cash rounding step."""
        with self.db.raw_reader() as conn:
            return tender_types(conn), cash_rounding_step(conn)

    def record_declined(self, actor: StaffSession, till_id: str, tender_code: str, amount: int,
                        reason: str = "") -> None:
        """Write a refused card (or other) payment to the audit log; the sale stays open."""
        actor.require(Permission.SELL)
        with self.db.raw_transaction() as conn:
            if tender_code not in tender_types(conn):
                raise ValidationError("tenders", QT_TRANSLATE_NOOP(
                    "errors", "'{tender}' is not a way to pay here."), tender=tender_code)
            audit.record(conn, actor, "payment.declined", entity_type="till", entity_id=till_id,
                         cart_id=till_queries.open_cart_id(conn, till_id), tender=tender_code, amount=amount,
                         reason=(reason or "").strip()[:200])

    @staticmethod
    def _tender_input(t: Tender, types: dict, view: CartView) -> TenderInput:
        found = types.get(t.code)
        if found is None:
            raise ValidationError("tenders", QT_TRANSLATE_NOOP(
                "errors", "'{tender}' is not a way to pay here; choose one of {tenders}."),
                tender=t.code, tenders=", ".join(types))
        name, kind, _drawer, needs_reference = found
        reference = (t.reference or "").strip()
        if needs_reference and kind == "card" and not reference:
            raise ValidationError("reference", QT_TRANSLATE_NOOP(
                "errors", "Enter the card terminal's approval code for the {tender} payment."), tender=name)
        if kind == "store_credit" and not view.customer_id:
            raise ValidationError("tenders", QT_TRANSLATE_NOOP(
                "errors", "Store credit belongs to a customer: attach the customer to the sale first."))
        return TenderInput(t.code, kind, t.amount, (t.card_type or "").strip()[:32], reference[:64])

    @staticmethod
    def _check_returns(conn: sqlite3.Connection, view: CartView) -> None:
        """Never more back than was sold, counting what earlier returns gave back already."""
        for line in view.lines:
            if line.original_line_id is None:
                continue
            row = conn.execute(
                "SELECT quantity, product_id, (SELECT COALESCE(-SUM(r.quantity), 0) FROM sale_lines r"
                "  WHERE r.original_line_id = o.id) FROM sale_lines o WHERE o.id = ?",
                (line.original_line_id,)).fetchone()
            if row is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The sale line being returned no longer exists."))
            sold, product_id, returned = row
            if product_id != line.product_id or quantity_to_db(-line.quantity) + returned > sold:
                left = max(sold - returned, 0) / 1000
                raise ValidationError("quantity", QT_TRANSLATE_NOOP(
                    "errors", "Only {left} of {name} can still be returned from that sale."),
                    left=f"{left:g}", name=line.name)

    @staticmethod
    def _write(conn: sqlite3.Connection, actor: StaffSession, till_id: str, cart_id: str, view: CartView,
               kind: str, settlement: Settlement, types: dict) -> SaleResult:
        now = time_to_db(utcnow())
        session_id = session_for_sale(conn, actor, till_id)
        till_code, number, floor_id = till_queries.next_receipt(conn, till_id, now)
        receipt_number = f"{till_code}-{number:06d}"
        sale_id = new_id()
        totals = view.totals
        priced = {p.key: p for p in totals.lines}
        locations = dict(conn.execute("SELECT code, id FROM locations"))
        customers = locations.get("CUSTOMER")
        if customers is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "No stock location has the code {code}."), code="CUSTOMER")
        lines, moves_out, moves_back = [], [], []
        for n, line in enumerate(view.lines, start=1):
            back_to = None
            if line.is_return:
                back_to = locations.get(line.return_location_code or "FLOOR")
                if back_to is None:
                    raise NotFound(QT_TRANSLATE_NOOP("errors", "No stock location has the code {code}."),
                                   code=line.return_location_code)
                moves_back.append(stock.Move(line.product_id, -line.quantity, customers, back_to))
            else:
                moves_out.append(stock.Move(line.product_id, line.quantity, floor_id, customers))
            p = priced[line.line_id]
            lines.append({
                "id": new_id(), "sale_id": sale_id, "line_no": n, "product_id": line.product_id,
                "description": line.name, "quantity": quantity_to_db(line.quantity), "unit_price": line.unit_price,
                "discount": p.discount, "tax_code": line.tax_code, "tax_percent": str(line.tax_percent),
                "net": p.net, "tax": p.tax, "gross": p.gross, "original_line_id": line.original_line_id,
                "return_location_id": back_to, "suggested": int(line.suggested),
            })
        payments = [{"id": new_id(), "sale_id": sale_id, "tender": t.code, "amount": t.amount,
                     "tendered": t.tendered, "change": t.change, "created_at": now, "card_type": t.card_type,
                     "reference": t.reference} for t in settlement.tenders]
        till_queries.insert_sale(
            conn,
            {"id": sale_id, "receipt_number": receipt_number, "till_id": till_id, "user_id": actor.user_id,
             "currency": view.currency, "prices_include_tax": view.prices_include_tax,
             "net_total": totals.net_total, "tax_total": totals.tax_total, "grand_total": totals.grand_total,
             "created_at": now, "completed_at": now, "kind": kind, "session_id": session_id,
             "customer_id": view.customer_id, "original_sale_id": view.original_sale_id,
             "cart_discount": view.cart_discount, "rounding": settlement.rounding},
            lines, payments,
        )
        for t in settlement.tenders:
            if t.kind == "store_credit":
                _use_store_credit(conn, actor, view, sale_id, t.amount, now)
        stock.post_movements(conn, moves_out, reason="sale", document_type="sale", document_id=sale_id,
                             user_id=actor.user_id)
        stock.post_movements(conn, moves_back, reason="return", document_type="sale", document_id=sale_id,
                             user_id=actor.user_id)
        audit.record(conn, actor, f"{kind}.completed", entity_type="sale", entity_id=sale_id,
                     receipt_number=receipt_number, total=totals.grand_total, rounding=settlement.rounding,
                     tenders=[t.code for t in settlement.tenders])
        till_queries.delete_cart(conn, cart_id)
        tendered = sum(t.tendered for t in settlement.tenders)
        drawer = any(types[t.code][2] for t in settlement.tenders)
        return SaleResult(sale_id, receipt_number, totals.grand_total, tendered, settlement.change, view.currency,
                          settlement.rounding, kind, settlement.tenders, drawer)


def _underpaid_message(short: Underpaid, inputs: list[TenderInput], view: CartView) -> ValidationError:
    def money(minor: int) -> str:
        return format_money(minor, view.currency, view.locale)

    if all(t.kind == "cash" for t in inputs):
        return ValidationError("tendered", QT_TRANSLATE_NOOP(
            "errors", "Cash given ({given}) is less than the total ({total})."),
            given=money(sum(t.amount for t in inputs)), total=money(short.due))
    return ValidationError("tendered", QT_TRANSLATE_NOOP("errors", "{missing} is still due."),
                           missing=money(short.missing))


def _kind(view: CartView) -> str:
    returns = any(line.is_return for line in view.lines)
    sales = any(not line.is_return for line in view.lines)
    return EXCHANGE if returns and sales else RETURN if returns else SALE


def store_credit_balance(conn: sqlite3.Connection, customer_id: str) -> int:
    (balance,) = conn.execute("SELECT COALESCE(SUM(amount), 0) FROM store_credit_entries WHERE customer_id = ?",
                              (customer_id,)).fetchone()
    return balance


def _use_store_credit(conn: sqlite3.Connection, actor: StaffSession, view: CartView, sale_id: str, amount: int,
                      now: str) -> None:
    """Paying with store credit takes from the customer's balance; refunding to it adds."""
    if amount > 0:
        balance = store_credit_balance(conn, view.customer_id)
        if balance < amount:
            raise ValidationError("tenders", QT_TRANSLATE_NOOP(
                "errors", "The customer has only {balance} of store credit."),
                balance=format_money(balance, view.currency, view.locale))
    conn.execute(
        "INSERT INTO store_credit_entries (id, customer_id, amount, sale_id, user_id, note, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (new_id(), view.customer_id, -amount, sale_id, actor.user_id, "", now))


def line_quantity_left(conn: sqlite3.Connection, sale_line_id: str) -> Decimal:
    """How much of a sale line can still be returned."""
    row = conn.execute(
        "SELECT o.quantity + COALESCE((SELECT SUM(r.quantity) FROM sale_lines r WHERE r.original_line_id = o.id), 0)"
        "  FROM sale_lines o WHERE o.id = ?", (sale_line_id,)).fetchone()
    return Decimal(max(row[0], 0)) / 1000 if row else Decimal(0)
