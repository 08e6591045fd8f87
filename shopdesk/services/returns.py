"""Returns, refunds and exchanges at the counter.

A completed sale is never changed (see DESIGN.md): a return is a new document. The
cashier finds the original sale (receipt number typed or scanned from the receipt's
Code 128, or a search by date / amount / customer), and this service puts *return lines*
into the till's open cart: negative quantities naming the sale line they give back and
where the stock goes ("FLOOR" back to the shelf, "SCRAP" when damaged). Scanning new
items into the same cart makes it an exchange. :class:`~shopdesk.services.payments.PaymentService`
completes it all in one transaction and refuses to take back more than was sold.

The refund rule (one place, here)
---------------------------------
A return refunds what the customer paid for the items, never more. A sale line's paid
amount ``P`` (its amount after its own discount and its share of the cart discount, in
the store's price basis) is shared over its quantity ``Q`` *cumulatively*: when the
returns of that line reach ``r`` in total, the refunds given so far are
``round(P × r / Q)``, half away from zero. A return of ``q`` more therefore refunds
``round(P × (r + q) / Q) − round(P × r / Q)``, so partial returns never add up to more
than ``P`` and returning the whole line (in one go or in parts) refunds exactly ``P``.
The cart line keeps the original unit price; the difference is carried as an "amount"
discount on the line, which is how a receipt shows it.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from shopdesk.domain.cart import line_amount
from shopdesk.domain.errors import NotFound, PermissionDenied, StateError, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import round_ratio
from shopdesk.domain.permissions import Permission
from shopdesk.domain.tenders import round_cash
from shopdesk.services import audit
from shopdesk.services.cart_view import CartView, cart_view
from shopdesk.services.payments import cash_rounding_step, tender_types
from shopdesk.services.staff_session import StaffSession
from shopdesk.store import till_queries
from shopdesk.store.database import Database
from shopdesk.store.types import new_id, quantity_from_db, quantity_to_db, time_to_db, utcnow

FLOOR, SCRAP = "FLOOR", "SCRAP"
RETURN_LOCATIONS = (FLOOR, SCRAP)
MAX_SEARCH_RESULTS = 500


@dataclass(frozen=True)
class ReturnableLine:
    """One line of the original sale as the returns screen shows it."""

    line_id: str
    product_id: str
    sku: str
    name: str
    unit: str
    sold: Decimal
    returned: Decimal  # by completed returns
    returnable: Decimal  # sold − returned − what the till's cart already gives back
    unit_price: int
    discount: int  # everything taken off the line when sold (own + share of the cart's)
    paid: int  # what the customer paid for the whole line, in the price basis
    paid_per_unit: int  # paid / sold, rounded (for display; refunds follow the module's rule)
    tax: int
    gross: int
    tax_code: str
    in_cart: Decimal = Decimal(0)  # already in the till's cart as return lines


@dataclass(frozen=True)
class PaidTender:
    code: str
    amount: int  # applied to the original sale (cash: net of change)
    refunded: int = 0  # given back on this tender by later returns (positive)


@dataclass(frozen=True)
class SaleForReturn:
    sale_id: str
    receipt_number: str
    created_at: datetime
    kind: str
    total: int
    currency: str
    customer_id: str | None
    customer_name: str
    lines: tuple[ReturnableLine, ...]
    tenders: tuple[PaidTender, ...]

    @property
    def anything_returnable(self) -> bool:
        return any(line.returnable > 0 for line in self.lines)


@dataclass(frozen=True)
class SaleSummary:
    sale_id: str
    receipt_number: str
    created_at: datetime
    kind: str
    total: int
    customer_id: str | None
    customer_name: str


@dataclass(frozen=True)
class ReturnPick:
    """What the cashier ticked: this much of that sale line, back to that location."""

    sale_line_id: str
    quantity: Decimal
    to_location: str = FLOOR


_RECEIPT_SPACES = re.compile(r"\s+")
_RECEIPT_SHAPE = re.compile(r"^(.*\S)-0*(\d+)$")


def normalize_receipt_number(code: str) -> str:
    """What a person typed or a scanner sent, in the stored form: "t1 - 42 " → "T1-42".

    A Code 128 scan may carry the code set marker "{B"; spaces and case do not matter.
    """
    text = _RECEIPT_SPACES.sub("", code or "").upper()
    if text.startswith("{B"):
        text = text[2:]
    return text


def _receipt_candidates(code: str) -> list[str]:
    text = normalize_receipt_number(code)
    candidates = [text]
    match = _RECEIPT_SHAPE.match(text)
    if match:  # typed without the leading zeros: T1-42 → T1-000042
        padded = f"{match.group(1)}-{int(match.group(2)):06d}"
        if padded != text:
            candidates.append(padded)
    return candidates


def _check_quantity(quantity: Decimal, unit: str) -> Decimal:
    if not isinstance(quantity, Decimal):
        quantity = Decimal(str(quantity))
    if not quantity.is_finite() or quantity <= 0:
        raise ValidationError("quantity", QT_TRANSLATE_NOOP(
            "errors", "The quantity to return must be more than zero."))
    if quantity.as_tuple().exponent < -3:
        raise ValidationError("quantity", QT_TRANSLATE_NOOP("errors", "Use at most 3 decimals for a quantity."))
    if unit == "piece" and quantity != quantity.to_integral_value():
        raise ValidationError("quantity", QT_TRANSLATE_NOOP(
            "errors", "This product is sold by the piece; enter a whole number."))
    return quantity


def _check_location(conn: sqlite3.Connection, code: str) -> str:
    code = (code or FLOOR).strip().upper()
    if code not in RETURN_LOCATIONS:
        raise ValidationError("to_location", QT_TRANSLATE_NOOP(
            "errors", "Returned goods go back to the shelf (FLOOR) or to damaged stock (SCRAP), not {code}."),
            code=code)
    if till_queries.location_id(conn, code) is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No stock location has the code {code}."), code=code)
    return code


def _to_utc_text(value: date | datetime, *, end: bool) -> str:
    """A search bound: a date means the whole local day (``end``: up to the next midnight)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.astimezone()  # naive: the machine's local time
    else:
        day = value + timedelta(days=1) if end else value
        moment = datetime.combine(day, time.min).astimezone()
    return time_to_db(moment.astimezone(UTC))


