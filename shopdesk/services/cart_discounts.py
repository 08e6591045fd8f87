"""Line discounts, the cart discount and price overrides at the counter, within the limits
each role may give on its own (``discount_limits``), with a second person's approval above.

How much a change takes off is compared, in money and exactly, with what the limit takes
off (see :func:`allows`: the limit's percent of the base, rounded by the one rule of
:mod:`shopdesk.domain.discounts`, so a 5 % discount is always within a 5 % limit):

- a line: what comes off the line over ``quantity × unit price``. When the line's price was
  overridden *below* the product's shelf price, the difference counts too and the base is
  the shelf price, so an override and a discount cannot be stacked past a limit.
- the cart: the cart discount over the lines it is shared on (the sale lines after their own
  discounts; return lines take no share).
- a price override below the shelf price is that line reduction (line limit) and needs the
  PRICE_OVERRIDE permission; a price at or above the shelf price needs nobody's approval.

When the actor's limit is not enough, :class:`ApprovalRequired` says by how much; the call
is then repeated with an ``approver``: another active person (a :class:`StaffSession` from
:meth:`AuthService.login_pin`) whose own limit and permissions cover it. Taking a discount
off needs no approval. Every change is audited with the actor and, when one was needed, the
approver. Each call is one raw transaction, like the rest of the cart (see checkout.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopdesk.domain.cart import line_amount
from shopdesk.domain.discounts import AMOUNT, PERCENT, Discount, check_discount, within_limit
from shopdesk.domain.errors import (
    NotFound,
    PermissionDenied,
    ShopDeskError,
    StateError,
    ValidationError,
)
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission, Role, role_allows
from shopdesk.services import audit
from shopdesk.services.cart_view import CartView, cart_view
from shopdesk.services.staff_session import StaffSession
from shopdesk.store import till_queries
from shopdesk.store.database import Database
from shopdesk.store.types import quantity_from_db, time_to_db, utcnow

LINE, CART = "line", "cart"
__all__ = ["AMOUNT", "CART", "LINE", "PERCENT", "ApprovalRequired", "CartDiscountService", "Discount",
           "allows", "needed_percent", "shown_percent"]


class ApprovalRequired(ShopDeskError):
    """The discount is more than the actor (or the approver given) may give.

    ``percent`` is how big the discount is (as typed, or its exact share rounded up to 2
    decimals), ``needed_percent`` the smallest limit that covers it (see :func:`allows`),
    ``limit_percent`` the limit of the person refused, ``scope`` "line" or "cart",
    ``permission`` a permission the approver must also have (price overrides), and
    ``approver_refused`` tells that an approver was given and was not enough.
    """

    def __init__(self, template: str, /, *, needed_percent: Decimal, limit_percent: Decimal, scope: str,
                 percent: Decimal, permission: Permission | None = None, approver_refused: bool = False,
                 **params: Any) -> None:
        self.needed_percent = needed_percent
        self.limit_percent = limit_percent
        self.percent = percent
        self.scope = scope
        self.permission = permission
        self.approver_refused = approver_refused
        super().__init__(template, percent=_show_percent(percent), needed=_show_percent(needed_percent),
                         limit=_show_percent(limit_percent), **params)


def allows(off: int, base: int, limit_percent: Decimal) -> bool:
    """True when ``off`` is no more than the limit takes off ``base``: exactly
    (:func:`within_limit`), or as the limit's percent rounds by the one rule (so 5 % of
    5.99 = 0.2995 → 0.30 is within a 5 % limit, whichever way it was typed)."""
    if within_limit(off, base, limit_percent):
        return True
    return off <= Discount(PERCENT, Decimal(limit_percent)).amount_off(base)


def needed_percent(off: int, base: int) -> Decimal:
    """The smallest limit, in hundredths of a percent, that :func:`allows` ``off`` on ``base``."""
    if base == 0 or off <= 0:
        return Decimal(0)
    # round(base × h / 10000) ≥ off  ⇔  h ≥ (2·off − 1) × 5000 / base  (ceiling)
    hundredths = -(-((2 * off - 1) * 5000) // abs(base))
    return Decimal(min(hundredths, 10_000)) / 100


def shown_percent(off: int, base: int) -> Decimal:
    """How big a discount is, for people: its exact percent rounded up to 2 decimals."""
    if base == 0:
        return Decimal(0)
    return Decimal(-(-(off * 10_000) // abs(base))) / 100


def _show_percent(value: Decimal) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class _Line:
    id: str
    cart_id: str
    product_id: str
    quantity: Decimal
    unit_price: int
    shelf_price: int
    discount: Discount | None
    is_return: bool


_LINE_SQL = """
SELECT l.id, l.cart_id, l.product_id, l.quantity, l.unit_price, p.price, l.discount_kind, l.discount_value,
       l.original_line_id
  FROM cart_draft_lines l
  JOIN cart_drafts c ON c.id = l.cart_id
  JOIN products p ON p.id = l.product_id
 WHERE l.id = ? AND c.till_id = ? AND c.status = 'open'"""


def _stored(discount: Discount | None) -> tuple[str, str | None]:
    return ("", None) if discount is None else (discount.kind, str(discount.value))


def _from_stored(kind: str, value: str | None) -> Discount | None:
    return Discount(kind, Decimal(value)) if kind and value is not None else None


def _describe(discount: Discount | None) -> str:
    if discount is None:
        return ""
    return f"{_show_percent(discount.value)} %" if discount.kind == PERCENT else str(int(discount.value))


def _reduction(line: _Line, unit_price: int, discount: Discount | None) -> tuple[int, int]:
    """(what comes off, base) for the line at ``unit_price`` with its own ``discount``."""
    current = line_amount(line.quantity, unit_price)
    base = line_amount(line.quantity, max(unit_price, line.shelf_price))
    own = discount.amount_off(current) if discount is not None else 0
    return base - current + own, base


class CartDiscountService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading -------------------------------------------------------------------------
    def limits(self, role: Role | str) -> tuple[Decimal, Decimal]:
        """(line percent, cart percent) the role may give without anybody's approval."""
        with self.db.raw_reader() as conn:
            return _limits(conn, Role(role))

    # -- changing --------------------------------------------------------------------------
    def set_line_discount(self, actor: StaffSession, till_id: str, line_id: str, discount: Discount | None,
                          approver: StaffSession | None = None, reason: str = "") -> CartView:
        """Give (or with ``None`` take off) the line's own discount, a percent or an amount."""
        actor.require(Permission.SELL)
        discount = _checked(discount, "line_discount")
        with self.db.raw_transaction() as conn:
            line = _line(conn, till_id, line_id)
            if line.is_return:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "A return line gives back what was paid; it cannot take a discount."))
            approved_by = None
            off = 0
            if discount is not None:
                off, base = _reduction(line, line.unit_price, discount)
                approved_by = _authorise(conn, actor, approver, off, base, LINE, typed=discount)
            kind, value = _stored(discount)
            conn.execute("UPDATE cart_draft_lines SET discount_kind = ?, discount_value = ? WHERE id = ?",
                         (kind, value, line_id))
            audit.record(conn, actor, "cart.line_discount", entity_type="cart", entity_id=line.cart_id,
                         approved_by=approved_by, line_id=line_id, product_id=line.product_id,
                         old=_describe(line.discount), old_kind=line.discount.kind if line.discount else "",
                         old_value=line.discount.value if line.discount else None,
                         new=_describe(discount), new_kind=kind, new_value=value,
                         amount=(discount.amount_off(line_amount(line.quantity, line.unit_price))
                                 if discount else 0),
                         reduction=off, reason=reason)
            return _finish(conn, till_id, line.cart_id, line_id)

    def set_cart_discount(self, actor: StaffSession, till_id: str, discount: Discount | None,
                          approver: StaffSession | None = None, reason: str = "") -> CartView:
        """Give (or with ``None`` take off) a discount on the whole cart, shared over its lines."""
        actor.require(Permission.SELL)
        discount = _checked(discount, "cart_discount")
        with self.db.raw_transaction() as conn:
            cart_id = till_queries.open_cart_id(conn, till_id)
            header = till_queries.cart_header(conn, cart_id)
            if header is None:
                if discount is None:
                    return cart_view(conn, None)
                raise StateError(QT_TRANSLATE_NOOP("errors", "The cart is empty: scan an item first."))
            old = _from_stored(header.discount_kind, header.discount_value)
            approved_by = None
            off = 0
            if discount is not None:
                base = _cart_base(conn, cart_id)
                if base <= 0:
                    raise StateError(QT_TRANSLATE_NOOP(
                        "errors", "Nothing in the cart can take a discount (only returns or free items)."))
                off = discount.amount_off(base, "cart_discount")
                approved_by = _authorise(conn, actor, approver, off, base, CART, typed=discount)
            kind, value = _stored(discount)
            conn.execute("UPDATE cart_drafts SET discount_kind = ?, discount_value = ? WHERE id = ?",
                         (kind, value, cart_id))
            audit.record(conn, actor, "cart.cart_discount", entity_type="cart", entity_id=cart_id,
                         approved_by=approved_by, old=_describe(old), old_kind=old.kind if old else "",
                         old_value=old.value if old else None, new=_describe(discount), new_kind=kind,
                         new_value=value, amount=off, reason=reason)
            return _finish(conn, till_id, cart_id, None)

    def override_price(self, actor: StaffSession, till_id: str, line_id: str, unit_price: int,
                       approver: StaffSession | None = None, reason: str = "") -> CartView:
        """Sell a line at another unit price.

        At or above the shelf price anyone selling may do it (audited). Below it the
        difference is a discount on the line: it needs PRICE_OVERRIDE and the line limit,
        the actor's or an approver's.
        """
        actor.require(Permission.SELL)
        if isinstance(unit_price, bool) or not isinstance(unit_price, int):
            raise ValidationError("unit_price", QT_TRANSLATE_NOOP("errors", "A price is a whole number of cents."))
        if unit_price < 0:
            raise ValidationError("unit_price", QT_TRANSLATE_NOOP("errors", "A price cannot be negative."))
        with self.db.raw_transaction() as conn:
            line = _line(conn, till_id, line_id)
            if line.is_return:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "A return line gives back what was paid; its price cannot be changed."))
            approved_by = None
            off = 0
            if unit_price < line.shelf_price:
                off, base = _reduction(line, unit_price, line.discount)
                approved_by = _authorise(conn, actor, approver, off, base, LINE,
                                         permission=Permission.PRICE_OVERRIDE)
            conn.execute("UPDATE cart_draft_lines SET unit_price = ? WHERE id = ?", (unit_price, line_id))
            audit.record(conn, actor, "cart.price_override", entity_type="cart", entity_id=line.cart_id,
                         approved_by=approved_by, line_id=line_id, product_id=line.product_id,
                         old_price=line.unit_price, new_price=unit_price, shelf_price=line.shelf_price,
                         reduction=off, reason=reason)
            return _finish(conn, till_id, line.cart_id, line_id)


