"""Reviews through the services: verified purchases reviewed once, orders that become
"reviewed", moderation by managers (audited), and the summaries the shop reads."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import NotFound, PermissionDenied, StateError, ValidationError
from shopdesk.domain.order_flow import OrderState
from shopdesk.domain.ratings import CONFIDENCE
from shopdesk.domain.shipping import Address
from shopdesk.services.carriers import CarrierService
from shopdesk.services.fulfilment import FulfilmentService
from shopdesk.services.orders import OrderDraft, OrderLineDraft, OrderService
from shopdesk.services.reviews import ReviewDraft, ReviewFilter, ReviewService
from shopdesk.store.models import AuditEntry
from shopdesk.store.types import utcnow

CODES = {"BREAD": "036000291452", "SOAP": "96385074", "MILK-1L": "4006381333931", "NIUNAI": "6901234567892"}
BOB = Address("Bob Builder", lines=("2 Low Road",), city="York", postcode="YO1 7HH", country="GB")


def delivered_order(store, cashier, clerk, *skus: str, deliver: bool = True, **kw):
    """An order taken, paid, picked, packed, shipped by van (tracking VAN1) and delivered."""
    orders, fulfil = OrderService(store), FulfilmentService(store)
    skus = skus or ("BREAD", "SOAP")
    view = orders.create(cashier, OrderDraft(BOB, tuple(OrderLineDraft(Decimal(1), sku=s) for s in skus),
                                             ship_from="FLOOR", **kw))
    orders.record_payment(cashier, view.order_id, "card", view.grand_total)
    fulfil.confirm_picked(clerk, [view.order_id])
    for sku in skus:
        fulfil.pack_scan(clerk, view.order_id, CODES[sku])
    fulfil.complete_packing(clerk, view.order_id, parcel_type_id=None, weight_g=500)
    local = next(c for c in CarrierService(store).carriers() if c.code == "LOCAL")
    view = fulfil.ship(clerk, view.order_id, local.carrier_id, tracking_number="VAN1")
    if deliver:
        view = fulfil.deliver(clerk, view.order_id)
    return view


@pytest.fixture
def reviews(store):
    return ReviewService(store)


def audits(store, action):
    with store.reader() as s:
        return [json.loads(a.details) for a in s.scalars(select(AuditEntry).where(AuditEntry.action == action))]


def test_a_counter_review_is_pending_and_names_the_product(store, products, cashier, reviews):
    result = reviews.add(cashier, ReviewDraft(rating=4, sku="BREAD", title=" Crusty ", body="Lovely crust.",
                                              reviewer_name="Ann"))
    r = result.review
    assert (r.status, r.sku, r.rating, r.title, r.source, r.verified) == ("pending", "BREAD", 4, "Crusty", "counter",
                                                                          False)
    assert r.entered_by and not result.order_reviewed
    assert reviews.summary(products["BREAD"]).count == 0  # pending reviews do not count


@pytest.mark.parametrize("rating", [0, 6, None, "x"])
def test_a_rating_outside_1_to_5_is_refused_by_field(store, products, cashier, reviews, rating):
    with pytest.raises(ValidationError) as err:
        reviews.add(cashier, ReviewDraft(rating=rating, sku="BREAD"))
    assert err.value.field == "rating"


def test_a_clerk_may_not_enter_reviews(store, products, clerk, reviews):
    with pytest.raises(PermissionDenied):
        reviews.add(clerk, ReviewDraft(rating=5, sku="BREAD"))


def test_reviewing_every_line_of_a_delivered_order_makes_it_reviewed(store, products, cashier, clerk, reviews):
    order = delivered_order(store, cashier, clerk, "BREAD", "SOAP")
    bread, soap = order.lines
    first = reviews.add(cashier, ReviewDraft(rating=5, order_line_id=bread.line_id, title="Great"))
    assert first.review.verified and first.review.order_number == order.number
    assert first.review.reviewer_name == "Bob Builder" and first.review.source == "order"
    assert not first.order_reviewed
    assert OrderService(store).get(cashier, order.order_id).state is OrderState.DELIVERED
    assert [line.reviewed for line in reviews.order_lines(cashier, order.order_id)] == [True, False]
    last = reviews.add(cashier, ReviewDraft(rating=3, order_line_id=soap.line_id, product_id=products["SOAP"]))
    assert last.order_reviewed
    after = OrderService(store).get(cashier, order.order_id)
    assert after.state is OrderState.REVIEWED
    assert after.events[-1].action == "review" and after.events[-1].from_state == "delivered"


def test_a_line_is_reviewed_once(store, products, cashier, clerk, reviews):
    order = delivered_order(store, cashier, clerk, "BREAD", "SOAP")
    reviews.add(cashier, ReviewDraft(rating=5, order_line_id=order.lines[0].line_id))
    with pytest.raises(StateError, match="already reviewed"):
        reviews.add(cashier, ReviewDraft(rating=1, order_line_id=order.lines[0].line_id))


def test_the_line_must_be_of_the_product_reviewed(store, products, cashier, clerk, reviews):
    order = delivered_order(store, cashier, clerk, "BREAD", "SOAP")
    with pytest.raises(ValidationError, match="not of Whole milk") as err:
        reviews.add(cashier, ReviewDraft(rating=5, sku="MILK-1L", order_line_id=order.lines[0].line_id))
    assert err.value.field == "product"


def test_an_order_still_in_the_shop_cannot_be_reviewed(store, products, cashier, reviews):
    view = OrderService(store).create(cashier, OrderDraft(BOB, (OrderLineDraft(Decimal(1), sku="BREAD"),)))
    with pytest.raises(StateError, match="shipped or delivered"):
        reviews.add(cashier, ReviewDraft(rating=5, order_line_id=view.lines[0].line_id))


def test_a_shipped_order_may_be_reviewed_but_stays_shipped(store, products, cashier, clerk, reviews):
    order = delivered_order(store, cashier, clerk, "SOAP", deliver=False)
    result = reviews.add(cashier, ReviewDraft(rating=4, order_line_id=order.lines[0].line_id))
    assert not result.order_reviewed
    assert OrderService(store).get(cashier, order.order_id).state is OrderState.SHIPPED


def test_a_sale_line_is_a_verified_purchase_reviewed_once(store, products, cashier, till, reviews):
    from shopdesk.services.checkout import CheckoutService
    from shopdesk.store.models import SaleLine

    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, CODES["SOAP"])
    checkout.pay_cash(cashier, till.till_id, 1000)
    with store.reader() as s:
        line_id = s.scalar(select(SaleLine.id))
    review = reviews.add(cashier, ReviewDraft(rating=2, sale_line_id=line_id)).review
    assert review.verified and review.sku == "SOAP"
    with pytest.raises(StateError, match="already reviewed"):
        reviews.add(cashier, ReviewDraft(rating=2, sale_line_id=line_id))
    with pytest.raises(ValidationError, match="not of Sourdough"):
        reviews.add(cashier, ReviewDraft(rating=2, sku="BREAD", sale_line_id=line_id))


def test_moderation_is_for_managers_and_audited(store, products, cashier, manager, reviews):
    review = reviews.add(cashier, ReviewDraft(rating=2, sku="SOAP", body="Too runny")).review
    for act in (lambda: reviews.publish(cashier, review.review_id),
                lambda: reviews.reject(cashier, review.review_id, "spam"),
                lambda: reviews.pending(cashier)):
        with pytest.raises(PermissionDenied):
            act()
    with pytest.raises(ValidationError) as err:
        reviews.reject(manager, review.review_id, "  ")
    assert err.value.field == "reason"
    rejected = reviews.reject(manager, review.review_id, "Mentions a competitor")
    assert (rejected.status, rejected.reject_reason) == ("rejected", "Mentions a competitor")
    assert rejected.moderated_by and rejected.moderated_at
    published = reviews.publish(manager, review.review_id)
    assert published.status == "published" and published.reject_reason == ""
    with pytest.raises(StateError, match="already published"):
        reviews.publish(manager, review.review_id)
    replied = reviews.reply(manager, review.review_id, "Sorry! Shake well before use.")
    assert replied.reply == "Sorry! Shake well before use." and replied.replied_by and replied.replied_at
    edited = reviews.edit(manager, review.review_id, rating=3, title="Runny")
    assert (edited.rating, edited.title, edited.body) == (3, "Runny", "Too runny")
    assert audits(store, "review.rejected")[0]["new"]["reject_reason"] == "Mentions a competitor"
    assert audits(store, "review.published")[0]["old"]["status"] == "rejected"
    assert audits(store, "review.replied")[0] == {"old": "", "new": "Sorry! Shake well before use."}
    assert audits(store, "review.edited")[0] == {"old": {"rating": 2, "title": ""}, "new": {"rating": 3,
                                                                                              "title": "Runny"}}


def test_the_pending_queue_is_oldest_first_and_paged(store, products, cashier, manager, reviews):
    now = utcnow()
    ids = [reviews.add(cashier, ReviewDraft(rating=5, sku="BREAD", title=f"r{i}",
                                            created_at=now - timedelta(days=10 - i))).review.review_id
           for i in range(5)]
    reviews.publish(manager, ids[2])
    first = reviews.pending(manager, limit=2)
    assert [r.title for r in first.reviews] == ["r0", "r1"] and first.next_key is not None
    rest = reviews.pending(manager, after=first.next_key, limit=10)
    assert [r.title for r in rest.reviews] == ["r3", "r4"] and rest.next_key is None


def test_summaries_count_published_reviews_only(store, products, cashier, manager, reviews):
    def review(sku, rating, publish=True):
        r = reviews.add(cashier, ReviewDraft(rating=rating, sku=sku)).review
        if publish:
            reviews.publish(manager, r.review_id)

    for rating in (5, 5, 4):
        review("BREAD", rating)
    review("BREAD", 1, publish=False)
    for rating in (1, 2, 2):
        review("SOAP", rating)
    review("MILK-1L", 1)  # one review: below the minimum count of the lowest-rated list
    m = (5 + 5 + 4 + 1 + 2 + 2 + 1) / 7
    assert reviews.store_mean() == pytest.approx(m)
    bread = reviews.summary(products["BREAD"])
    assert (bread.count, bread.histogram) == (3, (0, 0, 0, 1, 2))
    assert bread.average == pytest.approx(14 / 3)
    assert bread.bayesian == pytest.approx((CONFIDENCE * m + 14) / (CONFIDENCE + 3))
    assert reviews.summary(products["NIUNAI"]).count == 0
    lowest = reviews.lowest_rated(5)
    assert [p.sku for p in lowest] == ["SOAP", "BREAD"]
    assert lowest[0].summary.average == pytest.approx(5 / 3)
    # with no minimum, the single 1-star review counts, but three poor ones still rank lower
    assert [p.sku for p in reviews.lowest_rated(5, min_count=1)] == ["SOAP", "MILK-1L", "BREAD"]


def test_for_product_filters_and_pages(store, products, cashier, manager, reviews):
    now = utcnow()
    for days, rating in ((30, 5), (20, 1), (10, 5), (1, 4)):
        r = reviews.add(cashier, ReviewDraft(rating=rating, sku="BREAD", title=f"{days}d",
                                             created_at=now - timedelta(days=days))).review
        reviews.publish(manager, r.review_id)
    reviews.add(cashier, ReviewDraft(rating=5, sku="BREAD", title="pending"))
    pid = products["BREAD"]
    assert [r.title for r in reviews.for_product(cashier, pid).reviews] == ["1d", "10d", "20d", "30d"]
    assert [r.title for r in reviews.for_product(cashier, pid, rating=5).reviews] == ["10d", "30d"]
    assert [r.title for r in reviews.for_product(cashier, pid, since=now - timedelta(days=15)).reviews] == \
        ["1d", "10d"]
    page = reviews.for_product(cashier, pid, limit=3)
    assert page.next_key is not None
    assert [r.title for r in reviews.for_product(cashier, pid, after=page.next_key).reviews] == ["30d"]
    # a cashier sees published ones only; a manager may ask for pending
    assert [r.title for r in reviews.reviews(cashier, ReviewFilter(product_id=pid)).reviews][0] == "1d"
    with pytest.raises(PermissionDenied):
        reviews.for_product(cashier, pid, status="pending")
    assert [r.title for r in reviews.for_product(manager, pid, status="pending").reviews] == ["pending"]
    with pytest.raises(ValidationError):
        reviews.for_product(manager, pid, status="maybe")


def test_an_unknown_review_is_not_found(store, manager, reviews):
    with pytest.raises(NotFound):
        reviews.publish(manager, "no-such-review")
