"""X and Z reports of a till session: what the drawer should hold and what was taken.

:class:`TillReport` holds the figures (made by
:meth:`shopdesk.services.till_sessions.TillSessionService.report`); this module lays them
out as lines of text for the receipt printer (:func:`layout_report`, :func:`report_text`,
:func:`report_escpos`) and as a PDF with a chart of the tenders (:func:`report_pdf`).
:func:`kick_drawer` opens the cash drawer wired to the receipt printer ("no sale").

python-escpos and reportlab load on first use, not when this module is imported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import BinaryIO

from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import format_money
from shopdesk.printing.receipt_text import WIDTH_80MM, TextLine, _Builder, check_width

#: Label key → English text; pass translations for any of them.
REPORT_LABELS: dict[str, str] = {
    "X report": QT_TRANSLATE_NOOP("till_report", "X report"),
    "Z report": QT_TRANSLATE_NOOP("till_report", "Z report"),
    "not closed: figures so far": QT_TRANSLATE_NOOP("till_report", "not closed: figures so far"),
    "Session": QT_TRANSLATE_NOOP("till_report", "Session"),
    "Till": QT_TRANSLATE_NOOP("till_report", "Till"),
    "Opened": QT_TRANSLATE_NOOP("till_report", "Opened"),
    "Closed": QT_TRANSLATE_NOOP("till_report", "Closed"),
    "Printed": QT_TRANSLATE_NOOP("till_report", "Printed"),
    "by": QT_TRANSLATE_NOOP("till_report", "by"),
    "Sales": QT_TRANSLATE_NOOP("till_report", "Sales"),
    "Gross sales": QT_TRANSLATE_NOOP("till_report", "Gross sales"),
    "Discounts": QT_TRANSLATE_NOOP("till_report", "Discounts"),
    "Returns": QT_TRANSLATE_NOOP("till_report", "Returns"),
    "Exchanges": QT_TRANSLATE_NOOP("till_report", "Exchanges"),
    "Total": QT_TRANSLATE_NOOP("till_report", "Total"),
    "Net": QT_TRANSLATE_NOOP("till_report", "Net"),
    "Tax": QT_TRANSLATE_NOOP("till_report", "Tax"),
    "Rounding": QT_TRANSLATE_NOOP("till_report", "Rounding"),
    "Tenders": QT_TRANSLATE_NOOP("till_report", "Tenders"),
    "refunded": QT_TRANSLATE_NOOP("till_report", "refunded"),
    "Cash drawer": QT_TRANSLATE_NOOP("till_report", "Cash drawer"),
    "Opening float": QT_TRANSLATE_NOOP("till_report", "Opening float"),
    "Cash sales": QT_TRANSLATE_NOOP("till_report", "Cash sales"),
    "Cash refunds": QT_TRANSLATE_NOOP("till_report", "Cash refunds"),
    "Paid in": QT_TRANSLATE_NOOP("till_report", "Paid in"),
    "Paid out": QT_TRANSLATE_NOOP("till_report", "Paid out"),
    "No sale": QT_TRANSLATE_NOOP("till_report", "No sale"),
    "Expected cash": QT_TRANSLATE_NOOP("till_report", "Expected cash"),
    "Counted cash": QT_TRANSLATE_NOOP("till_report", "Counted cash"),
    "Over/short": QT_TRANSLATE_NOOP("till_report", "Over/short"),
    "Count": QT_TRANSLATE_NOOP("till_report", "Count"),
    "Item": QT_TRANSLATE_NOOP("till_report", "Item"),
    "Amount": QT_TRANSLATE_NOOP("till_report", "Amount"),
    "Note": QT_TRANSLATE_NOOP("till_report", "Note"),
}


@dataclass(frozen=True)
class TaxTotal:
    code: str
    percent: Decimal
    net: int
    tax: int
    gross: int


@dataclass(frozen=True)
class TenderTotal:
    code: str
    name: str
    kind: str  # cash | card | store_credit | other
    taken: int  # applied in sales (≥ 0)
    refunded: int  # paid back in returns (≤ 0)
    count: int  # payments

    @property
    def net(self) -> int:
        return self.taken + self.refunded


@dataclass(frozen=True)
class TillReport:
    """An X report (session still open: figures so far) or a Z report (closed, counted)."""

    kind: str  # "X" or "Z"
    session_id: str
    number: str
    till_code: str
    till_name: str
    store_name: str
    currency: str
    locale: str
    opened_by: str
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    opening_float: int
    float_detail: Mapping[int, int]
    sales_count: int  # documents of kind sale or exchange
    returns_count: int  # documents of kind return or exchange that gave something back
    exchanges_count: int
    gross_sales: int  # sold lines, after discounts, incl. tax (prices as charged)
    discounts: int  # given on sold lines
    returns_total: int  # returned lines (≤ 0)
    total: int  # gross_sales + returns_total
    net_total: int
    tax_total: int
    rounding: int  # cash rounding, signed
    taxes: tuple[TaxTotal, ...]
    tenders: tuple[TenderTotal, ...]
    cash_sales: int  # cash applied in sales (≥ 0)
    cash_refunds: int  # cash paid back (≤ 0)
    paid_in: int
    paid_out: int
    paid_in_count: int
    paid_out_count: int
    no_sale_count: int
    expected_cash: int
    counted_cash: int | None = None
    count_detail: Mapping[int, int] = field(default_factory=dict)
    note: str = ""
    made_at: datetime | None = None

    @property
    def is_final(self) -> bool:
        return self.kind == "Z"

    @property
    def over_short(self) -> int | None:
        """Counted − expected: positive over, negative short; None before the count."""
        return None if self.counted_cash is None else self.counted_cash - self.expected_cash

    @property
    def takings(self) -> int:
        """What the session took in all tenders (sales and refunds), rounding included."""
        return sum(t.net for t in self.tenders)


def _labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(REPORT_LABELS)
    if labels:
        merged.update({k: v for k, v in labels.items() if v})
    return merged


def _when(value: datetime | None, tz: tzinfo | None) -> str:
    if value is None:
        return ""
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _denomination(value: int, currency: str, locale: str) -> str:
    return format_money(value, currency, locale)


def report_rows(report: TillReport, labels: Mapping[str, str] | None = None,
                *, tz: tzinfo | None = None) -> list[tuple[str, str, str]]:
    """The report's body as (section, label, amount) rows; both layouts read these."""
    L = _labels(labels)

    def money(minor: int) -> str:
        return format_money(minor, report.currency, report.locale)

    rows: list[tuple[str, str, str]] = []
    sales = L["Sales"]
    rows += [
        (sales, f"{L['Sales']} ({report.sales_count})", money(report.gross_sales + report.discounts)),
        (sales, L["Discounts"], money(-report.discounts)),
        (sales, L["Gross sales"], money(report.gross_sales)),
        (sales, f"{L['Returns']} ({report.returns_count})", money(report.returns_total)),
    ]
    if report.exchanges_count:
        rows.append((sales, f"{L['Exchanges']} ({report.exchanges_count})", ""))
    rows.append((sales, L["Total"], money(report.total)))
    for t in report.taxes:
        rate = f"{t.code} {t.percent.normalize():f}%"
        rows.append((L["Tax"], f"{rate} {L['Net']} {money(t.net)}", money(t.tax)))
    rows.append((L["Tax"], f"{L['Net']} {money(report.net_total)} · {L['Tax']}", money(report.tax_total)))
    if report.rounding:
        rows.append((L["Tax"], L["Rounding"], money(report.rounding)))
    tenders = L["Tenders"]
    for t in report.tenders:
        rows.append((tenders, f"{t.name} ({t.count})", money(t.taken)))
        if t.refunded:
            rows.append((tenders, f"{t.name} {L['refunded']}", money(t.refunded)))
    drawer = L["Cash drawer"]
    rows += [
        (drawer, L["Opening float"], money(report.opening_float)),
        (drawer, L["Cash sales"], money(report.cash_sales)),
        (drawer, L["Cash refunds"], money(report.cash_refunds)),
        (drawer, f"{L['Paid in']} ({report.paid_in_count})", money(report.paid_in)),
        (drawer, f"{L['Paid out']} ({report.paid_out_count})", money(-report.paid_out)),
        (drawer, L["No sale"], str(report.no_sale_count)),
        (drawer, L["Expected cash"], money(report.expected_cash)),
    ]
    if report.counted_cash is not None:
        rows.append((drawer, L["Counted cash"], money(report.counted_cash)))
        rows.append((drawer, L["Over/short"], money(report.over_short or 0)))
        for value, pieces in report.count_detail.items():
            rows.append((L["Count"], f"{pieces} × {_denomination(value, report.currency, report.locale)}",
                         money(value * pieces)))
    return rows


