"""Writing validated rows: one transaction, bulk Core statements, audit events in it.

Roster rows are matched to stored talents by 身份证号: new ones are inserted, stored ones
updated with the non-blank values of the file (a blank cell never erases a stored
value), and every changed field is reported. The rows written are exactly what
``talents.add`` / ``talents.update`` would write (same columns, same pinyin initials,
same audit snapshots; ``tests/importer/test_import_safety.py`` checks it), only in
bulk: 5,000 rows per ``executemany`` and one ``audit.record_many`` per chunk.

A row that gives 合同起始日期 and 合同期限 also describes the talent's 服务协议
(``register.roster_agreement``, the rule ``talents.add`` / ``talents.update`` follow):
the new talents' agreements go in chunk by chunk with them (one Core statement per
chunk, audited inside the chunk's own event); a stored talent's agreement is created, or — made from a roster
and untouched since — updated and reported like any field ("服务协议"); a clerk's own
agreement that says otherwise is left alone, with a warning.

Annual review results and payment confirmations are handed to
``reviews.record_many`` and ``payments.confirm_many``, which own those rules.
"""

from __future__ import annotations

import json
import operator
import sqlite3
from operator import ne
from dataclasses import dataclass, field
from itertools import compress, repeat
from typing import Callable

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from talentdesk.domain import employer_attrs, pinyin, roster
from talentdesk.models.base import utcnow
from talentdesk.models.bulk import BulkInserter, Memo
from talentdesk.models.entities import Employer, ImportBatch, Talent
from talentdesk.services.office import permissions, scope, settings
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import employers, roster_agreement, talents
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange.importer.validate import CellIssue

CHUNK = 5000
TALENT_KEYS = talents.TALENT_KEYS
EMPLOYER_KEYS = roster.EMPLOYER_KEYS
DATE_KINDS = ("date", "month_or_date")  # stored and audited as ISO text


# -- pinyin initials in bulk ------------------------------------------------------------------

class Initials(dict):
    """name → pinyin.initials(name), worked out on first use, ~8x faster than a call per name.

    ``lazy_pinyin`` segments a run of Han characters into words (pypinyin's own mmseg
    segmenter) and converts each word on its own; doing the same here and memoising the
    conversion per word gives exactly ``pinyin.initials`` (checked by a test) while
    converting each distinct surname and given-name word once. Names that are not all
    Han characters go through ``pinyin.initials`` itself.
    """

    def __init__(self):
        super().__init__()
        self.lazy_pinyin, self.style = pinyin.load()
        from pypinyin.constants import RE_HANS
        from pypinyin.seg import mmseg

        self.hans = RE_HANS.match
        self.cut = mmseg.seg.cut
        self.words: dict[str, str] = {}

    def __missing__(self, name: str) -> str:
        if not name or not self.hans(name):
            out = pinyin.initials(name)
        else:
            parts = []
            for w in self.cut(name):
                r = self.words.get(w)
                if r is None:
                    r = "".join(p[:1] for p in self.lazy_pinyin(w, style=self.style.FIRST_LETTER, errors="default")
                                if p)
                    self.words[w] = r
                parts.append(r)
            out = "".join(parts).lower()
        self[name] = out
        return out


# -- the plan: what would be written -----------------------------------------------------------

@dataclass
class RosterPlan:
    inserts: list[tuple[int, tuple]] = field(default_factory=list)  # (excel row, values in RowCheck.keys order)
    updates: list[tuple[int, int, int, dict, dict]] = field(default_factory=list)
    # (excel row, talent id, version, changes {key: new}, before snapshot)
    unchanged: list[int] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # for the summary
    errors: list[CellIssue] = field(default_factory=list)  # found against the database
    # stored talents' 服务协议 to create or update: (excel row, roster_agreement.Action)
    agreements: list[tuple[int, "roster_agreement.Action"]] = field(default_factory=list)
    agreement_only: list[int] = field(default_factory=list)  # rows whose only change is the 服务协议
    warnings: list[CellIssue] = field(default_factory=list)  # a clerk's 服务协议 the roster disagrees with

    @property
    def updated_rows(self) -> int:
        return len(self.updates) + len(self.agreement_only)


def _emp_tuple(rec: dict) -> tuple:
    return tuple(rec.get(k) for k in EMPLOYER_KEYS)


_REC_KEYS = TALENT_KEYS + EMPLOYER_KEYS  # talents.record_of() order
_REC_INDEX = {k: i for i, k in enumerate(_REC_KEYS)}
_BLANK = len(_REC_KEYS)  # the index of a None appended to every stored record


