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

from shopdesk.domain.cart import line_amount
from shopdesk.domain.discounts import within_limit
from shopdesk.domain.errors import (
    NotFound,
    ShopDeskError,
    StateError,
    UnknownBarcode,
    ValidationError,
)
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.instore_barcode import InStoreCode, Layout, is_in_store_code
from shopdesk.domain.instore_barcode import parse as parse_in_store
from shopdesk.domain.money import minor_digits, round_ratio
from shopdesk.domain.permissions import Permission
from shopdesk.services import audit, catalog_search
from shopdesk.services.cart_view import CartView, cart_view, priced_view, stored_rows
from shopdesk.services.catalog import plu_candidates
from shopdesk.services.payments import PaymentService, SaleResult, Tender
from shopdesk.services.staff_session import StaffSession
from shopdesk.store import till_queries
from shopdesk.store.counter_models import DiscountLimit
from shopdesk.store.database import Database, dbapi_connection
from shopdesk.store.models import (
    CartDraft,
    CartDraftLine,
    Product,
)
from shopdesk.store.types import new_id, quantity_from_db, quantity_to_db, time_to_db, utcnow

MAX_LINE_QUANTITY = Decimal(9999)


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
    def scan(self, actor: StaffSession, till_id: str, code: str, new_line_id: str | None = None) -> CartView:
        """A scanned or typed barcode (or SKU): add the product, or one more of it.

        A code no product has as its barcode that is a GS1 in-store code from a shop scale
        (EAN-13 with a prefix 20–29 that has a layout in the settings) is read by its
        layout: the product with that PLU gets a new line of the weight, count or printed
        price on the label (see :func:`_in_store_line`).

        ``new_line_id`` is the id a new line gets (the one :meth:`preview_scan` showed).
        """
        actor.require(Permission.SELL)
        code = (code or "").strip()
        key = barcode_lookup_key(code)  # refuses mis-scans (wrong check digit) before any lookup
        with self.db.raw_transaction(durable=False) as conn:  # a cart change, not a sale
            # The catalog's own exact lookup, shared with the product picker and search.
            hit = catalog_search.lookup_code(conn, code)
            product = till_queries.product_by_id(conn, hit.product_id) if hit else None
            if product is None and len(key) == 14 and key.startswith("02"):  # an EAN-13 starting with 2
                label = _read_in_store_code(conn, key[1:])
                if label is not None:
                    return _add_in_store_line(conn, actor, till_id, code, label)
            if product is None:
                raise UnknownBarcode(code)
            return self._add_one(conn, actor, till_id, product, code, new_line_id)

    def preview_scan(self, actor: StaffSession, cart: CartView | None, code: str) -> ScanPreview | None:
        """The cart as :meth:`scan` of ``code`` will leave it, worked out from ``cart`` (what
        the till shows) and one indexed read, without writing.

        The till shows this at once and writes it right after with :meth:`commit_scan`,
        whose view is the truth: the write is what costs time in a scan (bench/counter.py).
        None when only :meth:`scan` can tell: no cart shown yet, a code that is not a
        product's barcode (an SKU, a scale label, a mis-scan), an inactive product, or a
        quantity over the limit. Those go through :meth:`scan` and its errors.
        """
        actor.require(Permission.SELL)
        if cart is None:
            return None
        code = (code or "").strip()
        if not code.isprintable():  # scanner control characters: scan() cleans them
            return None
        try:
            key = barcode_lookup_key(code)
        except ShopDeskError:
            return None
        product = till_queries.product_by_barcode_key(self.db.lookup_connection(), key)
        if product is None or not product.active:
            return None
        rows, header = stored_rows(cart)
        same = _line_to_add_to(rows, product)
        if same is not None:
            try:
                quantity = _check_quantity(quantity_from_db(same.quantity_milli) + 1, "piece")
            except ValidationError:
                return None
            line_id = same.id
            rows = [r._replace(quantity_milli=quantity_to_db(quantity)) if r.id == line_id else r for r in rows]
        else:
            line_id = new_id()
            rows.append(_new_line_row(line_id, product, code, len(rows) + 1))
        view = priced_view(cart.cart_id, rows, header, (cart.currency, cart.locale, cart.prices_include_tax),
                           last_line_id=line_id)
        return ScanPreview(code, line_id, view)

    def commit_scan(self, actor: StaffSession, till_id: str, preview: ScanPreview) -> CartView:
        """Write the scan :meth:`preview_scan` showed; the returned view is what was stored."""
        return self.scan(actor, till_id, preview.code, new_line_id=preview.line_id)

    def reserved_stock(self, till_id: str, product_id: str, in_cart: Decimal) -> ReservedStock | None:
        """When selling ``in_cart`` of a product would take units open orders to ship hold at
        the till's location: the figures for a warning (the sale is not refused: the shelf
        may hold more than the books say). None when there is enough free stock."""
        pooled = self.db.engine.raw_connection()
        try:
            conn = pooled.driver_connection
            row = conn.execute(
                "SELECT p.name, t.location_id,"
                "  (SELECT COALESCE(SUM(r.quantity), 0) FROM stock_reservations r"
                "    WHERE r.product_id = p.id AND r.location_id = t.location_id)"
                " FROM products p, tills t WHERE p.id = ? AND t.id = ?", (product_id, till_id)).fetchone()
            if row is None or not row[2]:
                return None
            name, location_id, reserved_milli = row
            (on_hand_milli,) = conn.execute(
                "SELECT COALESCE(SUM(quantity), 0) FROM stock_balances WHERE product_id = ? AND location_id = ?",
                (product_id, location_id)).fetchone()
            on_hand, reserved = quantity_from_db(on_hand_milli), quantity_from_db(reserved_milli)
            if in_cart <= on_hand - reserved:
                return None
            orders = tuple(number for (number,) in conn.execute(
                "SELECT o.number FROM stock_reservations r JOIN orders o ON o.id = r.order_id"
                " WHERE r.product_id = ? AND r.location_id = ? ORDER BY o.number LIMIT 3", (product_id, location_id)))
            return ReservedStock(name, in_cart, on_hand, reserved, orders)
        finally:
            pooled.close()

    def add_product(self, actor: StaffSession, till_id: str, product_id: str, *, suggested: bool = False) -> CartView:
        """A product picked from the search (no barcode at hand) or from the recommendation
        panel (``suggested``: the line and then the sale line are marked, for the attach
        rate): add it, or one more of it."""
        actor.require(Permission.SELL)
        with self.db.raw_transaction(durable=False) as conn:  # a cart change, not a sale
            product = till_queries.product_by_id(conn, product_id)
            if product is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
            return self._add_one(conn, actor, till_id, product, "", suggested=suggested)

    @staticmethod
    def _add_one(conn: sqlite3.Connection, actor: StaffSession, till_id: str,
                 product: till_queries.ProductRow, code: str, new_line_id: str | None = None, *,
                 suggested: bool = False) -> CartView:
        cart_id, rows = _cart_to_add_to(conn, actor, till_id, product)
        same = None if suggested else _line_to_add_to(rows, product)
        if same is not None:
            line_id = same.id
            quantity = _check_quantity(quantity_from_db(same.quantity_milli) + 1, "piece")
            till_queries.set_line_quantity(conn, line_id, quantity_to_db(quantity))
            rows = [r._replace(quantity_milli=quantity_to_db(quantity)) if r.id == line_id else r for r in rows]
        else:
            line_id = new_line_id or new_id()
            position = max((r.position for r in rows), default=0) + 1
            till_queries.insert_cart_line(conn, line_id, cart_id, position, product.id, 1000, product.price, code,
                                          suggested)
            rows.append(_new_line_row(line_id, product, code, position)._replace(suggested=int(suggested)))
        return cart_view(conn, cart_id, rows, last_line_id=line_id)

    def set_quantity(self, actor: StaffSession, till_id: str, line_id: str, quantity: Decimal) -> CartView:
        actor.require(Permission.SELL)
        with self.db.unit_of_work() as s:
            cart_id, unit = self._line_in_open_cart(s, till_id, line_id)
            line = s.get(CartDraftLine, line_id)
            if line.original_line_id is not None or line.quantity < 0:
                # A return's quantity and price were checked against the sale (or approved).
                raise ValidationError("quantity", QT_TRANSLATE_NOOP(
                    "errors", "This is a returned item; remove the line and add the return again to change it."))
            quantity = _check_quantity(quantity, unit)
            if line.discount_kind == "amount" and quantity < line.quantity:
                _check_amount_discount_still_allowed(s, actor, line, quantity)
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
        """Complete the sale in cash (see :class:`PaymentService` for every tender)."""
        return PaymentService(self.db).pay(actor, till_id, [Tender("cash", tendered)])

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
        return cart_view(dbapi_connection(s), cart_id, last_line_id=last_line_id)


