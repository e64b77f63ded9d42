"""交换包: a banner's records carried to the league office without a connection (issue 19
item 5; 阿党人才字〔2023〕2号 第十三、十五、二十条: banners file their hires, plans and
recognitions with the league office; 条例 第六条: the league keeps the statistics).

A banner (旗县区人才办) exports ONE file, a zip with two members:

- ``manifest.json``: the format and its version, the package id, the office (code and
  name), when and by whom it was made, the range of changes it covers (``updated_at``
  watermarks ``since`` → ``until``, and the previous package's id), the number of records of
  each kind, and each member's sha256;
- ``records.jsonl``: one JSON object a line, parents before children:
  ``{"kind", "office", "key", "updated_at", "data"}``.

Records are named by natural keys, never by the sender's integer ids: an employer by its
统一社会信用代码 (or its name when it has none), a talent by 身份证号, an annual review by
(talent, year), an installment by (grant, 期次, n), a grant's year fact by (grant, year, key);
records without a natural key (grants, agreements, 一事一议 decisions, departures,
recoveries, recognitions, credit entries, service cases, visits) get a stable uuid on the
sender the first time they are exported (``ExchangeRecord`` side "out"). A reference to a
parent inside ``data`` is the parent's key.

The first package carries all the office's records, every later one only those changed
since the last export (``exchange_log``). The league imports a package in one transaction
into its own database, the banner staying the owner (``office_id`` of the banner's
``office`` row, created from the manifest when missing): new records are inserted, changed
ones updated when the package's version is newer than the one applied last; a record the
league changed itself since (its digest differs from the one applied last) is reported as a
conflict and kept as the league has it. Re-importing a package changes nothing (nothing at
all is written). A damaged or altered package (checksum, format, another office's records,
a missing previous package) is refused with a Chinese message before anything is written.
Deletions are not carried (the office's records are cancelled or revoked, not deleted).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import Date, DateTime, Numeric, select
from sqlalchemy.exc import IntegrityError

from talentdesk.domain.errors import TalentDeskError
from talentdesk.domain.values import YearMonth
from talentdesk.fileio import atomic_path
from talentdesk.models.base import DateOrMonth, utcnow
from talentdesk.models.duties.care import ServiceCase, Visit
from talentdesk.models.entities import (AnnualReview, BenefitGrant, CaseDecision, CreditEntry, Departure, Employer,
                                        GrantYearFact, Installment, InstallmentFunding, Recovery, ServiceAgreement,
                                        Talent)
from talentdesk.models.league.exchange import ExchangeLog, ExchangeRecord
from talentdesk.models.league.office import Office
from talentdesk.models.duties.recognition import Recognition
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit

FORMAT = "talentdesk-exchange"
VERSION = 1
MANIFEST = "manifest.json"
RECORDS = "records.jsonl"
SUFFIX = ".tdx.zip"

Progress = Callable[[str, int, int], None]


class PackageError(TalentDeskError):
    """The package cannot be read or is refused; nothing was written."""


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    label: str
    parents: tuple[tuple[str, str], ...] = ()  # (FK column, parent kind)
    owner: tuple[str, ...] = ()  # the FK column(s) whose parent being in scope puts the row in scope
    uid: bool = False  # keyed by a uuid given at first export
    skip: tuple[str, ...] = ()  # local columns not carried


KINDS: tuple[Kind, ...] = (
    Kind("employer", Employer, "用人单位", skip=("import_mapping",)),
    Kind("talent", Talent, "人才", (("employer_id", "employer"),)),
    Kind("agreement", ServiceAgreement, "服务协议", (("talent_id", "talent"),), ("talent_id",), uid=True),
    Kind("decision", CaseDecision, "一事一议决定", (("talent_id", "talent"),), ("talent_id",), uid=True),
    Kind("grant", BenefitGrant, "待遇核定", (("talent_id", "talent"), ("decision_id", "decision")), ("talent_id",),
         uid=True),
    Kind("grant_fact", GrantYearFact, "服务年度情况", (("grant_id", "grant"),), ("grant_id",)),
    Kind("installment", Installment, "分期（含资金来源）", (("grant_id", "grant"), ("reverses_id", "installment")),
         ("grant_id",)),
    Kind("review", AnnualReview, "年度考核", (("talent_id", "talent"),), ("talent_id",)),
    Kind("departure", Departure, "离职", (("talent_id", "talent"),), ("talent_id",), uid=True),
    Kind("recovery", Recovery, "追回款", (("departure_id", "departure"),), ("departure_id",), uid=True),
    Kind("recognition", Recognition, "人才分类认定", (("talent_id", "talent"),), ("talent_id",), uid=True),
    Kind("credit", CreditEntry, "失信名单", (("talent_id", "talent"), ("employer_id", "employer")),
         ("talent_id", "employer_id"), uid=True),
    Kind("service_case", ServiceCase, "服务事项", (("talent_id", "talent"),), ("talent_id",), uid=True),
    Kind("visit", Visit, "走访记录", (("talent_id", "talent"), ("case_id", "service_case")), ("talent_id",), uid=True),
)
BY_NAME = {k.name: k for k in KINDS}
ORDER = {k.name: i for i, k in enumerate(KINDS)}
_SKIP = {"id", "created_at", "updated_at", "version", "office_id"}
_CODE = re.compile(r"^[0-9A-Za-z]{1,12}$")


# ---------------------------------------------------------------- values

def canon(value: Any) -> str:
    """The canonical JSON of a key or a record's data (sorted keys, no spaces)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(data: dict) -> str:
    return hashlib.sha256(canon(data).encode("utf-8")).hexdigest()


