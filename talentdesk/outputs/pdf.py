"""PDF forms on A4 drawn straight onto a reportlab canvas with the bundled CJK font
(embedded as a subset): 人才待遇审批表, 补贴发放审批表, 年度考核登记表, 年度考核汇总报告,
追回通知书, the 备案 lists. Many forms go into one file; each form numbers its own pages
(“第 x 页 共 y 页”) and carries a generated-on line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from talentdesk.domain import idcard
from talentdesk.domain.money import capitals, yuan
from talentdesk.domain.values import cn_date
from talentdesk.outputs.layout import LEADING, Block, Pen, paginate
from talentdesk.outputs.model import (ApprovalForm, BatchForm, FilingForm, RecoveryNotice, RegisterForm, ReviewForm,
                                      ReviewSummary, is_cancelled)

PORTRAIT = (595.2756, 841.8898)  # A4 in points
LANDSCAPE = (PORTRAIT[1], PORTRAIT[0])
MARGIN_X = 50.0
MARGIN_TOP = 48.0
MARGIN_BOTTOM = 56.0
BODY = 10.5  # 五号
SMALL = 9.0  # 小五
TITLE = 18.0  # 小二
ROW_H = 24.0
# write_forms lays every form out first to know the page count; the layouts of this many
# forms are kept for drawing (about 30 KB each), the others are laid out again.
KEEP_LAID = 300


class CancelledWrite(Exception):
    """The cancel flag was set; the caller removes the partial file."""


_d = cn_date  # 2026年12月3日


def _money(fen: int) -> str:
    return f"{yuan(fen)}元"


# ------------------------------------------------------------------ building blocks

def grid_row(pen: Pen, cells: list[tuple[float, str, str]], size: float = BODY, min_h: float = ROW_H,
             label_size: float | None = None) -> Block:
    """One table row: cells of (width, text, style) with style label/value/num/center/top."""
    h = min_h
    lsize = label_size or size
    for w, text, style in cells:
        if text:
            need = pen.text_height(text, w, lsize if style == "label" else size)
            if need > h:
                h = need
    h = min(h, 520.0)

    def draw(p: Pen, x: float, y: float) -> None:
        for w, text, style in cells:
            p.rect(x, y - h, w, h)
            if style == "label":
                p.box_text(x, y, w, h, text, lsize, "center")
            elif style == "num":
                p.box_text(x, y, w, h, text, size, "right")
            elif style == "center":
                p.box_text(x, y, w, h, text, size, "center")
            elif style == "top":
                p.box_text(x, y, w, h, text, size, "left", "top")
            else:
                p.box_text(x, y, w, h, text, size, "left")
            x += w

    return Block(h, draw)


def text_block(pen: Pen, text: str, width: float, size: float = BODY, align: str = "left", indent: bool = False,
               space_after: float = 4.0, bold: bool = False) -> Block:
    body = ("\u3000\u3000" + text) if indent else text
    lines = pen.wrap(body, width, size)
    lead = size * LEADING
    h = len(lines) * lead + space_after

    def draw(p: Pen, x: float, y: float) -> None:
        yy = y - size
        for ln in lines:
            if align == "center":
                p.text(x + width / 2, yy, ln, size, "center", bold=bold)
            elif align == "right":
                p.text(x + width, yy, ln, size, "right", bold=bold)
            else:
                p.text(x, yy, ln, size, "left", bold=bold)
            yy -= lead

    return Block(h, draw)


def title_block(pen: Pen, title: str, width: float, left: str = "", right: str = "") -> Block:
    h = TITLE * 1.6 + (BODY * 2.0 if (left or right) else 6)

    def draw(p: Pen, x: float, y: float) -> None:
        p.c.setLineWidth(0.45)
        p.text(x + width / 2, y - TITLE, title, TITLE, "center", bold=True)
        p.c.setLineWidth(0.8)
        yy = y - TITLE * 1.6 - BODY * 0.9
        if left:
            p.text(x, yy, left, BODY)
        if right:
            p.text(x + width, yy, right, BODY, "right")

    return Block(h, draw)


def spacer(h: float) -> Block:
    return Block(h, lambda p, x, y: None)


def signature_row(pen: Pen, label_w: float, width: float, label: str, printed: str = "", height: float = 78.0,
                  signer: str = "负责人签字：", stamp: bool = True) -> Block:
    """用人单位意见 …: a label cell and a tall cell with 签字, （盖章）, 年 月 日 at the bottom."""
    body_w = width - label_w

    def draw(p: Pen, x: float, y: float) -> None:
        p.rect(x, y - height, label_w, height)
        p.rect(x + label_w, y - height, body_w, height)
        p.box_text(x, y, label_w, height, label, BODY, "center")
        if printed:
            p.box_text(x + label_w, y, body_w, height - 40, printed, BODY, "left", "top", pad=6)
        base = y - height + 10
        bx = x + label_w + 8
        p.text(bx, base + 17, signer, BODY)
        if stamp:
            p.text(x + label_w + body_w * 0.52, base + 17, "（盖章）", BODY)
        p.text(x + width - 10, base, "年      月      日", BODY, "right")

    return Block(height, draw)


def _footer(p: Pen, size: tuple[float, float], page: int, pages: int, generated: dt.datetime, doc_no: str) -> None:
    w, _ = size
    y = MARGIN_BOTTOM - 26
    p.text(MARGIN_X, y, f"生成时间：{cn_date(generated.date())} {generated:%H:%M}", SMALL)
    p.text(w / 2, y, f"第 {page} 页  共 {pages} 页", SMALL, "center")
    if doc_no:
        p.text(w - MARGIN_X, y, doc_no, SMALL, "right")


@dataclass
class _Laid:
    """One form split into pages, ready to draw (its wrap cache kept for drawing)."""

    pages: list[list[Block]]
    size: tuple[float, float]
    generated: dt.datetime
    doc_no: str
    cont: Block | None
    wraps: dict


def _layout(pen: Pen, form, mask: bool) -> _Laid:
    """Build one form's blocks and paginate them (nothing is drawn yet)."""
    wraps = pen.new_form()
    blocks, size, doc_no, cont_title = form_blocks(pen, form, mask)
    w, h = size
    avail = h - MARGIN_TOP - MARGIN_BOTTOM
    cont = title_block(pen, cont_title + "（续）", w - 2 * MARGIN_X) if cont_title else None
    pages = paginate(blocks, avail, avail - (cont.height if cont else 0))
    return _Laid(pages, size, form.generated_at, doc_no, cont, wraps)


