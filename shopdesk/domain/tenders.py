"""Settling a total with one or several tenders, in any order.

Rules, in one place:

* Cash rounding (e.g. to 0.05) applies to cash only: the part of the total left for cash
  is rounded half away from zero to the step; the difference is the sale's ``rounding``
  (printed on the receipt). A total paid wholly by card is not rounded.
* Only cash gives change. A card, voucher, transfer or store credit cannot be charged more
  than is still due.
* A sale completes only when the tenders cover the amount due exactly (cash may be
  more: the rest is change).
* Refunds (a negative total) mirror this: tenders are negative, cash refunds are rounded
  the same way, and nothing is refunded beyond the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import round_ratio

CASH = "cash"


class Underpaid(ValidationError):
    """The tenders do not cover the amount due; ``missing`` minor units are still due."""

    def __init__(self, missing: int, due: int) -> None:
        self.missing, self.due = missing, due
        super().__init__("tendered", QT_TRANSLATE_NOOP("errors", "{missing} is still due."), missing=missing)


@dataclass(frozen=True)
class TenderInput:
    code: str  # tender type code: cash, card, voucher, ...
    kind: str  # cash | card | store_credit | other
    amount: int  # handed over (cash) or charged (others); negative when refunding
    card_type: str = ""
    reference: str = ""


@dataclass(frozen=True)
class AppliedTender:
    code: str
    kind: str
    amount: int  # applied to the sale
    tendered: int  # handed over
    change: int
    card_type: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Settlement:
    total: int  # as priced
    rounding: int  # cash rounding; amount due = total + rounding
    tenders: tuple[AppliedTender, ...]
    change: int

    @property
    def due(self) -> int:
        return self.total + self.rounding


def round_cash(amount: int, step: int) -> int:
    """``amount`` rounded half away from zero to a multiple of ``step`` (0 or 1: unchanged)."""
    if step <= 1:
        return amount
    return round_ratio(amount, step) * step


def cash_due(total: int, non_cash: int, step: int) -> int:
    """What cash must cover once the other tenders have paid ``non_cash``, rounded."""
    return round_cash(total - non_cash, step)


def settle(total: int, tenders: Sequence[TenderInput], step: int = 0) -> Settlement:
    """Apply ``tenders`` to ``total`` or raise a :class:`ValidationError` saying what is missing."""
    if not tenders and total == 0:
        return Settlement(0, 0, (), 0)  # everything was free
    if not tenders:
        raise ValidationError("tenders", QT_TRANSLATE_NOOP("errors", "Choose how the customer pays."))
    sign = -1 if total < 0 else 1
    non_cash = [t for t in tenders if t.kind != CASH]
    cash = [t for t in tenders if t.kind == CASH]
    for t in tenders:
        if isinstance(t.amount, bool) or not isinstance(t.amount, int):
            raise TypeError("tender amounts are int minor units")
        if t.amount * sign <= 0:
            raise ValidationError("tenders", QT_TRANSLATE_NOOP(
                "errors", "Each payment must be more than zero ({tender})."), tender=t.code)
    non_cash_total = sum(t.amount for t in non_cash)
    if non_cash_total * sign > total * sign:
        raise ValidationError("tenders", QT_TRANSLATE_NOOP(
            "errors", "Card and other payments come to more than is due; only cash gives change."))
    applied = [AppliedTender(t.code, t.kind, t.amount, t.amount, 0, t.card_type, t.reference) for t in non_cash]
    rest = total - non_cash_total
    rounding = change = 0
    due_cash = round_cash(rest, step)
    if rest != 0 and due_cash == 0 and not cash:
        rounding = -rest  # what is left rounds away in cash: nothing more to hand over
    elif rest != 0:
        if not cash:
            raise Underpaid(rest, total)
        rounding = due_cash - rest
        handed = sum(t.amount for t in cash)
        if handed * sign < due_cash * sign:
            raise Underpaid(due_cash - handed, total + due_cash - rest)
        change = handed - due_cash
        # The cash lines carry the cash due; the last one gives the change.
        left = due_cash
        for n, t in enumerate(cash):
            last = n == len(cash) - 1
            part = left if last else (t.amount if t.amount * sign <= left * sign else left)
            applied.append(AppliedTender(t.code, t.kind, part, t.amount, t.amount - part if last else 0,
                                         t.card_type, t.reference))
            left -= part
    elif cash:
        raise ValidationError("tenders", QT_TRANSLATE_NOOP(
            "errors", "Nothing is left to pay in cash; remove the cash payment."))
    return Settlement(total, rounding, tuple(applied), change)
