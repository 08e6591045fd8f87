"""What a receipt says, independent of how it is printed (ESC/POS, PDF).

Amounts are integer minor units of ``currency``; the printers format them with
:func:`shopdesk.domain.money.format_money` in ``locale``.

Signs follow the sale: a return line has a negative quantity and a negative ``total``,
and a refund's tenders are negative. Discounts are always positive reductions of a line's
size (on a return line they reduce the refund).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

SALE, RETURN, EXCHANGE = "sale", "return", "exchange"


@dataclass(frozen=True)
class ReceiptLine:
    description: str
    quantity: Decimal
    unit_price: int
    total: int  # after every discount
    discount: int = 0  # everything taken off: its own discount plus its share of the cart discount
    tax_code: str = ""
    cart_share: int = 0  # the part of ``discount`` that is its share of the cart discount

    @property
    def sign(self) -> int:
        return -1 if self.quantity < 0 else 1

    @property
    def before_discount(self) -> int:
        """quantity × unit price: the line before any discount."""
        return self.total + self.sign * self.discount

    @property
    def own_discount(self) -> int:
        return self.discount - self.cart_share


@dataclass(frozen=True)
class ReceiptTax:
    code: str
    percent: Decimal
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class ReceiptTender:
    name: str
    amount: int  # handed over (cash: before change); negative when paid back
    card_type: str = ""  # as the card terminal says: VISA, Mastercard, …
    reference: str = ""  # approval code or voucher number, already masked for printing
    kind: str = ""  # cash | card | store_credit | other


@dataclass(frozen=True)
class Receipt:
    store_name: str
    store_address: str  # may span several lines
    tax_id: str
    receipt_number: str  # also encoded as a Code 128 barcode
    issued_at: datetime  # timezone-aware (UTC); printers show it in local time
    cashier: str
    till: str
    currency: str
    locale: str
    lines: tuple[ReceiptLine, ...]
    taxes: tuple[ReceiptTax, ...]
    subtotal: int  # sum of line totals as priced, after discounts (gross if prices include tax)
    tax_total: int
    total: int  # as priced; the amount due is ``total + rounding``
    tenders: tuple[ReceiptTender, ...]
    change: int
    prices_include_tax: bool = True
    footer: str = ""
    is_copy: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    cart_discount: int = 0  # the cart discount (already inside the lines' discounts)
    rounding: int = 0  # cash rounding
    customer: str = ""  # the attached customer's name
    kind: str = SALE  # sale | return | exchange
    original_receipt: str = ""  # a return or exchange: the receipt it goes back to
    logo: bytes | None = None  # the store's logo as PNG, printed centred above the header

    @property
    def due(self) -> int:
        return self.total + self.rounding

    @property
    def before_discounts(self) -> int:
        return sum(line.before_discount for line in self.lines)

    @property
    def line_discounts(self) -> int:
        """The lines' own discounts, signed like the lines (a return line's reduces the refund)."""
        return sum(line.sign * line.own_discount for line in self.lines)

    @property
    def has_discounts(self) -> bool:
        return any(line.discount for line in self.lines) or bool(self.cart_discount)


def mask_reference(reference: str, kind: str = "") -> str:
    """A tender reference as it may be printed.

    Card approval codes are printed as they are (they prove the payment and are useless to
    anyone else); anything that looks like a card number (12 or more digits) and voucher or
    other bearer codes keep only their last four characters.
    """
    text = " ".join(str(reference).split())
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 12 and len(digits) >= len(text.replace(" ", "").replace("-", "")):
        return "**** " + digits[-4:]
    if kind in ("card", "cash") or len(text) <= 4:
        return text
    return "*" * min(len(text) - 4, 8) + text[-4:]
