"""Two processes selling on one database file at once (a till and a back-office PC on a
second till): SQLite's write lock is shared by both, and no caller ever sees
"database is locked"; every sale lands, receipt numbers stay unique and gapless per till.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from shopdesk.services import stock
from shopdesk.store.database import open_database
from shopdesk.store.models import Location, Till

from .test_never_lose_a_sale import Child

SALES = 150  # per process


def add_till(db, code: str) -> str:
    with db.unit_of_work() as s:
        floor = s.scalar(select(Location.id).where(Location.code == "FLOOR"))
        till = Till(code=code, name=f"Back office {code}", location_id=floor, last_receipt_no=0)
        s.add(till)
        s.flush()
        return till.id


def test_two_processes_sell_at_once_without_database_is_locked(db_path, store, products, cashier, till):
    second = add_till(store, "T2")
    store.close()

    sellers = {"T1": Child("sell", str(db_path), "T1", "1", str(SALES)),
               "T2": Child("sell", str(db_path), "T2", "2", str(SALES), "back-office")}
    for child in sellers.values():
        assert child.ready.wait(60), "a seller did not start"
    for child in sellers.values():  # the starting gun: both sell from now on, as fast as they can
        child.proc.stdin.write("go\n")
        child.proc.stdin.flush()
    for code, child in sellers.items():
        returncode = child.finish(timeout=120)
        errors = [line for line in child.lines if line.startswith("ERROR")]
        assert returncode == 0 and not errors, f"seller {code} failed: {errors}\n{child.stderr}"
        assert child.lines[-1] == "DONE"

    paid = {code: [line.split()[1:] for line in child.lines if line.startswith("PAID")]
            for code, child in sellers.items()}
    assert {code: len(sales) for code, sales in paid.items()} == {"T1": SALES, "T2": SALES}

    db = open_database(db_path)
    try:
        with db.raw_reader() as conn:
            sales = dict(conn.execute("SELECT receipt_number, id FROM sales"))
            per_till = Counter(dict(conn.execute(
                "SELECT t.code, COUNT(*) FROM sales s JOIN tills t ON t.id = s.till_id GROUP BY t.code")))
            lines_missing = conn.execute(
                "SELECT COUNT(*) FROM sales s WHERE NOT EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = s.id)"
            ).fetchone()[0]
            open_carts = conn.execute("SELECT COUNT(*) FROM cart_drafts").fetchone()[0]
            last_numbers = dict(conn.execute("SELECT id, last_receipt_no FROM tills"))
        assert len(sales) == 2 * SALES
        for code, reported in paid.items():
            for receipt, sale_id in reported:
                assert sales.get(receipt) == sale_id, f"{receipt} was paid but is not in the database"
            numbers = sorted(int(r.rsplit("-", 1)[1]) for r in sales if r.startswith(code + "-"))
            assert numbers == list(range(1, SALES + 1)), f"receipt numbers of {code} have gaps or doubles"
        assert per_till == Counter({"T1": SALES, "T2": SALES})
        assert last_numbers[till.till_id] == SALES and last_numbers[second] == SALES
        assert lines_missing == 0 and open_carts == 0
        assert stock.verify(db) == []
    finally:
        db.close()
