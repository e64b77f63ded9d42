"""``talentdesk recovery open|decide|repay|cancel|list|notice|ledger``: 在岗追回 — money obtained by
fraud (条例 第六十五条), or due back after a breach or a failed review, split back to the
funding levels that paid it (talentdesk.services.benefits.recoveries)."""

from __future__ import annotations

import datetime as dt

from talentdesk.cli.args import parse_date
from talentdesk.domain import money
from talentdesk.domain.errors import TalentDeskError


def _fen(text: str, label: str) -> int:
    try:
        return money.parse_yuan(text)
    except ValueError as exc:
        raise TalentDeskError(f"{label}：{exc}") from None


def _ids(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(x) for x in text.replace("，", ",").split(",") if x.strip()]
    except ValueError:
        raise TalentDeskError(f"编号应为逗号分隔的数字：“{text}”") from None


def _line(v) -> str:
    levels = "，".join(f"{lv.label}{money.yuan(lv.amount_fen) if lv.amount_fen is not None else '待核定'}"
                      for lv in v.levels)
    return (f"#{v.id}\t{v.state_label}\t{v.name}\t{v.basis_label}\t立案{v.opened_on}\t"
            f"已领取{money.yuan(v.received_fen)}\t建议{v.suggested_text}\t"
            f"核定{money.yuan(v.decided_fen) if v.decided_fen is not None else '—'}\t"
            f"已退回{money.yuan(v.repaid_fen)}\t尚需{v.outstanding_text}\t{levels}\t{v.decision_doc_no or ''}")


def _show(app, v, done: str) -> int:
    if app.json:
        app.print_json(v.as_dict())
        return 0
    app.out(f"{done}：{_line(v)}")
    app.out(f"依据：{v.explanation}")
    for s in v.suspended:
        app.out(f"暂停发放：{s}")
    return 0


def cmd_open(args, app) -> int:
    from talentdesk.services.benefits import recoveries

    v = recoveries.open(app.context(), args.talent, args.basis, args.facts, grant_ids=_ids(args.grants),
                        installment_ids=_ids(args.installments), departure_id=args.departure,
                        opened_on=parse_date(args.on, "立案日期"))
    return _show(app, v, "已立案")


def cmd_decide(args, app) -> int:
    from talentdesk.services.benefits import recoveries

    amount = _fen(args.amount, "核定追回金额")
    day = parse_date(args.on, "决定日期")
    plan = None
    if args.installments and args.installments > 1:
        plan = recoveries.even_plan(amount, args.installments, parse_date(args.first_due, "首期退回日期") or day
                                    or dt.date.today())
    v = recoveries.decide(app.context(), args.case_id, amount, args.doc_no, decided_on=day, plan=plan, note=args.note)
    return _show(app, v, "已核定")


def cmd_repay(args, app) -> int:
    from talentdesk.services.benefits import recoveries

    day = parse_date(args.on, "退回日期") or dt.date.today()
    v = recoveries.record_repayment(app.context(), args.case_id, _fen(args.amount, "退回金额"), day, args.voucher,
                                    args.remarks)
    return _show(app, v, "已登记退回")


def cmd_cancel(args, app) -> int:
    from talentdesk.services.benefits import recoveries

    return _show(app, recoveries.cancel(app.context(), args.case_id, args.reason), "已撤销")


def cmd_list(args, app) -> int:
    from talentdesk.services.benefits import recoveries

    rows = recoveries.list_cases(app.context(), outstanding_only=args.outstanding, talent=args.talent)
    if app.json:
        app.print_json({"cases": [v.as_dict() for v in rows]})
        return 0
    app.out(f"共 {len(rows)} 件" + ("（待核定或尚需退回）" if args.outstanding else ""))
    for v in rows:
        app.out(_line(v))
    return 0


def cmd_notice(args, app) -> int:
    from talentdesk.services.exchange import reports

    r = reports.print_case_notice(app.context(), args.case_id, args.out, mask=not args.full)
    if app.json:
        app.print_json(r.as_dict())
    else:
        app.out(f"已生成追回通知书：{r.path}，共 {r.pages} 页")
    return 0


