"""Offices sharing one database: the league office (盟委人才办) and its banners (旗县区人才办).

条例 第六条 and 阿党人才字〔2023〕2号 第七、十三、十五、二十条: a banner keeps its own talents'
records and files them with the league office, which confirms them and reports league-wide.
An administrator adds the offices (``add_office``, ``talentdesk office add``) and puts each
user into one (``assign_user``, ``talentdesk user add --office``); the log-in fills the
ServiceContext's office (``context_fields``), and ``services.office.scope`` keeps a banner's
user to that banner's records. A single office's database has no office rows and works as
before.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from talentdesk.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from talentdesk.models.entities import Talent, User
from talentdesk.models.league.office import OFFICE_KINDS, Office
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit

KIND_NAMES = {"league": "盟级", "banner": "旗县区"}
KIND_BY_NAME = {v: k for k, v in KIND_NAMES.items()} | {"盟": "league", "旗县": "banner", "旗": "banner"}


@dataclass(frozen=True)
class OfficeInfo:
    id: int
    code: str
    name: str
    kind: str
    parent: str | None
    users: int = 0
    talents: int = 0

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "kind": self.kind, "kind_name": self.kind_name,
                "parent": self.parent, "users": self.users, "talents": self.talents}


def normalize_kind(kind: str) -> str:
    kind = (kind or "").strip()
    if kind in OFFICE_KINDS:
        return kind
    if kind in KIND_BY_NAME:
        return KIND_BY_NAME[kind]
    raise ValidationError([FieldError("kind", "级别", kind, "级别应为：盟级（league）或旗县区（banner）")])


def _find(session, ref: str | int) -> Office:
    if isinstance(ref, int):
        o = session.get(Office, ref)
    else:
        ref = (ref or "").strip()
        o = session.execute(select(Office).where((Office.code == ref) | (Office.name == ref))).scalar_one_or_none()
    if o is None:
        raise NotFoundError(f"没有代码或名称为“{ref}”的单位（办公室）；请先用 talentdesk office add 添加")
    return o


def _snapshot(o: Office) -> dict:
    return {"code": o.code, "name": o.name, "kind": o.kind, "parent_id": o.parent_id}


def has_offices(ctx_or_db) -> bool:
    db = getattr(ctx_or_db, "db", ctx_or_db)
    with db.read() as session:
        return session.execute(select(Office.id).limit(1)).first() is not None


def add_office(ctx: ServiceContext, code: str, name: str, kind: str, parent: str | None = None) -> OfficeInfo:
    """A new office (admin only, audited). A banner's parent is the league office (the only
    league office when ``parent`` is not given)."""
    permissions.require(ctx, "users.manage")
    kind = normalize_kind(kind)
    code, name = (code or "").strip(), (name or "").strip()
    errors = []
    if not code or len(code) > 12:
        errors.append(FieldError("code", "代码", code, "代码：必填，最多 12 个字符（如行政区划代码 152921）"))
    if not name or len(name) > 60:
        errors.append(FieldError("name", "名称", name, "名称：必填，最多 60 个字"))
    if errors:
        raise ValidationError(errors)
    with ctx.write() as session:
        if session.execute(select(Office.id).where((Office.code == code) | (Office.name == name))).first():
            raise ConflictError(f"代码“{code}”或名称“{name}”的单位已存在")
        parent_row = None
        if parent:
            parent_row = _find(session, parent)
        elif kind == "banner":
            leagues = session.execute(select(Office).where(Office.kind == "league")).scalars().all()
            if len(leagues) == 1:
                parent_row = leagues[0]
        o = Office(code=code, name=name, kind=kind, parent_id=parent_row.id if parent_row else None)
        session.add(o)
        session.flush()
        audit.record(session, ctx.actor, "create", "office", o.id, after=_snapshot(o))
        return OfficeInfo(o.id, o.code, o.name, o.kind, parent_row.name if parent_row else None)


def list_offices(ctx: ServiceContext) -> list[OfficeInfo]:
    """Every office with its users and talents (league first). A banner's user sees only
    its own office."""
    with ctx.read() as session:
        users = dict(session.execute(select(User.office_id, func.count(User.id)).group_by(User.office_id)).all())
        talents = dict(session.execute(select(Talent.office_id, func.count(Talent.id))
                                       .group_by(Talent.office_id)).all())
        stmt = select(Office).order_by(Office.kind.desc(), Office.code)
        if ctx.banner_id is not None:
            stmt = stmt.where(Office.id == ctx.banner_id)
        rows = session.execute(stmt).scalars().all()
        names = {o.id: o.name for o in session.execute(select(Office)).scalars()}
        return [OfficeInfo(o.id, o.code, o.name, o.kind, names.get(o.parent_id), users.get(o.id, 0),
                           talents.get(o.id, 0)) for o in rows]


def assign_user(ctx: ServiceContext, username: str, office: str | None) -> None:
    """Put a user into an office (None: the database's own office, sees everything)."""
    permissions.require(ctx, "users.manage")
    with ctx.write() as session:
        u = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if u is None:
            raise NotFoundError(f"没有用户“{username}”")
        before = {"office": scope_name(session, u.office_id)}
        u.office_id = _find(session, office).id if office else None
        audit.record(session, ctx.actor, "update", "user", username, before=before,
                     after={"office": scope_name(session, u.office_id)})


def office_id_of(session, office: str | None) -> int | None:
    return _find(session, office).id if office else None


def scope_name(session, office_id: int | None) -> str | None:
    if office_id is None:
        return None
    o = session.get(Office, office_id)
    return o.name if o else None


def context_fields(session, office_id: int | None) -> dict:
    """The ServiceContext fields for a user of ``office_id`` (at log-in)."""
    if office_id is None:
        return {}
    o = session.get(Office, office_id)
    if o is None:
        return {}
    return {"office_id": o.id, "office_kind": o.kind, "office_name": o.name}


def context_for(ctx: ServiceContext, office: str) -> ServiceContext:
    """A copy of ``ctx`` acting for ``office`` (tests, the demo)."""
    import dataclasses

    with ctx.read() as session:
        fields = context_fields(session, _find(session, office).id)
    return dataclasses.replace(ctx, **fields)


def office_choices(ctx: ServiceContext) -> list[tuple[int, str]]:
    """(id, name) of the banners a league user may filter by (empty for anybody else)."""
    if ctx.banner_id is not None:
        return []
    with ctx.read() as session:
        return [(o.id, o.name) for o in session.execute(select(Office).where(Office.kind == "banner")
                                                         .order_by(Office.code)).scalars()]


def label(ctx: ServiceContext) -> str:
    """What the window title and status bar say about the office ("" for none)."""
    if not ctx.office_name:
        return ""
    return f"{ctx.office_name}（{KIND_NAMES.get(ctx.office_kind or '', '')}）"


__all__ = ["OfficeInfo", "add_office", "list_offices", "assign_user", "has_offices", "context_fields",
           "context_for", "office_choices", "label", "normalize_kind"]
