"""Recommendations from the store's own history: trained from sales and orders, asked for a
cart (never what is in it, nor inactive or sold-out products), with reasons in words, and
the attach rate of what the panel sold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from shopdesk.domain.errors import StateError
from shopdesk.services import stock
from shopdesk.services.catalog import CatalogService
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.customers import CustomerDraft, CustomerService
from shopdesk.services.recommendations import RecommendationService, basket_file_data
from tests.conftest import MILK as MILK_DRAFT
from tests.conftest import login

MILK, BREAD, SOAP, NIUNAI = "4006381333931", "036000291452", "96385074", "6901234567892"


def sell(store, cashier, till, *codes, customer_id=None):
    checkout = CheckoutService(store)
    if customer_id:
        CustomerService(store).attach(cashier, till.till_id, customer_id)
    for code in codes:
        checkout.scan(cashier, till.till_id, code)
    return checkout.pay_cash(cashier, till.till_id, checkout.current_cart(cashier, till.till_id).total)


@pytest.fixture
def history(store, products, cashier, till):
    """Bread goes with milk (4 times) far more than with soap (once); niunai alone."""
    for _ in range(4):
        sell(store, cashier, till, BREAD, MILK)
    sell(store, cashier, till, BREAD, SOAP)
    sell(store, cashier, till, NIUNAI)
    return products


def test_untrained_says_what_to_do(store, products, tmp_path):
    with pytest.raises(StateError, match="not been trained"):
        RecommendationService(store, tmp_path / "model.npz").for_cart([products["BREAD"]])


def test_bought_together_first_with_the_reason_in_words(store, history, tmp_path):
    service = RecommendationService(store, tmp_path / "model.npz")
    summary = service.train(login(store, "manager"))
    assert (summary.baskets, summary.lines) == (6, 11)
    found = service.for_cart([history["BREAD"]], k=3)
    assert found[0].product_id == history["MILK-1L"]
    assert found[0].reason == "bought with Sourdough bread by 4 customers"
    assert history["BREAD"] not in [s.product_id for s in found]
    together = service.bought_together(history["BREAD"], k=3)
    assert [s.product_id for s in together][:2] == [history["MILK-1L"], history["SOAP"]]


def test_never_inactive_or_sold_out_products(store, history, owner, tmp_path):
    service = RecommendationService(store, tmp_path / "model.npz")
    service.train(login(store, "manager"))
    CatalogService(store).update_product(owner, history["MILK-1L"], replace(MILK_DRAFT, active=False))
    with store.unit_of_work() as s:  # every soap sold: none left to offer
        left = stock.on_hand(s, history["SOAP"], stock.location_id(s, "FLOOR"))
        stock.post_movements(s, [stock.Move(history["SOAP"], left, stock.location_id(s, "FLOOR"),
                                            stock.location_id(s, "SCRAP"))],
                             reason="adjustment", document_type="test", document_id="x", user_id=owner.user_id)
    offered = [s.product_id for s in service.for_cart([history["BREAD"]], k=5)]
    assert history["MILK-1L"] not in offered and history["SOAP"] not in offered
    assert offered  # something else is still suggested (popular)


def test_a_known_customer_gets_what_customers_like_them_bought(store, products, cashier, manager, till, tmp_path):
    customers = CustomerService(store)
    ann = customers.create(manager, CustomerDraft(name="Ann"))
    bob = customers.create(manager, CustomerDraft(name="Bob"))
    carl = customers.create(manager, CustomerDraft(name="Carl"))
    sell(store, cashier, till, BREAD, customer_id=carl)  # not everybody buys milk
    for _ in range(3):
        sell(store, cashier, till, MILK, customer_id=ann)
        sell(store, cashier, till, NIUNAI, customer_id=ann)
    sell(store, cashier, till, MILK, customer_id=bob)
    for _ in range(5):  # soap is the shop's best-seller, bought by nobody known
        sell(store, cashier, till, SOAP)
    service = RecommendationService(store, tmp_path / "model.npz")
    assert service.train(login(store, "manager")).customers == 3

    def rank(customer_id):
        found = [s.product_id for s in service.for_cart([], customer_id=customer_id,
                                                        exclude=[products["MILK-1L"]], k=3)]
        return found.index(products["NIUNAI"]) if products["NIUNAI"] in found else 99

    assert service.for_cart([], exclude=[products["MILK-1L"]], k=1)[0].product_id == products["SOAP"]
    assert rank(bob) < rank(None)  # Ann buys milk like Bob, and niunai: it moves up for Bob


def test_query_by_names_and_skus_and_retraining_is_picked_up(store, history, cashier, till, tmp_path):
    service = RecommendationService(store, tmp_path / "model.npz")
    service.train(login(store, "manager"))
    found, unknown = service.query_names(["Sourdough bread", "no such thing"], k=2)
    assert unknown == ["no such thing"] and found[0].name == "Whole milk 1 L"
    for _ in range(6):
        sell(store, cashier, till, BREAD, SOAP)
    RecommendationService(store, tmp_path / "model.npz").train(login(store, "manager"))  # another process trains
    found, _ = service.query_names(["BREAD"], k=1)
    assert found[0].name == "Dish soap 500 ml"


def test_attach_rate_counts_sales_with_a_line_from_the_panel(store, history, cashier, manager, till, tmp_path):
    service = RecommendationService(store, tmp_path / "model.npz")
    service.train(login(store, "manager"))
    shown = service.for_cart([history["BREAD"]], k=2)
    service.record(cashier, till.till_id, "impression", shown)
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, BREAD)
    view = checkout.add_product(cashier, till.till_id, shown[0].product_id, suggested=True)
    service.record(cashier, till.till_id, "accepted", shown[:1], first_position=1)
    service.record(cashier, till.till_id, "accepted", shown[1:2], first_position=2)
    with store.reader() as s:
        from sqlalchemy import select

        from shopdesk.store.review_models import RecommendationEvent

        taken = s.execute(select(RecommendationEvent.position, RecommendationEvent.product_id)
                          .where(RecommendationEvent.kind == "accepted").order_by(RecommendationEvent.position)).all()
    assert [(pos, pid) for pos, pid in taken] == [(1, shown[0].product_id), (2, shown[1].product_id)]
    checkout.pay_cash(cashier, till.till_id, view.total)
    [today] = service.attach_rate(manager, date.today(), date.today())
    assert (today.sales, today.with_suggestion) == (7, 1) and today.rate == pytest.approx(1 / 7)


def test_a_basket_file_becomes_training_data_by_name():
    data = basket_file_data([["Milk", "Bread"], ["bread", "Jam", "milk"], ["Tea"]])
    assert [i.name for i in data.items] == ["Milk", "Bread", "Jam", "Tea"]
    assert data.baskets == [[0, 1], [1, 2, 0], [3]]
    assert Decimal(len(data.basket_customers)) == 3


def test_a_regular_gets_what_they_buy_again_and_again(store, products, cashier, manager, till, tmp_path):
    ann = CustomerService(store).create(manager, CustomerDraft(name="Ann"))
    for _ in range(3):
        sell(store, cashier, till, NIUNAI, customer_id=ann)
    for _ in range(4):
        sell(store, cashier, till, SOAP)
    service = RecommendationService(store, tmp_path / "model.npz")
    service.train(login(store, "manager"))
    [first] = service.for_cart([], customer_id=ann, k=1)
    assert first.product_id == products["NIUNAI"] and first.reason == "bought it before (3 times)"


def test_training_is_for_those_who_manage_the_catalog(store, products, cashier, tmp_path):
    from shopdesk.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        RecommendationService(store, tmp_path / "model.npz").train(cashier)
    assert not (tmp_path / "model.npz").exists()