def layout_report(report: TillReport, width: int = WIDTH_80MM, labels: Mapping[str, str] | None = None,
                  *, tz: tzinfo | None = None) -> list[TextLine]:
    """The report as printer lines for ``width`` columns (the same model as receipts)."""
    width = check_width(width)
    L = _labels(labels)
    b = _Builder(width)
    if report.store_name:
        b.center(report.store_name, bold=True)
    b.center(L["Z report"] if report.is_final else L["X report"], bold=True, double=True)
    if not report.is_final:
        b.center(L["not closed: figures so far"])
    b.rule("=")
    b.pair(L["Session"], report.number)
    b.pair(L["Till"], f"{report.till_name} ({report.till_code})")
    b.pair(L["Opened"], _when(report.opened_at, tz))
    b.pair(L["by"], report.opened_by, indent=2)
    if report.closed_at is not None:
        b.pair(L["Closed"], _when(report.closed_at, tz))
        b.pair(L["by"], report.closed_by or "", indent=2)
    if report.made_at is not None and not report.is_final:
        b.pair(L["Printed"], _when(report.made_at, tz))
    section = None
    for heading, label, amount in report_rows(report, labels, tz=tz):
        if heading != section:
            section = heading
            b.rule("-")
            b.left(heading, bold=True)
        strong = label in (L["Total"], L["Expected cash"], L["Over/short"])
        b.pair(label, amount, bold=strong)
    if report.note:
        b.rule("-")
        b.left(f"{L['Note']}: {report.note}")
    b.rule("=")
    return b.lines