def _draw(pen: Pen, laid: _Laid, on_page: Callable[[], None] | None = None) -> int:
    """Draw one laid-out form; returns its page count. ``on_page`` runs after each page."""
    pen.new_form(laid.wraps)
    w, h = laid.size
    n = len(laid.pages)
    c = pen.c
    for i, page in enumerate(laid.pages, 1):
        c.setPageSize(laid.size)
        c.setLineWidth(0.8)
        y = h - MARGIN_TOP
        if i > 1 and laid.cont is not None:
            laid.cont.draw(pen, MARGIN_X, y)
            y -= laid.cont.height
        for b in page:
            b.draw(pen, MARGIN_X, y)
            y -= b.height
        _footer(pen, laid.size, i, n, laid.generated, laid.doc_no)
        c.showPage()
        pen._state = None
        if on_page is not None:
            on_page()
    return n


# ------------------------------------------------------------------ 人才待遇审批表

def _schedule_lines(form: ApprovalForm) -> list[str]:
    """One line per installment; runs of equal installments (monthly) are grouped."""
    sched = form.schedule
    if not sched:
        return ["（未生成发放计划）"]

    def fund_text(f: dict[str, int]) -> str:
        return "，".join(f"{k}{yuan(v)}" for k, v in f.items()) if f else ""

    out: list[str] = []
    if len(sched) <= 8:
        for s in sched:
            extra = fund_text(s.funding)
            out.append(f"第{s.seq}期  {_d(s.due)}  {_money(s.amount_fen)}" + (f"（{extra}）" if extra else "")
                       + f"  {s.status}")
        return out
    i = 0
    while i < len(sched):
        j = i
        while (j + 1 < len(sched) and sched[j + 1].amount_fen == sched[i].amount_fen
               and sched[j + 1].funding == sched[i].funding):
            j += 1
        a, b = sched[i], sched[j]
        if i == j:
            out.append(f"第{a.seq}期  {_d(a.due)}  {_money(a.amount_fen)}")
        else:
            n = j - i + 1
            out.append(f"第{a.seq}—{b.seq}期（{n}期）  {_d(a.due)}至{_d(b.due)}  每期{_money(a.amount_fen)}，"
                       f"合计{_money(a.amount_fen * n)}")
        i = j + 1
    statuses: dict[str, int] = {}
    for s in sched:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    out.append("状态：" + "，".join(f"{k}{v}期" for k, v in statuses.items()))
    return out


def _talent_fields(talent: dict, mask: bool) -> dict:
    """The talent's roster fields for a form; ID number and phone masked for copies that leave the office."""
    t = dict(talent)
    if mask:
        t["身份证号"] = idcard.mask(t.get("身份证号"))
        t["手机号码"] = idcard.mask_phone(t.get("手机号码"))
    return t


class _TalentGrid:
    """The six-column grid of a talent's details that the approval and the review forms
    open with: label, value, label, value, label, value; a value not given is the talent's
    field of that label."""

    WIDTHS = (72.0, 93.0, 62.0, 93.0, 72.0)  # the sixth column takes the rest of the width

    def __init__(self, pen: Pen, talent: dict, mask: bool):
        self.pen = pen
        self.t = _talent_fields(talent, mask)
        self.W = PORTRAIT[0] - 2 * MARGIN_X
        self.c = [*self.WIDTHS, self.W - sum(self.WIDTHS)]

    def _value(self, label: str, given: str | None) -> str:
        return self.t.get(label, "") if given is None else given

    def six(self, a: str, b: str, e: str, values: tuple = (None, None, None)) -> Block:
        c = self.c
        va, vb, ve = (self._value(k, v) for k, v in zip((a, b, e), values))
        return grid_row(self.pen, [(c[0], a, "label"), (c[1], va, "value"), (c[2], b, "label"), (c[3], vb, "value"),
                                   (c[4], e, "label"), (c[5], ve, "value")])

    def wide(self, label: str, right_label: str, value: str | None = None, right_value: str | None = None) -> Block:
        c = self.c
        return grid_row(self.pen, [(c[0], label, "label"), (c[1] + c[2] + c[3], self._value(label, value), "value"),
                                   (c[4], right_label, "label"),
                                   (c[5], self._value(right_label, right_value), "value")])


