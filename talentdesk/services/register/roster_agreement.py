"""The 服务协议 a talent's roster record describes (issue 21).

A roster record with both 合同起始日期 (``contract_start``) and 合同期限（年）
(``contract_years``) describes a service agreement: kind by the talent's policy (包头
2022 signs a 三方协议, 五（四）; every other policy a 服务期协议), start = 合同起始日期,
term = 合同期限, signed = 协议签订日期 when given. Every write of a talent's record —
``talents.add`` / ``talents.update`` and the roster import, new and stored talents —
goes through ``decide`` so that they all agree:

- the talent has no agreement → one is created ("roster-made");
- the talent's current agreement (the newest 履行中 one, else the newest) already says
  what the record says → nothing;
- it is roster-made and still 履行中 → it is updated to what the record says (audited,
  reported by an import as the change "服务协议：…→…");
- otherwise (a clerk entered it, renewed, concluded or ended it, or edited the
  roster-made one by hand) it is never changed: an import reports a warning naming both.

``required_service_years`` is left empty on roster-made agreements: the engine then reads
the years from the talent's own 合同期限 when 协议签订日期 is given, exactly as before
(``grants.engine_inputs_many``), the 年度考核 obligation from 合同期限 (``reviews``), so
creating these agreements changes no answer of the engine. The clerk's 服务年限 is
recorded on the 服务协议 page.

Roster-made: the last audit event about the agreement was written from a roster record —
a ``service_agreement`` event whose ``after`` carries ``"origin": "roster"``, or the
import's one event per chunk of new talents (``audit.CREATED_TALENTS``, linked to each
talent), which holds the agreements made with them under "agreements". No column marks
it (no migration): any other event about the agreement (``agreements.update``, 续签,
期满考核, 解除, 离职) hands it to the clerk for good.

A clerk entering an agreement by hand for a talent whose only agreements are roster-made
and untouched (``agreements.add``) replaces them: ``superseded`` lists them to delete.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from talentdesk.domain.status import AGREEMENT_STATUS
from talentdesk.models.base import utcnow
from talentdesk.models.bulk import BulkInserter
from talentdesk.models.entities import AuditEvent, AuditEventTalent, ServiceAgreement
from talentdesk.services.office.audit import log as audit

ENTITY = "service_agreement"
ORIGIN = "roster"  # the "origin" of an event written from a roster record
# the import's new agreements, in the chunk's talent event: [talent id, agreement id, …]
BATCH_COLUMNS = ("talent_id", "id", "kind", "signed_date", "start_date", "term_years", "required_service_years",
                 "status")
DEFAULT_KIND = "服务期协议"
KIND_BY_POLICY = {"baotou-2022": "三方协议"}  # 包头 2022 五（四）: 企业、属地政府与引进人才签订三方协议
LABEL = "服务协议"  # the field name in an import's changes
# A record (an import row, a talents.update) that gives one of these speaks of the agreement.
CONTRACT_KEYS = ("contract_start", "contract_years", "agreement_signed_date")
_CHUNK = 900


def kind_for(policy_id: str | None) -> str:
    return KIND_BY_POLICY.get(policy_id or "", DEFAULT_KIND)


def _years_text(term: Decimal) -> str:
    return format(Decimal(term).normalize(), "f")


@dataclass(frozen=True)
class Terms:
    """What a roster record says of the agreement."""

    start_date: dt.date
    term_years: Decimal
    signed_date: dt.date | None

    def text(self, kind: str) -> str:
        out = f"{kind}，{self.start_date.isoformat()}起{_years_text(self.term_years)}年"
        return out + (f"，{self.signed_date.isoformat()}签订" if self.signed_date else "")


def terms_of(record: dict[str, Any]) -> Terms | None:
    """The agreement a (typed) roster record describes; None without 合同起始日期 or 合同期限."""
    start, years = record.get("contract_start"), record.get("contract_years")
    if start is None or years is None:
        return None
    return Terms(start, Decimal(years), record.get("agreement_signed_date"))


@dataclass
class Stored:
    """A stored agreement, as far as a roster compares it."""

    id: int
    talent_id: int
    version: int
    kind: str
    signed_date: dt.date | None
    start_date: dt.date | None
    term_years: Decimal | None
    required_service_years: int | None
    status: str

    @property
    def terms(self) -> Terms | None:
        if self.start_date is None or self.term_years is None:
            return None
        return Terms(self.start_date, Decimal(self.term_years), self.signed_date)

    def text(self) -> str:
        t = self.terms
        if t is not None:
            return t.text(self.kind)
        return self.kind + (f"，{self.start_date.isoformat()}起" if self.start_date else "")

    def agrees(self, terms: Terms) -> bool:
        """Says what ``terms`` says (a roster without 协议签订日期 leaves the date as it is)."""
        return (self.start_date == terms.start_date and self.term_years is not None
                and Decimal(self.term_years) == terms.term_years
                and (terms.signed_date is None or self.signed_date == terms.signed_date))


def snapshot(a: Any) -> dict[str, Any]:
    """What the audit trail records about an agreement (as ``agreements`` records it)."""
    term = a.term_years
    return {"kind": a.kind, "signed_date": a.signed_date, "start_date": a.start_date,
            "term_years": str(term) if term is not None else None,
            "required_service_years": a.required_service_years, "status": a.status}


_COLS = (ServiceAgreement.id, ServiceAgreement.talent_id, ServiceAgreement.version, ServiceAgreement.kind,
         ServiceAgreement.signed_date, ServiceAgreement.start_date, ServiceAgreement.term_years,
         ServiceAgreement.required_service_years, ServiceAgreement.status)


def stored_for(session: Session, talent_ids: Iterable[int]) -> dict[int, list[Stored]]:
    """The talents' agreements, oldest first."""
    ids = sorted(set(talent_ids))
    out: dict[int, list[Stored]] = {}
    for k in range(0, len(ids), _CHUNK):
        for row in session.execute(select(*_COLS).where(ServiceAgreement.talent_id.in_(ids[k:k + _CHUNK]))
                                   .order_by(ServiceAgreement.id)):
            out.setdefault(row[1], []).append(Stored(*row))
    return out