def _enc(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, YearMonth)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value


def _dec(column, value: Any) -> Any:
    if value is None:
        return None
    t = column.type
    if isinstance(t, DateOrMonth):
        return t.process_result_value(value, None)
    if isinstance(t, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(t, Date):
        return dt.date.fromisoformat(value)
    if isinstance(t, Numeric):
        return Decimal(value)
    return value


def _columns(kind: Kind) -> list:
    return [c for c in kind.model.__table__.columns if c.key not in _SKIP and c.key not in kind.skip]


def _fk_columns(kind: Kind) -> dict[str, str]:
    return dict(kind.parents)


def _serialize(kind: Kind, row, keyof: Callable[[str, int], Any], funding: dict[int, list]) -> dict:
    fks = _fk_columns(kind)
    out: dict[str, Any] = {}
    for col in _columns(kind):
        value = getattr(row, col.key)
        if col.key in fks:
            out[col.key[:-3]] = None if value is None else keyof(fks[col.key], value)
        else:
            out[col.key] = _enc(value)
    if kind.name == "installment":
        out["funding"] = funding.get(row.id, [])
    return out


def _funding(session, ids: Iterable[int] | None = None) -> dict[int, list]:
    out: dict[int, list] = {}
    stmt = select(InstallmentFunding.installment_id, InstallmentFunding.level, InstallmentFunding.amount_fen)
    for iid, level, fen in session.execute(stmt):
        out.setdefault(iid, []).append([level, fen])
    for v in out.values():
        v.sort()
    return out


# ---------------------------------------------------------------- the sender's records

@dataclass
class _Collected:
    records: list[dict]  # envelopes, in KINDS order
    until: dt.datetime | None
    counts: dict[str, int]
    new_uids: list[ExchangeRecord]


def _own_rows(session) -> dict[str, dict[int, Any]]:
    """Every row of the database's own office (``office_id`` NULL) of each kind, and the
    employers its talents work at."""
    rows: dict[str, dict[int, Any]] = {}
    talents = {t.id: t for t in session.execute(select(Talent).where(Talent.office_id.is_(None))).scalars()}
    used = {t.employer_id for t in talents.values() if t.employer_id is not None}
    rows["employer"] = {e.id: e for e in session.execute(select(Employer)).scalars()
                        if e.office_id is None or e.id in used}
    rows["talent"] = talents
    for kind in KINDS[2:]:
        found = {}
        for r in session.execute(select(kind.model).order_by(kind.model.id)).scalars():
            parents = dict(kind.parents)
            for col in kind.owner:
                value = getattr(r, col)
                if value is not None and value in rows[parents[col]]:
                    found[r.id] = r
                    break
        rows[kind.name] = found
    return rows


def _sender_keys(session, code: str, rows: dict[str, dict[int, Any]], *, assign: bool
                 ) -> tuple[dict[str, dict[int, Any]], list[ExchangeRecord]]:
    # the uuid given to each row, with the row's created_at (``digest`` on this side): a row
    # id SQLite reuses after a deletion is another record and gets a new uuid
    have: dict[tuple[str, int], tuple[str, str | None]] = {}
    for kind, local, key, born in session.execute(
            select(ExchangeRecord.kind, ExchangeRecord.local_id, ExchangeRecord.key, ExchangeRecord.digest)
            .where(ExchangeRecord.side == "out", ExchangeRecord.office_code == code).order_by(ExchangeRecord.id)):
        have[(kind, local)] = (key, born)
    keys: dict[str, dict[int, Any]] = {k.name: {} for k in KINDS}
    new: list[ExchangeRecord] = []
    for e in rows["employer"].values():
        keys["employer"][e.id] = {"uscc": e.uscc} if e.uscc else {"name": e.name}
    for t in rows["talent"].values():
        keys["talent"][t.id] = {"id_number": t.id_number}
    for kind in KINDS[2:]:
        if not kind.uid:
            continue
        for rid, row in rows[kind.name].items():
            born = _enc(row.created_at)
            stored = have.get((kind.name, rid))
            if stored is None or (stored[1] is not None and stored[1] != born):
                if assign:
                    key = {"uid": str(uuid.uuid4())}
                    new.append(ExchangeRecord(side="out", office_code=code, kind=kind.name, key=canon(key),
                                              local_id=rid, digest=born))
                else:
                    key = {"local": rid}
            else:
                key = json.loads(stored[0])
            keys[kind.name][rid] = key
    for f in rows["grant_fact"].values():
        keys["grant_fact"][f.id] = {"grant": keys["grant"][f.grant_id], "year": f.year, "key": f.key}
    seen: dict[tuple[int, int], int] = {}
    for i in sorted(rows["installment"].values(), key=lambda r: r.id):
        n = seen[(i.grant_id, i.seq)] = seen.get((i.grant_id, i.seq), 0) + 1
        keys["installment"][i.id] = {"grant": keys["grant"][i.grant_id], "seq": i.seq, "n": n}
    for r in rows["review"].values():
        keys["review"][r.id] = {"talent": keys["talent"][r.talent_id]["id_number"], "year": r.year}
    return keys, new


def _collect(session, code: str, since: dt.datetime | None, *, assign: bool) -> _Collected:
    rows = _own_rows(session)
    keys, new = _sender_keys(session, code, rows, assign=assign)
    funding = _funding(session)

    def keyof(kind: str, rid: int):
        return keys[kind].get(rid, {"local": rid})

    records: list[dict] = []
    counts: dict[str, int] = {}
    until = since
    for kind in KINDS:
        for rid, r in sorted(rows[kind.name].items()):
            stamp = r.updated_at
            if stamp is not None and (until is None or stamp > until):
                until = stamp
            if since is not None and stamp is not None and stamp <= since:
                continue
            records.append({"kind": kind.name, "office": code, "key": keyof(kind.name, rid),
                            "updated_at": _enc(stamp), "data": _serialize(kind, r, keyof, funding)})
            counts[kind.name] = counts.get(kind.name, 0) + 1
    return _Collected(records, until, counts, new)


def dump(ctx: ServiceContext, office_code: str | None = None) -> dict[str, dict[str, dict]]:
    """The canonical records (kind → key → data): without ``office_code`` the database's own
    office as a full package would carry them; with it, the records received from that
    office. Both sides of an exchange compare equal for the records a package carried."""
    with ctx.read() as session:
        if office_code is None:
            code = _last_export_code(session) or ""
            coll = _collect(session, code, None, assign=False)
            out: dict[str, dict[str, dict]] = {}
            for env in coll.records:
                out.setdefault(env["kind"], {})[canon(env["key"])] = env["data"]
            return out
        state = _Received(session, office_code)
        funding = _funding(session)
        out = {}
        for kind in KINDS:
            ids = state.local_ids(kind.name)
            if not ids:
                continue
            for r in session.execute(select(kind.model).where(kind.model.id.in_(ids))).scalars():
                out.setdefault(kind.name, {})[canon(state.key_of(kind.name, r.id))] = \
                    _serialize(kind, r, state.key_of, funding)
        return out


# ---------------------------------------------------------------- export

@dataclass
class ExportResult:
    path: Path
    package_id: str
    office_code: str
    office_name: str
    since: dt.datetime | None
    until: dt.datetime | None
    counts: dict[str, int]
    checksum: str
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict:
        return {"path": str(self.path), "package_id": self.package_id, "office_code": self.office_code,
                "office_name": self.office_name, "since": _enc(self.since), "until": _enc(self.until),
                "counts": dict(self.counts), "records": self.records, "sha256": self.checksum,
                "seconds": round(self.seconds, 2)}


def _last_export(session) -> ExchangeLog | None:
    return session.execute(select(ExchangeLog).where(ExchangeLog.direction == "export")
                           .order_by(ExchangeLog.id.desc()).limit(1)).scalar()


def _last_export_code(session) -> str | None:
    last = _last_export(session)
    return last.office_code if last else None


def last_export(ctx: ServiceContext) -> dict | None:
    """The latest package this database exported (for the screen), or None."""
    with ctx.read() as session:
        last = _last_export(session)
        if last is None:
            return None
        return {"package_id": last.package_id, "office_code": last.office_code, "office_name": last.office_name,
                "until": last.until, "at": last.at, "records": last.records}


def _office_name(ctx: ServiceContext) -> str:
    from talentdesk.services.office import settings

    return settings.get_settings(ctx).office_name


def export(ctx: ServiceContext, path: str | os.PathLike, *, office_code: str | None = None,
           office_name: str | None = None, full: bool = False, progress: Progress | None = None) -> ExportResult:
    """Write the package of this database's own office: everything the first time (or with
    ``full``), afterwards the records changed since the last export. ``office_code`` (e.g.
    the GB/T 2260 code 152921) is needed the first time and then remembered; the name
    defaults to the office name in 系统设置. Logged (exchange_log) and audited."""
    permissions.require(ctx, "exchange.export")
    started = time.perf_counter()
    path = Path(path)
    name_default = _office_name(ctx)
    with ctx.write() as session:
        last = _last_export(session)
        code = (office_code or (last.office_code if last else "") or "").strip()
        if not code:
            raise PackageError("第一次导出交换包须填写本单位代码（如行政区划代码 152921），以后沿用")
        if not _CODE.match(code):
            raise PackageError(f"单位代码“{code}”无效：应为1至12位数字或字母（如行政区划代码 152921）")
        name = (office_name or (last.office_name if last and last.office_code == code else "") or name_default).strip()
        if not name or len(name) > 60:
            raise PackageError("单位名称必须填写，且不超过60个字")
        since = None if full or last is None or last.office_code != code else last.until
        previous = None if since is None else last.package_id
        if progress:
            progress("正在收集记录…", 0, 2)
        coll = _collect(session, code, since, assign=True)
        session.add_all(coll.new_uids)
        package_id = str(uuid.uuid4())
        body = "".join(canon(r) + "\n" for r in coll.records).encode("utf-8")
        created = utcnow().replace(microsecond=0)
        manifest = {
            "format": FORMAT, "version": VERSION, "package_id": package_id,
            "office": {"code": code, "name": name, "kind": "banner"},
            "created_at": created.isoformat(), "created_by": ctx.actor,
            "range": {"since": _enc(since), "until": _enc(coll.until), "previous_package": previous,
                      "full": since is None},
            "counts": coll.counts, "records": len(coll.records),
            "members": {RECORDS: {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}},
        }
        if progress:
            progress("正在写入交换包…", 1, 2)
        with atomic_path(path, what="交换包", hint="（文件是否正在其他程序中打开？）") as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
                zf.writestr(RECORDS, body)
            checksum = hashlib.sha256(tmp.read_bytes()).hexdigest()
            session.add(ExchangeLog(package_id=package_id, office_code=code, office_name=name, direction="export",
                                    since=since, until=coll.until, records=len(coll.records),
                                    counts=canon(coll.counts), checksum=checksum, file_name=path.name[:260],
                                    user=ctx.actor))
            audit.record(session, ctx.actor, "export", "exchange_package", package_id,
                         after={"office": code, "office_name": name, "file": path.name, "since": since,
                                "until": coll.until, "counts": coll.counts, "sha256": checksum})
            session.flush()
    if progress:
        progress("完成", 2, 2)
    return ExportResult(path, package_id, code, name, since, coll.until, coll.counts, checksum,
                        time.perf_counter() - started)


# ---------------------------------------------------------------- reading a package

@dataclass
class Package:
    path: Path
    manifest: dict
    records: list[dict]
    checksum: str  # sha256 of the whole file

    @property
    def package_id(self) -> str:
        return self.manifest["package_id"]

    @property
    def office_code(self) -> str:
        return self.manifest["office"]["code"]

    @property
    def office_name(self) -> str:
        return self.manifest["office"]["name"]

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.manifest.get("counts") or {})

    def as_dict(self) -> dict:
        m = self.manifest
        return {"path": str(self.path), "package_id": self.package_id, "office_code": self.office_code,
                "office_name": self.office_name, "created_at": m.get("created_at"), "created_by": m.get("created_by"),
                "range": m.get("range"), "counts": self.counts, "records": len(self.records),
                "sha256": self.checksum, "format": m.get("format"), "version": m.get("version")}