class _StoredTalent:
    """A stored talent as the planning compares it: its record (``talents.record_of()``
    order, plus a trailing None) read as a plain row, no ORM object."""

    __slots__ = ("id", "version", "status", "policy_id", "id_number", "name", "has_employer", "values")

    def __init__(self, row):
        self.id, self.version, self.status, self.policy_id, has_employer = row[:5]
        self.has_employer = has_employer is not None
        values = list(row[5:])
        values[_IND] = employer_attrs.INDUSTRIES.get(values[_IND]) if self.has_employer else None
        values.append(None)
        self.values = tuple(values)
        self.id_number = values[_REC_INDEX["id_number"]]
        self.name = values[_REC_INDEX["name"]]

    def record(self) -> dict:
        """``talents.record_of()`` of the talent."""
        return dict(zip(_REC_KEYS, self.values))

    def snapshot(self) -> dict:
        """``talents.snapshot()`` of the talent."""
        data = dict(zip(_REC_KEYS, self.values))
        data["status"] = self.status
        data["policy_id"] = self.policy_id
        return data


_IND = _REC_INDEX["employer_industry"]
_CROSS_FILLED = ("education", "birth_date", "sex")  # what roster.cross_check_columns may fill in
_CROSS_READ = roster.PARTIAL_CHECK_READS


def _stored_columns():
    # the employer's columns as employers.roster_values() gives them (industry as its text)
    return ([Talent.id, Talent.version, Talent.status, Talent.policy_id, Employer.id]
            + [getattr(Talent, k) for k in TALENT_KEYS]
            + [Employer.name, Employer.uscc, Employer.kind, Employer.district, Employer.industry,
               Employer.civil_service_managed])


def _stored_talents(session: Session, numbers: list[str], *, lock: bool) -> dict[str, _StoredTalent]:
    """The stored talents among ``numbers`` (身份证号), as plain rows: a whole-table read when
    they are most of the table, else by number; locked (PostgreSQL) when about to write."""
    existing: dict[str, _StoredTalent] = {}
    if not numbers:
        return existing
    total = session.execute(select(func.count(Talent.id))).scalar_one()
    if not total:
        return existing
    wanted = set(numbers)
    pg_lock = lock and session.get_bind().dialect.name == "postgresql"
    base = select(*_stored_columns()).outerjoin(Employer, Employer.id == Talent.employer_id)
    if pg_lock:
        base = base.with_for_update(of=Talent.__table__)
    n_at = 5 + TALENT_KEYS.index("id_number")
    if total <= 4 * len(wanted) and not pg_lock:
        for row in session.execute(base):
            if row[n_at] in wanted:
                t = _StoredTalent(row)
                existing[t.id_number] = t
        return existing
    if total <= 4 * len(wanted):
        known = {n for (n,) in session.execute(select(Talent.id_number))}
        hits = [n for n in wanted if n in known]
    else:
        hits = list(wanted)
    for i in range(0, len(hits), 500):
        for row in session.execute(base.where(Talent.id_number.in_(hits[i:i + 500]))):
            t = _StoredTalent(row)
            existing[t.id_number] = t
    return existing