def _from_roster(after: str | None) -> bool:
    try:
        data = json.loads(after) if after else None
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("origin") == ORIGIN


def roster_made(session: Session, agreements: Iterable[Stored]) -> set[int]:
    """Those of ``agreements`` whose last audit event was written from a roster record."""
    wanted = {a.id: a.talent_id for a in agreements}
    if not wanted:
        return set()
    last: dict[int, tuple[int, bool]] = {}

    def seen(aid: int, event_id: int, roster: bool) -> None:
        if aid in wanted and (aid not in last or event_id > last[aid][0]):
            last[aid] = (event_id, roster)

    ids = sorted(wanted)
    for k in range(0, len(ids), _CHUNK):
        keys = [str(i) for i in ids[k:k + _CHUNK]]
        for event_id, entity_id, after in session.execute(
                select(AuditEvent.id, AuditEvent.entity_id, AuditEvent.after)
                .where(AuditEvent.entity == ENTITY, AuditEvent.entity_id.in_(keys))):
            seen(int(entity_id), event_id, _from_roster(after))
    talents = sorted(set(wanted.values()))
    batches: set[int] = set()
    for k in range(0, len(talents), _CHUNK):
        batches.update(session.execute(
            select(AuditEventTalent.event_id).join(AuditEvent, AuditEvent.id == AuditEventTalent.event_id)
            .where(AuditEventTalent.talent_id.in_(talents[k:k + _CHUNK]),
                   AuditEvent.entity == audit.CREATED_TALENTS)).scalars())
    for event_id in sorted(batches):
        after = session.execute(select(AuditEvent.after).where(AuditEvent.id == event_id)).scalar_one()
        try:
            made = json.loads(after).get("agreements") or {}
            rows = made.get("rows") or [] if made.get("origin") == ORIGIN else []
        except (AttributeError, TypeError, ValueError):
            continue
        for r in rows:
            seen(int(r[1]), event_id, True)
    return {aid for aid, (_, roster) in last.items() if roster}


