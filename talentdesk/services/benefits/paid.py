"""What was actually paid, as the rules engine's ``paid`` argument wants it.

Used by grants (evaluating a departed talent), departures (the refund) and payments
(re-exported as ``payments.paid_map``), so that none of them has to import another
for it.

Public API::

    paid_map(session, talent_id) -> {benefit code: [due dates actually paid and not reversed]}
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from talentdesk.models.entities import BenefitGrant, Installment


def paid_map(session: Session, talent_id: int) -> dict[str, list[dt.date]]:
    """{benefit code: [due dates actually paid and not reversed]} for the engine's ``paid``."""
    rows = session.execute(
        select(BenefitGrant.benefit_code, Installment.id, Installment.due_date, Installment.status,
               Installment.reverses_id)
        .join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
        .where(BenefitGrant.talent_id == talent_id, BenefitGrant.status.in_(("approved", "cancelled")))).all()
    reversed_ids = {r.reverses_id for r in rows if r.reverses_id}
    out: dict[str, list[dt.date]] = {}
    for code, iid, due, status, rev in rows:
        out.setdefault(code, [])
        if status == "paid" and iid not in reversed_ids:
            out[code].append(due)
    return out
