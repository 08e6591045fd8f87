"""Stock reports for owners: the valuation at moving-average cost, as PDF or CSV.

The GUI and the command line call these; both read through :class:`StockViews`.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime
from pathlib import Path

from shopdesk.domain.money import format_money, minor_digits
from shopdesk.domain.permissions import Permission
from shopdesk.domain.quantity import format_quantity
from shopdesk.printing.pdf_text import write_pdf
from shopdesk.printing.table_report import Bar, Column, TableReport, render_table_report
from shopdesk.services.staff_session import StaffSession
from shopdesk.services.stock_views import StockViews, Valuation
from shopdesk.services.store_settings import store_info
from shopdesk.store.database import Database


def valuation_report(db: Database, actor: StaffSession, path: str | os.PathLike[str],
                     location_code: str | None = None, *, valuation: Valuation | None = None) -> Valuation:
    """Write the valuation to ``path``: a PDF with a chart, or CSV when the name ends in .csv.

    ``valuation`` is one just computed for the screen (a million products take seconds)."""
    actor.require(Permission.VIEW_REPORTS)
    if valuation is None:
        valuation = StockViews(db).valuation(actor, location_code)
    info = store_info(db)
    cur, loc = info.currency, info.locale
    if Path(path).suffix.lower() == ".csv":
        digits = minor_digits(cur)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["location", "name", "products", "quantity", f"value_{cur}"])
        for v in valuation.per_location:
            writer.writerow([v.code, v.name, v.product_count, str(v.quantity), _plain(v.value, digits)])
        writer.writerow(["TOTAL", "", valuation.product_count, "", _plain(valuation.total_value, digits)])
        write_pdf(out.getvalue().encode("utf-8"), path, "report")
        return valuation
    report = TableReport(
        title=f"Stock valuation — {info.name}",
        facts=[("Date", datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")),
               ("Method", "moving-average cost"),
               ("Products in stock", str(valuation.product_count)),
               ("Total value", format_money(valuation.total_value, cur, loc))],
        columns=[Column("Location", 12), Column("Name", 40), Column("Products", 12, "right"),
                 Column("Quantity", 16, "right"), Column("Value", 20, "right")],
        rows=[[v.code, v.name, str(v.product_count), format_quantity(v.quantity, loc),
               format_money(v.value, cur, loc)] for v in valuation.per_location],
        totals=["", "Total", str(valuation.product_count), "", format_money(valuation.total_value, cur, loc)],
        chart_title="Value per location",
        bars=[Bar(f"{v.code} {v.name}", v.value, format_money(v.value, cur, loc)) for v in valuation.per_location],
        footer=f"{info.name} · stock valuation",
    )
    render_table_report(report, path)
    return valuation


def _plain(minor: int, digits: int) -> str:
    """Minor units as a plain decimal for spreadsheets (12345 → "123.45")."""
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**digits) if digits else (abs(minor), 0)
    return f"{sign}{whole}.{frac:0{digits}d}" if digits else f"{sign}{whole}"