def kind_label(kind: str) -> str:
    return BY_NAME[kind].label if kind in BY_NAME else kind


def read(path: str | os.PathLike) -> Package:
    """Open and verify a package (format, version, each member's sha256, every record
    belonging to the manifest's office); PackageError (Chinese) when anything is wrong."""
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackageError(f"无法读取交换包 {name}：{exc.strerror or exc}") from None
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        members = set(zf.namelist())
    except zipfile.BadZipFile:
        raise PackageError(f"{name} 不是 TalentDesk 交换包（不是 zip 文件，或文件已损坏）") from None
    if members != {MANIFEST, RECORDS}:
        raise PackageError(f"{name} 不是 TalentDesk 交换包：应只包含 {MANIFEST} 和 {RECORDS}，"
                           f"实际包含：{'、'.join(sorted(members)) or '（空）'}")
    try:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
        body = zf.read(RECORDS)
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError):
        raise PackageError(f"交换包 {name} 已损坏：无法读取清单（{MANIFEST}）") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackageError(f"{name} 不是 TalentDesk 交换包（清单中的格式标识不符）")
    if manifest.get("version") != VERSION:
        raise PackageError(f"交换包格式版本“{manifest.get('version')}”不受支持（本程序读取版本 {VERSION}）；"
                           "请使用相同版本的 TalentDesk 导出")
    office = manifest.get("office")
    if (not isinstance(office, dict) or not isinstance(office.get("code"), str) or not _CODE.match(office["code"])
            or not isinstance(office.get("name"), str) or not office["name"].strip()
            or not isinstance(manifest.get("package_id"), str)):
        raise PackageError(f"交换包 {name} 的清单不完整：缺少单位代码、单位名称或交换包编号")
    member = (manifest.get("members") or {}).get(RECORDS) or {}
    actual = hashlib.sha256(body).hexdigest()
    if member.get("sha256") != actual:
        raise PackageError(f"交换包 {name} 已损坏或被修改：{RECORDS} 的 SHA-256 校验值与清单不符"
                           f"（清单 {str(member.get('sha256'))[:12]}…，实际 {actual[:12]}…），拒绝导入")
    records: list[dict] = []
    code = office["code"]
    try:
        lines = body.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise PackageError(f"交换包 {name} 已损坏：记录不是 UTF-8 文本") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            env = json.loads(line)
        except ValueError:
            raise PackageError(f"交换包 {name} 已损坏：第{n}行不是有效的记录") from None
        if (not isinstance(env, dict) or env.get("kind") not in BY_NAME or not isinstance(env.get("data"), dict)
                or not isinstance(env.get("key"), dict)):
            raise PackageError(f"交换包 {name} 第{n}行的记录种类或内容无法识别")
        if env.get("office") != code:
            raise PackageError(f"交换包 {name} 第{n}行的{kind_label(env['kind'])}属于单位“{env.get('office')}”，"
                               f"不属于清单所写的“{office['name']}”（{code}），拒绝导入")
        records.append(env)
    counted: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for env in records:
        counted[env["kind"]] = counted.get(env["kind"], 0) + 1
        ident = (env["kind"], canon(env["key"]))
        if ident in seen:
            raise PackageError(f"交换包 {name} 中同一{kind_label(env['kind'])}出现两次（{_describe(env)}），拒绝导入")
        seen.add(ident)
    if counted != (manifest.get("counts") or {}) or len(records) != manifest.get("records"):
        raise PackageError(f"交换包 {name} 的记录数与清单不符，拒绝导入")
    records.sort(key=lambda e: ORDER[e["kind"]])  # parents first (stable: the sender's order within a kind)
    return Package(path, manifest, records, hashlib.sha256(raw).hexdigest())


