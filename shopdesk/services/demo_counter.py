"""Demo data for the counter: quick keys for popular items and a few regular customers
(one with store credit), so a fresh demo shows the till as a shop would have it."""

from __future__ import annotations

from shopdesk.services.catalog_import import first_owner
from shopdesk.services.customers import CustomerDraft, CustomerService
from shopdesk.services.quick_keys import QuickKeyService
from shopdesk.store.database import Database
from shopdesk.store.types import new_id, time_to_db, utcnow

DEMO_CUSTOMERS = (
    CustomerDraft(name="Ada Lovelace", phone="+44 20 7946 0018", email="ada@example.org",
                  address="12 St James's Square, London"),
    CustomerDraft(name="王芳", phone="+86 138 0013 8000", email="wang.fang@example.cn"),
    CustomerDraft(name="Jonas Becker", phone="+49 30 901820", email="jonas.becker@example.de"),
)
QUICK_KEYS = 8


def add_demo_counter(db: Database) -> None:
    """Idempotent: a database with customers or quick keys already is left as it is."""
    owner = first_owner(db)
    customers, keys = CustomerService(db), QuickKeyService(db)
    if keys.list() or customers.search("a"):
        return
    ids = [customers.create(owner, draft) for draft in DEMO_CUSTOMERS]
    with db.raw_transaction() as conn:
        conn.execute(
            "INSERT INTO store_credit_entries (id, customer_id, amount, sale_id, user_id, note, created_at)"
            " VALUES (?, ?, 1500, NULL, ?, 'Demo: voucher for a late delivery', ?)",
            (new_id(), ids[0], owner.user_id, time_to_db(utcnow())))
        popular = [pid for (pid,) in conn.execute(
            "SELECT product_id FROM sale_lines GROUP BY product_id ORDER BY SUM(quantity) DESC, product_id"
            f" LIMIT {QUICK_KEYS}")]
        if len(popular) < QUICK_KEYS:
            popular += [pid for (pid,) in conn.execute(
                f"SELECT id FROM products WHERE active ORDER BY seq LIMIT {QUICK_KEYS}") if pid not in popular]
    for position, product_id in enumerate(popular[:QUICK_KEYS], start=1):
        keys.set(owner, position, product_id)
