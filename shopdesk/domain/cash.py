"""Cash at the counter: the amounts a customer is likely to hand over."""

from __future__ import annotations

from shopdesk.domain.money import minor_digits

# Note values (in major units) offered as quick-cash buttons above the amount due.
QUICK_NOTES = (5, 10, 20, 50, 100)


def quick_cash_amounts(total: int, currency: str, count: int = 3) -> list[int]:
    """The next few round amounts a customer is likely to hand over for ``total``."""
    unit = 10 ** minor_digits(currency)
    amounts: list[int] = []
    for note in QUICK_NOTES:
        step = note * unit
        amount = -(-total // step) * step
        if amount > total and amount not in amounts:
            amounts.append(amount)
        if len(amounts) == count:
            break
    return amounts
