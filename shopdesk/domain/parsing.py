"""Reading numbers the way people type them, in their locale.

Shared by :mod:`shopdesk.domain.money` and :mod:`shopdesk.domain.quantity` so that an
amount and a quantity typed into the same till follow the same rules. The rules lean to
*refusing* rather than guessing, because a guess at a till moves real money: ``"12.50"``
typed in a German locale (where ``.`` groups thousands) is refused with the suggestion
``"12,5"`` instead of being read as 1250.

What is forgiven, because it is unambiguous:

* full-width digits and symbols from an East Asian input method (``"１２３"``, ``"￥"``),
  via Unicode NFKC normalisation;
* any kind of space as the thousands separator where the locale groups with a space
  (French, Swiss ``'`` for ``’``);
* ``.`` as the decimal separator where the locale uses ``,`` and ``.`` means nothing else
  (a French numeric keypad types ``.``);
* a currency symbol or code before or after the number, and a sign on either side of a
  leading symbol.

Python's ``Decimal`` would also accept ``"NaN"``, ``"1e5"`` or ``"1_000"``; only digits and
the locale's separators get that far here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from decimal import Decimal

from babel.numbers import (
    NumberFormatError,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

# Marks that bidi locales (ar, fa, he) put around signs; invisible, so never meaningful.
_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u200b\ufeff"))
_MINUS = frozenset("-\u2212\u2012\u2013\ufe63")
_PLUS = frozenset("+")
_SPACES = frozenset(" \u00a0\u202f\u2009\u2007")
_DIGITS = frozenset("0123456789")


class NotANumber(ValueError):
    """The text is not a number in the locale; callers turn this into their own message.

    ``empty`` says nothing (or only a symbol) was typed. ``suggestions`` are well-formed
    readings of the same digits when babel can offer them, the one that swaps decimal and
    group separator first (``"1,23"`` in en_US → ``("1.23", "123")``): a person who typed
    a comma before two digits far more likely meant cents than a hundredfold amount.
    """

    def __init__(
        self, text: str, *, empty: bool = False, suggestions: tuple[str, ...] = ()
    ) -> None:
        super().__init__(text)
        self.text = text
        self.empty = empty
        self.suggestions = suggestions

    @property
    def suggestion(self) -> str | None:
        """All suggestions in one string (``"1.23 / 123"``), or ``None``."""
        return " / ".join(self.suggestions) or None


def normalize_text(text: str) -> str:
    """NFKC without bidi marks: the form in which typed text and symbols are compared."""
    return unicodedata.normalize("NFKC", text).translate(_BIDI_MARKS)


def _strip_affix(s: str, affixes: list[str]) -> tuple[str, bool]:
    n = len(s)
    for affix in affixes:
        k, a = len(affix), affix.casefold()
        if k > n:
            continue
        if s[:k].casefold() == a:
            return s[k:], True
        if s[n - k:].casefold() == a:
            return s[: n - k], True
    return s, False


def parse_localized_decimal(
    text: str, locale: str = "en_US", *, affixes: Iterable[str] = ()
) -> Decimal:
    """Read ``text`` as a decimal number written in ``locale``; raise :class:`NotANumber`.

    ``affixes`` are tokens that may stand once before or after the number (currency
    symbols and codes), compared case-insensitively. A single sign may stand before the
    number, on either side of a leading affix (``"-$3"``, ``"$-3"``, ``"CHF-3"``,
    ``"-3 €"``).
    """
    if not isinstance(text, str):
        raise NotANumber(repr(text), empty=text is None)
    s = normalize_text(text)
    tokens = sorted({normalize_text(a) for a in affixes if a}, key=len, reverse=True)
    negative = sign_seen = affix_seen = False
    while True:
        s = s.strip()
        if not sign_seen and s[:1] and (s[0] in _MINUS or s[0] in _PLUS):
            negative, sign_seen, s = s[0] in _MINUS, True, s[1:]
            continue
        if not affix_seen and tokens:
            s, affix_seen = _strip_affix(s, tokens)
            if affix_seen:
                continue
        break
    if not s:
        raise NotANumber(text, empty=True)

    group = get_group_symbol(locale)
    decimal = get_decimal_symbol(locale)
    if group in _SPACES:
        # Any space is the group separator; babel's strict check wants the locale's own.
        s = "".join(group if ch in _SPACES else ch for ch in s)
    elif group in ("’", "'"):
        s = s.replace("'", group).replace("’", group)
    if decimal != "." and group != "." and "." in s and decimal not in s:
        s = s.replace(".", decimal)

    allowed = _DIGITS | {group, decimal}
    if not s or any(ch not in allowed for ch in s) or not any(ch in _DIGITS for ch in s):
        raise NotANumber(text)
    try:
        value = parse_decimal(s, locale=locale, strict=True)
    except NumberFormatError as err:
        if _western_grouping(s, group, decimal):
            # "1,234,567.89" in en_IN (which groups 12,34,567): unambiguous, accept it.
            return _signed(parse_decimal(s, locale=locale), negative)
        suggestions = tuple(reversed(getattr(err, "suggestions", None) or ()))
        raise NotANumber(text, suggestions=suggestions) from None
    return _signed(value, negative)


def _signed(value: Decimal, negative: bool) -> Decimal:
    return -value if negative else value


def _western_grouping(s: str, group: str, decimal: str) -> bool:
    """True for digits grouped strictly by three (``1,234,567.5``) whatever the locale does."""
    whole = s.split(decimal, 1)[0] if decimal in s else s
    if s.count(decimal) > 1 or (decimal in s and group in s.split(decimal, 1)[1]):
        return False
    parts = whole.split(group)
    return (
        len(parts) > 1
        and 1 <= len(parts[0]) <= 3
        and all(len(p) == 3 for p in parts[1:])
    )
