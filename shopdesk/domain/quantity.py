"""Quantities: whole items and weighed or measured goods, to the thousandth.

The database stores a quantity as an integer count of thousandths ("milli-units":
0.375 kg is 375), for the same reason money is stored in minor units: the stock ledger is
summed over millions of rows and must add up exactly. Three decimals is enough for grams
of a kilo, millilitres of a litre and millimetres of a metre, and it is what scales send.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_decimal

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.parsing import NotANumber, parse_localized_decimal

SCALE = 1000
DECIMALS = 3

#: Upper bound for a quantity a person types in one go. No till sells 100,000 of anything
#: in one line; a larger number is a barcode scanned into the quantity field.
MAX_TYPED_QUANTITY = Decimal(100_000)

#: Largest magnitude :func:`to_milli` returns: what fits a signed 64-bit SQLite integer.
MAX_MILLI = 2**63 - 1


def to_milli(q: Decimal | int, field: str = "quantity") -> int:
    """Quantity → integer thousandths for storage; refuses what cannot be stored exactly.

    More than three decimals is an error rather than rounded: silently rounding a
    quantity would make the stock ledger disagree with what was sold.
    """
    if isinstance(q, bool) or not isinstance(q, Decimal | int):
        raise TypeError(f"quantity must be a Decimal or int, not {type(q).__name__}")
    q = Decimal(q)
    if not q.is_finite():
        raise ValidationError(
            field, QT_TRANSLATE_NOOP("errors", "'{quantity}' is not a quantity."), quantity=str(q),
        )
    numerator, denominator = q.as_integer_ratio()
    scaled, rest = divmod(numerator * SCALE, denominator)
    if rest:
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "A quantity can have at most 3 decimals (thousandths); {quantity} has more."),
            quantity=str(q),
        )
    if abs(scaled) > MAX_MILLI:
        raise ValidationError(
            field, QT_TRANSLATE_NOOP("errors", "The quantity {quantity} is too large."), quantity=str(q),
        )
    return scaled


def from_milli(m: int) -> Decimal:
    """Integer thousandths → the shortest exact Decimal (1000 → ``1``, 375 → ``0.375``).

    Built from digits rather than ``Decimal.normalize()``, which would turn 1000 items
    into ``1E+3`` and round beyond 28 digits.
    """
    if isinstance(m, bool) or not isinstance(m, int):
        raise TypeError(f"milli quantity must be an int, not {type(m).__name__}")
    whole, frac = divmod(abs(m), SCALE)
    sign = "-" if m < 0 else ""
    if not frac:
        return Decimal(f"{sign}{whole}")
    return Decimal(f"{sign}{whole}.{frac:03d}".rstrip("0"))


def normalize_quantity(q: Decimal | int) -> Decimal:
    """Validated shortest form of a quantity (``Decimal("1.500")`` → ``Decimal("1.5")``)."""
    return from_milli(to_milli(q))


def parse_quantity(text: str, locale: str = "en_US", field: str = "quantity") -> Decimal:
    """Parse a quantity a person typed (``"2"``, ``"0.375"``, ``"0,375"`` in de_DE).

    Only positive quantities are typed: a return is a separate document, not a negative
    count, so zero and negative numbers are refused with a message naming ``field``, as
    are more than three decimals and anything above :data:`MAX_TYPED_QUANTITY`.
    """
    try:
        value = parse_localized_decimal(text, locale)
    except NotANumber as err:
        if err.empty:
            raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "Enter a quantity.")) from None
        if err.suggestion:
            raise ValidationError(
                field,
                QT_TRANSLATE_NOOP("errors", "'{text}' is not a well-formed quantity. Did you mean {suggestion}?"),
                text=text, suggestion=err.suggestion,
            ) from None
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "'{text}' is not a quantity. Type a number such as {example}."),
            text=text, example=format_quantity(Decimal("1.5"), locale),
        ) from None
    if value <= 0:
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "The quantity must be more than zero; '{text}' is not."),
            text=text,
        )
    if value > MAX_TYPED_QUANTITY:
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "'{text}' is too large for a quantity (at most {maximum}). Was a barcode scanned into the quantity field?"),
            text=text, maximum=format_quantity(MAX_TYPED_QUANTITY, locale),
        )
    return from_milli(to_milli(value, field))


@lru_cache(maxsize=4096)
def format_quantity(q: Decimal | int, locale: str = "en_US") -> str:
    """Quantity for people: no trailing zeros (``"1"``, ``"0.375"``, ``"1.234,5"`` in de_DE); cached."""
    return format_decimal(Decimal(q), format="#,##0.###", locale=locale)
