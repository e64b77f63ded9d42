"""一事一议 decisions: exceptions the office decided case by case, with their number.

``override``: ``age_limit`` (relaxes an age limit), ``amount`` (sets the amount of a
benefit: the total for one-time/fraction schedules, per month/per year for monthly/
annual ones), ``other`` (recorded, not used by the engine). The rules engine receives
them (``grants.engine_decisions``) and names the decision in its explanation.

Public API::

    record(ctx, id_number, *, number, decided_on, override, benefit_code=None,
           amount_fen=None, description=None) -> DecisionView
    list_decisions(ctx, id_number=None, *, benefit_code=None) -> list[DecisionView]
    get_decision(ctx, decision_id) -> DecisionView
    delete(ctx, decision_id) -> None     # refused while a grant rests on it
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from talentdesk import rules
from talentdesk.domain import docno, money
from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.models.entities import BenefitGrant, CaseDecision, Talent
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext

OVERRIDES = {"age_limit": "放宽年龄限制", "amount": "核定金额", "defer": "依另行规定决定",
             "parts": "核定分期", "refund": "核定退回金额", "other": "其他事项"}


@dataclass
class DecisionView:
    id: int
    talent_id: int
    talent_name: str
    id_number: str
    number: str
    decided_on: dt.date
    benefit_code: str | None
    override: str
    amount_fen: int | None
    description: str | None

    @property
    def override_label(self) -> str:
        return OVERRIDES.get(self.override, self.override)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "talent_id": self.talent_id, "姓名": self.talent_name, "身份证号": self.id_number,
                "number": self.number, "decided_on": self.decided_on.isoformat(),
                "benefit_code": self.benefit_code, "override": self.override,
                "override_label": self.override_label, "amount_fen": self.amount_fen,
                "amount": money.yuan(self.amount_fen) if self.amount_fen is not None else None,
                "description": self.description}


def _view(d: CaseDecision, t: Talent) -> DecisionView:
    return DecisionView(d.id, t.id, t.name, t.id_number, d.number, d.decided_on, d.benefit_code, d.override,
                        d.amount_fen, d.description)


def _snap(d: CaseDecision) -> dict:
    return {"number": d.number, "decided_on": d.decided_on, "benefit_code": d.benefit_code,
            "override": d.override, "amount_fen": d.amount_fen, "description": d.description}


def check_number_and_date(number: str | None, decided_on: Any) -> tuple[str, list[FieldError]]:
    """A decision's 决定文号 (normalised, ``docno.check``) and 决定日期, with what is wrong with
    them: one check for a talent's decisions and an organisation's (``org_grants``)."""
    errors: list[FieldError] = []
    number = (number or "").strip()
    if not number:
        errors.append(FieldError("number", "决定文号", number, "决定文号：必须填写"))
    else:
        try:
            number = docno.check(number, field="number", label="决定文号", example=docno.EXAMPLE_DECISION)
        except ValidationError as exc:
            errors += exc.errors
    if not isinstance(decided_on, dt.date):
        errors.append(FieldError("decided_on", "决定日期", decided_on, "决定日期：必须填写有效日期"))
    return number, errors


def record(ctx: ServiceContext, id_number: str, *, number: str, decided_on: dt.date, override: str,
           benefit_code: str | None = None, amount_fen: int | None = None,
           description: str | None = None) -> DecisionView:
    """Record a decision for a talent. ``override="amount"`` needs ``amount_fen`` > 0;
    ``benefit_code`` must belong to the talent's policy (None: applies to every benefit)."""
    from talentdesk.services.benefits import grants

    permissions.require(ctx, "decision.write")
    number, errors = check_number_and_date(number, decided_on)
    if override not in OVERRIDES:
        errors.append(FieldError("override", "事项", override,
                                 f"事项：“{override}”无法识别，可选：" + "、".join(f"{v}（{k}）" for k, v in OVERRIDES.items())))
    if override == "parts" and not rules.parts_of(rules.Decision(number=number, kind="parts",
                                                                   note=description or "")):
        errors.append(FieldError("description", "说明", description,
                                 "说明：核定分期的决定须在说明中写明期数，如“分3期发放”"))
    if override == "refund" and (not isinstance(amount_fen, int) or amount_fen < 0):
        errors.append(FieldError("amount_fen", "核定金额", amount_fen, "核定金额：核定退回金额的决定必须填写金额（可为0）"))
    if override == "amount" and (not isinstance(amount_fen, int) or amount_fen <= 0):
        errors.append(FieldError("amount_fen", "核定金额", amount_fen, "核定金额：核定金额的决定必须填写大于0的金额"))
    if override == "amount" and not benefit_code:
        errors.append(FieldError("benefit_code", "待遇项目", benefit_code, "待遇项目：核定金额的决定必须指明待遇项目"))
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        t = grants.load_talent(session, id_number, lock=True)
        if benefit_code:
            from talentdesk.services.office import settings

            pid = t.policy_id or settings.read_settings(session).default_policy_id
            pack = grants.load_pack(pid)
            if benefit_code not in pack.benefit_codes:
                names = "、".join(f"{b['name']}（{b['code']}）" for b in pack.benefits)
                raise ValidationError([FieldError("benefit_code", "待遇项目", benefit_code,
                                                  f"待遇项目：“{benefit_code}”不属于政策{pack.id}，可选：{names}")])
        dup = session.execute(select(CaseDecision.id).where(CaseDecision.talent_id == t.id,
                                                            CaseDecision.number == number)).first()
        if dup:
            raise ConflictError(f"{t.name}已登记文号为“{number}”的一事一议决定")
        d = CaseDecision(talent_id=t.id, number=number, decided_on=decided_on, benefit_code=benefit_code or None,
                         override=override, amount_fen=amount_fen if override == "amount" else amount_fen,
                         description=(description or "").strip() or None)
        session.add(d)
        session.flush()
        audit.record(session, ctx.actor, "create", "case_decision", d.id, talent_id=t.id, after=_snap(d))
        return _view(d, t)


