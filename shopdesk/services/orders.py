"""Orders to ship: taking them, money against them, cancelling, and reading them back.

An order is created with its lines priced by the cart rule (:func:`price_cart`), its
stock reserved at the location it ships from, and a ``created`` event; payments move it
to ``paid`` when they reach the total. Every state change goes through
:func:`shopdesk.domain.order_flow.next_state` and writes an ``order_events`` row (who,
when, from, to), in the same transaction as the change. Fulfilment (pick, pack, ship,
deliver) is :mod:`shopdesk.services.fulfilment`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, delete, func, or_, select, true
from sqlalchemy.orm import Session

from shopdesk.domain.cart import CartTotals, LineInput, price_cart
from shopdesk.domain.errors import NotFound, StateError, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.order_flow import (
    OPEN_STATES,
    OrderAction,
    OrderState,
    PaymentStanding,
    allowed_actions,
    next_state,
)
from shopdesk.domain.permissions import Permission
from shopdesk.domain.quantity import to_milli
from shopdesk.domain.shipping import Address
from shopdesk.domain.tax import TaxRate as DomainTaxRate
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.documents import next_number
from shopdesk.store.models import Barcode, Location, Product, StoreSettings, TaxRate, User
from shopdesk.store.order_models import Order, OrderEvent, OrderLine, OrderPayment, StockReservation
from shopdesk.store.types import utcnow

MAX_ORDER_LINES = 1000
MAX_QUANTITY = Decimal(99_999)
PAYMENT_METHODS = ("card", "transfer", "cash", "cod", "voucher", "web", "store_credit")
DEFAULT_SHIP_FROM = ("BACK", "FLOOR")  # the back room when the shop has one


# -- what callers hand in ----------------------------------------------------------------------
@dataclass(frozen=True)
class OrderLineDraft:
    """A line to order: the product by id, SKU or barcode; the price is the catalog's unless given."""

    quantity: Decimal
    product_id: str | None = None
    sku: str = ""
    barcode: str = ""
    unit_price: int | None = None
    discount: int = 0  # off the line, in minor units


@dataclass(frozen=True)
class PaymentDraft:
    method: str
    amount: int
    reference: str = ""


@dataclass(frozen=True)
class OrderDraft:
    ship_to: Address
    lines: tuple[OrderLineDraft, ...]
    customer_id: str | None = None
    shipping_method: str = ""
    shipping_charge: int = 0
    cash_on_delivery: bool = False
    note: str = ""
    source: str = "app"  # "app", or the web shop it was imported from
    external_id: str | None = None  # the web shop's own order id (unique per source)
    ship_from: str = ""  # location code; the back room (or the floor) when empty
    payments: tuple[PaymentDraft, ...] = ()  # already taken (e.g. paid on the web shop)


# -- what callers get back -------------------------------------------------------------------
@dataclass(frozen=True)
class OrderLineView:
    line_id: str
    product_id: str
    sku: str
    name: str
    quantity: Decimal
    unit_price: int
    discount: int
    gross: int
    tax: int
    tax_code: str
    picked: Decimal
    packed: Decimal


@dataclass(frozen=True)
class OrderEventView:
    at: datetime
    user: str
    action: str
    from_state: str
    to_state: str
    note: str


@dataclass(frozen=True)
class OrderPaymentView:
    at: datetime
    method: str
    amount: int
    reference: str
    user: str


@dataclass(frozen=True)
class OrderView:
    order_id: str
    number: str
    state: OrderState
    source: str
    external_id: str | None
    customer_id: str | None
    ship_to: Address
    shipping_method: str
    shipping_charge: int
    cash_on_delivery: bool
    note: str
    currency: str
    subtotal: int
    tax_total: int
    grand_total: int
    paid_total: int
    ship_from: str  # location code
    created_at: datetime
    pick_batch: str
    carrier_id: str | None
    service: str
    tracking_number: str
    parcel_type_id: str | None
    weight_g: int
    dimensions_mm: tuple[int, int, int]
    shipped_at: datetime | None
    delivered_at: datetime | None
    lines: tuple[OrderLineView, ...]
    events: tuple[OrderEventView, ...] = ()
    payments: tuple[OrderPaymentView, ...] = ()
    actions: tuple[OrderAction, ...] = field(default_factory=tuple)  # what the viewer may do now

    @property
    def due(self) -> int:
        return self.grand_total - self.paid_total

    @property
    def paid_in_full(self) -> bool:
        return self.paid_total >= self.grand_total


