"""A departure's refund split back to the funding levels that paid (《内蒙古自治区人才发展促进
条例》第六十五条; 包头 pays 1:1 市级/旗县区级), as in-post recoveries are
(``talentdesk.models.money.recovery_case``).

``DepartureLevel``: one level of a departure — what it paid of the talent's paid
installments (net of reversals) and its part of the refund due (the rules engine's
``recovery.departure_split``: each benefit's refund in proportion to what each level paid
of that benefit). ``RecoveryLevel``: one level's part of a recovery (追回) recorded against
the departure (``recovery.split_recovery``: in proportion to each level's outstanding part).
``talentdesk.services.benefits.departures`` writes both.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from talentdesk.models.base import Base, Fen


class DepartureLevel(Base):
    __tablename__ = "departure_level"

    id: Mapped[int] = mapped_column(primary_key=True)
    departure_id: Mapped[int] = mapped_column(ForeignKey("departure.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(12))  # InstallmentFunding.level
    paid_fen: Mapped[int] = mapped_column(Fen)  # net paid by this level of the talent's installments
    amount_fen: Mapped[int] = mapped_column(Fen)  # this level's part of the refund due

    __table_args__ = (UniqueConstraint("departure_id", "level"),)


class RecoveryLevel(Base):
    __tablename__ = "recovery_level"

    id: Mapped[int] = mapped_column(primary_key=True)
    recovery_id: Mapped[int] = mapped_column(ForeignKey("recovery.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int] = mapped_column(Fen)

    __table_args__ = (UniqueConstraint("recovery_id", "level"),)