def current(agreements: list[Stored]) -> Stored | None:
    """The agreement a roster is compared with: the newest 履行中 one, else the newest."""
    if not agreements:
        return None
    active = [a for a in agreements if a.status == "active"]
    return max(active or agreements, key=lambda a: a.id)


@dataclass
class Action:
    """What a roster record does to one talent's agreements (at most one of the three)."""

    talent_id: int
    terms: Terms
    kind: str
    create: bool = False
    update: Stored | None = None  # the roster-made agreement to bring in line
    conflict: Stored | None = None  # a clerk's agreement that says otherwise: a warning

    @property
    def writes(self) -> bool:
        return self.create or self.update is not None

    def before_text(self) -> str | None:
        return self.update.text() if self.update is not None else None

    def after_text(self) -> str:
        return self.terms.text(self.update.kind if self.update is not None else self.kind)

    def warning(self) -> str:
        a = self.conflict
        return (f"{LABEL}：花名册为“{self.terms.text(a.kind)}”，已登记的{a.kind}"
                f"（{AGREEMENT_STATUS.get(a.status, a.status)}，非花名册生成）为“{a.text()}”，未按花名册修改，请核对")


def decide(session: Session, wanted: list[tuple[int, Terms | None, str | None]],
           stored: dict[int, list[Stored]] | None = None) -> dict[int, Action]:
    """``wanted``: (talent id, the record's terms, the talent's policy id or the office's
    default). The actions for the talents whose agreements the record does not match."""
    if stored is None:
        stored = stored_for(session, [tid for tid, terms, _ in wanted if terms is not None])
    out: dict[int, Action] = {}
    mismatched: list[Stored] = []
    for tid, terms, policy_id in wanted:
        if terms is None:
            continue
        cur = current(stored.get(tid, []))
        if cur is None:
            out[tid] = Action(tid, terms, kind_for(policy_id), create=True)
        elif not cur.agrees(terms):
            out[tid] = Action(tid, terms, cur.kind, conflict=cur)
            mismatched.append(cur)
    owned = roster_made(session, mismatched)
    for a in mismatched:
        act = out[a.talent_id]
        if a.id in owned and a.status == "active":
            act.update, act.conflict = a, None
    return out


# -- writing ------------------------------------------------------------------------------------

INSERT_COLUMNS = ("id", "talent_id", "kind", "signed_date", "start_date", "term_years")


def bulk_inserter(session: Session, now: dt.datetime) -> BulkInserter:
    """Rows (agreement id, talent id, kind, signed, start, term) of new roster-made
    agreements: 履行中, no 服务年限 of their own, version 1."""
    return BulkInserter(session, ServiceAgreement.__table__, INSERT_COLUMNS,
                        constants={"required_service_years": None, "status": "active", "version": 1,
                                   "created_at": now, "updated_at": now})


def insert_many(session: Session, actor: str | None, new: list[tuple[int, str, Terms]], *,
                now: dt.datetime | None = None) -> list[int]:
    """Insert roster-made agreements (talent id, kind, terms) in one Core statement, one
    ``service_agreement`` event each (an import's new talents: ``bulk_inserter``, their
    chunk's event). Returns the ids."""
    if not new:
        return []
    writer = bulk_inserter(session, now or utcnow())
    ids = writer.next_ids(len(new))
    writer.insert([(aid, tid, kind, terms.signed_date, terms.start_date, terms.term_years)
                   for aid, (tid, kind, terms) in zip(ids, new)])
    snaps = [(tid, aid, kind, terms.signed_date, terms.start_date, str(terms.term_years))
             for aid, (tid, kind, terms) in zip(ids, new)]
    audit.record_many(session, actor, [
        audit.Change("create", ENTITY, aid, tid, None,
                     {"kind": kind, "signed_date": signed, "start_date": start, "term_years": term,
                      "required_service_years": None, "status": "active", "origin": ORIGIN})
        for tid, aid, kind, signed, start, term in snaps])
    return ids