def plan_roster(session: Session, v, *, lock: bool = False) -> RosterPlan:
    """Split the valid rows into inserts, updates (with their changed fields) and unchanged,
    and check employers' credit codes against the database and within the file."""
    check = v.check
    plan = RosterPlan()
    layout_cols = v.layout.field_columns()
    header = {k: c.header for k, c in layout_cols.items()}
    col = {k: c.index for k, c in layout_cols.items()}
    idx = check.keys.index("id_number")
    numbers = [vals[idx] for _, vals in check.valid]
    existing = _stored_talents(session, numbers, lock=lock)
    # employers: credit-code conflicts with the database and inside the file
    by_name: dict[str, str | None] = {}
    by_code: dict[str, str] = {}
    for name, code in session.execute(select(Employer.name, Employer.uscc)):
        by_name[name] = code
        if code:
            by_code[code] = name
    file_code: dict[str, tuple[str, int]] = {}
    bad_rows: set[int] = set()
    eidx = check.keys.index("employer_name")
    cidx = check.keys.index("employer_uscc")
    for row, vals in check.valid:
        name, code = vals[eidx], vals[cidx]
        if not name or not code:
            continue
        stored = by_name.get(name)
        msg = None
        if stored and stored != code and by_code.get(code) != name:
            msg = f"统一社会信用代码：单位“{name}”已登记的代码为{stored}，与{code}不一致"
        else:
            first = file_code.get(name)
            if first is None:
                file_code[name] = (code, row)
            elif first[0] != code:
                msg = f"统一社会信用代码：单位“{name}”在第{first[1]}行的代码为{first[0]}，与本行{code}不一致"
        if msg:
            bad_rows.add(row)
            plan.errors.append(CellIssue(row, col.get("employer_uscc"), header.get("employer_uscc", "统一社会信用代码"),
                                         "employer_uscc", code, msg))
    # A 身份证号 is unique in the whole league: a talent another banner registered is refused
    # at its row, naming that office only (never its data).
    foreign = scope.foreign_id_numbers(session, [vals[idx] for row, vals in check.valid
                                                 if row not in bad_rows and vals[idx] not in existing])
    for row, vals in check.valid:
        other = foreign.get(vals[idx])
        if other is not None and row not in bad_rows:
            bad_rows.add(row)
            plan.errors.append(CellIssue(row, col.get("id_number"), header.get("id_number", "身份证号"), "id_number",
                                         vals[idx], f"身份证号：{vals[idx]}已由{other}登记，身份证号在全盟唯一，"
                                                    f"不能重复登记；如人才已调入本地，请联系{other}或盟委人才办办理"))
    label = {c.key: c.label for c in roster.COLUMNS}
    stored_rows: list[tuple[int, Talent, dict, dict | None]] = []  # (row, talent, merged record, change entry)
    # a stored talent's record in the order of the file's values (blank where the talent
    # table keeps no such field): a row equal to it changes nothing, compared at C speed
    aligned = operator.itemgetter(*(_REC_INDEX.get(k, _BLANK) for k in check.keys))
    contract = [check.keys.index(k) for k in roster_agreement.CONTRACT_KEYS if k in check.keys]
    pending: list[tuple] = []  # changed rows: (row, stored, changes, before, speaks, merged record)
    keys = check.keys
    positions = range(len(keys))
    for item in check.valid:
        row, vals = item
        if row in bad_rows:
            continue
        t = existing.get(vals[idx]) if existing else None
        if t is None:
            plan.inserts.append(item)
            continue
        if vals == aligned(t.values):
            if any(vals[i] is not None for i in contract):
                stored_rows.append((row, t, t.record(), None))
            else:
                plan.unchanged.append(row)
            continue
        rec = check.record(vals)
        before = t.snapshot()
        # the fields the file gives (non-blank) that differ from the stored record
        changes = {keys[i]: vals[i] for i in compress(positions, map(ne, vals, aligned(t.values)))
                   if vals[i] is not None}
        if rec.get("employer_name") and rec["employer_name"] != before.get("employer_name"):
            # another employer: its code/kind/district come with it, not the old one's
            for k in EMPLOYER_KEYS:
                if rec.get(k) is not None:
                    changes[k] = rec[k]
        elif changes.keys() & set(EMPLOYER_KEYS):
            # same employer: ensure() only fills its blank fields, never overwrites them
            stored = dict(zip(EMPLOYER_KEYS, t.values[len(TALENT_KEYS):]))
            for k in EMPLOYER_KEYS[1:]:
                if k in changes and t.has_employer and stored[k] is not None and stored[k] != "":
                    del changes[k]
        speaks = any(rec.get(k) is not None for k in roster_agreement.CONTRACT_KEYS)
        if not changes:
            if speaks:
                stored_rows.append((row, t, t.record(), None))
            else:
                plan.unchanged.append(row)
            continue
        pending.append((row, t, changes, before, speaks, t.record() | changes))
    # the changed rows' cross-checks against their stored records: one column-wise pass per
    # set of changed fields (``roster.cross_check`` of each merged record, in bulk)
    groups: dict[frozenset, list[int]] = {}
    for j, p in enumerate(pending):
        groups.setdefault(frozenset(p[2]), []).append(j)
    found: dict[int, list] = {}
    for raw_keys, members in groups.items():
        merged_rows = [pending[j][5] for j in members]
        # the fields a partial cross-check reads (the others cannot give an error)
        columns = {k: [m[k] for m in merged_rows] for k in merged_rows[0] if k in _CROSS_READ}
        errs = roster.cross_check_columns(columns, len(members), partial=True, raw_keys=set(raw_keys))
        for k in _CROSS_FILLED:
            filled = columns.get(k)
            if filled is not None:
                for m, v in zip(merged_rows, filled):
                    if v is not None or k in m:
                        m[k] = v
        for i, e in errs.items():
            found[members[i]] = e
    for j, (row, t, changes, before, speaks, merged) in enumerate(pending):
        errs = found.get(j)
        if errs:
            bad_rows.add(row)
            for e in errs:
                plan.errors.append(CellIssue(row, col.get(e.field), header.get(e.field, e.label), e.field, e.value,
                                             e.message + "（与已登记信息对照）"))
            continue
        plan.updates.append((row, t.id, t.version, changes, before))
        entry = {"row": row, "id_number": t.id_number, "name": t.name,
                 "fields": {label[k]: [roster.json_value(before.get(k)), roster.json_value(new)]
                            for k, new in changes.items()}}
        plan.changes.append(entry)
        if speaks:
            stored_rows.append((row, t, merged, entry))
    stored_rows.sort(key=operator.itemgetter(0))  # file order
    if stored_rows:
        _plan_agreements(session, plan, stored_rows, header, col)
    return plan


