"""Staff log-in: Argon2 hashes only, lock-out after five wrong attempts, PIN switching,
permissions enforced in services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import (
    AccountLocked,
    AuthenticationFailed,
    PermissionDenied,
    ValidationError,
)
from shopdesk.domain.permissions import Role
from shopdesk.services.auth import MAX_FAILED_ATTEMPTS, AuthService
from shopdesk.services.checkout import CheckoutService
from shopdesk.store.models import AuditEntry, User
from shopdesk.store.types import utcnow


def test_password_and_pin_are_stored_only_as_argon2_hashes(store):
    with store.reader() as s:
        for user in s.scalars(select(User)):
            assert user.password_hash.startswith("$argon2id$")
            assert user.pin_hash.startswith("$argon2id$")
            assert "demo" not in user.password_hash


def test_login_with_password_and_with_pin(store):
    auth = AuthService(store)
    staff = auth.login("cashier", "demo-cashier")
    assert staff.role is Role.CASHIER and staff.display_name == "Casey Cashier"
    assert auth.login_pin("manager", "2222").role is Role.MANAGER


@pytest.mark.parametrize("username,secret", [("cashier", "wrong-pass"), ("nobody", "demo-cashier"), ("", "")])
def test_wrong_credentials_are_refused_with_the_same_message(store, username, secret):
    with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
        AuthService(store).login(username, secret)


def test_five_wrong_attempts_lock_the_account_even_for_the_right_password(store):
    auth = AuthService(store)
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(AuthenticationFailed):
            auth.login_pin("cashier", "0000")
    with pytest.raises(AccountLocked, match="locked"):
        auth.login_pin("cashier", "0000")
    with pytest.raises(AccountLocked, match="locked"):
        auth.login("cashier", "demo-cashier")
    with store.reader() as s:
        failures = s.scalars(select(AuditEntry).where(AuditEntry.action == "auth.failed")).all()
    assert len(failures) == MAX_FAILED_ATTEMPTS


def test_lock_expires(store):
    auth = AuthService(store)
    with store.unit_of_work() as s:
        user = s.scalar(select(User).where(User.username == "cashier"))
        user.locked_until = utcnow() - timedelta(seconds=1)
    assert auth.login("cashier", "demo-cashier").username == "cashier"


def test_successful_login_resets_the_failure_count(store):
    auth = AuthService(store)
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(AuthenticationFailed):
            auth.login("clerk", "nope-nope")
    auth.login("clerk", "demo-clerk")
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(AuthenticationFailed):
            auth.login("clerk", "nope-nope")
    assert auth.login("clerk", "demo-clerk").username == "clerk"


def test_only_owners_create_staff_and_it_is_audited(store, owner, manager):
    auth = AuthService(store)
    with pytest.raises(PermissionDenied):
        auth.create_user(manager, "newbie", "New Person", Role.CASHIER, "long-password", "5555")
    member = auth.create_user(owner, "newbie", "New Person", Role.CASHIER, "long-password", "5555")
    assert auth.login_pin("newbie", "5555").user_id == member.user_id
    with store.reader() as s:
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == member.user_id)) == "staff.created"


@pytest.mark.parametrize(
    "username,password,pin,field",
    [("x", "long-password", None, "username"), ("has space", "long-password", None, "username"),
     ("okname", "short", None, "password"), ("okname", "long-password", "12", "pin"),
     ("okname", "long-password", "12ab", "pin"), ("okname", "long-password", "1234567", "pin")],
)
def test_bad_account_details_name_the_field(store, owner, username, password, pin, field):
    with pytest.raises(ValidationError) as err:
        AuthService(store).create_user(owner, username, "Someone", Role.CLERK, password, pin)
    assert err.value.field == field


def test_duplicate_user_name_is_refused(store, owner):
    with pytest.raises(ValidationError, match="taken"):
        AuthService(store).create_user(owner, "cashier", "Other", Role.CASHIER, "long-password")


def test_cashier_calling_price_override_is_refused_by_the_service(store, products, cashier, manager, till):
    checkout = CheckoutService(store)
    view = checkout.scan(cashier, till.till_id, "4006381333931")
    line_id = view.lines[0].line_id
    with pytest.raises(PermissionDenied, match="price override"):
        checkout.override_price(cashier, till.till_id, line_id, 1)
    view = checkout.override_price(manager, till.till_id, line_id, 99, reason="dented")
    assert view.lines[0].unit_price == 99
    with store.reader() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "cart.price_override"))
    assert entry.user_id == manager.user_id and '"old_price": 129' in entry.details


def test_clerk_cannot_sell(store, products, clerk, till):
    with pytest.raises(PermissionDenied):
        CheckoutService(store).scan(clerk, till.till_id, "4006381333931")