def cmd_ledger(args, app) -> int:
    from talentdesk.services.exchange import reports

    r = reports.export_ledger(app.context(), "recovery_case", args.out, year=args.year, mask=not args.full)
    if app.json:
        app.print_json(r.as_dict())
    else:
        app.out(f"已导出追回案件台账：{r.path}，共 {r.rows} 行")
    return 0


def register(sub) -> None:
    from talentdesk.rules.recovery import BASES

    p = sub.add_parser("recovery", help="在岗追回（骗取、违约、考核不合格等）：立案、核定、登记退回，按资金层级分摊")
    s = p.add_subparsers(dest="recovery_command", metavar="操作", required=True)
    o = s.add_parser("open", help="立案（经办人）")
    o.add_argument("talent", metavar="身份证号")
    o.add_argument("--basis", required=True, choices=list(BASES),
                   help="；".join(f"{k}={v}" for k, v in BASES.items()))
    o.add_argument("--facts", required=True, metavar="事由")
    o.add_argument("--grants", metavar="待遇编号", help="逗号分隔；不填为该人才全部已发放的待遇")
    o.add_argument("--installments", metavar="分期编号", help="逗号分隔；只追回这些已发放的分期")
    o.add_argument("--departure", type=int, metavar="离职记录编号", help="basis=departure 时，默认最近一次离职")
    o.add_argument("--on", metavar="立案日期", help="默认今天")
    o.set_defaults(func=cmd_open)
    d = s.add_parser("decide", help="核定追回金额（审核人，不能是立案人）")
    d.add_argument("case_id", type=int, metavar="案件编号")
    d.add_argument("--amount", required=True, metavar="金额（元）")
    d.add_argument("--doc-no", required=True, metavar="决定文号")
    d.add_argument("--on", metavar="决定日期", help="默认今天")
    d.add_argument("--installments", type=int, metavar="期数", help="分期退回的期数（按月），默认一次退回")
    d.add_argument("--first-due", metavar="首期日期", help="默认决定日期")
    d.add_argument("--note", metavar="说明")
    d.set_defaults(func=cmd_decide)
    r = s.add_parser("repay", help="登记退回款（按各级尚需退回的比例分摊）")
    r.add_argument("case_id", type=int, metavar="案件编号")
    r.add_argument("--amount", required=True, metavar="金额（元）")
    r.add_argument("--voucher", required=True, metavar="凭证号")
    r.add_argument("--on", metavar="退回日期", help="默认今天")
    r.add_argument("--remarks", metavar="备注")
    r.set_defaults(func=cmd_repay)
    c = s.add_parser("cancel", help="撤销误立的案件（审核人；已有退回款的不能撤销）")
    c.add_argument("case_id", type=int, metavar="案件编号")
    c.add_argument("--reason", required=True, metavar="撤销原因")
    c.set_defaults(func=cmd_cancel)
    ls = s.add_parser("list", help="列出追回案件")
    ls.add_argument("--outstanding", action="store_true", help="只列待核定或尚需退回的")
    ls.add_argument("--talent", metavar="身份证号")
    ls.set_defaults(func=cmd_list)
    n = s.add_parser("notice", help="打印已核定案件的追回通知书（PDF）")
    n.add_argument("case_id", type=int, metavar="案件编号")
    n.add_argument("out", metavar="输出文件.pdf")
    n.add_argument("--full", action="store_true", help="打印完整身份证号（记入审计）")
    n.set_defaults(func=cmd_notice)
    lg = s.add_parser("ledger", help="导出追回案件台账（Excel，含各级资金列）")
    lg.add_argument("out", metavar="输出文件.xlsx")
    lg.add_argument("--year", type=int, metavar="立案年度")
    lg.add_argument("--full", action="store_true", help="导出完整身份证号（记入审计）")
    lg.set_defaults(func=cmd_ledger)
