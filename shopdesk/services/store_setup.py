"""First start: create the store, its owner, tax rates, stock locations and a till."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name
from sqlalchemy import func, select, update

from shopdesk.domain.errors import StateError, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Role
from shopdesk.domain.tax import TaxRate as DomainTaxRate
from shopdesk.services import audit
from shopdesk.services.auth import new_user
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.models import Location, StoreSettings, TaxRate, Till
from shopdesk.store.order_models import CarrierProfile

# Stock locations every store has. Virtual ones are the other side of each movement.
DEFAULT_LOCATIONS = (
    ("FLOOR", QT_TRANSLATE_NOOP("locations", "Shop floor"), "internal"),
    ("BACK", QT_TRANSLATE_NOOP("locations", "Backroom"), "internal"),
    ("SUPPLIER", QT_TRANSLATE_NOOP("locations", "Suppliers"), "supplier"),
    ("CUSTOMER", QT_TRANSLATE_NOOP("locations", "Customers"), "customer"),
    ("ADJUST", QT_TRANSLATE_NOOP("locations", "Inventory adjustment"), "adjustment"),
    ("SCRAP", QT_TRANSLATE_NOOP("locations", "Damaged / scrap"), "scrap"),
)


@dataclass(frozen=True)
class StoreSetup:
    store_name: str
    currency: str
    locale: str
    owner_username: str
    owner_name: str
    owner_password: str
    owner_pin: str | None = None
    address: str = ""
    tax_id: str = ""
    standard_tax_percent: str = "20"
    reduced_tax_percent: str | None = None
    prices_include_tax: bool = True
    receipt_footer: str = ""
    receipt_printer: str = "none"


def _check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or get_currency_name(code, locale="en") == code:
        raise ValidationError(
            "currency",
            QT_TRANSLATE_NOOP("errors", "'{code}' is not an ISO 4217 currency code (e.g. EUR, USD, CNY)."),
            code=code,
        )
    return code


def _check_locale(name: str) -> str:
    try:
        return str(Locale.parse((name or "").strip().replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError(
            "locale",
            QT_TRANSLATE_NOOP("errors", "'{name}' is not a known locale (e.g. en_GB, de_DE, zh_CN)."),
            name=name,
        ) from None


def _check_percent(text: str, field: str) -> Decimal:
    try:
        value = Decimal(str(text).strip().rstrip("%").strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(
            field, QT_TRANSLATE_NOOP("errors", "'{text}' is not a tax rate; type a percentage such as 20 or 8.5."),
            text=text,
        )
    DomainTaxRate(code="check", percent=value)  # range rules live in the domain
    return value


def store_exists(db: Database) -> bool:
    with db.reader() as s:
        return bool(s.scalar(select(func.count()).select_from(StoreSettings)))


def initialize_store(db: Database, setup: StoreSetup) -> StaffSession:
    """Create the store and its owner in one transaction; refused if a store exists."""
    name = (setup.store_name or "").strip()
    if not name:
        raise ValidationError("store_name", QT_TRANSLATE_NOOP("errors", "Enter the store's name."))
    currency = _check_currency(setup.currency)
    locale = _check_locale(setup.locale)
    standard = _check_percent(setup.standard_tax_percent, "standard_tax_percent")
    reduced = (
        _check_percent(setup.reduced_tax_percent, "reduced_tax_percent")
        if setup.reduced_tax_percent not in (None, "")
        else None
    )
    owner = new_user(setup.owner_username, setup.owner_name, Role.OWNER, setup.owner_password,
                     setup.owner_pin)
    with db.unit_of_work() as s:
        if s.scalar(select(func.count()).select_from(StoreSettings)):
            raise StateError(QT_TRANSLATE_NOOP("errors", "This database already has a store."))
        s.add(StoreSettings(
            name=name, address=setup.address.strip(), tax_id=setup.tax_id.strip(), currency=currency,
            locale=locale, prices_include_tax=setup.prices_include_tax,
            receipt_footer=setup.receipt_footer, receipt_printer=setup.receipt_printer or "none",
        ))
        s.add(TaxRate(code="STD", name="Standard", percent=standard))
        if reduced is not None:
            s.add(TaxRate(code="RED", name="Reduced", percent=reduced))
        s.add(TaxRate(code="ZERO", name="Zero", percent=Decimal(0)))
        floor = None
        for code, label, kind in DEFAULT_LOCATIONS:
            location = Location(code=code, name=label, kind=kind)
            s.add(location)
            if code == "FLOOR":
                floor = location
        s.flush()
        s.add(Till(code="T1", name="Till 1", location_id=floor.id))
        # The carriers seeded by the migration came before the store: the post's S10
        # numbers carry the store's country (en_GB → GB), editable in the settings.
        country = locale.split("_")[1][:2].upper() if "_" in locale else ""
        s.execute(update(CarrierProfile).where(CarrierProfile.s10.is_(True), CarrierProfile.s10_country == "")
                  .values(s10_country=country))
        s.add(owner)
        s.flush()
        actor = StaffSession(owner.id, owner.username, owner.display_name, Role.OWNER)
        audit.record(s, actor, "store.created", entity_type="store", store_name=name, currency=currency)
        return actor
