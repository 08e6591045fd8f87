"""The counter: the cart in progress at a till and completing a sale.

The cart lives in the database (``cart_drafts``) and every change is its own small
transaction, so a till that is killed or loses power comes back with the same cart.
Completing a sale is one transaction: sale, lines, payment, stock movements, balances and
the audit entry land together or not at all.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from shopdesk.domain.cart import CartTotals, LineInput, price_cart
from shopdesk.domain.errors import NotFound, StateError, UnknownBarcode, ValidationError
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import format_money
from shopdesk.domain.permissions import Permission
from shopdesk.domain.tax import TaxRate as DomainTaxRate
from shopdesk.services import audit, catalog_search, stock
from shopdesk.services.staff_session import StaffSession
from shopdesk.store import till_queries
from shopdesk.store.database import Database, dbapi_connection
from shopdesk.store.models import (
    CartDraft,
    CartDraftLine,
    Product,
    TaxRate,
)
from shopdesk.store.types import new_id, quantity_from_db, quantity_to_db, time_to_db, utcnow

MAX_LINE_QUANTITY = Decimal(9999)


@dataclass(frozen=True)
class CartLineView:
    line_id: str
    product_id: str
    sku: str
    name: str
    unit: str
    quantity: Decimal
    unit_price: int
    amount: int  # line total in the store's price basis
    tax_code: str
    tax_percent: Decimal


@dataclass(frozen=True)
class CartView:
    cart_id: str | None
    lines: tuple[CartLineView, ...]
    totals: CartTotals
    currency: str
    locale: str
    prices_include_tax: bool
    last_line_id: str | None = None  # the line the last action touched, for the GUI to select

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def total(self) -> int:
        return self.totals.grand_total


@dataclass(frozen=True)
class SaleResult:
    sale_id: str
    receipt_number: str
    total: int
    tendered: int
    change: int
    currency: str


_LINES_QUERY = (
    select(
        CartDraftLine.id, CartDraftLine.product_id, Product.sku, Product.name, Product.unit,
        CartDraftLine.quantity, CartDraftLine.unit_price, TaxRate.code, TaxRate.percent,
    )
    .join(Product, Product.id == CartDraftLine.product_id)
    .join(TaxRate, TaxRate.id == Product.tax_rate_id)
    .order_by(CartDraftLine.position)
)


def _check_quantity(quantity: Decimal, unit: str) -> Decimal:
    if not isinstance(quantity, Decimal):
        quantity = Decimal(str(quantity))
    if not quantity.is_finite() or quantity <= 0:
        raise ValidationError(
            "quantity", QT_TRANSLATE_NOOP("errors", "The quantity must be more than zero; to take a line off, remove it.")
        )
    if quantity > MAX_LINE_QUANTITY:
        raise ValidationError(
            "quantity", QT_TRANSLATE_NOOP("errors", "{quantity} is more than {max} on one line; check the quantity."),
            quantity=quantity, max=MAX_LINE_QUANTITY,
        )
    if unit == "piece" and quantity != quantity.to_integral_value():
        raise ValidationError(
            "quantity", QT_TRANSLATE_NOOP("errors", "This product is sold by the piece; enter a whole number."),
        )
    if quantity.as_tuple().exponent < -3:
        raise ValidationError("quantity", QT_TRANSLATE_NOOP("errors", "Use at most 3 decimals for a quantity."))
    return quantity


class CheckoutService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading -------------------------------------------------------------------------
    def current_cart(self, actor: StaffSession, till_id: str) -> CartView:
        """The cart in progress at the till (restored after a crash), possibly empty."""
        actor.require(Permission.SELL)
        with self.db.reader() as s:
            cart_id = self._open_cart_id(s, till_id)
            return self._view(s, cart_id)

    # -- changing the cart ---------------------------------------------------------------
    def scan(self, actor: StaffSession, till_id: str, code: str) -> CartView:
        """A scanned or typed barcode (or SKU): add the product, or one more of it."""
        actor.require(Permission.SELL)
        code = (code or "").strip()
        barcode_lookup_key(code)  # refuses mis-scans (wrong check digit) before any lookup
        with self.db.raw_transaction() as conn:
            # The catalog's own exact lookup, shared with the product picker and search.
            hit = catalog_search.lookup_code(conn, code)
            product = till_queries.product_by_id(conn, hit.product_id) if hit else None
            if product is None:
                raise UnknownBarcode(code)
            return self._add_one(conn, actor, till_id, product, code)

    def add_product(self, actor: StaffSession, till_id: str, product_id: str) -> CartView:
        """A product picked from the search (no barcode at hand): add it, or one more of it."""
        actor.require(Permission.SELL)
        with self.db.raw_transaction() as conn:
            product = till_queries.product_by_id(conn, product_id)
            if product is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
            return self._add_one(conn, actor, till_id, product, "")

    @staticmethod
    def _add_one(conn: sqlite3.Connection, actor: StaffSession, till_id: str,
                 product: till_queries.ProductRow, code: str) -> CartView:
        if not product.active:
            raise StateError(
                QT_TRANSLATE_NOOP("errors", "{name} is not for sale (inactive in the catalog)."),
                name=product.name,
            )
        now = time_to_db(utcnow())
        cart_id = till_queries.touch_open_cart(conn, till_id, now)
        if cart_id is None:
            if not till_queries.till_exists(conn, till_id):
                raise NotFound(QT_TRANSLATE_NOOP("errors", "This till is not known to the store."))
            cart_id = new_id()
            till_queries.create_cart(conn, cart_id, till_id, actor.user_id, now)
        rows = till_queries.cart_lines(conn, cart_id)
        same = next((r for r in rows if r.product_id == product.id and r.unit_price == product.price), None)
        if same is not None:
            line_id = same.id
            quantity = _check_quantity(quantity_from_db(same.quantity_milli) + 1, "piece")
            till_queries.set_line_quantity(conn, line_id, quantity_to_db(quantity))
            rows = [r._replace(quantity_milli=quantity_to_db(quantity)) if r.id == line_id else r for r in rows]
        else:
            line_id = new_id()
            position = max((r.position for r in rows), default=0) + 1
            till_queries.insert_cart_line(conn, line_id, cart_id, position, product.id, 1000, product.price, code)
            rows.append(till_queries.CartLineRow(
                line_id, product.id, product.sku, product.name, product.unit, 1000, product.price,
                product.tax_code, product.tax_percent, position))
        return _view(conn, cart_id, rows, last_line_id=line_id)

    def set_quantity(self, actor: StaffSession, till_id: str, line_id: str, quantity: Decimal) -> CartView:
        actor.require(Permission.SELL)
        with self.db.unit_of_work() as s:
            cart_id, unit = self._line_in_open_cart(s, till_id, line_id)
            quantity = _check_quantity(quantity, unit)
            s.execute(update(CartDraftLine).where(CartDraftLine.id == line_id).values(quantity=quantity))
            self._touch(s, cart_id)
            return self._view(s, cart_id, last_line_id=line_id)

    def override_price(self, actor: StaffSession, till_id: str, line_id: str, unit_price: int,
                       reason: str = "") -> CartView:
        """Sell a line at another unit price. Managers only; audited with old and new price."""
        actor.require(Permission.PRICE_OVERRIDE)
        if unit_price < 0:
            raise ValidationError("unit_price", QT_TRANSLATE_NOOP("errors", "A price cannot be negative."))
        with self.db.unit_of_work() as s:
            cart_id, _unit = self._line_in_open_cart(s, till_id, line_id)
            line = s.get(CartDraftLine, line_id)
            audit.record(s, actor, "cart.price_override", entity_type="cart", entity_id=cart_id,
                         product_id=line.product_id, old_price=line.unit_price, new_price=unit_price,
                         reason=reason)
            line.unit_price = unit_price
            s.flush()
            self._touch(s, cart_id)
            return self._view(s, cart_id, last_line_id=line_id)

    def remove_line(self, actor: StaffSession, till_id: str, line_id: str) -> CartView:
        actor.require(Permission.VOID_LINE)
        with self.db.unit_of_work() as s:
            cart_id, _unit = self._line_in_open_cart(s, till_id, line_id)
            line = s.get(CartDraftLine, line_id)
            audit.record(s, actor, "cart.line_voided", entity_type="cart", entity_id=cart_id,
                         product_id=line.product_id, quantity=line.quantity, unit_price=line.unit_price)
            s.delete(line)
            s.flush()
            self._touch(s, cart_id)
            return self._view(s, cart_id)

    def void_cart(self, actor: StaffSession, till_id: str) -> CartView:
        actor.require(Permission.VOID_LINE)
        with self.db.unit_of_work() as s:
            cart_id = self._open_cart_id(s, till_id)
            if cart_id is not None:
                view = self._view(s, cart_id)
                audit.record(s, actor, "cart.voided", entity_type="cart", entity_id=cart_id,
                             lines=len(view.lines), total=view.total)
                s.execute(delete(CartDraftLine).where(CartDraftLine.cart_id == cart_id))
                s.execute(delete(CartDraft).where(CartDraft.id == cart_id))
            return self._view(s, None)

    # -- paying ----------------------------------------------------------------------------
    def pay_cash(self, actor: StaffSession, till_id: str, tendered: int) -> SaleResult:
        """Complete the sale in cash. Durable (fsync'd) when this returns."""
        actor.require(Permission.SELL)
        with self.db.raw_transaction() as conn:
            cart_id = till_queries.open_cart_id(conn, till_id)
            view = _view(conn, cart_id)
            if view.is_empty:
                raise StateError(QT_TRANSLATE_NOOP("errors", "The cart is empty: scan an item before taking payment."))
            total = view.total
            if tendered < total:
                raise ValidationError(
                    "tendered",
                    QT_TRANSLATE_NOOP("errors", "Cash given ({given}) is less than the total ({total})."),
                    given=format_money(tendered, view.currency, view.locale),
                    total=format_money(total, view.currency, view.locale),
                )
            now = time_to_db(utcnow())
            till_code, number, floor_id = till_queries.next_receipt(conn, till_id, now)
            receipt_number = f"{till_code}-{number:06d}"
            sale_id = new_id()
            totals = view.totals
            priced = {p.key: p for p in totals.lines}
            change = tendered - total
            till_queries.insert_sale(
                conn,
                {"id": sale_id, "receipt_number": receipt_number, "till_id": till_id, "user_id": actor.user_id,
                 "currency": view.currency, "prices_include_tax": view.prices_include_tax,
                 "net_total": totals.net_total, "tax_total": totals.tax_total, "grand_total": total,
                 "created_at": now, "completed_at": now},
                [{"id": new_id(), "sale_id": sale_id, "line_no": n, "product_id": line.product_id,
                  "description": line.name, "quantity": quantity_to_db(line.quantity),
                  "unit_price": line.unit_price, "discount": priced[line.line_id].discount,
                  "tax_code": line.tax_code, "tax_percent": str(line.tax_percent),
                  "net": priced[line.line_id].net, "tax": priced[line.line_id].tax,
                  "gross": priced[line.line_id].gross}
                 for n, line in enumerate(view.lines, start=1)],
                [{"id": new_id(), "sale_id": sale_id, "tender": "cash", "amount": total, "tendered": tendered,
                  "change": change, "created_at": now}],
            )
            stock.post_movements(
                conn,
                [stock.Move(line.product_id, line.quantity, floor_id, _customers_location(conn))
                 for line in view.lines],
                reason="sale", document_type="sale", document_id=sale_id, user_id=actor.user_id,
            )
            audit.record(conn, actor, "sale.completed", entity_type="sale", entity_id=sale_id,
                         receipt_number=receipt_number, total=total, tender="cash")
            till_queries.delete_cart(conn, cart_id)
        return SaleResult(sale_id, receipt_number, total, tendered, change, view.currency)

    # -- internals -------------------------------------------------------------------------
    @staticmethod
    def _open_cart_id(s: Session, till_id: str) -> str | None:
        return till_queries.open_cart_id(dbapi_connection(s), till_id)

    @staticmethod
    def _touch(s: Session, cart_id: str) -> None:
        s.execute(update(CartDraft).where(CartDraft.id == cart_id).values(updated_at=utcnow()))

    @staticmethod
    def _line_in_open_cart(s: Session, till_id: str, line_id: str) -> tuple[str, str]:
        row = s.execute(
            select(CartDraft.id, Product.unit)
            .join(CartDraftLine, CartDraftLine.cart_id == CartDraft.id)
            .join(Product, Product.id == CartDraftLine.product_id)
            .where(CartDraftLine.id == line_id, CartDraft.till_id == till_id, CartDraft.status == "open")
        ).first()
        if row is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "That line is no longer in the cart."))
        return row[0], row[1]

    @staticmethod
    def _view(s: Session, cart_id: str | None, last_line_id: str | None = None) -> CartView:
        return _view(dbapi_connection(s), cart_id, last_line_id=last_line_id)