def report_text(report: TillReport, width: int = WIDTH_80MM, labels: Mapping[str, str] | None = None,
                *, tz: tzinfo | None = None) -> str:
    """Plain text, as printed (for a preview on screen)."""
    return "\n".join(line.text for line in layout_report(report, width, labels, tz=tz))


def report_escpos(report: TillReport, *, width: int = WIDTH_80MM, labels: Mapping[str, str] | None = None,
                  cut: bool = True, profile: str = "default", tz: tzinfo | None = None) -> bytes:
    """The report as ESC/POS bytes for the receipt printer."""
    from shopdesk.printing.receipt_escpos import finish, new_printer, write_lines

    p = new_printer(profile)
    write_lines(p, layout_report(report, width, labels, tz=tz))
    finish(p, cut=cut)
    return p.output


def report_pdf(report: TillReport, path_or_file: str | os.PathLike[str] | BinaryIO,
               labels: Mapping[str, str] | None = None, *, tz: tzinfo | None = None) -> int:
    """The report as an A4 PDF with a bar chart of the takings per tender; returns pages."""
    from shopdesk.printing.table_report import Bar, Column, TableReport, render_table_report

    L = _labels(labels)

    def money(minor: int) -> str:
        return format_money(minor, report.currency, report.locale)

    title = f"{L['Z report'] if report.is_final else L['X report']} {report.number}"
    if report.store_name:
        title = f"{report.store_name} — {title}"
    facts = [
        (L["Till"], f"{report.till_name} ({report.till_code})"),
        (L["Opened"], f"{_when(report.opened_at, tz)} {L['by']} {report.opened_by}"),
    ]
    if report.closed_at is not None:
        facts.append((L["Closed"], f"{_when(report.closed_at, tz)} {L['by']} {report.closed_by or ''}"))
    else:
        facts.append((L["Printed"], f"{_when(report.made_at, tz)} — {L['not closed: figures so far']}"))
    facts.append((L["Expected cash"], money(report.expected_cash)))
    if report.counted_cash is not None:
        facts.append((L["Counted cash"], money(report.counted_cash)))
        facts.append((L["Over/short"], money(report.over_short or 0)))
    if report.note:
        facts.append((L["Note"], " / ".join(report.note.splitlines())))
    bars = [Bar(t.name, float(t.net), money(t.net)) for t in report.tenders]
    table = TableReport(
        title=title,
        facts=facts,
        columns=(Column("", 1.2), Column(L["Item"], 3), Column(L["Amount"], 1.2, "right")),
        rows=[list(row) for row in report_rows(report, labels, tz=tz)],
        chart_title=L["Tenders"] if bars else "",
        bars=bars,
        footer=f"{report.number} · {report.till_code}",
    )
    return render_table_report(table, path_or_file)


# --------------------------------------------------------------------------- cash drawer


def drawer_kick_escpos(pin: int = 2) -> bytes:
    """The ESC/POS pulse that opens a cash drawer on connector pin 2 (or 5)."""
    from escpos.printer import Dummy

    p = Dummy()
    p.cashdraw(pin)
    return p.output


def kick_drawer(spec: str, *, pin: int = 2) -> Exception | None:
    """Open the cash drawer behind the receipt printer ``spec``. Trouble is returned, not
    raised, so a "no sale" or a sale never fails because of the printer."""
    if (spec or "none").strip() == "none":
        return None
    from shopdesk.printing.receipt_escpos import send_to_printer

    try:
        send_to_printer(drawer_kick_escpos(pin), spec)
    except Exception as err:  # noqa: BLE001 - reported to the person, never into the sale
        return err
    return None
