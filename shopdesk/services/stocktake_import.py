"""Reading counts from a handheld scanner's export: one row per scan or per product.

Format: ``barcode,quantity`` (a third column ``zone`` is optional), with or without a
header row, comma, semicolon or tab separated; an empty quantity means 1 (one scan).
Every row is checked before anything is written: one bad row rejects the file with the
row numbers and what to fix, and nothing is applied (see StocktakeService.import_counts).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.domain.errors import InvalidBarcode, ShopDeskError, ValidationError
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.parsing import NotANumber, parse_localized_decimal
from shopdesk.domain.stock_rules import checked_quantity, zone_name
from shopdesk.services.csv_files import (
    ImportFileError,
    RowError,
    decode_csv_bytes,
    read_source,
    refuse_nul,
    sniff_delimiter,
)

_HEADER_WORDS = {"barcode", "code", "ean", "upc", "gtin", "sku", "item", "article"}
MAX_ROW_ERRORS_SHOWN = 20


class CountFileRejected(ShopDeskError):
    """Rows of the file are wrong; ``rejects`` lists every one. Nothing was applied."""

    def __init__(self, rejects: list[RowError]) -> None:
        self.rejects = tuple(rejects)
        shown = "; ".join(str(r) for r in rejects[:MAX_ROW_ERRORS_SHOWN])
        more = len(rejects) - MAX_ROW_ERRORS_SHOWN
        super().__init__(
            QT_TRANSLATE_NOOP("errors", "{count} rows of the count file are wrong, so nothing was imported. Fix them and import again: {rows}{more}"),
            count=len(rejects), rows=shown, more=f" (and {more} more)" if more > 0 else "",
        )


@dataclass(frozen=True)
class CountRow:
    row: int
    code: str
    quantity: Decimal
    zone: str


def parse_count_file(data: bytes | str | os.PathLike) -> list[CountRow]:
    """Every row of a handheld export, or :class:`CountFileRejected` naming each bad row."""
    text, _ = decode_csv_bytes(read_source(data))
    refuse_nul(text)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[CountRow] = []
    rejects: list[RowError] = []
    record = 0
    try:
        for fields in reader:
            record += 1
            fields = [f.strip() for f in fields]
            if not any(fields):
                continue
            if record == 1 and fields[0].lstrip("\ufeff").casefold() in _HEADER_WORDS:
                continue
            parsed = _row(record, fields, delimiter, rejects)
            if parsed is not None:
                rows.append(parsed)
    except csv.Error as err:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "Row {row} is not valid CSV: {problem}."),
                              row=record + 1, problem=str(err)) from None
    if rejects:
        raise CountFileRejected(rejects)
    if not rows:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The count file has no rows. Each row needs a barcode and a quantity."))
    return rows


def _row(record: int, fields: list[str], delimiter: str, rejects: list[RowError]) -> CountRow | None:
    code = fields[0]
    if not code:
        rejects.append(RowError(record, "barcode", "", "the barcode is missing"))
        return None
    try:
        barcode_lookup_key(code)
    except InvalidBarcode as err:
        rejects.append(RowError(record, "barcode", code, str(err)))
        return None
    raw = fields[1] if len(fields) > 1 else ""
    try:
        # "1,5" is a decimal comma only where the comma does not separate the fields
        quantity = Decimal(1) if not raw else parse_localized_decimal(
            raw, "de_DE" if delimiter != "," and "," in raw else "en_US")
        quantity = checked_quantity(quantity, "quantity", allow_zero=True)
    except NotANumber:
        rejects.append(RowError(record, "quantity", raw, f"'{raw}' is not a quantity; write a number such as 12"))
        return None
    except ValidationError as err:
        rejects.append(RowError(record, "quantity", raw, str(err)))
        return None
    try:
        zone = zone_name(fields[2] if len(fields) > 2 else "")
    except ValidationError as err:
        rejects.append(RowError(record, "zone", fields[2], str(err)))
        return None
    return CountRow(record, code, quantity, zone)