@dataclass(frozen=True)
class OrderQuote:
    subtotal: int  # the lines, in the store's price basis
    tax_total: int
    grand_total: int  # what the customer pays, shipping included


@dataclass(frozen=True)
class OrderSummary:
    order_id: str
    number: str
    state: OrderState
    created_at: datetime
    ship_name: str
    ship_city: str
    ship_country: str
    lines: int
    grand_total: int
    paid_total: int
    cash_on_delivery: bool
    pick_batch: str
    tracking_number: str


# -- the service -------------------------------------------------------------------------------
class OrderService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, actor: StaffSession, draft: OrderDraft) -> OrderView:
        """Take an order: lines priced, stock reserved, the payments given recorded; one transaction."""
        actor.require(Permission.TAKE_ORDERS)
        with self.db.unit_of_work() as s:
            order = create_order(s, actor, draft)
            return self._view(s, order, actor)

    def quote(self, lines: tuple[OrderLineDraft, ...], shipping_charge: int = 0) -> OrderQuote:
        """What an order of these lines will charge (tax on top included), without taking it."""
        if shipping_charge < 0:
            raise ValidationError("shipping_charge", QT_TRANSLATE_NOOP("errors", "The shipping charge cannot be negative."))
        with self.db.reader() as s:
            _products, totals = _priced_lines(s, lines, _store(s).prices_include_tax)
        return OrderQuote(totals.subtotal, totals.tax_total, totals.grand_total + shipping_charge)

    def get(self, actor: StaffSession, order_id: str) -> OrderView:
        with self.db.reader() as s:
            return self._view(s, _order(s, order_id), actor)

    def find(self, actor: StaffSession, text: str) -> OrderView:
        """An order by its number (SO-000012, 12), the web shop's id, or its tracking number."""
        with self.db.reader() as s:
            order_id = find_order_id(s, text)
            if order_id is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "No order has the number or tracking number '{text}'."),
                               text=text.strip())
            return self._view(s, _order(s, order_id), actor)

    def queue(self, actor: StaffSession, states: tuple[OrderState, ...] | None = None, *, search: str = "",
              after_number: str = "", limit: int = 200, ready_to_pick: bool = False) -> list[OrderSummary]:
        """Orders in the given states, oldest number first (fulfilment works first in, first out);
        ``after_number`` pages on. ``search`` matches number, name, city, tracking, web id.
        ``ready_to_pick``: only the orders ``actor`` may pick now (see :func:`_ready_to_pick`)."""
        with self.db.reader() as s:
            lines = (select(func.count(OrderLine.id)).where(OrderLine.order_id == Order.id)
                     .correlate(Order).scalar_subquery())
            query = select(Order, lines).order_by(Order.number).limit(min(max(limit, 1), 1000))
            if states:
                query = query.where(Order.state.in_([OrderState(st).value for st in states]))
            if ready_to_pick:
                query = query.where(_ready_to_pick(actor))
            if after_number:
                query = query.where(Order.number > after_number)
            text = (search or "").strip()
            if text:
                like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                query = query.where(or_(
                    Order.number.like(like, escape="\\"), Order.ship_name.like(like, escape="\\"),
                    Order.ship_city.like(like, escape="\\"), Order.tracking_number == text.upper(),
                    Order.external_id == text))
            return [OrderSummary(o.id, o.number, OrderState(o.state), o.created_at, o.ship_name, o.ship_city,
                                 o.ship_country, n, o.grand_total, o.paid_total, o.cash_on_delivery,
                                 o.pick_batch, o.tracking_number)
                    for o, n in s.execute(query)]

    def counts(self) -> dict[OrderState, int]:
        """How many orders are in each state (the fulfilment window's queue tabs)."""
        with self.db.reader() as s:
            found = dict(s.execute(select(Order.state, func.count()).group_by(Order.state)).all())
        return {state: found.get(state.value, 0) for state in OrderState}

    def count_ready_to_pick(self, actor: StaffSession) -> int:
        """How many orders ``actor`` may pick now (the fulfilment window's first queue)."""
        with self.db.reader() as s:
            return s.scalar(select(func.count()).select_from(Order).where(_ready_to_pick(actor))) or 0

    def record_payment(self, actor: StaffSession, order_id: str, method: str, amount: int,
                       reference: str = "") -> OrderView:
        """Money taken against the order; the order is paid once payments reach its total."""
        actor.require(Permission.TAKE_ORDERS)
        with self.db.unit_of_work() as s:
            order = _order(s, order_id)
            add_payment(s, actor, order, PaymentDraft(method, amount, reference))
            return self._view(s, order, actor)

    def refund(self, actor: StaffSession, order_id: str, amount: int, method: str = "", reference: str = "",
               reason: str = "") -> OrderView:
        """Give money back (not more than was paid); managers. The state does not change."""
        actor.require(Permission.REFUND)
        with self.db.unit_of_work() as s:
            order = _order(s, order_id)
            refund_payments(s, actor, order, amount, method=method, reference=reference, reason=reason)
            return self._view(s, order, actor)

    def cancel(self, actor: StaffSession, order_id: str, reason: str = "") -> OrderView:
        """Cancel an order that has not left: its stock is released and what was paid is
        refunded the way it came (a refund needs the refund permission)."""
        actor.require(Permission.TAKE_ORDERS)
        with self.db.unit_of_work() as s:
            order = _order(s, order_id)
            change_state(s, actor, order, OrderAction.CANCEL, note=reason)
            release_reservations(s, order.id)
            if order.paid_total > 0:
                actor.require(Permission.REFUND)
                refund_payments(s, actor, order, order.paid_total, reason=reason or "cancelled")
            audit.record(s, actor, "order.cancelled", entity_type="order", entity_id=order.id,
                         number=order.number, reason=reason)
            return self._view(s, order, actor)

    def add_note(self, actor: StaffSession, order_id: str, note: str) -> OrderView:
        actor.require(Permission.TAKE_ORDERS)
        text = (note or "").strip()
        if not text:
            raise ValidationError("note", QT_TRANSLATE_NOOP("errors", "Write the note first."))
        with self.db.unit_of_work() as s:
            order = _order(s, order_id)
            s.add(OrderEvent(order_id=order.id, user_id=actor.user_id, action="note", note=text[:2000]))
            return self._view(s, order, actor)

    def mark_reviewed(self, actor: StaffSession | None, order_id: str, note: str = "") -> None:
        """The customer reviewed what they received (see the reviews service)."""
        with self.db.unit_of_work() as s:
            order = _order(s, order_id)
            change_state(s, actor, order, OrderAction.REVIEW, note=note)

    # -- internals -------------------------------------------------------------------------------
    def _view(self, s: Session, order: Order, actor: StaffSession | None) -> OrderView:
        return order_view(s, order, actor)