def refund_share(paid: int, sold_milli: int, before_milli: int, quantity_milli: int) -> int:
    """The refund for ``quantity`` more of a line that cost ``paid`` for ``sold`` (see the module)."""
    if sold_milli <= 0:
        return 0
    after = min(before_milli + quantity_milli, sold_milli)
    return round_ratio(paid * after, sold_milli) - round_ratio(paid * before_milli, sold_milli)


class ReturnsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- finding the original sale -----------------------------------------------------
    def find_by_receipt(self, code: str, till_id: str | None = None) -> SaleForReturn:
        """The sale with this receipt number (typed or scanned; case and spaces do not matter).

        With ``till_id``, what that till's cart already gives back is counted as returned.
        """
        if not normalize_receipt_number(code):
            raise ValidationError("receipt_number", QT_TRANSLATE_NOOP(
                "errors", "Scan the receipt's barcode or type its number (e.g. T1-000042)."))
        with self.db.raw_reader() as conn:
            for candidate in _receipt_candidates(code):
                row = conn.execute("SELECT id FROM sales WHERE receipt_number = ?", (candidate,)).fetchone()
                if row is not None:
                    return _sale_for_return(conn, row[0], till_id)
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No sale has the receipt number {number}."),
                       number=normalize_receipt_number(code))

    def sale(self, sale_id: str, till_id: str | None = None) -> SaleForReturn:
        """A sale picked from :meth:`search`, as :meth:`find_by_receipt` shows it."""
        with self.db.raw_reader() as conn:
            return _sale_for_return(conn, sale_id, till_id)

    def search(self, date_from: date | datetime, date_to: date | datetime, amount: int | None = None,
               tolerance: int = 0, customer_id: str | None = None, limit: int = 50) -> list[SaleSummary]:
        """Sales (and exchanges) between two days, newest first; optionally of a total within
        ``amount ± tolerance`` minor units, or of one customer. Uses the index on
        ``sales.created_at`` (or ``sales.customer_id``); never reads the whole table."""
        start, end = _to_utc_text(date_from, end=False), _to_utc_text(date_to, end=True)
        if end <= start:
            raise ValidationError("date_to", QT_TRANSLATE_NOOP(
                "errors", "The end of the search ({to}) is before its start ({start})."),
                to=str(date_to), start=str(date_from))
        if tolerance < 0:
            raise ValidationError("tolerance", QT_TRANSLATE_NOOP("errors", "The tolerance cannot be negative."))
        sql = ["SELECT s.id, s.receipt_number, s.created_at, s.kind, s.grand_total, s.customer_id,"
               " COALESCE(c.name, '') FROM sales s LEFT JOIN customers c ON c.id = s.customer_id"
               " WHERE s.created_at >= ? AND s.created_at < ? AND s.kind <> 'return'"]
        params: list = [start, end]
        if customer_id:
            sql.append(" AND s.customer_id = ?")
            params.append(customer_id)
        if amount is not None:
            sql.append(" AND s.grand_total BETWEEN ? AND ?")
            params += [amount - tolerance, amount + tolerance]
        sql.append(" ORDER BY s.created_at DESC LIMIT ?")
        params.append(max(1, min(int(limit), MAX_SEARCH_RESULTS)))
        with self.db.raw_reader() as conn:
            return [SaleSummary(sid, number, datetime.fromisoformat(at), kind, total, cust, name)
                    for sid, number, at, kind, total, cust, name in conn.execute("".join(sql), params)]

    # -- putting return lines in the cart ----------------------------------------------
    def start_return(self, actor: StaffSession, till_id: str, sale_id: str) -> CartView:
        """Make the till's open cart a return (or exchange) against ``sale_id``."""
        actor.require(Permission.SELL)
        with self.db.raw_transaction() as conn:
            cart_id = _start(conn, actor, till_id, sale_id)
            return cart_view(conn, cart_id)

    def add_return_line(self, actor: StaffSession, till_id: str, sale_line_id: str, quantity: Decimal,
                        to_location: str = FLOOR) -> CartView:
        """Give back ``quantity`` of a sold line: a negative cart line refunding what was paid."""
        return self.return_lines(actor, till_id, None, [ReturnPick(sale_line_id, quantity, to_location)])

    def return_lines(self, actor: StaffSession, till_id: str, sale_id: str | None,
                     picks: list[ReturnPick]) -> CartView:
        """Several return lines of one sale at once (the returns screen's OK): all or nothing."""
        actor.require(Permission.SELL)
        if not picks:
            raise ValidationError("lines", QT_TRANSLATE_NOOP("errors", "Tick at least one line to return."))
        with self.db.raw_transaction() as conn:
            last = None
            for pick in picks:
                cart_id, last = _add_return_line(conn, actor, till_id, sale_id, pick)
            return cart_view(conn, cart_id, last_line_id=last)

    def return_without_receipt(self, actor: StaffSession, till_id: str, product_id: str, quantity: Decimal,
                               unit_price: int, to_location: str = FLOOR,
                               approver: StaffSession | None = None) -> CartView:
        """Take an item back with no receipt at a price the staff agree on: needs the refund
        permission of the cashier or of a manager who approves with their PIN; audited with both."""
        actor.require(Permission.SELL)
        if not actor.can(Permission.REFUND):
            if approver is None:
                raise PermissionDenied(QT_TRANSLATE_NOOP(
                    "errors", "A return without a receipt needs a manager's approval: ask a manager for "
                              "their PIN."))
            approver.require(Permission.REFUND)
        elif approver is not None:
            approver.require(Permission.REFUND)
        if isinstance(unit_price, bool) or not isinstance(unit_price, int) or unit_price < 0:
            raise ValidationError("unit_price", QT_TRANSLATE_NOOP(
                "errors", "Enter the price to refund per item (0 or more)."))
        with self.db.raw_transaction() as conn:
            product = till_queries.product_by_id(conn, product_id)
            if product is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
            quantity = _check_quantity(quantity, product.unit)
            location = _check_location(conn, to_location)
            cart_id = _open_cart(conn, actor, till_id)
            line_id = new_id()
            _insert_line(conn, cart_id, line_id, product.id, quantity, unit_price, None, location)
            audit.record(conn, actor, "return.without_receipt", entity_type="cart", entity_id=cart_id,
                         approved_by=approver, product_id=product.id, sku=product.sku,
                         quantity=str(quantity), unit_price=unit_price, to_location=location,
                         refund=line_amount(quantity, unit_price))
            return cart_view(conn, cart_id, last_line_id=line_id)

    # -- paying back ---------------------------------------------------------------------
    def suggested_refund(self, till_id: str, to_store_credit: bool = False) -> list[tuple[str, int]]:
        """How to pay the cart's refund back: ``[(tender code, amount)]``, amounts negative
        (as :class:`~shopdesk.services.payments.Tender` takes them). Back to the original
        sale's cards (and store credit) up to what each paid, less earlier refunds on it; the
        rest in cash (rounded by the store's cash rounding). With ``to_store_credit`` all of
        it goes to the customer's store credit. Empty when nothing is to be paid back."""
        with self.db.raw_reader() as conn:
            cart_id = till_queries.open_cart_id(conn, till_id)
            view = cart_view(conn, cart_id)
            due = -view.total
            if due <= 0:
                return []
            types = tender_types(conn)
            if to_store_credit:
                if not view.customer_id:
                    raise ValidationError("tenders", QT_TRANSLATE_NOOP(
                        "errors", "Store credit belongs to a customer: attach the customer to the sale first."))
                code = next((c for c, t in types.items() if t[1] == "store_credit"), "store_credit")
                return [(code, -due)]
            tenders = _paid_tenders(conn, view.original_sale_id) if view.original_sale_id else ()
            suggested: list[tuple[str, int]] = []
            left = due
            for kind in ("card", "store_credit"):
                for t in tenders:
                    found = types.get(t.code)
                    if left <= 0 or found is None or found[1] != kind:
                        continue
                    if kind == "store_credit" and not view.customer_id:
                        continue
                    back = min(left, t.amount - t.refunded)
                    if back > 0:
                        suggested.append((t.code, -back))
                        left -= back
            if left > 0:
                cash = next((c for c, t in types.items() if t[1] == "cash"), "cash")
                suggested.append((cash, round_cash(-left, cash_rounding_step(conn))))
            return suggested


