"""Staff accounts: Argon2-hashed passwords and PINs, lock-out, log-in and switch-user."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from shopdesk.domain.errors import AccountLocked, AuthenticationFailed, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission, Role
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.models import User
from shopdesk.store.types import utcnow

MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
PIN_PATTERN = re.compile(r"\d{4,6}")
USERNAME_PATTERN = re.compile(r"[\w.\-@]{2,64}")

# One hasher for the process. Tests swap in a cheap profile via ``use_hasher``.
_hasher = PasswordHasher()


def use_hasher(hasher: PasswordHasher) -> None:
    global _hasher
    _hasher = hasher


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def _verify(stored_hash: str | None, secret: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def validate_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP("errors", "The password must have at least {n} characters."),
            n=MIN_PASSWORD_LENGTH,
        )


def validate_pin(pin: str, field: str = "pin") -> None:
    if not PIN_PATTERN.fullmatch(pin or ""):
        raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "The PIN must be 4 to 6 digits."))


def validate_username(username: str, field: str = "username") -> str:
    username = (username or "").strip()
    if not USERNAME_PATTERN.fullmatch(username):
        raise ValidationError(
            field,
            QT_TRANSLATE_NOOP(
                "errors",
                "The user name must be 2 to 64 letters, digits or . - _ @ (no spaces).",
            ),
        )
    return username


def new_user(
    username: str, display_name: str, role: Role, password: str, pin: str | None
) -> User:
    """A validated, hashed, not yet saved account."""
    username = validate_username(username)
    if not (display_name or "").strip():
        raise ValidationError("display_name", QT_TRANSLATE_NOOP("errors", "Enter the person's name."))
    validate_password(password)
    if pin:
        validate_pin(pin)
    return User(
        username=username,
        display_name=display_name.strip(),
        role=Role(role).value,
        password_hash=hash_secret(password),
        pin_hash=hash_secret(pin) if pin else None,
    )


def _session_of(user: User) -> StaffSession:
    return StaffSession(user.id, user.username, user.display_name, Role(user.role))


@dataclass(frozen=True)
class StaffMember:
    user_id: str
    username: str
    display_name: str
    role: Role
    has_pin: bool


class AuthService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def has_staff(self) -> bool:
        with self.db.reader() as s:
            return bool(s.scalar(select(func.count()).select_from(User)))

    def staff(self) -> list[StaffMember]:
        with self.db.reader() as s:
            users = s.scalars(select(User).where(User.active).order_by(User.display_name))
            return [
                StaffMember(u.id, u.username, u.display_name, Role(u.role), u.pin_hash is not None)
                for u in users
            ]

    def login(self, username: str, password: str) -> StaffSession:
        return self._authenticate(username, password, kind="password")

    def login_pin(self, username: str, pin: str) -> StaffSession:
        """Switch user at the till: pick your name, type your PIN."""
        return self._authenticate(username, pin, kind="pin")

    def _authenticate(self, username: str, secret: str, *, kind: str) -> StaffSession:
        failure = AuthenticationFailed(
            QT_TRANSLATE_NOOP("errors", "Wrong user name or {kind}. Try again."), kind=kind
        )
        with self.db.unit_of_work() as s:
            user = s.scalar(select(User).where(User.username == (username or "").strip()))
            if user is None or not user.active:
                # Same message as a wrong secret: do not reveal which accounts exist.
                raise failure
            now = utcnow()
            if user.locked_until and user.locked_until > now:
                minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
                raise AccountLocked(
                    QT_TRANSLATE_NOOP(
                        "errors",
                        "The account {username} is locked after too many wrong attempts. "
                        "Try again in {minutes} minutes or ask a manager.",
                    ),
                    username=user.username, minutes=minutes,
                )
            stored = user.password_hash if kind == "password" else user.pin_hash
            if _verify(stored, secret):
                user.failed_attempts = 0
                user.locked_until = None
                if _hasher.check_needs_rehash(stored):
                    new_hash = hash_secret(secret)
                    if kind == "password":
                        user.password_hash = new_hash
                    else:
                        user.pin_hash = new_hash
                session = _session_of(user)
                audit.record(s, session, f"auth.login_{kind}", entity_type="user", entity_id=user.id)
                return session
            user.failed_attempts += 1
            locked = user.failed_attempts >= MAX_FAILED_ATTEMPTS
            if locked:
                user.locked_until = now + LOCK_DURATION
                user.failed_attempts = 0
            audit.record(
                s, None, "auth.failed", entity_type="user", entity_id=user.id, kind=kind, locked=locked
            )
        # The failed attempt is committed above; only then is the caller told.
        if locked:
            raise AccountLocked(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "Too many wrong attempts: the account {username} is locked for {minutes} minutes.",
                ),
                username=username, minutes=int(LOCK_DURATION.total_seconds() // 60),
            )
        raise failure

    def create_user(
        self, actor: StaffSession, username: str, display_name: str, role: Role, password: str,
        pin: str | None = None,
    ) -> StaffMember:
        actor.require(Permission.MANAGE_STAFF)
        user = new_user(username, display_name, role, password, pin)
        with self.db.unit_of_work() as s:
            if s.scalar(select(User.id).where(User.username == user.username)):
                raise ValidationError(
                    "username",
                    QT_TRANSLATE_NOOP("errors", "The user name {username} is taken; choose another."),
                    username=user.username,
                )
            s.add(user)
            s.flush()
            audit.record(s, actor, "staff.created", entity_type="user", entity_id=user.id,
                         username=user.username, role=user.role)
            return StaffMember(user.id, user.username, user.display_name, Role(user.role), bool(pin))
