"""The append-only, hash-chained audit trail: reading and verifying it.

Appending (``record``, ``record_many``, …) lives in ``audit_chain`` and is re-exported
here. ``verify`` checks, in one pass over the chain:

1. every link and hash (an edit or deletion in the middle);
2. the chain against an anchor kept outside the audit table (``audit_anchor``): this PC's
   anchor of the database, and an exported one when given — fewer events than anchored,
   no event at the anchored id or another hash there means events were deleted or the
   chain was rewritten;
3. the money rows and user accounts against the digests sealed in the chain
   (``audit_seal``): a row changed, added or deleted by direct SQL is named.

Functions for other code (e.g. a restore that checks a backup):
``verify(ctx, anchor=…, local=False)``, ``current_anchor(ctx)``, ``check_anchor(ctx,
anchor)`` and ``accept_anchor(ctx)`` (re-anchor this PC after a confirmed restore).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from talentdesk.models.entities import AuditEvent, AuditEventTalent
from talentdesk.services.office import scope
from talentdesk.services.office.audit import anchor as audit_anchor, seal as audit_seal
from talentdesk.services.office.audit.anchor import Anchor
# Appending lives in audit_chain; these names are re-exported for the services that record.
from talentdesk.services.office.audit.chain import CREATED_TALENTS, GENESIS, event_hash, head, json_default, record
from talentdesk.services.office.audit.chain import Change, JsonText, diff, dumps, os_user  # noqa: F401
from talentdesk.services.office.audit.chain import encode_created_talents, record_created_talents  # noqa: F401
from talentdesk.services.office.audit.chain import record_many, record_update  # noqa: F401
from talentdesk.services.context import ServiceContext

_default = json_default  # the JSON encoder's fallback, used by the CLI and the export

@dataclass
class RowProblem:
    """A money row or user account that no longer matches its last sealed state."""

    table: str
    row_id: int
    kind: str  # changed / added / deleted

    @property
    def message(self) -> str:
        what = {"changed": "在程序之外被修改（与审计记录中最后登记的状态不符）",
                "added": "在程序之外新增（审计记录中没有登记）",
                "deleted": "在程序之外被删除（审计记录中登记为存在）"}[self.kind]
        return f"{audit_seal.NAMES.get(self.table, self.table)} #{self.row_id}（{self.table}）{what}"

    def as_dict(self) -> dict:
        return {"table": self.table, "id": self.row_id, "kind": self.kind, "message": self.message}


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    message: str = ""
    problems: list[str] = field(default_factory=list)  # every finding, in Chinese
    rows: list[RowProblem] = field(default_factory=list)  # money rows / accounts that do not match
    rows_checked: int = 0
    head: Anchor | None = None  # the chain's head as verified
    anchors: list[str] = field(default_factory=list)  # which anchors were checked (本机锚点 / 所给锚点)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checked": self.checked, "broken_id": self.broken_id, "message": self.message,
                "problems": list(self.problems), "rows": [r.as_dict() for r in self.rows],
                "rows_checked": self.rows_checked, "head": self.head.as_dict() if self.head else None,
                "anchors": list(self.anchors)}


LOCAL = "本机锚点"
GIVEN = "所给锚点"
_MAX_ROW_PROBLEMS = 50  # listed; the count is always exact
_EVENT_COLUMNS = 'id, at, "user", action, entity, entity_id, talent_id, before, after, prev_hash, hash, os_user'
_EVENTS_SQL = {  # by paramstyle: sqlite3 "?", psycopg "%(name)s"
    True: f"SELECT {_EVENT_COLUMNS} FROM audit_event WHERE id > ? ORDER BY id LIMIT ?",
    False: f"SELECT {_EVENT_COLUMNS} FROM audit_event WHERE id > %(after_id)s ORDER BY id LIMIT %(n)s",
}


def database_key(ctx: ServiceContext) -> str:
    """The key of this database's anchor on this PC (``audit_anchor.database_key``)."""
    return audit_anchor.database_key(ctx.db.url)


def _anchor_problem(label: str, a: Anchor, checked: int, last_id: int) -> str:
    return (f"审计记录被删除：{label}记录审计链到第 #{a.head_id} 条（共 {a.count} 条），"
            f"现在审计链只有 {checked} 条" + (f"、最后一条是 #{last_id}" if checked else "")
            + "（最后的记录或全部记录被删除，或数据库被换成了较旧的一份）")


