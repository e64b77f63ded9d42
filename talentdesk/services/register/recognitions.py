"""人才分类认定: the recognition register (阿党人才字〔2023〕2号 第二十条、第三十六条).

A recognition (a talent's class or tier under a scheme, ``talentdesk.domain.recognition``)
is proposed by a clerk and takes effect only when confirmed by another user with
``recognition.confirm`` (第二十条: “人才评价认定结果报盟委人才办审核确认后生效”; four-eyes
as for grants). It may run to ``valid_until`` (a programme's term) and is revoked with its
reason (第三十六条: “考核不合格的，应及时报盟委人才办注销人才评价认定结果”); revoked rows
are kept. The rules engine never reads the roster's free 人才类别 as confirmed: the grants
service hands it the recognition's standing (``engine_facts``). Every change is audited.

Public API::

    propose(ctx, *, talent, scheme, tier, doc_no, recognised_on, body=None, valid_until=None) -> RecognitionView
    propose_in(session, ctx, *, …)   # the same in the caller's transaction (the Excel import)
    confirm(ctx, recognition_id, *, confirmed_on=None, expected_version=None) -> RecognitionView
    revoke(ctx, recognition_id, reason, *, revoked_on=None, expected_version=None) -> RecognitionView
    get(ctx, recognition_id) -> RecognitionView
    list_recognitions(ctx, *, status=None, scheme=None, talent=None, on=None) -> list[RecognitionView]
    current(session, talent_ids, on=None) -> {talent_id: {scheme: RecognitionView}}   # confirmed, in force
    standing(session, talent_ids, on=None) -> {talent_id: {scheme: RecognitionView}}  # current, else latest
    engine_facts(standing_of_talent) -> dict   # the facts the rules engine reads
    attention(session, on=None, days=90) -> (awaiting confirmation, expiring within ``days``)

Status (on a day): pending 待确认, valid 有效, expired 已过期, revoked 已撤销.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from talentdesk.domain import docno
from talentdesk.domain import recognition as schemes
from talentdesk.domain.errors import ConflictError, FieldError, PermissionDenied, ValidationError
from talentdesk.models.base import utcnow
from talentdesk.models.entities import Talent
from talentdesk.models.league.office import Office
from talentdesk.models.duties.recognition import Recognition
from talentdesk.services import rows
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents

ENTITY = "recognition"
STATUS = {"pending": "待确认", "valid": "有效", "expired": "已过期", "revoked": "已撤销"}
_BY_LABEL = {v: k for k, v in STATUS.items()}


@dataclass
class RecognitionView:
    id: int
    version: int
    talent_id: int
    name: str
    id_number: str
    scheme: str
    tier: str
    body: str
    doc_no: str
    recognised_on: dt.date
    valid_until: dt.date | None
    proposed_by: str | None
    proposed_at: dt.datetime | None
    confirmed_by: str | None
    confirmed_on: dt.date | None
    revoked_on: dt.date | None
    revoked_by: str | None
    revoke_reason: str | None
    status: str  # pending / valid / expired / revoked (on the day listed)

    @property
    def status_label(self) -> str:
        return STATUS[self.status]

    @property
    def tier_label(self) -> str:
        return schemes.tier_label(self.scheme, self.tier)

    def as_dict(self) -> dict[str, Any]:
        def iso(d):
            return d.isoformat() if d else None
        return {"id": self.id, "version": self.version, "talent_id": self.talent_id, "name": self.name,
                "id_number": self.id_number, "scheme": self.scheme, "tier": self.tier, "tier_label": self.tier_label,
                "body": self.body, "doc_no": self.doc_no, "recognised_on": iso(self.recognised_on),
                "valid_until": iso(self.valid_until), "proposed_by": self.proposed_by,
                "proposed_at": self.proposed_at.isoformat(timespec="seconds") if self.proposed_at else None,
                "confirmed_by": self.confirmed_by, "confirmed_on": iso(self.confirmed_on),
                "revoked_on": iso(self.revoked_on), "revoked_by": self.revoked_by,
                "revoke_reason": self.revoke_reason, "status": self.status, "status_label": self.status_label}


def status_of(r: Recognition, on: dt.date) -> str:
    if r.revoked_on is not None and r.revoked_on <= on:
        return "revoked"
    if r.confirmed_on is None:
        return "pending"
    if r.valid_until is not None and r.valid_until < on:
        return "expired"
    return "valid"


def _view(r: Recognition, t: Talent, on: dt.date) -> RecognitionView:
    return RecognitionView(r.id, r.version, t.id, t.name, t.id_number, r.scheme, r.tier, r.body, r.doc_no,
                           r.recognised_on, r.valid_until, r.proposed_by, r.proposed_at, r.confirmed_by,
                           r.confirmed_on, r.revoked_on, r.revoked_by, r.revoke_reason, status_of(r, on))


def _snapshot(r: Recognition) -> dict[str, Any]:
    return {"talent_id": r.talent_id, "scheme": r.scheme, "tier": r.tier, "body": r.body, "doc_no": r.doc_no,
            "recognised_on": r.recognised_on, "valid_until": r.valid_until, "proposed_by": r.proposed_by,
            "confirmed_by": r.confirmed_by, "confirmed_on": r.confirmed_on, "revoked_on": r.revoked_on,
            "revoked_by": r.revoked_by, "revoke_reason": r.revoke_reason}


def _text(value: str | None) -> str:
    return (value or "").strip()


def propose(ctx: ServiceContext, *, talent: str, scheme: str, tier: str, doc_no: str,
            recognised_on: dt.date | None, body: str | None = None,
            valid_until: dt.date | None = None) -> RecognitionView:
    """Record a recognition awaiting confirmation (待确认): the talent (身份证号), the scheme,
    its class or tier, the recognising body (default: the scheme's office), the 认定文号 and
    date, optionally the last day it is valid."""
    with ctx.write() as session:
        return propose_in(session, ctx, talent=talent, scheme=scheme, tier=tier, doc_no=doc_no,
                          recognised_on=recognised_on, body=body, valid_until=valid_until)


def propose_in(session: Session, ctx: ServiceContext, *, talent: str, scheme: str, tier: str, doc_no: str,
               recognised_on: dt.date | None, body: str | None = None,
               valid_until: dt.date | None = None) -> RecognitionView:
    """``propose`` in the caller's transaction (the Excel import: many rows, one transaction);
    every check is made before anything is added."""
    permissions.require(ctx, "recognition.propose")
    errors: list[FieldError] = []
    scheme = _text(scheme)
    problem = schemes.check_tier(scheme, tier)
    if problem:
        field = "scheme" if scheme not in schemes.SCHEMES else "tier"
        errors.append(FieldError(field, "认定类型" if field == "scheme" else "类别或层次", tier, problem))
    if not _text(talent):
        errors.append(FieldError("talent", "人才", talent, "人才：请填写身份证号"))
    if recognised_on is None:
        errors.append(FieldError("recognised_on", "认定日期", None, "认定日期：必须填写"))
    elif valid_until is not None and valid_until < recognised_on:
        errors.append(FieldError("valid_until", "有效期至", valid_until,
                                 f"有效期至：{valid_until}早于认定日期{recognised_on}"))
    if not _text(doc_no):
        errors.append(FieldError("doc_no", "认定文号", doc_no, "认定文号：必须填写"))
    else:
        try:
            docno.check(doc_no, field="doc_no", label="认定文号", example="阿人才办字〔2025〕5号")
        except ValidationError as exc:
            errors.extend(exc.errors)
    body_text = _text(body) or schemes.DEFAULT_BODY.get(scheme, "")
    if not body_text and not errors:
        errors.append(FieldError("body", "认定机构", body, "认定机构：必须填写"))
    if errors:
        raise ValidationError(errors)
    t = talents.load(session, talent)
    same = session.execute(select(Recognition).where(
        Recognition.talent_id == t.id, Recognition.scheme == scheme, Recognition.doc_no == _text(doc_no),
        Recognition.revoked_on.is_(None))).scalars().first()
    if same is not None:
        raise ConflictError(f"{t.name}已有文号为“{_text(doc_no)}”的{scheme}记录（未撤销），不能重复登记")
    r = Recognition(talent_id=t.id, scheme=scheme, tier=schemes.normalize_tier(scheme, tier), body=body_text,
                    doc_no=_text(doc_no), recognised_on=recognised_on, valid_until=valid_until,
                    proposed_by=ctx.actor, proposed_at=utcnow())
    session.add(r)
    session.flush()
    audit.record(session, ctx.actor, "create", ENTITY, r.id, talent_id=t.id, after=_snapshot(r))
    return _view(r, t, dt.date.today())


def _load(session: Session, recognition_id: int, expected_version: int | None = None) -> Recognition:
    return rows.load_for_change(session, Recognition, recognition_id, what="人才认定记录", expected_version=expected_version)


def confirm(ctx: ServiceContext, recognition_id: int, *, confirmed_on: dt.date | None = None,
            expected_version: int | None = None) -> RecognitionView:
    """Confirm (审核确认, 第二十条) a pending recognition; the confirmer must not be its proposer."""
    permissions.require(ctx, "recognition.confirm")
    with ctx.write() as session:
        r = _load(session, recognition_id, expected_version)
        t = session.get(Talent, r.talent_id)
        if r.revoked_on is not None:
            raise ConflictError(f"{t.name}的{r.scheme}认定（文号{r.doc_no}）已于{r.revoked_on}撤销，不能确认")
        if r.confirmed_on is not None:
            raise ConflictError(f"{t.name}的{r.scheme}认定（文号{r.doc_no}）已于{r.confirmed_on}由"
                                f"{r.confirmed_by or '—'}确认")
        permissions.check_four_eyes(ctx, r.proposed_by, f"{t.name}的{r.scheme}认定")
        if not ctx.is_league and session.execute(select(Office.id).limit(1)).first() is not None:
            # offices share this database: a banner files, the league office confirms
            raise PermissionDenied(f"{t.name}的{r.scheme}认定由旗县区登记、报盟委人才办审核确认"
                                   f"（阿党人才字〔2023〕2号 第二十条）；“{ctx.actor}”不是盟级单位的用户，不能确认")
        on = confirmed_on or dt.date.today()
        if on < r.recognised_on:
            raise ValidationError([FieldError("confirmed_on", "确认日期", on,
                                              f"确认日期：{on}早于认定日期{r.recognised_on}")])
        before = _snapshot(r)
        r.confirmed_on, r.confirmed_by = on, ctx.actor
        session.flush()
        b, a = audit.diff(before, _snapshot(r))
        audit.record(session, ctx.actor, "confirm", ENTITY, r.id, talent_id=r.talent_id, before=b, after=a)
        return _view(r, t, dt.date.today())


def revoke(ctx: ServiceContext, recognition_id: int, reason: str, *, revoked_on: dt.date | None = None,
           expected_version: int | None = None) -> RecognitionView:
    """Revoke (注销, 第三十六条) a recognition with its reason; the row is kept as history."""
    permissions.require(ctx, "recognition.revoke")
    if not _text(reason):
        raise ValidationError([FieldError("reason", "撤销原因", reason, "撤销原因：必须填写（如：年度考核不合格，第三十六条）")])
    with ctx.write() as session:
        r = _load(session, recognition_id, expected_version)
        t = session.get(Talent, r.talent_id)
        if r.revoked_on is not None:
            raise ConflictError(f"{t.name}的{r.scheme}认定（文号{r.doc_no}）已于{r.revoked_on}由{r.revoked_by or '—'}撤销")
        before = _snapshot(r)
        r.revoked_on, r.revoked_by, r.revoke_reason = revoked_on or dt.date.today(), ctx.actor, _text(reason)
        session.flush()
        b, a = audit.diff(before, _snapshot(r))
        audit.record(session, ctx.actor, "revoke", ENTITY, r.id, talent_id=r.talent_id, before=b, after=a)
        return _view(r, t, dt.date.today())


def get(ctx: ServiceContext, recognition_id: int) -> RecognitionView:
    with ctx.read() as session:
        r = _load(session, recognition_id)
        return _view(r, session.get(Talent, r.talent_id), dt.date.today())


def _status_code(status: str | None) -> str | None:
    if status is None or not _text(status):
        return None
    s = _text(status)
    code = _BY_LABEL.get(s, s)
    if code not in STATUS:
        raise ValidationError([FieldError("status", "状态", status,
                                          f"状态“{status}”未知，可选：{'、'.join(STATUS.values())}")])
    return code


def list_recognitions(ctx: ServiceContext, *, status: str | None = None, scheme: str | None = None,
                      talent: str | None = None, on: dt.date | None = None) -> list[RecognitionView]:
    """The recognitions, newest recognition date first; ``status`` (code or 待确认/有效/
    已过期/已撤销, on ``on``, default today), ``scheme`` and ``talent`` (身份证号) filter."""
    on = on or dt.date.today()
    code = _status_code(status)
    stmt = (select(Recognition, Talent).join(Talent, Recognition.talent_id == Talent.id)
            .order_by(Recognition.recognised_on.desc(), Recognition.id.desc()))
    if _text(scheme):
        stmt = stmt.where(Recognition.scheme == _text(scheme))
    with ctx.read() as session:
        if _text(talent):
            stmt = stmt.where(Recognition.talent_id == talents.load(session, talent).id)
        views = [_view(r, t, on) for r, t in session.execute(stmt).all()]
    return [v for v in views if code is None or v.status == code]


def _rows(session: Session, talent_ids: Iterable[int]) -> list[tuple[Recognition, Talent]]:
    ids = sorted(set(talent_ids))
    out: list[tuple[Recognition, Talent]] = []
    for k in range(0, len(ids), 900):
        out.extend(session.execute(
            select(Recognition, Talent).join(Talent, Recognition.talent_id == Talent.id)
            .where(Recognition.talent_id.in_(ids[k:k + 900]))
            .order_by(Recognition.recognised_on, Recognition.id)).all())
    return out


def standing(session: Session, talent_ids: Iterable[int], on: dt.date | None = None
             ) -> dict[int, dict[str, RecognitionView]]:
    """Per talent and scheme the recognition that decides on ``on``: the latest confirmed
    one in force, else the latest recorded one (pending, expired or revoked)."""
    on = on or dt.date.today()
    out: dict[int, dict[str, RecognitionView]] = {}
    for r, t in _rows(session, talent_ids):  # oldest first: later ones replace earlier
        v = _view(r, t, on)
        mine = out.setdefault(t.id, {})
        held = mine.get(r.scheme)
        if held is None or held.status != "valid" or v.status == "valid":
            mine[r.scheme] = v
    return out


def current(session: Session, talent_ids: Iterable[int], on: dt.date | None = None
            ) -> dict[int, dict[str, RecognitionView]]:
    """Per talent the confirmed recognition in force on ``on`` per scheme (talents or
    schemes with none are left out)."""
    out: dict[int, dict[str, RecognitionView]] = {}
    for tid, by_scheme in standing(session, talent_ids, on).items():
        valid = {s: v for s, v in by_scheme.items() if v.status == "valid"}
        if valid:
            out[tid] = valid
    return out


def engine_facts(by_scheme: dict[str, RecognitionView]) -> dict[str, Any]:
    """The facts the rules engine reads from one talent's standing: for each scheme that
    feeds a fact (``domain.recognition.SCHEME_FACT``) ``<fact>_recognition`` = {status,
    value, tier, doc_no, body, dates, reason}; a valid one also gives ``<fact>`` itself."""
    facts: dict[str, Any] = {}
    for scheme, v in by_scheme.items():
        key = schemes.SCHEME_FACT.get(scheme)
        if key is None:
            continue
        value = schemes.fact_value(scheme, v.tier)
        facts[f"{key}_recognition"] = {
            "status": v.status, "value": value, "tier": v.tier_label, "scheme": scheme, "doc_no": v.doc_no,
            "body": v.body, "recognised_on": v.recognised_on, "confirmed_on": v.confirmed_on,
            "valid_until": v.valid_until, "revoked_on": v.revoked_on, "reason": v.revoke_reason}
        if v.status == "valid":
            facts[key] = value
    return facts


def attention(session: Session, on: dt.date | None = None, days: int = 90) -> tuple[int, int]:
    """(recognitions awaiting confirmation, confirmed ones in force whose ``valid_until``
    falls within ``days`` days of ``on``)."""
    on = on or dt.date.today()
    live = Recognition.revoked_on.is_(None)
    pending = session.execute(select(func.count()).select_from(Recognition)
                              .where(live, Recognition.confirmed_on.is_(None))).scalar_one()
    expiring = session.execute(select(func.count()).select_from(Recognition).where(
        live, Recognition.confirmed_on.is_not(None),
        and_(Recognition.valid_until >= on, Recognition.valid_until <= on + dt.timedelta(days=days)))).scalar_one()
    return int(pending), int(expiring)
