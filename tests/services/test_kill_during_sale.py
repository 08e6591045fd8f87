"""kill -9 at the till: the cart in progress comes back, and a sale is all there or not at all."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select

from shopdesk.services import stock
from shopdesk.services.checkout import CheckoutService
from shopdesk.store.database import open_database
from shopdesk.store.models import Sale, SaleLine, SalePayment, StockMovement

CHILD = textwrap.dedent("""
    import os, signal, sys, argon2
    from shopdesk.services import auth
    auth.use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    from shopdesk.services.auth import AuthService
    from shopdesk.services.checkout import CheckoutService
    from shopdesk.services.store_settings import till_by_code
    from shopdesk.store.database import open_database
    db = open_database(sys.argv[1])
    staff = AuthService(db).login("cashier", "demo-cashier")
    till = till_by_code(db, None).till_id
    checkout = CheckoutService(db)
    for code in ("4006381333931", "036000291452", "4006381333931"):
        checkout.scan(staff, till, code)
    if sys.argv[2] == "during-payment":
        from shopdesk.store import till_queries
        def die(*args):  # sale rows written, transaction not yet committed
            os.kill(os.getpid(), signal.SIGKILL)
        till_queries.insert_audit = die
        checkout.pay_cash(staff, till, 10_000)
    os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.parametrize("moment", ["after-scanning", "during-payment"])
def test_kill_9_loses_no_scan_and_writes_no_half_sale(db_path, store, products, cashier, till, moment):
    store.close()
    child = subprocess.run([sys.executable, "-c", CHILD, str(db_path), moment], capture_output=True, text=True)
    assert child.returncode == -signal.SIGKILL, child.stderr

    db = open_database(db_path)
    try:
        view = CheckoutService(db).current_cart(cashier, till.till_id)
        assert [(line.sku, line.quantity) for line in view.lines] == [("MILK-1L", 2), ("BREAD", 1)]
        with db.reader() as s:
            for model in (Sale, SaleLine, SalePayment):
                assert s.scalar(select(func.count()).select_from(model)) == 0
            assert s.scalar(select(func.count()).select_from(StockMovement)) == 4  # opening stock only
        assert stock.verify(db) == []
        result = CheckoutService(db).pay_cash(cashier, till.till_id, view.total)
        assert result.receipt_number == "T1-000001"
    finally:
        db.close()
