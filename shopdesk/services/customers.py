"""Customers at the counter: find one fast (name, phone, e-mail), register a new one,
attach them to the cart in progress, and see their store credit and recent purchases.

Search uses the indexes on ``customers`` (name, phone, email); every query is a bounded
range scan, never ``LIKE '%x%'`` over the table:

- phone numbers are stored in one canonical form (an optional leading ``+``, then digits
  only), so "0170 123-4567" typed at the counter and "+49 170 1234567" find by digits;
- e-mail addresses are stored lower-cased and found by prefix;
- names are found by prefix of the whole name (in the usual capitalisations), and a
  query of several words keeps the names in which every word starts a word of the name.

A word in the middle of a name ("smith" for "John Smith") cannot use the plain name index;
it is looked for in a second pass that scans the names (stopping at enough hits), only when
the indexed routes found fewer than ``limit``. A word index (FTS5) over customers would make
that pass indexed too; it needs a migration.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from shopdesk.domain.errors import NotFound, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.services import audit
from shopdesk.services.cart_view import CartView, cart_view
from shopdesk.services.payments import store_credit_balance
from shopdesk.services.staff_session import StaffSession
from shopdesk.store import till_queries
from shopdesk.store.database import Database
from shopdesk.store.types import new_id, quantity_from_db, time_to_db, utcnow

SEARCH_LIMIT = 20
MIN_PHONE_DIGITS = 3
_TOP = "\U0010ffff"  # sorts after every character: "abc" .. "abc" + _TOP is the prefix range

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./-]+$")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class CustomerDraft:
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    note: str = ""


@dataclass(frozen=True)
class CustomerHit:
    id: str
    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    phone: str
    email: str
    address: str
    note: str


@dataclass(frozen=True)
class Purchase:
    sale_id: str
    receipt_number: str
    completed_at: datetime
    total: int
    currency: str
    kind: str
    lines: int
    items: Decimal  # the quantities summed
    description: str  # the first items' names, for a glance


@dataclass(frozen=True)
class CustomerCard:
    """What the till shows about the attached customer."""

    customer: Customer
    store_credit: int
    recent: tuple[Purchase, ...]


def phone_digits(text: str) -> str:
    """The canonical stored/searched form of a phone number: '+' if it leads, then digits."""
    text = (text or "").strip()
    digits = re.sub(r"\D", "", text)
    return ("+" + digits) if text.startswith("+") and digits else digits


def check_draft(draft: CustomerDraft) -> CustomerDraft:
    """The draft cleaned (trimmed, canonical phone, lower-case e-mail), or a ValidationError
    naming the field to correct."""
    name = " ".join((draft.name or "").split())
    if not name:
        raise ValidationError("name", QT_TRANSLATE_NOOP("errors", "Enter the customer's name."))
    if len(name) > 200:
        raise ValidationError("name", QT_TRANSLATE_NOOP("errors", "The name is longer than 200 characters."))
    phone = (draft.phone or "").strip()
    if phone:
        if not _PHONE_CHARS.match(phone):
            raise ValidationError("phone", QT_TRANSLATE_NOOP(
                "errors", "The phone number '{phone}' may hold only digits, spaces and a leading +."), phone=phone)
        digits = phone_digits(phone).lstrip("+")
        if not 4 <= len(digits) <= 20:
            raise ValidationError("phone", QT_TRANSLATE_NOOP(
                "errors", "The phone number '{phone}' should have 4 to 20 digits."), phone=phone)
    email = (draft.email or "").strip().lower()
    if email and (len(email) > 200 or not _EMAIL.match(email)):
        raise ValidationError("email", QT_TRANSLATE_NOOP(
            "errors", "'{email}' is not an e-mail address (like name@example.com)."), email=draft.email.strip())
    return CustomerDraft(name, phone_digits(phone), email, (draft.address or "").strip(), (draft.note or "").strip())


def _name_variants(text: str) -> list[str]:
    variants = [text, text.lower(), text.title(), text.capitalize(), text.upper()]
    return list(dict.fromkeys(v for v in variants if v))


def _words_match(name: str, words: list[str]) -> bool:
    name_words = [w.casefold() for w in _WORD.findall(name)]
    return all(any(nw.startswith(w) for nw in name_words) for w in words)


_HIT = "SELECT id, name, phone, email FROM customers"


def search_customers(conn: sqlite3.Connection, text: str, limit: int = SEARCH_LIMIT) -> list[CustomerHit]:
    text = " ".join((text or "").split())
    if not text or limit <= 0:
        return []
    found: dict[str, CustomerHit] = {}

    def take(sql: str, params: tuple, keep=lambda hit: True) -> None:
        for row in conn.execute(sql, params):
            hit = CustomerHit(*row)
            if hit.id not in found and keep(hit):
                found[hit.id] = hit

    # A phone number: only digits and the usual separators.
    if re.fullmatch(r"\+?[0-9 ()./-]+", text):
        digits = phone_digits(text).lstrip("+")
        if len(digits) >= MIN_PHONE_DIGITS:
            for prefix in (digits, "+" + digits):
                take(f"{_HIT} WHERE phone >= ? AND phone < ? ORDER BY phone LIMIT ?",
                     (prefix, prefix + _TOP, limit))
            return sorted(found.values(), key=lambda h: (h.name.casefold(), h.id))[:limit]
    # An e-mail address (or its start): stored lower-case.
    if " " not in text:
        prefix = text.lower()
        take(f"{_HIT} WHERE email >= ? AND email < ? ORDER BY email LIMIT ?", (prefix, prefix + _TOP, limit))
        if "@" in text:
            return sorted(found.values(), key=lambda h: (h.name.casefold(), h.id))[:limit]
    words = [w.casefold() for w in _WORD.findall(text)]
    if not words:
        return list(found.values())[:limit]
    # The whole name's start, then names starting with the first word that hold the others.
    for variant in _name_variants(text):
        take(f"{_HIT} WHERE name >= ? AND name < ? ORDER BY name LIMIT ?", (variant, variant + _TOP, limit))
    if len(words) > 1:
        for variant in _name_variants(_WORD.findall(text)[0]):
            take(f"{_HIT} WHERE name >= ? AND name < ? ORDER BY name LIMIT ?",
                 (variant, variant + _TOP, limit * 10), lambda h: _words_match(h.name, words))
    if len(found) < limit and len(words[-1]) >= 2:
        # A word inside the name (a surname): a bounded pass, see the module notes.
        needle = " " + words[0]
        take(f"{_HIT} WHERE instr(' ' || lower(name), ?) > 0 LIMIT ?", (needle, limit * 5),
             lambda h: _words_match(h.name, words))
    return sorted(found.values(), key=lambda h: (h.name.casefold(), h.id))[:limit]


def _customer(conn: sqlite3.Connection, customer_id: str) -> Customer:
    row = conn.execute("SELECT id, name, phone, email, address, note FROM customers WHERE id = ?",
                       (customer_id,)).fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That customer no longer exists."))
    return Customer(*row)


def recent_purchases(conn: sqlite3.Connection, customer_id: str, limit: int = 10) -> list[Purchase]:
    sales = conn.execute(
        "SELECT id, receipt_number, completed_at, grand_total, currency, kind FROM sales"
        " WHERE customer_id = ? ORDER BY created_at DESC LIMIT ?", (customer_id, limit)).fetchall()
    out = []
    for sale_id, receipt, completed, total, currency, kind in sales:
        lines = conn.execute("SELECT description, quantity FROM sale_lines WHERE sale_id = ? ORDER BY line_no",
                             (sale_id,)).fetchall()
        names = [d for d, _q in lines[:3]] + (["…"] if len(lines) > 3 else [])
        out.append(Purchase(sale_id, receipt, datetime.fromisoformat(completed).astimezone(UTC), total, currency,
                            kind, len(lines), sum((quantity_from_db(q) for _d, q in lines), Decimal(0)),
                            ", ".join(names)))
    return out


class CustomerService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- finding -------------------------------------------------------------------------
    def search(self, text: str, limit: int = SEARCH_LIMIT) -> list[CustomerHit]:
        """Customers whose phone (by digits), e-mail or name (start, or words) matches."""
        with self.db.raw_reader() as conn:
            return search_customers(conn, text, max(1, min(limit, 200)))

    def get(self, customer_id: str) -> Customer:
        with self.db.raw_reader() as conn:
            return _customer(conn, customer_id)

    def recent_purchases(self, customer_id: str, limit: int = 10) -> list[Purchase]:
        with self.db.raw_reader() as conn:
            _customer(conn, customer_id)
            return recent_purchases(conn, customer_id, limit)

    def store_credit_balance(self, customer_id: str) -> int:
        with self.db.raw_reader() as conn:
            return store_credit_balance(conn, customer_id)

    def card(self, customer_id: str, recent: int = 3) -> CustomerCard:
        """Name, store credit and the last purchases: what the till shows, in one read."""
        with self.db.raw_reader() as conn:
            customer = _customer(conn, customer_id)
            return CustomerCard(customer, store_credit_balance(conn, customer_id),
                                tuple(recent_purchases(conn, customer_id, recent)))

    # -- changing ------------------------------------------------------------------------
    def create(self, actor: StaffSession, draft: CustomerDraft) -> str:
        """Register a customer (cashiers may, at the counter); the new id."""
        actor.require(Permission.SELL)
        clean = check_draft(draft)
        customer_id, now = new_id(), time_to_db(utcnow())
        with self.db.raw_transaction() as conn:
            conn.execute(
                "INSERT INTO customers (id, name, phone, email, address, note, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (customer_id, clean.name, clean.phone, clean.email, clean.address, clean.note, now, now))
            audit.record(conn, actor, "customer.created", entity_type="customer", entity_id=customer_id,
                         name=clean.name)
        return customer_id

    def update(self, actor: StaffSession, customer_id: str, draft: CustomerDraft) -> Customer:
        actor.require(Permission.SELL)
        clean = check_draft(draft)
        with self.db.raw_transaction() as conn:
            old = _customer(conn, customer_id)
            conn.execute(
                "UPDATE customers SET name = ?, phone = ?, email = ?, address = ?, note = ?, updated_at = ?"
                " WHERE id = ?",
                (clean.name, clean.phone, clean.email, clean.address, clean.note, time_to_db(utcnow()),
                 customer_id))
            changed = {f: getattr(clean, f) for f in ("name", "phone", "email", "address", "note")
                       if getattr(clean, f) != getattr(old, f)}
            audit.record(conn, actor, "customer.updated", entity_type="customer", entity_id=customer_id,
                         fields=sorted(changed))
            return _customer(conn, customer_id)

    def attach(self, actor: StaffSession, till_id: str, customer_id: str | None) -> CartView:
        """Make the customer the one the till's open cart is for (None: nobody). Attaching
        to an empty till starts an empty cart, so the next scans go to this customer."""
        actor.require(Permission.SELL)
        now = time_to_db(utcnow())
        with self.db.raw_transaction() as conn:
            if customer_id is not None:
                _customer(conn, customer_id)
            cart_id = till_queries.open_cart_id(conn, till_id)
            if cart_id is None:
                if customer_id is None:
                    return cart_view(conn, None)
                if not till_queries.till_exists(conn, till_id):
                    raise NotFound(QT_TRANSLATE_NOOP("errors", "This till is not known to the store."))
                cart_id = new_id()
                till_queries.create_cart(conn, cart_id, till_id, actor.user_id, now)
            conn.execute("UPDATE cart_drafts SET customer_id = ?, updated_at = ? WHERE id = ?",
                         (customer_id, now, cart_id))
            audit.record(conn, actor, "cart.customer_attached" if customer_id else "cart.customer_detached",
                         entity_type="cart", entity_id=cart_id, customer_id=customer_id)
            return cart_view(conn, cart_id)
