"""The printed forms of the office's other registers (issue 17), one record each, on A4
through ``talentdesk.outputs`` (``RegisterForm``, drawn by ``pdf.register_blocks``):

- 人才认定备案表 (a recognition: scheme, class, body, 文号, confirmation, validity, revocation;
  阿党人才字〔2023〕2号 第二十条 “报盟委人才办审核确认后生效”, 第三十六条 注销);
- 人才服务事项办理单 (a service case: kind, request, department, time limit in working days
  and due date, handled by, outcome, closed on, working days taken; its article);
- 回访记录表 (a visit: date, visitors, form, issues, follow-up, the case opened from it;
  阿拉善盟办法 第三十七条, 阿拉山口市办法 第二十五条, 条例 第五十五条);
- 人才公寓入住/腾退确认单 (an occupancy: flat, area, from, to, the free-occupancy limit of
  阿拉善 第四十一条, the gift date of 阿拉山口 第十四条, as the rules engine stored them).

Public API::

    FORM_KINDS: {kind: name}     # recognition / case / visit / housing
    build(ctx, kind, record_id) -> RegisterForm
    print_form(ctx, kind, record_id, path, *, mask=None, preview=False) -> reports.OutputResult

ID numbers and phones are masked unless ``mask=False`` (recorded in the audit event, action
``print``/``preview``, entity ``form``, as the other printouts).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from talentdesk.domain.errors import TalentDeskError
from talentdesk.domain.values import cn_date
from talentdesk.fileio import atomic_path
from talentdesk.models.entities import Employer, Talent
from talentdesk.models.duties.housing import Flat
from talentdesk.outputs.model import FormRow, RegisterForm
from talentdesk.services.care import cases, housing, visits
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import recognitions

FORM_KINDS = {"recognition": "人才认定备案表", "case": "人才服务事项办理单", "visit": "回访记录表",
              "housing": "人才公寓入住/腾退确认单"}

RECOGNITION_QUOTES = {
    "阿拉善盟人才分类": ("阿党人才字〔2023〕2号第二十条：“按照顶尖人才（A类）、杰出人才（B类）、精英人才（C类）、"
                   "高端人才（D类）、实用人才（E类）五个层次对人才进行分类评价认定……人才评价认定结果报盟委人才办审核确认后生效。”"
                   "第三十六条：“考核不合格的，应及时报盟委人才办注销人才评价认定结果”。"),
    "包头市高层次人才认定": "《包头市高层次人才认定目录（2021年）》（包府发〔2021〕5号），包府发〔2022〕18号第十三条。",
    "阿拉善英才": "阿党人才字〔2023〕2号第二十条（认定结果报盟委人才办审核确认后生效）；项目期限内有效。",
}
VISIT_BASIS = ("阿党人才字〔2023〕2号第三十七条：“要对引进的高层次人才进行定期回访，及时听取人才工作建议，掌握人才合理诉求，"
               "切实帮助解决工作生活中的实际困难。”阿拉山口市办法第二十五条（市领导联系人才，协调解决实际困难）；"
               "《内蒙古自治区人才发展条例》第五十五条。")
HOUSING_QUOTES = {
    "alxa-2023": "阿党人才字〔2023〕2号第四十一条：“刚性引进人才在单位驻地无自有住房的，优先免费入住人才公寓，期限不超过三年。”"
                 "入住期间不享受租房补贴。",
    "alashankou-2014": "阿拉山口市办法第十四条：“在阿拉山口市提供120平米住房一套免费居住，在阿拉山口市连续工作5年以上的，"
                       "住房可直接赠予”（博士或正高级；硕士或副高级为100平米、5年；紧缺本科8年）。",
}


def _d(day: dt.date | None, empty: str = "") -> str:
    return cn_date(day) if day else empty


def _talent_rows(t: Talent, e: Employer | None) -> list[FormRow]:
    edu = "、".join(x for x in (t.education, t.degree) if x)
    return [
        FormRow([("姓名", t.name), ("性别", t.sex or ""),
                 ("出生年月", f"{t.birth_date.year}年{t.birth_date.month}月" if t.birth_date else "")]),
        FormRow([("身份证号", t.id_number), ("联系电话", t.phone or "")]),
        FormRow([("用人单位", e.name if e else ""), ("引进日期", _d(t.introduction_date))]),
        FormRow([("学历学位", edu), ("职称", t.title or "")]),
    ]


def _load_talent(session, talent_id: int) -> tuple[Talent, Employer | None]:
    t = session.get(Talent, talent_id)
    return t, (session.get(Employer, t.employer_id) if t.employer_id else None)


def _office(ctx: ServiceContext):
    from talentdesk.services.exchange import reports

    return reports.office(ctx)


def recognition_form(ctx: ServiceContext, recognition_id: int) -> RegisterForm:
    r = recognitions.get(ctx, recognition_id)
    off = _office(ctx)
    with ctx.read() as session:
        t, e = _load_talent(session, r.talent_id)
        rows = _talent_rows(t, e)
    confirmed = (f"{_d(r.confirmed_on)}由{r.confirmed_by or '—'}审核确认" if r.confirmed_on
                 else "待确认（确认前不作为享受待遇的依据，第二十条）")
    revoked = (f"{_d(r.revoked_on)}由{r.revoked_by or '—'}撤销：{r.revoke_reason or ''}" if r.revoked_on else "无")
    rows += [
        FormRow([("认定类型", r.scheme), ("类别或层次", r.tier_label)]),
        FormRow([("认定机构", r.body), ("认定文号", r.doc_no)]),
        FormRow([("认定日期", _d(r.recognised_on)), ("有效期至", _d(r.valid_until, "长期有效"))]),
        FormRow([("登记人", f"{r.proposed_by or '—'}（{_d(r.proposed_at.date()) if r.proposed_at else ''}）"),
                 ("当前状态", r.status_label)]),
        FormRow([("审核确认", confirmed)]),
        FormRow([("撤销情况", revoked)]),
        FormRow([("政策依据", RECOGNITION_QUOTES.get(r.scheme, ""))], min_h=40, small=True),
    ]
    sig = off.signatories
    return RegisterForm(off, "recognition", FORM_KINDS["recognition"], off.doc_no(r.recognised_on.year, r.id, "认"),
                        rows, [("用人单位\n意见", "", False), ("主管部门\n意见", "", False),
                               ("人才办\n审核确认\n意见", f"经办人：{sig['经办人']}" if sig.get("经办人") else "", False)],
                        ["注：认定结果经审核确认后生效；有效期届满或被撤销的，自届满或撤销之日起不再作为享受相关待遇的依据。"],
                        talent_id=r.talent_id)


def case_form(ctx: ServiceContext, case_id: int) -> RegisterForm:
    c = cases.get(ctx, case_id)
    off = _office(ctx)
    with ctx.read() as session:
        t, e = _load_talent(session, c.talent_id)
        rows = _talent_rows(t, e)
    due = f"{c.limit_text}（应于{_d(c.due_date)}前办结）" if c.due_date else "不限（本办未设时限）"
    if c.closed_on:
        taken = f"{c.days_taken}个工作日" + ("，超期办结" if c.late else "") if c.days_taken is not None else ""
        outcome = f"{c.outcome}（{_d(c.closed_on)}办结，用时{taken}）"
    else:
        outcome = c.status_label + (f"（已用{c.days_taken}个工作日）" if c.days_taken is not None else "")
    rows += [
        FormRow([("事项类别", c.kind), ("申请日期", _d(c.requested_on))]),
        FormRow([("事项内容", c.summary)], min_h=48),
        FormRow([("责任部门", c.department or ""), ("经办人", c.handled_by or "")]),
        FormRow([("办理时限", due)]),
        FormRow([("办理结果", outcome)]),
        FormRow([("结果说明", c.result or "")], min_h=48),
        FormRow([("办理依据", c.article or "")], small=True),
    ]
    notes = [f"注：办理时限按工作日计算，申请当日不计入，法定节假日不计入（调休上班日计入）。{cases.LIMIT_NOTE}。"]
    if c.visit_id:
        notes.append(f"本事项由第{c.visit_id}号回访记录转办。")
    return RegisterForm(off, "case", FORM_KINDS["case"], off.doc_no(c.requested_on.year, c.id, "服"), rows,
                        [("责任部门\n办理意见", "", False), ("人才办\n意见", "", False)], notes, talent_id=c.talent_id)


def visit_form(ctx: ServiceContext, visit_id: int) -> RegisterForm:
    v = visits.get(ctx, visit_id)
    off = _office(ctx)
    with ctx.read() as session:
        t, e = _load_talent(session, v.talent_id)
        rows = _talent_rows(t, e)
    case = f"已转办服务事项第{v.case_id}号（{v.case_kind}）" if v.case_id else "无"
    rows += [
        FormRow([("走访日期", _d(v.visited_on)), ("走访形式", v.form)]),
        FormRow([("走访人员", v.visitors)]),
        FormRow([("反映的问题\n和诉求", v.issues or "")], min_h=110),
        FormRow([("跟进措施", v.follow_up or "")], min_h=80),
        FormRow([("转办事项", case)]),
        FormRow([("依据", VISIT_BASIS)], min_h=40, small=True),
    ]
    return RegisterForm(off, "visit", FORM_KINDS["visit"], off.doc_no(v.visited_on.year, v.id, "访"), rows,
                        [("被走访人\n意见", "", True), ("走访人员", v.visitors, True)], [], talent_id=v.talent_id)


def housing_form(ctx: ServiceContext, occupancy_id: int) -> RegisterForm:
    o = housing.get_occupancy(ctx, occupancy_id)
    off = _office(ctx)
    with ctx.read() as session:
        t, e = _load_talent(session, o.talent_id)
        rows = _talent_rows(t, e)
        area = session.get(Flat, o.flat_id).area_m2
    limit = (f"免费入住{o.limit_years}年，至{_d(o.limit_until)}止" if o.limit_until else "政策未规定期限")
    gift = (f"连续工作满{o.gift_years}年，自{_d(o.gift_on)}起住房可直接赠予" if o.gift_on else "政策未规定赠予")
    if o.end_date:
        ended = f"{_d(o.end_date)}腾退（{o.ended_reason or ''}）"
    else:
        ended = "在住" + ("，已超过免费入住期限" if o.over_limit else "")
    rows += [
        FormRow([("房号", o.unit), ("面积", f"{area}平方米" if area else "")]),
        FormRow([("入住日期", _d(o.start_date)), ("腾退日期", _d(o.end_date, "（在住）"))]),
        FormRow([("免费期限", limit)]),
        FormRow([("住房赠予", gift)]),
        FormRow([("当前状态", ended)]),
        FormRow([("条款", o.basis or "")], small=True),
        FormRow([("政策原文", HOUSING_QUOTES.get(o.policy_id or "", ""))], min_h=40, small=True),
    ]
    year = (o.end_date or o.start_date).year
    return RegisterForm(off, "housing", FORM_KINDS["housing"], off.doc_no(year, o.id, "寓"), rows,
                        [("入住人\n确认", "入住（腾退）时房屋及设施情况已核对无误。", True),
                         ("产权单位或\n管理单位意见", "", False), ("人才办\n意见", "", False)], ["注：入住期间不重复享受租房补贴；超过免费入住期限继续居住的，按有关规定办理。"],
                        talent_id=o.talent_id)


_BUILDERS = {"recognition": recognition_form, "case": case_form, "visit": visit_form, "housing": housing_form}


def build(ctx: ServiceContext, kind: str, record_id: int) -> RegisterForm:
    if kind not in _BUILDERS:
        raise TalentDeskError(f"未知的表单种类“{kind}”，可选：{'、'.join(FORM_KINDS.values())}")
    return _BUILDERS[kind](ctx, record_id)


def print_form(ctx: ServiceContext, kind: str, record_id: int, path: str | os.PathLike, *, mask: bool | None = None,
               preview: bool = False):
    """Write one form to ``path`` (PDF), audited as print (or preview)."""
    from talentdesk.outputs import pdf
    from talentdesk.services.exchange import reports

    permissions.require(ctx, "export")
    mask = mask is not False
    started = time.perf_counter()
    path = Path(path)
    form = build(ctx, kind, record_id)
    with atomic_path(path, hint="（文件是否正在其他程序中打开？）") as tmp:
        pages = pdf.write_forms([form], tmp, mask=mask)
    with ctx.write() as session:
        audit.record(session, ctx.actor, "preview" if preview else "print", "form", kind, talent_id=form.talent_id,
                     after={"form": form.name, "record": record_id, "file": path.name, "forms": 1, "pages": pages,
                            "masked": mask, "full_numbers": not mask})
    return reports.OutputResult(path, kind, 1, pages, mask, time.perf_counter() - started)
