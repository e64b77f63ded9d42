"""The housing register (人才公寓): the office's flats and who lives in them.

``Flat``: a unit (房号/地址) with its area (m², integer tenths are not needed: the policy
texts give whole m²), the programme or owner that provides it and its status.
``Occupancy``: one talent in one flat from a date to a date (``end_date`` None = still
living there), with the limit the talent's policy pack sets (阿拉善 第四十一条: free for
at most three years) or the date the flat may be given outright (阿拉山口 第十四条:
after 5 or 8 years' continuous work), each with its article, and why it ended.
``HousingConfirmation``: the clerk's record that a talent is not housed although a
roster said 是 (the roster column is only a hint; talentdesk.services.care.housing).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from talentdesk.models.base import Base, Timestamps, Versioned, utcnow


class Flat(Timestamps, Versioned, Base):
    __tablename__ = "flat"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit: Mapped[str] = mapped_column(String(120), unique=True)  # 房号 / 地址
    area_m2: Mapped[int | None] = mapped_column(Integer)
    programme: Mapped[str | None] = mapped_column(String(120))  # 产权单位 / 项目
    status: Mapped[str] = mapped_column(String(20), default="available")  # available / withdrawn
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("area_m2 IS NULL OR area_m2 > 0", name="area_positive"),
    )


class Occupancy(Timestamps, Versioned, Base):
    __tablename__ = "occupancy"

    id: Mapped[int] = mapped_column(primary_key=True)
    flat_id: Mapped[int] = mapped_column(ForeignKey("flat.id"), index=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent.id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)  # None: still living there
    policy_id: Mapped[str | None] = mapped_column(String(40))
    limit_years: Mapped[int | None] = mapped_column(Integer)  # free occupancy limit (阿拉善 第四十一条)
    limit_until: Mapped[dt.date | None] = mapped_column(Date)  # last free day
    gift_years: Mapped[int | None] = mapped_column(Integer)  # 阿拉山口 第十四条: 5 or 8 years
    gift_on: Mapped[dt.date | None] = mapped_column(Date)  # the flat may be given from this day
    basis: Mapped[str | None] = mapped_column(Text)  # the articles of limit / gift
    ended_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )


class HousingConfirmation(Timestamps, Versioned, Base):
    """The clerk checked: the talent does not live in a talent apartment (the roster's 是
    was wrong or out of date)."""

    __tablename__ = "housing_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent.id"), unique=True)
    confirmed_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