def _plan_agreements(session: Session, plan: RosterPlan, stored_rows, header: dict, col: dict) -> None:
    """The 服务协议 of the stored talents whose rows give their 合同 fields."""
    default_policy = settings.read_settings(session).default_policy_id
    actions = roster_agreement.decide(session, [(t.id, roster_agreement.terms_of(merged),
                                                 t.policy_id or default_policy)
                                                for _, t, merged, _ in stored_rows])
    for row, t, merged, entry in stored_rows:
        act = actions.get(t.id)
        if act is None or not (act.writes or act.conflict):
            if entry is None:
                plan.unchanged.append(row)
            continue
        if act.conflict is not None:
            plan.warnings.append(CellIssue(row, col.get("contract_years"),
                                           header.get("contract_years", "合同期限（年）").replace("\n", ""),
                                           "contract_years", merged.get("contract_years"), act.warning(), "warning"))
            if entry is None:
                plan.unchanged.append(row)
            continue
        plan.agreements.append((row, act))
        change = [act.before_text(), act.after_text()]
        if entry is None:
            plan.agreement_only.append(row)
            plan.changes.append({"row": row, "id_number": t.id_number, "name": t.name,
                                 "fields": {roster_agreement.LABEL: change}})
        else:
            entry["fields"][roster_agreement.LABEL] = change
    plan.unchanged.sort()
    plan.changes.sort(key=lambda c: c["row"])


def _merge_plan_warnings(v, plan: RosterPlan) -> None:
    """The plan's warnings on the validation, once (the plan is made again when writing)."""
    have = {(w.row, w.message) for w in v.warnings}
    v.warnings.extend(w for w in plan.warnings if (w.row, w.message) not in have)


def plan_for_validation(ctx: ServiceContext, v) -> None:
    """Attach the plan (and the errors found against the database) to a validation."""
    if v.kind.name == "roster":
        with ctx.read() as session:
            plan = plan_roster(session, v)
        _merge_plan_errors(v, plan)
        _merge_plan_warnings(v, plan)
        v.plan = plan
    else:
        plan = RosterPlan()
        with ctx.read() as session:
            _check_talents_exist(session, v, plan)
        _merge_plan_errors(v, plan)
        v.plan = None


def _check_talents_exist(session: Session, v, plan: RosterPlan) -> None:
    """Review results and payments are for registered talents: say so at the cell in the
    dry run already; a name that differs from the registered one is a warning."""
    keys = v.check.keys
    idx = keys.index("id_number")
    name_i = keys.index("name") if "name" in keys else None
    cols = v.layout.field_columns()
    wanted = list({vals[idx] for _, vals in v.check.valid})
    names: dict[str, str] = {}
    for i in range(0, len(wanted), 500):
        names.update(session.execute(select(Talent.id_number, Talent.name)
                                     .where(Talent.id_number.in_(wanted[i:i + 500]))).all())
    idc = cols.get("id_number")
    namec = cols.get("name")
    for row, vals in v.check.valid:
        number = vals[idx]
        if number not in names:
            plan.errors.append(CellIssue(row, idc.index if idc else None, idc.header.replace("\n", "") if idc
                                         else "身份证号", "id_number", number,
                                         f"身份证号：找不到身份证号为{number}的人才，请先登记"))
        elif name_i is not None and vals[name_i] and vals[name_i] != names[number]:
            v.warnings.append(CellIssue(row, namec.index if namec else None,
                                        namec.header.replace("\n", "") if namec else "姓名", "name", vals[name_i],
                                        f"姓名：表中为“{vals[name_i]}”，身份证号{number}登记的姓名为“{names[number]}”，"
                                        f"请核对", "warning"))


def _merge_plan_errors(v, plan: RosterPlan) -> None:
    if not plan.errors:
        return
    bad = {e.row for e in plan.errors}
    v.check.errors = sorted(v.check.errors + plan.errors,
                            key=lambda e: (e.row, e.col if e.col is not None else 10_000))
    v.check.error_rows |= bad
    v.check.valid = [x for x in v.check.valid if x[0] not in bad]
    plan.errors = []


# -- commit ------------------------------------------------------------------------------------

def _summary(v, plan: RosterPlan | None, *, dry_run: bool, committed: bool, inserted: int, updated: int,
             unchanged: int, batch_id: int | None = None, message: str = ""):
    from talentdesk.services.exchange.importer.results import ImportSummary

    rows = v.check.rows
    return ImportSummary(
        kind=v.kind.name, file_name=v.file.file_name, sha256=v.file.sha256, rows=rows, valid=v.valid,
        inserted=inserted, updated=updated, unchanged=unchanged,
        skipped=rows - (inserted + updated if committed or dry_run else 0),
        errors=list(v.errors), warnings=list(v.warnings), changes=plan.changes if plan else [],
        dry_run=dry_run, committed=committed, batch_id=batch_id, message=message,
        ignored_lines=[{"row": r, "why": _WHY.get(why, why)} for r, why in v.check.skipped_lines])


_WHY = {"total": "合计行", "note": "说明或签字行", "numbers": "列序号行"}