# -- unit-of-work functions the fulfilment and import services share --------------------------
def create_order(s: Session, actor: StaffSession, draft: OrderDraft) -> Order:
    ship_to = _checked_address(draft.ship_to)
    if not draft.lines:
        raise ValidationError("lines", QT_TRANSLATE_NOOP("errors", "An order needs at least one line."))
    if len(draft.lines) > MAX_ORDER_LINES:
        raise ValidationError("lines", QT_TRANSLATE_NOOP(
            "errors", "An order can have at most {max} lines; split it."), max=MAX_ORDER_LINES)
    if draft.shipping_charge < 0:
        raise ValidationError("shipping_charge", QT_TRANSLATE_NOOP("errors", "The shipping charge cannot be negative."))
    source = (draft.source or "app").strip()[:40] or "app"
    external_id = (draft.external_id or "").strip() or None
    if external_id is not None and s.scalar(select(Order.number).where(
            Order.source == source, Order.external_id == external_id)) is not None:
        raise StateError(QT_TRANSLATE_NOOP("errors", "Order {external_id} from {source} is already here."),
                         external_id=external_id, source=source)
    store = _store(s)
    location = _ship_from(s, draft.ship_from)
    products, totals = _priced_lines(s, draft.lines, store.prices_include_tax)
    order = Order(
        number=next_number(s, "SO"), source=source, external_id=external_id, state=OrderState.CREATED.value,
        customer_id=draft.customer_id or None, ship_name=ship_to.name, ship_company=ship_to.company,
        ship_lines="\n".join(ship_to.lines), ship_city=ship_to.city, ship_postcode=ship_to.postcode,
        ship_region=ship_to.region, ship_country=ship_to.country, ship_phone=ship_to.phone,
        ship_email=ship_to.email, shipping_method=draft.shipping_method.strip()[:80],
        shipping_charge=draft.shipping_charge, cash_on_delivery=draft.cash_on_delivery,
        note=(draft.note or "").strip(), currency=store.currency, subtotal=totals.subtotal,
        tax_total=totals.tax_total, grand_total=totals.grand_total + draft.shipping_charge, paid_total=0,
        location_id=location.id, created_by=actor.user_id,
    )
    s.add(order)
    s.flush()
    for position, (priced, product) in enumerate(zip(totals.lines, products, strict=True), start=1):
        line = OrderLine(order_id=order.id, position=position, product_id=product.id, sku=product.sku,
                         name=product.name, quantity=priced.quantity, unit_price=priced.unit_price,
                         discount=priced.discount, tax_code=priced.tax_code, tax_percent=str(priced.tax_percent),
                         net=priced.net, tax=priced.tax, gross=priced.gross, picked=Decimal(0), packed=Decimal(0))
        s.add(line)
        s.flush()
        s.add(StockReservation(order_line_id=line.id, order_id=order.id, product_id=product.id,
                               location_id=location.id, quantity=priced.quantity))
    s.add(OrderEvent(order_id=order.id, user_id=actor.user_id, action="created", to_state=OrderState.CREATED.value,
                     note=f"{source} {external_id}" if external_id else ""))
    for payment in draft.payments:
        add_payment(s, actor, order, payment)
    s.flush()
    return order


