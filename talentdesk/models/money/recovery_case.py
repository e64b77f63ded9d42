"""In-post recovery cases (在岗追回): money obtained by fraud (条例 第六十五条), or due back
after a breach or a failed review while the talent is still in post, or on a departure.

A case names the installments concerned, keeps the rules engine's suggested amount with
its articles (a snapshot, ``suggestion``), the amount the office decides (four-eyes: a
clerk proposes, a reviewer decides), the decision 文号, a repayment plan, and the split of
the decided amount back to each funding level (``RecoveryCaseLevel``) in proportion to
what each level paid of the installments concerned. Each repayment is split by level the
same way (``RecoveryRepaymentLevel``). ``talentdesk.services.benefits.recoveries`` writes
them; ``talentdesk.rules.recovery`` answers the amounts and the split.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentdesk.models.base import Base, Fen, Timestamps, Versioned


class RecoveryCase(Timestamps, Versioned, Base):
    __tablename__ = "recovery_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent.id"), index=True)
    # departure / fraud / breach / review / office (talentdesk.rules.recovery.BASES)
    basis: Mapped[str] = mapped_column(String(12))
    departure_id: Mapped[int | None] = mapped_column(ForeignKey("departure.id"))
    facts: Mapped[str] = mapped_column(Text)  # 事由: what happened, as the clerk records it
    opened_on: Mapped[dt.date] = mapped_column(Date)
    # the installments concerned: JSON list of installment ids (paid ones, not reversal entries)
    installment_ids: Mapped[str] = mapped_column(Text)
    received_fen: Mapped[int] = mapped_column(Fen)  # net paid of the installments concerned
    # the engine's answer when the case was opened: fixed / undetermined (待定)
    suggestion_status: Mapped[str] = mapped_column(String(12))
    suggested_fen: Mapped[int | None] = mapped_column(Fen)
    articles: Mapped[str | None] = mapped_column(Text)  # "；"-joined
    suggestion: Mapped[str] = mapped_column(Text)  # JSON snapshot of the rule's whole answer
    proposed_by: Mapped[str | None] = mapped_column(String(40))
    # open → decided → (settled: repaid in full, derived) ; open/decided → cancelled
    status: Mapped[str] = mapped_column(String(12), default="open", server_default="open", index=True)
    decided_fen: Mapped[int | None] = mapped_column(Fen)
    decision_doc_no: Mapped[str | None] = mapped_column(String(60))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(40))
    decision_note: Mapped[str | None] = mapped_column(Text)
    cancelled_by: Mapped[str | None] = mapped_column(String(40))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    levels: Mapped[list["RecoveryCaseLevel"]] = relationship(order_by="RecoveryCaseLevel.id",
                                                             cascade="all, delete-orphan")
    plan: Mapped[list["RecoveryPlanItem"]] = relationship(order_by="RecoveryPlanItem.seq",
                                                          cascade="all, delete-orphan")
    repayments: Mapped[list["RecoveryRepayment"]] = relationship(order_by="RecoveryRepayment.id")

    __table_args__ = (
        CheckConstraint("decided_fen IS NULL OR decided_fen >= 0", name="decided_not_negative"),
    )


class RecoveryCaseLevel(Base):
    """One funding level of a case: what it paid of the installments concerned, and its part
    of the decided amount (None until the case is decided)."""

    __tablename__ = "recovery_case_level"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("recovery_case.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(12))
    paid_fen: Mapped[int] = mapped_column(Fen)
    amount_fen: Mapped[int | None] = mapped_column(Fen)

    __table_args__ = (UniqueConstraint("case_id", "level"),)


class RecoveryPlanItem(Base):
    """One installment of the repayment plan the office decided (分期退回)."""

    __tablename__ = "recovery_plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("recovery_case.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(Fen)

    __table_args__ = (UniqueConstraint("case_id", "seq"),)


class RecoveryRepayment(Timestamps, Base):
    """Money repaid against a case (amount, date, voucher); split by level below."""

    __tablename__ = "recovery_repayment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("recovery_case.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Fen)
    repaid_on: Mapped[dt.date] = mapped_column(Date)
    voucher_no: Mapped[str | None] = mapped_column(String(60))
    remarks: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(40))

    levels: Mapped[list["RecoveryRepaymentLevel"]] = relationship(order_by="RecoveryRepaymentLevel.id",
                                                                  cascade="all, delete-orphan")


class RecoveryRepaymentLevel(Base):
    __tablename__ = "recovery_repayment_level"

    id: Mapped[int] = mapped_column(primary_key=True)
    repayment_id: Mapped[int] = mapped_column(ForeignKey("recovery_repayment.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int] = mapped_column(Fen)

    __table_args__ = (UniqueConstraint("repayment_id", "level"),)
