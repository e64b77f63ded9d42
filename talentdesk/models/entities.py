"""The records a talent office keeps.

Money columns are integer fen (``Fen``); dates are ``Date``. Status values are short
English codes; their Chinese names live in ``talentdesk.domain.status``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentdesk.domain.values import YearMonth
from talentdesk.models.base import Base, DateOrMonth, Fen, Timestamps, Versioned, utcnow

# Installments whose voucher must be unique (migration 0006): payments, not reversal entries.
VOUCHER_UNIQUE_WHERE = "voucher_no IS NOT NULL AND reverses_id IS NULL AND voucher_duplicate IS NULL"


# exactly one beneficiary: a talent, an employer or a platform (migration 0017)
ONE_BENEFICIARY = ("(CASE WHEN talent_id IS NULL THEN 0 ELSE 1 END + CASE WHEN employer_id IS NULL THEN 0 ELSE 1 END"
                   " + CASE WHEN platform_id IS NULL THEN 0 ELSE 1 END) = 1")


class Employer(Timestamps, Versioned, Base):
    __tablename__ = "employer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    kind: Mapped[str | None] = mapped_column(String(40))
    district: Mapped[str | None] = mapped_column(String(60), index=True)
    # Attributes policy clauses read (talentdesk.domain.employer_attrs); None = not recorded.
    industry: Mapped[str | None] = mapped_column(String(1))  # GB/T 4754 门类 letter
    civil_service_managed: Mapped[bool | None] = mapped_column(Boolean)
    above_scale: Mapped[bool | None] = mapped_column(Boolean)
    high_tech: Mapped[bool | None] = mapped_column(Boolean)
    key_industry: Mapped[bool | None] = mapped_column(Boolean)
    key_project_10bn: Mapped[bool | None] = mapped_column(Boolean)
    rare_earth: Mapped[bool | None] = mapped_column(Boolean)
    # Column mapping remembered for this employer's rosters: JSON {file header: field key}.
    import_mapping: Mapped[str | None] = mapped_column(Text)
    # the office the employer belongs to (models.league.office); None: the database's own office
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)

    talents: Mapped[list["Talent"]] = relationship(back_populates="employer")



class Talent(Timestamps, Versioned, Base):
    __tablename__ = "talent"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    # Pinyin initials of the name (张伟 → zw), computed at write time for search.
    name_initials: Mapped[str | None] = mapped_column(String(60))
    sex: Mapped[str | None] = mapped_column(String(2))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    ethnicity: Mapped[str | None] = mapped_column(String(20))
    political_status: Mapped[str | None] = mapped_column(String(20))
    native_place: Mapped[str | None] = mapped_column(String(60))
    education: Mapped[str | None] = mapped_column(String(10), index=True)
    degree: Mapped[str | None] = mapped_column(String(10))
    study_mode: Mapped[str | None] = mapped_column(String(10))
    university: Mapped[str | None] = mapped_column(String(100))
    university_tier: Mapped[str | None] = mapped_column(String(10))
    major: Mapped[str | None] = mapped_column(String(100))
    # a date, or a year-month where the roster gives only the month (毕业时间 2020年7月)
    graduation_date: Mapped[dt.date | YearMonth | None] = mapped_column(DateOrMonth)
    title: Mapped[str | None] = mapped_column(String(10))
    talent_class: Mapped[str | None] = mapped_column(String(4))
    introduction_mode: Mapped[str | None] = mapped_column(String(10))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    introduction_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    contract_start: Mapped[dt.date | None] = mapped_column(Date)
    contract_years: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    agreement_signed_date: Mapped[dt.date | None] = mapped_column(Date)
    urgently_needed: Mapped[bool | None] = mapped_column(Boolean)
    own_home: Mapped[bool | None] = mapped_column(Boolean)
    talent_apartment: Mapped[bool | None] = mapped_column(Boolean)
    postdoc_entry_date: Mapped[dt.date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    remarks: Mapped[str | None] = mapped_column(Text)
    # Not roster columns: the policy the talent was introduced under, and the status.
    policy_id: Mapped[str | None] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(12), default="active", server_default="active", index=True)
    # the office the talent's records belong to (models.league.office); None: the database's own office
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)

    employer: Mapped[Employer | None] = relationship(back_populates="talents")
    agreements: Mapped[list["ServiceAgreement"]] = relationship(back_populates="talent")
    grants: Mapped[list["BenefitGrant"]] = relationship(back_populates="talent")
    reviews: Mapped[list["AnnualReview"]] = relationship(back_populates="talent")

    __table_args__ = (
        Index("ix_talent_name", "name"),
        Index("ix_talent_name_initials", "name_initials"),
    )


class ServiceAgreement(Timestamps, Versioned, Base):
    __tablename__ = "service_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # 服务期协议 / 聘用合同 / 三方协议
    signed_date: Mapped[dt.date | None] = mapped_column(Date)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    term_years: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    required_service_years: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="active", server_default="active")

    talent: Mapped[Talent] = relationship(back_populates="agreements")



class CaseDecision(Timestamps, Base):
    """一事一议: an exception decided by the office, recorded with its decision number."""

    __tablename__ = "case_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    # whose case: a talent, or an organisation (employer / platform: migration 0017)
    talent_id: Mapped[int | None] = mapped_column(ForeignKey("talent.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platform.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    benefit_code: Mapped[str | None] = mapped_column(String(40))
    override: Mapped[str] = mapped_column(String(20))  # age_limit / amount / other
    amount_fen: Mapped[int | None] = mapped_column(Fen)
    description: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (CheckConstraint(ONE_BENEFICIARY, name="one_subject"),)


class CreditEntry(Timestamps, Versioned, Base):
    """失信名单: a talent or an employer recorded as 失信 for a period (条例 第六十六条); no
    new support may be given while it applies. Exactly one of ``talent_id`` /
    ``employer_id``. ``end_date`` None = open-ended. A lifted entry (``lifted_on``) is kept
    as history, never deleted (``talentdesk.services.register.credit``)."""

    __tablename__ = "credit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int | None] = mapped_column(ForeignKey("talent.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(Text)  # 依据/事由
    doc_no: Mapped[str] = mapped_column(String(60))  # 文号
    recorded_by: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    lifted_on: Mapped[dt.date | None] = mapped_column(Date)
    lifted_by: Mapped[str | None] = mapped_column(String(40))
    lift_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("(talent_id IS NULL) <> (employer_id IS NULL)", name="one_subject"),
    )


class BenefitGrant(Timestamps, Versioned, Base):
    __tablename__ = "benefit_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the beneficiary: exactly one of a talent, an employer, a platform (migration 0017)
    talent_id: Mapped[int | None] = mapped_column(ForeignKey("talent.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platform.id"), index=True)
    policy_id: Mapped[str] = mapped_column(String(40))
    benefit_code: Mapped[str] = mapped_column(String(40), index=True)
    benefit_name: Mapped[str | None] = mapped_column(String(40))
    total_fen: Mapped[int | None] = mapped_column(Fen)
    approval_date: Mapped[dt.date | None] = mapped_column(Date)
    approval_doc_no: Mapped[str | None] = mapped_column(String(60))
    basis: Mapped[str | None] = mapped_column(Text)  # articles, "；"-joined
    explanation: Mapped[str | None] = mapped_column(Text)  # JSON of the engine's explanation
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("case_decision.id"))
    # proposed → approved | rejected; approved → cancelled
    status: Mapped[str] = mapped_column(String(12), default="proposed", server_default="proposed")
    proposed_by: Mapped[str | None] = mapped_column(String(40))
    approved_by: Mapped[str | None] = mapped_column(String(40))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    talent: Mapped[Talent | None] = relationship(back_populates="grants")
    installments: Mapped[list["Installment"]] = relationship(back_populates="grant", order_by="Installment.seq")
    year_facts: Mapped[list["GrantYearFact"]] = relationship(order_by="(GrantYearFact.year, GrantYearFact.key)",
                                                             cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (CheckConstraint(ONE_BENEFICIARY, name="one_beneficiary"),)



class GrantYearFact(Timestamps, Base):
    """A fact about one service year of a grant that arrives after approval (months
    served, on-site days, return to post …): one row per grant, service year (1 = the
    first year from the grant's start) and key; ``value`` is JSON (int or bool).
    ``talentdesk.services.benefits.grant_facts`` records them; the engine receives them as
    ``facts["per_year"][year][key]``."""

    __tablename__ = "grant_year_fact"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("benefit_grant.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (UniqueConstraint("grant_id", "year", "key"),)


class Installment(Timestamps, Versioned, Base):
    __tablename__ = "installment"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("benefit_grant.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount_fen: Mapped[int] = mapped_column(Fen)
    condition: Mapped[str | None] = mapped_column(Text)
    # scheduled, proposed, approved, paid, suspended, cancelled, refund_due, refunded, reversed
    status: Mapped[str] = mapped_column(String(12), default="scheduled", server_default="scheduled", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    voucher_no: Mapped[str | None] = mapped_column(String(60))
    paid_date: Mapped[dt.date | None] = mapped_column(Date)
    proposed_by: Mapped[str | None] = mapped_column(String(40))
    approved_by: Mapped[str | None] = mapped_column(String(40))
    # A reversal is a new entry pointing at the paid installment it reverses.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("installment.id"))
    # 1 on an installment that shares its voucher with an earlier one, found when migration
    # 0007 made vouchers unique (paid twice before the fix; left for the office to reverse)
    voucher_duplicate: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_installment_status_due_date", "status", "due_date"),
                      # a voucher pays exactly one installment (reversals carry their own voucher)
                      Index("ux_installment_voucher_no", "voucher_no", unique=True,
                            sqlite_where=text(VOUCHER_UNIQUE_WHERE), postgresql_where=text(VOUCHER_UNIQUE_WHERE)))

    grant: Mapped[BenefitGrant] = relationship(back_populates="installments")
    funding: Mapped[list["InstallmentFunding"]] = relationship(back_populates="installment",
                                                               cascade="all, delete-orphan")



class InstallmentFunding(Base):
    """The share of an installment paid by one budget level (league, banner, city, local)."""

    __tablename__ = "installment_funding"

    id: Mapped[int] = mapped_column(primary_key=True)
    installment_id: Mapped[int] = mapped_column(ForeignKey("installment.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int] = mapped_column(Fen)

    installment: Mapped[Installment] = relationship(back_populates="funding")


class AnnualReview(Timestamps, Versioned, Base):
    __tablename__ = "annual_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    result: Mapped[str] = mapped_column(String(8))  # 优秀/合格/基本合格/不合格
    review_date: Mapped[dt.date | None] = mapped_column(Date)
    remarks: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(40))

    talent: Mapped[Talent] = relationship(back_populates="reviews")

    __table_args__ = (UniqueConstraint("talent_id", "year"),)


class Departure(Timestamps, Versioned, Base):
    __tablename__ = "departure"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent.id"), index=True)
    departed_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    refund_due_fen: Mapped[int] = mapped_column(Fen, default=0, server_default="0")
    basis: Mapped[str | None] = mapped_column(Text)

    recoveries: Mapped[list["Recovery"]] = relationship(back_populates="departure", order_by="Recovery.id")



class Recovery(Timestamps, Base):
    """Money recovered against a departure's refund due."""

    __tablename__ = "recovery"

    id: Mapped[int] = mapped_column(primary_key=True)
    departure_id: Mapped[int] = mapped_column(ForeignKey("departure.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Fen)
    recovered_on: Mapped[dt.date] = mapped_column(Date)
    voucher_no: Mapped[str | None] = mapped_column(String(60))
    remarks: Mapped[str | None] = mapped_column(Text)

    departure: Mapped[Departure] = relationship(back_populates="recoveries")


class Attachment(Timestamps, Base):
    """A scanned certificate or document, stored beside the database by its sha256."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talent.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(260))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Fen)
    content: Mapped[bytes | None] = mapped_column(nullable=True)  # used when no file store is shared (PostgreSQL)


class User(Timestamps, Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(12))  # clerk / reviewer / admin
    password_hash: Mapped[str] = mapped_column(String(300))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # the office the user works for (models.league.office); None: the database's own office
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)


class AuditEvent(Base):
    """Append-only; ``hash`` = sha256(prev_hash + canonical JSON of the event)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user: Mapped[str | None] = mapped_column(String(40), index=True)
    action: Mapped[str] = mapped_column(String(20))  # create/update/delete/export/print/login/...
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    talent_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The operating-system account that ran the program (hashed when present; NULL on
    # events written before revision 0004).
    os_user: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_event_entity_entity_id", "entity", "entity_id"),)


class AuditEventTalent(Base):
    """Links one event about many talents (an import chunk: ``audit.record_created_talents``)
    to each of them, so that one talent's history finds the event. The ids are also in the
    hashed event itself; ``audit.verify`` checks that the links match them."""

    __tablename__ = "audit_event_talent"

    talent_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"), primary_key=True, autoincrement=False)

    __table_args__ = {"sqlite_with_rowid": False}


class ImportBatch(Base):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # roster / review / payment
    file_name: Mapped[str] = mapped_column(String(260))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    user: Mapped[str | None] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Setting(Base):
    """Office settings shared by every PC on the same database (JSON values)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
