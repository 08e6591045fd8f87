"""Demo data for orders to ship: a handful of phone and web orders at every step of their
life (new, paid, picked, packed, shipped, delivered, one cash on delivery, one cancelled),
so a fresh demo shows the orders and fulfilment windows as a shop would have them."""

from __future__ import annotations

import random
from decimal import Decimal

from shopdesk.domain.shipping import Address
from shopdesk.services.auth import AuthService
from shopdesk.services.carriers import CarrierService
from shopdesk.services.demo import DEMO_STAFF
from shopdesk.services.fulfilment import FulfilmentService
from shopdesk.services.orders import OrderDraft, OrderLineDraft, OrderService
from shopdesk.store.database import Database

ADDRESSES = (
    Address("Ada Lovelace", lines=("12 St James's Square",), city="London", postcode="SW1Y 4JH", country="GB",
            phone="+44 20 7946 0018", email="ada@example.org"),
    Address("Jonas Becker", company="Becker GmbH", lines=("Friedrichstraße 43",), city="Berlin", postcode="10117",
            country="DE", phone="+49 30 901820"),
    Address("王芳", lines=("南京东路 100 号", "3 楼"), city="上海", postcode="200001", country="CN",
            phone="+86 138 0013 8000"),
    Address("Grace Hopper", lines=("1 Navy Yard",), city="Arlington", postcode="22202", region="VA", country="US"),
    Address("Marie Curie", lines=("11 rue Pierre et Marie Curie",), city="Paris", postcode="75005", country="FR"),
    Address("Alan Turing", lines=("Bletchley Park", "Sherwood Drive"), city="Milton Keynes", postcode="MK3 6EB",
            country="GB"),
)
# (how far each order gets, paid?, cash on delivery?)
STEPS = (("shipped", True, False), ("delivered", True, False), ("packed", True, False), ("picked", True, False),
         ("paid", True, False), ("created", False, False), ("shipped", False, True), ("cancelled", True, False))


def add_demo_orders(db: Database, seed: int = 7) -> None:
    """Idempotent: a database that has orders already is left as it is."""
    orders = OrderService(db)
    if sum(orders.counts().values()):
        return
    rng = random.Random(seed)
    auth = AuthService(db)
    logins = {d.username: auth.login(d.username, d.password) for d in DEMO_STAFF}
    cashier, clerk, manager = logins["cashier"], logins["clerk"], logins["manager"]
    fulfil = FulfilmentService(db)
    carriers = {c.code: c for c in CarrierService(db).carriers()}
    parcels = CarrierService(db).parcel_types()
    raw = db.engine.raw_connection()
    try:
        products = [(sku, code) for sku, code in raw.driver_connection.execute(
            "SELECT p.sku, MIN(b.code) FROM products p JOIN barcodes b ON b.product_id = p.id"
            " WHERE p.active AND p.unit = 'piece' GROUP BY p.id ORDER BY p.seq LIMIT 60")]
    finally:
        raw.close()
    if not products:
        return
    barcodes = dict(products)
    for n, (goal, paid, cod) in enumerate(STEPS):
        address = ADDRESSES[n % len(ADDRESSES)]
        lines = tuple(OrderLineDraft(Decimal(rng.randint(1, 2)), sku=sku) for sku, _ in rng.sample(products, 2))
        source, external = ("webshop", str(1000 + n)) if n % 2 else ("app", None)
        view = orders.create(cashier, OrderDraft(
            address, lines, shipping_method="Tracked" if not cod else "Local delivery",
            shipping_charge=495 if not cod else 0, cash_on_delivery=cod, source=source, external_id=external,
            note="Leave with a neighbour if out" if n == 1 else ""))
        if paid:
            orders.record_payment(cashier, view.order_id, "web" if external else "card", view.due,
                                  external or f"auth {4000 + n}")
        if goal == "cancelled":
            orders.cancel(manager, view.order_id, "customer changed their mind")
            continue
        if goal in ("created", "paid"):
            continue
        fulfil.pick_list(clerk, [view.order_id])
        fulfil.confirm_picked(clerk, [view.order_id])
        if goal == "picked":
            continue
        for line in view.lines:
            for _ in range(int(line.quantity)):
                fulfil.pack_scan(clerk, view.order_id, barcodes[line.sku])
        fulfil.complete_packing(clerk, view.order_id, parcel_type_id=parcels[1].parcel_type_id,
                                weight_g=rng.randint(300, 2500))
        if goal == "packed":
            continue
        carrier = carriers["LOCAL"] if cod else carriers["POST"]
        fulfil.ship(clerk, view.order_id, carrier.carrier_id, carrier.services[0],
                    f"VAN{n:04d}" if cod else "")
        if goal == "delivered":
            fulfil.deliver(clerk, view.order_id)


REVIEW_TEXTS = (
    (5, "Just right", "Exactly as described, will buy again."),
    (4, "Good", "Does the job; a little pricey."),
    (5, "Lovely", "My family loves it."),
    (3, "OK", "Fine, nothing special."),
    (2, "Not for me", "Smaller than I expected."),
    (4, "Nice", "Fresh and well packed."),
)


def add_demo_reviews(db: Database, seed: int = 7) -> None:
    """Idempotent: reviews of the delivered demo orders (verified) and of a few best-sellers
    from the counter, most published, one waiting for a manager."""
    from shopdesk.services.reviews import ReviewDraft, ReviewService

    reviews = ReviewService(db)
    raw = db.engine.raw_connection()
    try:
        conn = raw.driver_connection
        if conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]:
            return
        delivered = [(line_id, name) for line_id, name in conn.execute(
            "SELECT l.id, o.ship_name FROM order_lines l JOIN orders o ON o.id = l.order_id"
            " WHERE o.state = 'delivered' ORDER BY o.number, l.position")]
        popular = [pid for (pid,) in conn.execute(
            "SELECT product_id FROM sale_lines GROUP BY product_id ORDER BY COUNT(*) DESC, product_id LIMIT 12")]
    finally:
        raw.close()
    rng = random.Random(seed)
    auth = AuthService(db)
    logins = {d.username: auth.login(d.username, d.password) for d in DEMO_STAFF}
    cashier, manager = logins["cashier"], logins["manager"]
    entered = []
    for line_id, name in delivered:
        rating, title, body = rng.choice(REVIEW_TEXTS)
        entered.append(reviews.add(cashier, ReviewDraft(rating, order_line_id=line_id, title=title, body=body,
                                                        reviewer_name=name)).review)
    names = ("Ada", "Jonas", "Grace", "Marie", "Alan", "Wang Fang")
    for product_id in popular:
        for _ in range(rng.randint(1, 4)):
            rating, title, body = rng.choice(REVIEW_TEXTS)
            entered.append(reviews.add(cashier, ReviewDraft(rating, product_id=product_id, title=title, body=body,
                                                            reviewer_name=rng.choice(names))).review)
    for review in entered[:-1]:  # the last one waits in the moderation queue
        reviews.publish(manager, review.review_id)
    if entered:
        reviews.reply(manager, entered[0].review_id, "Thank you! Glad you liked it.")
