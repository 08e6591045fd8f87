"""What a receipt says, independent of how it is printed (ESC/POS, PDF).

Amounts are integer minor units of ``currency``; the printers format them with
:func:`shopdesk.domain.money.format_money` in ``locale``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class ReceiptLine:
    description: str
    quantity: Decimal
    unit_price: int
    total: int
    discount: int = 0
    tax_code: str = ""


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
    amount: int


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
    subtotal: int  # sum of line totals as priced (gross if prices include tax)
    tax_total: int
    total: int  # amount due
    tenders: tuple[ReceiptTender, ...]
    change: int
    prices_include_tax: bool = True
    footer: str = ""
    is_copy: bool = False
    extra: dict[str, str] = field(default_factory=dict)