# -- internals (inside the caller's transaction) ------------------------------------------

def _open_cart(conn: sqlite3.Connection, actor: StaffSession, till_id: str) -> str:
    now = time_to_db(utcnow())
    cart_id = till_queries.touch_open_cart(conn, till_id, now)
    if cart_id is None:
        if not till_queries.till_exists(conn, till_id):
            raise NotFound(QT_TRANSLATE_NOOP("errors", "This till is not known to the store."))
        cart_id = new_id()
        till_queries.create_cart(conn, cart_id, till_id, actor.user_id, now)
    return cart_id


def _start(conn: sqlite3.Connection, actor: StaffSession, till_id: str, sale_id: str) -> str:
    sale = conn.execute("SELECT receipt_number, kind, customer_id FROM sales WHERE id = ?", (sale_id,)).fetchone()
    if sale is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That sale no longer exists."))
    receipt_number, kind, customer_id = sale
    if kind == "return":
        raise StateError(QT_TRANSLATE_NOOP(
            "errors", "Receipt {number} is itself a return; take items back against the original sale."),
            number=receipt_number)
    cart_id = _open_cart(conn, actor, till_id)
    header = till_queries.cart_header(conn, cart_id)
    if header.original_sale_id and header.original_sale_id != sale_id:
        (other,) = conn.execute("SELECT receipt_number FROM sales WHERE id = ?",
                                (header.original_sale_id,)).fetchone() or ("?",)
        raise StateError(QT_TRANSLATE_NOOP(
            "errors", "The cart already takes back items from receipt {other}; pay or void it before "
                      "returning items from receipt {number}."), other=other, number=receipt_number)
    if header.original_sale_id != sale_id:
        conn.execute("UPDATE cart_drafts SET original_sale_id = ?, customer_id = COALESCE(customer_id, ?)"
                     " WHERE id = ?", (sale_id, customer_id, cart_id))
    return cart_id