def approval_blocks(pen: Pen, form: ApprovalForm, mask: bool) -> list[Block]:
    g = _TalentGrid(pen, form.talent, mask)
    W, t, c = g.W, g.t, g.c
    L, V = "label", "value"

    def full(label, value, size=BODY, style=V, min_h=ROW_H):
        return grid_row(pen, [(c[0], label, L), (W - c[0], value, style)], size=size, min_h=min_h, label_size=BODY)

    if form.beneficiary != "talent":  # an organisation's grant (单位/平台奖补)
        blocks = [
            title_block(pen, "单位（平台）奖补审批表", W, f"填报单位：{form.office.name}", f"编号：{form.doc_no}"),
            g.wide("受益对象", "对象类别"),
            g.wide("统一社会信用代码", "单位性质"),
            g.wide("依托单位", "所属地区"),
            g.six("平台类型", "认定级别", "认定日期"),
            g.wide("认定机构", "认定文号"),
            g.wide("认定核实情况", "状态", value=form.agreement),
        ]
    else:
        blocks = [
            title_block(pen, "人才待遇审批表", W, f"填报单位：{form.office.name}", f"编号：{form.doc_no}"),
            g.six("姓名", "性别", "出生年月", values=(None, None, t.get("出生日期", ""))),
            g.wide("身份证号", "民族"),
            g.six("政治面貌", "籍贯", "手机号码"),
            g.six("学历", "学位", "学习形式"),
            g.wide("毕业院校", "院校类别"),
            g.six("专业", "毕业时间", "职称"),
            g.wide("用人单位", "单位性质"),
            g.six("所属地区", "引进方式", "引进日期"),
            g.wide("服务协议", "人才类别", value=form.agreement),
        ]
    blocks += [
        grid_row(pen, [(c[0], "申请待遇" if form.beneficiary == "talent" else "奖补项目", L),
                       (c[1], form.benefit_name, V), (c[2], "适用政策", L),
                       (W - c[0] - c[1] - c[2], f"《{form.policy_title}》（{form.policy_document}）"
                        if form.policy_title else form.policy_document, V)]),
        full("核定金额", f"小写：¥{yuan(form.amount_fen)}元        大写：{capitals(form.amount_fen)}", min_h=28),
        full("发放计划", "\n".join(_schedule_lines(form)), size=SMALL),
    ]
    basis = "；".join(form.basis)
    if form.quotes:
        basis += "\n" + "\n".join(f"“{q}”" if not q.startswith("第") else q for q in form.quotes)
    blocks.append(full("政策依据", basis or "（未记录）", size=SMALL))
    approval = f"批准日期：{_d(form.approval_date)}" if form.approval_date else f"审批状态：{form.grant_status}"
    if form.approval_doc_no:
        approval += f"    批准文号：{form.approval_doc_no}"
    blocks.append(full("审批情况", approval))
    sig = form.office.signatories
    printed = "    ".join(f"{k}：{sig[k]}" for k in ("经办人", "审核人") if sig.get(k))
    # Three signature blocks share what is left of the page (one page whenever possible).
    left = PORTRAIT[1] - MARGIN_TOP - MARGIN_BOTTOM - sum(b.height for b in blocks)
    each = max(60.0, min(100.0, left / 3 - 0.5))
    blocks += [
        signature_row(pen, c[0], W, "用人单位\n意见", height=each),
        signature_row(pen, c[0], W, "主管部门\n意见", height=each),
        signature_row(pen, c[0], W, "人才办\n审核意见", printed, height=each),
    ]
    return blocks


# ------------------------------------------------------------------ 补贴发放审批表

