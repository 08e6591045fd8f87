"""Discounts at the counter: a line discount and a cart discount, each given as a percent
or an amount, with the limits a role may give without a manager.

Rounding rule (once, here): a percent discount is ``amount × percent / 100`` rounded half
away from zero to the minor unit. A cart discount is shared out over the lines in
proportion to what each line costs after its own discount, by largest remainder, so the
lines' discounts add up to exactly the cart discount and tax follows each line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import round_ratio
from shopdesk.domain.tax import round_shares

PERCENT, AMOUNT = "percent", "amount"


@dataclass(frozen=True)
class Discount:
    """``kind`` percent (``value`` 0–100, up to 2 decimals) or amount (``value`` minor units)."""

    kind: str
    value: Decimal

    def amount_off(self, base: int, field: str = "discount") -> int:
        """The discount on ``base`` minor units (≥ 0, at most ``|base|``)."""
        checked = check_discount(self, field)
        if checked.kind == PERCENT:
            off = round_ratio(abs(base) * _hundredths(checked.value), 10_000)
        else:
            off = int(checked.value)
        if off > abs(base):
            raise ValidationError(field, QT_TRANSLATE_NOOP(
                "errors", "The discount is larger than the price; at most it can make it free."))
        return off


def _hundredths(percent: Decimal) -> int:
    return int(percent * 100)


def check_discount(discount: Discount, field: str = "discount") -> Discount:
    try:
        value = Decimal(discount.value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "'{value}' is not a discount."),
                              value=str(discount.value)) from None
    if not value.is_finite() or value < 0:
        raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "A discount must be 0 or more."))
    if discount.kind == PERCENT:
        if value > 100:
            raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "A discount cannot be more than 100 %."))
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "Give a percent with at most 2 decimals."))
    elif discount.kind == AMOUNT:
        if value != value.to_integral_value():
            raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "A discount amount is a whole number of cents."))
    else:
        raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "A discount is a percent or an amount."))
    return Discount(discount.kind, value)


def share_cart_discount(total_off: int, line_amounts: Sequence[int]) -> list[int]:
    """Split a cart discount over lines in proportion to their amounts (largest remainder).

    Lines with a zero or negative amount (free items, return lines) get no share.
    """
    if total_off == 0 or not line_amounts:
        return [0] * len(line_amounts)
    weights = [max(a, 0) for a in line_amounts]
    base = sum(weights)
    if total_off < 0 or total_off > base:
        raise ValidationError("cart_discount", QT_TRANSLATE_NOOP(
            "errors", "The cart discount is larger than what the items cost."))
    return round_shares(total_off, [total_off * w for w in weights], base)


def percent_of(off: int, base: int) -> Decimal:
    """What share of ``base`` a discount of ``off`` is, in percent (0 for an empty base)."""
    if base == 0:
        return Decimal(0)
    return Decimal(off) * 100 / Decimal(abs(base))


def within_limit(off: int, base: int, limit_percent: Decimal) -> bool:
    """True when ``off`` is at most ``limit_percent`` of ``base`` (exactly, no rounding)."""
    return off * 10_000 <= abs(base) * _hundredths(Decimal(limit_percent))
