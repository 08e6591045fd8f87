"""Receipts for completed sales: what they say (from the stored, immutable sale) and
where they go (the configured ESC/POS printer, and a PDF copy kept beside the database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from shopdesk.domain.cart import LineInput, price_cart
from shopdesk.domain.errors import NotFound, ShopDeskError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.receipt import Receipt, ReceiptLine, ReceiptTax, ReceiptTender, mask_reference
from shopdesk.domain.tax import TaxRate as DomainTaxRate
from shopdesk.domain.tax import round_shares
from shopdesk.services.store_settings import load_settings, store_logo
from shopdesk.store.counter_models import Customer, TenderType
from shopdesk.store.database import Database
from shopdesk.store.models import Sale, SaleLine, SalePayment, Till, User
from shopdesk.store.types import utcnow

# Tender names are receipt labels, so they print in the language the labels are given in
# (the names the store starts with are keys of shopdesk.printing.receipt_text.DEFAULT_LABELS).
TENDER_LABELS = {"cash": "Cash", "card": "Card", "voucher": "Voucher", "transfer": "Bank transfer",
                 "store_credit": "Store credit"}


@dataclass(frozen=True)
class ReceiptOutput:
    receipt_number: str
    pdf_path: Path
    printed: bool
    printer_error: ShopDeskError | None  # the sale stands even if the printer fails; reprint later


def receipts_folder(db: Database) -> Path:
    return db.path.parent / "receipts"


class ReceiptService:
    def __init__(self, db: Database, labels: Mapping[str, str] | None = None) -> None:
        self.db = db
        self.labels = labels

    def receipt_for(self, sale_id: str, *, copy: bool = False) -> Receipt:
        logo = store_logo(self.db)
        with self.db.reader() as s:
            sale = s.get(Sale, sale_id)
            if sale is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "No sale with that receipt exists."))
            settings = load_settings(s)
            lines = list(s.scalars(select(SaleLine).where(SaleLine.sale_id == sale_id).order_by(SaleLine.line_no)))
            payments = list(s.scalars(select(SalePayment).where(SalePayment.sale_id == sale_id)))
            till = s.get(Till, sale.till_id)
            cashier = s.get(User, sale.user_id)
            customer = s.get(Customer, sale.customer_id) if sale.customer_id else None
            original = s.get(Sale, sale.original_sale_id) if sale.original_sale_id else None
            types = {t.code: t for t in s.scalars(select(TenderType))}
            # Cash last: it carries the change.
            payments.sort(key=lambda p: (p.created_at, getattr(types.get(p.tender), "kind", "") == "cash"))
            # The tax summary is re-derived from the stored lines by the same pricing rule.
            totals = price_cart(
                [LineInput(key=line.id, quantity=line.quantity, unit_price=line.unit_price,
                           tax=DomainTaxRate(code=line.tax_code, percent=line.tax_percent),
                           discount=line.discount) for line in lines],
                prices_include_tax=sale.prices_include_tax,
            )
            amounts = [priced.amount for priced in totals.lines]
            shares = cart_discount_shares(sale.cart_discount, amounts, [line.discount for line in lines])
            return Receipt(
                store_name=settings.name, store_address=settings.address, tax_id=settings.tax_id,
                receipt_number=sale.receipt_number, issued_at=sale.completed_at,
                cashier=cashier.display_name, till=till.name, currency=sale.currency, locale=settings.locale,
                lines=tuple(
                    ReceiptLine(description=line.description, quantity=line.quantity,
                                unit_price=line.unit_price, total=amount, discount=line.discount,
                                tax_code=line.tax_code, cart_share=share)
                    for line, amount, share in zip(lines, amounts, shares, strict=True)
                ),
                taxes=tuple(ReceiptTax(t.code, t.percent, t.net, t.tax, t.gross) for t in totals.taxes),
                subtotal=totals.subtotal, tax_total=sale.tax_total, total=sale.grand_total,
                tenders=tuple(self._tender(p, types.get(p.tender)) for p in payments),
                change=sum(p.change for p in payments),
                prices_include_tax=sale.prices_include_tax, footer=settings.receipt_footer, is_copy=copy,
                cart_discount=sale.cart_discount, rounding=sale.rounding,
                customer=customer.name if customer else "", kind=sale.kind or "sale",
                original_receipt=original.receipt_number if original else "", logo=logo,
            )

    def _tender(self, payment: SalePayment, tender_type: TenderType | None) -> ReceiptTender:
        kind = tender_type.kind if tender_type else ""
        if payment.tender in TENDER_LABELS or tender_type is None:
            name = self._tender_name(payment.tender)
        else:  # a tender type the store made: its own name, translated if a label is given
            name = (self.labels or {}).get(tender_type.name, tender_type.name)
        return ReceiptTender(name, payment.tendered, card_type=payment.card_type or "",
                             reference=mask_reference(payment.reference or "", kind), kind=kind)

    def _tender_name(self, tender: str) -> str:
        label = TENDER_LABELS.get(tender, tender)
        return (self.labels or {}).get(label, label)

    def printer_spec(self) -> str:
        with self.db.reader() as s:
            return load_settings(s).receipt_printer

    def print_test(self, spec: str) -> None:
        """Print a short sample receipt on ``spec`` so staff can check the printer set-up."""
        logo = store_logo(self.db)
        with self.db.reader() as s:
            settings = load_settings(s)
            sample = Receipt(
                store_name=settings.name, store_address=settings.address, tax_id=settings.tax_id,
                receipt_number="TEST", issued_at=utcnow(), cashier="", till="", currency=settings.currency,
                locale=settings.locale, lines=(), taxes=(), subtotal=0, tax_total=0, total=0, tenders=(),
                change=0, prices_include_tax=settings.prices_include_tax, footer=settings.receipt_footer,
                logo=logo,
            )
        from shopdesk.printing.receipt_escpos import render_escpos, send_to_printer  # heavy: on use

        send_to_printer(render_escpos(sample, labels=self.labels), spec)

    def issue(self, sale_id: str, *, copy: bool = False, open_drawer: bool = False) -> ReceiptOutput:
        """Keep a PDF copy and print on the receipt printer. Printer trouble is reported, not raised."""
        # python-escpos and reportlab take ~0.5 s to import: loaded at the first receipt,
        # not at start-up.
        from shopdesk.printing.receipt_escpos import render_escpos, send_to_printer
        from shopdesk.printing.receipt_pdf import render_pdf

        receipt = self.receipt_for(sale_id, copy=copy)
        folder = receipts_folder(self.db)
        folder.mkdir(parents=True, exist_ok=True)
        suffix = "-copy" if copy else ""
        pdf_path = folder / f"{receipt.receipt_number}{suffix}.pdf"
        render_pdf(receipt, pdf_path, labels=self.labels)
        spec = self.printer_spec()
        if spec in ("", "none"):
            return ReceiptOutput(receipt.receipt_number, pdf_path, False, None)
        try:
            send_to_printer(render_escpos(receipt, labels=self.labels, open_drawer=open_drawer), spec)
        except ShopDeskError as err:
            return ReceiptOutput(receipt.receipt_number, pdf_path, False, err)
        return ReceiptOutput(receipt.receipt_number, pdf_path, True, None)


def cart_discount_shares(cart_discount: int, amounts: list[int], discounts: list[int]) -> list[int]:
    """Each line's share of the cart discount, recovered from what a sale stores.

    A sale keeps each line's whole discount (its own plus its share of the cart's) and the
    cart discount; the share was given in proportion to the line after its own discount,
    i.e. to ``amount + share``. Solved by a few rounds of the same largest-remainder split;
    when no consistent split is found the shares are left at 0 (the receipt then shows the
    whole discount as the line's own, and the cart discount once in the totals).
    """
    zeros = [0] * len(amounts)
    if cart_discount <= 0 or not amounts:
        return zeros
    shares = [d if a >= 0 else 0 for a, d in zip(amounts, discounts, strict=True)]
    for _ in range(8):
        weights = [max(a + s, 0) for a, s in zip(amounts, shares, strict=True)]
        base = sum(weights)
        if base <= 0 or cart_discount > base:
            return zeros
        found = round_shares(cart_discount, [cart_discount * w for w in weights], base)
        if found == shares:
            break
        shares = found
    if sum(shares) != cart_discount or any(s < 0 or s > d for s, d in zip(shares, discounts, strict=True)):
        return zeros
    return shares