def batch_blocks(pen: Pen, form: BatchForm, mask: bool) -> list[Block]:
    W = LANDSCAPE[0] - 2 * MARGIN_X
    levels = form.levels
    fixed = [("序号", 30.0, "center"), ("姓名", 54.0, "center"), ("身份证号", 118.0, "center"),
             ("用人单位", 0.0, "value"), ("待遇项目", 78.0, "center"), ("期次", 32.0, "center"),
             ("应发日期", 74.0, "center"), ("金额（元）", 76.0, "num")]
    fixed += [(f"{lv}（元）", 72.0, "num") for lv in levels]
    fixed += [("状态", 58.0, "center")]
    rest = W - sum(w for _, w, _ in fixed)
    fixed[3] = ("用人单位", max(90.0, rest), "value")
    widths = [w for _, w, _ in fixed]
    if sum(widths) > W:  # many funding levels: narrow every column so the table keeps to the margins
        scale = W / sum(widths)
        widths = [w * scale for w in widths]
    widths[3] += W - sum(widths)  # the table is exactly as wide as the 大写 row and the signature boxes
    styles = [s for _, _, s in fixed]
    size = SMALL
    header = grid_row(pen, [(w, lab, "label") for w, (lab, _, _) in zip(widths, fixed)], size=size, min_h=26)

    def row(values: list[str]) -> Block:
        return grid_row(pen, [(w, v, s) for w, v, s in zip(widths, values, styles)], size=size, min_h=20)

    blocks = [title_block(pen, f"{form.office.name}人才补贴发放审批表", W,
                          f"发放月份：{form.year}年{form.month}月        填报单位：{form.office.name}",
                          f"编号：{form.doc_no}"), header]
    seq = 0
    group = None
    g_amount = 0
    g_lev = {lv: 0 for lv in levels}
    t_lev = {lv: 0 for lv in levels}

    def subtotal(label: str, amount: int, lev: dict[str, int]) -> Block:
        cells = [(widths[0], "", "center"), (sum(widths[1:7]), label, "center"), (widths[7], yuan(amount), "num")]
        cells += [(widths[8 + i], yuan(lev[lv]), "num") for i, lv in enumerate(levels)]
        cells += [(widths[-1], "", "center")]
        b = grid_row(pen, cells, size=size, min_h=20)
        b.header = header
        return b

    for line in form.lines:
        if line.benefit_name != group:
            if group is not None:
                blocks.append(subtotal(f"{group}小计", g_amount, g_lev))
            group = line.benefit_name
            g_amount = 0
            g_lev = {lv: 0 for lv in levels}
        seq += 1
        g_amount += line.amount_fen
        for lv in levels:
            g_lev[lv] += line.funding.get(lv, 0)
            t_lev[lv] += line.funding.get(lv, 0)
        ident = idcard.mask(line.id_number) if mask else line.id_number
        b = row([str(seq), line.name, ident, line.employer, line.benefit_name, str(line.seq), _d(line.due),
                 yuan(line.amount_fen)] + [yuan(line.funding[lv]) if line.funding.get(lv) else "" for lv in levels]
                + [line.status])
        b.header = header
        blocks.append(b)
    if group is not None:
        blocks.append(subtotal(f"{group}小计", g_amount, g_lev))
    total = form.total_fen
    tot = subtotal(f"合计（{seq}人次）", total, t_lev)
    tot.keep_with_next = 3  # the total, the capitals and the signatures stay on one page
    blocks.append(tot)
    cap = grid_row(pen, [(sum(widths[:3]), "合计金额（大写）", "label"),
                         (W - sum(widths[:3]), f"{capitals(total)}（¥{yuan(total)}元）", "value")], min_h=26)
    cap.header = header
    cap.keep_with_next = 2
    blocks.append(cap)
    blocks.append(spacer(10))
    sig = form.office.signatories
    third = W / 3
    names = [("经办人", sig.get("经办人", "")), ("审核人", sig.get("审核人", "")), ("负责人", sig.get("负责人", ""))]

    def draw_sigs(p: Pen, x: float, y: float) -> None:
        h = 66
        for i, (role, name) in enumerate(names):
            xx = x + i * third
            p.rect(xx, y - h, third, h)
            p.text(xx + 8, y - 18, f"{role}（签字）：{name}", BODY)
            p.text(xx + third - 10, y - h + 10, "年      月      日", BODY, "right")

    sigs = Block(72, draw_sigs, keep_with_next=1)  # 66 of boxes, a gap above the note
    blocks[-1].keep_with_next = 1
    blocks.append(sigs)
    blocks.append(text_block(pen, "说明：本表金额由系统按发放计划汇总，单位为元；请核对无误后签字盖章，随发放凭证报财政部门。",
                             W, SMALL))
    return blocks


# ------------------------------------------------------------------ 年度考核登记表

def review_blocks(pen: Pen, form: ReviewForm, mask: bool) -> list[Block]:
    g = _TalentGrid(pen, form.talent, mask)
    W, c = g.W, g.c
    L, V = "label", "value"
    blocks = [
        title_block(pen, f"{form.year}年度引进人才考核登记表", W, f"填报单位：{form.office.name}",
                    "填表日期：        年    月    日"),
        g.six("姓名", "性别", "出生日期"),
        g.wide("身份证号", "民族"),
        g.six("学历", "学位", "职称"),
        g.wide("毕业院校", "专业"),
        g.wide("用人单位", "所属地区"),
        g.six("引进方式", "引进日期", "人才类别"),
        grid_row(pen, [(c[0], "享受待遇", L), (W - c[0], "；".join(form.benefits) or "无", V)]),
        grid_row(pen, [(c[0], "个人年度\n工作总结", L),
                       (W - c[0], "（主要工作业绩、履行服务协议情况，可另附页）", "top")], min_h=215, size=SMALL,
                       label_size=BODY),
    ]
    results = ("优秀", "合格", "基本合格", "不合格")
    h = 96.0

    def draw_result(p: Pen, x: float, y: float) -> None:
        p.rect(x, y - h, c[0], h)
        p.rect(x + c[0], y - h, W - c[0], h)
        p.box_text(x, y, c[0], h, "用人单位\n考核意见", BODY)
        xx = x + c[0] + 10
        yy = y - 22
        p.text(xx, yy, "考核结果：", BODY)
        xx += pen.width("考核结果：", BODY) + 4
        for r in results:
            p.checkbox(xx, yy - 1, 9, form.result == r)
            p.text(xx + 13, yy, r, BODY)
            xx += 13 + pen.width(r, BODY) + 18
        if form.review_date:
            p.text(x + c[0] + 10, yy - 20, f"考核日期：{_d(form.review_date)}", BODY)
        base = y - h + 10
        p.text(x + c[0] + 8, base + 17, "负责人签字：", BODY)
        p.text(x + c[0] + (W - c[0]) * 0.52, base + 17, "（盖章）", BODY)
        p.text(x + W - 10, base, "年      月      日", BODY, "right")

    blocks.append(Block(h, draw_result))
    blocks.append(signature_row(pen, c[0], W, "主管部门\n意见", height=76))
    sig = form.office.signatories
    printed = form.remarks
    names = "    ".join(f"{k}：{sig[k]}" for k in ("经办人", "审核人") if sig.get(k))
    if names:
        printed = (printed + "\n" if printed else "") + names
    blocks.append(signature_row(pen, c[0], W, "人才办\n审核意见", printed, height=80))
    return blocks