def _customers_location(conn: sqlite3.Connection) -> str:
    found = till_queries.location_id(conn, "CUSTOMER")
    if found is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No stock location has the code {code}."), code="CUSTOMER")
    return found


def _view(conn: sqlite3.Connection, cart_id: str | None, rows: list | None = None,
          last_line_id: str | None = None) -> CartView:
    """Price the cart's lines (read from the database unless given) for display and payment."""
    pricing = till_queries.store_pricing(conn)
    if pricing is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "This database has no store yet; run the set-up first."))
    currency, locale, prices_include_tax = pricing
    if rows is None:
        rows = till_queries.cart_lines(conn, cart_id)
    lines = []
    inputs = []
    for r in rows:
        quantity = quantity_from_db(r.quantity_milli)
        percent = Decimal(r.tax_percent)
        inputs.append(LineInput(key=r.id, quantity=quantity, unit_price=r.unit_price,
                                tax=DomainTaxRate(code=r.tax_code, percent=percent)))
        lines.append((r, quantity, percent))
    totals = price_cart(inputs, prices_include_tax=prices_include_tax)
    amounts = {p.key: p.amount for p in totals.lines}
    return CartView(
        cart_id,
        tuple(CartLineView(r.id, r.product_id, r.sku, r.name, r.unit, quantity, r.unit_price, amounts[r.id],
                           r.tax_code, percent) for r, quantity, percent in lines),
        totals, currency, locale, prices_include_tax, last_line_id,
    )
