"""Rules of the stockroom that need no database: quantities a clerk may enter, moving-average
cost, reorder suggestions, delivery and count variances.

Quantities are :class:`~decimal.Decimal` units (the store keeps thousandths); costs are
integer minor units per unit.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.quantity import from_milli, to_milli

#: Largest quantity one receipt line, transfer line or count entry may carry. A delivery
#: of ten million of one article is a typo (or a barcode typed into the quantity field).
MAX_LINE_QUANTITY = Decimal(10_000_000)
MAX_ZONE_LENGTH = 32


def checked_quantity(value: Decimal | int, field: str = "quantity", *, allow_zero: bool = False,
                     allow_negative: bool = False) -> Decimal:
    """A quantity from a person or a file, validated: finite, ≤ 3 decimals, not absurd.

    ``allow_negative`` is for count corrections ("I scanned two too many"), never for
    deliveries or transfers.
    """
    if isinstance(value, float):
        value = Decimal(str(value))
    milli = to_milli(value, field)
    if milli < 0 and not allow_negative:
        raise ValidationError(field, QT_TRANSLATE_NOOP(
            "errors", "The quantity cannot be negative ({quantity}). Enter how many there are."),
            quantity=str(value))
    if milli == 0 and not allow_zero:
        raise ValidationError(field, QT_TRANSLATE_NOOP(
            "errors", "The quantity must be more than zero."))
    if abs(milli) > to_milli(MAX_LINE_QUANTITY):
        raise ValidationError(field, QT_TRANSLATE_NOOP(
            "errors", "{quantity} is too large for one line (at most {maximum}). Was a barcode typed into the quantity?"),
            quantity=str(value), maximum=str(MAX_LINE_QUANTITY))
    return from_milli(milli)


def moving_average_cost(on_hand: Decimal, current_cost: int, received: Decimal, unit_cost: int) -> int:
    """Unit cost after receiving ``received`` at ``unit_cost`` onto ``on_hand`` at ``current_cost``.

    Weighted by quantity and rounded half-up to the minor unit. Stock at or below zero
    carries no value to average with (a negative balance is a counting error, not stock
    bought at the old cost), so the new unit cost is the one just paid.
    """
    if received <= 0:
        return current_cost
    if on_hand <= 0:
        return unit_cost
    total = on_hand * current_cost + received * unit_cost
    return int((total / (on_hand + received)).to_integral_value(ROUND_HALF_UP))


def suggested_order_quantity(on_hand: Decimal, reorder_point: Decimal | None, max_stock: Decimal | None,
                             on_order: Decimal = Decimal(0)) -> Decimal:
    """Min/max reordering: once on hand + on order is at or below the reorder point, order
    up to ``max_stock`` (or twice the reorder point when no maximum is set), in whole units.
    """
    if reorder_point is None:
        return Decimal(0)
    position = on_hand + on_order
    if position > reorder_point:
        return Decimal(0)
    target = max_stock if max_stock is not None and max_stock > reorder_point else reorder_point * 2
    return max(Decimal(0), (target - position).to_integral_value(ROUND_CEILING))


class DeliveryStatus(StrEnum):
    NOT_ORDERED = "not_ordered"  # on the delivery, not on the purchase order
    MISSING = "missing"  # ordered, nothing received yet
    SHORT = "short"
    COMPLETE = "complete"
    OVER = "over"


def delivery_status(ordered: Decimal | None, received: Decimal) -> DeliveryStatus:
    """How a receipt line compares with its purchase order line (``ordered`` None: not on it)."""
    if ordered is None:
        return DeliveryStatus.NOT_ORDERED
    if received == 0:
        return DeliveryStatus.MISSING
    if received < ordered:
        return DeliveryStatus.SHORT
    return DeliveryStatus.COMPLETE if received == ordered else DeliveryStatus.OVER


def count_variance(counted: Decimal, expected_at_count: Decimal) -> Decimal:
    """Counted minus what the ledger held when the product was counted (negative = missing)."""
    return counted - expected_at_count


def variance_value(variance: Decimal, unit_cost: int) -> int:
    """The variance at unit cost, in minor units, rounded half-up."""
    return int((variance * unit_cost).to_integral_value(ROUND_HALF_UP))


def zone_name(zone: str) -> str:
    """A counting zone as stored: trimmed, upper-case (``"aisle 3"`` → ``"AISLE 3"``)."""
    zone = (zone or "").strip().upper()
    if len(zone) > MAX_ZONE_LENGTH:
        raise ValidationError("zone", QT_TRANSLATE_NOOP(
            "errors", "A zone name can have at most {maximum} characters."), maximum=MAX_ZONE_LENGTH)
    return zone
