"""Column types that keep the data rules: UUID text keys, aware UTC times, exact decimals."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.types import TypeDecorator


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


def time_to_db(value: datetime) -> str:
    """The stored form of a time: UTC ISO-8601 text with microseconds (sorts correctly)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given; ShopDesk stores UTC-aware times only")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def quantity_to_db(value: Decimal | int) -> int:
    """The stored form of a quantity: integer thousandths (0.375 kg → 375)."""
    milli = Decimal(value) * 1000
    if milli != milli.to_integral_value():
        raise ValueError(f"quantity {value} has more than 3 decimals")
    return int(milli)


def quantity_from_db(value: int) -> Decimal:
    return (Decimal(int(value)) / 1000).normalize() if value % 1000 else Decimal(int(value) // 1000)


class UUIDKey(TypeDecorator[str]):
    """UUIDs as 36-char text: portable to PostgreSQL sync and readable in sqlite3."""

    impl = String(36)
    cache_ok = True


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC ISO-8601 text; naive input is refused, not guessed."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> str | None:
        return None if value is None else time_to_db(value)

    def process_result_value(self, value: str | None, dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).astimezone(UTC)


class DecimalText(TypeDecorator[Decimal]):
    """Exact decimals (tax percentages) as text; SQLite has no exact numeric type."""

    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: str | None, dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class Quantity(TypeDecorator[Decimal]):
    """Quantities as integer thousandths so SUM() in SQL stays exact (0.375 kg → 375)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect) -> int | None:
        return None if value is None else quantity_to_db(value)

    def process_result_value(self, value: int | None, dialect) -> Decimal | None:
        return None if value is None else quantity_from_db(value)


MoneyMinor = BigInteger
SmallInt = Integer