def _insert_line(conn: sqlite3.Connection, cart_id: str, line_id: str, product_id: str, quantity: Decimal,
                 unit_price: int, original_line_id: str | None, location: str) -> None:
    (position,) = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM cart_draft_lines WHERE cart_id = ?",
                               (cart_id,)).fetchone()
    conn.execute(
        "INSERT INTO cart_draft_lines (id, cart_id, position, product_id, quantity, unit_price, scanned_code,"
        " discount_kind, discount_value, original_line_id, return_location_code)"
        " VALUES (?, ?, ?, ?, ?, ?, '', '', NULL, ?, ?)",
        (line_id, cart_id, position, product_id, -quantity_to_db(quantity), unit_price, original_line_id, location))


_ORIGINAL_LINE = """
SELECT o.id, o.sale_id, o.product_id, p.unit, o.description, o.quantity, o.unit_price, o.net, o.gross,
       s.prices_include_tax, s.receipt_number,
       COALESCE((SELECT -SUM(r.quantity) FROM sale_lines r WHERE r.original_line_id = o.id), 0)
  FROM sale_lines o JOIN sales s ON s.id = o.sale_id JOIN products p ON p.id = o.product_id
 WHERE o.id = ?"""


def _add_return_line(conn: sqlite3.Connection, actor: StaffSession, till_id: str, sale_id: str | None,
                     pick: ReturnPick) -> tuple[str, str]:
    row = conn.execute(_ORIGINAL_LINE, (pick.sale_line_id,)).fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "The sale line being returned no longer exists."))
    (line_id, line_sale_id, product_id, unit, name, sold_milli, unit_price, net, gross, include_tax,
     receipt_number, returned_milli) = row
    if sale_id is not None and line_sale_id != sale_id:
        raise ValidationError("lines", QT_TRANSLATE_NOOP(
            "errors", "{name} was not sold on receipt {number}."), name=name, number=receipt_number)
    if sold_milli <= 0:
        raise ValidationError("lines", QT_TRANSLATE_NOOP(
            "errors", "{name} on receipt {number} was itself given back; it cannot be returned."),
            name=name, number=receipt_number)
    quantity = _check_quantity(pick.quantity, unit)
    location = _check_location(conn, pick.to_location)
    cart_id = _start(conn, actor, till_id, line_sale_id)
    in_cart = conn.execute(
        "SELECT id, quantity, return_location_code FROM cart_draft_lines"
        " WHERE cart_id = ? AND original_line_id = ? ORDER BY position", (cart_id, line_id)).fetchall()
    in_cart_milli = -sum(q for _id, q, _loc in in_cart)
    left = sold_milli - returned_milli - in_cart_milli
    if quantity_to_db(quantity) > left:
        raise ValidationError("quantity", QT_TRANSLATE_NOOP(
            "errors", "Only {left} of {name} can still be returned from that sale."),
            left=f"{quantity_from_db(max(left, 0))}", name=name)
    same = next((cid for cid, _q, loc in in_cart if loc == location), None)
    if same is not None:
        conn.execute("UPDATE cart_draft_lines SET quantity = quantity - ? WHERE id = ?",
                     (quantity_to_db(quantity), same))
        cart_line_id = same
    else:
        cart_line_id = new_id()
        _insert_line(conn, cart_id, cart_line_id, product_id, quantity, unit_price, line_id, location)
    paid = gross if include_tax else net
    refund = _price_return_lines(conn, cart_id, line_id, unit_price, paid, sold_milli, returned_milli)
    audit.record(conn, actor, "return.line_added", entity_type="cart", entity_id=cart_id,
                 sale_id=line_sale_id, receipt_number=receipt_number, sale_line_id=line_id,
                 product_id=product_id, quantity=str(quantity), to_location=location, refund=refund)
    return cart_id, cart_line_id


