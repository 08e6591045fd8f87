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