def show(path: str | os.PathLike) -> Package:
    """The verified package (manifest and counts) without importing it."""
    return read(path)


# ---------------------------------------------------------------- import

class _Received:
    """The receiver's map of one office's records (ExchangeRecord side "in")."""

    def __init__(self, session, code: str):
        self.session, self.code = session, code
        self.by_key: dict[tuple[str, str], ExchangeRecord] = {}
        self.by_local: dict[tuple[str, int], ExchangeRecord] = {}
        for rec in session.execute(select(ExchangeRecord).where(ExchangeRecord.side == "in",
                                                                ExchangeRecord.office_code == code)).scalars():
            self.by_key[(rec.kind, rec.key)] = rec
            self.by_local[(rec.kind, rec.local_id)] = rec
        self.pending: dict[tuple[str, str], Any] = {}  # inserted in this import, id after flush
        self.other: dict[tuple[str, str], int] = {}  # natural-key matches owned by another office

    def local_ids(self, kind: str) -> list[int]:
        return [local for (k, local) in self.by_local if k == kind]

    def key_of(self, kind: str, local_id: int) -> Any:
        rec = self.by_local.get((kind, local_id))
        return json.loads(rec.key) if rec is not None else {"local": local_id}

    def rekey(self, kind: str, local_id: int, key: str) -> ExchangeRecord:
        rec = self.by_local[(kind, local_id)]
        self.by_key.pop((kind, rec.key), None)
        rec.key = key
        self.by_key[(kind, key)] = rec
        return rec

    def add(self, kind: str, key: str, obj, data_digest: str, stamp: dt.datetime | None) -> ExchangeRecord:
        rec = ExchangeRecord(side="in", office_code=self.code, kind=kind, key=key, local_id=obj.id,
                             digest=data_digest, sender_updated_at=stamp)
        self.session.add(rec)
        self.by_key[(kind, key)] = rec
        self.by_local[(kind, obj.id)] = rec
        return rec