def commit(ctx: ServiceContext, v, *, all_or_nothing: bool, dry_run: bool, remember_mapping: bool,
           progress: Callable | None, cancelled: Callable[[], bool] | None):
    permissions.require(ctx, "import")
    if v.kind.name != "roster":
        return _commit_other(ctx, v, all_or_nothing=all_or_nothing, dry_run=dry_run, progress=progress)
    plan = v.plan
    if dry_run or (all_or_nothing and v.errors) or not v.check.valid:
        if dry_run:
            msg = "试导入：未写入数据库"
        elif all_or_nothing and v.errors:
            msg = "文件中有错误，按“全部成功才导入”的要求未写入任何数据"
        else:
            msg = "没有可导入的有效行"
        n_ins = len(plan.inserts) if plan else 0
        n_upd = plan.updated_rows if plan else 0
        return _summary(v, plan, dry_run=dry_run, committed=False, inserted=n_ins if dry_run else 0,
                        updated=n_upd if dry_run else 0, unchanged=len(plan.unchanged) if plan else 0, message=msg)
    from sqlalchemy.exc import IntegrityError

    from talentdesk.domain.errors import ConflictError

    _backup_first(ctx)
    try:
        return _write_roster(ctx, v, remember_mapping=remember_mapping, all_or_nothing=all_or_nothing,
                             progress=progress, cancelled=cancelled)
    except (IntegrityError, sqlite3.IntegrityError):  # the latter from a bulk statement run on the driver
        raise ConflictError("导入期间其他用户登记或修改了表中的人员或单位，本次导入未写入任何数据，请重新导入") from None
    except _AllOrNothing:
        return _summary(v, v.plan, dry_run=False, committed=False, inserted=0, updated=0, unchanged=0,
                        message="文件中有错误，按“全部成功才导入”的要求未写入任何数据")


def _write_roster(ctx, v, *, remember_mapping, all_or_nothing, progress, cancelled):
    from talentdesk.services.exchange.importer.results import ImportCancelled

    with ctx.write() as session:
        plan = plan_roster(session, v, lock=True)  # again, inside the transaction: the database may have moved on
        if plan.errors:
            _merge_plan_errors(v, plan)
            if all_or_nothing:
                raise _AllOrNothing()
        _merge_plan_warnings(v, plan)
        total = len(plan.inserts) + len(plan.updates)
        done = 0
        if progress:
            progress("write", 0, total)

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress("write", done, total)
            if cancelled is not None and cancelled():
                raise ImportCancelled()

        now = utcnow()
        emp_cache: dict[tuple, Employer] = {}

        def employer_of(key: tuple) -> Employer | None:
            if not key[0]:
                return None
            e = emp_cache.get(key)
            if e is None:
                e = employers.ensure_from_roster(session, ctx.actor, key)
                emp_cache[key] = e
            return e

        keys = v.check.keys
        initials = Initials()  # worked out chunk by chunk, while the database moves the previous chunk
        kind = roster_agreement.kind_for(settings.read_settings(session).default_policy_id)  # new talents' policy
        inserted = _insert_talents(session, ctx.actor, keys, plan, employer_of, initials, now, tick, kind)
        changes: list[audit.Change] = []
        updated = _update_talents(session, plan, lambda rec: employer_of(_emp_tuple(rec)), initials, now,
                                  changes, tick)
        audit.record_many(session, ctx.actor, changes)
        roster_agreement.apply(session, ctx.actor, [act for _, act in plan.agreements], now=now)
        updated += len(plan.agreement_only)
        batch = ImportBatch(kind=v.kind.batch_kind, file_name=v.file.file_name[:260], sha256=v.file.sha256,
                            rows=v.check.rows, inserted=inserted, updated=updated,
                            skipped=v.check.rows - inserted - updated, errors=len(v.check.error_rows),
                            user=ctx.actor, at=now)
        session.add(batch)
        session.flush()
        audit.record(session, ctx.actor, "import", "import_batch", batch.id,
                     after={"kind": batch.kind, "file_name": batch.file_name, "sha256": batch.sha256,
                            "rows": batch.rows, "inserted": inserted, "updated": updated, "errors": batch.errors})
        if remember_mapping:
            _remember(session, ctx, v)
        return _summary(v, plan, dry_run=False, committed=True, inserted=inserted, updated=updated,
                        unchanged=len(plan.unchanged), batch_id=batch.id,
                        message=f"已导入：新增{inserted}人，更新{updated}人")


class _AllOrNothing(Exception):
    pass


def _backup_first(ctx: ServiceContext) -> None:
    """A verified backup of a SQLite database before an import writes (a TalentDeskError,
    and no import, if it fails); a server database is the server's to back up."""
    from talentdesk.services.office import backup

    backup.before(ctx, "import")