# -- internals ------------------------------------------------------------------------------
def _checked(discount: Discount | None, field: str) -> Discount | None:
    """A valid discount, or None for "no discount" (also a zero one)."""
    if discount is None:
        return None
    discount = check_discount(discount, field)
    return None if discount.value == 0 else discount


def _limits(conn: sqlite3.Connection, role: Role) -> tuple[Decimal, Decimal]:
    row = conn.execute("SELECT line_percent, cart_percent FROM discount_limits WHERE role = ?",
                       (role.value,)).fetchone()
    return (Decimal(row[0]), Decimal(row[1])) if row else (Decimal(0), Decimal(0))


def _line(conn: sqlite3.Connection, till_id: str, line_id: str) -> _Line:
    row = conn.execute(_LINE_SQL, (line_id, till_id)).fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That line is no longer in the cart."))
    lid, cart_id, product_id, milli, unit_price, shelf, kind, value, original = row
    return _Line(lid, cart_id, product_id, quantity_from_db(milli), unit_price, shelf, _from_stored(kind, value),
                 milli < 0 or original is not None)


def _cart_base(conn: sqlite3.Connection, cart_id: str) -> int:
    """What a cart discount is shared over: the sale lines after their own discounts."""
    total = 0
    for r in till_queries.cart_lines(conn, cart_id):
        amount = line_amount(quantity_from_db(r.quantity_milli), r.unit_price)
        own = _from_stored(r.discount_kind, r.discount_value)
        after = amount - (own.amount_off(amount) if own else 0) if amount >= 0 else amount
        total += max(after, 0)
    return total


