"""Line and cart discounts and price overrides: role limits, a manager's approval, audit."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import (
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    StateError,
    ValidationError,
)
from shopdesk.domain.permissions import Role
from shopdesk.services.auth import AuthService
from shopdesk.services.cart_discounts import (
    AMOUNT,
    PERCENT,
    ApprovalRequired,
    CartDiscountService,
    Discount,
    allows,
    needed_percent,
    shown_percent,
)
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.payments import PaymentService, Tender
from shopdesk.store.models import AuditEntry, CartDraftLine, Sale, SaleLine, User
from tests.domain.test_cart import check_invariants

MILK, BREAD, SOAP, NIUNAI = "4006381333931", "036000291452", "96385074", "6901234567892"


def pct(value) -> Discount:
    return Discount(PERCENT, Decimal(value))


def amount(minor: int) -> Discount:
    return Discount(AMOUNT, Decimal(minor))


@pytest.fixture
def service(store):
    return CartDiscountService(store)


@pytest.fixture
def manager_pin(store):
    return AuthService(store).login_pin("manager", "2222")


def scan(store, actor, till, *codes):
    view = None
    for code in codes:
        view = CheckoutService(store).scan(actor, till.till_id, code)
    return view


def line_of(view, name_start):
    return next(line for line in view.lines if line.name.startswith(name_start))


def audits(store, action):
    with store.reader() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.at)))


def test_limits_as_seeded(service):
    assert service.limits(Role.CASHIER) == (Decimal(10), Decimal(5))
    assert service.limits("clerk") == (Decimal(0), Decimal(0))
    assert service.limits(Role.MANAGER) == (Decimal(50), Decimal(30))
    assert service.limits(Role.OWNER) == (Decimal(100), Decimal(100))


def test_cashier_gives_ten_percent_off_a_line(store, products, cashier, till, service):
    bread = line_of(scan(store, cashier, till, BREAD), "Sourdough")
    view = service.set_line_discount(cashier, till.till_id, bread.line_id, pct(10))
    line = line_of(view, "Sourdough")
    assert (line.line_discount, line.discount, line.amount) == (35, 35, 315)
    assert (line.discount_kind, line.discount_value) == (PERCENT, Decimal(10))
    assert view.total == 315 and view.last_line_id == bread.line_id
    [entry] = audits(store, "cart.line_discount")
    assert entry.user_id == cashier.user_id and entry.approved_by_id is None
    details = json.loads(entry.details)
    assert (details["old"], details["new"], details["amount"]) == ("", "10 %", 35)


def test_fifteen_percent_needs_a_manager_and_then_is_audited_with_both(
        store, products, cashier, manager_pin, till, service):
    bread = line_of(scan(store, cashier, till, BREAD), "Sourdough")
    with pytest.raises(ApprovalRequired) as need:
        service.set_line_discount(cashier, till.till_id, bread.line_id, pct(15))
    assert need.value.needed_percent == Decimal(15) and need.value.limit_percent == Decimal(10)
    assert need.value.scope == "line" and not need.value.approver_refused
    assert "15 % off the line is more than the 10 %" in str(need.value)
    assert line_of(CheckoutService(store).current_cart(cashier, till.till_id), "Sourdough").discount == 0
    assert audits(store, "cart.line_discount") == []

    view = service.set_line_discount(cashier, till.till_id, bread.line_id, pct(15), approver=manager_pin,
                                     reason="dented")
    assert line_of(view, "Sourdough").amount == 350 - 53  # 52.5 rounds half away from zero
    [entry] = audits(store, "cart.line_discount")
    assert (entry.user_id, entry.approved_by_id) == (cashier.user_id, manager_pin.user_id)
    details = json.loads(entry.details)
    assert details["new"] == "15 %" and details["reason"] == "dented" and details["line_id"] == bread.line_id


def test_cashier_cart_discount_five_ok_ten_needs_approval(store, products, cashier, manager, till, service):
    scan(store, cashier, till, BREAD, SOAP)  # 3.50 + 2.49 = 5.99
    view = service.set_cart_discount(cashier, till.till_id, pct(5))
    assert view.cart_discount == 30 and view.total == 599 - 30  # 29.95 → 30
    assert sum(line.discount for line in view.lines) == 30
    with pytest.raises(ApprovalRequired) as need:
        service.set_cart_discount(cashier, till.till_id, pct(10))
    assert need.value.scope == "cart" and need.value.limit_percent == Decimal(5)
    assert CheckoutService(store).current_cart(cashier, till.till_id).cart_discount == 30  # unchanged
    view = service.set_cart_discount(cashier, till.till_id, pct(10), approver=manager)
    assert view.cart_discount == 60
    entry = audits(store, "cart.cart_discount")[-1]
    assert (entry.user_id, entry.approved_by_id) == (cashier.user_id, manager.user_id)
    assert json.loads(entry.details)["old"] == "5 %"


def test_amount_discounts_count_as_their_percent(store, products, cashier, till, service):
    bread = line_of(scan(store, cashier, till, BREAD), "Sourdough")
    service.set_line_discount(cashier, till.till_id, bread.line_id, amount(35))  # exactly 10 %
    with pytest.raises(ApprovalRequired) as need:
        service.set_line_discount(cashier, till.till_id, bread.line_id, amount(36))  # 10.29 %
    assert need.value.percent == Decimal("10.29") and "10.29 % off the line" in str(need.value)
    assert need.value.needed_percent == Decimal("10.15")  # 10.15 % of 3.50 = 0.355 → 0.36
    # The cart limit is measured on what is left after the line discounts: 5 % of 3.15.
    service.set_line_discount(cashier, till.till_id, bread.line_id, amount(35))
    view = service.set_cart_discount(cashier, till.till_id, amount(16))  # 5 % of 3.15 = 0.1575 → 0.16
    assert view.total == 299
    with pytest.raises(ApprovalRequired):
        service.set_cart_discount(cashier, till.till_id, amount(17))  # 5.4 %


def test_percent_is_of_quantity_times_price(store, products, cashier, till, service):
    milk = line_of(scan(store, cashier, till, MILK, MILK, MILK), "Whole milk")  # 3 × 1.29 = 3.87
    # 10 % of 3.87 is 0.387 → 0.39 by the one rounding rule: as an amount, 0.39 is within too.
    view = service.set_line_discount(cashier, till.till_id, milk.line_id, pct(10))
    assert line_of(view, "Whole milk").amount == 387 - 39
    view = service.set_line_discount(cashier, till.till_id, milk.line_id, amount(39))
    assert line_of(view, "Whole milk").amount == 387 - 39
    with pytest.raises(ApprovalRequired):
        service.set_line_discount(cashier, till.till_id, milk.line_id, amount(40))  # 10.34 %


def test_approver_must_be_someone_else_with_enough_limit(store, products, cashier, manager, owner, till, service):
    bread = line_of(scan(store, cashier, till, BREAD), "Sourdough")
    with pytest.raises(PermissionDenied, match="their own"):
        service.set_line_discount(cashier, till.till_id, bread.line_id, pct(15), approver=cashier)
    with pytest.raises(ApprovalRequired) as need:  # the manager may approve 50 % at most
        service.set_line_discount(cashier, till.till_id, bread.line_id, pct(60), approver=manager)
    assert need.value.approver_refused and need.value.limit_percent == Decimal(50)
    assert "Max Manager may approve at most 50 %" in str(need.value)
    with pytest.raises(ApprovalRequired):  # managers themselves need the owner above 50 %
        service.set_line_discount(manager, till.till_id, bread.line_id, pct(60))
    view = service.set_line_discount(cashier, till.till_id, bread.line_id, pct(60), approver=owner)
    assert line_of(view, "Sourdough").amount == 140


def test_an_approver_no_longer_active_is_refused(store, products, cashier, manager, till, service):
    bread = line_of(scan(store, cashier, till, BREAD), "Sourdough")
    with store.unit_of_work() as s:
        s.get(User, manager.user_id).active = False
    with pytest.raises(PermissionDenied, match="no longer an active"):
        service.set_line_discount(cashier, till.till_id, bread.line_id, pct(15), approver=manager)


def test_wrong_pin_fails_login(store):
    with pytest.raises(AuthenticationFailed):
        AuthService(store).login_pin("manager", "9999")


def test_removing_a_discount_needs_no_approval(store, products, cashier, manager, till, service):
    bread = line_of(scan(store, cashier, till, BREAD), "Sourdough")
    service.set_line_discount(cashier, till.till_id, bread.line_id, pct(40), approver=manager)
    service.set_cart_discount(cashier, till.till_id, pct(20), approver=manager)
    view = service.set_line_discount(cashier, till.till_id, bread.line_id, None)
    view = service.set_cart_discount(cashier, till.till_id, None)
    assert view.total == 350 and view.cart_discount == 0 and view.lines[0].discount_kind == ""
    assert [e.approved_by_id for e in audits(store, "cart.line_discount")] == [manager.user_id, None]


def test_clerks_cannot_sell_and_return_lines_take_no_discount(store, products, cashier, clerk, till, service):
    bread = line_of(scan(store, cashier, till, BREAD), "Sourdough")
    with pytest.raises(PermissionDenied):
        service.set_line_discount(clerk, till.till_id, bread.line_id, pct(1))
    with store.unit_of_work() as s:
        s.get(CartDraftLine, bread.line_id).quantity = Decimal(-1)
    with pytest.raises(StateError, match="return line"):
        service.set_line_discount(cashier, till.till_id, bread.line_id, pct(5))
    with pytest.raises(StateError, match="return line"):
        service.override_price(cashier, till.till_id, bread.line_id, 400)


def test_bad_discounts_change_nothing(store, products, cashier, owner, till, service):
    bread = line_of(scan(store, cashier, till, BREAD), "Sourdough")
    with pytest.raises(ValidationError, match="larger than the price"):
        service.set_line_discount(owner, till.till_id, bread.line_id, amount(351))
    with pytest.raises(ValidationError, match="more than 100"):
        service.set_line_discount(owner, till.till_id, bread.line_id, pct(101))
    with pytest.raises(NotFound):
        service.set_line_discount(cashier, till.till_id, "no-such-line", pct(5))
    # A cart amount discount that would no longer fit after a line discount undoes the change.
    service.set_cart_discount(owner, till.till_id, amount(300))
    with pytest.raises(ValidationError):
        service.set_line_discount(owner, till.till_id, bread.line_id, pct(50))
    view = CheckoutService(store).current_cart(cashier, till.till_id)
    assert view.lines[0].line_discount == 0 and view.total == 50


def test_cart_discount_on_an_empty_till(store, products, cashier, till, service):
    with pytest.raises(StateError, match="empty"):
        service.set_cart_discount(cashier, till.till_id, pct(5))
    assert service.set_cart_discount(cashier, till.till_id, None).is_empty


def test_price_override(store, products, cashier, manager, owner, till, service):
    bread = line_of(scan(store, cashier, till, BREAD), "Sourdough")
    # Above the shelf price: no approval, audited.
    view = service.override_price(cashier, till.till_id, bread.line_id, 400, reason="deli weight")
    assert line_of(view, "Sourdough").unit_price == 400
    entry = audits(store, "cart.price_override")[-1]
    assert entry.approved_by_id is None and json.loads(entry.details)["new_price"] == 400
    # Below it: a cashier needs a manager even within the cashier's discount limit.
    with pytest.raises(ApprovalRequired) as need:
        service.override_price(cashier, till.till_id, bread.line_id, 340)
    assert need.value.permission == "price_override"
    with pytest.raises(PermissionDenied):  # another cashier-level approver lacks the permission
        service.override_price(cashier, till.till_id, bread.line_id, 340, approver=_other_cashier(store, owner))
    view = service.override_price(cashier, till.till_id, bread.line_id, 300, approver=manager)
    assert view.total == 300
    entry = audits(store, "cart.price_override")[-1]
    assert (entry.user_id, entry.approved_by_id) == (cashier.user_id, manager.user_id)
    details = json.loads(entry.details)
    assert (details["old_price"], details["new_price"], details["shelf_price"]) == (400, 300, 350)
    # A manager lowers within the 50 % line limit alone; further needs the owner.
    service.override_price(manager, till.till_id, bread.line_id, 175)
    with pytest.raises(ApprovalRequired):
        service.override_price(manager, till.till_id, bread.line_id, 174)
    service.override_price(manager, till.till_id, bread.line_id, 0, approver=owner)


def test_an_override_and_a_discount_cannot_be_stacked_past_the_limit(store, products, cashier, manager, till,
                                                                   service):
    bread = line_of(scan(store, cashier, till, BREAD), "Sourdough")
    service.override_price(cashier, till.till_id, bread.line_id, 330, approver=manager)  # 5.71 % below shelf
    # 20 below shelf + 15 off = 35 of 350 is exactly 10 %: allowed; one cent more is not.
    service.set_line_discount(cashier, till.till_id, bread.line_id, amount(15))
    with pytest.raises(ApprovalRequired) as need:
        service.set_line_discount(cashier, till.till_id, bread.line_id, amount(16))
    assert need.value.percent == Decimal("10.29")


def _other_cashier(store, owner):
    AuthService(store).create_user(owner, "cashier2", "Cam Cashier", Role.CASHIER, "cashier-two", "5678")
    return AuthService(store).login_pin("cashier2", "5678")


def test_totals_and_tax_after_discounts(store, products, cashier, manager, till, service):
    view = scan(store, cashier, till, MILK, MILK, BREAD, SOAP, NIUNAI)
    service.set_line_discount(cashier, till.till_id, line_of(view, "Dish soap").line_id, pct("7.5"))
    service.set_line_discount(cashier, till.till_id, line_of(view, "牛奶").line_id, amount(100))
    view = service.set_cart_discount(cashier, till.till_id, pct(20), approver=manager)
    check_invariants(view.totals)
    before = 258 + 350 + 249 + 1000
    own = round(Decimal(249) * Decimal("0.075")) + 100  # 18.675 → 19
    assert own == 119 and view.totals.subtotal == view.total
    assert view.cart_discount == round((before - own) * Decimal("0.2"))  # 347.6 → 348
    assert view.total == before - own - view.cart_discount
    assert sum(line.discount for line in view.lines) == own + view.cart_discount
    assert sum(line.line_discount for line in view.lines) == own


def test_a_paid_sale_stores_the_discounts(store, products, cashier, manager, till, service):
    view = scan(store, cashier, till, BREAD, SOAP)
    service.set_line_discount(cashier, till.till_id, line_of(view, "Sourdough").line_id, pct(15), approver=manager)
    view = service.set_cart_discount(cashier, till.till_id, amount(20))
    result = PaymentService(store).pay(cashier, till.till_id, [Tender("cash", 1000)])
    assert result.total == 350 - 53 + 249 - 20 == view.total
    with store.reader() as s:
        sale = s.scalar(select(Sale))
        assert sale.grand_total == view.total and sale.cart_discount == 20
        lines = {line.description: line for line in s.scalars(select(SaleLine))}
        assert lines["Sourdough bread"].discount == line_of(view, "Sourdough").discount
        assert lines["Sourdough bread"].discount > 53
        assert sum(line.discount for line in lines.values()) == 53 + 20
        assert sum(line.gross for line in lines.values()) == sale.grand_total


def test_a_limit_allows_what_its_percent_takes_off_after_rounding():
    assert allows(30, 599, Decimal(5)) and not allows(31, 599, Decimal(5))  # 29.95 → 30
    assert allows(35, 350, Decimal(10)) and not allows(36, 350, Decimal(10))
    assert needed_percent(36, 350) == Decimal("10.15") and allows(36, 350, Decimal("10.15"))
    assert not allows(36, 350, Decimal("10.14"))
    assert needed_percent(0, 0) == Decimal(0) and needed_percent(350, 350) == Decimal("99.86")
    assert shown_percent(1, 3) == Decimal("33.34")


def test_fewer_items_cannot_stretch_an_amount_discount_past_the_limit(store, products, cashier, till):
    """3 × €3.50 with €1.00 off is within 10 %; the same €1.00 off one loaf would be 28 %."""
    from shopdesk.domain.discounts import AMOUNT, Discount
    from shopdesk.services.cart_discounts import CartDiscountService
    from shopdesk.services.checkout import CheckoutService

    checkout = CheckoutService(store)
    for _ in range(3):
        view = checkout.scan(cashier, till.till_id, "036000291452")
    line_id = view.last_line_id
    CartDiscountService(store).set_line_discount(cashier, till.till_id, line_id, Discount(AMOUNT, Decimal(100)))
    with pytest.raises(ValidationError, match="more than your 10 % limit"):
        checkout.set_quantity(cashier, till.till_id, line_id, Decimal(1))
    assert checkout.set_quantity(cashier, till.till_id, line_id, Decimal(4)).lines[0].quantity == 4  # more is fine
