"""Budget lines (人才开发资金预算, 阿拉善盟办法 第四十八条): what each funding level
appropriates for talent support in a year, by funding source.

``BudgetLine`` is the current appropriation of one (year, level, source); every set or
amendment also writes a ``BudgetAmendment`` row (the line's history: before, after, 文号,
who and when), so an appropriation is never changed without a trace.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentdesk.models.base import Base, Fen, Timestamps, Versioned, utcnow


class BudgetLine(Timestamps, Versioned, Base):
    __tablename__ = "budget_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    level: Mapped[str] = mapped_column(String(12))  # InstallmentFunding.level: league/banner/city/local
    source: Mapped[str] = mapped_column(String(40))  # 人才开发资金 / 上级转移支付 / 其他 …
    amount_fen: Mapped[int] = mapped_column(Fen)
    doc_no: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)

    amendments: Mapped[list["BudgetAmendment"]] = relationship(
        back_populates="line", order_by="BudgetAmendment.id", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("year", "level", "source"),)


class BudgetAmendment(Timestamps, Base):
    """One change of a budget line (the first row is its setting)."""

    __tablename__ = "budget_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("budget_line.id", ondelete="CASCADE"), index=True)
    before_fen: Mapped[int | None] = mapped_column(Fen)  # None: the line was set
    after_fen: Mapped[int] = mapped_column(Fen)
    doc_no: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    line: Mapped[BudgetLine] = relationship(back_populates="amendments")
