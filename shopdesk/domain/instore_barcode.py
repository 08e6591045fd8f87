"""GS1 in-store codes from shop scales: EAN-13 with a prefix 20–29 carrying the item
(PLU) and a weight, a price or a count.

GS1 leaves prefixes 20–29 to each country or shop ("restricted circulation"), so *how*
the 13 digits are read is configuration: a :class:`Layout` per prefix (stored in the
``barcode_layouts`` table, edited in the store settings). A layout splits the 10 digits
between the prefix and the EAN check digit into::

    prefix(2) | item (PLU) | [price/measure verifier digit] | value | EAN check digit(1)

so ``item_digits + value_digits`` is 10, or 9 with a verifier digit. The value is read
with ``value_decimals`` implied decimals: grams as kg to 3 decimals (``01250`` → 1.250 kg),
a price in the currency's minor unit (``00499`` → 4.99), a count without decimals.

Two checks make sure a misread never sells the wrong weight or price: the EAN-13 check
digit of the whole code, and, when the layout has one, the GS1 price (or measure) verifier
digit over a 4- or 5-digit value (GS1 General Specifications, 7.9.2–7.9.3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.domain.errors import InvalidBarcode
from shopdesk.domain.gtin import gtin_check_digit
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP

PREFIXES = tuple(str(p) for p in range(20, 30))
KINDS = ("weight", "price", "count")
CODE_LENGTH = 13
#: Digits shared by item and value: 13 − prefix (2) − EAN check digit (1).
PAYLOAD_DIGITS = CODE_LENGTH - 2 - 1

# GS1 weighting factors for the price/measure verifier digit, as tables digit → result.
#   2-: units digit of (2d − tens digit of 2d)       3: units digit of 3d
#   5+: units digit of (5d + tens digit of 5d)      5-: units digit of (5d − tens digit of 5d)
_W2_MINUS = (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)
_W3 = (0, 3, 6, 9, 2, 5, 8, 1, 4, 7)
_W5_PLUS = (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)
_W5_MINUS = (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)
_W5_MINUS_INVERSE = tuple(_W5_MINUS.index(r) for r in range(10))


def _is_digits(text: str) -> bool:
    return isinstance(text, str) and text.isascii() and text.isdigit()


def is_in_store_code(code: str) -> bool:
    """A 13-digit code in the GS1 in-store range (prefix 20–29), as scale labels print."""
    code = (code or "").strip()
    return len(code) == 13 and code.isdigit() and code[0] == "2"


def price_check_digit(value: str) -> int:
    """The GS1 price (or measure) verifier digit of a 4- or 5-digit value.

    * 4 digits: weighting factors 2-, 2-, 3, 5- on positions 1–4; the check digit is the
      units digit of 3 × the sum (GS1 example: ``2875`` → 9).
    * 5 digits: weighting factors 5+, 2-, 5-, 5+, 2-; take 10 minus the units digit of the
      sum (mod 10), and the check digit is the digit whose 5- weighted result equals it
      (GS1 example: ``14685`` → 6).
    """
    if not _is_digits(value) or len(value) not in (4, 5):
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "'{code}' has no price check digit: it must be 4 or 5 digits."),
            code=value,
        )
    d = [int(c) for c in value]
    if len(d) == 4:
        total = _W2_MINUS[d[0]] + _W2_MINUS[d[1]] + _W3[d[2]] + _W5_MINUS[d[3]]
        return total * 3 % 10
    total = _W5_PLUS[d[0]] + _W2_MINUS[d[1]] + _W5_MINUS[d[2]] + _W5_PLUS[d[3]] + _W2_MINUS[d[4]]
    return _W5_MINUS_INVERSE[(10 - total % 10) % 10]


@dataclass(frozen=True)
class Layout:
    """How the codes of one prefix are read (see the module docstring)."""

    prefix: str
    kind: str
    item_digits: int = 5
    value_digits: int = 5
    value_decimals: int = 3
    price_check_digit: bool = False


def layout_problem(layout: Layout) -> tuple[str, str, dict] | None:
    """What is wrong with a layout as (field, message template, params), or ``None``."""
    if layout.prefix not in PREFIXES:
        return "prefix", QT_TRANSLATE_NOOP(
            "errors", "The prefix must be one of 20 to 29 (GS1 in-store codes), not '{prefix}'."), \
            {"prefix": layout.prefix}
    if layout.kind not in KINDS:
        return "kind", QT_TRANSLATE_NOOP("errors", "Unknown kind '{kind}'; use weight, price or count."), \
            {"kind": layout.kind}
    for name in ("item_digits", "value_digits", "value_decimals"):
        if not isinstance(getattr(layout, name), int) or isinstance(getattr(layout, name), bool):
            return name, QT_TRANSLATE_NOOP("errors", "Enter a whole number of digits."), {}
    if layout.item_digits < 1 or layout.value_digits < 1:
        return "item_digits", QT_TRANSLATE_NOOP(
            "errors", "The item number and the value need at least one digit each."), {}
    payload = PAYLOAD_DIGITS - (1 if layout.price_check_digit else 0)
    if layout.item_digits + layout.value_digits != payload:
        return "value_digits", QT_TRANSLATE_NOOP(
            "errors", "Item digits and value digits must add up to {payload} ({detail}), not {given}."), \
            {"payload": payload, "given": layout.item_digits + layout.value_digits,
             "detail": "13 − prefix 2 − check digit 1" + (" − price check digit 1" if layout.price_check_digit else "")}
    if layout.price_check_digit and layout.value_digits not in (4, 5):
        return "price_check_digit", QT_TRANSLATE_NOOP(
            "errors", "A price check digit needs a value of 4 or 5 digits."), {}
    max_decimals = 3 if layout.kind in ("weight", "count") else 4
    if not 0 <= layout.value_decimals <= min(max_decimals, layout.value_digits):
        return "value_decimals", QT_TRANSLATE_NOOP(
            "errors", "Use between 0 and {max} decimals for a {kind} value."), \
            {"max": min(max_decimals, layout.value_digits), "kind": layout.kind}
    return None


@dataclass(frozen=True)
class InStoreCode:
    """An in-store code as read by its layout.

    ``quantity`` is the weight in kg (weight codes) or the count (count codes);
    ``price`` the printed price in minor units (price codes); the other one is ``None``.
    """

    prefix: str
    item: str
    kind: str
    quantity: Decimal | None
    price: int | None


def _by_prefix(layouts: Mapping[str, Layout] | Iterable[Layout]) -> Mapping[str, Layout]:
    if isinstance(layouts, Mapping):
        return layouts
    return {layout.prefix: layout for layout in layouts}


def parse(code: str, layouts: Mapping[str, Layout] | Iterable[Layout], *,
          currency_decimals: int = 2) -> InStoreCode | None:
    """Read an in-store code, or ``None`` when it is not one this shop reads.

    ``None`` for anything other than 13 ASCII digits and for a prefix without a layout,
    so the code can be looked up as an ordinary barcode. Raises :class:`InvalidBarcode`
    for a wrong EAN-13 check digit or a wrong price/measure verifier digit, and for a
    printed price finer than the currency's minor unit (``currency_decimals``).

    ``layouts`` is a mapping prefix → layout or any iterable of objects with the
    attributes of :class:`Layout` (e.g. the stored rows).
    """
    code = code.strip() if isinstance(code, str) else ""
    if not _is_digits(code) or len(code) != CODE_LENGTH:
        return None
    layout = _by_prefix(layouts).get(code[:2])
    if layout is None:
        return None
    expected = gtin_check_digit(code[:-1])
    if expected != int(code[-1]):
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "Barcode {code} is not a valid EAN-13: its check digit should be {expected}, not {actual}. Scan it again or check the digits."),
            code=code, kind="EAN-13", expected=expected, actual=code[-1],
        )
    start = 2
    item = code[start:start + layout.item_digits]
    start += layout.item_digits
    if layout.price_check_digit:
        verifier = int(code[start])
        start += 1
    value_text = code[start:start + layout.value_digits]
    if len(item) != layout.item_digits or len(value_text) != layout.value_digits or start + layout.value_digits != 12:
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "The layout for prefix {prefix} does not fit a 13-digit code; check the barcode settings."),
            code=code, prefix=layout.prefix,
        )
    if layout.price_check_digit:
        should = price_check_digit(value_text)
        if should != verifier:
            raise InvalidBarcode(
                QT_TRANSLATE_NOOP("errors", "Barcode {code}: the price check digit should be {expected}, not {actual}. Scan it again."),
                code=code, expected=should, actual=verifier,
            )
    value = int(value_text)
    if layout.kind == "price":
        shift = currency_decimals - layout.value_decimals
        if shift >= 0:
            price = value * 10**shift
        elif value % 10**-shift == 0:
            price = value // 10**-shift
        else:
            raise InvalidBarcode(
                QT_TRANSLATE_NOOP("errors", "Barcode {code} prints a price finer than the currency allows; check the barcode settings for prefix {prefix}."),
                code=code, prefix=layout.prefix,
            )
        return InStoreCode(layout.prefix, item, "price", None, price)
    quantity = Decimal(value).scaleb(-layout.value_decimals)
    return InStoreCode(layout.prefix, item, layout.kind, quantity, None)


def make_code(prefix: str, item: str, value: str, *, price_check: bool = False) -> str:
    """A valid in-store EAN-13 from its parts (tests, label printing): the verifier digit
    (when asked) and the EAN check digit are added."""
    body = prefix + item + (str(price_check_digit(value)) if price_check else "") + value
    if not _is_digits(body) or len(body) != CODE_LENGTH - 1:
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "'{code}' cannot become an in-store code: it needs 12 digits before the check digit."),
            code=body,
        )
    return body + str(gtin_check_digit(body))