def _price_return_lines(conn: sqlite3.Connection, cart_id: str, original_line_id: str, unit_price: int,
                        paid: int, sold_milli: int, returned_milli: int) -> int:
    """Set the discount of the cart's return lines of one sale line so they refund their share
    of what was paid (the module's rule), counting completed returns first; their refund total."""
    before = returned_milli
    total = 0
    for cart_line_id, quantity_milli in conn.execute(
            "SELECT id, quantity FROM cart_draft_lines WHERE cart_id = ? AND original_line_id = ?"
            " ORDER BY position", (cart_id, original_line_id)).fetchall():
        milli = -quantity_milli
        refund = refund_share(paid, sold_milli, before, milli)
        full = line_amount(quantity_from_db(milli), unit_price)
        off = min(max(full - refund, 0), full)
        conn.execute("UPDATE cart_draft_lines SET unit_price = ?, discount_kind = ?, discount_value = ? WHERE id = ?",
                     (unit_price, "amount" if off else "", str(off) if off else None, cart_line_id))
        before += milli
        total += full - off
    return total


_SALE_LINES = """
SELECT o.id, o.product_id, p.sku, o.description, p.unit, o.quantity, o.unit_price, o.discount, o.net, o.tax,
       o.gross, o.tax_code,
       COALESCE((SELECT -SUM(r.quantity) FROM sale_lines r WHERE r.original_line_id = o.id), 0),
       COALESCE((SELECT -SUM(c.quantity) FROM cart_draft_lines c JOIN cart_drafts d ON d.id = c.cart_id
                  WHERE c.original_line_id = o.id AND d.till_id = ? AND d.status = 'open'), 0)
  FROM sale_lines o JOIN products p ON p.id = o.product_id
 WHERE o.sale_id = ? AND o.quantity > 0
 ORDER BY o.line_no"""


