"""The life of an order to ship, as an explicit state machine.

    created ──pay──▶ paid ──pick──▶ picked ──pack──▶ packed ──ship──▶ shipped ──deliver──▶ delivered ──review──▶ reviewed
       │               │               │               │                 │                     │
       └───────────────┴──cancel───────┴───────────────┘                 └──────return─────────┴──▶ returned

* ``pay`` is taken when payments reach the order's total (part payments leave it created).
* An unpaid order may be picked and packed when it is cash on delivery, or by someone who
  may ship unpaid orders (a manager); it may be shipped only then, too.
* Packing needs picking first; shipping needs packing first.
* Cancelling is possible until the parcel leaves; after that the way back is a return.

:func:`next_state` is the one place these rules live: services call it before changing an
order and show its refusal as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shopdesk.domain.errors import StateError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP


class OrderState(StrEnum):
    CREATED = "created"
    PAID = "paid"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    REVIEWED = "reviewed"
    CANCELLED = "cancelled"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


class OrderAction(StrEnum):
    PAY = "pay"
    PICK = "pick"
    PACK = "pack"
    SHIP = "ship"
    DELIVER = "deliver"
    REVIEW = "review"
    CANCEL = "cancel"
    RETURN = "return"


STATE_LABELS = {
    OrderState.CREATED: QT_TRANSLATE_NOOP("orders", "Created"),
    OrderState.PAID: QT_TRANSLATE_NOOP("orders", "Paid"),
    OrderState.PICKED: QT_TRANSLATE_NOOP("orders", "Picked"),
    OrderState.PACKED: QT_TRANSLATE_NOOP("orders", "Packed"),
    OrderState.SHIPPED: QT_TRANSLATE_NOOP("orders", "Shipped"),
    OrderState.DELIVERED: QT_TRANSLATE_NOOP("orders", "Delivered"),
    OrderState.REVIEWED: QT_TRANSLATE_NOOP("orders", "Reviewed"),
    OrderState.CANCELLED: QT_TRANSLATE_NOOP("orders", "Cancelled"),
    OrderState.RETURNED: QT_TRANSLATE_NOOP("orders", "Returned"),
}

#: States in which an order holds (reserves) its stock: it has not left the shop.
OPEN_STATES = frozenset({OrderState.CREATED, OrderState.PAID, OrderState.PICKED, OrderState.PACKED})
#: States after the parcel left: its stock went to the customer.
GONE_STATES = frozenset({OrderState.SHIPPED, OrderState.DELIVERED, OrderState.REVIEWED})

_MOVES: dict[tuple[OrderState, OrderAction], OrderState] = {
    (OrderState.CREATED, OrderAction.PAY): OrderState.PAID,
    (OrderState.CREATED, OrderAction.PICK): OrderState.PICKED,  # cash on delivery / allowed unpaid
    (OrderState.PAID, OrderAction.PICK): OrderState.PICKED,
    (OrderState.PICKED, OrderAction.PACK): OrderState.PACKED,
    (OrderState.PACKED, OrderAction.SHIP): OrderState.SHIPPED,
    (OrderState.SHIPPED, OrderAction.DELIVER): OrderState.DELIVERED,
    (OrderState.DELIVERED, OrderAction.REVIEW): OrderState.REVIEWED,
    **{(state, OrderAction.CANCEL): OrderState.CANCELLED for state in OPEN_STATES},
    **{(state, OrderAction.RETURN): OrderState.RETURNED for state in GONE_STATES},
}


@dataclass(frozen=True)
class PaymentStanding:
    """What the state machine needs to know about the money."""

    paid_in_full: bool
    cash_on_delivery: bool = False
    may_ship_unpaid: bool = False  # the person acting holds the permission

    @property
    def may_go_unpaid(self) -> bool:
        return self.paid_in_full or self.cash_on_delivery or self.may_ship_unpaid


def allowed_actions(state: OrderState, money: PaymentStanding) -> list[OrderAction]:
    """What can be done to an order now (for the buttons a window offers)."""
    found = []
    for action in OrderAction:
        try:
            next_state(state, action, money)
        except StateError:
            continue
        found.append(action)
    return found


def next_state(state: OrderState | str, action: OrderAction | str, money: PaymentStanding) -> OrderState:
    """The state ``action`` leads to, or a StateError that says why it is not allowed."""
    state, action = OrderState(state), OrderAction(action)
    target = _MOVES.get((state, action))
    if target is None:
        raise StateError(_refusal(state, action), state=state.value, action=action.value)
    if action is OrderAction.PAY and not money.paid_in_full:
        raise StateError(QT_TRANSLATE_NOOP(
            "errors", "The order is not paid in full yet; record the rest of the payment first."))
    if action is OrderAction.PICK and state is OrderState.CREATED and not money.may_go_unpaid:
        raise StateError(QT_TRANSLATE_NOOP(
            "errors", "The order is not paid. Record the payment first, or mark it cash on delivery; "
                      "a manager may let an unpaid order go."))
    if action is OrderAction.SHIP and not money.may_go_unpaid:
        raise StateError(QT_TRANSLATE_NOOP(
            "errors", "The order is not paid, so it cannot be shipped. Record the payment, mark it cash on "
                      "delivery, or ask a manager, who may ship unpaid orders."))
    return target


def _refusal(state: OrderState, action: OrderAction) -> str:
    if action is OrderAction.CANCEL and state in GONE_STATES:
        return QT_TRANSLATE_NOOP("errors", "The order has been shipped and cannot be cancelled; "
                                           "record a return when the parcel comes back.")
    if action is OrderAction.CANCEL:
        return QT_TRANSLATE_NOOP("errors", "The order is already {state}; it cannot be cancelled.")
    if action is OrderAction.PACK:
        return QT_TRANSLATE_NOOP("errors", "Only picked orders can be packed; this one is {state}. Pick it first.")
    if action is OrderAction.SHIP:
        return QT_TRANSLATE_NOOP("errors", "Only packed orders can be shipped; this one is {state}. "
                                           "Pick and pack it first.")
    if action is OrderAction.PICK:
        return QT_TRANSLATE_NOOP("errors", "Only new or paid orders can be picked; this one is {state}.")
    if action is OrderAction.DELIVER:
        return QT_TRANSLATE_NOOP("errors", "Only shipped orders can be delivered; this one is {state}.")
    if action is OrderAction.REVIEW:
        return QT_TRANSLATE_NOOP("errors", "Only delivered orders can be reviewed; this one is {state}.")
    if action is OrderAction.RETURN:
        return QT_TRANSLATE_NOOP("errors", "Only orders that were shipped can be returned; this one is {state}. "
                                           "Cancel it instead.")
    return QT_TRANSLATE_NOOP("errors", "The order is {state}; it cannot be paid again.")
