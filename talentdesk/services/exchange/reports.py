"""Ledgers and printed forms: read-only queries → document model → renderer → audit.

The API (``export_ledger``, ``print_forms`` and the data builders) is described in
``talentdesk/outputs/__init__.py``. Queries here read the tables directly and never
write, except the one audit event each successful export/print appends.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from talentdesk.domain import employer_attrs, roster, values
from talentdesk.domain.errors import FieldError, NotFoundError, TalentDeskError, ValidationError
from talentdesk.domain.status import FUNDING_LEVELS, INSTALLMENT_STATUS, REVIEW_RESULTS, TALENT_STATUS
from talentdesk.fileio import atomic_path
from talentdesk.models.money.departure_level import DepartureLevel, RecoveryLevel
from talentdesk.models.entities import (AnnualReview, BenefitGrant, Departure, Employer, Installment,
                                        InstallmentFunding, Recovery, ServiceAgreement, Talent)
from talentdesk.outputs.model import (ApprovalForm, BatchForm, BatchLine, Heading, Ledger, LedgerColumn, Office,
                                      ReceivedLine, RecoveryNotice, ReviewForm, ReviewSummary, ScheduleLine,
                                      Subtotal, SuspendedLine, Total, is_cancelled)
from talentdesk.services.benefits import departures
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext

LEDGER_KINDS = {"talents": "人才信息台账", "disbursement": "待遇发放台账", "recovery": "追回台账",
                "review": "年度考核台账"}
LEDGER_KINDS["recovery_case"] = "追回案件台账"  # 在岗追回 (services.benefits.recoveries)
FORM_KINDS = {"approval": "人才待遇审批表", "batch": "补贴发放审批表", "review": "年度考核登记表",
              "recovery": "追回通知书"}
# Installments whose money went out (a refund due or refunded is still money paid). A
# reversal (冲销) is its own entry, status "reversed", with the negative amount: counting
# it nets the reversed payment out.
PAID_STATUSES = ("paid", "refund_due", "refunded", "reversed")
# What a monthly payment batch lists.
BATCH_STATUSES = ("scheduled", "proposed", "approved", "paid")
LEVEL_ORDER = tuple(FUNDING_LEVELS)
# ID numbers and phones are masked in every ledger and form unless the caller asks for the
# full numbers (``mask=False``: CLI ``--full``, the GUI's 完整号码 box), which the audit
# event records. For these forms the office may require full numbers (setting
# ``print_full_id``, 系统设置 → 审批表打印完整身份证号); then ``mask=None`` prints them.
FULL_ID_FORMS = ("approval", "batch")
_STREAM_BATCH = 2000


class Cancelled(TalentDeskError):
    def __init__(self) -> None:
        super().__init__("已取消")


@dataclass
class OutputResult:
    path: Path
    kind: str
    rows: int
    pages: int = 0
    masked: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"path": str(self.path), "kind": self.kind, "rows": self.rows, "pages": self.pages,
                "masked": self.masked, "seconds": round(self.seconds, 3)}


# ------------------------------------------------------------------ office and packs

def office(ctx: ServiceContext) -> Office:
    """Office name, document number prefix and signatories from the office settings."""
    default = Office()
    try:
        from talentdesk.services.office import settings as settings_service

        s = settings_service.get_settings(ctx)
    except (ImportError, AttributeError):  # pragma: no cover - settings service missing
        return default
    sig = {role: name for role, name in (("经办人", getattr(s, "signatory_clerk", "")),
                                         ("审核人", getattr(s, "signatory_reviewer", "")),
                                         ("负责人", getattr(s, "signatory_head", ""))) if name}
    name = getattr(s, "office_name", "") or default.name
    from talentdesk.services.exchange.demodata import mark as demo_mark

    if ctx.office_name and ctx.office_name not in name:  # a league's shared server: whose printout it is
        name = f"{name}（{ctx.office_name}）"
    if demo_mark.DEMO_MARK not in name and demo_mark.is_demo(ctx):  # every printout and ledger of a demo database says so
        name = f"{name}（{demo_mark.DEMO_MARK}）"
    return Office(name=name, doc_prefix=getattr(s, "doc_prefix", "") or default.doc_prefix, signatories=sig)


_PACKS: dict | None = None


def _packs() -> dict:
    global _PACKS
    if _PACKS is None:
        from talentdesk import paths
        from talentdesk.rules import load_packs

        try:
            _PACKS = load_packs([paths.user_policy_dir()], errors=[])
        except Exception:  # pragma: no cover - a broken install still prints
            _PACKS = {}
    return _PACKS


def _level_label(level: str, policy_ids: set[str] | None = None) -> str:
    packs = _packs()
    for pid in sorted(policy_ids or ()):
        pack = packs.get(pid)
        if pack and level in (pack.data.get("funding_levels") or {}):
            return pack.level_name(level)
    return FUNDING_LEVELS.get(level, level)


def _level_key(level: str) -> tuple:
    return (LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER), level)


def _benefit_name(code: str, name: str | None) -> str:
    if name:
        return name
    from talentdesk.rules import BENEFIT_NAMES

    return BENEFIT_NAMES.get(code, code)


def _cites(policy_id: str | None, codes: list[str], basis_text: str | None) -> tuple[str, str, list[str], list[str]]:
    """(pack title, pack document, basis lines, quotes) for a benefit (or the refund rule)."""
    pack = _packs().get(policy_id or "")
    title = pack.title if pack else ""
    doc = pack.document if pack else ""
    basis = [b.strip() for b in (basis_text or "").replace(";", "；").split("；") if b.strip()]
    quotes: list[str] = []
    cites: list[dict] = []
    if pack:
        for b in pack.benefits:
            if b.get("code") in codes and isinstance(b.get("cite"), dict):
                cites.append(b["cite"])
        if "refund" in codes:
            refund = (pack.data.get("service") or {}).get("refund") or {}
            if isinstance(refund.get("cite"), dict):
                cites.append(refund["cite"])
    if not basis:
        basis = [f"{doc} {c.get('art', '')}".strip() for c in cites]
    for c in cites:
        if c.get("quote"):
            quotes.append(f"{c.get('art', '')}：{c['quote']}" if c.get("art") else c["quote"])
    return title, doc, basis, quotes


# ------------------------------------------------------------------ formatting helpers

cn_date = values.cn_date  # 2026年12月3日: the one Chinese-date formatter


def _yes_no(v: bool | None) -> str:
    return "" if v is None else ("是" if v else "否")


def _dec(v: Decimal | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if v == v.to_integral_value() else str(v.normalize())


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _talent_by_id_number(session: Session, id_number: str) -> Talent:
    from talentdesk.domain import idcard

    number = idcard.normalize(str(id_number))
    t = session.execute(select(Talent).where(Talent.id_number == number)).scalar_one_or_none()
    if t is None:
        raise NotFoundError(f"找不到身份证号为{number}的人才")
    return t


def _talent_details(t: Talent, e: Employer | None) -> dict[str, str]:
    return {
        "姓名": t.name, "性别": t.sex or "", "身份证号": t.id_number,
        "出生日期": f"{t.birth_date.year}年{t.birth_date.month}月" if t.birth_date else "",
        "民族": t.ethnicity or "", "政治面貌": t.political_status or "", "籍贯": t.native_place or "",
        "学历": t.education or "", "学位": t.degree or "", "学习形式": t.study_mode or "",
        "毕业院校": t.university or "", "院校类别": t.university_tier or "", "专业": t.major or "",
        "毕业时间": f"{t.graduation_date.year}年{t.graduation_date.month}月" if t.graduation_date else "",
        "职称": t.title or "", "人才类别": (f"{t.talent_class}类" if t.talent_class and t.talent_class != "无"
                                        else (t.talent_class or "")),
        "引进方式": t.introduction_mode or "", "引进日期": cn_date(t.introduction_date),
        "用人单位": e.name if e else "", "单位性质": (e.kind if e else "") or "",
        "所属地区": (e.district if e else "") or "", "手机号码": t.phone or "",
        "状态": TALENT_STATUS.get(t.status, t.status),
    }


def _agreement_text(session: Session, t: Talent) -> tuple[str, ServiceAgreement | None]:
    a = session.execute(select(ServiceAgreement).where(ServiceAgreement.talent_id == t.id)
                        .order_by(ServiceAgreement.id.desc()).limit(1)).scalar_one_or_none()
    if a is not None:
        parts = [a.kind]
        if a.signed_date:
            parts.append(f"{cn_date(a.signed_date)}签订")
        if a.start_date and a.term_years is not None:
            parts.append(f"自{cn_date(a.start_date)}起{_dec(a.term_years)}年")
        if a.required_service_years:
            parts.append(f"约定服务期{a.required_service_years}年")
        return "，".join(parts), a
    parts = []
    if t.contract_start:
        parts.append(f"聘用合同自{cn_date(t.contract_start)}起" + (f"{_dec(t.contract_years)}年"
                                                                if t.contract_years is not None else ""))
    if t.agreement_signed_date:
        parts.append(f"协议签订日期{cn_date(t.agreement_signed_date)}")
    return "，".join(parts) or "（未登记服务协议）", None


def _stream(ctx: ServiceContext, stmt, convert: Callable[[Any], tuple], cancel=None) -> Iterator[tuple]:
    """Rows from a read-only query, fetched in batches (server-side cursor on PostgreSQL)."""
    with ctx.read() as session:
        result = session.execute(stmt.execution_options(yield_per=_STREAM_BATCH, stream_results=True))
        for part in result.partitions():
            if is_cancelled(cancel):
                raise Cancelled()
            for r in part:
                yield convert(r)


# ------------------------------------------------------------------ 人才信息台账

def talent_ledger(ctx: ServiceContext, *, employer: str | None = None, district: str | None = None,
                  year: int | None = None, status: str | None = None) -> Ledger:
    keys = [c.key for c in roster.COLUMNS]
    tcols = [getattr(Talent, k) for k in keys if k not in roster.EMPLOYER_KEYS]
    stmt = (select(*tcols, Employer.name, Employer.uscc, Employer.kind, Employer.district, Employer.industry,
                   Employer.civil_service_managed, Talent.status)
            .select_from(Talent).outerjoin(Employer, Talent.employer_id == Employer.id))
    cond = []
    if employer:
        cond.append(Employer.name == employer)
    if district:
        cond.append(Employer.district == district)
    if year:
        lo, hi = _year_range(year)
        cond.append(Talent.introduction_date.between(lo, hi))
    if status:
        code = {v: k for k, v in TALENT_STATUS.items()}.get(status, status)
        cond.append(Talent.status == code)
    if cond:
        stmt = stmt.where(and_(*cond))
    stmt = stmt.order_by(Employer.name, Talent.introduction_date, Talent.id)
    with ctx.read() as session:
        count = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()

    kind_of = {"idcard": "id", "phone": "phone", "date": "date"}
    columns = [LedgerColumn("序号", "int", 6)]
    columns += [LedgerColumn(c.label, kind_of.get(c.kind, "text"), c.width) for c in roster.COLUMNS]
    columns.append(LedgerColumn("状态", "text", 8))
    tkeys = [k for k in keys if k not in roster.EMPLOYER_KEYS]
    n_t = len(tkeys)
    order = []  # position of each roster column in the query row
    for k in keys:
        order.append(tkeys.index(k) if k in tkeys else n_t + roster.EMPLOYER_KEYS.index(k))
    bool_pos = {i for i, c in enumerate(roster.COLUMNS) if c.kind == "bool"}
    industry_pos = keys.index("employer_industry")  # stored as the 门类 letter
    month_pos = {i for i, c in enumerate(roster.COLUMNS) if c.kind == "month_or_date"}
    dec_pos = {i for i, c in enumerate(roster.COLUMNS) if c.kind == "decimal"}

    def rows() -> Iterator[tuple]:
        seq = 0
        for r in _stream(ctx, stmt, lambda r: r):
            seq += 1
            out: list[Any] = [seq]
            for i, pos in enumerate(order):
                v = r[pos]
                if i == industry_pos:
                    v = employer_attrs.INDUSTRIES.get(v)
                elif i in month_pos:
                    v = v.isoformat() if v is not None else None  # 2020-07 or 2020-07-15
                elif i in bool_pos:
                    v = _yes_no(v)
                elif i in dec_pos:
                    v = _dec(v)
                out.append(v)
            out.append(TALENT_STATUS.get(r[-1], r[-1]))
            yield tuple(out)
        width = len(columns)
        yield Total(("合计", f"{seq}人") + (None,) * (width - 2))

    filters = []
    if employer:
        filters.append(f"用人单位：{employer}")
    if district:
        filters.append(f"所属地区：{district}")
    if year:
        filters.append(f"引进年度：{year}")
    if status:
        filters.append(f"状态：{TALENT_STATUS.get(status, status)}")
    return Ledger("talents", LEDGER_KINDS["talents"], office(ctx), year, columns, rows(), row_count=count,
                  subtitle="；".join(filters))


# ------------------------------------------------------------------ 待遇发放台账

def disbursement_ledger(ctx: ServiceContext, year: int, *, include_cancelled: bool = False) -> Ledger:
    """Installments due in ``year``: subtotals by benefit inline, then by funding level, and the total.

    ``金额`` is the installment amount; ``已发放`` repeats it for installments whose
    money went out (paid, refund due, refunded), so the ledger shows 应发 and 实发.
    Cancelled installments are left out unless ``include_cancelled``.
    """
    if not year:
        raise TalentDeskError("待遇发放台账需要指定年度（--year）")
    lo, hi = _year_range(year)
    I, G, T, E, F = Installment, BenefitGrant, Talent, Employer, InstallmentFunding
    where = [I.due_date.between(lo, hi)]
    if not include_cancelled:
        where.append(I.status != "cancelled")
    with ctx.read() as session:
        levels = [lv for (lv,) in session.execute(
            select(F.level).join(I, F.installment_id == I.id).where(*where).distinct())]
        levels.sort(key=_level_key)
        policy_ids = {p for (p,) in session.execute(
            select(G.policy_id).join(I, I.grant_id == G.id).where(*where).distinct())}
        count = session.execute(select(func.count()).select_from(I).where(*where)).scalar_one()
    fund = (select(F.installment_id.label("iid"),
                   *[func.sum(case((F.level == lv, F.amount_fen), else_=0)).label(f"l{n}")
                     for n, lv in enumerate(levels)])
            .join(I, F.installment_id == I.id).where(*where).group_by(F.installment_id).subquery())
    # the beneficiary: a talent, an employer or a platform (受益对象, migration 0017)
    from talentdesk.services.benefits.payments import (BENEFICIARY_EMPLOYER, BENEFICIARY_ID, BENEFICIARY_NAME,
                                                       with_beneficiary)

    kind = case((G.employer_id.is_not(None), "用人单位"), (G.platform_id.is_not(None), "平台载体"), else_="人才")
    stmt = (with_beneficiary(
        select(G.benefit_code, G.benefit_name, BENEFICIARY_NAME, BENEFICIARY_ID, BENEFICIARY_EMPLOYER, I.seq,
               I.due_date, I.amount_fen, I.status, I.paid_date, I.voucher_no, I.status_reason,
               *[fund.c[f"l{n}"] for n in range(len(levels))], kind)
        .select_from(I).join(G, I.grant_id == G.id))
            .outerjoin(fund, fund.c.iid == I.id)
            .where(*where).order_by(G.benefit_code, I.due_date, BENEFICIARY_NAME, I.id))
    level_labels = [_level_label(lv, policy_ids) for lv in levels]
    columns = [LedgerColumn("序号", "int", 6), LedgerColumn("姓名", "text", 10), LedgerColumn("身份证号", "id", 21),
               LedgerColumn("用人单位", "text", 24), LedgerColumn("待遇项目", "text", 14),
               LedgerColumn("期次", "int", 6), LedgerColumn("应发日期", "date", 12),
               LedgerColumn("金额（元）", "money", 14)]
    columns += [LedgerColumn(f"{lab}（元）", "money", 14) for lab in level_labels]
    columns += [LedgerColumn("已发放（元）", "money", 14), LedgerColumn("状态", "text", 10),
                LedgerColumn("发放日期", "date", 12), LedgerColumn("凭证号", "text", 14),
                LedgerColumn("备注", "text", 20), LedgerColumn("受益对象", "text", 10)]
    width = len(columns)
    nlev = len(levels)
    status_names = INSTALLMENT_STATUS

    def summary_row(cls, label: str, amount: int, lev: list[int], paid: int, seq_col: Any = None) -> tuple:
        return cls((seq_col, label, None, None, None, None, None, amount, *lev, paid, None, None, None, None, None))

    def rows() -> Iterator[tuple]:
        seq = 0
        group = None
        g_name = ""
        g_amount = g_paid = 0
        g_lev = [0] * nlev
        t_amount = t_paid = 0
        t_lev = [0] * nlev
        by_benefit: list[tuple[str, int, int]] = []
        for r in _stream(ctx, stmt, lambda r: r):
            code = r[0]
            if code != group:
                if group is not None:
                    yield summary_row(Subtotal, f"{g_name}小计", g_amount, g_lev, g_paid)
                    by_benefit.append((g_name, g_amount, g_paid))
                group = code
                g_name = _benefit_name(code, r[1])
                g_amount = g_paid = 0
                g_lev = [0] * nlev
            seq += 1
            amount = r[7]
            paid = amount if r[8] in PAID_STATUSES else 0
            lev = [x or 0 for x in r[12:12 + nlev]]
            g_amount += amount
            g_paid += paid
            for i, x in enumerate(lev):
                g_lev[i] += x
                t_lev[i] += x
            yield (seq, r[2], r[3] or None, r[4], g_name, r[5], r[6], amount, *[x or None for x in lev],
                   paid or None, status_names.get(r[8], r[8]), r[9], r[10], r[11], r[12 + nlev])
        if group is not None:
            yield summary_row(Subtotal, f"{g_name}小计", g_amount, g_lev, g_paid)
            by_benefit.append((g_name, g_amount, g_paid))
        for name, a, p in by_benefit:
            t_amount += a
            t_paid += p
        yield Heading(("按资金层级汇总",) + (None,) * (width - 1))
        for i, lab in enumerate(level_labels):
            lev = [None] * nlev
            lev[i] = t_lev[i]
            yield summary_row(Subtotal, f"{lab}小计", t_lev[i], lev, None)
        yield summary_row(Total, "合计", t_amount, t_lev, t_paid)

    ledger = Ledger("disbursement", LEDGER_KINDS["disbursement"], office(ctx), year, columns,
                    rows(), row_count=count)
    unassigned = "" if levels else "（本年度发放记录未登记资金层级）"
    ledger.notes = [f"说明：金额单位为元；“已发放”为已实际拨付的金额（含已申请退回的）；受益对象为用人单位或平台载体的，"
                    f"“姓名”栏为单位或平台名称，“身份证号”栏为统一社会信用代码；"
                    f"{'不含已取消的发放计划' if not include_cancelled else '含已取消的发放计划'}。{unassigned}"]
    return ledger


# ------------------------------------------------------------------ 追回台账

def recovery_ledger(ctx: ServiceContext, *, year: int | None = None) -> Ledger:
    D, R, I, G, T, E = Departure, Recovery, Installment, BenefitGrant, Talent, Employer
    rec = (select(R.departure_id.label("did"), func.sum(R.amount_fen).label("recovered"),
                  func.max(R.recovered_on).label("last_on"), func.count(R.id).label("n"))
           .group_by(R.departure_id).subquery())
    paid = (select(G.talent_id.label("tid"), func.sum(I.amount_fen).label("paid"))
            .join(I, I.grant_id == G.id).where(I.status.in_(PAID_STATUSES)).group_by(G.talent_id).subquery())
    stmt = (select(T.name, T.id_number, E.name, D.departed_on, D.reason, paid.c.paid, D.refund_due_fen,
                   rec.c.recovered, rec.c.last_on, D.basis, D.id)
            .select_from(D).join(T, D.talent_id == T.id).outerjoin(E, T.employer_id == E.id)
            .outerjoin(rec, rec.c.did == D.id).outerjoin(paid, paid.c.tid == T.id))
    if year:
        stmt = stmt.where(D.departed_on.between(*_year_range(year)))
    stmt = stmt.order_by(D.departed_on, D.id)
    with ctx.read() as session:
        count = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
        vouchers: dict[int, str] = {}
        for did, v in session.execute(select(R.departure_id, R.voucher_no).where(R.voucher_no.is_not(None))
                                      .order_by(R.id)):
            vouchers[did] = f"{vouchers[did]}、{v}" if did in vouchers else v
        # the refund and the recoveries per funding level (条例 第六十五条; departures.py splits them)
        due_by: dict[int, dict[str, int]] = {}
        for did, lv, fen in session.execute(select(DepartureLevel.departure_id, DepartureLevel.level,
                                                   DepartureLevel.amount_fen)):
            due_by.setdefault(did, {})[lv] = fen
        got_by: dict[int, dict[str, int]] = {}
        for did, lv, fen in session.execute(select(R.departure_id, RecoveryLevel.level, func.sum(RecoveryLevel.amount_fen))
                                            .join(R, RecoveryLevel.recovery_id == R.id)
                                            .group_by(R.departure_id, RecoveryLevel.level)):
            got_by.setdefault(did, {})[lv] = int(fen)
        levels = sorted({lv for d in (due_by, got_by) for v in d.values() for lv, fen in v.items() if fen},
                        key=_level_key)
        policy_ids = {p for (p,) in session.execute(select(T.policy_id).join(D, D.talent_id == T.id).distinct()) if p}
    columns = [LedgerColumn("序号", "int", 6), LedgerColumn("姓名", "text", 10), LedgerColumn("身份证号", "id", 21),
               LedgerColumn("用人单位", "text", 24), LedgerColumn("离职日期", "date", 12),
               LedgerColumn("离职原因", "text", 18), LedgerColumn("已领取补贴（元）", "money", 16),
               LedgerColumn("应退回（元）", "money", 14), LedgerColumn("已追回（元）", "money", 14),
               LedgerColumn("未追回（元）", "money", 14)]
    for lv in levels:
        name = _level_label(lv, policy_ids)
        columns += [LedgerColumn(f"{name}应退回（元）", "money", 14), LedgerColumn(f"{name}已追回（元）", "money", 14)]
    columns += [LedgerColumn("最近追回日期", "date", 12), LedgerColumn("凭证号", "text", 16),
                LedgerColumn("依据", "text", 28)]

    def rows() -> Iterator[tuple]:
        seq = n_pending = 0
        t_paid = t_due = t_rec = 0
        t_lev = [0] * (2 * len(levels))
        for r in _stream(ctx, stmt, lambda r: r):
            seq += 1
            p, due, got = r[5] or 0, r[6] or 0, r[7] or 0
            t_paid += p
            t_due += due
            t_rec += got
            # a 待定 refund is never a silent 0: 应退回 and 未追回 stay blank unless a part is
            # fixed, and 依据 starts with 【应退回金额待定】
            pending = departures.is_undetermined(r[9]) and not due
            n_pending += pending
            lev: list = []
            for lv in levels:
                lev += [due_by.get(r[10], {}).get(lv), got_by.get(r[10], {}).get(lv)]
            for i, v in enumerate(lev):
                t_lev[i] += v or 0
            yield (seq, r[0], r[1], r[2], r[3], r[4], p, None if pending else due, got,
                   None if pending else due - got, *lev, r[8], vouchers.get(r[10]), r[9])
        yield Total(("合计", f"{seq}人" + (f"（{n_pending}人待定，未计入）" if n_pending else ""), None, None, None,
                     None, t_paid, t_due, t_rec, t_due - t_rec, *t_lev, None, None, None))

    return Ledger("recovery", LEDGER_KINDS["recovery"], office(ctx), year, columns, rows(), row_count=count,
                  notes=["说明：金额单位为元；未追回 = 应退回 − 已追回；各级应退回按各级所付比例分摊（最大余数法，"
                         "《内蒙古自治区人才发展促进条例》第六十五条），各级已追回按各级尚未追回的比例分摊。"])


# ------------------------------------------------------------------ 年度考核台账

def review_ledger(ctx: ServiceContext, year: int) -> Ledger:
    if not year:
        raise TalentDeskError("年度考核台账需要指定年度（--year）")
    A, T, E = AnnualReview, Talent, Employer
    stmt = (select(T.name, T.id_number, E.name, T.education, T.talent_class, A.result, A.review_date, A.remarks)
            .select_from(A).join(T, A.talent_id == T.id).outerjoin(E, T.employer_id == E.id)
            .where(A.year == year).order_by(E.name, T.name, T.id))
    with ctx.read() as session:
        count = session.execute(select(func.count()).select_from(A).where(A.year == year)).scalar_one()
    columns = [LedgerColumn("序号", "int", 6), LedgerColumn("姓名", "text", 10), LedgerColumn("身份证号", "id", 21),
               LedgerColumn("用人单位", "text", 26), LedgerColumn("学历", "text", 12),
               LedgerColumn("人才类别", "text", 8), LedgerColumn("考核结果", "text", 10),
               LedgerColumn("考核日期", "date", 12), LedgerColumn("备注", "text", 28)]

    def rows() -> Iterator[tuple]:
        seq = 0
        counts = {r: 0 for r in REVIEW_RESULTS}
        for r in _stream(ctx, stmt, lambda r: r):
            seq += 1
            counts[r[5]] = counts.get(r[5], 0) + 1
            yield (seq, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
        yield Heading(("考核结果统计",) + (None,) * 8)
        for res, n in counts.items():
            yield Subtotal((None, res, f"{n}人", None, None, None, None, None, None))
        yield Total(("合计", f"{seq}人", None, None, None, None, None, None, None))

    return Ledger("review", LEDGER_KINDS["review"], office(ctx), year, columns, rows(), row_count=count)


# ------------------------------------------------------------------ forms

def _installment_funding(session: Session, ids: list[int], policy_ids: set[str]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {i: {} for i in ids}
    if not ids:
        return out
    rows = []
    for start in range(0, len(ids), 900):
        rows += session.execute(select(InstallmentFunding.installment_id, InstallmentFunding.level,
                                       InstallmentFunding.amount_fen)
                                .where(InstallmentFunding.installment_id.in_(ids[start:start + 900]))).all()
    rows.sort(key=lambda r: _level_key(r[1]))
    for iid, level, amount in rows:
        lab = _level_label(level, policy_ids)
        out[iid][lab] = out[iid].get(lab, 0) + amount
    return out


def _was_approved():
    """Grants a reviewer approved (still in force, or cancelled since: their number stays taken)."""
    return or_(BenefitGrant.status == "approved", BenefitGrant.approved_at.is_not(None))


def _approval_numbers(session: Session, grants: list[BenefitGrant]) -> dict[int, tuple[int, int]]:
    """grant id → (year, rank): the grant's place among the grants approved in the year of
    its approval date, ordered by approval date then id (the 审批表's 2025-0012). Computed
    from the stored approval dates, so it is the same on every printout; grants not
    approved yet have none."""
    G = BenefitGrant
    out: dict[int, tuple[int, int]] = {}
    dated = [g for g in grants if g.approval_date is not None]  # which were approved: _was_approved
    for year in sorted({g.approval_date.year for g in dated}):
        lo, hi = _year_range(year)
        mine = {g.id for g in dated if g.approval_date.year == year}
        ranked = session.execute(
            select(G.id).where(G.approval_date.between(lo, hi), _was_approved())
            .order_by(G.approval_date, G.id)).scalars()
        for rank, gid in enumerate(ranked, 1):
            if gid in mine:
                out[gid] = (year, rank)
    return out


def _org_details(session: Session, g: BenefitGrant) -> tuple[dict[str, str], str]:
    """The 审批表's grid for an organisation's grant (单位/平台奖补) and its 认定核实 line."""
    from talentdesk.models.duties.platform import Platform
    from talentdesk.services.register.platforms import STATUS

    p = session.get(Platform, g.platform_id) if g.platform_id else None
    e = session.get(Employer, g.employer_id if g.employer_id else (p.employer_id if p else None)) \
        if (g.employer_id or (p and p.employer_id)) else None
    out = {"受益对象": p.name if p else (e.name if e else ""), "对象类别": f"平台载体（{p.kind}）" if p else "用人单位",
           "统一社会信用代码": (e.uscc or "") if e else "", "单位性质": (e.kind or "") if e else "",
           "依托单位": e.name if (p and e) else "", "所属地区": (e.district or "") if e else "",
           "平台类型": (p.category or "") if p else "", "认定级别": (p.level or "") if p else "",
           "认定日期": cn_date(p.recognised_on) if p and p.recognised_on else "",
           "认定机构": (p.body or "") if p else "", "认定文号": (p.doc_no or "") if p else "",
           "状态": STATUS.get(p.status, p.status) if p else "", "身份证号": "", "手机号码": ""}
    from talentdesk.services.benefits.org_grants import fact_text

    try:
        data = json.loads(g.explanation or "{}") or {}
    except ValueError:
        data = {}
    facts = {k: v for k, v in (data.get("beneficiary_facts") or {}).items() if k == "employer_rigid_3y_talents"}
    facts |= data.get("facts") or {}
    checked = "；".join(fact_text(k, v) for k, v in facts.items())
    return out, checked or "（申请时未补充核实情况）"


def approval_forms(ctx: ServiceContext, *, talent: str | None = None, benefit: str | None = None,
                   employer: str | None = None, platform: Any = None) -> list[ApprovalForm]:
    """人才待遇审批表 for approved (or proposed, awaiting approval) grants; ``employer`` /
    ``platform``: an organisation's grants (单位（平台）奖补审批表)."""
    off = office(ctx)
    with ctx.read() as session:
        stmt = select(BenefitGrant).where(BenefitGrant.status.in_(("approved", "proposed")))
        t_one = None
        if talent:
            t_one = _talent_by_id_number(session, talent)
            stmt = stmt.where(BenefitGrant.talent_id == t_one.id)
        elif employer:
            from talentdesk.services.benefits import org_grants

            t_one = org_grants.load_employer(session, employer)
            stmt = stmt.where(BenefitGrant.employer_id == t_one.id)
        elif platform is not None and str(platform).strip():
            from talentdesk.services.register import platforms

            t_one = platforms.load(session, platform)
            stmt = stmt.where(BenefitGrant.platform_id == t_one.id)
        if benefit:
            stmt = stmt.where(BenefitGrant.benefit_code == benefit)
        grants = session.execute(stmt.order_by(BenefitGrant.talent_id, BenefitGrant.id)).scalars().all()
        if not grants:
            who = f"{t_one.name}的" if t_one is not None else ""
            what = f"“{benefit}”" if benefit else ""
            raise NotFoundError(f"没有找到{who}已批准或待审批的{what}待遇，无法打印审批表")
        numbers = _approval_numbers(session, grants)
        forms = []
        for g in grants:
            if g.talent_id is None:
                details, agreement = _org_details(session, g)
                t = None
            else:
                t = session.get(Talent, g.talent_id)
                e = session.get(Employer, t.employer_id) if t.employer_id else None
                details = _talent_details(t, e)
                agreement, _ = _agreement_text(session, t)
            inst = session.execute(select(Installment).where(Installment.grant_id == g.id,
                                                             Installment.reverses_id.is_(None))
                                   .order_by(Installment.seq)).scalars().all()
            fund = _installment_funding(session, [i.id for i in inst], {g.policy_id})
            schedule = [ScheduleLine(i.seq, i.due_date, i.amount_fen, fund[i.id],
                                     INSTALLMENT_STATUS.get(i.status, i.status), i.condition or "") for i in inst]
            title, doc, basis, quotes = _cites(g.policy_id, [g.benefit_code], g.basis)
            amount = g.total_fen if g.total_fen is not None else sum(s.amount_fen for s in schedule)
            number = numbers.get(g.id)
            doc_no = off.serial_no(*number, "审") if number else f"{off.doc_prefix}审（批准后编号）"
            forms.append(ApprovalForm(
                office=off, doc_no=doc_no, talent=details, agreement=agreement,
                benefit_name=_benefit_name(g.benefit_code, g.benefit_name), policy_title=title,
                policy_document=doc, amount_fen=amount, schedule=schedule, basis=basis, quotes=quotes,
                approval_date=g.approval_date, approval_doc_no=g.approval_doc_no,
                grant_status={"approved": "已批准", "proposed": "待审批"}.get(g.status, g.status),
                talent_id=t.id if t else None,
                beneficiary="talent" if t else ("employer" if g.employer_id else "platform")))
    return forms


def _parse_month(month: str) -> tuple[int, int]:
    try:
        y, m = str(month).replace("/", "-").split("-")[:2]
        y, m = int(y), int(m)
        dt.date(y, m, 1)
    except (ValueError, TypeError):
        raise TalentDeskError(f"月份“{month}”应写成 YYYY-MM，例如 2024-06") from None
    return y, m


def batch_form(ctx: ServiceContext, month: str) -> BatchForm:
    from talentdesk.services.benefits.payments import (BENEFICIARY_EMPLOYER, BENEFICIARY_ID, BENEFICIARY_NAME,
                                                       with_beneficiary)

    y, m = _parse_month(month)
    lo = dt.date(y, m, 1)
    hi = (dt.date(y + (m == 12), m % 12 + 1, 1)) - dt.timedelta(days=1)
    I, G, T, E = Installment, BenefitGrant, Talent, Employer
    with ctx.read() as session:
        rows = session.execute(
            with_beneficiary(select(I.id, BENEFICIARY_NAME, BENEFICIARY_ID, BENEFICIARY_EMPLOYER, G.benefit_code,
                                    G.benefit_name, I.seq, I.due_date, I.amount_fen, I.status, I.voucher_no,
                                    G.policy_id)
                             .select_from(I).join(G, I.grant_id == G.id))
            .where(I.due_date.between(lo, hi), I.status.in_(BATCH_STATUSES), I.reverses_id.is_(None))
            .order_by(G.benefit_code, I.due_date, BENEFICIARY_NAME, I.id)).all()
        if not rows:
            raise NotFoundError(f"{y}年{m}月没有应发放的补贴")
        policy_ids = {r[11] for r in rows}
        fund = _installment_funding(session, [r[0] for r in rows], policy_ids)
    levels: list[str] = []
    for f in fund.values():
        for lab in f:
            if lab not in levels:
                levels.append(lab)
    lines = [BatchLine(r[1], r[2], r[3] or "", _benefit_name(r[4], r[5]), r[6], r[7], r[8], fund[r[0]],
                       INSTALLMENT_STATUS.get(r[9], r[9]), r[10] or "") for r in rows]
    off = office(ctx)
    return BatchForm(off, off.doc_no(y, m, "发"), y, m, lines, levels)


def _review_rows(session: Session, year: int, talent_id: int | None):
    A, T, E = AnnualReview, Talent, Employer
    stmt = (select(T, E, A).select_from(T).outerjoin(E, T.employer_id == E.id)
            .outerjoin(A, and_(A.talent_id == T.id, A.year == year)))
    if talent_id is not None:
        stmt = stmt.where(T.id == talent_id)
    else:
        # the one definition of who must be reviewed that year (the 年度考核 page uses it too)
        from talentdesk.services.benefits import reviews

        stmt = stmt.where(T.id.in_(reviews.must_review(year)))
    return session.execute(stmt.order_by(E.name, T.name, T.id)).all()


def review_forms(ctx: ServiceContext, year: int, *, talent: str | None = None, summary_only: bool = False) -> list:
    """年度考核汇总报告 (unless one talent is asked for) and one 年度考核登记表 per talent;
    ``summary_only``: the 汇总报告 alone, without the per-person 登记表."""
    if not year:
        raise TalentDeskError("请指定考核年度（--year）")
    if summary_only and talent:
        raise TalentDeskError("只打印汇总报告时不能指定人才：汇总报告统计全年度的考核结果")
    off = office(ctx)
    forms: list = []
    with ctx.read() as session:
        tid = _talent_by_id_number(session, talent).id if talent else None
        rows = _review_rows(session, year, tid)
        if not rows:
            raise NotFoundError(f"{year}年度没有需要考核的人才")
        if summary_only:
            return [_review_summary(session, off, year, rows)]
        grants: dict[int, list[str]] = {}
        ids = [t.id for t, _, _ in rows]
        for start in range(0, len(ids), 900):
            for t_id, code, name, total in session.execute(
                    select(BenefitGrant.talent_id, BenefitGrant.benefit_code, BenefitGrant.benefit_name,
                           BenefitGrant.total_fen)
                    .where(BenefitGrant.talent_id.in_(ids[start:start + 900]), BenefitGrant.status == "approved")
                    .order_by(BenefitGrant.id)):
                from talentdesk.domain.money import yuan
                grants.setdefault(t_id, []).append(
                    _benefit_name(code, name) + (f"（核定{yuan(total)}元）" if total is not None else ""))
        if tid is None:
            forms.append(_review_summary(session, off, year, rows))
        for t, e, a in rows:
            forms.append(ReviewForm(off, year, _talent_details(t, e), a.result if a else None,
                                    a.review_date if a else None, (a.remarks or "") if a else "",
                                    grants.get(t.id, []), talent_id=t.id))
    return forms


def _review_summary(session: Session, off: Office, year: int, rows) -> ReviewSummary:
    from talentdesk.rules import payability
    from talentdesk.services.benefits import grants
    from talentdesk.services.office import settings

    default_policy = settings.read_settings(session).default_policy_id
    packs: dict[str, Any] = {}

    def passes(t: Talent, result: str) -> bool:
        """Whether the talent's own pack counts the result as passing (Alashankou: 优秀/合格 only)."""
        pid = t.policy_id or default_policy
        if pid not in packs:
            try:
                packs[pid] = grants.load_pack(pid)
            except TalentDeskError:
                packs[pid] = None
        return packs[pid] is not None and payability.review_passes(packs[pid], result)

    counts = {r: 0 for r in REVIEW_RESULTS}
    by_emp: dict[str, dict[str, int]] = {}
    not_passing = []
    failed_ids = []
    unreviewed = 0
    for t, e, a in rows:
        if a is None:
            unreviewed += 1
            continue
        counts[a.result] = counts.get(a.result, 0) + 1
        emp = e.name if e else "（未登记单位）"
        by_emp.setdefault(emp, {r: 0 for r in REVIEW_RESULTS})
        by_emp[emp][a.result] = by_emp[emp].get(a.result, 0) + 1
        if not passes(t, a.result):
            not_passing.append((t.name, e.name if e else "", a.result, a.remarks or ""))
            failed_ids.append(t.id)
    suspended = []
    if failed_ids:
        I, G, T, E = Installment, BenefitGrant, Talent, Employer
        for r in session.execute(
                select(T.name, E.name, G.benefit_code, G.benefit_name, I.due_date, I.amount_fen, I.status,
                       I.status_reason)
                .select_from(I).join(G, I.grant_id == G.id).join(T, G.talent_id == T.id)
                .outerjoin(E, T.employer_id == E.id)
                .where(T.id.in_(failed_ids), I.status.in_(("suspended", "cancelled")),
                       I.due_date > dt.date(year, 12, 31))
                .order_by(T.name, I.due_date)):
            suspended.append(SuspendedLine(r[0], r[1] or "", _benefit_name(r[2], r[3]), r[4], r[5],
                                           INSTALLMENT_STATUS.get(r[6], r[6]), r[7] or ""))
    return ReviewSummary(off, off.doc_no(year, 1, "考"), year, list(REVIEW_RESULTS), counts,
                         sorted(by_emp.items()), not_passing, suspended, unreviewed)


def recovery_notice(ctx: ServiceContext, talent: str) -> RecoveryNotice:
    off = office(ctx)
    with ctx.read() as session:
        t = _talent_by_id_number(session, talent)
        d = session.execute(select(Departure).where(Departure.talent_id == t.id)
                            .order_by(Departure.departed_on.desc(), Departure.id.desc()).limit(1)).scalar_one_or_none()
        if d is None:
            raise NotFoundError(f"{t.name}没有离职记录，无法打印追回通知书")
        if departures.is_undetermined(d.basis):
            raise ValidationError([FieldError("talent", "追回通知书", talent,
                                              f"{t.name}的应退回金额待定，不能出具追回通知书：{d.basis}。"
                                              "请先登记服务期协议或办公室的追回决定，再重新测算")])
        e = session.get(Employer, t.employer_id) if t.employer_id else None
        I, G = Installment, BenefitGrant
        received = [ReceivedLine(_benefit_name(code, name), seq, paid_on, amount, voucher or "")
                    for code, name, seq, paid_on, amount, voucher in session.execute(
                        select(G.benefit_code, G.benefit_name, I.seq, I.paid_date, I.amount_fen, I.voucher_no)
                        .join(G, I.grant_id == G.id)
                        .where(G.talent_id == t.id, I.status.in_(PAID_STATUSES))
                        .order_by(I.paid_date, I.id))]
        recovered = session.execute(select(func.coalesce(func.sum(Recovery.amount_fen), 0))
                                    .where(Recovery.departure_id == d.id)).scalar_one()
        _, a = _agreement_text(session, t)
        start = (a.start_date if a and a.start_date else None) or t.introduction_date
        years = (a.required_service_years if a else None)
        service = ""
        if years:
            service = f"{years}年" + (f"（自{cn_date(start)}起）" if start else "")
        _, _, basis, quotes = _cites(t.policy_id, ["refund"], d.basis)
        # the stored refund explanation carries the engine's ISO dates: the letter writes 2025年3月1日
        basis, quotes = [values.cn_dates_in(b) for b in basis], [values.cn_dates_in(q) for q in quotes]
        _, _, articles, _ = _cites(t.policy_id, ["refund"], None)  # the pack's refund articles
        pack_levels = [(lv.label, lv.amount_fen) for lv in departures.get_departure(ctx, d.id).levels
                       if lv.amount_fen]
        return RecoveryNotice(off, off.doc_no(d.departed_on.year, d.id, "追"), _talent_details(t, e),
                              d.departed_on, d.reason or "", service, received, d.refund_due_fen, int(recovered),
                              basis, quotes, talent_id=t.id, articles=articles, levels=pack_levels)


# ------------------------------------------------------------------ 在岗追回: 追回案件台账 and 追回通知书

def recovery_case_ledger(ctx: ServiceContext, *, year: int | None = None) -> Ledger:
    """Every recovery case (of ``year``'s 立案 date): basis, suggested (待定 stays 待定),
    decided, repaid, outstanding, and per funding level decided / repaid."""
    from talentdesk.services.benefits import recoveries

    cases = [c for c in recoveries.list_cases(ctx) if not year or c.opened_on.year == year]
    levels = [lv for lv in LEVEL_ORDER if any(c.level(lv) for c in cases)]
    policy_ids = {c.policy_id for c in cases if c.policy_id}
    columns = [LedgerColumn("序号", "int", 6), LedgerColumn("姓名", "text", 10), LedgerColumn("身份证号", "id", 21),
               LedgerColumn("用人单位", "text", 22), LedgerColumn("追回事由", "text", 10),
               LedgerColumn("立案日期", "date", 12), LedgerColumn("状态", "text", 8),
               LedgerColumn("所涉已领取（元）", "money", 16), LedgerColumn("建议追回（元）", "money", 14),
               LedgerColumn("核定追回（元）", "money", 14), LedgerColumn("已退回（元）", "money", 14),
               LedgerColumn("尚需退回（元）", "money", 14)]
    for lv in levels:
        name = _level_label(lv, policy_ids)
        columns += [LedgerColumn(f"{name}核定（元）", "money", 14), LedgerColumn(f"{name}已退回（元）", "money", 14)]
    columns += [LedgerColumn("决定文号", "text", 20), LedgerColumn("依据", "text", 30)]

    def rows() -> Iterator[tuple]:
        tot = [0] * (5 + 2 * len(levels))
        pending = 0
        for n, c in enumerate(cases, 1):
            lv_vals: list = []
            for lv in levels:
                v = c.level(lv)
                lv_vals += [v.amount_fen if v else None, v.repaid_fen if v else None]
            # 待定 is never a silent 0: the suggestion cell says 待定, 核定/尚需 stay blank until decided
            money_vals = [c.received_fen, c.suggested_fen, c.decided_fen, c.repaid_fen, c.outstanding_fen]
            pending += c.suggested_fen is None
            for i, v in enumerate(money_vals + lv_vals):
                tot[i] += v or 0
            yield (n, c.name, c.id_number, c.employer, c.basis_label, c.opened_on, c.state_label,
                   c.received_fen, c.suggested_fen if c.suggested_fen is not None else "待定", c.decided_fen,
                   c.repaid_fen, c.outstanding_fen, *lv_vals, c.decision_doc_no, "；".join(c.articles) or c.explanation)
        yield Total(("合计", f"{len(cases)}件" + (f"（{pending}件建议金额待定）" if pending else ""), None, None, None,
                     None, None, *tot, None, None))

    return Ledger("recovery_case", LEDGER_KINDS["recovery_case"], office(ctx), year, columns, rows(),
                  row_count=len(cases),
                  notes=["说明：金额单位为元；尚需退回 = 核定追回 − 已退回；各级核定金额按各级所付比例分摊（最大余数法），"
                         "合计等于核定金额；建议金额“待定”的由办公室核定后填列。"])


def case_notice(ctx: ServiceContext, case_id: int) -> RecoveryNotice:
    """追回通知书 for a decided in-post case (the departure notice's layout)."""
    from talentdesk.services.benefits import recoveries

    off = office(ctx)
    c = recoveries.get_case(ctx, case_id)
    if c.status != "decided":
        why = "尚未核定追回金额（建议金额" + c.suggested_text + "）" if c.status == "open" else "已撤销"
        raise ValidationError([FieldError("case", "追回通知书", case_id,
                                          f"{c.name}的追回案件{c.id}{why}，不能出具追回通知书")])
    with ctx.read() as session:
        t = session.get(Talent, c.talent_id)
        e = session.get(Employer, t.employer_id) if t.employer_id else None
        I, G = Installment, BenefitGrant
        received = [ReceivedLine(_benefit_name(code, name), seq, paid_on, amount, voucher or "")
                    for code, name, seq, paid_on, amount, voucher in session.execute(
                        select(G.benefit_code, G.benefit_name, I.seq, I.paid_date, I.amount_fen, I.voucher_no)
                        .join(G, I.grant_id == G.id)
                        .where(I.id.in_(c.installment_ids) | I.reverses_id.in_(c.installment_ids))
                        .order_by(I.paid_date, I.id))]
        details = _talent_details(t, e)
    what = {"fraud": "在申领人才补贴时弄虚作假，骗取人才政策扶持资金", "review": "考核不合格",
            "breach": "未按约定履行服务义务", "departure": "离开服务单位", "office": "经办公室研究"}[c.basis]
    in_post = f"{what}（事由：{c.facts}）" if c.basis != "office" else f"经办公室研究（事由：{c.facts}）"
    return RecoveryNotice(off, off.doc_no(c.opened_on.year, c.id, "追"), details,
                          c.decided_on or c.opened_on, "", "", received, c.decided_fen or 0, c.repaid_fen,
                          [values.cn_dates_in(c.explanation)], c.quotes, talent_id=c.talent_id, articles=c.articles,
                          in_post=in_post, decision_doc_no=c.decision_doc_no or "",
                          plan=[(p.due_date, p.amount_fen) for p in c.plan],
                          levels=[(lv.label, lv.amount_fen or 0) for lv in c.levels])


def print_case_notice(ctx: ServiceContext, case_id: int, path: str | os.PathLike, *, mask: bool | None = None,
                      preview: bool = False) -> OutputResult:
    """Write the 追回通知书 of an in-post case to ``path`` (PDF), audited as print/preview."""
    from talentdesk.outputs import pdf

    permissions.require(ctx, "export")
    mask = mask is not False
    started = time.perf_counter()
    path = Path(path)
    form = case_notice(ctx, case_id)
    with atomic_path(path, hint=_OPEN_ELSEWHERE) as tmp:
        pages = pdf.write_forms([form], tmp, mask=mask)
    _audit(ctx, "preview" if preview else "print", "form", "recovery_case",
           {"form": "追回通知书", "case": case_id, "file": path.name, "forms": 1, "pages": pages, "masked": mask,
            "full_numbers": not mask}, form.talent_id)
    return OutputResult(path, "recovery_case", 1, pages, mask, time.perf_counter() - started)


# ------------------------------------------------------------------ export / print entry points

_OPEN_ELSEWHERE = "（文件是否正在其他程序中打开？）"


def _audit(ctx: ServiceContext, action: str, entity: str, kind: str, after: dict, talent_id: int | None) -> None:
    with ctx.write() as session:
        audit.record(session, ctx.actor, action, entity, kind, talent_id=talent_id, after=after)


def record_full_view(ctx: ServiceContext, what: str) -> None:
    """Full ID numbers were shown on screen (a CLI list with ``--full``): an audit event
    (action ``view``, entity ``personal_data``), as exports and prints are."""
    _audit(ctx, "view", "personal_data", what[:40], {"what": what, "full_numbers": True}, None)


def export_ledger(ctx: ServiceContext, kind: str, path: str | os.PathLike, *, year: int | None = None,
                  employer: str | None = None, district: str | None = None, status: str | None = None,
                  mask: bool | None = None, progress=None, cancel=None) -> OutputResult:
    """``mask``: None or True mask ID and phone numbers; False writes them in full (audited)."""
    from talentdesk.outputs import xlsx

    permissions.require(ctx, "export")
    mask = mask is not False
    started = time.perf_counter()
    path = Path(path)
    if kind == "talents":
        ledger = talent_ledger(ctx, employer=employer, district=district, year=year, status=status)
    elif kind == "disbursement":
        ledger = disbursement_ledger(ctx, year)
    elif kind == "recovery":
        ledger = recovery_ledger(ctx, year=year)
    elif kind == "review":
        ledger = review_ledger(ctx, year)
    elif kind == "recovery_case":
        ledger = recovery_case_ledger(ctx, year=year)
    else:
        raise TalentDeskError(f"未知的台账种类“{kind}”，可选：{'、'.join(LEDGER_KINDS)}")
    try:
        with atomic_path(path, hint=_OPEN_ELSEWHERE) as tmp:
            rows = xlsx.write_ledger(ledger, tmp, mask=mask, progress=progress, cancel=cancel)
    except xlsx.CancelledWrite:
        raise Cancelled() from None
    _audit(ctx, "export", "ledger", kind,
           {"ledger": ledger.name, "file": path.name, "rows": rows, "masked": mask,
            "full_numbers": not mask, "year": year,
            "employer": employer, "district": district, "status": status}, None)
    return OutputResult(path, kind, rows, 0, mask, time.perf_counter() - started)


def build_forms(ctx: ServiceContext, kind: str, *, talent: str | None = None, benefit: str | None = None,
                month: str | None = None, year: int | None = None, summary_only: bool = False,
                employer: str | None = None, platform: Any = None) -> list:
    if kind == "approval":
        if not talent and not benefit and not employer and not platform:
            raise TalentDeskError("请指定人才（--talent）、单位（--employer）、平台（--platform）或待遇项目（--benefit）")
        return approval_forms(ctx, talent=talent, benefit=benefit, employer=employer, platform=platform)
    if kind == "batch":
        if not month:
            raise TalentDeskError("请指定发放月份（--month YYYY-MM）")
        return [batch_form(ctx, month)]
    if kind == "review":
        return review_forms(ctx, year, talent=talent, summary_only=summary_only)
    if kind == "recovery":
        if not talent:
            raise TalentDeskError("请指定人才（--talent）")
        return [recovery_notice(ctx, talent)]
    raise TalentDeskError(f"未知的表单种类“{kind}”，可选：{'、'.join(FORM_KINDS)}")


def _form_mask(ctx: ServiceContext, kind: str, mask: bool | None) -> bool:
    if mask is not None:
        return bool(mask)
    if kind not in FULL_ID_FORMS:
        return True
    from talentdesk.services.office import settings as settings_service

    return not settings_service.get_settings(ctx).print_full_id


def print_forms(ctx: ServiceContext, kind: str, path: str | os.PathLike, *, talent: str | None = None,
                benefit: str | None = None, month: str | None = None, year: int | None = None,
                mask: bool | None = None, progress=None, cancel=None, preview: bool = False,
                summary_only: bool = False, employer: str | None = None, platform: Any = None) -> OutputResult:
    """``mask``: True masks ID and phone numbers; False prints them in full; None (the
    default) masks, except the approval forms when the office's ``print_full_id`` is on.
    Full numbers are recorded in the audit event (``full_numbers``). ``preview``: a file
    for the screen, audited as 预览 (the print itself is recorded by ``record_printed``
    when the clerk prints it). ``summary_only`` (``review``): the 年度考核汇总报告 alone,
    without the per-person 登记表. ``progress(done, total)`` counts pages (see
    ``pdf.write_forms``)."""
    from talentdesk.outputs import pdf

    permissions.require(ctx, "export")
    mask = _form_mask(ctx, kind, mask)
    started = time.perf_counter()
    path = Path(path)
    forms = build_forms(ctx, kind, talent=talent, benefit=benefit, month=month, year=year,
                        summary_only=summary_only, employer=employer, platform=platform)
    try:
        with atomic_path(path, hint=_OPEN_ELSEWHERE) as tmp:
            pages = pdf.write_forms(forms, tmp, mask=mask, progress=progress, cancel=cancel)
    except pdf.CancelledWrite:
        raise Cancelled() from None
    talent_ids = sorted({f.talent_id for f in forms if getattr(f, "talent_id", None)})
    _audit(ctx, "preview" if preview else "print", "form", kind,
           {"form": FORM_KINDS[kind], "file": path.name, "forms": len(forms), "pages": pages, "masked": mask,
            "full_numbers": not mask,
            "talent": talent_ids[:50], "benefit": benefit, "month": month, "year": year}
           | ({"employer": employer} if employer else {}) | ({"platform": platform} if platform else {})
           | ({"summary_only": True} if summary_only else {}),
           talent_ids[0] if len(talent_ids) == 1 else None)
    return OutputResult(path, kind, len(forms), pages, mask, time.perf_counter() - started)


def save_preview(ctx: ServiceContext, result: OutputResult, out: str | os.PathLike) -> OutputResult:
    """Save a previewed PDF as ``out`` without building it again (1,952 pages of a review
    report take a while): the same file, copied in one rename, audited as 打印."""
    import shutil

    out = Path(out)
    with atomic_path(out, hint=_OPEN_ELSEWHERE) as tmp:
        shutil.copyfile(result.path, tmp)
    record_printed(ctx, result, saved_as=out)
    return OutputResult(out, result.kind, result.rows, result.pages, result.masked, 0.0)


def record_printed(ctx: ServiceContext, result: OutputResult, *, saved_as: str | os.PathLike | None = None) -> None:
    """A previewed PDF was printed (or saved as a file without being built again): audited
    as 打印 with what it held."""
    permissions.require(ctx, "export")
    _audit(ctx, "print", "form", result.kind,
           {"form": FORM_KINDS.get(result.kind, result.kind), "file": Path(saved_as or result.path).name,
            "pages": result.pages, "masked": result.masked, "from_preview": True}, None)