def _authorise(conn: sqlite3.Connection, actor: StaffSession, approver: StaffSession | None, off: int, base: int,
               scope: str, *, typed: Discount | None = None,
               permission: Permission | None = None) -> StaffSession | None:
    """None when the actor may do it alone; the approver when theirs was needed and enough.

    ``typed`` is the discount as given, to name its percent as typed in messages."""
    line_limit, cart_limit = _limits(conn, actor.role)
    limit = line_limit if scope == LINE else cart_limit
    allowed = permission is None or actor.can(permission)
    if allowed and allows(off, base, limit):
        return None
    needed = needed_percent(off, base)
    percent = shown_percent(off, base)
    if typed is not None and typed.kind == PERCENT and typed.amount_off(base) == off:
        percent = typed.value
    facts = {"needed_percent": needed, "percent": percent, "scope": scope, "permission": permission}
    if approver is None:
        if not allowed:
            raise ApprovalRequired(
                QT_TRANSLATE_NOOP("errors", "{name} may not lower a price ({percent} % off). "
                                            "A manager's PIN is needed."),
                limit_percent=Decimal(0), name=actor.display_name, **facts)
        template = (QT_TRANSLATE_NOOP("errors", "{percent} % off the line is more than the {limit} % {name} may "
                                                "give. A manager's PIN is needed.") if scope == LINE else
                    QT_TRANSLATE_NOOP("errors", "{percent} % off the cart is more than the {limit} % {name} may "
                                                "give. A manager's PIN is needed."))
        raise ApprovalRequired(template, limit_percent=limit, name=actor.display_name, **facts)
    role = _approver_role(conn, actor, approver)
    if permission is not None and not role_allows(role, permission):
        raise PermissionDenied(QT_TRANSLATE_NOOP("errors", "{name} ({role}) may not approve a lower price."),
                               name=approver.display_name, role=role.value)
    approver_line, approver_cart = _limits(conn, role)
    approver_limit = approver_line if scope == LINE else approver_cart
    if not allows(off, base, approver_limit):
        raise ApprovalRequired(
            QT_TRANSLATE_NOOP("errors", "{name} may approve at most {limit} % off; this is {percent} %. "
                                        "Ask someone with a higher limit."),
            limit_percent=approver_limit, approver_refused=True, name=approver.display_name, **facts)
    return approver


def _approver_role(conn: sqlite3.Connection, actor: StaffSession, approver: StaffSession) -> Role:
    """The approver's role as stored now: another person, still active."""
    if approver.user_id == actor.user_id:
        raise PermissionDenied(QT_TRANSLATE_NOOP(
            "errors", "Nobody can approve their own discount; another person must type their PIN."))
    row = conn.execute("SELECT role, active FROM users WHERE id = ?", (approver.user_id,)).fetchone()
    if row is None or not row[1]:
        raise PermissionDenied(QT_TRANSLATE_NOOP("errors", "{name} is no longer an active member of staff."),
                               name=approver.display_name)
    return Role(row[0])


def _finish(conn: sqlite3.Connection, till_id: str, cart_id: str, line_id: str | None) -> CartView:
    """Mark the cart changed and price it (inside the transaction: a discount that no longer
    fits, e.g. a cart amount larger than what is left, undoes the whole change)."""
    till_queries.touch_open_cart(conn, till_id, time_to_db(utcnow()))
    return cart_view(conn, cart_id, last_line_id=line_id)