def _insert_talents(session, actor, keys, plan: RosterPlan, employer_of, initials, now, tick, kind: str) -> int:
    """Insert new talents chunk by chunk; each chunk's audit events go in right after it
    (same transaction), so memory stays bounded by the chunk, not the file."""
    if not plan.inserts:
        return 0
    table = Talent.__table__
    cols = ("id",) + TALENT_KEYS + ("name_initials", "employer_id")
    constants = {"policy_id": None, "status": "active", "version": 1, "created_at": now, "updated_at": now}
    if scope.owner(session) is not None:  # new talents belong to the acting office (services.office.scope)
        constants["office_id"] = scope.owner(session)
    writer = BulkInserter(session, table, cols, constants=constants)
    if writer.sqlite and len(plan.inserts) > CHUNK:
        # a bigger page cache for this transaction: 100k random-key index inserts (ID number,
        # name, initials …) thrash SQLite's default 2 MB cache; restored when the import ends
        raw = writer.conn.connection.driver_connection
        old_cache = raw.execute("PRAGMA cache_size").fetchone()[0]
        raw.execute("PRAGMA cache_size = -131072")  # 128 MB
        try:
            return _insert_chunks(session, actor, keys, plan, employer_of, initials, now, tick, writer, cols, kind)
        finally:
            raw.execute(f"PRAGMA cache_size = {int(old_cache)}")
    return _insert_chunks(session, actor, keys, plan, employer_of, initials, now, tick, writer, cols, kind)


def _insert_chunks(session, actor, keys, plan, employer_of, initials, now, tick, writer, cols, kind) -> int:
    """Chunk by chunk, a column at a time (each distinct date, number and employer converted
    once): the talent rows, and the audit snapshot of each (``talents.snapshot()`` of the
    new row, dates and decimals as ``audit.dumps()`` writes them). Ids are taken first, so
    a chunk's audit event is encoded while the database moves the chunk into place. Once a
    chunk is in place, the 服务协议 its rows describe (合同起始日期 + 合同期限, ``kind``;
    ``roster_agreement``) go in by one statement; the chunk's event holds them too, under
    "agreements" (no event or link of their own: they cost a few per cent of the import)."""
    pos = {k: i for i, k in enumerate(keys)}
    kinds = [roster.BY_KEY[k].kind for k in TALENT_KEYS]
    iso = Memo(lambda d: d.isoformat())
    text = Memo(str)
    employer = Memo(employer_of)  # (name, uscc, kind, district) → Employer | None
    emp_id = Memo(lambda e: e.id)
    tail = Memo(employers.roster_values)
    tail[None] = employers.roster_values(None)
    # every employer first, in the order of the file: while a chunk is being moved into
    # place nothing else may use the connection
    emp_key = operator.itemgetter(*(pos[k] for k in EMPLOYER_KEYS))
    for key in dict.fromkeys(emp_key(vals) for _, vals in plan.inserts):
        employer[key]
    snap_keys = TALENT_KEYS + EMPLOYER_KEYS + ("status", "policy_id")
    if writer.sqlite:
        writer.ready(k for k, kind in zip(TALENT_KEYS, kinds) if kind in DATE_KINDS)
    done = 0
    pending = None  # (ids, encoded audit event, agreement rows) of the chunk being moved into place
    # the agreements: ids taken for all of them first (nothing may use the connection later, while a
    # chunk is moved into place); dates in the form SQLite stores them, as the talents' own
    c_start, c_years = pos["contract_start"], pos["contract_years"]
    described = [j for j, (_, vals) in enumerate(plan.inserts)
                 if vals[c_start] is not None and vals[c_years] is not None]
    ag_writer = roster_agreement.bulk_inserter(session, now)
    if writer.sqlite:
        ag_writer.ready(("signed_date", "start_date"))
    ag_ids = ag_writer.next_ids(len(described))
    ag_next = 0
    described_set = set(described)
    t_start, t_years, t_signed = (TALENT_KEYS.index(k) for k in ("contract_start", "contract_years",
                                                                  "agreement_signed_date"))
    ag_columns = roster_agreement.BATCH_COLUMNS

    def settle(ids, event, ag_rows) -> None:
        audit.record_created_talents(session, actor, ids, event)
        ag_writer.insert(ag_rows)

    try:
        for start in range(0, len(plan.inserts), CHUNK):
            part = plan.inserts[start:start + CHUNK]
            n = len(part)
            columns = list(zip(*(vals for _, vals in part)))
            ids = writer.next_ids(n)
            talent = [columns[pos[k]] for k in TALENT_KEYS]
            snap = [list(map(iso.__getitem__, c)) if kind in DATE_KINDS else
                    list(map(text.__getitem__, c)) if kind == "decimal" else c for c, kind in zip(talent, kinds)]
            emps = list(map(employer.__getitem__, zip(*(columns[pos[k]] for k in EMPLOYER_KEYS))))
            tails = list(zip(*map(tail.__getitem__, emps)))
            stored = [c if kind != "decimal" else talent[i] for i, (c, kind) in enumerate(zip(snap, kinds))] \
                if writer.sqlite else talent
            params = list(zip(ids, *stored, map(initials.__getitem__, columns[pos["name"]]),
                              map(emp_id.__getitem__, emps)))
            here = [j for j in range(n) if start + j in described_set]
            aids = ag_ids[ag_next:ag_next + len(here)]
            ag_next += len(here)
            src = stored if writer.sqlite else talent
            ag_rows = [(aid, ids[j], kind, src[t_signed][j], src[t_start][j], talent[t_years][j])
                       for aid, j in zip(aids, here)]
            ag_snap = [(ids[j], aid, kind, snap[t_signed][j], snap[t_start][j], snap[t_years][j], None, "active")
                       for aid, j in zip(aids, here)]
            event = audit.encode_created_talents(snap_keys, list(zip(ids, *snap, *tails, repeat("active", n),
                                                                     repeat(None, n))),
                                                 agreements=(ag_columns, ag_snap))
            writer.wait()  # the previous chunk is in place: its audit event goes in before this chunk
            if pending:
                settle(*pending)
            writer.insert(params, background=True)
            pending = (ids, event, ag_rows)
            done += n
            tick(n)
        writer.wait()
        if pending:
            settle(*pending)
    finally:
        try:
            writer.wait()  # never leave a statement running when the transaction ends (cancel, error)
        except Exception:
            pass
    return done


