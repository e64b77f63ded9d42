"""Declarative base and column conventions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from talentdesk.domain.values import YearMonth

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Integer fen. BigInteger on PostgreSQL; SQLite integers are 64-bit anyway.
Fen = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Timestamps:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow,
                                                    server_default=func.now())


class Versioned:
    """Optimistic locking: every UPDATE checks and bumps ``version``."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


class DateOrMonth(TypeDecorator):
    """A date, or a year-month without a day (``values.YearMonth``), stored as ISO text
    (``2020-07-15`` / ``2020-07``) so the month is never a made-up first of the month."""

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, (dt.date, YearMonth)):
            return value.isoformat() if not isinstance(value, dt.datetime) else value.date().isoformat()
        text = str(value)
        self.process_result_value(text, dialect)  # refuses what it could not read back
        return text

    def process_result_value(self, value, dialect):
        if value is None or isinstance(value, (dt.date, YearMonth)):
            return value
        text = str(value)[:10]
        return YearMonth.fromisoformat(text) if len(text) == 7 else dt.date.fromisoformat(text)
