"""SQLAlchemy models, engine/session setup and migrations. No Qt here."""

from talentdesk.models.base import Base
from talentdesk.models.db import Database, DatabaseError, open_database, resolve_url
from talentdesk.models.entities import (AnnualReview, Attachment, AuditEvent, AuditEventTalent, BenefitGrant,
                                        CaseDecision, CreditEntry, Departure, Employer, ImportBatch, Installment, InstallmentFunding,
                                        Recovery, ServiceAgreement, Setting, Talent, User)
from talentdesk.models.duties.care import ServiceCase, Visit
from talentdesk.models.duties.housing import Flat, HousingConfirmation, Occupancy
from talentdesk.models.money.recovery_case import (RecoveryCase, RecoveryCaseLevel, RecoveryPlanItem, RecoveryRepayment,
                                                   RecoveryRepaymentLevel)
from talentdesk.models.perf import ix_installment_status_paid_date
from talentdesk.models.duties.recognition import Recognition
from talentdesk.models.money.budget import BudgetAmendment, BudgetLine
from talentdesk.models.league.office import Office
from talentdesk.models.league.exchange import ExchangeLog, ExchangeRecord
from talentdesk.models.duties.platform import Platform
from talentdesk.models.money.departure_level import DepartureLevel, RecoveryLevel

__all__ = [
    "Base", "Database", "DatabaseError", "open_database", "resolve_url",
    "AnnualReview", "Attachment", "AuditEvent", "AuditEventTalent", "BenefitGrant", "CaseDecision", "CreditEntry",
    "Departure",    "Employer",    "ImportBatch", "Installment", "InstallmentFunding", "Recovery", "ServiceAgreement", "Setting",
    "Talent", "User",
    "ServiceCase", "Visit",
    "Flat", "HousingConfirmation", "Occupancy",
    "RecoveryCase", "RecoveryCaseLevel", "RecoveryPlanItem", "RecoveryRepayment", "RecoveryRepaymentLevel",
    "ix_installment_status_paid_date",
    "Recognition",
    "BudgetAmendment", "BudgetLine",
    "Office",
    "ExchangeLog", "ExchangeRecord",
    "Platform",
    "DepartureLevel", "RecoveryLevel",
]
