"""The demo shop has orders at every step, once, with the ledger balanced."""

from __future__ import annotations

from shopdesk.domain.order_flow import OrderState
from shopdesk.services import stock
from shopdesk.services.demo import add_demo_products, ensure_demo_store
from shopdesk.services.demo_orders import add_demo_orders
from shopdesk.services.orders import OrderService


def test_demo_orders_cover_the_life_cycle_once(db):
    ensure_demo_store(db)
    add_demo_products(db, 80, sales=0)
    add_demo_orders(db)
    counts = OrderService(db).counts()
    assert {state for state, n in counts.items() if n} == {
        OrderState.CREATED, OrderState.PAID, OrderState.PICKED, OrderState.PACKED, OrderState.SHIPPED,
        OrderState.DELIVERED, OrderState.CANCELLED}
    add_demo_orders(db)  # a second run adds nothing
    assert OrderService(db).counts() == counts
    assert stock.verify(db) == []


def test_demo_reviews_verify_delivered_orders_once(db):
    from shopdesk.services.demo_orders import add_demo_reviews
    from shopdesk.services.reviews import ReviewService  # noqa: F401  (the service the demo uses)

    ensure_demo_store(db)
    add_demo_products(db, 80, sales=60)
    add_demo_orders(db)
    add_demo_reviews(db)
    raw = db.engine.raw_connection()
    try:
        statuses = dict(raw.driver_connection.execute("SELECT status, COUNT(*) FROM reviews GROUP BY 1").fetchall())
    finally:
        raw.close()
    assert statuses["pending"] == 1 and statuses["published"] > 5
    assert OrderService(db).counts()[OrderState.REVIEWED] == 1  # the delivered order, every line reviewed
    add_demo_reviews(db)  # again: nothing more
    raw = db.engine.raw_connection()
    try:
        assert sum(statuses.values()) == raw.driver_connection.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    finally:
        raw.close()