def _check_amount_discount_still_allowed(s: Session, actor: StaffSession, line: CartDraftLine,
                                         quantity: Decimal) -> None:
    """Fewer items under the same amount off is a bigger discount: it must stay within the
    person's line limit (else take the discount off, or a manager gives it again)."""
    limit = s.scalar(select(DiscountLimit.line_percent).where(DiscountLimit.role == actor.role.value))
    off = int(line.discount_value or 0)
    if not within_limit(off, line_amount(quantity, line.unit_price), limit if limit is not None else Decimal(0)):
        raise ValidationError("quantity", QT_TRANSLATE_NOOP(
            "errors", "With {quantity} the line's discount would be more than your {limit} % limit. "
                      "Take the discount off first, or ask a manager."),
            quantity=str(quantity), limit=str(limit or 0))


@dataclass(frozen=True)
class ReservedStock:
    """The cart wants units that open orders to ship hold (see :meth:`CheckoutService.reserved_stock`)."""

    name: str
    in_cart: Decimal
    on_hand: Decimal  # at the till's location
    reserved: Decimal  # of that, held by open orders
    orders: tuple[str, ...]  # their numbers (the first few)

    @property
    def free(self) -> Decimal:
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class ScanPreview:
    """A scan shown before it is written (see :meth:`CheckoutService.preview_scan`)."""

    code: str
    line_id: str  # the line it adds, or adds one more to
    view: CartView