@dataclass
class ImportResult:
    package_id: str
    office_code: str
    office_name: str
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    stale: int = 0  # an older version than the one applied last: not applied
    conflicts: list[str] = field(default_factory=list)  # Chinese, one a record
    office_created: bool = False
    already_imported: bool = False
    dry_run: bool = False
    written: bool = False
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return sum(self.inserted.values()) + sum(self.updated.values())

    def summary(self) -> str:
        parts = [f"新增{sum(self.inserted.values())}条", f"更新{sum(self.updated.values())}条",
                 f"未变{self.unchanged}条"]
        if self.stale:
            parts.append(f"旧版本未覆盖{self.stale}条")
        if self.conflicts:
            parts.append(f"冲突{len(self.conflicts)}条（保留本库记录）")
        head = "试导入（未写入）：" if self.dry_run else ("已导入：" if self.written else "没有需要更新的记录：")
        return head + "，".join(parts)

    def as_dict(self) -> dict:
        return {"package_id": self.package_id, "office_code": self.office_code, "office_name": self.office_name,
                "inserted": dict(self.inserted), "updated": dict(self.updated), "unchanged": self.unchanged,
                "stale": self.stale, "conflicts": list(self.conflicts), "office_created": self.office_created,
                "already_imported": self.already_imported, "dry_run": self.dry_run, "written": self.written,
                "summary": self.summary(), "seconds": round(self.seconds, 2)}


