"""备案 lists for the league office (盟委人才办), for a chosen period.

阿党人才字〔2023〕2号 asks the banners to file with the league office:

- 第十三条: the introduced (刚性) hires, "公示无异议的拟聘人员报盟委人才办备案";
- 第十四条: flexible introductions, "签订引进协议，并向盟委人才办备案";
- 第十九条: changes of the introduced talents' work, "用人单位应及时将引进人才工作变动
  情况报盟委人才办备案" — departures and the money recovered;
- 第二十条: recognitions, "人才评价认定结果报盟委人才办审核确认后生效" — the recognitions
  proposed in the period and not yet confirmed (nor revoked), for the league to confirm.

Rigid and flexible are told apart by the 引进方式 as the engine does
(``roster.FLEXIBLE_MODES``, 第十一条). Each list is a ``FilingForm``: the same rows go to
a workbook (a ledger sheet) or a printed form. Reads only; an export or print appends
one audit event.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from sqlalchemy import func, select

from talentdesk.domain import roster
from talentdesk.domain.errors import FieldError, TalentDeskError, ValidationError
from talentdesk.fileio import atomic_path
from talentdesk.domain import recognition as schemes
from talentdesk.models.entities import Departure, Employer, Recovery, ServiceAgreement, Talent
from talentdesk.models.duties.recognition import Recognition
from talentdesk.outputs.model import FilingForm, Ledger, LedgerColumn, Total
from talentdesk.services.benefits import departures
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import reports
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit

_DOC = "阿党人才字〔2023〕2号"
# kind → (list name, the article asking for it)
KINDS: dict[str, tuple[str, str]] = {
    "hires": ("新引进刚性人才备案表", f"{_DOC} 第十三条：人才引进工作结束后，将公示无异议的拟聘人员报盟委人才办备案"
                                  "（刚性引进：人事关系通过聘用、调动等方式转入，第十一条）"),
    "flexible": ("柔性引进人才备案表", f"{_DOC} 第十四条：柔性引进人才的，经用人单位主管部门研究后签订引进协议，"
                                "并向盟委人才办备案（兼职、挂职、委托、合作等方式，第十一条）"),
    "departures": ("引进人才离职及追回备案表", f"{_DOC} 第十九条：用人单位应及时将引进人才工作变动情况报盟委人才办备案；"
                                       "坚持离开的，承担相应违约责任，并退回相关人才补贴"),
    "recognitions": ("待确认人才认定备案表", f"{_DOC} 第二十条：按顶尖人才（A类）、杰出人才（B类）、精英人才（C类）、"
                                     "高端人才（D类）、实用人才（E类）五个层次对人才进行分类评价认定，"
                                     "人才评价认定结果报盟委人才办审核确认后生效"),
}
FORMATS = ("xlsx", "pdf")


def _period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    errors = []
    if date_from is None:
        errors.append(FieldError("date_from", "开始日期", None, "备案期间：必须填写开始日期"))
    if date_to is None:
        errors.append(FieldError("date_to", "结束日期", None, "备案期间：必须填写结束日期"))
    if not errors and date_to < date_from:
        errors.append(FieldError("date_to", "结束日期", date_to, f"备案期间：结束日期{date_to}早于开始日期{date_from}"))
    if errors:
        raise ValidationError(errors)
    return date_from, date_to


def _intro_columns() -> list[LedgerColumn]:
    return [LedgerColumn("序号", "int", 5), LedgerColumn("姓名", "text", 8), LedgerColumn("性别", "text", 4),
            LedgerColumn("身份证号", "id", 20), LedgerColumn("学历", "text", 8), LedgerColumn("学位", "text", 6),
            LedgerColumn("毕业院校", "text", 18), LedgerColumn("专业", "text", 14), LedgerColumn("职称", "text", 10),
            LedgerColumn("用人单位", "text", 22), LedgerColumn("所属地区", "text", 10),
            LedgerColumn("引进方式", "text", 8), LedgerColumn("引进日期", "date", 14),
            LedgerColumn("协议", "text", 26)]


def _agreements(session, talent_ids: list[int]) -> dict[int, str]:
    """The latest service agreement of each talent, as the ledgers word it."""
    out: dict[int, str] = {}
    for k in range(0, len(talent_ids), 900):
        rows = session.execute(select(ServiceAgreement.talent_id, ServiceAgreement.kind, ServiceAgreement.start_date,
                                      ServiceAgreement.term_years)
                               .where(ServiceAgreement.talent_id.in_(talent_ids[k:k + 900]))
                               .order_by(ServiceAgreement.id))
        for tid, kind, start, years in rows:
            text = kind or "协议"
            if start is not None and years is not None:
                text += f"，自{start:%Y-%m-%d}起{years.normalize():f}年"
            out[tid] = text
    return out


def _introductions(ctx: ServiceContext, date_from: dt.date, date_to: dt.date, flexible: bool) -> list[tuple]:
    T, E = Talent, Employer
    modes = T.introduction_mode.in_(roster.FLEXIBLE_MODES)
    stmt = (select(T.id, T.name, T.sex, T.id_number, T.education, T.degree, T.university, T.major, T.title, E.name,
                   E.district, T.introduction_mode, T.introduction_date)
            .select_from(T).outerjoin(E, T.employer_id == E.id)
            .where(T.introduction_date.between(date_from, date_to))
            .where(modes if flexible else (~modes | T.introduction_mode.is_(None)))
            .order_by(T.introduction_date, T.id))
    with ctx.read() as session:
        found = session.execute(stmt).all()
        agreed = _agreements(session, [r[0] for r in found])
    return [(n, *r[1:], agreed.get(r[0], "（未登记服务协议）")) for n, r in enumerate(found, 1)]


def _state(undetermined: bool, due: int, recovered: int) -> str:
    if undetermined:
        return "应退回金额待定"
    if not due:
        return "无需退回"
    return "已追回" if recovered >= due else ("部分追回" if recovered else "未追回")


def _departures(ctx: ServiceContext, date_from: dt.date, date_to: dt.date) -> tuple[list[tuple], int]:
    D, T, E, R = Departure, Talent, Employer, Recovery
    got = select(R.departure_id.label("did"), func.sum(R.amount_fen).label("fen")).group_by(R.departure_id).subquery()
    stmt = (select(T.name, T.id_number, E.name, T.introduction_date, D.departed_on, D.reason, D.refund_due_fen,
                   got.c.fen, D.basis)
            .select_from(D).join(T, D.talent_id == T.id).outerjoin(E, T.employer_id == E.id)
            .outerjoin(got, got.c.did == D.id)
            .where(D.departed_on.between(date_from, date_to)).order_by(D.departed_on, D.id))
    rows, pending = [], 0
    with ctx.read() as session:
        for n, (name, number, employer, intro, gone, reason, due, fen, basis) in enumerate(session.execute(stmt), 1):
            # a 待定 refund is never a silent 0: 应退回 and 未追回 stay blank
            undetermined = departures.is_undetermined(basis) and not due
            pending += undetermined
            rec = fen or 0
            rows.append((n, name, number, employer, intro, gone, reason, None if undetermined else (due or 0), rec,
                         None if undetermined else (due or 0) - rec,
                         _state(undetermined, due or 0, rec)))
    return rows, pending


def _recognition_columns() -> list[LedgerColumn]:
    return [LedgerColumn("序号", "int", 4), LedgerColumn("姓名", "text", 8), LedgerColumn("性别", "text", 4),
            LedgerColumn("身份证号", "id", 22), LedgerColumn("用人单位", "text", 18),
            LedgerColumn("认定类型", "text", 12), LedgerColumn("类别或层次", "text", 12),
            LedgerColumn("认定机构", "text", 15), LedgerColumn("认定文号", "text", 16),
            LedgerColumn("认定日期", "date", 13), LedgerColumn("有效期至", "date", 13),
            LedgerColumn("登记人", "text", 8), LedgerColumn("登记日期", "date", 13)]


def _pending_recognitions(ctx: ServiceContext, date_from: dt.date, date_to: dt.date) -> list[tuple]:
    """Recognitions proposed in the period (by the day they were registered) that are
    neither confirmed nor revoked: they await the league office's confirmation (第二十条)."""
    R, T, E = Recognition, Talent, Employer
    start = dt.datetime.combine(date_from, dt.time.min)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min)
    stmt = (select(T.name, T.sex, T.id_number, E.name, R.scheme, R.tier, R.body, R.doc_no, R.recognised_on,
                   R.valid_until, R.proposed_by, R.proposed_at)
            .select_from(R).join(T, R.talent_id == T.id).outerjoin(E, T.employer_id == E.id)
            .where(R.proposed_at >= start, R.proposed_at < end, R.confirmed_on.is_(None), R.confirmed_by.is_(None),
                   R.revoked_on.is_(None))
            .order_by(R.proposed_at, R.id))
    with ctx.read() as session:
        found = session.execute(stmt).all()
    return [(n, name, sex, number, employer, scheme, schemes.tier_label(scheme, tier), body, doc, on, until, who,
             at.date() if at else None)
            for n, (name, sex, number, employer, scheme, tier, body, doc, on, until, who, at) in enumerate(found, 1)]


