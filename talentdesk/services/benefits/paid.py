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


def paid_funding(session: Session, talent_id: int) -> dict[int, list]:
    """{grant id: [rules.recovery.PaidItem]}: the talent's paid installments (not the 冲销
    entries), each net of its reversals, with what each funding level paid of it (the
    reversal entries carry negative funding rows) — what a departure's refund is split back
    by (条例 第六十五条). An installment without funding rows has an empty ``funding``."""
    from sqlalchemy.orm import selectinload

    from talentdesk.rules.recovery import PaidItem

    rows = session.execute(select(Installment, BenefitGrant).join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
                           .where(BenefitGrant.talent_id == talent_id, Installment.status.in_(("paid", "reversed")))
                           .options(selectinload(Installment.funding))
                           .order_by(Installment.due_date, Installment.id)).all()
    reversals: dict[int, list[Installment]] = {}
    for i, _ in rows:
        if i.reverses_id is not None:
            reversals.setdefault(i.reverses_id, []).append(i)
    out: dict[int, list] = {}
    for inst, g in rows:
        if inst.reverses_id is not None or inst.status != "paid":
            continue
        entries = [inst] + reversals.get(inst.id, [])
        funding: dict[str, int] = {}
        for e in entries:
            for f in e.funding:
                funding[f.level] = funding.get(f.level, 0) + f.amount_fen
        out.setdefault(g.id, []).append(PaidItem(inst.id, f"{g.benefit_name or g.benefit_code}第{inst.seq}期",
                                                 sum(e.amount_fen for e in entries), funding))
    return out