def list_decisions(ctx: ServiceContext, id_number: str | None = None, *,
                   benefit_code: str | None = None) -> list[DecisionView]:
    from talentdesk.services.benefits import grants

    stmt = (select(CaseDecision, Talent).join(Talent, CaseDecision.talent_id == Talent.id)
            .order_by(CaseDecision.decided_on.desc(), CaseDecision.id.desc()))
    with ctx.read() as session:
        if id_number:
            stmt = stmt.where(CaseDecision.talent_id == grants.load_talent(session, id_number).id)
        if benefit_code:
            stmt = stmt.where(CaseDecision.benefit_code == benefit_code)
        return [_view(d, t) for d, t in session.execute(stmt).all()]


def get_decision(ctx: ServiceContext, decision_id: int) -> DecisionView:
    with ctx.read() as session:
        d = session.get(CaseDecision, decision_id)
        if d is None or d.talent_id is None:  # an organisation's: org_grants.list_decisions
            raise NotFoundError(f"找不到编号为{decision_id}的人才一事一议决定")
        return _view(d, session.get(Talent, d.talent_id))


def delete(ctx: ServiceContext, decision_id: int) -> None:
    """Delete a decision entered by mistake; refused while a grant rests on it."""
    permissions.require(ctx, "decision.write")
    with ctx.write() as session:
        d = session.get(CaseDecision, decision_id)
        if d is None:
            raise NotFoundError(f"找不到编号为{decision_id}的一事一议决定")
        used = session.execute(select(BenefitGrant.id).where(BenefitGrant.decision_id == d.id)).first()
        if used:
            raise ConflictError(f"一事一议决定“{d.number}”已被待遇申请（编号{used[0]}）引用，不能删除")
        audit.record(session, ctx.actor, "delete", "case_decision", d.id, talent_id=d.talent_id, before=_snap(d))
        session.delete(d)
