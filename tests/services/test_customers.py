"""Customers at the counter: find by phone digits, e-mail or a part of the name; register
with checks that name the field; attach to the cart; store credit and recent purchases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import NotFound, PermissionDenied, ValidationError
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.customers import CustomerDraft, CustomerService
from shopdesk.store.counter_models import StoreCreditEntry
from shopdesk.store.models import AuditEntry, Sale

MILK, BREAD = "4006381333931", "036000291452"


@pytest.fixture
def people(store, cashier):
    service = CustomerService(store)
    ids = {
        "anna": service.create(cashier, CustomerDraft("Anna Schmidt", "+49 170 123-4567", "Anna.S@Example.org")),
        "john": service.create(cashier, CustomerDraft("John Smith", "0170 555 0101", "john@smith.example")),
        "joan": service.create(cashier, CustomerDraft("Joan Smithers", "", "")),
        "li": service.create(cashier, CustomerDraft("李 Wei", "(021) 6000-1234")),
    }
    return service, ids


def names(hits) -> list[str]:
    return [h.name for h in hits]


def test_phone_is_stored_as_digits_and_found_by_digits_with_spaces_or_dashes(people):
    service, ids = people
    assert service.get(ids["anna"]).phone == "+491701234567"
    assert names(service.search("+49 170 123 4567")) == ["Anna Schmidt"]
    assert names(service.search("49-170-1234")) == ["Anna Schmidt"]
    assert names(service.search("0170 555-0101")) == ["John Smith"]
    assert names(service.search("(021) 6000")) == ["李 Wei"]
    assert service.search("99 99") == []


def test_found_by_email_whatever_the_case(people):
    service, ids = people
    assert service.get(ids["anna"]).email == "anna.s@example.org"
    assert names(service.search("ANNA.S@example")) == ["Anna Schmidt"]
    assert names(service.search("john@")) == ["John Smith"]


def test_found_by_a_part_of_the_name(people):
    service, _ids = people
    assert names(service.search("jo")) == ["Joan Smithers", "John Smith"]  # start, any case
    assert names(service.search("smith")) == ["Joan Smithers", "John Smith"]  # a later word
    assert names(service.search("john sm")) == ["John Smith"]
    assert names(service.search("sm jo")) == ["Joan Smithers", "John Smith"]  # words in any order
    assert names(service.search("schm")) == ["Anna Schmidt"]
    assert names(service.search("wei")) == ["李 Wei"]
    assert service.search("") == [] and service.search("   ") == []
    assert len(service.search("jo", limit=1)) == 1


@pytest.mark.parametrize(("draft", "field"), [
    (CustomerDraft("  "), "name"),
    (CustomerDraft("Ann", email="ann.example.org"), "email"),
    (CustomerDraft("Ann", email="ann@example"), "email"),
    (CustomerDraft("Ann", email="a b@example.org"), "email"),
    (CustomerDraft("Ann", phone="call me"), "phone"),
    (CustomerDraft("Ann", phone="12+34"), "phone"),
    (CustomerDraft("Ann", phone="12"), "phone"),
])
def test_bad_input_is_refused_naming_the_field(store, cashier, draft, field):
    service = CustomerService(store)
    with pytest.raises(ValidationError) as err:
        service.create(cashier, draft)
    assert err.value.field == field
    assert service.search("ann") == []


def test_bad_email_message_names_the_address(store, cashier):
    with pytest.raises(ValidationError, match="'ann.example.org' is not an e-mail address"):
        CustomerService(store).create(cashier, CustomerDraft("Ann", email="ann.example.org"))


def test_update_changes_the_record_and_is_audited(people, cashier, store):
    service, ids = people
    updated = service.update(cashier, ids["john"], CustomerDraft("John Smith", "0170 555 0199", "j@smith.example",
                                                                 "1 Oak Lane", "prefers email"))
    assert (updated.phone, updated.email, updated.address) == ("01705550199", "j@smith.example", "1 Oak Lane")
    assert names(service.search("0170 555 0199")) == ["John Smith"]
    with pytest.raises(ValidationError):
        service.update(cashier, ids["john"], CustomerDraft(""))
    with pytest.raises(NotFound):
        service.update(cashier, "nope", CustomerDraft("X"))
    with store.reader() as s:
        assert s.scalar(select(AuditEntry.details).where(AuditEntry.action == "customer.updated")).count("address")


def test_clerk_may_not_register_customers(store, clerk):
    with pytest.raises(PermissionDenied):
        CustomerService(store).create(clerk, CustomerDraft("Ann"))


def test_attach_and_detach_on_the_open_cart(people, products, cashier, till):
    service, ids = people
    view = service.attach(cashier, till.till_id, ids["anna"])  # an empty till: an empty cart for Anna
    assert view.customer_id == ids["anna"] and view.is_empty
    checkout = CheckoutService(service.db)
    view = checkout.scan(cashier, till.till_id, MILK)
    assert view.customer_id == ids["anna"]
    assert service.attach(cashier, till.till_id, ids["john"]).customer_id == ids["john"]
    assert service.attach(cashier, till.till_id, None).customer_id is None
    assert len(checkout.current_cart(cashier, till.till_id).lines) == 1
    with pytest.raises(NotFound):
        service.attach(cashier, till.till_id, "no-such-customer")


def test_the_sale_is_the_customers_and_shows_in_recent_purchases_with_store_credit(people, products, cashier,
                                                                                   till, store):
    service, ids = people
    checkout = CheckoutService(store)
    service.attach(cashier, till.till_id, ids["john"])
    checkout.scan(cashier, till.till_id, MILK)
    checkout.scan(cashier, till.till_id, MILK)
    checkout.scan(cashier, till.till_id, BREAD)
    first = checkout.pay_cash(cashier, till.till_id, 1000)
    checkout.scan(cashier, till.till_id, BREAD)
    service.attach(cashier, till.till_id, ids["john"])
    second = checkout.pay_cash(cashier, till.till_id, 1000)
    with store.unit_of_work() as s:
        assert s.scalar(select(Sale.customer_id).where(Sale.id == first.sale_id)) == ids["john"]
        s.add(StoreCreditEntry(customer_id=ids["john"], amount=500, user_id=cashier.user_id, note="refund"))

    recent = service.recent_purchases(ids["john"])
    assert [p.receipt_number for p in recent] == [second.receipt_number, first.receipt_number]
    assert (recent[1].total, recent[1].lines, recent[1].items) == (2 * 129 + 350, 2, 3)
    assert recent[1].description == "Whole milk 1 L, Sourdough bread"
    assert service.recent_purchases(ids["anna"]) == []
    card = service.card(ids["john"], recent=1)
    assert card.customer.name == "John Smith" and card.store_credit == 500
    assert [p.receipt_number for p in card.recent] == [second.receipt_number]
    assert service.store_credit_balance(ids["anna"]) == 0
