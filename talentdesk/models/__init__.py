"""SQLAlchemy models, engine/session setup and migrations. No Qt here."""

from talentdesk.models.base import Base
from talentdesk.models.db import Database, DatabaseError, open_database, resolve_url
from talentdesk.models.entities import (AnnualReview, Attachment, AuditEvent, AuditEventTalent, BenefitGrant,
                                        CaseDecision, CreditEntry, Departure, Employer, ImportBatch, Installment, InstallmentFunding,
                                        Recovery, ServiceAgreement, Setting, Talent, User)

__all__ = [
    "Base", "Database", "DatabaseError", "open_database", "resolve_url",
    "AnnualReview", "Attachment", "AuditEvent", "AuditEventTalent", "BenefitGrant", "CaseDecision", "CreditEntry",
    "Departure",    "Employer",    "ImportBatch", "Installment", "InstallmentFunding", "Recovery", "ServiceAgreement", "Setting",
    "Talent", "User",
]