# ------------------------------------------------------------------ 年度考核汇总报告

def summary_blocks(pen: Pen, form: ReviewSummary, mask: bool) -> list[Block]:
    W = PORTRAIT[0] - 2 * MARGIN_X
    n = form.total
    counts = form.counts
    text = (f"{form.year}年度应参加考核的引进人才共{n + form.unreviewed}人，已考核{n}人，其中"
            + "、".join(f"{r}{counts.get(r, 0)}人" for r in form.results)
            + (f"；另有{form.unreviewed}人尚未录入考核结果" if form.unreviewed else "") + "。")
    failed = sum(counts.get(r, 0) for r in form.results if r == "不合格")
    if failed:
        text += (f"考核不合格{failed}人，按政策规定暂停或取消其后续人才待遇，涉及{len(form.suspended)}笔、"
                 f"金额{_money(form.suspended_fen)}（{capitals(form.suspended_fen)}）。")
    blocks = [title_block(pen, f"{form.year}年度引进人才考核情况汇总报告", W, f"报送单位：{form.office.name}",
                          f"编号：{form.doc_no}"),
              text_block(pen, text, W, BODY, indent=True, space_after=8),
              text_block(pen, "一、考核结果统计", W, BODY, bold=True)]
    blocks[-1].keep_with_next = 2
    cw = [W * 0.4, W * 0.3, W * 0.3]
    blocks.append(grid_row(pen, [(cw[0], "考核结果", "label"), (cw[1], "人数", "label"), (cw[2], "占比", "label")]))
    for r in form.results:
        k = counts.get(r, 0)
        pct = f"{k * 100 / n:.1f}%" if n else "—"
        blocks.append(grid_row(pen, [(cw[0], r, "center"), (cw[1], str(k), "center"), (cw[2], pct, "center")]))
    blocks.append(grid_row(pen, [(cw[0], "合计", "label"), (cw[1], str(n), "center"),
                                 (cw[2], "100.0%" if n else "—", "center")]))
    blocks.append(spacer(10))

    blocks.append(text_block(pen, "二、按用人单位统计", W, BODY, bold=True))
    blocks[-1].keep_with_next = 2
    ew = [30.0, W - 30 - 5 * 58.0] + [58.0] * 5
    head = grid_row(pen, [(ew[0], "序号", "label"), (ew[1], "用人单位", "label")]
                    + [(ew[2 + i], r, "label") for i, r in enumerate(form.results)] + [(ew[6], "合计", "label")])
    blocks.append(head)
    for i, (emp, cnt) in enumerate(form.by_employer, 1):
        b = grid_row(pen, [(ew[0], str(i), "center"), (ew[1], emp, "value")]
                     + [(ew[2 + j], str(cnt.get(r, 0)), "center") for j, r in enumerate(form.results)]
                     + [(ew[6], str(sum(cnt.values())), "center")])
        b.header = head
        blocks.append(b)
    b = grid_row(pen, [(ew[0] + ew[1], "合计", "label")]
                 + [(ew[2 + j], str(counts.get(r, 0)), "center") for j, r in enumerate(form.results)]
                 + [(ew[6], str(n), "center")])
    b.header = head
    blocks.append(b)
    blocks.append(spacer(10))

    blocks.append(text_block(pen, "三、考核不合格人员名单", W, BODY, bold=True))
    blocks[-1].keep_with_next = 2
    nw = [30.0, 70.0, 170.0, 60.0]
    nw.append(W - sum(nw))
    head = grid_row(pen, [(nw[0], "序号", "label"), (nw[1], "姓名", "label"), (nw[2], "用人单位", "label"),
                          (nw[3], "考核结果", "label"), (nw[4], "备注", "label")])
    blocks.append(head)
    if not form.not_passing:
        blocks.append(grid_row(pen, [(W, "无", "center")]))
    for i, (name, emp, res, rem) in enumerate(form.not_passing, 1):
        b = grid_row(pen, [(nw[0], str(i), "center"), (nw[1], name, "center"), (nw[2], emp, "value"),
                           (nw[3], res, "center"), (nw[4], rem, "value")])
        b.header = head
        blocks.append(b)
    blocks.append(spacer(10))

    blocks.append(text_block(pen, "四、因考核不合格暂停（取消）发放的待遇", W, BODY, bold=True))
    blocks[-1].keep_with_next = 2
    sw = [30.0, 58.0, 80.0, 78.0, 78.0, 54.0]
    sw.append(W - sum(sw))
    head = grid_row(pen, [(sw[0], "序号", "label"), (sw[1], "姓名", "label"), (sw[2], "待遇项目", "label"),
                          (sw[3], "应发日期", "label"), (sw[4], "金额（元）", "label"), (sw[5], "状态", "label"),
                          (sw[6], "原因", "label")], size=SMALL)
    blocks.append(head)
    if not form.suspended:
        blocks.append(grid_row(pen, [(W, "无", "center")]))
    for i, s in enumerate(form.suspended, 1):
        b = grid_row(pen, [(sw[0], str(i), "center"), (sw[1], s.name, "center"), (sw[2], s.benefit_name, "center"),
                           (sw[3], _d(s.due), "center"), (sw[4], yuan(s.amount_fen), "num"),
                           (sw[5], s.status, "center"), (sw[6], s.reason, "value")], size=SMALL)
        b.header = head
        blocks.append(b)
    if form.suspended:
        b = grid_row(pen, [(sum(sw[:4]), "合计", "label"), (sw[4], yuan(form.suspended_fen), "num"),
                           (sw[5] + sw[6], capitals(form.suspended_fen), "value")], size=SMALL)
        b.header = head
        blocks.append(b)
    blocks.append(spacer(24))
    blocks.append(_issuer_block(pen, form.office.name, W))
    return blocks


