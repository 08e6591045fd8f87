"""Formatting amounts the way babel does, at a fraction of its cost.

babel's ``format_currency`` parses the locale's pattern on every call (~15 µs); a till
formats several new amounts on every scan. Here babel formats one probe amount per
currency and locale; its text gives the symbol's place, the separators and the digit
grouping, and every later amount is put together from those with integer arithmetic.

The learnt layout is only used after it has reproduced babel exactly on a set of amounts
(zero, small, grouped, large, negative); a locale whose rules it cannot express (e.g. no
grouping of four-digit amounts, other digits than 0-9) keeps babel for every call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_CHECKS = (0, 1, 7, 99, 100, 999, 1000, 1234, 12345, 99999, 100000, 1000000, 1234567, 123456789,
           1000000000, 98765432101, 10**15 + 3)


@dataclass(frozen=True)
class Layout:
    """How one currency is written in one locale, learnt from babel's own output."""

    prefix: str
    suffix: str
    negative_prefix: str
    negative_suffix: str
    group: str
    decimal: str
    primary: int  # digits in the rightmost group
    secondary: int  # digits in each further group (2 in en_IN: 12,34,567.00)
    digits: int  # minor digits shown

    def format(self, minor: int) -> str:
        amount = -minor if minor < 0 else minor
        if self.digits:
            whole, fraction = divmod(amount, 10 ** self.digits)
            tail = self.decimal + str(fraction).zfill(self.digits)
        else:
            whole, tail = amount, ""
        text = str(whole)
        if len(text) > self.primary and self.group:
            groups = [text[-self.primary:]]
            rest = text[:-self.primary]
            while rest:
                groups.append(rest[-self.secondary:])
                rest = rest[:-self.secondary]
            text = self.group.join(reversed(groups))
        if minor < 0:
            return f"{self.negative_prefix}{text}{tail}{self.negative_suffix}"
        return f"{self.prefix}{text}{tail}{self.suffix}"


def learn(babel_format: Callable[[int], str], digits: int) -> Layout | None:
    """The layout of ``babel_format`` (minor units → text), or None when it cannot be
    reproduced exactly (the caller then keeps babel)."""
    probe = 1234567890 * 10 ** digits + int("123"[:digits] or 0)
    positive = _split(babel_format(probe), digits)
    negative = _split(babel_format(-probe), digits)
    if positive is None or negative is None or positive[2:] != negative[2:]:
        return None
    prefix, suffix, group, decimal, primary, secondary = positive
    layout = Layout(prefix, suffix, negative[0], negative[1], group, decimal, primary, secondary, digits)
    for amount in _CHECKS:
        for signed in (amount, -amount):
            if layout.format(signed) != babel_format(signed):
                return None
    return layout


def _split(text: str, digits: int) -> tuple[str, str, str, str, int, int] | None:
    """(prefix, suffix, group, decimal, primary, secondary) of a formatted probe."""
    places = [i for i, ch in enumerate(text) if "0" <= ch <= "9"]
    if not places:
        return None
    first, last = places[0], places[-1]
    number = text[first:last + 1]
    decimal = ""
    whole = number
    if digits:
        tail = number[-digits:]
        if not tail.isdigit() or len(number) <= digits or number[-digits - 1].isdigit():
            return None
        decimal, whole = number[-digits - 1], number[:-digits - 1]
    separators = {ch for ch in whole if not ("0" <= ch <= "9")}
    if len(separators) > 1:
        return None
    group = separators.pop() if separators else ""
    groups = whole.split(group) if group else [whole]
    if "".join(groups) != "1234567890":
        return None
    primary = len(groups[-1])
    secondary = len(groups[-2]) if len(groups) > 2 else primary
    return text[:first], text[last + 1:], group, decimal, primary, secondary
