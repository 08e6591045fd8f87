"""Pricing a cart: line amounts, discounts, tax per rate, totals.

This is the one function every total in ShopDesk comes from (till screen, receipt, order,
invoice, refund), so that they cannot disagree. Tax follows THE rule documented in
:mod:`shopdesk.domain.tax`: once per rate on the summed line amounts, rounded half away
from zero, then shared out to the lines by largest remainder so lines add up exactly.

Amounts are integer minor units in the store's *price basis*: gross if shelf prices
include tax (most of Europe, Asia), net if tax is added at the till (US sales tax).

Invariants of every :class:`CartTotals` (checked by property tests)::

    grand_total == sum(line.gross) == sum(tax.gross)
    tax_total   == sum(line.tax)   == sum(tax.tax)
    net_total + tax_total == grand_total
    line.net + line.tax == line.gross                    for every line
    subtotal == sum(line.amount)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import round_ratio
from shopdesk.domain.quantity import to_milli
from shopdesk.domain.tax import TaxRate, round_shares, tax_in_gross, tax_on_net


@dataclass(frozen=True)
class LineInput:
    """One line as the till or an order knows it, before pricing.

    ``quantity`` may be fractional (``Decimal("0.375")`` kg) and negative on return
    lines. ``unit_price`` is in minor units in the price basis. ``discount`` is a
    non-negative amount in minor units taken *off the line's size*: on a return line
    (negative quantity) it reduces the refund, so returning a discounted item refunds
    what was paid for it, never more.
    """

    key: str
    quantity: Decimal
    unit_price: int
    tax: TaxRate
    discount: int = 0


@dataclass(frozen=True)
class PricedLine:
    """A line after pricing; ``net + tax == gross`` and ``amount`` is in the price basis.

    ``tax`` is this line's share of the per-rate tax (see :mod:`shopdesk.domain.tax`);
    store it with the sale so a later partial return refunds exactly what was charged.
    """

    key: str
    quantity: Decimal
    unit_price: int
    discount: int
    amount: int
    net: int
    tax: int
    gross: int
    tax_code: str = ""
    tax_percent: Decimal = Decimal(0)


@dataclass(frozen=True)
class TaxSummary:
    """One row of the per-rate summary that receipts and tax reports print."""

    code: str
    percent: Decimal
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class CartTotals:
    """Result of :func:`price_cart`; see the module docstring for its invariants.

    ``subtotal`` is the sum of line amounts (after line discounts, in the price basis).
    ``discount_total`` is the sum of line discounts, counted negative on return lines,
    so that ``subtotal + discount_total`` is the cart before discounts.
    """

    lines: tuple[PricedLine, ...]
    taxes: tuple[TaxSummary, ...]
    net_total: int
    tax_total: int
    grand_total: int
    subtotal: int
    discount_total: int
    prices_include_tax: bool = True


def _check_int(value: object, field: str) -> int:
    # A float price would silently reintroduce binary rounding; refuse it loudly.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be an int count of minor units, not {type(value).__name__}")
    return value


def line_amount(quantity: Decimal, unit_price: int) -> int:
    """``quantity × unit_price`` rounded half away from zero to the minor unit.

    Exact for fractional quantities (0.375 kg × 1299 = 487.125 → 487) and symmetric for
    returns (-0.375 kg → -487), because the arithmetic is done on integer thousandths.
    """
    milli = to_milli(quantity)
    return round_ratio(milli * _check_int(unit_price, "unit_price"), 1000)


def _discounted(line: LineInput) -> tuple[int, int]:
    """Return (amount after discount, signed discount) for a line, validating the discount."""
    base = line_amount(line.quantity, line.unit_price)
    discount = _check_int(line.discount, "discount")
    if discount < 0:
        raise ValidationError(
            "discount",
            QT_TRANSLATE_NOOP("errors", "A discount cannot be negative; to raise a price, change the price instead."),
            key=line.key, discount=discount,
        )
    if discount > abs(base):
        raise ValidationError(
            "discount",
            QT_TRANSLATE_NOOP("errors", "The discount is larger than the line's price; at most it can make the line free."),
            key=line.key, discount=discount, amount=base,
        )
    signed = discount if base >= 0 else -discount
    return base - signed, signed


def price_cart(lines: Iterable[LineInput], *, prices_include_tax: bool) -> CartTotals:
    """Price a cart: per-line amounts, per-rate tax by THE rule, and totals.

    Lines are grouped by tax rate (code and percent); each group's tax is computed once
    from the group's summed amount and allocated back to its lines by largest remainder
    of their exact shares (each proportional to the line amount, and sign-aware so a
    return line carries the negative of the tax its sale carried). Lines keep their order.
    """
    items = list(lines)
    amounts: list[int] = []
    discounts: list[int] = []
    groups: dict[tuple[str, Decimal], list[int]] = {}
    for index, line in enumerate(items):
        amount, signed_discount = _discounted(line)
        amounts.append(amount)
        discounts.append(signed_discount)
        groups.setdefault((line.tax.code, line.tax.percent), []).append(index)

    line_tax = [0] * len(items)
    summaries: list[TaxSummary] = []
    for (code, percent), members in groups.items():
        group_amount = sum(amounts[i] for i in members)
        num, den = percent.as_integer_ratio()
        if prices_include_tax:
            group_tax = tax_in_gross(group_amount, percent)
            share_den = 100 * den + num
            net, gross = group_amount - group_tax, group_amount
        else:
            group_tax = tax_on_net(group_amount, percent)
            share_den = 100 * den
            net, gross = group_amount, group_amount + group_tax
        shares = round_shares(group_tax, [amounts[i] * num for i in members], share_den)
        for i, share in zip(members, shares, strict=True):
            line_tax[i] = share
        summaries.append(TaxSummary(code=code, percent=percent, net=net, tax=group_tax, gross=gross))
    summaries.sort(key=lambda t: (t.code, t.percent))

    priced: list[PricedLine] = []
    for line, amount, tax in zip(items, amounts, line_tax, strict=True):
        net, gross = (amount - tax, amount) if prices_include_tax else (amount, amount + tax)
        priced.append(
            PricedLine(
                key=line.key, quantity=line.quantity, unit_price=line.unit_price,
                discount=line.discount, amount=amount, net=net, tax=tax, gross=gross,
                tax_code=line.tax.code, tax_percent=line.tax.percent,
            )
        )

    tax_total = sum(t.tax for t in summaries)
    grand_total = sum(t.gross for t in summaries)
    return CartTotals(
        lines=tuple(priced),
        taxes=tuple(summaries),
        net_total=grand_total - tax_total,
        tax_total=tax_total,
        grand_total=grand_total,
        subtotal=sum(amounts),
        discount_total=sum(discounts),
        prices_include_tax=prices_include_tax,
    )