def verify(ctx: ServiceContext, *, anchor: Anchor | None = None, local: bool = True, rows: bool = True,
           batch: int = 20000) -> VerifyResult:
    """Check the chain, its anchors and the sealed rows (see the module docstring).

    ``anchor``: an exported anchor to check as well. ``local``: check (and, when all is
    well, move forward or first record) this PC's anchor of the database; pass False
    for a database that is not the office's live one (a backup). ``rows``: compare the
    money rows and accounts with their seals.
    """
    anchors: list[tuple[str, Anchor]] = []
    key = database_key(ctx)
    local_anchor = audit_anchor.load_local(key) if local else None
    if local_anchor is not None:
        anchors.append((LOCAL, local_anchor))
    if anchor is not None:
        anchors.append((GIVEN, anchor))
    want: dict[int, list[tuple[str, Anchor]]] = {}
    for label, a in anchors:
        if a.head_id:
            want.setdefault(a.head_id, []).append((label, a))
    seen: set[str] = set()
    problems: list[str] = []
    prev, checked, last_id = GENESIS, 0, 0
    sealed: dict[str, dict[str, str | None]] = {}
    baseline = False
    covered: set[str] = set()
    broken: int | None = None

    with ctx.read() as session:
        conn = session.connection()
        sqlite = conn.dialect.name == "sqlite"
        while broken is None:
            # The driver's own rows (no ORM, no type processing): this loop is the cost of
            # verifying a league's 100,000 events.
            chunk = conn.exec_driver_sql(_EVENTS_SQL[sqlite], (last_id, batch) if sqlite else
                                         {"after_id": last_id, "n": batch}).fetchall()
            if not chunk:
                break
            for (eid, at, user, action, entity, entity_id, talent_id, before, after, prev_hash, h,
                 osu) in chunk:
                if prev_hash != prev:
                    broken = eid
                    problems.append(f"审计记录 #{eid} 与上一条记录的链接断开（上一条记录被删除或修改）")
                    break
                # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff"; the hash has the ISO form.
                stamp = (at[:10] + "T" + at[11:]) if sqlite else at.isoformat(timespec="microseconds")
                if event_hash(prev, stamp, user, action, entity, entity_id, talent_id, before, after, osu) != h:
                    broken = eid
                    problems.append(f"审计记录 #{eid} 的内容被修改过（哈希不符）")
                    break
                if entity == CREATED_TALENTS and not _links_match(session, eid, after):
                    broken = eid
                    problems.append(f"审计记录 #{eid} 与人才的关联被修改过")
                    break
                checked += 1
                if entity == audit_seal.SEAL_ENTITY:
                    baseline = baseline or entity_id == audit_seal.BASELINE
                    if entity_id in audit_seal.BASELINES:
                        covered.update(audit_seal.BASELINES[entity_id])
                    for table, digests in json.loads(after).items():
                        sealed.setdefault(table, {}).update(digests)
                if eid in want:
                    for label, a in want[eid]:
                        seen.add(label)
                        if h != a.hash:
                            problems.append(f"审计链被改写：第 #{eid} 条记录的哈希与{label}不符"
                                            "（记录被修改后重新计算了哈希，或数据库被换成了另一份）")
                        elif checked != a.count:
                            problems.append(f"审计记录被删除或插入：{label}记录到第 #{eid} 条为止共 {a.count} 条，"
                                            f"现在为 {checked} 条")
                prev, last_id = h, eid
        if broken is None:
            for label, a in anchors:
                if a.head_id and label not in seen:
                    problems.append(_anchor_problem(label, a, checked, last_id))
        row_problems: list[RowProblem] = []
        rows_checked = 0
        if rows and broken is None and baseline:
            rows_checked = _check_rows(session, sealed, row_problems, covered)
    head = Anchor(last_id, prev, checked, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), key)
    for r in row_problems[:_MAX_ROW_PROBLEMS]:
        problems.append(r.message)
    if len(row_problems) > _MAX_ROW_PROBLEMS:
        problems.append(f"……共 {len(row_problems)} 行金额记录或账户与审计记录不符")
    ok = not problems
    labels = [label for label, _ in anchors]
    if ok:
        parts = [f"审计链校验通过：审计链完整，共校验 {checked} 条记录"]
        if labels:
            parts.append("与" + "、".join(labels) + "一致")
        if rows and baseline:
            parts.append(f"金额记录与账户 {rows_checked} 行与审计记录一致")
        elif rows:
            parts.append("金额记录尚无登记（此数据库升级后还没有写入过记录）")
        if local and local_anchor is None:
            parts.append("本机此前没有此数据库的审计锚点，已记下当前链头")
        message = "；".join(parts)
        if local:
            audit_anchor.save_local(key, head)
    else:
        message = "审计校验发现问题：" + problems[0] + (f"（另有 {len(problems) - 1} 处，见详情）"
                                                       if len(problems) > 1 else "")
    return VerifyResult(ok, checked, broken, message, problems, row_problems, rows_checked, head, labels)


def _check_rows(session, sealed: dict[str, dict[str, str | None]], out: list[RowProblem],
                covered: set[str] | None = None) -> int:
    """Compare the sealed tables' rows with their seals; only the tables a baseline covers
    (``covered``; a table of a later seal version is checked once its baseline is written)."""
    count = 0
    for table in sorted(audit_seal.TABLES):
        if covered is not None and table not in covered:
            continue
        expected = dict(sealed.get(table, {}))
        for row_id, digest in audit_seal.row_digests(session, table):
            count += 1
            was = expected.pop(str(row_id), None)
            if was is None:
                out.append(RowProblem(table, row_id, "added"))
            elif was != digest:
                out.append(RowProblem(table, row_id, "changed"))
        for row_id, was in expected.items():
            if was is not None:
                out.append(RowProblem(table, int(row_id), "deleted"))
    out.sort(key=lambda r: (r.table, r.row_id))
    return count


