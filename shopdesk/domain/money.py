"""Money as integer minor units of a currency.

Amounts live as ``int`` counts of the currency's minor unit (cents, fen; yen have none),
so sums are exact and a total can never drift by a cent between screen, receipt and
database. Conversion to and from decimals happens only here.

THE rounding rule of ShopDesk: **half away from zero** (``ROUND_HALF_UP`` in
:mod:`decimal`), applied at the moment a price times a quantity, or a tax, is turned into
minor units - and nowhere else. Away from zero (not half-even, not towards +inf) makes a
return line priced at ``-q × price`` round to exactly the negative of the sale it undoes.
:func:`round_ratio` is the one exact implementation; everything that rounds calls it.
Where tax is rounded is decided in :mod:`shopdesk.domain.tax`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    is_currency,
)

from shopdesk.domain import money_format
from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.parsing import NotANumber, parse_localized_decimal

ROUNDING = ROUND_HALF_UP

#: Largest amount (in minor units) accepted from typed text: far above any real till
#: amount, far below SQLite's 64-bit integers and Decimal's 28-digit default precision,
#: so a cat on the keyboard cannot overflow a column or a report total.
MAX_TYPED_MINOR = 10**15

# Written forms people use that CLDR does not list as the symbol for their locale.
_EXTRA_SYMBOLS = {"CNY": ("元", "RMB"), "JPY": ("円",), "USD": ("US$",)}


def round_ratio(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half away from zero, exactly (no float, no context).

    Integer arithmetic, because a ``Decimal`` division would first round to 28 digits and
    could in principle land on the wrong side of a ``.5``.
    """
    if denominator == 0:
        raise ZeroDivisionError("round_ratio: denominator is zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return q if numerator >= 0 else -q


@lru_cache(maxsize=64)
def minor_digits(currency: str) -> int:
    """Number of decimal places of the currency's minor unit (EUR 2, JPY 0, KWD 3).

    Unknown codes are refused rather than defaulting to 2 decimals: a typo in the store's
    settings would otherwise show yen with cents, or Kuwaiti dinar short a digit.
    """
    code = (currency or "").strip().upper()
    if not is_currency(code):
        raise ValidationError(
            "currency",
            QT_TRANSLATE_NOOP("errors", "'{currency}' is not a currency code. Use an ISO 4217 code such as EUR or USD."),
            currency=currency,
        )
    return get_currency_precision(code)


def to_decimal(minor: int, currency: str) -> Decimal:
    """Minor units → Decimal major units (exact), e.g. for exports and formatting."""
    return Decimal(minor).scaleb(-minor_digits(currency))


def round_to_minor(value: Decimal | Fraction | int) -> int:
    """Round an amount already expressed in minor units to an int (half away from zero)."""
    numerator, denominator = value.as_integer_ratio()
    return round_ratio(numerator, denominator)


def from_decimal(amount: Decimal, currency: str) -> int:
    """Decimal major units → minor units, rounded half away from zero."""
    numerator, denominator = amount.as_integer_ratio()
    return round_ratio(numerator * 10 ** minor_digits(currency), denominator)


def format_money(minor: int, currency: str, locale: str = "en_US") -> str:
    """Format for people, e.g. ``format_money(1234, "EUR", "de_DE") == "12,34\\xa0€"``.

    Exactly babel's ``format_currency``, through a layout learnt from it once per currency
    and locale (see :mod:`shopdesk.domain.money_format`): a till formats new totals on
    every scan.
    """
    layout = _money_layout(currency, locale)
    if layout is None or type(minor) is not int:
        return _babel_money(minor, currency, locale)
    return layout.format(minor)


def _babel_money(minor: int, currency: str, locale: str) -> str:
    return format_currency(to_decimal(minor, currency), currency.upper(), locale=locale)


@lru_cache(maxsize=64)
def _money_layout(currency: str, locale: str) -> money_format.Layout | None:
    return money_format.learn(lambda minor: _babel_money(minor, currency, locale), minor_digits(currency))


def format_amount(minor: int, currency: str, locale: str = "en_US") -> str:
    """The number alone, grouped and with the currency's decimals (for input fields).

    Uses the locale's own grouping (``12,34,567.80`` in en_IN) so that what an input
    field shows is exactly what :func:`parse_money` reads back.
    """
    code = currency.upper()
    pattern = Locale.parse(locale).decimal_formats[None]
    return pattern.apply(to_decimal(minor, code), locale, currency=code, currency_digits=True)


def currency_symbols(currency: str, locale: str = "en_US") -> tuple[str, ...]:
    """Every way a person may write the currency next to an amount (code and symbols).

    Prices get pasted from web pages and typed by people from elsewhere, so the locale's
    own symbol is not enough: ``"$"`` and ``"US$"`` both mean USD to a cashier.
    """
    code = currency.upper()
    found = [code]
    for loc in (locale, locale.split("_")[0], "en", "root"):
        try:
            found.append(get_currency_symbol(code, loc))
        except (ValueError, LookupError):
            continue
    found.extend(_EXTRA_SYMBOLS.get(code, ()))
    return tuple(dict.fromkeys(s for s in found if s))


def parse_money(
    text: str,
    currency: str,
    locale: str = "en_US",
    field: str = "amount",
    *,
    allow_negative: bool = True,
) -> int:
    """Parse what a person typed (``"12.5"``, ``"$1,234.50"``, ``"12,50 €"`` in de_DE) to minor units.

    The currency's code or symbol may stand before or after the number. Refuses, with a
    message naming ``field``: text that is not a number in ``locale`` (suggesting what it
    may have meant), more decimals than the currency has (no silent rounding of typed
    money), absurdly large amounts, and negative amounts when ``allow_negative`` is false
    (prices, payments) - refunds and corrections may be negative.
    """
    code = currency.upper()
    digits = minor_digits(code)
    try:
        value = parse_localized_decimal(text, locale, affixes=currency_symbols(code, locale))
    except NotANumber as err:
        if err.empty:
            raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "Enter an amount.")) from None
        if err.suggestion:
            raise ValidationError(
                field,
                QT_TRANSLATE_NOOP("errors", "'{text}' is not a well-formed amount. Did you mean {suggestion}?"),
                text=text, suggestion=err.suggestion,
            ) from None
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "'{text}' is not an amount. Type digits, e.g. {example}."),
            text=text, example=format_amount(1250 * 10 ** max(digits - 2, 0), code, locale),
        ) from None
    if value < 0 and not allow_negative:
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "The amount cannot be negative; '{text}' is below zero."),
            text=text,
        )
    numerator, denominator = value.as_integer_ratio()
    scaled = numerator * 10**digits
    if scaled % denominator and digits == 0:
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "{currency} amounts have no decimals; '{text}' has some."),
            currency=code, text=text,
        )
    if scaled % denominator:
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "{currency} amounts have at most {digits} decimals; '{text}' has more."),
            currency=code, digits=digits, text=text,
        )
    minor = scaled // denominator
    if abs(minor) > MAX_TYPED_MINOR:
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "'{text}' is too large for an amount."),
            text=text,
        )
    return minor