def update_many(session: Session, actor: str | None, actions: list[Action], *,
                now: dt.datetime | None = None) -> int:
    """Bring roster-made agreements in line with their records (version-checked), audited."""
    todo = [a for a in actions if a.update is not None]
    if not todo:
        return 0
    from talentdesk.domain.errors import ConflictError

    table = ServiceAgreement.__table__
    stmt = (update(table).where(table.c.id == bindparam("_id"), table.c.version == bindparam("_v"))
            .values(signed_date=bindparam("signed_date"), start_date=bindparam("start_date"),
                    term_years=bindparam("term_years"), version=bindparam("version"),
                    updated_at=bindparam("updated_at")))
    stamp = now or utcnow()
    params, changes = [], []
    for act in todo:
        a, t = act.update, act.terms
        signed = t.signed_date if t.signed_date is not None else a.signed_date
        params.append({"_id": a.id, "_v": a.version, "signed_date": signed, "start_date": t.start_date,
                       "term_years": t.term_years, "version": a.version + 1, "updated_at": stamp})
        before = snapshot(a)
        after = dict(before, signed_date=signed, start_date=t.start_date, term_years=str(t.term_years))
        b, n = audit.diff(before, after)
        changes.append(audit.Change("update", ENTITY, a.id, a.talent_id, b, n | {"origin": ORIGIN}))
    result = session.connection().execute(stmt, params)
    if result.rowcount not in (-1, len(params)):
        raise ConflictError("服务协议已被其他用户修改，请重新操作")
    audit.record_many(session, actor, changes)
    return len(params)


def apply(session: Session, actor: str | None, actions: Iterable[Action], *,
          now: dt.datetime | None = None) -> None:
    """Create and update what ``decide`` found (one event per agreement)."""
    actions = list(actions)
    insert_many(session, actor, [(a.talent_id, a.kind, a.terms) for a in actions if a.create], now=now)
    update_many(session, actor, actions, now=now)


def sync_talent(session: Session, actor: str | None, talent_id: int, record: dict[str, Any],
                policy_id: str | None) -> Action | None:
    """After ``talents.add`` / ``talents.update``: the talent's agreement as its record says
    (``policy_id``: the talent's, else the office's default). Returns what was found."""
    session.flush()
    act = decide(session, [(talent_id, terms_of(record), policy_id)]).get(talent_id)
    if act is not None:
        apply(session, actor, [act])
    return act


def superseded(session: Session, talent_id: int) -> list[Stored]:
    """The talent's agreements a clerk's own agreement replaces: all of them, when every
    one is roster-made and 履行中 (none a clerk has touched); else none."""
    mine = stored_for(session, [talent_id]).get(talent_id, [])
    if not mine or any(a.status != "active" for a in mine):
        return []
    owned = roster_made(session, mine)
    return mine if all(a.id in owned for a in mine) else []


def delete_superseded(session: Session, actor: str | None, old: list[Stored], new_id: int) -> None:
    """Delete the roster-made agreements a clerk's agreement ``new_id`` replaces, audited."""
    if not old:
        return
    table = ServiceAgreement.__table__
    session.connection().execute(delete(table).where(table.c.id.in_([a.id for a in old])))
    audit.record_many(session, actor, [audit.Change("delete", ENTITY, a.id, a.talent_id,
                                                    snapshot(a) | {"origin": ORIGIN}, {"replaced_by": new_id})
                                       for a in old])