class _NothingToWrite(Exception):
    pass


def _office(session, pkg: Package, result: ImportResult) -> Office:
    code, name = pkg.office_code, pkg.office_name.strip()
    office = session.execute(select(Office).where(Office.code == code)).scalar()
    if office is not None:
        if office.name != name:
            raise PackageError(f"交换包的单位“{name}”（{code}）与本库登记的“{office.name}”名称不符，拒绝导入；"
                               "如单位已更名，请先在本库中修改单位名称")
        if office.kind != "banner":
            raise PackageError(f"单位代码 {code} 在本库中是盟级单位，不能作为旗县区交换包导入")
        return office
    if session.execute(select(Office.id).where(Office.name == name)).first() is not None:
        raise PackageError(f"本库已有名为“{name}”的单位，但单位代码不是 {code}，拒绝导入")
    leagues = session.execute(select(Office.id).where(Office.kind == "league")).scalars().all()
    office = Office(code=code, name=name[:60], kind="banner", parent_id=leagues[0] if len(leagues) == 1 else None)
    session.add(office)
    session.flush()
    result.office_created = True
    return office


def _describe(env: dict) -> str:
    key = env["key"]
    data = env["data"]
    if env["kind"] == "employer":
        return data.get("name") or canon(key)
    if env["kind"] == "talent":
        return f"{data.get('name')}（{_masked(data.get('id_number'))}）"
    who = data.get("talent")
    if isinstance(who, dict) and "id_number" in who:
        return f"{_masked(who['id_number'])} 的记录"
    return canon(key)[:60]


def _masked(number: str | None) -> str:
    if not number:
        return ""
    return number[:6] + "*" * max(0, len(number) - 10) + number[-4:]


def _natural(session, kind: Kind, data: dict, parent_ids: dict[str, int | None]):
    """An existing local row with the same natural key (talents, employers, reviews, year
    facts: unique in the database), or None."""
    m = kind.model
    if kind.name == "employer":
        if data.get("uscc"):
            found = session.execute(select(m).where(m.uscc == data["uscc"])).scalar()
            if found is not None:
                return found
        return session.execute(select(m).where(m.name == data["name"])).scalar()
    if kind.name == "talent":
        return session.execute(select(m).where(m.id_number == data["id_number"])).scalar()
    if kind.name == "review":
        return session.execute(select(m).where(m.talent_id == parent_ids["talent_id"], m.year == data["year"])).scalar()
    if kind.name == "grant_fact":
        return session.execute(select(m).where(m.grant_id == parent_ids["grant_id"], m.year == data["year"],
                                               m.key == data["key"])).scalar()
    return None


def _apply(obj, kind: Kind, data: dict, parent_ids: dict[str, int | None]) -> None:
    fks = _fk_columns(kind)
    for col in _columns(kind):
        if col.key in fks:
            setattr(obj, col.key, parent_ids[col.key])
        elif col.key in data:
            setattr(obj, col.key, _dec(col, data[col.key]))
    if kind.name == "installment":
        want = sorted([lv, fen] for lv, fen in data.get("funding") or [])
        have = sorted([f.level, f.amount_fen] for f in obj.funding)
        if want != have:
            obj.funding = [InstallmentFunding(level=lv, amount_fen=fen) for lv, fen in want]