def _store(s: Session) -> StoreSettings:
    store = s.scalar(select(StoreSettings))
    if store is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "This database has no store yet; run the set-up first."))
    return store


def _priced_lines(s: Session, lines: tuple[OrderLineDraft, ...],
                  prices_include_tax: bool) -> tuple[list[Product], CartTotals]:
    """The lines' products and their prices by the cart rule (what the order will charge)."""
    products = [_product_for(s, line, number) for number, line in enumerate(lines, start=1)]
    inputs = []
    for number, (line, product) in enumerate(zip(lines, products, strict=True), start=1):
        quantity = _checked_quantity(line.quantity, product.unit, number)
        price = product.price if line.unit_price is None else line.unit_price
        if price < 0 or line.discount < 0:
            raise ValidationError("lines", QT_TRANSLATE_NOOP(
                "errors", "Line {line}: a price or discount cannot be negative."), line=number)
        inputs.append(LineInput(key=str(number), quantity=quantity, unit_price=price,
                                tax=DomainTaxRate(code=product.tax_rate.code, percent=product.tax_rate.percent),
                                discount=line.discount))
    try:
        return products, price_cart(inputs, prices_include_tax=prices_include_tax)
    except ValidationError as err:  # a discount larger than its line
        raise ValidationError("lines", QT_TRANSLATE_NOOP("errors", "Line {line}: {problem}"),
                              line=err.params.get("key", "?"), problem=err.message) from err


