"""Shelf and product labels for chosen products (or the lines of a goods receipt).

Reads each product's name, price, unit and first barcode (else its SKU, printed as
Code 128) in one read transaction, prices them in the store's currency and locale, and
hands them to :mod:`shopdesk.printing.labels`. Unit prices are shown for products sold by
measure: ``kg``, ``l`` and ``m`` as price per that unit, ``g`` converted to price per kg.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import BinaryIO

from sqlalchemy import literal_column, select

from shopdesk.domain.errors import NotFound
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.label import LabelItem, RollLayout, SheetLayout
from shopdesk.domain.money import format_money
from shopdesk.printing.labels import render_label_roll, render_label_sheet
from shopdesk.services.store_settings import store_info
from shopdesk.store.database import Database
from shopdesk.store.models import Barcode, Product

#: unit of sale → (factor from the product's price to the shown unit price, shown unit)
UNIT_PRICE_BASIS: dict[str, tuple[int, str]] = {"kg": (1, "kg"), "l": (1, "l"), "m": (1, "m"),
                                                 "g": (1000, "kg")}

_ROWID = literal_column("barcodes.rowid")


def unit_price_text(price: int, unit: str, currency: str, locale: str) -> str:
    """``"€2.58 / kg"`` for products sold by measure; ``""`` for pieces."""
    basis = UNIT_PRICE_BASIS.get(unit)
    if basis is None:
        return ""
    factor, shown = basis
    return f"{format_money(price * factor, currency, locale)} / {shown}"


class LabelService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def items_for_products(self, product_ids: Sequence[str],
                           copies: int | Mapping[str, int] = 1) -> list[LabelItem]:
        """One :class:`LabelItem` per id, in the order given (duplicates print twice).

        ``copies`` is one count for all, or a mapping product id → count (e.g. the
        quantities of a goods receipt; ids missing from it get one label).
        """
        ids = list(product_ids)
        info = store_info(self.db)
        with self.db.reader() as s:
            rows = s.scalars(select(Product).where(Product.id.in_(set(ids)))).all()
            found = {p.id: p for p in rows}
            missing = [pid for pid in dict.fromkeys(ids) if pid not in found]
            if missing:
                raise NotFound(
                    QT_TRANSLATE_NOOP("errors", "{missing} of the {total} products to label no longer exist; refresh the list and try again."),
                    missing=len(missing), total=len(set(ids)),
                )
            first_code = self._first_barcodes(s, list(found))
            items = []
            for pid in ids:
                product = found[pid]
                count = copies.get(pid, 1) if isinstance(copies, Mapping) else copies
                items.append(LabelItem(
                    name=product.name, price=product.price, currency=info.currency,
                    locale=info.locale, barcode=first_code.get(pid) or product.sku,
                    sku=product.sku, unit=product.unit,
                    unit_price_text=unit_price_text(product.price, product.unit, info.currency, info.locale),
                    copies=count,
                ))
        return items

    @staticmethod
    def _first_barcodes(session, product_ids: list[str]) -> dict[str, str]:
        """The first barcode added to each product (SQLite rowid order = insertion order)."""
        if not product_ids:
            return {}
        rows = session.execute(
            select(Barcode.product_id, Barcode.code)
            .where(Barcode.product_id.in_(product_ids))
            .order_by(Barcode.product_id, _ROWID)
        )
        first: dict[str, str] = {}
        for product_id, code in rows:
            first.setdefault(product_id, code)
        return first

    def print_sheet(self, product_ids: Sequence[str], path: str | os.PathLike[str] | BinaryIO,
                    layout: SheetLayout | None = None, copies: int | Mapping[str, int] = 1,
                    start_position: int = 0) -> int:
        """Labels on sheets (default: 3 × 8 on A4); returns the number of pages."""
        items = self.items_for_products(product_ids, copies)
        return render_label_sheet(items, layout or SheetLayout(), path, start_position=start_position)

    def print_roll(self, product_ids: Sequence[str], path: str | os.PathLike[str] | BinaryIO,
                   layout: RollLayout | None = None, copies: int | Mapping[str, int] = 1) -> int:
        """Roll labels (default 50 × 30 mm), one PDF page each; returns the number of labels."""
        items = self.items_for_products(product_ids, copies)
        return render_label_roll(items, layout or RollLayout(), path)