def _line_to_add_to(rows: list[till_queries.CartLineRow],
                    product: till_queries.ProductRow) -> till_queries.CartLineRow | None:
    """The line one more of ``product`` goes onto, if any: the same product at the same
    price, never a return line or a weighed scale label."""
    return next((r for r in rows if r.product_id == product.id and r.unit_price == product.price
                 and r.quantity_milli > 0 and r.original_line_id is None
                 and not is_in_store_code(r.scanned_code)), None)


def _new_line_row(line_id: str, product: till_queries.ProductRow, code: str,
                  position: int) -> till_queries.CartLineRow:
    return till_queries.CartLineRow(line_id, product.id, product.sku, product.name, product.unit, 1000,
                                    product.price, product.tax_code, product.tax_percent, position,
                                    scanned_code=code)


def _cart_to_add_to(conn: sqlite3.Connection, actor: StaffSession, till_id: str,
                    product: till_queries.ProductRow) -> tuple[str, list[till_queries.CartLineRow]]:
    """The till's open cart (made now if there is none) and its lines, for adding ``product``."""
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
    return cart_id, till_queries.cart_lines(conn, cart_id)


def _customers_location(conn: sqlite3.Connection) -> str:
    found = till_queries.location_id(conn, "CUSTOMER")
    if found is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No stock location has the code {code}."), code="CUSTOMER")
    return found


