"""Parcels, addresses and tracking numbers: what a shipping label, a packing slip and a
pick list carry, and the rules tracking numbers follow.

UPU S10 (postal items): two letters for the service, eight digits of serial, a check
digit, and the ISO 3166-1 alpha-2 country of the post that issued it, e.g. ``RR123456785GB``.
The check digit weighs the serial's digits 8 6 4 2 3 5 9 7; 11 − (sum mod 11), where 10
becomes 0 and 11 becomes 5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_S10 = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")
MAX_S10_SERIAL = 99_999_999


@dataclass(frozen=True)
class Address:
    name: str
    company: str = ""
    lines: tuple[str, ...] = ()  # street, house, flat: as the customer wrote them
    city: str = ""
    postcode: str = ""
    region: str = ""
    country: str = ""  # ISO 3166-1 alpha-2, upper case
    phone: str = ""
    email: str = ""

    def block(self) -> list[str]:
        """The address as printed on a label, one line per entry, empty parts left out."""
        city = " ".join(part for part in (self.postcode, self.city) if part)
        if self.region:
            city = f"{city}, {self.region}" if city else self.region
        rows = [self.name, self.company, *self.lines, city, self.country]
        return [row for row in (r.strip() for r in rows) if row]


@dataclass(frozen=True)
class ShippingLabelData:
    """Everything one parcel's label shows (PDF 4×6 in / A6, or ZPL)."""

    order_number: str
    sender: Address
    recipient: Address
    carrier: str  # the carrier's name, e.g. "Royal Mail"
    service: str  # e.g. "Tracked 48"
    weight_g: int
    tracking_number: str
    tracking_url: str  # what the QR code holds
    parcel: str = ""  # parcel type, e.g. "Small box"
    dimensions_mm: tuple[int, int, int] | None = None  # length, width, height
    cash_on_delivery: str = ""  # the amount to collect, formatted; "" when prepaid
    shipped_on: date | None = None


@dataclass(frozen=True)
class PackingSlipLine:
    sku: str
    name: str
    quantity: Decimal
    barcode: str = ""


@dataclass(frozen=True)
class PackingSlipData:
    order_number: str
    ordered_on: date
    store_name: str
    store_address: Address
    ship_to: Address
    lines: tuple[PackingSlipLine, ...]
    shipping_method: str = ""
    note: str = ""
    external_ref: str = ""  # the web shop's own order number


@dataclass(frozen=True)
class PickLine:
    """One product to fetch from one place, for one or more orders of a batch."""

    location: str  # location code, e.g. "BACK"
    bin: str  # "" when the product has no bin there
    sku: str
    name: str
    quantity: Decimal
    barcode: str = ""
    orders: tuple[tuple[str, Decimal], ...] = field(default_factory=tuple)  # (order number, quantity)


@dataclass(frozen=True)
class PickListData:
    title: str  # e.g. "Pick list PB-000012"
    created_on: date
    orders: tuple[str, ...]  # order numbers in the batch
    lines: tuple[PickLine, ...]  # already in walking order (location, bin, SKU)


# -- tracking numbers ------------------------------------------------------------------------
def s10_check_digit(serial: str) -> int:
    """The S10 check digit of an 8-digit serial number."""
    if len(serial) != 8 or not serial.isdigit() or not serial.isascii():
        raise ValidationError("tracking_number", QT_TRANSLATE_NOOP(
            "errors", "An S10 serial number has exactly 8 digits, not '{serial}'."), serial=serial)
    check = 11 - sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check)


def make_s10(service: str, serial: int, country: str) -> str:
    """An S10 tracking number, e.g. ``make_s10("RR", 12345678, "GB") == "RR123456785GB"``."""
    service, country = service.strip().upper(), country.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", service):
        raise ValidationError("service_indicator", QT_TRANSLATE_NOOP(
            "errors", "An S10 service indicator is two letters (such as RR or CP), not '{value}'."), value=service)
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise ValidationError("country", QT_TRANSLATE_NOOP(
            "errors", "An S10 country is a two-letter ISO code (such as GB), not '{value}'."), value=country)
    if not 0 <= serial <= MAX_S10_SERIAL:
        raise ValidationError("serial", QT_TRANSLATE_NOOP(
            "errors", "The S10 serial numbers of this carrier are used up (8 digits); start a new range."))
    digits = f"{serial:08d}"
    return f"{service}{digits}{s10_check_digit(digits)}{country}"


def is_valid_s10(number: str) -> bool:
    found = _S10.match(number or "")
    return bool(found) and s10_check_digit(found.group(2)) == int(found.group(3))


def clean_tracking_number(text: str) -> str:
    """A tracking number as typed or scanned: spaces and dashes people add are dropped, upper case."""
    return re.sub(r"[\s\-]", "", (text or "")).upper()


def check_tracking_number(number: str, pattern: str, *, s10: bool = False) -> str:
    """The cleaned number, or a ValidationError saying what the carrier's numbers look like.

    ``pattern`` is the carrier profile's regular expression (whole number); ``s10`` also
    checks the UPU S10 layout and check digit.
    """
    cleaned = clean_tracking_number(number)
    if not cleaned:
        raise ValidationError("tracking_number", QT_TRANSLATE_NOOP(
            "errors", "Enter or scan the tracking number."))
    if s10 and not is_valid_s10(cleaned):
        raise ValidationError("tracking_number", QT_TRANSLATE_NOOP(
            "errors", "'{number}' is not a valid S10 number (2 letters, 8 digits, check digit, "
                      "2-letter country, e.g. RR123456785GB); check it was typed or scanned right."),
            number=cleaned)
    if pattern and not re.fullmatch(pattern, cleaned):
        raise ValidationError("tracking_number", QT_TRANSLATE_NOOP(
            "errors", "'{number}' does not look like a tracking number of this carrier "
                      "(expected: {pattern}); check it was typed or scanned right."),
            number=cleaned, pattern=pattern)
    return cleaned


def tracking_url(template: str, number: str) -> str:
    """The carrier's tracking page for a number: ``{tracking}`` in the template is replaced."""
    if not template:
        return ""
    return template.replace("{tracking}", number)