def add_payment(s: Session, actor: StaffSession, order: Order, payment: PaymentDraft) -> None:
    method = (payment.method or "").strip().lower()
    if method not in PAYMENT_METHODS:
        raise ValidationError("method", QT_TRANSLATE_NOOP(
            "errors", "'{method}' is not a way to pay an order; use one of: {methods}."),
            method=payment.method, methods=", ".join(PAYMENT_METHODS))
    if not isinstance(payment.amount, int) or payment.amount <= 0:
        raise ValidationError("amount", QT_TRANSLATE_NOOP("errors", "A payment must be more than zero."))
    if OrderState(order.state) not in OPEN_STATES and not (order.cash_on_delivery and method == "cod"):
        raise StateError(QT_TRANSLATE_NOOP("errors", "Order {number} is {state}; no payment can be taken now."),
                         number=order.number, state=order.state)
    due = order.grand_total - order.paid_total
    if payment.amount > due:
        raise ValidationError("amount", QT_TRANSLATE_NOOP(
            "errors", "Only {due} is due on order {number}; the payment is larger."),
            due=_money(order, due), number=order.number)
    s.add(OrderPayment(order_id=order.id, user_id=actor.user_id, method=method, amount=payment.amount,
                       reference=(payment.reference or "").strip()[:100]))
    order.paid_total += payment.amount
    s.add(OrderEvent(order_id=order.id, user_id=actor.user_id, action="payment",
                     note=f"{method} {_money(order, payment.amount)}"))
    if order.state == OrderState.CREATED.value and order.paid_total >= order.grand_total:
        change_state(s, actor, order, OrderAction.PAY)
    s.flush()


def refund_payments(s: Session, actor: StaffSession, order: Order, amount: int, *, method: str = "",
                    reference: str = "", reason: str = "") -> None:
    """Pay ``amount`` back: to ``method`` when given, else the way it came (latest first)."""
    if not isinstance(amount, int) or amount <= 0:
        raise ValidationError("amount", QT_TRANSLATE_NOOP("errors", "A refund must be more than zero."))
    if amount > order.paid_total:
        raise ValidationError("amount", QT_TRANSLATE_NOOP(
            "errors", "Only {paid} was paid on order {number}; a refund cannot be larger."),
            paid=_money(order, order.paid_total), number=order.number)
    if method:
        parts = [(method.strip().lower(), amount)]
    else:
        by_method: dict[str, int] = {}
        for p in s.scalars(select(OrderPayment).where(OrderPayment.order_id == order.id)
                           .order_by(OrderPayment.at.desc())):
            by_method[p.method] = by_method.get(p.method, 0) + p.amount
        parts, left = [], amount
        for m, net in by_method.items():
            take = min(net, left)
            if take > 0:
                parts.append((m, take))
                left -= take
    for m, part in parts:
        s.add(OrderPayment(order_id=order.id, user_id=actor.user_id, method=m, amount=-part,
                           reference=(reference or "").strip()[:100]))
        s.add(OrderEvent(order_id=order.id, user_id=actor.user_id, action="refund",
                         note=f"{m} {_money(order, part)}" + (f" · {reason}" if reason else "")))
    order.paid_total -= amount
    audit.record(s, actor, "order.refund", entity_type="order", entity_id=order.id, number=order.number,
                 amount=amount, reason=reason)
    s.flush()