def _issuer_block(pen: Pen, office: str, W: float) -> Block:
    def draw(p: Pen, x: float, y: float) -> None:
        p.text(x + W - 20, y - BODY, f"{office}（盖章）", BODY, "right")
        p.text(x + W - 20, y - BODY * 3, "年      月      日", BODY, "right")

    return Block(BODY * 4, draw)


# ------------------------------------------------------------------ 追回通知书

def recovery_blocks(pen: Pen, form: RecoveryNotice, mask: bool) -> list[Block]:
    W = PORTRAIT[0] - 2 * MARGIN_X
    t = form.talent
    ident = idcard.mask(t.get("身份证号")) if mask else t.get("身份证号", "")
    size = 12.0  # 小四 for the letter body
    cited = form.articles or form.basis
    basis = "、".join(cited) if cited else "相关政策"
    service = f"约定的{form.service_required}服务期" if form.service_required else "约定的服务期"
    employer = t.get("用人单位") or "用人单位"
    body = (f"你（身份证号：{ident}）于{_d(form.departed_on)}从{employer}离职"
            + (f"（离职原因：{form.reason}）" if form.reason else "") + f"，未满{service}。根据{basis}的规定，"
            f"应退回已享受的人才补贴。现将有关事项通知如下：")
    if form.in_post:  # 在岗追回: what happened, and the office's decision
        body = (f"你（身份证号：{ident}，{employer}）{form.in_post}。根据{basis}的规定，"
                + (f"经研究决定（{form.decision_doc_no}），" if form.decision_doc_no else "")
                + "应退回相关人才补贴。现将有关事项通知如下：")
    blocks = [title_block(pen, "追回人才补贴通知书", W),
              text_block(pen, form.doc_no, W, BODY, "center", space_after=10),
              text_block(pen, f"{t.get('姓名', '')}同志：", W, size, space_after=4),
              text_block(pen, body, W, size, indent=True, space_after=8),
              text_block(pen, "一、已领取的人才补贴", W, size, bold=True)]
    blocks[-1].keep_with_next = 2
    rw = [30.0, 110.0, 40.0, 100.0, 100.0]
    rw.append(W - sum(rw))
    head = grid_row(pen, [(rw[0], "序号", "label"), (rw[1], "待遇项目", "label"), (rw[2], "期次", "label"),
                          (rw[3], "发放日期", "label"), (rw[4], "金额（元）", "label"), (rw[5], "凭证号", "label")])
    blocks.append(head)
    if not form.received:
        blocks.append(grid_row(pen, [(W, "无", "center")]))
    for i, r in enumerate(form.received, 1):
        b = grid_row(pen, [(rw[0], str(i), "center"), (rw[1], r.benefit_name, "center"),
                           (rw[2], str(r.seq), "center"), (rw[3], _d(r.paid_date), "center"),
                           (rw[4], yuan(r.amount_fen), "num"), (rw[5], r.voucher, "center")])
        b.header = head
        blocks.append(b)
    b = grid_row(pen, [(sum(rw[:4]), "合计", "label"), (rw[4], yuan(form.received_fen), "num"), (rw[5], "", "center")])
    b.header = head
    blocks.append(b)
    blocks.append(spacer(8))
    blocks.append(text_block(pen, "二、应退回金额", W, size, bold=True))
    blocks[-1].keep_with_next = 3
    aw = [110.0, 130.0]
    aw.append(W - sum(aw))
    for label, fen in (("应退回金额", form.refund_due_fen), ("已退回金额", form.recovered_fen),
                       ("尚需退回金额", form.outstanding_fen)):
        blocks.append(grid_row(pen, [(aw[0], label, "label"), (aw[1], f"¥{yuan(fen)}元", "num"),
                                     (aw[2], f"大写：{capitals(fen)}", "value")], min_h=26))
    if form.levels or len(form.plan) > 1:
        blocks.append(spacer(4))
    if form.levels:  # 在岗追回: returned to each budget level in proportion to what it paid
        blocks.append(text_block(pen, "其中退回各级资金：" + "，".join(f"{name}{_money(fen)}" for name, fen in form.levels),
                                 W, BODY, indent=True, space_after=2))
    if len(form.plan) > 1:
        blocks.append(text_block(pen, "分期退回计划：" + "；".join(
            f"第{k}期{_d(d)}前退回{_money(fen)}" for k, (d, fen) in enumerate(form.plan, 1)),
            W, BODY, indent=True, space_after=2))
    blocks.append(spacer(8))
    blocks.append(text_block(pen, "三、政策依据", W, size, bold=True))
    blocks.append(text_block(pen, "；".join(form.basis) or "（未记录）", W, BODY, indent=True, space_after=2))
    for q in form.quotes:
        blocks.append(text_block(pen, q if q.startswith("第") else f"“{q}”", W, BODY, indent=True, space_after=2))
    blocks.append(spacer(6))
    blocks.append(text_block(pen, f"请于收到本通知书后，按规定将尚需退回的款项{_money(form.outstanding_fen)}退回，"
                                  f"并将缴款凭证复印件交{form.office.name}。如有异议，请在收到本通知书后及时向"
                                  f"{form.office.name}书面提出。", W, size, indent=True, space_after=18))
    blocks.append(_issuer_block(pen, form.office.name, W))
    blocks.append(spacer(16))

    def receipt(p: Pen, x: float, y: float) -> None:
        p.c.setDash(4, 3)
        p.line(x, y - 6, x + W, y - 6)
        p.c.setDash()
        p.text(x + W / 2, y - 28, "送 达 回 执", 14, "center", bold=True)
        p.text(x, y - 54, f"受送达人：{t.get('姓名', '')}        文书：追回人才补贴通知书（{form.doc_no}）", BODY)
        p.text(x, y - 80, "受送达人签收：                    签收日期：        年      月      日", BODY)

    blocks.append(Block(92, receipt))
    blocks[-2].keep_with_next = 1
    return blocks


