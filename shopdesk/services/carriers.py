"""Carrier profiles (who ships, how their tracking numbers look, where to track them) and
parcel types, as the settings edit them and fulfilment uses them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopdesk.domain.errors import NotFound, StateError, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.domain.shipping import MAX_S10_SERIAL, check_tracking_number, make_s10
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.order_models import CarrierProfile, ParcelType


@dataclass(frozen=True)
class Carrier:
    carrier_id: str
    code: str
    name: str
    services: tuple[str, ...]
    tracking_pattern: str
    tracking_url_template: str
    s10: bool
    s10_service: str
    s10_country: str
    active: bool

    @property
    def makes_numbers(self) -> bool:
        """Tracking numbers can be made here (S10 with its service indicator and country set)."""
        return self.s10 and bool(self.s10_service) and bool(self.s10_country)


@dataclass(frozen=True)
class CarrierDraft:
    code: str
    name: str
    services: tuple[str, ...] = ()
    tracking_pattern: str = ""
    tracking_url_template: str = ""
    s10: bool = False
    s10_service: str = ""
    s10_country: str = ""
    active: bool = True


@dataclass(frozen=True)
class Parcel:
    parcel_type_id: str
    code: str
    name: str
    length_mm: int
    width_mm: int
    height_mm: int
    tare_g: int


class CarrierService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def carriers(self, *, active_only: bool = True) -> list[Carrier]:
        with self.db.reader() as s:
            query = select(CarrierProfile).order_by(CarrierProfile.name)
            if active_only:
                query = query.where(CarrierProfile.active.is_(True))
            return [carrier_of(c) for c in s.scalars(query)]

    def parcel_types(self) -> list[Parcel]:
        with self.db.reader() as s:
            return [Parcel(p.id, p.code, p.name, p.length_mm, p.width_mm, p.height_mm, p.tare_g)
                    for p in s.scalars(select(ParcelType).where(ParcelType.active.is_(True))
                                       .order_by(ParcelType.length_mm * ParcelType.width_mm * ParcelType.height_mm))]

    def save(self, actor: StaffSession, draft: CarrierDraft, carrier_id: str | None = None) -> Carrier:
        """Create or change a carrier profile (settings); the pattern and template are checked."""
        actor.require(Permission.MANAGE_SETTINGS)
        checked = _checked(draft)
        with self.db.unit_of_work() as s:
            clash = s.scalar(select(CarrierProfile).where(CarrierProfile.code == checked.code))
            if clash is not None and clash.id != carrier_id:
                raise ValidationError("code", QT_TRANSLATE_NOOP(
                    "errors", "Another carrier already has the code {code}."), code=checked.code)
            profile = s.get(CarrierProfile, carrier_id) if carrier_id else CarrierProfile(next_serial=1)
            if profile is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The carrier no longer exists."))
            for name in ("code", "name", "tracking_pattern", "tracking_url_template", "s10", "s10_service",
                         "s10_country", "active"):
                setattr(profile, name, getattr(checked, name))
            profile.services = "\n".join(checked.services)
            s.add(profile)
            s.flush()
            audit.record(s, actor, "settings.carrier", entity_type="carrier", entity_id=profile.id, code=profile.code)
            return carrier_of(profile)


def carrier_of(c: CarrierProfile) -> Carrier:
    return Carrier(c.id, c.code, c.name, tuple(x for x in c.services.split("\n") if x.strip()),
                   c.tracking_pattern, c.tracking_url_template, c.s10, c.s10_service, c.s10_country, c.active)


def checked_tracking(carrier: Carrier, number: str) -> str:
    """The number as stored, or a ValidationError naming the carrier's format."""
    return check_tracking_number(number, carrier.tracking_pattern, s10=carrier.s10)


def next_s10_number(s: Session, carrier_id: str) -> str:
    """A new S10 number from the carrier's range, taken inside the caller's transaction."""
    profile = s.get(CarrierProfile, carrier_id)
    if profile is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "The carrier no longer exists."))
    if not profile.s10:
        raise StateError(QT_TRANSLATE_NOOP(
            "errors", "{carrier} numbers its parcels itself; scan or type the tracking number from its label."),
            carrier=profile.name)
    if not (profile.s10_service and profile.s10_country):
        raise StateError(QT_TRANSLATE_NOOP(
            "errors", "Set the S10 service letters and country of {carrier} in the settings first."),
            carrier=profile.name)
    if profile.next_serial > MAX_S10_SERIAL:
        raise StateError(QT_TRANSLATE_NOOP(
            "errors", "The S10 numbers of {carrier} are used up; set a new range in the settings."),
            carrier=profile.name)
    number = make_s10(profile.s10_service, profile.next_serial, profile.s10_country)
    profile.next_serial += 1
    return number


def _checked(draft: CarrierDraft) -> CarrierDraft:
    code = (draft.code or "").strip().upper()
    name = (draft.name or "").strip()
    if not re.fullmatch(r"[A-Z0-9_-]{1,32}", code):
        raise ValidationError("code", QT_TRANSLATE_NOOP(
            "errors", "A carrier code is 1–32 letters, digits, - or _ (such as DHL), not '{code}'."), code=draft.code)
    if not name:
        raise ValidationError("name", QT_TRANSLATE_NOOP("errors", "Give the carrier a name."))
    pattern = (draft.tracking_pattern or "").strip()
    if pattern:
        try:
            re.compile(pattern)
        except re.error as err:
            raise ValidationError("tracking_pattern", QT_TRANSLATE_NOOP(
                "errors", "The tracking number pattern is not a valid regular expression: {problem}."),
                problem=str(err)) from err
    template = (draft.tracking_url_template or "").strip()
    if template and ("{tracking}" not in template or not re.match(r"https?://", template)):
        raise ValidationError("tracking_url_template", QT_TRANSLATE_NOOP(
            "errors", "The tracking address must start with http:// or https:// and contain {{tracking}} "
                      "where the number goes."))
    s10_service = (draft.s10_service or "").strip().upper()
    s10_country = (draft.s10_country or "").strip().upper()
    if draft.s10:
        if s10_service and not re.fullmatch(r"[A-Z]{2}", s10_service):
            raise ValidationError("s10_service", QT_TRANSLATE_NOOP(
                "errors", "The S10 service indicator is two letters, such as RR or CP."))
        if s10_country and not re.fullmatch(r"[A-Z]{2}", s10_country):
            raise ValidationError("s10_country", QT_TRANSLATE_NOOP(
                "errors", "The S10 country is a two-letter code, such as GB."))
    services = tuple(dict.fromkeys(x.strip()[:80] for x in draft.services if x and x.strip()))
    return CarrierDraft(code, name[:120], services, pattern, template, draft.s10, s10_service, s10_country,
                        draft.active)
