"""平台载体: platforms, workstations, bases, studios and teams (``models.Platform``) that a
pack may pay (``beneficiary: platform``: 阿党人才字〔2023〕2号 第二十四、二十七、二十九、三十、
三十一、三十四条). Recorded by any clerk (``platform.write``), audited; a platform whose
recognition is revoked (``revoke``) is kept, and no new grant is proposed for it.

Public API::

    add(ctx, name, *, kind, category=None, employer=None, level=None, body=None, doc_no=None,
        recognised_on=None, remarks=None) -> PlatformView
    revoke(ctx, platform_id, reason, *, expected_version=None) -> PlatformView
    get(ctx, platform_id) -> PlatformView
    find(ctx, key) -> PlatformView            # by id ("12") or exact name
    list_all(ctx, *, employer=None, status=None) -> list[PlatformView]
    load(session, key) -> Platform

``employer``: the host employer's name (or 统一社会信用代码).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.models.entities import Employer
from talentdesk.models.duties.platform import PLATFORM_KINDS, Platform
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit

ENTITY = "platform"
LEVELS = ("国家级", "自治区级", "盟级", "市级", "旗县级")
STATUS = {"active": "有效", "revoked": "已撤销"}
# the specific types the shipped packs read (facts.platform_type); others may be typed
CATEGORIES = ("院士专家工作站", "博士后科研工作站", "博士后科研流动站", "博士后创新实践基地", "人才工作室",
              "人才培养（培训）基地", "实践基地", "名校长工作室", "名师工作室", "名班主任工作室", "名医工作室",
              "技能大师工作室", "高技能人才培训基地", "文艺创作工作室", "人才小院", "研究生培养点")


@dataclass
class PlatformView:
    id: int
    version: int
    name: str
    kind: str
    category: str | None
    employer_id: int | None
    employer_name: str | None
    level: str | None
    body: str | None
    doc_no: str | None
    recognised_on: dt.date | None
    status: str
    remarks: str | None

    @property
    def status_label(self) -> str:
        return STATUS.get(self.status, self.status)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["recognised_on"] = self.recognised_on.isoformat() if self.recognised_on else None
        out["status_label"] = self.status_label
        return out


def _view(p: Platform, employer: Employer | None) -> PlatformView:
    return PlatformView(p.id, p.version, p.name, p.kind, p.category, p.employer_id,
                        employer.name if employer else None, p.level, p.body, p.doc_no, p.recognised_on, p.status,
                        p.remarks)


def _snapshot(p: Platform) -> dict[str, Any]:
    return {"name": p.name, "kind": p.kind, "category": p.category, "employer_id": p.employer_id, "level": p.level,
            "body": p.body, "doc_no": p.doc_no, "recognised_on": p.recognised_on, "status": p.status}


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _employer(session: Session, key: str) -> Employer:
    e = session.execute(select(Employer).where((Employer.name == key) | (Employer.uscc == key))).scalars().first()
    if e is None:
        raise NotFoundError(f"没有名称或统一社会信用代码为“{key}”的用人单位，请先登记单位")
    return e


def load(session: Session, key: Any, *, lock: bool = False) -> Platform:
    """A platform by id (int or digits) or exact name; NotFoundError (Chinese) otherwise."""
    text = str(key).strip() if key is not None else ""
    stmt = select(Platform)
    stmt = stmt.where(Platform.id == int(text)) if text.isdigit() else stmt.where(Platform.name == text)
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    p = session.execute(stmt).scalar_one_or_none()
    if p is None:
        raise NotFoundError(f"找不到编号或名称为“{text}”的平台载体")
    return p


def add(ctx: ServiceContext, name: str, *, kind: str, category: str | None = None, employer: str | None = None,
        level: str | None = None, body: str | None = None, doc_no: str | None = None,
        recognised_on: dt.date | None = None, remarks: str | None = None) -> PlatformView:
    """Record a platform. ``kind`` one of 平台/工作站/基地/工作室/团队/其他; ``level`` one of
    国家级/自治区级/盟级/市级/旗县级 (or blank)."""
    permissions.require(ctx, "platform.write")
    errors: list[FieldError] = []
    name = _text(name)
    if not name:
        errors.append(FieldError("name", "名称", name, "名称：必须填写"))
    if kind not in PLATFORM_KINDS:
        errors.append(FieldError("kind", "类别", kind, f"类别：“{kind or ''}”无效，可选：{'、'.join(PLATFORM_KINDS)}"))
    level = _text(level)
    if level is not None and level not in LEVELS:
        errors.append(FieldError("level", "级别", level, f"级别：“{level}”无效，可选：{'、'.join(LEVELS)}"))
    if recognised_on is not None and not isinstance(recognised_on, dt.date):
        errors.append(FieldError("recognised_on", "认定日期", recognised_on, "认定日期：应为有效日期"))
    elif recognised_on is not None and recognised_on > dt.date.today():
        errors.append(FieldError("recognised_on", "认定日期", recognised_on, f"认定日期：{recognised_on}晚于今天"))
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        emp = _employer(session, employer) if _text(employer) else None
        p = Platform(name=name, kind=kind, category=_text(category), employer_id=emp.id if emp else None,
                     level=level, body=_text(body), doc_no=_text(doc_no), recognised_on=recognised_on,
                     status="active", remarks=_text(remarks))
        try:
            with session.begin_nested():
                session.add(p)
                session.flush()
        except IntegrityError:
            raise ConflictError(f"已有名为“{name}”的平台载体") from None
        audit.record(session, ctx.actor, "create", ENTITY, p.id, after=_snapshot(p))
        return _view(p, emp)


def revoke(ctx: ServiceContext, platform_id: int, reason: str, *, expected_version: int | None = None
           ) -> PlatformView:
    """The platform's recognition is revoked (撤销认定): kept, no new grant for it."""
    permissions.require(ctx, "platform.write")
    if not _text(reason):
        raise ValidationError([FieldError("reason", "撤销原因", reason, "撤销原因：必须填写")])
    with ctx.write() as session:
        p = load(session, platform_id, lock=True)
        if expected_version is not None and p.version != expected_version:
            raise ConflictError(f"平台载体“{p.name}”已被其他用户修改，请刷新后重试")
        if p.status == "revoked":
            raise ConflictError(f"平台载体“{p.name}”已撤销")
        before = _snapshot(p)
        p.status = "revoked"
        p.remarks = "；".join(x for x in (p.remarks, f"撤销：{_text(reason)}") if x)
        session.flush()
        b, a = audit.diff(before, _snapshot(p))
        audit.record(session, ctx.actor, "update", ENTITY, p.id, before=b, after=a | {"reason": _text(reason)})
        return _view(p, session.get(Employer, p.employer_id) if p.employer_id else None)


def get(ctx: ServiceContext, platform_id: int) -> PlatformView:
    return find(ctx, platform_id)


def find(ctx: ServiceContext, key: Any) -> PlatformView:
    with ctx.read() as session:
        p = load(session, key)
        return _view(p, session.get(Employer, p.employer_id) if p.employer_id else None)


def list_all(ctx: ServiceContext, *, employer: str | None = None, status: str | None = None) -> list[PlatformView]:
    with ctx.read() as session:
        stmt = select(Platform, Employer).outerjoin(Employer, Platform.employer_id == Employer.id)
        if _text(employer):
            stmt = stmt.where(Platform.employer_id == _employer(session, employer.strip()).id)
        if status:
            stmt = stmt.where(Platform.status == status)
        return [_view(p, e) for p, e in session.execute(stmt.order_by(Platform.name, Platform.id)).all()]