def filing(ctx: ServiceContext, kind: str, date_from: dt.date | None, date_to: dt.date | None) -> FilingForm:
    """The 备案 list of ``kind`` (``KINDS``) for the period, both days included."""
    permissions.require(ctx, "export")
    if kind not in KINDS:
        raise TalentDeskError(f"未知的备案种类“{kind}”，可选：" + "、".join(f"{k}（{v[0]}）" for k, v in KINDS.items()))
    date_from, date_to = _period(date_from, date_to)
    name, basis = KINDS[kind]
    notes: list[str] = []
    if kind in ("hires", "flexible"):
        columns = _intro_columns()
        rows = _introductions(ctx, date_from, date_to, flexible=kind == "flexible")
        notes.append("说明：按引进日期列入备案期间；柔性引进指引进方式为" + "、".join(roster.FLEXIBLE_MODES) + "。")
    elif kind == "recognitions":
        columns = _recognition_columns()
        rows = _pending_recognitions(ctx, date_from, date_to)
        notes.append("说明：按登记日期列入备案期间；列出尚未经审核确认、也未撤销的认定，确认前不作为享受待遇的依据"
                     "（第二十条：审核确认后生效）。")
    else:
        columns = [LedgerColumn("序号", "int", 4), LedgerColumn("姓名", "text", 9), LedgerColumn("身份证号", "id", 19),
                   LedgerColumn("用人单位", "text", 22), LedgerColumn("引进日期", "date", 14),
                   LedgerColumn("离职日期", "date", 14), LedgerColumn("离职原因", "text", 18),
                   LedgerColumn("应退回（元）", "money", 12), LedgerColumn("已追回（元）", "money", 12),
                   LedgerColumn("未追回（元）", "money", 12), LedgerColumn("追回情况", "text", 12)]
        rows, pending = _departures(ctx, date_from, date_to)
        notes.append("说明：金额单位为元；未追回 = 应退回 − 已追回。")
        if pending:
            notes.append(f"其中{pending}人应退回金额待定（待服务期协议或办公室决定），未计入合计。")
    return FilingForm(reports.office(ctx), kind, name, date_from, date_to, basis, columns, rows, notes)