# -- in-store codes from shop scales (GS1 prefixes 20–29) ----------------------------------
def _read_in_store_code(conn: sqlite3.Connection, code13: str) -> InStoreCode | None:
    """The code read by its prefix's layout, or None when the prefix has none (check digits
    are validated: a misread weight or price is refused, never sold)."""
    row = conn.execute("SELECT prefix, kind, item_digits, value_digits, value_decimals, price_check_digit"
                       " FROM barcode_layouts WHERE prefix = ?", (code13[:2],)).fetchone()
    if row is None:
        return None
    pricing = till_queries.store_pricing(conn)
    decimals = minor_digits(pricing[0]) if pricing else 2
    return parse_in_store(code13, [Layout(row[0], row[1], row[2], row[3], row[4], bool(row[5]))],
                          currency_decimals=decimals)


def _product_by_plu(conn: sqlite3.Connection, item: str) -> till_queries.ProductRow | None:
    candidates = plu_candidates(item)
    marks = ", ".join("?" * len(candidates))
    row = conn.execute(f"SELECT id FROM products WHERE plu IN ({marks}) ORDER BY active DESC LIMIT 1",
                       candidates).fetchone()
    return till_queries.product_by_id(conn, row[0]) if row else None


def _in_store_line(label: InStoreCode, product: till_queries.ProductRow) -> tuple[Decimal, int]:
    """(quantity, unit price) of the line a scale label adds. THE rule:

    * weight: the weight in the product's unit (kg as printed, g × 1000) at the shelf
      price; a product sold by piece, litre or metre cannot be weighed (refused).
    * count: that many at the shelf price.
    * price: the line amount is the printed price, exactly. Weighed goods (any unit but
      piece) with a shelf price get the quantity printed price ÷ shelf price, rounded half
      up to 3 decimals, at the shelf price - when that quantity × shelf price rounds back
      to the printed price (always so for shelf prices up to 1000 minor units a unit). Otherwise, and
      for goods sold by piece or without a shelf price, the line is 1 at the printed price
      (for weighed goods, stock then goes down by 1 unit: the label does not say more).
    """
    if label.kind == "weight":
        if product.unit == "kg":
            return label.quantity, product.price
        if product.unit == "g":
            return label.quantity * 1000, product.price
        raise ValidationError(
            "barcode", QT_TRANSLATE_NOOP("errors", "{name} is sold by {unit}, but the label {code} gives a weight; "
                                                   "check the product's unit or the scale's PLU."),
            name=product.name, unit=product.unit, code=label.prefix + label.item)
    if label.kind == "count":
        return label.quantity, product.price
    printed = label.price
    if product.unit != "piece" and product.price > 0:
        milli = round_ratio(printed * 1000, product.price)
        quantity = Decimal(milli).scaleb(-3)
        if milli > 0 and line_amount(quantity, product.price) == printed:
            return quantity, product.price
    return Decimal(1), printed


def _add_in_store_line(conn: sqlite3.Connection, actor: StaffSession, till_id: str, code: str,
                       label: InStoreCode) -> CartView:
    """A new line for a scale label: never merged with another line, since each label is
    its own weighed (or priced) item."""
    product = _product_by_plu(conn, label.item)
    if product is None:
        raise UnknownBarcode(code)
    cart_id, rows = _cart_to_add_to(conn, actor, till_id, product)
    quantity, unit_price = _in_store_line(label, product)
    quantity = _check_quantity(quantity, product.unit)
    line_id = new_id()
    position = max((r.position for r in rows), default=0) + 1
    milli = quantity_to_db(quantity)
    till_queries.insert_cart_line(conn, line_id, cart_id, position, product.id, milli, unit_price, code)
    rows.append(till_queries.CartLineRow(
        line_id, product.id, product.sku, product.name, product.unit, milli, unit_price,
        product.tax_code, product.tax_percent, position, scanned_code=code))
    return cart_view(conn, cart_id, rows, last_line_id=line_id)