def change_state(s: Session, actor: StaffSession | None, order: Order, action: OrderAction, *,
                 note: str = "") -> OrderState:
    """Move the order on by ``action`` (the state machine decides) and write the event."""
    money = PaymentStanding(paid_in_full=order.paid_total >= order.grand_total,
                            cash_on_delivery=order.cash_on_delivery,
                            may_ship_unpaid=bool(actor and actor.can(Permission.SHIP_UNPAID)))
    before = OrderState(order.state)
    after = next_state(before, action, money)
    order.state = after.value
    order.updated_at = utcnow()
    s.add(OrderEvent(order_id=order.id, user_id=actor.user_id if actor else None, action=action.value,
                     from_state=before.value, to_state=after.value, note=(note or "").strip()[:2000]))
    if action in (OrderAction.PICK, OrderAction.SHIP) and not money.paid_in_full and not money.cash_on_delivery:
        audit.record(s, actor, "order.let_go_unpaid", entity_type="order", entity_id=order.id,
                     number=order.number, step=action.value, due=order.grand_total - order.paid_total)
    return after


def _ready_to_pick(actor: StaffSession):
    """The state machine's pick rule (:func:`next_state`, ``OrderAction.PICK``) as a query:
    paid orders, and new ones that are cash on delivery, or any new one for someone who may
    let unpaid orders go."""
    unpaid_ok = true() if actor.can(Permission.SHIP_UNPAID) else Order.cash_on_delivery.is_(True)
    return or_(Order.state == OrderState.PAID.value, and_(Order.state == OrderState.CREATED.value, unpaid_ok))


def release_reservations(s: Session, order_id: str) -> None:
    s.execute(delete(StockReservation).where(StockReservation.order_id == order_id))


def find_order_id(s: Session, text: str) -> str | None:
    raw = (text or "").strip()
    if not raw:
        return None
    number = raw.upper()
    if re.fullmatch(r"\d{1,9}", number):
        number = f"SO-{int(number):06d}"
    elif re.fullmatch(r"SO-?\d{1,9}", number):
        number = f"SO-{int(number.replace('SO', '').lstrip('-')):06d}"
    return s.scalar(select(Order.id).where(or_(
        Order.number == number, Order.tracking_number == number.replace(" ", ""),
        and_(Order.external_id == raw, Order.external_id.is_not(None)))).limit(1))


def order_view(s: Session, order: Order, actor: StaffSession | None) -> OrderView:
    lines = tuple(OrderLineView(
        line.id, line.product_id, line.sku, line.name, line.quantity, line.unit_price, line.discount, line.gross,
        line.tax, line.tax_code, line.picked, line.packed)
        for line in s.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.position)))
    names = dict(s.execute(select(User.id, User.display_name)).all())
    events = tuple(OrderEventView(e.at, names.get(e.user_id, ""), e.action, e.from_state, e.to_state, e.note)
                   for e in s.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)
                                      .order_by(OrderEvent.at, OrderEvent.id)))
    payments = tuple(OrderPaymentView(p.at, p.method, p.amount, p.reference, names.get(p.user_id, ""))
                     for p in s.scalars(select(OrderPayment).where(OrderPayment.order_id == order.id)
                                        .order_by(OrderPayment.at)))
    money = PaymentStanding(paid_in_full=order.paid_total >= order.grand_total,
                            cash_on_delivery=order.cash_on_delivery,
                            may_ship_unpaid=bool(actor and actor.can(Permission.SHIP_UNPAID)))
    location = s.get(Location, order.location_id)
    return OrderView(
        order.id, order.number, OrderState(order.state), order.source, order.external_id, order.customer_id,
        address_of(order), order.shipping_method, order.shipping_charge, order.cash_on_delivery, order.note,
        order.currency, order.subtotal, order.tax_total, order.grand_total, order.paid_total,
        location.code if location else "", order.created_at, order.pick_batch, order.carrier_id, order.service,
        order.tracking_number, order.parcel_type_id, order.weight_g,
        (order.length_mm, order.width_mm, order.height_mm), order.shipped_at, order.delivered_at,
        lines, events, payments, tuple(allowed_actions(OrderState(order.state), money)),
    )


def address_of(order: Order) -> Address:
    return Address(order.ship_name, order.ship_company, tuple(x for x in order.ship_lines.split("\n") if x),
                   order.ship_city, order.ship_postcode, order.ship_region, order.ship_country, order.ship_phone,
                   order.ship_email)


