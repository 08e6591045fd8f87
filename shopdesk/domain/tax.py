"""Sales tax (VAT, GST) on integer minor units, and THE rule for rounding it.

The rounding rule
-----------------
Tax is computed **once per rate, on the sum of the line amounts at that rate** - not line
by line - and rounded **half away from zero** to the minor unit
(:func:`shopdesk.domain.money.round_ratio`). Rounding per line would let a receipt's tax
differ by several cents from the tax on its total, which tax authorities and customers
notice; rounding once per rate keeps the printed per-rate summary exact.

* Prices exclusive of tax: ``tax = round(net × p / 100)`` (:func:`tax_on_net`).
* Prices inclusive of tax: ``tax = round(gross × p / (100 + p))`` (:func:`tax_in_gross`),
  and ``net = gross - tax``, so net + tax == gross always holds.

Lines still need their own share of the tax - to show it, and so that a later partial
return refunds exactly the tax that was charged for those items. The per-rate tax is
split over the lines by the **largest-remainder method** (:func:`round_shares`,
:func:`allocate`): every line gets its exact proportional share cut to a whole unit, and
the units left over (the "residue" of rounding once instead of per line) go to the lines
with the largest fractional parts, earliest line first on ties. The shares therefore always add
up to the per-rate tax, and each differs from the exact share by less than one minor unit.

All arithmetic is exact integer/rational arithmetic: no float and no Decimal context
precision is involved, so results do not depend on the size of the amounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import round_ratio

#: Rates at or above this are refused: no real sales tax comes near it, so such a value
#: is a typo (e.g. 2000 for 20.00) that would otherwise overcharge every sale.
MAX_PERCENT = Decimal(1000)


def _percent_ratio(percent: Decimal) -> tuple[int, int]:
    """Validate a percentage and return it as an exact ``numerator / denominator``."""
    if isinstance(percent, bool) or not isinstance(percent, Decimal | int):
        raise TypeError(f"tax percent must be a Decimal, not {type(percent).__name__}")
    percent = Decimal(percent)
    if not percent.is_finite() or percent < 0 or percent >= MAX_PERCENT:
        raise ValidationError(
            "tax_rate",
            QT_TRANSLATE_NOOP("errors", "A tax rate must be at least 0 and below 1000 percent; {percent} is not."),
            percent=str(percent),
        )
    return percent.as_integer_ratio()


@dataclass(frozen=True)
class TaxRate:
    """A named tax rate, e.g. ``TaxRate("A", Decimal("20"), "Standard VAT")``.

    ``code`` is what receipts print next to each line and in the per-rate summary, so it
    is required; ``percent`` is kept as given (``Decimal("8.5")``), never as a float.
    """

    code: str
    percent: Decimal
    name: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.percent, int) and not isinstance(self.percent, bool):
            object.__setattr__(self, "percent", Decimal(self.percent))
        if not isinstance(self.code, str) or not self.code.strip():
            raise ValidationError(
                "tax_rate",
                QT_TRANSLATE_NOOP("errors", "A tax rate needs a code (such as A or VAT20) to print on receipts."),
            )
        _percent_ratio(self.percent)


def tax_on_net(net_minor: int, percent: Decimal) -> int:
    """Tax to add to a net amount (prices exclusive of tax), rounded half away from zero."""
    num, den = _percent_ratio(percent)
    return round_ratio(net_minor * num, 100 * den)


def tax_in_gross(gross_minor: int, percent: Decimal) -> int:
    """Tax contained in a gross amount (prices inclusive of tax), rounded half away from zero.

    For any net N, ``tax_in_gross(N + tax_on_net(N, p), p) == tax_on_net(N, p)``: a price
    list converted between inclusive and exclusive shows the same tax either way.
    """
    num, den = _percent_ratio(percent)
    # gross * (num/den) / (100 + num/den) == gross * num / (100*den + num), exactly.
    return round_ratio(gross_minor * num, 100 * den + num)


def net_of_gross(gross_minor: int, percent: Decimal) -> int:
    """Net part of a gross amount, defined as gross minus the rounded tax (never rounded itself)."""
    return gross_minor - tax_in_gross(gross_minor, percent)


def round_shares(total: int, numerators: Sequence[int], denominator: int) -> list[int]:
    """Round exact shares ``numerators[i] / denominator`` to ints that add up to ``total``.

    Largest remainder, sign-aware: every share is first cut towards zero, then the units
    still missing go one each to the shares with the largest fractional parts in the
    direction needed (earliest first on ties). For shares that are all positive this is
    the textbook method; cutting towards zero (not flooring) makes it exactly symmetric,
    ``round_shares(-t, -n, d) == -round_shares(t, n, d)``, so a return line gets exactly
    the negative of the tax share its sale got. Every result is within one unit of its
    exact share. ``total`` must be reachable that way - true when it is the exact sum of
    the shares or that sum rounded half up/away from zero.
    """
    if denominator == 0:
        raise ZeroDivisionError("round_shares: denominator is zero")
    if denominator < 0:
        numerators = [-n for n in numerators]
        denominator = -denominator
    cut: list[int] = []
    remainders: list[int] = []  # signed numerators of the fractional parts
    for n in numerators:
        q, r = divmod(abs(n), denominator)
        cut.append(q if n >= 0 else -q)
        remainders.append(r if n >= 0 else -r)
    missing = total - sum(cut)
    step = 1 if missing > 0 else -1
    candidates = [i for i, r in enumerate(remainders) if r * step > 0]
    if abs(missing) > len(candidates):
        raise ValueError(
            f"round_shares: total {total} cannot be reached from shares "
            f"{list(numerators)}/{denominator}"
        )
    # Largest fractional part first; the stable sort keeps ties in line order.
    candidates.sort(key=lambda i: abs(remainders[i]), reverse=True)
    for i in candidates[: abs(missing)]:
        cut[i] += step
    return cut


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split the integer ``total`` over parts proportionally to ``weights``, exactly.

    The parts always add up to ``total`` and each is within one unit of its exact share
    ``total * w / sum(weights)`` (largest-remainder method, see module docstring). Meant
    for spreading a whole-cart discount or a partial refund over lines; per-line tax
    uses :func:`round_shares` on each line's exact tax, which needs no weight sum.

    * Negative weights are fine (a return line among sales); the exact shares are still
      ``total * w / sum(weights)``.
    * If the weights cancel out (sum to zero) no proportion exists; the total is then
      spread by the size of each weight (``abs(w)``) instead of failing at the till.
    * All weights zero: everything goes to the first part (someone must carry it).
    * ``allocate(-t, w) == [-x for x in allocate(t, w)]``, so a refund mirrors the sale.
    """
    weights = list(weights)
    if not weights:
        if total:
            raise ValueError("allocate: cannot split a non-zero total over no parts")
        return []
    weight_sum = sum(weights)
    if weight_sum == 0:
        if not any(weights):
            return [total] + [0] * (len(weights) - 1)
        weights = [abs(w) for w in weights]
        weight_sum = sum(weights)
    return round_shares(total, [total * w for w in weights], weight_sum)