def current_anchor(ctx: ServiceContext) -> Anchor:
    """The chain's head now (id, hash, count, time, database): what ``audit anchor``
    prints, and what a backup should carry to be checked against on restore."""
    with ctx.read() as session:
        return head(session)


def check_anchor(ctx: ServiceContext, anchor: Anchor) -> list[str]:
    """The problems (Chinese) of this database's chain against ``anchor`` — empty when
    the chain holds the anchored head at the anchored position. E.g. a restore checks that
    the live database's chain holds the backup's head (the same history), and that a
    backup's chain matches the anchor written with it."""
    result = verify(ctx, anchor=anchor, local=False, rows=False)
    return list(result.problems)


def accept_anchor(ctx: ServiceContext) -> Anchor:
    """Make the chain as it is now this PC's anchor of the database (after an
    administrator confirmed a restore of an older copy, or accepted a reported problem).
    Administrators only; audited."""
    from talentdesk.services.office import permissions

    permissions.require(ctx, "users.manage")
    with ctx.write() as session:
        record(session, ctx.actor, "update", "audit_anchor", None, after={"accepted": True})
    new = current_anchor(ctx)
    audit_anchor.save_local(new.database, new)
    return new


def _links_match(session, event_id: int, after: str | None) -> bool:
    """The talents linked to an event about many talents are exactly those in it."""
    try:
        ids = sorted(r[0] for r in json.loads(after)["rows"])
    except (TypeError, ValueError, KeyError, IndexError):
        return False
    linked = session.execute(select(AuditEventTalent.talent_id).where(AuditEventTalent.event_id == event_id)
                             .order_by(AuditEventTalent.talent_id)).scalars().all()
    return ids == list(linked)


@dataclass
class AuditEntry:
    id: int
    at: dt.datetime
    user: str | None
    action: str
    entity: str
    entity_id: str | None
    talent_id: int | None
    before: dict | None
    after: dict | None
    os_user: str | None = None  # the operating-system account (events from revision 0004 on)


def list_events(ctx: ServiceContext, *, user: str | None = None, talent_id: int | None = None,
                since: dt.date | None = None, until: dt.date | None = None, limit: int = 1000,
                include_seals: bool = False) -> list[AuditEntry]:
    """Events, newest first. The seals of money rows (``audit_seal``: digests, no news
    for a reader) are left out unless ``include_seals``."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if not include_seals:
        stmt = stmt.where(AuditEvent.entity != audit_seal.SEAL_ENTITY)
    if user:
        stmt = stmt.where(AuditEvent.user == user)
    if talent_id is not None:
        linked = select(AuditEventTalent.event_id).where(AuditEventTalent.talent_id == talent_id)
        stmt = stmt.where(or_(AuditEvent.talent_id == talent_id, AuditEvent.id.in_(linked)))
    if since:
        stmt = stmt.where(AuditEvent.at >= dt.datetime.combine(since, dt.time()))
    if until:
        stmt = stmt.where(AuditEvent.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    with ctx.read() as session:
        banner = scope.scope_of(session)
        if banner is not None:  # a banner reads the events of its talents and of its own users
            from talentdesk.models.entities import User
            own = scope.talent_ids(banner)
            stmt = stmt.where(or_(AuditEvent.talent_id.in_(own),
                                  AuditEvent.id.in_(select(AuditEventTalent.event_id)
                                                    .where(AuditEventTalent.talent_id.in_(own))),
                                  AuditEvent.user.in_(select(User.username).where(User.office_id == banner))))
        return [x for e in session.execute(stmt).scalars() for x in _entries(e, talent_id)]


def _entries(e: AuditEvent, talent_id: int | None) -> list[AuditEntry]:
    before = json.loads(e.before) if e.before else None
    after = json.loads(e.after) if e.after else None
    if e.entity == CREATED_TALENTS and isinstance(after, dict):
        columns, rows = after.get("columns") or [], after.get("rows") or []
        made = after.get("agreements") or {}
        if talent_id is not None:  # one talent's history: its own "create", as talents.add records it
            out = []
            # and the 服务协议 made with it, as roster_agreement records one ([talent id, agreement id, …])
            for r in made.get("rows") or []:
                if r and r[0] == talent_id:
                    out.append(AuditEntry(e.id, e.at, e.user, "create", "service_agreement", str(r[1]), talent_id,
                                          None, dict(zip(made.get("columns", [])[2:], r[2:]),
                                                     origin=made.get("origin")), e.os_user))
            for r in rows:
                if r and r[0] == talent_id:
                    out.append(AuditEntry(e.id, e.at, e.user, "create", "talent", str(talent_id), talent_id, None,
                                          dict(zip(columns, r[1:])), e.os_user))
            if out:
                return out
        ids = [r[0] for r in rows if r]
        after = {"count": len(ids), "first_id": min(ids, default=None), "last_id": max(ids, default=None)}
        if made.get("rows"):
            after["agreements"] = len(made["rows"])
    return [AuditEntry(e.id, e.at, e.user, e.action, e.entity, e.entity_id, e.talent_id, before, after, e.os_user)]