def _order(s: Session, order_id: str) -> Order:
    order = s.get(Order, order_id)
    if order is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "The order no longer exists."))
    return order


def _checked_address(address: Address) -> Address:
    name = (address.name or "").strip()
    if not name:
        raise ValidationError("ship_name", QT_TRANSLATE_NOOP(
            "errors", "The order needs the name of the person it goes to."))
    country = (address.country or "").strip().upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise ValidationError("ship_country", QT_TRANSLATE_NOOP(
            "errors", "The country must be a two-letter code such as GB, DE or US, not '{country}'."),
            country=address.country)
    lines = tuple(line.strip()[:200] for line in address.lines if line and line.strip())
    if len(lines) > 4:
        raise ValidationError("ship_lines", QT_TRANSLATE_NOOP(
            "errors", "An address has at most 4 street lines; join some of them."))
    return Address(name[:200], address.company.strip()[:200], lines, address.city.strip()[:120],
                   address.postcode.strip().upper()[:20], address.region.strip()[:120], country,
                   address.phone.strip()[:40], address.email.strip()[:200])


def _checked_quantity(quantity: Decimal, unit: str, line: int) -> Decimal:
    try:
        quantity = Decimal(str(quantity)) if not isinstance(quantity, Decimal) else quantity
        to_milli(quantity)
    except (ArithmeticError, TypeError, ValueError, ValidationError) as err:
        raise ValidationError("quantity", QT_TRANSLATE_NOOP(
            "errors", "Line {line}: '{quantity}' is not a quantity."), line=line, quantity=quantity) from err
    if not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY:
        raise ValidationError("quantity", QT_TRANSLATE_NOOP(
            "errors", "Line {line}: the quantity must be more than 0 and at most {max}."), line=line, max=MAX_QUANTITY)
    if unit == "piece" and quantity != quantity.to_integral_value():
        raise ValidationError("quantity", QT_TRANSLATE_NOOP(
            "errors", "Line {line}: this product is sold by the piece; order a whole number."), line=line)
    return quantity


def _product_for(s: Session, line: OrderLineDraft, number: int) -> Product:
    product = None
    if line.product_id:
        product = s.get(Product, line.product_id)
    elif line.sku:
        product = s.scalar(select(Product).where(Product.sku == line.sku.strip()))
    elif line.barcode:
        from shopdesk.domain.gtin import barcode_lookup_key

        try:
            key = barcode_lookup_key(line.barcode)
        except ValidationError as err:
            raise ValidationError("lines", QT_TRANSLATE_NOOP("errors", "Line {line}: {problem}"),
                                  line=number, problem=err.message) from err
        product = s.scalar(select(Product).join(Barcode).where(Barcode.lookup_key == key))
    what = line.product_id or line.sku or line.barcode
    if product is None:
        raise ValidationError("lines", QT_TRANSLATE_NOOP(
            "errors", "Line {line}: no product has the SKU or barcode '{code}'."), line=number, code=what)
    if not product.active:
        raise ValidationError("lines", QT_TRANSLATE_NOOP(
            "errors", "Line {line}: {name} is not for sale (inactive in the catalog)."), line=number, name=product.name)
    if s.get(TaxRate, product.tax_rate_id) is None:  # loads the rate for pricing
        raise NotFound(QT_TRANSLATE_NOOP("errors", "The product's tax rate no longer exists."))
    return product


def _ship_from(s: Session, code: str) -> Location:
    codes = (code.strip().upper(),) if code and code.strip() else DEFAULT_SHIP_FROM
    for wanted in codes:
        found = s.scalar(select(Location).where(Location.code == wanted))
        if found is not None and found.kind == "internal":
            return found
    raise ValidationError("ship_from", QT_TRANSLATE_NOOP(
        "errors", "No stock location {code} to ship from; use one of the shop's locations."), code=codes[0])


def _money(order: Order, amount: int) -> str:
    from shopdesk.domain.money import format_money

    return format_money(amount, order.currency)