def _resolve(state: _Received, session, env: dict, pkind: str, ref: Any) -> int | None:
    if ref is None:
        return None
    key = canon(ref)
    rec = state.by_key.get((pkind, key))
    if rec is not None:
        return rec.local_id
    if (pkind, key) in state.other:
        return state.other[(pkind, key)]
    obj = state.pending.get((pkind, key))
    if obj is not None:
        if obj.id is None:
            session.flush()
        return obj.id
    raise PackageError(f"交换包中的{kind_label(env['kind'])}（{_describe(env)}）引用的{kind_label(pkind)}"
                       f"在本库中没有，也不在交换包中：请先导入此单位之前的交换包，或请其导出完整交换包")


def _import_records(session, pkg: Package, office: Office, result: ImportResult, progress: Progress | None) -> None:
    state = _Received(session, pkg.office_code)
    funding: dict[int, list] | None = None
    blocked: set[tuple[str, str]] = set()
    total = len(pkg.records)
    for n, env in enumerate(pkg.records):
        if progress and n % 500 == 0:
            progress("正在导入记录…", n, total)
        kind = BY_NAME[env["kind"]]
        data = env["data"]
        key = canon(env["key"])
        stamp = dt.datetime.fromisoformat(env["updated_at"]) if env.get("updated_at") else None
        parents = [(col, pk, data.get(col[:-3])) for col, pk in kind.parents]
        if any(ref is not None and (pk, canon(ref)) in blocked for _c, pk, ref in parents):
            blocked.add((kind.name, key))
            result.conflicts.append(f"{kind.label}（{_describe(env)}）：所属记录有冲突，未导入")
            continue
        parent_ids = {col: _resolve(state, session, env, pk, ref) for col, pk, ref in parents}
        incoming = digest(data)
        rec = state.by_key.get((kind.name, key))
        if rec is None:
            existing = _natural(session, kind, data, parent_ids)
            if existing is not None and (kind.name, existing.id) in state.by_local:
                rec = state.rekey(kind.name, existing.id, key)  # e.g. an employer that got its 信用代码
        if rec is None:
            if existing is not None:
                owner = getattr(existing, "office_id", office.id)
                if kind.name in ("employer", "talent") and owner != office.id:
                    state.other[(kind.name, key)] = existing.id
                    if kind.name == "talent":
                        blocked.add((kind.name, key))
                    result.conflicts.append(f"{kind.label}（{_describe(env)}）：本库已有此{kind.label}，"
                                            f"属于其他单位，未更新" + ("" if kind.name == "employer" else
                                                                "，其下记录未导入"))
                    continue
                if funding is None:
                    funding = _funding(session)
                current = digest(_serialize(kind, existing, state.key_of, funding))
                if current == incoming:
                    state.add(kind.name, key, existing, incoming, stamp)
                    result.unchanged += 1
                    continue
                blocked.add((kind.name, key))
                result.conflicts.append(f"{kind.label}（{_describe(env)}）：本库已有不同内容的同一记录，保留本库记录")
                continue
            obj = kind.model()
            _apply(obj, kind, data, parent_ids)
            if kind.name in ("employer", "talent"):
                obj.office_id = office.id
            session.add(obj)
            state.pending[(kind.name, key)] = obj
            result.inserted[kind.name] = result.inserted.get(kind.name, 0) + 1
            continue
        obj = session.get(kind.model, rec.local_id)
        if obj is None:
            result.conflicts.append(f"{kind.label}（{_describe(env)}）：本库中已删除，未恢复")
            blocked.add((kind.name, key))
            continue
        if funding is None:
            funding = _funding(session)
        current = digest(_serialize(kind, obj, state.key_of, funding))
        if current == incoming:
            result.unchanged += 1
            if rec.digest != incoming or (stamp and (rec.sender_updated_at is None or stamp > rec.sender_updated_at)):
                rec.digest, rec.sender_updated_at = incoming, max(filter(None, (stamp, rec.sender_updated_at)))
            continue
        if current != rec.digest:
            result.conflicts.append(f"{kind.label}（{_describe(env)}）：本库在上次导入后修改过此记录，"
                                    "保留本库记录，请与报送单位核对")
            continue
        if stamp is not None and rec.sender_updated_at is not None and stamp <= rec.sender_updated_at:
            result.stale += 1
            continue
        _apply(obj, kind, data, parent_ids)
        rec.digest, rec.sender_updated_at = incoming, stamp
        result.updated[kind.name] = result.updated.get(kind.name, 0) + 1
    session.flush()
    by_key = {(e["kind"], canon(e["key"])): e for e in pkg.records}
    for (kind_name, key), obj in state.pending.items():  # the map of the rows inserted, as the package has them
        env = by_key[(kind_name, key)]
        state.add(kind_name, key, obj, digest(env["data"]), _stamp(env.get("updated_at")))
    if progress:
        progress("正在导入记录…", total, total)


