"""Till sessions: opening with a counted float, cash in and out, no sale, X and Z reports."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shopdesk.domain.errors import PermissionDenied, StateError, ValidationError
from shopdesk.printing.till_report import drawer_kick_escpos, report_escpos, report_text
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.payments import PaymentService, Tender
from shopdesk.services.till_sessions import TillSessionService
from shopdesk.store.counter_models import CashMovement, TillSession
from shopdesk.store.models import AuditEntry, CartDraft, CartDraftLine, Sale, SaleLine, SalePayment
from shopdesk.store.types import new_id, time_to_db, utcnow

MILK, BREAD, SOAP = "4006381333931", "036000291452", "96385074"
FLOAT = {2000: 2, 1000: 3, 500: 4, 200: 5, 100: 10, 50: 10}  # 115.00
SHORT_BY_ONE = {5000: 2, 2000: 1, 1000: 1, 100: 1, 20: 2, 5: 1, 2: 2}  # 131.49


def audit_actions(db) -> list[str]:
    with db.reader() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.at)))


def refund_in_cash(db, actor, till_id, sale_line_id, product_id, unit_price):
    """A return of one item of a sale line, paid back in cash (as the returns screen makes it)."""
    with db.unit_of_work() as s:
        cart = CartDraft(id=new_id(), till_id=till_id, user_id=actor.user_id)
        s.add(cart)
        s.flush()
        s.add(CartDraftLine(id=new_id(), cart_id=cart.id, position=1, product_id=product_id,
                            quantity=Decimal(-1), unit_price=unit_price, original_line_id=sale_line_id))
    return PaymentService(db).pay(actor, till_id, [Tender("cash", -unit_price)])


@pytest.fixture
def service(store):
    return TillSessionService(store)


@pytest.fixture
def day(store, products, cashier, till, service):
    """Open with 115.00; cash sale 5.99 paid with 10 (change 4.01); card sale 1.29; the bread
    of the first sale returned for 3.50 cash; paid-in 20.00; paid-out 5.00."""
    service.open(cashier, till.till_id, FLOAT, note="morning")
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, BREAD)  # 3.50
    checkout.scan(cashier, till.till_id, SOAP)  # 2.49
    first = PaymentService(store).pay(cashier, till.till_id, [Tender("cash", 1000)])
    assert (first.total, first.change) == (599, 401)
    checkout.scan(cashier, till.till_id, MILK)  # 1.29
    PaymentService(store).pay(cashier, till.till_id, [Tender("card", 129, reference="123")])
    with store.reader() as s:
        bread_line = s.scalar(select(SaleLine.id).where(SaleLine.sale_id == first.sale_id,
                                                        SaleLine.product_id == products["BREAD"]))
    back = refund_in_cash(store, cashier, till.till_id, bread_line, products["BREAD"], 350)
    assert back.kind == "return"
    service.cash_in(cashier, till.till_id, 2000, "Change from the bank")
    service.cash_out(cashier, till.till_id, 500, "Window cleaner")
    return first


def test_open_stores_the_float_count_and_numbers_the_session(store, cashier, till, service):
    session_id = service.open(cashier, till.till_id, FLOAT)
    with store.reader() as s:
        row = s.get(TillSession, session_id)
        assert (row.status, row.opening_float, row.number) == ("open", 11500, "Z-T1-000001")
        assert json.loads(row.float_detail) == {str(k): v for k, v in FLOAT.items()}
    assert service.current(till.till_id).number == "Z-T1-000001"
    assert "till.opened" in audit_actions(store)


def test_a_second_open_session_is_refused_naming_the_open_one(store, cashier, manager, till, service):
    service.open(cashier, till.till_id, 5000)
    with pytest.raises(StateError, match="Z-T1-000001") as err:
        service.open(manager, till.till_id, FLOAT)
    assert "Casey Cashier" in str(err.value)
    with store.reader() as s:
        assert s.scalar(select(func.count()).select_from(TillSession)) == 1


def test_bad_float_counts_are_refused_and_nothing_is_written(store, cashier, till, service):
    for bad in ({2000: -1}, {3000: 1}, {2000: 1.5}, -100):
        with pytest.raises(ValidationError):
            service.open(cashier, till.till_id, bad)
    with store.reader() as s:
        assert s.scalar(select(func.count()).select_from(TillSession)) == 0


def test_x_report_figures_are_exact_and_change_nothing(store, day, cashier, till, service):
    before = audit_actions(store)
    x = service.report(cashier, till.till_id)
    assert audit_actions(store) == before
    assert (x.kind, x.number, x.opened_by, x.closed_at) == ("X", "Z-T1-000001", "Casey Cashier", None)
    assert x.opening_float == 11500 and dict(x.float_detail) == FLOAT
    assert (x.sales_count, x.gross_sales, x.returns_count, x.returns_total, x.total) == (2, 728, 1, -350, 378)
    assert x.net_total + x.tax_total == x.total
    assert sum(t.gross for t in x.taxes) == 378
    tenders = {t.code: (t.taken, t.refunded, t.count) for t in x.tenders}
    assert tenders == {"cash": (599, -350, 2), "card": (129, 0, 1)}
    assert (x.cash_sales, x.cash_refunds) == (599, -350)
    assert (x.paid_in, x.paid_in_count, x.paid_out, x.paid_out_count, x.no_sale_count) == (2000, 1, 500, 1, 0)
    assert x.expected_cash == 11500 + 599 - 350 + 2000 - 500 == 13249
    assert x.counted_cash is None and x.over_short is None
    with store.reader() as s:
        assert s.scalar(select(TillSession.status)) == "open"


def test_close_one_euro_short_then_a_new_session_can_open(store, day, cashier, till, service):
    z = service.close(cashier, till.till_id, SHORT_BY_ONE, note="coin roll missing")
    assert (z.kind, z.expected_cash, z.counted_cash, z.over_short) == ("Z", 13249, 13149, -100)
    assert z.closed_by == "Casey Cashier" and z.closed_at is not None
    with store.reader() as s:
        row = s.scalar(select(TillSession))
        assert (row.status, row.expected_cash, row.counted_cash) == ("closed", 13249, 13149)
        assert json.loads(row.count_detail) == {str(k): v for k, v in SHORT_BY_ONE.items()}
        closed = s.scalar(select(AuditEntry).where(AuditEntry.action == "till.closed"))
        assert json.loads(closed.details)["over_short"] == -100
    with pytest.raises(StateError, match="nothing to close"):
        service.close(cashier, till.till_id, 0)
    assert service.report(cashier, till.till_id).kind == "Z"  # reprint of the last Z
    service.open(cashier, till.till_id, 10000)
    assert service.current(till.till_id).number == "Z-T1-000002"
    assert service.report(cashier, till.till_id).expected_cash == 10000


def test_z_figures_equal_the_sessions_rows_summed_independently(store, day, cashier, till, service):
    z = service.close(cashier, till.till_id, 13249)
    assert z.over_short == 0
    with store.reader() as s:
        session = s.scalar(select(TillSession))
        sales = list(s.scalars(select(Sale).where(Sale.session_id == session.id)))
        ids = {sale.id for sale in sales}
        payments = [p for p in s.scalars(select(SalePayment)) if p.sale_id in ids]
        lines = [line for line in s.scalars(select(SaleLine)) if line.sale_id in ids]
        moves = list(s.scalars(select(CashMovement).where(CashMovement.session_id == session.id)))
    assert z.total == sum(sale.grand_total for sale in sales)
    assert z.net_total == sum(sale.net_total for sale in sales)
    assert z.tax_total == sum(sale.tax_total for sale in sales)
    assert z.rounding == sum(sale.rounding for sale in sales)
    assert z.gross_sales == sum(line.gross for line in lines if line.quantity > 0)
    assert z.returns_total == sum(line.gross for line in lines if line.quantity < 0)
    for t in z.taxes:
        assert t.tax == sum(line.tax for line in lines if line.tax_code == t.code)
    cash = sum(p.amount for p in payments if p.tender == "cash")
    moved = sum(m.amount if m.kind == "paid_in" else -m.amount for m in moves if m.kind != "no_sale")
    assert z.expected_cash == session.opening_float + cash + moved
    assert z.takings == sum(p.amount for p in payments) == z.total + z.rounding


def test_cash_out_more_than_the_drawer_holds_is_refused(store, day, cashier, till, service):
    with pytest.raises(ValidationError, match="should hold only €132.49"):
        service.cash_out(cashier, till.till_id, 13250, "Bank drop")
    for amount, reason in ((0, "x"), (-5, "x"), (100, "  ")):
        with pytest.raises(ValidationError):
            service.cash_in(cashier, till.till_id, amount, reason)
    service.cash_out(cashier, till.till_id, 13249, "Bank drop")
    assert service.report(cashier, till.till_id).expected_cash == 0


def test_cash_movements_need_an_open_till(store, cashier, manager, till, service):
    with pytest.raises(StateError, match="not open"):
        service.cash_in(cashier, till.till_id, 100, "float top-up")
    with pytest.raises(StateError, match="not open"):
        service.no_sale(manager, till.till_id, "check")


def test_no_sale_needs_open_drawer_permission_and_is_audited(store, cashier, manager, till, service):
    service.open(cashier, till.till_id, 5000)
    with pytest.raises(PermissionDenied):
        service.no_sale(cashier, till.till_id, "customer wants change")
    service.no_sale(manager, till.till_id, "customer wants change")
    with store.reader() as s:
        move = s.scalar(select(CashMovement))
        assert (move.kind, move.amount, move.user_id) == ("no_sale", 0, manager.user_id)
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "till.no_sale"))
        assert entry.user_id == manager.user_id and "customer wants change" in entry.details
    x = service.report(cashier, till.till_id)
    assert (x.no_sale_count, x.expected_cash) == (1, 5000)


def test_no_sale_kicks_the_drawer_on_the_receipt_printer(store, manager, till, service, tmp_path):
    service.open(manager, till.till_id, 0)
    service.no_sale(manager, till.till_id, "change for the parking meter")
    assert service.kick_drawer() is None
    printed = (tmp_path / "printer.escpos").read_bytes()
    assert printed == drawer_kick_escpos() and printed.startswith(b"\x1bp")  # python-escpos cashdraw: ESC p


def test_a_broken_printer_is_reported_not_raised(store, owner, till, service, tmp_path):
    from shopdesk.services.store_settings import update_store

    update_store(store, owner, receipt_printer=f"file:{tmp_path}/no/such/dir/printer")
    err = service.kick_drawer()
    assert err is not None and "Cannot write to the receipt printer" in str(err)


def test_report_as_escpos_text_and_pdf(store, day, cashier, till, service, tmp_path):
    z = service.close(cashier, till.till_id, SHORT_BY_ONE)
    data = report_escpos(z)
    assert data.startswith(b"\x1b@") and b"\x1dV" in data  # init … cut
    for text in (b"Z report", b"Z-T1-000001", b"Expected cash", b"132.49", b"Over/short", b"131.49"):
        assert text in data
    text = report_text(z)
    assert "Over/short" in text and "-€1.00" in text and "Cash refunds" in text
    pdf = tmp_path / "z.pdf"
    assert service.report_pdf(z, pdf) >= 1
    assert pdf.read_bytes().startswith(b"%PDF")


def test_print_report_goes_to_the_receipt_printer(store, day, cashier, till, service, tmp_path):
    x = service.report(cashier, till.till_id)
    assert service.print_report(x) is True
    assert b"X report" in (tmp_path / "printer.escpos").read_bytes()


def test_a_sale_at_an_unopened_till_is_still_in_a_session(store, products, cashier, till, service):
    CheckoutService(store).scan(cashier, till.till_id, SOAP)
    PaymentService(store).pay(cashier, till.till_id, [Tender("cash", 249)])
    x = service.report(cashier, till.till_id)
    assert (x.opening_float, x.cash_sales, x.expected_cash) == (0, 249, 249)


def test_z_report_of_ten_thousand_sales_is_aggregated_in_sql(store, products, cashier, till, service):
    session_id = service.open(cashier, till.till_id, 0)
    now = time_to_db(utcnow())
    with store.raw_transaction() as conn:
        sales, lines, payments = [], [], []
        for n in range(10_000):
            sale_id = new_id()
            sales.append((sale_id, f"B-{n:06d}", till.till_id, cashier.user_id, "EUR", 1, 210, 39, 249, now, now,
                          "sale", session_id, 1 if n % 2 else 0))
            lines.append((new_id(), sale_id, 1, products["SOAP"], "Dish soap", 1000, 249, 0, "STD", "19",
                          210, 39, 249))
            tender = "cash" if n % 2 else "card"
            payments.append((new_id(), sale_id, tender, 249 + (1 if n % 2 else 0), 500, 0, now))
        conn.executemany(
            "INSERT INTO sales (id, receipt_number, till_id, user_id, currency, prices_include_tax, net_total,"
            " tax_total, grand_total, created_at, completed_at, kind, session_id, rounding, cart_discount)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", sales)
        conn.executemany(
            "INSERT INTO sale_lines (id, sale_id, line_no, product_id, description, quantity, unit_price, discount,"
            " tax_code, tax_percent, net, tax, gross) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", lines)
        conn.executemany(
            "INSERT INTO sale_payments (id, sale_id, tender, amount, tendered, change, created_at, card_type,"
            " reference) VALUES (?, ?, ?, ?, ?, ?, ?, '', '')", payments)
        plan = " ".join(str(row) for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT SUM(l.gross) FROM sales s JOIN sale_lines l ON l.sale_id = s.id"
            " WHERE s.session_id = ?", (session_id,)))
    assert "ix_sales_session_id" in plan and "ix_sale_lines_sale_id" in plan
    started = time.perf_counter()
    z = service.close(cashier, till.till_id, 5000 * 250)
    elapsed = time.perf_counter() - started
    assert (z.sales_count, z.total, z.rounding) == (10_000, 2_490_000, 5000)
    assert z.cash_sales == 5000 * 250 and z.expected_cash == 1_250_000 and z.over_short == 0
    assert elapsed < 5  # generous: a sanity bound, the figure itself belongs in bench/