def as_ledger(form: FilingForm) -> Ledger:
    """The same list as a workbook sheet (title, 填报单位, period and basis, the rows, 合计)."""
    money = [i for i, c in enumerate(form.columns) if c.kind == "money"]
    rows: list[tuple] = list(form.rows)
    if money and rows:
        total = [None] * len(form.columns)
        total[1] = f"合计（{len(rows)}条）"
        for i in money:
            total[i] = sum(r[i] or 0 for r in rows)
        rows.append(Total(total))
    return Ledger("filing", form.name, form.office, None, form.columns, rows, row_count=len(form.rows),
                  generated_on=form.generated_at.date(), subtitle=f"备案期间：{form.period}    依据：{form.basis}",
                  notes=form.notes)


def export(ctx: ServiceContext, kind: str, path: str | os.PathLike, *, date_from: dt.date | None,
           date_to: dt.date | None, fmt: str | None = None, mask: bool | None = None,
           preview: bool = False) -> reports.OutputResult:
    """Write the list as a workbook (``.xlsx``) or a printed form (``.pdf``); ``fmt``
    default: the file's suffix. ID numbers are masked unless ``mask`` is False (audited).
    ``preview``: a PDF for the screen, audited as 预览 (``reports.record_printed`` records
    the print)."""
    from talentdesk.outputs import pdf, xlsx

    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise TalentDeskError(f"备案表只能导出为 Excel 工作簿（.xlsx）或 PDF（.pdf），不能导出为“{fmt or path.name}”")
    started = time.perf_counter()
    form = filing(ctx, kind, date_from, date_to)
    mask = mask is not False
    pages = 0
    with atomic_path(path, hint="（文件是否正在其他程序中打开？）") as tmp:
        if fmt == "xlsx":
            xlsx.write_ledger(as_ledger(form), tmp, mask=mask)
        else:
            pages = pdf.write_forms([form], tmp, mask=mask)
    with ctx.write() as session:
        action = "export" if fmt == "xlsx" else "preview" if preview else "print"
        audit.record(session, ctx.actor, action, "filing", kind,
                     after={"filing": form.name, "file": path.name, "rows": len(form.rows), "from": form.date_from,
                            "to": form.date_to, "masked": mask, "full_numbers": not mask})
    return reports.OutputResult(path, kind, len(form.rows), pages, mask, time.perf_counter() - started)