def _update_talents(session, plan: RosterPlan, employer_of, initials, now, changes, tick) -> int:
    if not plan.updates:
        return 0
    from talentdesk.domain.errors import ConflictError

    table = Talent.__table__
    groups: dict[tuple, list[dict]] = {}
    talent_keys = frozenset(TALENT_KEYS)
    employer_keys = frozenset(EMPLOYER_KEYS)
    for row, tid, version, ch, before in plan.updates:
        values = {k: v for k, v in ch.items() if k in talent_keys}
        # the audit's after: the snapshot with these values (and the employer's, if it
        # changes); only those fields can differ from before (audit.diff of the two)
        moved = dict(values)
        if "name" in ch:
            values["name_initials"] = initials[ch["name"]]
        if not employer_keys.isdisjoint(ch):
            rec = {k: ch.get(k) for k in EMPLOYER_KEYS}
            if not rec["employer_name"]:
                rec["employer_name"] = before.get("employer_name")
            e = employer_of(rec)
            if e is not None:
                values["employer_id"] = e.id
                moved.update(zip(EMPLOYER_KEYS, employers.roster_values(e)))
        values.update(_id=tid, _v=version, version=version + 1, updated_at=now)
        groups.setdefault(tuple(sorted(values)), []).append(values)
        b = {k: before.get(k) for k, v in moved.items() if before.get(k) != v}
        if b:
            changes.append(audit.Change("update", "talent", tid, tid, b, {k: moved[k] for k in b}))
    n = 0
    for keys, rows in groups.items():
        cols = [k for k in keys if not k.startswith("_")]
        stmt = (update(table).where(table.c.id == bindparam("_id"), table.c.version == bindparam("_v"))
                .values({k: bindparam(k) for k in cols}))
        for i in range(0, len(rows), CHUNK):
            part = rows[i:i + CHUNK]
            result = session.connection().execute(stmt, part)
            if result.rowcount not in (-1, len(part)):
                raise ConflictError("导入期间有人修改了部分人才的信息，请重新导入")
            n += len(part)
            tick(len(part))
    return n


def _remember(session: Session, ctx: ServiceContext, v) -> None:
    """Keep the clerk's own choices (given mappings) for this employer's next roster."""
    chosen = {c.header: c.field or "" for c in v.layout.columns if c.how == "given" and c.header}
    name = v.layout.employer_hint
    if not chosen or not name:
        return
    e = session.execute(select(Employer).where(Employer.name == name)).scalar_one_or_none()
    if e is None:
        return
    old = json.loads(e.import_mapping) if e.import_mapping else {}
    new = dict(old)
    new.update(chosen)
    if new == old:
        return
    before = e.import_mapping
    e.import_mapping = json.dumps(new, ensure_ascii=False, sort_keys=True)
    session.flush()
    audit.record(session, ctx.actor, "update", "employer", e.id, before={"import_mapping": before},
                 after={"import_mapping": e.import_mapping})


# -- reviews, payments and service-year facts ---------------------------------------------------

def _write_back(v, result) -> set[int]:
    """The service's refusals as cell errors of the validation (the report paints them)."""
    col = {k: c for k, c in v.layout.field_columns().items()}
    bad = set()
    for rr in result.rows:
        if rr.ok:
            continue
        bad.add(rr.row)
        for e in rr.errors or [{"field": None, "column": "", "value": None, "message": rr.message}]:
            c = col.get(e.get("field"))
            v.check.errors.append(CellIssue(rr.row, c.index if c else None, c.header if c else e.get("column", ""),
                                            e.get("field"), e.get("value"), e.get("message", rr.message)))
    v.check.error_rows |= bad
    v.check.errors.sort(key=lambda e: (e.row, e.col if e.col is not None else 10_000))
    return bad


