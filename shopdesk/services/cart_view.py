"""The cart as the till shows it: lines priced with their discounts (own and a share of the
cart's), tax by the one rule, totals. Read inside the caller's transaction."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.domain.cart import CartTotals, LineInput, price_cart
from shopdesk.domain.discounts import Discount, share_cart_discount
from shopdesk.domain.errors import NotFound
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import round_ratio
from shopdesk.domain.tax import TaxRate as DomainTaxRate
from shopdesk.store import till_queries
from shopdesk.store.types import quantity_from_db, quantity_to_db


@dataclass(frozen=True)
class CartLineView:
    line_id: str
    product_id: str
    sku: str
    name: str
    unit: str
    quantity: Decimal
    unit_price: int
    amount: int  # line total in the store's price basis, after all discounts
    tax_code: str
    tax_percent: Decimal
    discount: int = 0  # everything taken off this line: its own discount plus its share of the cart's
    line_discount: int = 0  # its own discount only
    discount_kind: str = ""  # how its own discount was given: "", "percent", "amount"
    discount_value: Decimal | None = None
    original_line_id: str | None = None  # a return line: the sale line it gives back
    return_location_code: str = ""
    scanned_code: str = ""  # the code read at the till ("" when picked from the search)
    suggested: bool = False  # added from the recommendation panel

    @property
    def is_return(self) -> bool:
        return self.quantity < 0


@dataclass(frozen=True)
class CartView:
    cart_id: str | None
    lines: tuple[CartLineView, ...]
    totals: CartTotals
    currency: str
    locale: str
    prices_include_tax: bool
    last_line_id: str | None = None  # the line the last action touched, for the GUI to select
    customer_id: str | None = None
    note: str = ""
    cart_discount: int = 0  # the cart discount in minor units (already inside the lines' discounts)
    discount_kind: str = ""
    discount_value: Decimal | None = None
    original_sale_id: str | None = None  # a return or exchange against this sale

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def total(self) -> int:
        return self.totals.grand_total



def cart_view(conn: sqlite3.Connection, cart_id: str | None, rows: list | None = None,
              last_line_id: str | None = None) -> CartView:
    """Price the cart's lines (read from the database unless given) for display and payment."""
    pricing = till_queries.store_pricing(conn)
    if pricing is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "This database has no store yet; run the set-up first."))
    if rows is None:
        rows = till_queries.cart_lines(conn, cart_id)
    return priced_view(cart_id, rows, till_queries.cart_header(conn, cart_id), pricing, last_line_id)


def priced_view(cart_id: str | None, rows: list[till_queries.CartLineRow], header: till_queries.CartHeader | None,
                pricing: tuple[str, str, bool], last_line_id: str | None = None) -> CartView:
    """The cart priced from its stored rows, without the database (see :func:`cart_view`)."""
    currency, locale, prices_include_tax = pricing
    own: list[int] = []
    after_own: list[int] = []
    for r in rows:
        base = round_ratio(r.quantity_milli * r.unit_price, 1000)  # line_amount, from stored thousandths
        off = Discount(r.discount_kind, Decimal(r.discount_value)).amount_off(base) if r.discount_kind else 0
        own.append(off)
        after_own.append(base - off if base >= 0 else base + off)
    cart_off = 0
    if header is not None and header.discount_kind:
        cart_off = Discount(header.discount_kind, Decimal(header.discount_value)).amount_off(
            sum(a for a in after_own if a > 0), "cart_discount")
    shares = share_cart_discount(cart_off, after_own)
    lines = []
    inputs = []
    rates: dict[tuple[str, str], DomainTaxRate] = {}  # a cart has a rate or two, not one per line
    for r, off, share in zip(rows, own, shares, strict=True):
        quantity = quantity_from_db(r.quantity_milli)
        rate = rates.get((r.tax_code, r.tax_percent))
        if rate is None:
            rate = rates[(r.tax_code, r.tax_percent)] = DomainTaxRate(code=r.tax_code, percent=Decimal(r.tax_percent))
        percent = rate.percent
        inputs.append(LineInput(key=r.id, quantity=quantity, unit_price=r.unit_price, tax=rate, discount=off + share))
        lines.append((r, quantity, percent, off, share))
    totals = price_cart(inputs, prices_include_tax=prices_include_tax)
    amounts = {p.key: p.amount for p in totals.lines}
    return CartView(
        cart_id,
        tuple(CartLineView(r.id, r.product_id, r.sku, r.name, r.unit, quantity, r.unit_price, amounts[r.id],
                           r.tax_code, percent, off + share, off, r.discount_kind,
                           Decimal(r.discount_value) if r.discount_value is not None else None,
                           r.original_line_id, r.return_location_code, r.scanned_code, bool(r.suggested))
              for r, quantity, percent, off, share in lines),
        totals, currency, locale, prices_include_tax, last_line_id,
        customer_id=header.customer_id if header else None, note=header.note if header else "",
        cart_discount=cart_off, discount_kind=header.discount_kind if header else "",
        discount_value=Decimal(header.discount_value) if header and header.discount_value is not None else None,
        original_sale_id=header.original_sale_id if header else None,
    )


def stored_rows(view: CartView) -> tuple[list[till_queries.CartLineRow], till_queries.CartHeader | None]:
    """The rows and header a view was priced from (the inverse of :func:`priced_view`), so
    a change can be priced ahead of its write."""
    rows = [till_queries.CartLineRow(
        line.line_id, line.product_id, line.sku, line.name, line.unit, quantity_to_db(line.quantity),
        line.unit_price, line.tax_code, str(line.tax_percent), position, line.discount_kind,
        str(line.discount_value) if line.discount_value is not None else None, line.original_line_id,
        line.return_location_code, line.scanned_code, int(line.suggested))
        for position, line in enumerate(view.lines, start=1)]
    header = None
    if view.cart_id is not None:
        header = till_queries.CartHeader(
            view.cart_id, view.customer_id, view.discount_kind,
            str(view.discount_value) if view.discount_value is not None else None, view.note,
            view.original_sale_id)
    return rows, header