def import_package(ctx: ServiceContext, path: str | os.PathLike, *, dry_run: bool = False,
                   progress: Progress | None = None) -> ImportResult:
    """Import a banner's package into this database in one transaction (see module doc).
    ``dry_run``: everything is checked and counted, nothing is written. A package already
    imported whose records all match writes nothing at all."""
    permissions.require(ctx, "exchange.import")
    started = time.perf_counter()
    pkg = read(path)
    result = ImportResult(pkg.package_id, pkg.office_code, pkg.office_name, dry_run=dry_run)
    target = ServiceContext(ctx.db.rehearsal(), ctx.user, ctx.role, dict(ctx.extra)) if dry_run else ctx
    try:
        with target.write() as session:
            _check_not_own(session, pkg)
            _check_sequence(session, pkg)
            result.already_imported = session.execute(
                select(ExchangeLog.id).where(ExchangeLog.package_id == pkg.package_id,
                                             ExchangeLog.direction == "import")).first() is not None
            office = _office(session, pkg, result)
            _import_records(session, pkg, office, result, progress)
            if result.already_imported and not result.changed and not result.office_created:
                raise _NothingToWrite
            outcome = {"inserted": result.inserted, "updated": result.updated, "unchanged": result.unchanged,
                       "stale": result.stale, "conflicts": len(result.conflicts)}
            session.add(ExchangeLog(package_id=pkg.package_id, office_code=pkg.office_code,
                                    office_name=pkg.office_name, direction="import",
                                    since=_stamp((pkg.manifest.get("range") or {}).get("since")),
                                    until=_stamp((pkg.manifest.get("range") or {}).get("until")),
                                    records=len(pkg.records), counts=canon({"package": pkg.counts, **outcome}),
                                    checksum=pkg.checksum, file_name=pkg.path.name[:260], user=ctx.actor))
            audit.record(session, ctx.actor, "import", "exchange_package", pkg.package_id,
                         after={"office": pkg.office_code, "office_name": pkg.office_name, "file": pkg.path.name,
                                "sha256": pkg.checksum, **outcome, "conflict_list": result.conflicts[:50],
                                "office_created": result.office_created})
            session.flush()
    except _NothingToWrite:
        pass
    except IntegrityError as exc:
        raise PackageError("交换包与本库已有记录冲突（同一凭证号、身份证号或单位名称已被本库其他记录使用），"
                           f"未导入任何记录：{str(exc.orig).splitlines()[0][:200]}") from None
    else:
        result.written = not dry_run
    result.seconds = time.perf_counter() - started
    return result


def _stamp(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _check_not_own(session, pkg: Package) -> None:
    own = session.execute(select(ExchangeLog.id).where(ExchangeLog.direction == "export",
                                                       ExchangeLog.office_code == pkg.office_code)).first()
    if own is not None:
        raise PackageError(f"此交换包是本库（{pkg.office_name}，{pkg.office_code}）自己导出的，不能导入本库；"
                           "请在盟级人才办的数据库中导入")


def _check_sequence(session, pkg: Package) -> None:
    previous = (pkg.manifest.get("range") or {}).get("previous_package")
    if not previous:
        return
    found = session.execute(select(ExchangeLog.id).where(ExchangeLog.package_id == previous,
                                                         ExchangeLog.direction == "import")).first()
    if found is None:
        raise PackageError(f"此交换包只含“{pkg.office_name}”上次交换（交换包 {previous[:8]}…）之后的变动，"
                           "本库尚未导入上一个交换包：请先按顺序导入，或请其导出完整交换包")


def history(ctx: ServiceContext, limit: int = 50) -> list[dict]:
    """The exchange log, newest first (for the screen and ``package show --log``)."""
    with ctx.read() as session:
        rows = session.execute(select(ExchangeLog).order_by(ExchangeLog.id.desc()).limit(limit)).scalars().all()
        return [{"package_id": r.package_id, "office_code": r.office_code, "office_name": r.office_name,
                 "direction": r.direction, "since": r.since, "until": r.until, "records": r.records,
                 "counts": json.loads(r.counts) if r.counts else {}, "sha256": r.checksum, "file": r.file_name,
                 "at": r.at, "user": r.user} for r in rows]