# ------------------------------------------------------------------ entry point

# ------------------------------------------------------------------ 备案 lists

def _cell(value, kind: str, mask: bool) -> str:
    if value is None:
        return ""
    if kind == "money":
        return yuan(value)
    if kind == "date":
        return _d(value)
    if kind == "id":
        return idcard.mask(value) if mask else value
    if kind == "phone":
        return idcard.mask_phone(value) if mask else value
    return str(value)


def filing_blocks(pen: Pen, form: FilingForm, mask: bool) -> list[Block]:
    """A 备案 list on landscape A4: title, period and basis, the table (header repeated on
    every page), a 合计 line, the 填报人/审核人/负责人 boxes."""
    W = LANDSCAPE[0] - 2 * MARGIN_X
    weights = [c.width for c in form.columns]
    widths = [W * w / sum(weights) for w in weights]
    styles = ["num" if c.kind in ("money", "int") else "center" if c.kind in ("date", "id", "phone") else "value"
              for c in form.columns]
    header = grid_row(pen, [(w, c.label, "label") for w, c in zip(widths, form.columns)], size=SMALL, min_h=26)
    blocks = [title_block(pen, form.title, W, f"备案期间：{form.period}        填报单位：{form.office.name}（盖章）",
                          f"共 {len(form.rows)} 条"),
              text_block(pen, f"依据：{form.basis}", W, SMALL), header]
    money = [i for i, c in enumerate(form.columns) if c.kind == "money"]
    totals = {i: 0 for i in money}
    for row in form.rows:
        for i in money:
            totals[i] += row[i] or 0
        b = grid_row(pen, [(w, _cell(v, c.kind, mask), st) for w, v, c, st in zip(widths, row, form.columns, styles)],
                     size=SMALL, min_h=20)
        b.header = header
        blocks.append(b)
    if not form.rows:
        blocks.append(grid_row(pen, [(W, "（本期间无备案事项）", "center")], size=SMALL, min_h=24))
    elif money:
        first = min(money)
        cells = [(sum(widths[:first]), f"合计（{len(form.rows)}条）", "center")]
        cells += [(w, yuan(totals[i]) if i in totals else "", "num") for i, w in enumerate(widths) if i >= first]
        tot = grid_row(pen, cells, size=SMALL, min_h=22)
        tot.header = header
        blocks.append(tot)
    blocks[-1].keep_with_next = 1
    blocks.append(spacer(10))
    sig = form.office.signatories
    third = W / 3
    names = [("填报人", sig.get("经办人", "")), ("审核人", sig.get("审核人", "")), ("负责人", sig.get("负责人", ""))]

    def draw_sigs(p: Pen, x: float, y: float) -> None:
        h = 56
        for i, (role, name) in enumerate(names):
            xx = x + i * third
            p.rect(xx, y - h, third, h)
            p.text(xx + 8, y - 18, f"{role}（签字）：{name}", BODY)
            p.text(xx + third - 10, y - h + 10, "年      月      日", BODY, "right")

    blocks.append(Block(62, draw_sigs, keep_with_next=1 if form.notes else 0))
    for note in form.notes:
        blocks.append(text_block(pen, note, W, SMALL))
    return blocks


# ------------------------------------------------------------------ the other registers' forms