def _commit_other(ctx: ServiceContext, v, *, all_or_nothing: bool, dry_run: bool, progress: Callable | None):
    """Hand the parsed rows to the service that owns the rules; the rows and the import
    batch record are written in one transaction (the service's ``finish`` hook).

    A dry run (试导入) runs exactly the same path on ``ctx.db.rehearsal()``: every check the
    real run makes is made, and the transaction is rolled back at its end (no backup)."""
    import dataclasses

    rows = [v.check.record(vals) for _, vals in v.check.valid]
    numbers = [r for r, _ in v.check.valid]
    if (all_or_nothing and v.errors) or not rows:
        msg = ("文件中有错误，按“全部成功才导入”的要求未写入任何数据" if v.errors and all_or_nothing
               else "没有可导入的有效行")
        if dry_run:
            msg = "试导入：未写入数据库。" + msg
        return _summary(v, None, dry_run=dry_run, committed=False, inserted=0, updated=0, unchanged=0, message=msg)
    run_ctx = dataclasses.replace(ctx, db=ctx.db.rehearsal()) if dry_run else ctx
    if not dry_run:
        _backup_first(ctx)
    if progress:
        progress("write", 0, len(rows))
    for r in rows:
        r.pop("name", None)
    batch_ids: list[int] = []

    def finish(session: Session, written: int) -> None:
        """The import batch, in the service's own transaction (never rows without their batch)."""
        if not written:
            return
        batch = ImportBatch(kind=v.kind.batch_kind, file_name=v.file.file_name[:260], sha256=v.file.sha256,
                            rows=v.check.rows, inserted=written, updated=0, skipped=v.check.rows - written,
                            errors=len(v.check.error_rows), user=ctx.actor, at=utcnow())
        session.add(batch)
        session.flush()
        audit.record(session, ctx.actor, "import", "import_batch", batch.id,
                     after={"kind": batch.kind, "file_name": batch.file_name, "sha256": batch.sha256,
                            "rows": batch.rows, "inserted": written, "errors": batch.errors})
        batch_ids.append(batch.id)

    if v.kind.record_many is not None:  # recognitions, cases, visits, housing (kinds_care.py)
        result = v.kind.record_many(run_ctx, rows, all_or_nothing=all_or_nothing, row_numbers=numbers,
                                    finish=finish)
        written = result.recorded
        unchanged = 0
    elif v.kind.name == "reviews":
        from talentdesk.services.benefits import reviews

        result = reviews.record_many(run_ctx, rows, all_or_nothing=all_or_nothing, row_numbers=numbers,
                                     finish=finish)
        written = result.recorded
        unchanged = 0
    elif v.kind.name == "facts":
        from talentdesk.services.benefits import grant_facts

        result = grant_facts.record_many(run_ctx, rows, all_or_nothing=all_or_nothing, row_numbers=numbers,
                                         finish=finish)
        written = result.recorded
        unchanged = 0
    else:
        from talentdesk.services.benefits import payments

        result = payments.confirm_many(run_ctx, rows, all_or_nothing=all_or_nothing, row_numbers=numbers,
                                       finish=finish)
        written = result.confirmed
        unchanged = result.unchanged
    bad = _write_back(v, result)
    if result.committed:  # what a review does to installments (cancel / restore), row by row
        from talentdesk.domain import money

        verb = "将" if dry_run else "已"
        for rr in result.rows:
            for c in getattr(rr, "applied", None) or []:
                what = "取消" if c.action == "cancel" else "恢复待发放"
                v.warnings.append(CellIssue(rr.row, None, "", None, None,
                                            f"第{rr.row}行：{c.benefit_name or c.benefit_code}第{c.seq}期"
                                            f"（{c.due_date}，{money.yuan(c.amount_fen)}元）{verb}{what}：{c.reason}",
                                            "warning"))
    if progress:
        progress("write", len(rows), len(rows))
    tail = f"，{unchanged}条已登记、未改动" if unchanged else ""
    if dry_run:
        msg = ("试导入：未写入数据库。" + (f"正式导入将登记{written}条{tail}" if result.committed else
                                    "文件中有错误，正式导入时按“全部成功才导入”的要求不会写入任何数据"))
        s = _summary(v, None, dry_run=True, committed=False, inserted=written if result.committed else 0,
                     updated=0, unchanged=unchanged, message=msg)
    else:
        msg = (f"已登记{written}条{tail}" if written else
               "文件中有错误，按“全部成功才导入”的要求未写入任何数据" if not result.committed else
               f"没有写入任何记录{tail}")
        s = _summary(v, None, dry_run=False, committed=bool(written), inserted=written, updated=0,
                     unchanged=unchanged, batch_id=batch_ids[0] if batch_ids else None, message=msg)
    s.valid = len(v.check.valid) - len(bad)
    return s
