"""A realistic receipt shared by the printing tests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shopdesk.domain.receipt import Receipt, ReceiptLine, ReceiptTax, ReceiptTender

LONG_NAME = "Bio-Vollkornbrot mit Sonnenblumenkernen, geschnitten, 750 g Packung"


@pytest.fixture
def receipt() -> Receipt:
    lines = (
        ReceiptLine("牛奶 1L", Decimal("2"), 129, 258, tax_code="B"),
        ReceiptLine(LONG_NAME, Decimal("1"), 399, 359, discount=40, tax_code="B"),
        ReceiptLine("Spülmittel Zitrone 500 ml", Decimal("3"), 149, 447, tax_code="A"),
    )
    taxes = (
        ReceiptTax("A", Decimal("19"), net=376, tax=71, gross=447),
        ReceiptTax("B", Decimal("7"), net=577, tax=40, gross=617),
    )
    return Receipt(
        store_name="Eckladen Müller",
        store_address="Hauptstraße 12\n10115 Berlin",
        tax_id="DE123456789",
        receipt_number="R-2024-000123",
        issued_at=datetime(2024, 5, 3, 12, 22, 5, tzinfo=UTC),
        cashier="Anna",
        till="2",
        currency="EUR",
        locale="de_DE",
        lines=lines,
        taxes=taxes,
        subtotal=1064,
        tax_total=111,
        total=1064,
        tenders=(ReceiptTender("Bar", 2000),),
        change=936,
        footer="Vielen Dank für Ihren Einkauf!\nUmtausch nur mit Bon.",
    )


@pytest.fixture
def copy_receipt(receipt: Receipt) -> Receipt:
    return dataclasses.replace(receipt, is_copy=True)


@pytest.fixture
def full_receipt(receipt: Receipt) -> Receipt:
    """Everything a receipt can say: line and cart discounts, split tenders with a card's
    approval code, change, cash rounding and the customer (Swiss-style 0.05 rounding)."""
    lines = (
        ReceiptLine("Kaffee Crema 500 g", Decimal("1"), 899, 764, discount=135, tax_code="B", cart_share=45),
        ReceiptLine("Milch 1 L", Decimal("2"), 129, 248, discount=10, tax_code="B", cart_share=10),
    )
    return dataclasses.replace(
        receipt,
        currency="CHF", locale="de_CH",
        lines=lines,
        taxes=(ReceiptTax("B", Decimal("7"), net=946, tax=66, gross=1012),),
        subtotal=1012, tax_total=66, total=1012, cart_discount=55, rounding=-2,
        tenders=(
            ReceiptTender("Karte", 500, card_type="VISA", reference="A1B2C3", kind="card"),
            ReceiptTender("Bar", 1000, kind="cash"),
        ),
        change=490,
        customer="Ada Lovelace",
    )


@pytest.fixture
def return_receipt(receipt: Receipt) -> Receipt:
    return dataclasses.replace(
        receipt,
        receipt_number="R-2024-000124",
        lines=(ReceiptLine("Spülmittel Zitrone 500 ml", Decimal("-1"), 149, -149, tax_code="A"),),
        taxes=(ReceiptTax("A", Decimal("19"), net=-125, tax=-24, gross=-149),),
        subtotal=-149, tax_total=-24, total=-149,
        tenders=(ReceiptTender("Bar", -149, kind="cash"),), change=0,
        kind="return", original_receipt="R-2024-000123",
    )