def register_blocks(pen: Pen, form: RegisterForm, mask: bool) -> list[Block]:
    """人才认定备案表, 人才服务事项办理单, 回访记录表, 人才公寓入住/腾退确认单: the grid of the
    record, the signature boxes sharing what is left of the page, the articles below."""
    W = PORTRAIT[0] - 2 * MARGIN_X
    label_w = _TalentGrid.WIDTHS[0]
    six = [*_TalentGrid.WIDTHS, W - sum(_TalentGrid.WIDTHS)]
    blocks = [title_block(pen, form.name, W, f"填报单位：{form.office.name}", f"编号：{form.doc_no}")]
    for row in form.rows:
        pairs = [(lab, idcard.mask(val) if mask and lab == "身份证号" else
                  idcard.mask_phone(val) if mask and lab == "联系电话" else val) for lab, val in row.cells]
        if len(pairs) == 1:
            widths = [label_w, W - label_w]
        elif len(pairs) == 2:
            half = (W - 2 * label_w) / 2
            widths = [label_w, half, label_w, half]
        else:
            widths = six
        cells = []
        style = "top" if row.min_h >= 48 else "value"  # a tall box for writing: its text from the top
        for i, (lab, val) in enumerate(pairs):
            cells += [(widths[2 * i], lab, "label"), (widths[2 * i + 1], val or "", style)]
        blocks.append(grid_row(pen, cells, size=SMALL if row.small else BODY, min_h=row.min_h, label_size=BODY))
    if form.signatures:
        left = PORTRAIT[1] - MARGIN_TOP - MARGIN_BOTTOM - sum(b.height for b in blocks)
        notes_h = sum(text_block(pen, n, W, SMALL).height for n in form.notes) + 8
        each = max(60.0, min(96.0, (left - notes_h) / len(form.signatures) - 0.5))
        for label, printed, person in form.signatures:  # person: a signature, no seal
            blocks.append(signature_row(pen, label_w, W, label, printed, height=each,
                                        signer="签字：" if person else "负责人签字：", stamp=not person))
    if form.notes:
        blocks[-1].keep_with_next = 1
        blocks.append(spacer(6))
        for note in form.notes:
            blocks.append(text_block(pen, note, W, SMALL))
    return blocks


def form_blocks(pen: Pen, form, mask: bool = False) -> tuple[list[Block], tuple[float, float], str, str]:
    """(blocks, page size, document number, continuation title) for any form."""
    if isinstance(form, ApprovalForm):
        return (approval_blocks(pen, form, mask), PORTRAIT, form.doc_no,
                "人才待遇审批表" if form.beneficiary == "talent" else "单位（平台）奖补审批表")
    if isinstance(form, BatchForm):
        return batch_blocks(pen, form, mask), LANDSCAPE, form.doc_no, f"{form.office.name}人才补贴发放审批表"
    if isinstance(form, ReviewForm):
        return review_blocks(pen, form, mask), PORTRAIT, "", f"{form.year}年度引进人才考核登记表"
    if isinstance(form, ReviewSummary):
        return summary_blocks(pen, form, mask), PORTRAIT, form.doc_no, f"{form.year}年度引进人才考核情况汇总报告"
    if isinstance(form, RecoveryNotice):
        return recovery_blocks(pen, form, mask), PORTRAIT, form.doc_no, "追回人才补贴通知书"
    if isinstance(form, FilingForm):
        return filing_blocks(pen, form, mask), LANDSCAPE, "", form.title
    if isinstance(form, RegisterForm):
        return register_blocks(pen, form, mask), PORTRAIT, form.doc_no, form.name
    raise TypeError(f"not a form: {type(form).__name__}")


def make_canvas(path: str | Path, title: str = "TalentDesk"):
    from reportlab.pdfgen import canvas

    from talentdesk.outputs import fonts

    # The initial font is the bundled one, so no page refers to a non-embedded Helvetica.
    c = canvas.Canvas(str(path), pagesize=PORTRAIT, pageCompression=1, initialFontName=fonts.register(),
                      initialFontSize=BODY)
    c.setTitle(title)
    c.setCreator("TalentDesk 人才服务台账")
    return c


def write_forms(forms: Iterable, path: str | Path, *, mask: bool = False, progress=None, cancel=None,
                canvas_factory: Callable | None = None) -> int:
    """Draw every form into one PDF; returns the number of pages.

    Every form is laid out first, so the page count is known before drawing:
    ``progress(0, None)`` while laying out, then ``progress(page, pages)`` after each
    page drawn (the GUI shows “正在生成第 N / M 页”)."""
    forms = list(forms)
    first = forms[0] if forms else None
    title = {ApprovalForm: "人才待遇审批表", BatchForm: "补贴发放审批表", ReviewForm: "年度考核登记表",
             ReviewSummary: "年度考核汇总报告", RecoveryNotice: "追回通知书"}.get(type(first), "TalentDesk")
    if isinstance(first, (FilingForm, RegisterForm)):
        title = first.name
    c = (canvas_factory or make_canvas)(path, title)
    pen = Pen(c)
    if progress is not None:
        progress(0, None)
    laid: list[_Laid | None] = []  # the first KEEP_LAID forms' layouts, drawn as they are
    total = 0
    for i, form in enumerate(forms):
        if is_cancelled(cancel):
            raise CancelledWrite()
        f = _layout(pen, form, mask)
        total += len(f.pages)
        if i < KEEP_LAID:
            laid.append(f)
    done = 0

    def page_done() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)
        if is_cancelled(cancel):
            raise CancelledWrite()

    for i, form in enumerate(forms):
        if i < len(laid):
            f, laid[i] = laid[i], None  # drawn once: let it go
        else:  # laid out again rather than kept: memory stays flat however many forms
            f = _layout(pen, form, mask)
        _draw(pen, f, page_done)
    c.save()
    return total
