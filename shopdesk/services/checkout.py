"""The counter: the cart in progress at a till and completing a sale.

The cart lives in the database (``cart_drafts``) and every change is its own small
transaction, so a till that is killed or loses power comes back with the same cart.
Completing a sale is one transaction: sale, lines, payment, stock movements, balances and
the audit entry land together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from shopdesk.domain.cart import CartTotals, LineInput, price_cart
from shopdesk.domain.errors import NotFound, StateError, UnknownBarcode, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import format_money
from shopdesk.domain.permissions import Permission
from shopdesk.domain.tax import TaxRate as DomainTaxRate
from shopdesk.services import audit, catalog, stock
from shopdesk.services.staff_session import StaffSession
from shopdesk.services.store_settings import load_settings
from shopdesk.store.database import Database
from shopdesk.store.models import (
    CartDraft,
    CartDraftLine,
    Product,
    Sale,
    SaleLine,
    SalePayment,
    TaxRate,
    Till,
)
from shopdesk.store.types import new_id, utcnow

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
        with self.db.unit_of_work() as s:
            product = catalog.find_by_code(s, code)
            if product is None:
                raise UnknownBarcode(code)
            if not product.active:
                raise StateError(
                    QT_TRANSLATE_NOOP("errors", "{name} is not for sale (inactive in the catalog)."),
                    name=product.name,
                )
            cart_id = self._open_cart_id(s, till_id) or self._new_cart(s, till_id, actor)
            existing = s.execute(
                select(CartDraftLine.id, CartDraftLine.quantity).where(
                    CartDraftLine.cart_id == cart_id,
                    CartDraftLine.product_id == product.product_id,
                    CartDraftLine.unit_price == product.price,
                )
            ).first()
            if existing is not None:
                line_id = existing.id
                quantity = _check_quantity(existing.quantity + 1, "piece")
                s.execute(update(CartDraftLine).where(CartDraftLine.id == line_id).values(quantity=quantity))
            else:
                line_id = new_id()
                position = s.scalar(
                    select(func.coalesce(func.max(CartDraftLine.position), 0)).where(CartDraftLine.cart_id == cart_id)
                )
                s.execute(CartDraftLine.__table__.insert().values(
                    id=line_id, cart_id=cart_id, position=position + 1, product_id=product.product_id,
                    quantity=Decimal(1), unit_price=product.price, scanned_code=code,
                ))
            self._touch(s, cart_id)
            return self._view(s, cart_id, last_line_id=line_id)

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
        with self.db.unit_of_work() as s:
            cart_id = self._open_cart_id(s, till_id)
            view = self._view(s, cart_id)
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
            till = s.get(Till, till_id)
            till.last_receipt_no += 1
            receipt_number = f"{till.code}-{till.last_receipt_no:06d}"
            now = utcnow()
            sale_id = new_id()
            totals = view.totals
            s.execute(Sale.__table__.insert().values(
                id=sale_id, receipt_number=receipt_number, till_id=till_id, user_id=actor.user_id,
                currency=view.currency, prices_include_tax=view.prices_include_tax,
                net_total=totals.net_total, tax_total=totals.tax_total, grand_total=total,
                created_at=now, completed_at=now,
            ))
            priced = {p.key: p for p in totals.lines}
            s.execute(SaleLine.__table__.insert(), [
                {
                    "id": new_id(), "sale_id": sale_id, "line_no": n, "product_id": line.product_id,
                    "description": line.name, "quantity": line.quantity, "unit_price": line.unit_price,
                    "discount": priced[line.line_id].discount, "tax_code": line.tax_code,
                    "tax_percent": line.tax_percent,
                    "net": priced[line.line_id].net, "tax": priced[line.line_id].tax,
                    "gross": priced[line.line_id].gross,
                }
                for n, line in enumerate(view.lines, start=1)
            ])
            change = tendered - total
            s.execute(SalePayment.__table__.insert().values(
                id=new_id(), sale_id=sale_id, tender="cash", amount=total, tendered=tendered,
                change=change, created_at=now,
            ))
            customers = stock.location_id(s, "CUSTOMER")
            stock.post_movements(
                s,
                [stock.Move(line.product_id, line.quantity, till.location_id, customers) for line in view.lines],
                reason="sale", document_type="sale", document_id=sale_id, user_id=actor.user_id,
            )
            audit.record(s, actor, "sale.completed", entity_type="sale", entity_id=sale_id,
                         receipt_number=receipt_number, total=total, tender="cash")
            s.execute(delete(CartDraftLine).where(CartDraftLine.cart_id == cart_id))
            s.execute(delete(CartDraft).where(CartDraft.id == cart_id))
        return SaleResult(sale_id, receipt_number, total, tendered, change, view.currency)

    # -- internals -------------------------------------------------------------------------
    @staticmethod
    def _open_cart_id(s: Session, till_id: str) -> str | None:
        return s.scalar(select(CartDraft.id).where(CartDraft.till_id == till_id, CartDraft.status == "open"))

    @staticmethod
    def _new_cart(s: Session, till_id: str, actor: StaffSession) -> str:
        if s.get(Till, till_id) is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "This till is not known to the store."))
        cart_id = new_id()
        now = utcnow()
        s.execute(CartDraft.__table__.insert().values(
            id=cart_id, till_id=till_id, user_id=actor.user_id, status="open", created_at=now, updated_at=now,
        ))
        return cart_id

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
        settings = load_settings(s)
        rows = s.execute(_LINES_QUERY.where(CartDraftLine.cart_id == cart_id)).all() if cart_id else []
        lines_in = []
        for r in rows:
            lines_in.append(LineInput(key=r.id, quantity=r.quantity, unit_price=r.unit_price,
                                      tax=DomainTaxRate(code=r.code, percent=r.percent)))
        totals = price_cart(lines_in, prices_include_tax=settings.prices_include_tax)
        amounts = {p.key: p.amount for p in totals.lines}
        lines = tuple(
            CartLineView(r.id, r.product_id, r.sku, r.name, r.unit, r.quantity, r.unit_price, amounts[r.id],
                         r.code, r.percent)
            for r in rows
        )
        return CartView(cart_id, lines, totals, settings.currency, settings.locale,
                        settings.prices_include_tax, last_line_id)
