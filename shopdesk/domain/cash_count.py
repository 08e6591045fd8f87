"""Counting cash in a till drawer: the notes and coins of a currency, and the total of a count.

A count is a mapping ``{denomination in minor units: number of pieces}``, e.g. for EUR
``{2000: 3, 50: 4}`` is three 20 € notes and four 50 cent coins, 62.00 € in all. Counts are
stored as JSON (``till_sessions.float_detail`` / ``count_detail``), so keys read back from
JSON as digit strings are accepted too; :func:`validate_count` gives the clean form.

Denominations are the ones in everyday circulation; where a note and a coin share a value
(the US dollar, the Chinese yuan) they are one line of the count.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import MAX_TYPED_MINOR, minor_digits, to_decimal

#: More pieces of one denomination than any drawer holds: a typo, not a count.
MAX_PIECES = 100_000


@dataclass(frozen=True)
class Denomination:
    value: int  # minor units
    kind: Literal["note", "coin"]


def _set(notes: tuple[int, ...], coins: tuple[int, ...]) -> tuple[Denomination, ...]:
    return tuple(Denomination(v, "note") for v in notes) + tuple(Denomination(v, "coin") for v in coins)


# Largest first, in minor units.
DENOMINATIONS: dict[str, tuple[Denomination, ...]] = {
    "EUR": _set((50000, 20000, 10000, 5000, 2000, 1000, 500), (200, 100, 50, 20, 10, 5, 2, 1)),
    "USD": _set((10000, 5000, 2000, 1000, 500, 200, 100), (50, 25, 10, 5, 1)),
    "GBP": _set((5000, 2000, 1000, 500), (200, 100, 50, 20, 10, 5, 2, 1)),
    "CNY": _set((10000, 5000, 2000, 1000, 500, 100), (50, 10)),
    "CHF": _set((100000, 20000, 10000, 5000, 2000, 1000), (500, 200, 100, 50, 20, 10, 5)),
    "JPY": _set((10000, 5000, 2000, 1000), (500, 100, 50, 10, 5, 1)),
    "CAD": _set((10000, 5000, 2000, 1000, 500), (200, 100, 25, 10, 5)),
    "AUD": _set((10000, 5000, 2000, 1000, 500), (200, 100, 50, 20, 10, 5)),
    "SEK": _set((100000, 50000, 20000, 10000, 5000, 2000), (1000, 500, 200, 100)),
}


def denominations(currency: str) -> tuple[Denomination, ...]:
    """The currency's notes and coins, largest first; empty when none are known (then the
    drawer is counted as a plain amount)."""
    code = (currency or "").strip().upper()
    minor_digits(code)  # refuses a code that is not a currency
    return DENOMINATIONS.get(code, ())


def denomination_text(value: int, currency: str) -> str:
    """A plain, locale-free name of a denomination for messages: ``20``, ``0.05``."""
    amount = to_decimal(value, currency.upper())
    return f"{amount.normalize():f}" if amount == amount.to_integral_value() else f"{amount:f}"


def _pieces(raw: object, label: str) -> int:
    if isinstance(raw, bool):
        raw = None
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    elif isinstance(raw, float | Decimal) and raw == int(raw):
        raw = int(raw)
    if not isinstance(raw, int) or raw < 0 or raw > MAX_PIECES:
        raise ValidationError("count", QT_TRANSLATE_NOOP(
            "errors", "The number of {denomination} pieces must be a whole number from 0 to {maximum}; "
                      "'{value}' is not."), denomination=label, maximum=MAX_PIECES, value=raw)
    return raw


def validate_count(currency: str, counts: Mapping[object, object]) -> dict[int, int]:
    """The count with int keys and values, largest denomination first, zero lines dropped.

    Refuses a denomination the currency does not have and counts that are not whole
    numbers ≥ 0, naming the line to correct.
    """
    code = (currency or "").strip().upper()
    known = {d.value for d in denominations(code)}
    if not known and counts:
        raise ValidationError("count", QT_TRANSLATE_NOOP(
            "errors", "No notes and coins are known for {currency}: enter the counted cash as one amount."),
            currency=code)
    clean: dict[int, int] = {}
    for key, raw in counts.items():
        value = key
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value not in known:
            raise ValidationError("count", QT_TRANSLATE_NOOP(
                "errors", "{value} is not a {currency} note or coin. Count these: {known}."),
                value=key, currency=code,
                known=", ".join(denomination_text(v, code) for v in sorted(known, reverse=True)))
        pieces = _pieces(raw, denomination_text(value, code))
        if pieces:
            clean[value] = clean.get(value, 0) + pieces
    total = sum(v * n for v, n in clean.items())
    if total > MAX_TYPED_MINOR:
        raise ValidationError("count", QT_TRANSLATE_NOOP("errors", "The count adds up to more than any drawer holds."))
    return dict(sorted(clean.items(), reverse=True))


def count_total(currency: str, counts: Mapping[object, object]) -> int:
    """Total in minor units of a (validated) count."""
    return sum(value * pieces for value, pieces in validate_count(currency, counts).items())


def cash_amount(currency: str, counted: Mapping[object, object] | int) -> tuple[int, dict[int, int]]:
    """``counted`` as given at the till: a count by denomination, or a plain amount in
    minor units. Returns (total, clean count; empty for a plain amount)."""
    if isinstance(counted, Mapping):
        detail = validate_count(currency, counted)
        return sum(v * n for v, n in detail.items()), detail
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0 or counted > MAX_TYPED_MINOR:
        raise ValidationError("amount", QT_TRANSLATE_NOOP(
            "errors", "The counted cash must be an amount of 0 or more; '{value}' is not."), value=counted)
    return counted, {}


def count_to_json(counts: Mapping[int, int]) -> str:
    return json.dumps({str(k): v for k, v in counts.items()}, sort_keys=True)


def count_from_json(text: str | None) -> dict[int, int]:
    """A stored count back as ``{denomination: pieces}`` (largest first); bad JSON gives {}."""
    try:
        raw = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    out: dict[int, int] = {}
    for key, value in raw.items():
        if str(key).isdigit() and isinstance(value, int) and not isinstance(value, bool):
            out[int(key)] = value
    return dict(sorted(out.items(), reverse=True))
