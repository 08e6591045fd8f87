"""Property: however a sale with discounts is returned — in pieces, in any order, with
over-returns attempted — nothing is refunded beyond what was paid, per line and in total,
and returning everything refunds exactly what was paid."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from shopdesk.domain.discounts import PERCENT, Discount
from shopdesk.domain.errors import ValidationError
from shopdesk.services.cart_discounts import CartDiscountService
from shopdesk.services.catalog import CatalogService
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.demo import ensure_demo_store
from shopdesk.services.payments import PaymentService, Tender
from shopdesk.services.returns import ReturnsService
from shopdesk.services.store_settings import till_by_code
from shopdesk.store.database import open_database
from shopdesk.store.models import SaleLine, SalePayment
from tests.conftest import BREAD, MILK, SOAP, login

CODES = ("4006381333931", "036000291452", "96385074")


@functools.cache
def template() -> tuple[Path, dict, str]:
    folder = Path(tempfile.mkdtemp(prefix="shopdesk-refunds-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "template.sqlite"
    db = open_database(path)
    try:
        ensure_demo_store(db)
        staff = {name: login(db, name) for name in ("owner", "manager")}
        catalog = CatalogService(db)
        for draft in (MILK, BREAD, SOAP):
            catalog.create_product(staff["owner"], draft)
        till_id = till_by_code(db, None).till_id
    finally:
        db.close()
    return path, staff, till_id


sale_lines = st.lists(st.tuples(st.integers(0, 2), st.integers(1, 5), st.sampled_from([0, 5, 10, 15, 33])),
                      min_size=1, max_size=3, unique_by=lambda t: t[0])
returns = st.lists(st.tuples(st.integers(0, 2), st.integers(1, 6)), max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sale_lines, st.sampled_from([0, 5, 10]), returns)
def test_refunds_never_exceed_what_was_paid(lines, cart_percent, attempts):
    path, staff, till_id = template()
    with tempfile.TemporaryDirectory(prefix="shopdesk-refund-example-") as folder:
        copy = Path(folder) / "shop.sqlite"
        shutil.copyfile(path, copy)
        db = open_database(copy)
        try:
            manager = staff["manager"]
            checkout, discounts = CheckoutService(db), CartDiscountService(db)
            for index, quantity, percent in lines:
                for _ in range(quantity):
                    view = checkout.scan(manager, till_id, CODES[index])
                if percent:
                    discounts.set_line_discount(manager, till_id, view.last_line_id,
                                                Discount(PERCENT, Decimal(percent)))
            if cart_percent:
                discounts.set_cart_discount(manager, till_id, Discount(PERCENT, Decimal(cart_percent)))
            total = checkout.current_cart(manager, till_id).total
            sale = PaymentService(db).pay(manager, till_id, [Tender("cash", total)])
            with db.reader() as s:
                sold = {line.id: (line.quantity, line.gross) for line in
                        s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.sale_id))}
            service = ReturnsService(db)
            for which, quantity in attempts + [(i, 99) for i in range(3)]:  # finally: everything left
                found = service.find_by_receipt(sale.receipt_number)
                if which >= len(found.lines):
                    continue
                line = found.lines[which]
                want = min(Decimal(quantity), line.returnable) if quantity == 99 else Decimal(quantity)
                if want <= 0:
                    continue
                service.start_return(manager, till_id, sale.sale_id)
                try:
                    service.add_return_line(manager, till_id, line.line_id, want)
                except ValidationError:
                    assert want > line.returnable  # refused only when more than is left
                    checkout.void_cart(manager, till_id)
                    continue
                assert want <= line.returnable
                refund = [Tender(code, amount) for code, amount in service.suggested_refund(till_id)]
                PaymentService(db).pay(manager, till_id, refund)

            with db.reader() as s:
                back = {line_id: (gross, quantity) for line_id, gross, quantity in s.execute(
                    select(SaleLine.original_line_id, func.sum(SaleLine.gross), func.sum(SaleLine.quantity))
                    .where(SaleLine.original_line_id.in_(list(sold))).group_by(SaleLine.original_line_id))}
                refunded = -(s.scalar(select(func.sum(SalePayment.amount))
                                      .where(SalePayment.sale_id != sale.sale_id)) or 0)
            for line_id, (quantity, gross) in sold.items():
                returned_gross, returned_quantity = back.get(line_id, (0, 0))
                assert -returned_quantity == quantity  # everything came back in the end
                assert -returned_gross == gross  # and exactly what was paid for it, no more
            assert refunded == sale.total
        finally:
            db.close()