def _sale_for_return(conn: sqlite3.Connection, sale_id: str, till_id: str | None) -> SaleForReturn:
    sale = conn.execute(
        "SELECT s.id, s.receipt_number, s.created_at, s.kind, s.grand_total, s.currency, s.customer_id,"
        " COALESCE(c.name, ''), s.prices_include_tax FROM sales s LEFT JOIN customers c ON c.id = s.customer_id"
        " WHERE s.id = ?", (sale_id,)).fetchone()
    if sale is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That sale no longer exists."))
    sid, number, created_at, kind, total, currency, customer_id, customer_name, include_tax = sale
    lines = []
    for (line_id, product_id, sku, name, unit, sold, unit_price, discount, net, tax, gross, tax_code,
         returned, in_cart) in conn.execute(_SALE_LINES, (till_id or "", sid)):
        paid = gross if include_tax else net
        lines.append(ReturnableLine(
            line_id, product_id, sku, name, unit, quantity_from_db(sold), quantity_from_db(returned),
            quantity_from_db(max(sold - returned - in_cart, 0)), unit_price, discount, paid,
            round_ratio(paid * 1000, sold), tax, gross, tax_code, quantity_from_db(in_cart)))
    return SaleForReturn(sid, number, datetime.fromisoformat(created_at), kind, total, currency, customer_id,
                         customer_name, tuple(lines), _paid_tenders(conn, sid))


def _paid_tenders(conn: sqlite3.Connection, sale_id: str) -> tuple[PaidTender, ...]:
    refunded = dict(conn.execute(
        "SELECT p.tender, -SUM(p.amount) FROM sale_payments p JOIN sales s ON s.id = p.sale_id"
        " WHERE s.original_sale_id = ? AND p.amount < 0 GROUP BY p.tender", (sale_id,)))
    return tuple(PaidTender(code, amount, refunded.get(code, 0)) for code, amount in conn.execute(
        "SELECT tender, SUM(amount) FROM sale_payments WHERE sale_id = ? GROUP BY tender"
        " ORDER BY MIN(created_at), tender", (sale_id,)))
